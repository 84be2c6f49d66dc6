// The live mode as a manager meets it, in a real browser against the mock
// server: the server's own chart first, every state of the live status
// where it is seen (with screenshots in test-results/ to look at), a saved
// copy the server refuses, a dead feed greyed out, a server too big for the
// tab, a link naming a server this browser never used, and a difference
// that a time zone explains. Each runs in every `fields` behaviour where
// the behaviour matters to it.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { startMock, mockData, seeded, USERS, FIELDS_BEHAVIOURS } from './mock-rocketchat.mjs';
import { serverBody } from '../tests/differential/server_oracle.mjs';
import { pageKit } from './page-kit.mjs';

const kit = pageKit();
const { shots, openPage, raw, setRange, expectBody } = kit;
const mocks = [];
after(() => Promise.all(mocks.map((m) => m.close())));

async function mockOf(rooms, options = {}) {
  const mock = await startMock({ data: mockData(rooms, seeded(rooms)), ...options });
  mocks.push(mock);
  return mock;
}

/** Fills the server form and submits it (`url` null: as a link filled it); does not wait for the load. */
async function submit(page, url, { token = USERS.manager.token, every = '0' } = {}) {
  await page.click('#tab-server');
  await page.selectOption('#refresh-every', every);
  if (url !== null) await page.fill('#server-url', url);
  await page.fill('#server-user', 'manager');
  await page.fill('#server-token', token);
  await page.click('#server-form button[type=submit]');
}
const loaded = (page, url) => page.waitForFunction((u) => document.getElementById('status').dataset.kind === 'ok' && document.getElementById('status').textContent.startsWith(u), url, { timeout: 60_000 });
const params = async (page) => ({ start: await page.inputValue('#start'), end: await page.inputValue('#end') });
/** Waits until the raw view shows `expected`, in any key order (the server's order of departments is MongoDB's). */
async function expectSameBody(page, expected) {
  const sorted = (body) => JSON.stringify(Object.entries(body).sort(([a], [b]) => (a < b ? -1 : 1)));
  for (let waited = 0; waited < 10_000 && sorted(await raw(page).catch(() => ({}))) !== sorted(expected); waited += 100) await page.waitForTimeout(100);
  assert.deepEqual(await raw(page), expected);
}
const liveState = (page) => page.getAttribute('#live-status', 'data-state');
const liveText = (page) => page.textContent('#live-status');

/** The live status is above the fold at 1366×768, where a manager looks. */
async function visibleAtTop(page) {
  const box = await page.$eval('#live-status', (e) => e.getBoundingClientRect().toJSON());
  assert.ok(box.height > 0 && box.top >= 0 && box.bottom <= 768, `live status at ${JSON.stringify(box)}`);
}

for (const fieldsBehaviour of FIELDS_BEHAVIOURS) {
  test(`live (fields ${fieldsBehaviour}): the server's own chart is shown at once while the rooms load, then the local chart, equal to the server's, takes over`, async () => {
    const mock = await mockOf(1500, { fieldsBehaviour });
    // A server far away: each page of rooms takes 120 ms, so the load takes seconds.
    mock.roomsDelayMs = 120;
    const { page, errors } = await openPage({ width: 1366, height: 768 });
    const view = await params(page);
    const t0 = Date.now();
    await submit(page, mock.url);
    await page.waitForFunction(() => !document.getElementById('answer-source').hidden, null, { timeout: 10_000 });
    const firstChartMs = Date.now() - t0;
    assert.match(await page.textContent('#answer-source'), /The server's own answer at .*the local copy is loading/);
    assert.deepEqual(await raw(page), serverBody(mock.data.rooms, mock.data.departments, view));
    assert.equal(await liveState(page), 'server');
    assert.match(await page.textContent('#shown'), /^Connecting to http:\/\/127\.0\.0\.1:\d+\/… \(until it is ready, the numbers below are still the sample's\)/);
    await page.evaluate(() => scrollTo(0, 0));
    await page.screenshot({ path: new URL(`live-server-first-${fieldsBehaviour}-1366.png`, shots).pathname });
    // A range changed while loading is asked of the server.
    const narrower = { start: '2026-02-01T00:00:00.000Z', end: '2026-02-28T23:59:59.999Z' };
    await setRange(page, narrower);
    await expectBody(page, serverBody(mock.data.rooms, mock.data.departments, narrower));
    await loaded(page, mock.url);
    const localMs = Date.now() - t0;
    console.log(`# fields ${fieldsBehaviour}: first chart (the server's) ${firstChartMs} ms after connecting; the local index took over after ${localMs} ms (1,500 rooms, 120 ms a page)`);
    assert.ok(firstChartMs < localMs, 'the server\'s chart came first');
    assert.ok(firstChartMs <= 2000, `first chart after ${firstChartMs} ms`);
    // It takes over once it agrees with the server's chart for the view.
    await page.waitForSelector('#answer-source', { state: 'hidden', timeout: 10_000 });
    assert.deepEqual(await params(page), narrower, 'the range chosen while loading is kept');
    await expectSameBody(page, serverBody(mock.data.rooms, mock.data.departments, narrower));
    assert.equal(await liveState(page), 'live');
    assert.match(await page.textContent('#status'), {
      applied: /sends only the fields the chart reads/, ignored: /ignores the fields asked for/, refused: /refuses a fields list/,
    }[fieldsBehaviour]);
    assert.deepEqual(errors, []);
    await page.close();
  });
}

test('live status: "Live · updated N s ago", then a dead feed says "Offline since …" at the top and greys the numbers after 3 missed refreshes', async () => {
  const mock = await mockOf(600);
  const { page, errors } = await openPage({ width: 1366, height: 768 });
  await submit(page, mock.url);
  await loaded(page, mock.url);
  await page.waitForFunction(() => document.body.dataset.live === 'live');
  assert.match(await liveText(page), /^Live · updated \d+ s ago$/);
  await visibleAtTop(page);
  await page.screenshot({ path: new URL('live-status-live-1366.png', shots).pathname });
  // The server stops.
  await mock.close();
  mocks.splice(mocks.indexOf(mock), 1);
  for (let miss = 1; miss <= 3; miss++) {
    const before = Number(await page.getAttribute('body', 'data-refreshes') ?? 0);
    await page.click('#refresh-now');
    await page.waitForFunction((n) => Number(document.body.dataset.refreshes) > n, before, { timeout: 60_000 });
    assert.equal(await liveState(page), 'offline');
    assert.match(await liveText(page), /^Offline since \d\d:\d\d:\d\d \(.*\) · numbers from \d\d:\d\d:\d\d/);
    assert.equal(await page.getAttribute('body', 'data-stale'), String(miss >= 3), `greyed after ${miss} misses`);
  }
  await visibleAtTop(page);
  const opacity = await page.$eval('#totals', (e) => Number(getComputedStyle(e).opacity));
  assert.ok(opacity < 0.6, `greyed totals: opacity ${opacity}`);
  // The alert region holds the state only, not the ticking age.
  assert.doesNotMatch(await page.textContent('#live-state'), /ago|numbers from/);
  await page.screenshot({ path: new URL('live-status-offline-1366.png', shots).pathname });
  assert.deepEqual(errors, []);
  await page.close();
});

test('live status: a saved copy opened with a refused token says it is a saved copy and shows the server\'s 401 body', async () => {
  const mock = await mockOf(500);
  const context = await kit.browser.newContext({ viewport: { width: 1366, height: 768 } });
  try {
    const { page: first } = await openPage(undefined, { within: context });
    await submit(first, mock.url);
    await loaded(first, mock.url);
    await first.waitForFunction(() => document.body.dataset.saved === 'OPFS' && document.body.dataset.savedSource === 'server', null, { timeout: 30_000 });
    await first.close();
    const { page, errors } = await openPage(undefined, { within: context });
    await submit(page, mock.url, { token: 'expired-token' });
    await loaded(page, mock.url);
    assert.equal(await page.getAttribute('body', 'data-reopened'), 'true');
    await page.waitForFunction(() => document.body.dataset.live === 'failing', null, { timeout: 30_000 });
    const text = await liveText(page);
    assert.match(text, /^Refresh failing since \d\d:\d\d:\d\d \(401: .*You must be logged in to do this/);
    assert.match(await page.textContent('#shown'), /saved copy of \d\d:\d\d:\d\d, not yet confirmed by the server/);
    assert.doesNotMatch(await page.textContent('#shown'), /loaded at/);
    await visibleAtTop(page);
    await page.screenshot({ path: new URL('live-status-refused-1366.png', shots).pathname });
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test('past the room bound the server stays the engine: its answers, said so, and no local load', async () => {
  const asked = [];
  const mock = await mockOf(400, { onRooms: (url) => asked.push(url.search) });
  const { page, errors } = await openPage({ width: 1366, height: 768 }, { url: `${kit.site.url}?maxRooms=100` });
  const view = await params(page);
  await submit(page, mock.url);
  await page.waitForFunction(() => /the server's own answers/.test(document.getElementById('shown').textContent), null, { timeout: 30_000 });
  assert.equal(await liveState(page), 'server');
  assert.match(await page.textContent('#status'), /holds \d+ rooms, more than this page loads \(100\)/);
  await expectBody(page, serverBody(mock.data.rooms, mock.data.departments, view));
  const narrower = { start: '2026-03-01T00:00:00.000Z', end: '2026-03-31T23:59:59.999Z' };
  await setRange(page, narrower);
  await expectBody(page, serverBody(mock.data.rooms, mock.data.departments, narrower));
  // Only the fields probe, whose total finds the bound (after its CORS preflight); no page of rooms.
  assert.equal(asked.length, 1, `no load: ${asked.join(' ')}`);
  await page.screenshot({ path: new URL('live-status-server-engine-1366.png', shots).pathname });
  assert.deepEqual(errors, []);
  await page.close();
});

test('a link naming a server this browser has not used asks before any credential goes there', async () => {
  const mock = await mockOf(300);
  const context = await kit.browser.newContext({ viewport: { width: 1366, height: 768 } });
  try {
    const link = `${kit.site.url}?source=server&server=${encodeURIComponent(mock.url)}`;
    const { page, errors } = await openPage(undefined, { url: link, within: context, wait: false });
    await page.waitForFunction(() => /enter your credentials/.test(document.getElementById('status').textContent));
    const seen = () => Object.values(mock.stats.requests).reduce((a, b) => a + b, 0);
    await submit(page, null, { every: '5' });
    await page.waitForSelector('#confirm-server:not([hidden])');
    assert.equal(await page.textContent('#confirm-server-url'), mock.url);
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(seen(), 0, 'nothing was sent before the manager confirmed');
    await page.screenshot({ path: new URL('live-link-confirm-1366.png', shots).pathname });
    await page.click('#confirm-server-yes');
    await loaded(page, mock.url);
    assert.ok(seen() > 0);
    await page.close();
    // The same link again, in this browser: the server is known now.
    const { page: again } = await openPage(undefined, { url: link, within: context, wait: false });
    await again.waitForFunction(() => /enter your credentials/.test(document.getElementById('status').textContent));
    await submit(again, null, { every: '5' });
    await loaded(again, mock.url);
    assert.equal(await again.isHidden('#confirm-server'), true);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test('a wrong "Server time zone" is found by the comparison after the load, and the zone that explains it is named at the top', async () => {
  const mock = await mockOf(800);
  // The mock reads dates in this process's zone, as a server reads them in its own.
  const serverZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const { page, errors } = await openPage({ width: 1366, height: 768 }, { timezoneId: serverZone });
  const loads = Number(await page.getAttribute('body', 'data-loads'));
  await page.fill('#time-zone', 'America/Sao_Paulo');
  await page.dispatchEvent('#time-zone', 'change');
  await page.waitForFunction((n) => Number(document.body.dataset.loads) > n, loads);
  // Dates without an offset, typed before connecting: the server's first answer and the local chart show them.
  await setRange(page, { start: '2026-02-01T00:00', end: '2026-03-01T00:00' });
  await submit(page, mock.url);
  await loaded(page, mock.url);
  assert.deepEqual(await params(page), { start: '2026-02-01T00:00', end: '2026-03-01T00:00' }, 'the range chosen is kept');
  await page.waitForFunction(() => !document.getElementById('doubts').hidden, null, { timeout: 60_000 });
  const doubt = await page.textContent('#doubts');
  assert.match(doubt, /The server's own chart differs from this one/);
  // Until they agree, the chart shows the server's numbers, and says so.
  await expectSameBody(page, serverBody(mock.data.rooms, mock.data.departments, { start: '2026-02-01T00:00', end: '2026-03-01T00:00' }));
  assert.match(await page.textContent('#answer-source'), /The server's own answer at .*disagrees/);
  assert.ok(doubt.includes(`match dates read in ${serverZone === 'Etc/UTC' ? 'UTC' : serverZone}, not in America/Sao_Paulo`) || doubt.includes(`match dates read in ${serverZone}, not in America/Sao_Paulo`), doubt);
  const box = await page.$eval('#doubts', (e) => e.getBoundingClientRect().toJSON());
  assert.ok(box.top < 768, 'the doubt is above the fold');
  await page.screenshot({ path: new URL('live-zone-doubt-1366.png', shots).pathname });
  assert.deepEqual(errors, []);
  await page.close();
});
