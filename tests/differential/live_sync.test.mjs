// The dashboard's live sync (www/src/sync.js) against a server whose rooms
// change while it pages and between refreshes: inserts, closes, transfers,
// deletions, department renames. After every refresh the index must answer
// what the server's own pipelines (mingo, on the collection as it is then)
// answer, for random parameters: zero disagreements. The sync runs on the
// wasm package in Node, exactly as in the dashboard's worker.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { ChatIndex } from '../../pkg/node.mjs';
import { ServerSync } from '../../www/src/sync.js';
import { startMock, mockData, seeded, USERS, FIELDS_BEHAVIOURS } from '../../www/mock-rocketchat.mjs';
import { serverBody, sameBody } from './server_oracle.mjs';

const HISTORIES = Number(process.env.LIVE_SYNC_CASES ?? 12);
const mocks = [];
after(() => Promise.all(mocks.map((m) => m.close())));

const iso = (ms) => new Date(ms).toISOString();
const manager = (url) => ({ url, userId: 'manager', token: USERS.manager.token });

/** Random parameters over the data's span (Jan–May 2026 plus rooms created now). */
function randomParams(random) {
  const t0 = Date.UTC(2025, 11, 1);
  const span = Date.now() + 86_400_000 - t0;
  const start = t0 + Math.floor(random() * span);
  const end = random() < 0.2 ? Date.now() + 86_400_000 : start + Math.floor(random() * (span / 2));
  const params = { start: iso(start), end: iso(end) };
  if (random() < 0.3) params.departmentId = ['sales', 'support', 'legacy', 'deleted', 'late', 'none'][Math.floor(random() * 6)];
  return params;
}

function disagreements(index, mock, random, cases = 40) {
  const wrong = [];
  for (let i = 0; i < cases; i++) {
    const params = i === 0 ? { start: iso(0), end: iso(Date.now() + 86_400_000) } : randomParams(random);
    const ours = index.query(params);
    const theirs = serverBody(mock.data.rooms, mock.data.departments, params);
    if (!sameBody(ours, theirs)) wrong.push({ params, ours, theirs });
  }
  return wrong;
}

test(`live sync: ${HISTORIES} histories with changes during the load and between refreshes agree with the server after every refresh`, async () => {
  let checked = 0;
  for (let h = 0; h < HISTORIES; h++) {
    const random = seeded(1000 + h);
    const churnWhilePaging = { on: true };
    // Every `fields` behaviour of a real server (applied, ignored, refused),
    // and now and then an empty or short page in the middle of a range.
    const fieldsBehaviour = FIELDS_BEHAVIOURS[h % 3];
    const mock = await startMock({
      data: mockData(300 + Math.floor(random() * 900), seeded(h + 1)),
      fieldsBehaviour,
      onRooms: () => {
        if (!churnWhilePaging.on || !mock) return;
        mock.churn(Math.floor(random() * 4), random);
        if (random() < 0.1) mock.faults.push(random() < 0.5 ? 'empty' : 'short');
      },
    });
    mocks.push(mock);
    // Half the histories with no overlap: every refresh after the first then
    // reads from the watermark exactly (the path of a quiet, settled server).
    const overlapMs = h % 2 ? 0 : 10_000;
    const sync = new ServerSync({ server: manager(mock.url), ChatIndex, timeZone: 'UTC', pageSize: 20 + Math.floor(random() * 80), reconcileEveryMs: Infinity, overlapMs });
    await sync.load();
    churnWhilePaging.on = false;
    // Changes made while paging are read by the first refresh.
    await sync.refresh();
    assert.deepEqual(disagreements(sync.index, mock, random), [], `history ${h} (fields ${fieldsBehaviour}) after load + refresh`);
    assert.equal(sync.fieldsBehaviour, fieldsBehaviour, 'the fields behaviour learnt');
    let settledSeen = false;
    for (let round = 0; round < 6; round++) {
      // A quiet refresh settles the watermark; the next one reads from it exactly.
      if (overlapMs === 0 && round % 2) await sync.refresh();
      mock.churn(Math.floor(random() * 25), random);
      if (random() < 0.2) mock.renameDepartment(random() < 0.5 ? 'support' : 'late', `Renamed ${h}.${round}`);
      settledSeen ||= sync.watermarkSettled;
      const result = await sync.refresh();
      const wrong = disagreements(sync.index, mock, random);
      assert.deepEqual(wrong, [], `history ${h} (fields ${fieldsBehaviour}) round ${round}: ${JSON.stringify(result)}`);
      assert.equal(sync.index.size, mock.data.rooms.filter((r) => r.t === 'l').length, 'the index holds exactly the server\'s livechat rooms');
      checked += 40;
    }
    if (overlapMs === 0) assert.ok(settledSeen, 'the settled path (reading from the watermark exactly) ran');
    sync.free();
  }
  assert.ok(checked >= HISTORIES * 240);
});

test('live sync: a full load reads its creation ranges at once, and rooms at the ranges\' very edges once each', async () => {
  // Eight distinct creation times, a millisecond apart, many rooms at each:
  // the four ranges are cut on them (ends at cut - 1 ms, starts at cut),
  // and pages of 7 end inside runs of equal times.
  for (const fastPaging of [false, true]) {
    const data = mockData(400, seeded(77));
    const t0 = Date.UTC(2026, 0, 5);
    data.rooms.forEach((room, i) => {
      room.ts = new Date(t0 + (i % 8));
      room._updatedAt = new Date(t0 + 1000 + i);
    });
    const mock = await startMock({ data, fastPaging });
    mocks.push(mock);
    const sync = new ServerSync({ server: manager(mock.url), ChatIndex, timeZone: 'UTC', pageSize: 7, parallel: 4 });
    const { rooms } = await sync.load();
    const livechat = data.rooms.filter((room) => room.t === 'l').length;
    assert.equal(sync.index.size, livechat, `fastPaging ${fastPaging}: every room once`);
    assert.equal(rooms, livechat, `fastPaging ${fastPaging}: no room read twice`);
    const ranges = mock.stats.requests['/api/v1/livechat/rooms'];
    assert.ok(ranges > livechat / 7, `${ranges} pages`);
    assert.deepEqual(disagreements(sync.index, mock, seeded(5), 20), []);
    sync.index.free();
  }
});

for (const fieldsBehaviour of FIELDS_BEHAVIOURS) {
  test(`live sync (fields ${fieldsBehaviour}): the behaviour is learnt once, every later request follows it, and a refresh reads a small fraction of a load`, async () => {
    const mock = await startMock({ data: mockData(5000, seeded(3)), fieldsBehaviour });
    mocks.push(mock);
    const sent = [];
    const fetch = (url, init) => {
      sent.push(new URL(url));
      return globalThis.fetch(url, init);
    };
    const off = new ServerSync({ server: manager(mock.url), ChatIndex, timeZone: 'UTC', fields: false });
    const sync = new ServerSync({ server: manager(mock.url), ChatIndex, timeZone: 'UTC', reconcileEveryMs: Infinity, fetch });
    const offLoad = await off.load();
    const load = await sync.load();
    assert.equal(load.fields, fieldsBehaviour);
    assert.equal(offLoad.fields, 'off');
    const withFields = sent.filter((url) => url.searchParams.has('fields'));
    // One probe; then fields only where the server applies it.
    assert.equal(withFields.length === 1 ? 'probe only' : 'more', fieldsBehaviour === 'applied' ? 'more' : 'probe only', `${withFields.length} requests carried fields`);
    assert.equal(mock.stats.refused ?? 0, fieldsBehaviour === 'refused' ? 1 : 0, 'one refusal at most: the probe');
    const livechat = mock.data.rooms.filter((r) => r.t === 'l').length;
    const perRoom = (bytes) => bytes / livechat;
    console.log(`# fields ${fieldsBehaviour}: ${perRoom(load.bytes).toFixed(0)} bytes per room over the wire (${perRoom(offLoad.bytes).toFixed(0)} without fields=)`);
    if (fieldsBehaviour === 'applied') assert.ok(load.bytes < offLoad.bytes * 0.85, `${load.bytes} vs ${offLoad.bytes}`);
    else assert.ok(Math.abs(load.bytes - offLoad.bytes) < offLoad.bytes * 0.02, `${load.bytes} vs ${offLoad.bytes}`);
    const random = seeded(9);
    assert.deepEqual(disagreements(sync.index, mock, random), []);
    const share = (bytes) => `${bytes} bytes, ${(100 * bytes / load.bytes).toFixed(2)}% of a load`;
    // Closes, transfers, inserts: read by _updatedAt, nothing else.
    const [open] = mock.data.rooms.filter((r) => r.t === 'l' && r.open);
    mock.closeRoom(open._id);
    mock.transfer(mock.data.rooms.find((r) => r.t === 'l' && r._id !== open._id)._id, 'support');
    mock.insert(5);
    sent.length = 0;
    const changed = await sync.refresh();
    console.log(`# fields ${fieldsBehaviour}: refresh after 7 changes among ${livechat} rooms: ${share(changed.bytes)}, checked: ${changed.checked}`);
    assert.equal(changed.checked, false, 'no deletion, no check');
    assert.ok(changed.bytes < load.bytes * 0.05, share(changed.bytes));
    assert.deepEqual(disagreements(sync.index, mock, random), []);
    if (fieldsBehaviour !== 'applied') assert.deepEqual(sent.filter((url) => url.searchParams.has('fields')).map(String), [], 'no fields after the probe');
    // Deletions: the server's total drops, and only the ranges that differ are read.
    mock.remove(open._id);
    mock.remove(mock.data.rooms.find((r) => r.t === 'l')._id);
    const deleted = await sync.refresh();
    console.log(`# fields ${fieldsBehaviour}: refresh after 2 deletions: ${share(deleted.bytes)}, ${deleted.requests} requests, reconciled: ${deleted.reconciled}, removed ${deleted.removed}`);
    assert.equal(deleted.removed, 2);
    assert.equal(deleted.reconciled, false, 'found by bisection, not by reading every room');
    assert.ok(deleted.bytes < load.bytes * 0.1, share(deleted.bytes));
    assert.deepEqual(disagreements(sync.index, mock, random), []);
    const quiet = await sync.refresh();
    assert.equal(quiet.checked, false);
    assert.ok(quiet.bytes < load.bytes * 0.05, share(quiet.bytes));
    off.free();
    sync.free();
  });
}

test('live sync: a server upgraded under the dashboard (fields applied, then refused) is followed without a failed refresh', async () => {
  const mock = await startMock({ data: mockData(800, seeded(12)), fieldsBehaviour: 'applied' });
  mocks.push(mock);
  const sync = new ServerSync({ server: manager(mock.url), ChatIndex, timeZone: 'UTC', pageSize: 50, reconcileEveryMs: Infinity });
  await sync.load();
  assert.equal(sync.fieldsBehaviour, 'applied');
  mock.fieldsBehaviour = 'refused';
  mock.churn(20, seeded(13));
  await sync.refresh();
  assert.equal(sync.fieldsBehaviour, 'refused');
  assert.deepEqual(disagreements(sync.index, mock, seeded(14)), []);
  mock.fieldsBehaviour = 'ignored';
  const refused = mock.stats.refused;
  mock.churn(20, seeded(15));
  await sync.load();
  assert.equal(mock.stats.refused, refused, 'never sent again once refused');
  assert.deepEqual(disagreements(sync.index, mock, seeded(16)), []);
  sync.free();
});

test('live sync: an empty or short page in the middle of a range is not its end, and a range the server keeps short is said', async () => {
  for (const fault of ['empty', 'short']) {
    const mock = await startMock({ data: mockData(1200, seeded(21)) });
    mocks.push(mock);
    let pages = 0;
    // The 6th rooms request of the load: in the middle of a range.
    const sync = new ServerSync({ server: manager(mock.url), ChatIndex, timeZone: 'UTC', pageSize: 40, parallel: 2, retryDelayMs: 5, reconcileEveryMs: Infinity, onProgress: () => {} });
    const fetch = (url, init) => {
      if (String(url).includes('livechat/rooms') && ++pages === 6) mock.faults.push(fault);
      return globalThis.fetch(url, init);
    };
    sync.fetch = fetch;
    const load = await sync.load();
    assert.equal(mock.stats.faults, 1, 'the fault was served');
    assert.equal(sync.index.size, mock.data.rooms.filter((r) => r.t === 'l').length, `${fault}: every room read`);
    assert.deepEqual(load.doubts, []);
    assert.deepEqual(disagreements(sync.index, mock, seeded(22)), [], fault);
    // And in a refresh: the first page of changes comes back empty.
    mock.churn(15, seeded(24));
    mock.faults.push(fault);
    await sync.refresh();
    assert.deepEqual(disagreements(sync.index, mock, seeded(25)), [], `${fault} in a refresh`);
    sync.free();
  }
  // A server that answers every page of a range empty: the load says so.
  const mock = await startMock({ data: mockData(600, seeded(23)) });
  mocks.push(mock);
  const sync = new ServerSync({ server: manager(mock.url), ChatIndex, timeZone: 'UTC', pageSize: 40, parallel: 2, retries: 1, retryDelayMs: 5, reconcileEveryMs: Infinity });
  let n = 0;
  sync.fetch = (url, init) => {
    const u = new URL(url);
    // The second range's pages (not its count), from its third page on.
    if (u.searchParams.get('count') === '40' && u.searchParams.has('createdAt') && !JSON.parse(u.searchParams.get('createdAt')).end && ++n >= 3) mock.faults.push('empty');
    return globalThis.fetch(url, init);
  };
  const load = await sync.load();
  assert.equal(load.doubts.length, 1, JSON.stringify(load.doubts));
  assert.equal(load.doubts[0].what, 'short-range');
  assert.ok(load.doubts[0].read < load.doubts[0].server, JSON.stringify(load.doubts[0]));
  sync.free();
});

test('live sync: the repair after a refresh also brings back rooms the index lacks', async () => {
  const mock = await startMock({ data: mockData(700, seeded(31)) });
  mocks.push(mock);
  const sync = new ServerSync({ server: manager(mock.url), ChatIndex, timeZone: 'UTC', pageSize: 50, reconcileEveryMs: Infinity });
  await sync.load();
  // Rooms lost (as a short load used to lose them): the server's total now differs from the rooms held.
  const lost = mock.data.rooms.filter((r) => r.t === 'l').slice(0, 7).map((r) => r._id);
  assert.equal(sync.index.remove(lost), 7);
  const result = await sync.refresh();
  assert.equal(result.checked, true);
  assert.equal(result.repaired.added, 7, JSON.stringify(result.repaired));
  assert.equal(sync.index.size, mock.data.rooms.filter((r) => r.t === 'l').length, 'the lost rooms are back');
  assert.deepEqual(disagreements(sync.index, mock, seeded(32)), []);
  sync.free();
});

test('live sync: a hostile or flaky server (HTML, truncated JSON, not a page, 429, no answer, dropped connection, wrong total) never leaves a wrong or half-applied index', async () => {
  const mock = await startMock({ data: mockData(600, seeded(77)) });
  mocks.push(mock);
  const random = seeded(78);
  const sync = new ServerSync({ server: manager(mock.url), ChatIndex, timeZone: 'UTC', pageSize: 50, timeoutMs: 300, retries: 2, retryDelayMs: 20, reconcileEveryMs: Infinity });
  const retries = [];
  sync.onRetry = (r) => retries.push(r);
  await sync.load();
  assert.deepEqual(disagreements(sync.index, mock, random), []);
  const retried = { '429': /429/, hang: /no answer within 0.3 s/, drop: /connection failed/ };
  for (const fault of ['html', 'truncated', 'not-a-page', '429', 'hang', 'drop', 'wrong-total']) {
    for (const phase of ['refresh', 'load']) {
      mock.churn(10, random);
      // Once: a retried fault recovers; a bad page fails the call. Three times: every fault fails it.
      for (const times of [1, 3]) {
        const before = sync.index;
        const beforeBody = JSON.stringify(before.query({ start: iso(0), end: iso(Date.now() + 86_400_000) }));
        mock.faults.push(...Array(times).fill(fault));
        retries.length = 0;
        let error;
        try {
          await (phase === 'load' ? sync.load() : sync.refresh());
        } catch (e) {
          error = e;
        }
        mock.faults.length = 0;
        const recoverable = fault in retried && times === 1;
        if (recoverable || fault === 'wrong-total') {
          assert.equal(error, undefined, `${fault} ×${times} during ${phase} should recover: ${error}`);
          if (fault in retried) assert.match(retries[0]?.reason ?? '', retried[fault]);
          assert.deepEqual(disagreements(sync.index, mock, random), [], `${fault} ×${times} during ${phase}`);
        } else {
          assert.ok(error, `${fault} ×${times} during ${phase} must fail the call`);
          if (fault === 'html') assert.match(error.message, /not JSON \(text\/html\)/);
          if (fault in retried) assert.match(error.message, retried[fault]);
          if (phase === 'load') {
            assert.equal(sync.index, before, 'a failed load keeps the previous index');
            assert.equal(JSON.stringify(before.query({ start: iso(0), end: iso(Date.now() + 86_400_000) })), beforeBody, 'and it is unchanged');
          }
          // The next call catches up.
          await (phase === 'load' ? sync.load() : sync.refresh());
          assert.deepEqual(disagreements(sync.index, mock, random), [], `after ${fault} ×${times} during ${phase}`);
        }
      }
    }
  }
  sync.free();
});
