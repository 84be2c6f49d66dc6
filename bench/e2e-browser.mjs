// Time to chart, end to end: the dashboard (www/dist, served on 127.0.0.1)
// in Chromium against the mock Rocket.Chat over HTTP with gzip, as a
// manager uses it. Per run:
//
// - first visit: connect, every room read through the REST API in pages of
//   100 (the server's cap) with the `fields` projection, until the chart
//   shows (then the page saves its index in OPFS);
// - repeat visit: the server changed meanwhile (closes, transfers,
//   deletions, inserts); the page opens the saved index and shows the
//   chart, then a refresh reads only what changed;
//
// each unthrottled and with the browser's network throttled (Chrome
// DevTools Protocol) to `--mbit` Mbit/s. Bytes are those sent on the wire
// (gzip) and before compression. The chart shown after each visit is
// checked against the server oracle (real Ajv + Date.parse + mingo over
// the mock's rooms) before its time is reported.
//
//   npm run bench:e2e [-- --rooms=1m] [--mbit=10]
import { chromium } from 'playwright-core';
import os from 'node:os';
import { mkdirSync, writeFileSync } from 'node:fs';
import { serve } from '../scripts/serve.mjs';
import { mockData, seeded, startMock, USERS } from '../www/mock-rocketchat.mjs';
import { serverBody } from '../tests/differential/server_oracle.mjs';
import { rng } from './data.mjs';

const arg = (name, fallback) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback;
const label = arg('rooms', '1m');
const count = Number(label.replace(/k$/, 'e3').replace(/m$/, 'e6'));
const mbit = Number(arg('mbit', '10'));
const ROOMS = '/api/v1/livechat/rooms';
const DEPARTMENTS = '/api/v1/livechat/department';
const PARAMS = { start: '2026-01-01T00:00:00.000Z', end: '2026-12-31T23:59:59.999Z' };

const generated = performance.now();
const data = mockData(count, seeded(17));
// Ids as Meteor makes them (17 random characters of 55), not the mock's
// `room-N`, which gzip would squeeze far below what a real server sends.
const ALPHABET = '23456789ABCDEFGHJKLMNPQRSTWXYZabcdefghijkmnopqrstuvwxyz';
const idRandom = rng(23);
for (const room of data.rooms) room._id = Array.from({ length: 17 }, () => ALPHABET[Math.floor(idRandom() * ALPHABET.length)]).join('');
if (new Set(data.rooms.map((r) => r._id)).size !== data.rooms.length) throw new Error('two rooms with one id');
console.error(`# ${count.toLocaleString('en')} mock rooms generated in ${((performance.now() - generated) / 1000).toFixed(1)} s`);
const mock = await startMock({ data, gzip: true, fastPaging: true });
const site = await serve({ port: 0, dir: 'www/dist' });
// A long run says how far it is (stderr, every 15 s).
const ticker = setInterval(() => console.error(`# ${Math.round(performance.now() / 1000)} s: ${mock.stats.requests[ROOMS] ?? 0} rooms requests, ${mock.stats.fast ?? 0} by the fast path`), 15_000);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-quic'],
});

/** What the mock has sent since `before` (a copy of its counters). */
const counters = () => structuredClone({ wire: mock.stats.wire, bytes: mock.stats.bytes, requests: mock.stats.requests });
const sent = (before, kind) => [ROOMS, DEPARTMENTS].reduce((sum, route) => sum + (mock.stats[kind][route] ?? 0) - (before[kind][route] ?? 0), 0);

async function throttle(context, page, throughput) {
  if (!throughput) return;
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: throughput, uploadThroughput: throughput });
}

/** Fills the server form and submits it; resolves when the page has shown a new load. */
async function connect(page) {
  await page.click('#tab-server');
  await page.selectOption('#refresh-every', '0');
  await page.fill('#server-url', mock.url);
  await page.fill('#server-user', 'manager');
  await page.fill('#server-token', USERS.manager.token);
  const loads = Number(await page.getAttribute('body', 'data-loads') ?? 0);
  const refreshes = Number(await page.getAttribute('body', 'data-refreshes') ?? 0);
  // Times taken in the page (its clock, from the click): the bench's own
  // process also runs the mock server, whose work would delay what it sees.
  await page.evaluate(({ loads, refreshes }) => {
    const marks = (window.marks = {});
    document.querySelector('#server-form button[type=submit]').addEventListener('click', () => (marks.click = performance.now()), { capture: true, once: true });
    new MutationObserver(() => {
      const { dataset } = document.body;
      if (!marks.loaded && Number(dataset.loads ?? 0) > loads && document.getElementById('status').dataset.kind === 'ok') marks.loaded = performance.now();
      if (!marks.refreshed && Number(dataset.refreshes ?? 0) > refreshes) marks.refreshed = performance.now();
    }).observe(document.body, { attributes: true, subtree: true });
  }, { loads, refreshes });
  await page.click('#server-form button[type=submit]');
  await page.waitForFunction(() => window.marks.loaded, null, { timeout: 3_600_000 });
  return { page, shown: await page.evaluate(() => window.marks.loaded - window.marks.click) };
}

/** Ms from the click to the first refresh's end, in the page. */
async function refreshed(page) {
  await page.waitForFunction(() => window.marks.refreshed, null, { timeout: 3_600_000 });
  return page.evaluate(() => window.marks.refreshed - window.marks.click);
}

/** The chart body the page shows for PARAMS, checked against the server oracle. */
async function check(page, what) {
  for (const [field, value] of [['#start', PARAMS.start], ['#end', PARAMS.end]]) {
    await page.fill(field, value);
    await page.dispatchEvent(field, 'input');
  }
  // Keys sorted: the server's order of departments is MongoDB's order of
  // groups, which it does not define (docs/exactness.md).
  const expected = JSON.stringify(Object.entries(serverBody(data.rooms, data.departments, PARAMS)).sort());
  try {
    await page.waitForFunction((want) => {
      try {
        return JSON.stringify(Object.entries(JSON.parse(document.getElementById('raw').textContent.replace(/^HTTP \d*\n/, ''))).sort()) === want;
      } catch {
        return false;
      }
    }, expected, { timeout: 60_000 });
  } catch {
    throw new Error(`${what}: the page shows ${await page.textContent('#raw')}, the server answers ${expected}`);
  }
}

/** Changes on the server between visits, as a working day brings them. */
function workingDay(random) {
  const live = data.rooms.filter((r) => r.t === 'l');
  const open = live.filter((r) => r.open);
  for (let i = 0; i < 200; i++) mock.closeRoom(open[Math.floor(random() * open.length)]._id);
  for (let i = 0; i < 50; i++) mock.transfer(live[Math.floor(random() * live.length)]._id, random() < 0.5 ? 'sales' : 'support');
  for (let i = 0; i < 20; i++) mock.remove(live[Math.floor(random() * live.length)]._id);
  mock.insert(300, 'support');
  return { closed: 200, transferred: 50, deleted: 20, inserted: 300 };
}

async function run(throughput, random) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  try {
    const first = await context.newPage();
    await throttle(context, first, throughput);
    await first.goto(site.url);
    await first.waitForSelector('body[data-loaded=true]', { timeout: 120_000 });
    // The sample the page opens with is saved too: wait for that first, so
    // that the wait below is for the server's index.
    await first.waitForFunction(() => document.body.dataset.saved, null, { timeout: 120_000 });
    await first.evaluate(() => delete document.body.dataset.saved);
    let before = counters();
    const load = await connect(first);
    const firstVisit = { ms: load.shown, wireBytes: sent(before, 'wire'), jsonBytes: sent(before, 'bytes'), requests: sent(before, 'requests') };
    await check(first, 'first visit');
    await first.waitForFunction(() => document.body.dataset.saved === 'OPFS' || document.body.dataset.saved === 'IndexedDB', null, { timeout: 600_000 });
    const link = first.url();
    await first.close();

    const changes = workingDay(random);
    // The mock sorts its rooms again after changes (a real server's indexes
    // need not): done now, not while the page waits.
    for (const sort of ['{"ts":1,"_id":1}', '{"_updatedAt":-1,"_id":1}', '{"_updatedAt":-1}']) {
      await fetch(`${mock.url}api/v1/livechat/rooms?count=1&sort=${encodeURIComponent(sort)}`, { headers: { 'x-user-id': 'manager', 'x-auth-token': USERS.manager.token } });
    }
    const second = await context.newPage();
    await throttle(context, second, throughput);
    await second.goto(link);
    await second.waitForFunction(() => /enter your credentials/.test(document.getElementById('status').textContent), null, { timeout: 120_000 });
    before = counters();
    const reopen = await connect(second);
    if (await second.getAttribute('body', 'data-reopened') !== 'true') throw new Error(`the repeat visit did not reopen the saved index: ${await second.textContent('#status')}`);
    const upToDate = await refreshed(second);
    const repeatVisit = {
      chartMs: reopen.shown, upToDateMs: upToDate, wireBytes: sent(before, 'wire'), jsonBytes: sent(before, 'bytes'), requests: sent(before, 'requests'),
      reopenMs: Number(await second.getAttribute('body', 'data-reopened-ms')), changes,
    };
    await check(second, 'repeat visit');
    return { firstVisit, repeatVisit };
  } finally {
    await context.close();
  }
}

const random = seeded(5);
const results = {
  machine: `${os.cpus()[0].model}, ${os.cpus().length} cores, Node ${process.version}`,
  browser: browser.version(),
  rooms: count,
  unthrottled: await run(0, random),
  throttled: { mbit, ...(await run((mbit * 1e6) / 8, random)) },
};
// Throttling that did not apply (e.g. to the page's worker) would show as
// a time below what the bytes need at that speed.
const floor = (results.throttled.firstVisit.wireBytes * 8) / (mbit * 1e6) * 1000;
results.throttled.appliedCheck = { bytesNeedMs: Math.round(floor), applied: results.throttled.firstVisit.ms >= floor * 0.95 };
if (!results.throttled.appliedCheck.applied) console.error(`# warning: throttled first visit took ${results.throttled.firstVisit.ms} ms, its bytes need ${floor} ms at ${mbit} Mbit/s`);
clearInterval(ticker);
await browser.close();
await site.close();
await mock.close();

mkdirSync('bench/results', { recursive: true });
writeFileSync(`bench/results/e2e-${label}.json`, `${JSON.stringify(results, null, 2)}\n`);
const mb = (bytes) => `${(bytes / 1e6).toFixed(1)} MB`;
const s = (ms) => `${(ms / 1000).toFixed(2)} s`;
console.log(`Time to chart, ${count.toLocaleString('en')} rooms, ${results.browser}, ${results.machine}`);
for (const [name, row] of [['unthrottled', results.unthrottled], [`${mbit} Mbit/s`, results.throttled]]) {
  const { firstVisit: f, repeatVisit: r } = row;
  console.log(`${name.padEnd(12)} first visit ${s(f.ms)} (${mb(f.wireBytes)} on the wire, ${mb(f.jsonBytes)} of JSON, ${f.requests} requests)`);
  console.log(`${''.padEnd(12)} repeat visit: chart ${s(r.chartMs)} (index reopened in ${r.reopenMs} ms), up to date ${s(r.upToDateMs)} (${mb(r.wireBytes)} on the wire, ${r.requests} requests)`);
}
