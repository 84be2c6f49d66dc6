// The dashboard in a real browser: Debian's Chromium driven by
// playwright-core, against the built page served on 127.0.0.1 and a mock
// Rocket.Chat server. Every number shown is checked against the library
// (computed here in Node) or against the server's oracle.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve } from '../scripts/serve.mjs';
import { chatsPerDepartment } from '../pkg/node.mjs';
import { startMock, mockData, seeded, USERS } from './mock-rocketchat.mjs';
import { pageKit } from './page-kit.mjs';

const kit = pageKit();
const { sample, pageSample, shownRange, pickDepartment, shots, openPage, loadFailure, raw, setText, setRange, expectBody, drawnPixels } = kit;
let mock;
before(async () => {
  mock = await startMock();
});
after(async () => {
  await mock?.close();
});

test('sample: the chart, table and raw body are the library\'s numbers; dates and filter recompute', async () => {
  const { page, errors } = await openPage();
  const rooms = await pageSample(page);
  const departments = sample('departments');
  await expectBody(page, chatsPerDepartment(rooms, departments, await shownRange(page)));
  const rows = await page.$$eval('#table tbody tr', (trs) => trs.map((tr) => [...tr.cells].map((c) => c.textContent)));
  assert.ok(rows.length >= 10, `${rows.length} rows`);
  assert.ok((await drawnPixels(page)) > 5000, 'the chart is drawn');
  assert.equal(await page.isVisible('#empty'), false, 'no empty-state message over a drawn chart');
  for (const tab of ['#tab-sample', '#tab-file', '#tab-server']) {
    const [fg, bg] = await page.$eval(tab, (el) => [getComputedStyle(el).color, getComputedStyle(el).backgroundColor]);
    assert.notEqual(fg, bg, `${tab} text is readable`);
  }
  await page.screenshot({ path: join(shots.pathname, 'dashboard-sample.png'), fullPage: true });

  const params = { start: '2026-03-01T00:00:00.000Z', end: 'Mar 31 2026 23:59:59 GMT' };
  await setRange(page, params);
  await expectBody(page, chatsPerDepartment(rooms, departments, params));
  const sales = JSON.parse(departments).departments.find((d) => d.name === 'Sales')._id;
  await pickDepartment(page, sales);
  await expectBody(page, chatsPerDepartment(rooms, departments, { ...params, departmentId: sales }));
  const total = await page.textContent('#total-all');
  const body = chatsPerDepartment(rooms, departments, { ...params, departmentId: sales });
  assert.equal(total, String(body.Sales.open + body.Sales.closed));
  assert.deepEqual(errors, []);
  await page.close();
});

test('an invalid date shows the server\'s error body', async () => {
  const { page } = await openPage();
  await setText(page, '#start', 'yesterday-ish');
  await expectBody(page, { success: false, error: 'The "start" query parameter must be a valid date.' });
  assert.equal(await page.isVisible('#error'), true);
  assert.equal(await page.isVisible('#empty'), true, 'the empty state replaces the chart');
  await page.screenshot({ path: join(shots.pathname, 'dashboard-error.png') });
  assert.equal(await page.textContent('#error'), 'The "start" query parameter must be a valid date.');
  await setText(page, '#start', '');
  await expectBody(page, { success: false, error: 'The "start" query parameter must be a valid date.' });
  await page.close();
});

test('a mongoexport file and a departments file load, and give the library\'s numbers', async () => {
  const { page } = await openPage();
  const dir = join(tmpdir(), `cpd-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  const lines = [
    { _id: { $oid: '1' }, t: 'l', open: true, departmentId: 'a', ts: { $date: '2026-02-01T10:00:00.000Z' } },
    { _id: { $oid: '2' }, t: 'l', departmentId: 'a', ts: { $date: { $numberLong: String(Date.UTC(2026, 1, 2)) } } },
    { _id: { $oid: '3' }, t: 'l', departmentId: 'b', ts: { $date: '2026-02-03T10:00:00.000Z' } },
    { _id: { $oid: '4' }, t: 'l', departmentId: 'gone', ts: { $date: '2026-02-04T10:00:00.000Z' } },
  ].map((r) => JSON.stringify(r)).join('\n');
  writeFileSync(join(dir, 'rocketchat_room.json'), lines);
  writeFileSync(join(dir, 'departments.json'), JSON.stringify([{ _id: 'a', name: 'Alpha' }, { _id: 'b', name: 'Beta' }]));
  await page.click('#tab-file');
  await page.setInputFiles('#rooms-file', join(dir, 'rocketchat_room.json'));
  await page.setInputFiles('#departments-file', join(dir, 'departments.json'));
  await page.click('#file-form button[type=submit]');
  await page.waitForFunction(() => document.getElementById('status').textContent.startsWith('rocketchat_room.json'));
  const params = { start: '2026-01-01', end: '2026-03-01' };
  await setRange(page, params);
  await expectBody(page, chatsPerDepartment(lines, readFileSync(join(dir, 'departments.json'), 'utf8'), params));
  assert.deepEqual(await raw(page), { Alpha: { open: 1, closed: 1 }, Beta: { open: 0, closed: 1 }, undefined: { open: 0, closed: 1 }, success: true });

  writeFileSync(join(dir, 'broken.json'), '[{"t":"l","ts":"2026-01-01T00:00:00Z"},{"t":"l","ts":"whenever"}]');
  await page.setInputFiles('#rooms-file', join(dir, 'broken.json'));
  await page.setInputFiles('#departments-file', []);
  await page.click('#file-form button[type=submit]');
  await page.waitForFunction(() => document.getElementById('status').dataset.kind === 'error');
  assert.match(await page.textContent('#load-failure'), /rooms\[1\]\.ts is not a date/);
  assert.match(await page.textContent('#status'), /^Could not load broken\.json: broken\.json: rooms\[1\]\.ts is not a date/);
  assert.match(await page.textContent('#shown'), /^Showing rocketchat_room\.json: 4 rooms, loaded at .* The newer load failed, so this is still the earlier data\.$/);
  assert.deepEqual(await raw(page), { Alpha: { open: 1, closed: 1 }, Beta: { open: 0, closed: 1 }, undefined: { open: 0, closed: 1 }, success: true }, 'the chart still shows what the header names');
  await page.close();
});

test('live server: 401 and 403 bodies verbatim, paging through rooms, and agreement with the server', async () => {
  const { page } = await openPage();
  await page.click('#tab-server');
  await page.fill('#server-url', mock.url);
  await page.click('#server-form button[type=submit]'); // no credentials at all
  await page.waitForFunction(() => /^HTTP 401/.test(document.getElementById('load-failure').textContent));
  assert.deepEqual(await loadFailure(page), { status: 'error', message: 'You must be logged in to do this.' });
  await page.fill('#server-user', 'manager');
  await page.fill('#server-token', 'wrong');
  await page.click('#server-form button[type=submit]');
  await page.waitForFunction(() => document.getElementById('status').dataset.kind === 'error');
  assert.deepEqual(await loadFailure(page), { status: 'error', message: 'You must be logged in to do this.' });
  assert.match(await page.textContent('#load-failure'), /^HTTP 401/);

  await page.fill('#server-user', 'agent');
  await page.fill('#server-token', USERS.agent.token);
  await page.click('#server-form button[type=submit]');
  await page.waitForFunction(() => /HTTP 403/.test(document.getElementById('load-failure').textContent));
  assert.deepEqual(await loadFailure(page), { success: false, error: 'User does not have the permissions required for this action [error-unauthorized]' });

  await page.fill('#server-user', 'manager');
  await page.fill('#server-token', USERS.manager.token);
  await page.click('#server-form button[type=submit]');
  await page.waitForFunction(() => document.getElementById('status').dataset.kind === 'ok', null, { timeout: 30_000 });
  const livechat = mock.data.rooms.filter((r) => r.t === 'l').length;
  assert.match(await page.textContent('#status'), new RegExp(`${livechat.toLocaleString('en')} rooms loaded`));
  const params = { start: '2026-01-15T00:00:00.000Z', end: '2026-03-15T00:00:00.000Z' };
  await setRange(page, params);
  const restRooms = mock.data.rooms.map((r) => ({ ...r, ts: r.ts.toISOString() }));
  const expected = chatsPerDepartment(restRooms, mock.data.departments, params);
  await expectBody(page, expected);
  assert.ok(expected['Legacy desk'], 'archived departments are named');
  await page.click('#compare-server');
  await page.waitForFunction(() => /The server (agrees|answers|could)/.test(document.getElementById('compare').textContent), null, { timeout: 20_000 });
  assert.equal(await page.textContent('#compare'), 'The server agrees (HTTP 200).');
  await page.screenshot({ path: join(shots.pathname, 'dashboard-server.png'), fullPage: true });
  await page.close();
});

test('phone-sized screen: everything fits and the chart is drawn', async () => {
  const { page } = await openPage({ width: 390, height: 844 });
  assert.ok((await drawnPixels(page)) > 2000);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 0, `page scrolls sideways by ${overflow}px`);
  await page.screenshot({ path: join(shots.pathname, 'dashboard-phone.png'), fullPage: true });
  await page.close();
});

/** The body the server's data gives now, as the library computes it (the REST form of the mock's rooms). */
const current = (data, params, options) => chatsPerDepartment(data.rooms.map((r) => ({ ...r, ts: r.ts.toISOString(), _updatedAt: r._updatedAt.toISOString() })), data.departments, params, options);

async function connect(page, url, every = '0') {
  await page.click('#tab-server');
  await page.selectOption('#refresh-every', every);
  // Behind the proxy the address is the page's own, and fixed.
  if (await page.$eval('#server-url', (field) => field.readOnly)) assert.equal(await page.inputValue('#server-url'), url);
  else await page.fill('#server-url', url);
  await page.fill('#server-user', 'manager');
  await page.fill('#server-token', USERS.manager.token);
  await page.click('#server-form button[type=submit]');
  await page.waitForFunction((u) => document.getElementById('status').dataset.kind === 'ok' && document.getElementById('status').textContent.startsWith(u), url, { timeout: 60_000 });
}

test('live server: rooms inserted while paging count once; closes, transfers, deletions and renames show after a refresh that reads a small fraction of a load', async () => {
  const churn = { on: true };
  const random = seeded(11);
  const live = await startMock({ data: mockData(2500, seeded(5)), onRooms: () => churn.on && live.insert(2, random() < 0.5 ? 'sales' : 'support') });
  try {
    const { page, errors } = await openPage();
    const before = live.stats.bytes['/api/v1/livechat/rooms'] ?? 0;
    await connect(page, live.url);
    churn.on = false;
    const loadBytes = live.stats.bytes['/api/v1/livechat/rooms'] - before;
    const params = { start: '2026-01-01T00:00:00.000Z', end: '2027-01-01T00:00:00.000Z' };
    await setRange(page, params);
    // Rooms created while paging were read once, at the end (oldest first by key), or by the first refresh.
    await page.click('#refresh-now');
    await page.waitForFunction(() => /^Updated at .*changed rooms/.test(document.getElementById('live').textContent));
    await expectBody(page, current(live.data, params));
    assert.match(await page.textContent('#live'), new RegExp(`${live.data.rooms.filter((r) => r.t === 'l').length.toLocaleString('en')} rooms held`));

    // Between refreshes: closes, transfers, deletions, inserts, a rename. Automatic refresh every 5 s.
    const open = live.data.rooms.filter((r) => r.t === 'l' && r.open && r.ts < new Date('2026-06-01'));
    for (const room of open.slice(0, 6)) live.closeRoom(room._id);
    for (const room of open.slice(6, 12)) live.transfer(room._id, 'legacy');
    for (const room of open.slice(12, 16)) live.remove(room._id);
    live.insert(4, 'support');
    live.renameDepartment('support', 'Customer support');
    const roomsBytes = live.stats.bytes['/api/v1/livechat/rooms'];
    const refreshes = Number(await page.getAttribute('body', 'data-refreshes'));
    await page.selectOption('#refresh-every', '5');
    await page.waitForFunction((n) => Number(document.body.dataset.refreshes) > n, refreshes, { timeout: 15_000 });
    const refreshBytes = live.stats.bytes['/api/v1/livechat/rooms'] - roomsBytes;
    await page.selectOption('#refresh-every', '0');
    const expected = current(live.data, params);
    assert.ok(expected['Customer support'], 'renamed department');
    await expectBody(page, expected);
    console.log(`# full load ${loadBytes} bytes; refresh after 20 changes incl. 4 deletions ${refreshBytes} bytes (${(100 * refreshBytes / loadBytes).toFixed(1)}%)`);
    assert.ok(refreshBytes < loadBytes * 0.4, `refresh ${refreshBytes} vs load ${loadBytes}`);
    assert.match(await page.textContent('#live'), /4 deleted rooms removed/);
    assert.ok(await page.$('#department-list label:has-text("Customer support")'), 'the menu follows the rename');

    // A refresh without deletions reads only what changed.
    live.closeRoom(live.data.rooms.find((r) => r.t === 'l' && r.open)._id);
    const quietBefore = live.stats.bytes['/api/v1/livechat/rooms'];
    await page.click('#refresh-now');
    await page.waitForFunction((n) => Number(document.body.dataset.refreshes) > n, refreshes + 1);
    const quietBytes = live.stats.bytes['/api/v1/livechat/rooms'] - quietBefore;
    // At this small scale the 10 s overlap (rooms changed in the last seconds are read again) dominates.
    console.log(`# refresh after 1 change: ${quietBytes} bytes (${(100 * quietBytes / loadBytes).toFixed(1)}% of the load)`);
    assert.ok(quietBytes < loadBytes * 0.1, `${quietBytes} of ${loadBytes}`);
    await expectBody(page, current(live.data, params));

    // A failed refresh keeps the last good chart and says so.
    const shown = await raw(page);
    live.failNext = 4; // the first try and three retries
    live.closeRoom(live.data.rooms.find((r) => r.t === 'l' && r.open)._id);
    await page.click('#refresh-now');
    await page.waitForFunction(() => document.getElementById('live').dataset.kind === 'error', null, { timeout: 20_000 });
    assert.match(await page.textContent('#live'), /^Refresh failed at .*503.*The chart shows the data as of /);
    assert.deepEqual(await raw(page), shown);
    // The next refresh catches up.
    await page.click('#refresh-now');
    await page.waitForFunction(() => !document.getElementById('live').dataset.kind);
    await expectBody(page, current(live.data, params));

    // The comparison waits for agreement and then says so.
    await page.click('#compare-server');
    await page.waitForFunction(() => /The server (agrees|answers)/.test(document.getElementById('compare').textContent), null, { timeout: 20_000 });
    assert.equal(await page.textContent('#compare'), 'The server agrees (HTTP 200).');

    // "Reload everything" loads again from scratch.
    live.insert(3, 'sales');
    await page.click('#reload-all');
    await page.waitForFunction((n) => document.getElementById('status').textContent.includes(`${n} rooms loaded`), live.data.rooms.filter((r) => r.t === 'l').length.toLocaleString('en'));
    await expectBody(page, current(live.data, params));
    // The wire's bytes are a developer's detail: behind "Technical details", not in the status line.
    assert.doesNotMatch(await page.textContent('#status'), /over the wire/);
    assert.match(await page.textContent('#load-details-text'), /bytes per room over the wire/);
    assert.deepEqual(errors, []);
    await page.screenshot({ path: join(shots.pathname, 'dashboard-live.png'), fullPage: true });
    await page.close();
  } finally {
    await live.close();
  }
});

test('live server reopened: the index kept in this browser shows at once, then a refresh reads only what changed meanwhile (closes, deletions, inserts); Reload everything reads it all', async () => {
  const live = await startMock({ data: mockData(3000, seeded(41)) });
  const context = await kit.browser.newContext({ viewport: { width: 1280, height: 900 } });
  try {
    const params = { start: '2026-01-01T00:00:00.000Z', end: '2027-01-01T00:00:00.000Z' };
    const rooms = () => live.stats.bytes['/api/v1/livechat/rooms'] ?? 0;
    const { page: first } = await openPage(undefined, { within: context });
    const beforeLoad = rooms();
    await connect(first, live.url);
    const loadBytes = rooms() - beforeLoad;
    await setRange(first, params);
    await expectBody(first, current(live.data, params));
    await first.waitForFunction(() => document.body.dataset.saved === 'OPFS' && document.body.dataset.savedSource === 'server', null, { timeout: 30_000 });
    const link = first.url();
    await first.close();

    // Meanwhile on the server.
    const open = live.data.rooms.filter((r) => r.t === 'l' && r.open);
    for (const room of open.slice(0, 5)) live.closeRoom(room._id);
    for (const room of open.slice(5, 8)) live.remove(room._id);
    live.insert(4, 'support');

    const { page: second, errors } = await openPage(undefined, { url: link, within: context, wait: false });
    await second.waitForFunction(() => /enter your credentials/.test(document.getElementById('status').textContent));
    const beforeReopen = rooms();
    const refreshes = Number(await second.getAttribute('body', 'data-refreshes') ?? 0);
    await connect(second, live.url);
    assert.equal(await second.getAttribute('body', 'data-reopened'), 'true');
    assert.match(await second.textContent('#status'), /Reopened from this browser's copy of .*asking the server what changed since/);
    await second.waitForFunction((n) => Number(document.body.dataset.refreshes ?? 0) > n, refreshes, { timeout: 20_000 });
    await setRange(second, params);
    await expectBody(second, current(live.data, params));
    assert.match(await second.textContent('#live'), /3 deleted rooms removed/);
    const reopenBytes = rooms() - beforeReopen;
    console.log(`# live server reopened: ${reopenBytes} bytes of rooms read (changes + the id list for 3 deletions) vs ${loadBytes} for the first load`);
    assert.ok(reopenBytes < loadBytes * 0.5, `reopen read ${reopenBytes} of ${loadBytes}`);

    // Reload everything: the saved copy is not used.
    live.insert(2, 'sales');
    const beforeReload = rooms();
    await second.click('#reload-all');
    await second.waitForFunction((n) => document.getElementById('status').textContent.includes(`${n} rooms loaded`), live.data.rooms.filter((r) => r.t === 'l').length.toLocaleString('en'));
    assert.equal(await second.getAttribute('body', 'data-reopened'), 'false');
    assert.ok(rooms() - beforeReload >= loadBytes * 0.9, 'everything was read again');
    await expectBody(second, current(live.data, params));
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
    await live.close();
  }
});

test('comparison: a real difference (a monitor\'s restricted room list) is shown per department after waiting past the server\'s cache, with likely causes', async () => {
  const { page } = await openPage();
  const restricted = await startMock({ data: mockData(300, seeded(21)) });
  try {
    await page.click('#tab-server');
    await page.selectOption('#refresh-every', '0');
    await page.fill('#server-url', restricted.url);
    await page.fill('#server-user', 'monitor');
    await page.fill('#server-token', USERS.monitor.token);
    await page.click('#server-form button[type=submit]');
    await page.waitForFunction(() => document.getElementById('status').dataset.kind === 'ok', null, { timeout: 30_000 });
    const params = { start: '2026-01-01T00:00:00.000Z', end: '2027-01-01T00:00:00.000Z' };
    await setRange(page, params);
    const started = Date.now();
    await page.click('#compare-server');
    await page.waitForFunction(() => /The server (agrees|answers)/.test(document.getElementById('compare').textContent), null, { timeout: 30_000 });
    assert.ok(Date.now() - started >= 5000, 'waited past the 5 s cache before concluding');
    const server = current(restricted.data, params);
    const rows = await page.$$eval('#compare-table tbody tr', (trs) => trs.map((tr) => [...tr.cells].map((c) => c.textContent)));
    const expected = Object.keys(server).filter((k) => k !== 'success' && k !== 'Sales').sort()
      .map((k) => [k, '0 / 0', `${server[k].open} / ${server[k].closed}`, `${server[k].open ? -server[k].open : 0} open, ${server[k].closed ? -server[k].closed : 0} closed`]);
    assert.deepEqual(rows, expected, 'every department but the monitor\'s own differs, by exactly its rooms');
    const text = await page.textContent('#compare');
    assert.match(text, /monitor/);
    assert.match(text, /time zone/);
    await page.screenshot({ path: join(shots.pathname, 'dashboard-compare.png'), fullPage: true });
    await page.close();
  } finally {
    await restricted.close();
  }
});

test('server time zone: pickers and quick ranges give that zone\'s days; zone-less dates read there, in a browser elsewhere', async () => {
  const { page } = await openPage({ width: 1280, height: 900 }, { timezoneId: 'Asia/Kolkata' });
  const rooms = await pageSample(page);
  const departments = sample('departments');
  // Default UTC, whatever the browser's zone.
  const params = { start: '2026-03-01T00:00', end: 'March 31, 2026' };
  await setRange(page, params);
  await expectBody(page, chatsPerDepartment(rooms, departments, params, { timeZone: 'UTC' }));
  // Another server zone: everything is read again there.
  const loads = Number(await page.getAttribute('body', 'data-loads'));
  await page.fill('#time-zone', 'America/Sao_Paulo');
  await page.dispatchEvent('#time-zone', 'change');
  await page.waitForFunction((n) => Number(document.body.dataset.loads) > n, loads);
  assert.equal(await page.inputValue('#start'), params.start, 'the range typed is kept');
  await expectBody(page, chatsPerDepartment(rooms, departments, params, { timeZone: 'America/Sao_Paulo' }));
  await page.fill('#start-picker', '2026-03-01');
  await page.dispatchEvent('#start-picker', 'change');
  await page.waitForFunction(() => document.getElementById('start').value === '2026-03-01T03:00:00.000Z');
  await page.fill('#end-picker', '2026-03-31');
  await page.dispatchEvent('#end-picker', 'change');
  await page.waitForFunction(() => document.getElementById('end').value === '2026-04-01T02:59:59.999Z');
  // "Last 7 days": today in Sao Paulo and the six days before, from now.
  await page.click('[data-range="7d"]');
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'America/Sao_Paulo' }).format(new Date());
  const first = new Date(Date.parse(`${today}T00:00:00Z`) - 6 * 86_400_000).toISOString().slice(0, 10);
  await page.waitForFunction((d) => document.getElementById('start-picker').value === d, first);
  assert.equal(await page.inputValue('#start'), new Date(Date.parse(`${first}T03:00:00Z`)).toISOString());
  assert.equal(await page.inputValue('#end-picker'), today);
  // An unknown zone is refused, not guessed.
  await page.fill('#time-zone', 'Mars/Olympus');
  await page.dispatchEvent('#time-zone', 'change');
  assert.equal(await page.getAttribute('#time-zone', 'aria-invalid'), 'true');
  assert.match(await page.textContent('#status'), /not a time zone/);
  await page.close();
});

test('proxy: the start command\'s --proxy serves the server\'s /api/ same-origin, keeping the server URL\'s path', async () => {
  const behind = await startMock({ prefix: '/chat', data: mockData(400, seeded(31)) });
  // The mock sends CORS headers; the proxied page never needs them (same origin).
  const proxied = await serve({ port: 0, dir: 'www/dist', proxy: `${behind.origin}/chat` });
  try {
    const { page, errors } = await openPage(undefined, { url: proxied.url });
    await page.waitForFunction(() => !document.getElementById('proxy-note').hidden);
    assert.equal(await page.inputValue('#server-url'), proxied.url);
    await connect(page, proxied.url);
    const params = { start: '2026-01-01T00:00:00.000Z', end: '2027-01-01T00:00:00.000Z' };
    await setRange(page, params);
    await expectBody(page, current(behind.data, params));
    await page.click('#compare-server');
    await page.waitForFunction(() => /The server agrees/.test(document.getElementById('compare').textContent), null, { timeout: 20_000 });
    assert.ok(behind.stats.requests['/api/v1/livechat/rooms'] > 0, 'the requests reached the server behind the proxy');
    assert.deepEqual(errors, []);
    await page.close();
  } finally {
    await proxied.close();
    await behind.close();
  }
});
