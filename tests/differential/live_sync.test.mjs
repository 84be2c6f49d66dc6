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
import { startMock, mockData, seeded, USERS } from '../../www/mock-rocketchat.mjs';
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
    const mock = await startMock({
      data: mockData(300 + Math.floor(random() * 900), seeded(h + 1)),
      onRooms: () => churnWhilePaging.on && mock?.churn(Math.floor(random() * 4), random),
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
    assert.deepEqual(disagreements(sync.index, mock, random), [], `history ${h} after load + refresh`);
    let settledSeen = false;
    for (let round = 0; round < 6; round++) {
      // A quiet refresh settles the watermark; the next one reads from it exactly.
      if (overlapMs === 0 && round % 2) await sync.refresh();
      mock.churn(Math.floor(random() * 25), random);
      if (random() < 0.2) mock.renameDepartment(random() < 0.5 ? 'support' : 'late', `Renamed ${h}.${round}`);
      settledSeen ||= sync.watermarkSettled;
      const result = await sync.refresh();
      const wrong = disagreements(sync.index, mock, random);
      assert.deepEqual(wrong, [], `history ${h} round ${round}: ${JSON.stringify(result)}`);
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

test('live sync: a refresh reads a small fraction of a full load, and fields= cuts the bytes per room', async () => {
  const mock = await startMock({ data: mockData(5000, seeded(3)) });
  mocks.push(mock);
  const full = new ServerSync({ server: manager(mock.url), ChatIndex, timeZone: 'UTC', fields: false });
  const lean = new ServerSync({ server: manager(mock.url), ChatIndex, timeZone: 'UTC', reconcileEveryMs: Infinity });
  const fullLoad = await full.load();
  const leanLoad = await lean.load();
  const livechat = mock.data.rooms.filter((r) => r.t === 'l').length;
  const perRoom = (bytes) => bytes / livechat;
  console.log(`# bytes per room over the wire: ${perRoom(fullLoad.bytes).toFixed(0)} without fields=, ${perRoom(leanLoad.bytes).toFixed(0)} with`);
  assert.ok(leanLoad.bytes < fullLoad.bytes * 0.85, `${leanLoad.bytes} vs ${fullLoad.bytes}`);
  const random = seeded(9);
  const share = (bytes) => `${bytes} bytes, ${(100 * bytes / leanLoad.bytes).toFixed(2)}% of a load with fields=, ${(100 * bytes / fullLoad.bytes).toFixed(2)}% of one without`;
  // Closes, transfers, inserts: read by _updatedAt, nothing else.
  const [open] = mock.data.rooms.filter((r) => r.t === 'l' && r.open);
  mock.closeRoom(open._id);
  mock.transfer(mock.data.rooms.find((r) => r.t === 'l' && r._id !== open._id)._id, 'support');
  mock.insert(5);
  const changed = await lean.refresh();
  console.log(`# refresh after 7 changes among ${livechat} rooms: ${share(changed.bytes)}, reconciled: ${changed.reconciled}`);
  assert.equal(changed.reconciled, false, 'no deletion, no reconciliation');
  assert.ok(changed.bytes < leanLoad.bytes * 0.05, share(changed.bytes));
  assert.deepEqual(disagreements(lean.index, mock, random), []);
  // Deletions: the server's total drops, and the ids it still has are read.
  mock.remove(open._id);
  mock.remove(mock.data.rooms.find((r) => r.t === 'l')._id);
  const deleted = await lean.refresh();
  console.log(`# refresh after 2 deletions: ${share(deleted.bytes)}, reconciled: ${deleted.reconciled}, removed ${deleted.removed}`);
  assert.equal(deleted.removed, 2);
  assert.ok(deleted.bytes < fullLoad.bytes * 0.1, share(deleted.bytes));
  assert.deepEqual(disagreements(lean.index, mock, random), []);
  const quiet = await lean.refresh();
  assert.equal(quiet.reconciled, false);
  assert.ok(quiet.bytes < leanLoad.bytes * 0.05, share(quiet.bytes));
  full.free();
  lean.free();
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
