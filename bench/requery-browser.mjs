// Re-query in Chromium at 1M or 10M rooms, in a page whose heap holds
// what a dashboard's holds: the index is made in Node (10M rooms are
// streamed, as no JavaScript string holds their 4.5 GB) and saved; the
// page reopens it with ChatIndex.fromBytes, parses 1M REST rooms beside
// it (about 1 GB of live JS heap), then times `countsInto` and `query`
// over 20,000 varied ranges, as means over batches of 10 (the isolated
// page's timer counts in 5 µs steps). Every answer of the first 100 is
// checked against Node's first.
//
//   node --max-old-space-size=12000 bench/requery-browser.mjs [--rooms=10m]
import { createReadStream, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import { Readable } from 'node:stream';
import { chromium } from 'playwright-core';
import { ChatIndex } from '../pkg/node.mjs';
import { serve } from '../scripts/serve.mjs';
import { DEPARTMENTS, YEAR_MS, YEAR_START, ensureData, roomsPath } from './data.mjs';
import { countsAnswer, queries } from './engines.mjs';

const arg = (name, fallback) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback;
const name = arg('rooms', '10m');
const count = Number(name.replace(/k$/, 'e3').replace(/m$/, 'e6'));
ensureData([count, 1e6]);

// The index, saved once and made again when this build cannot reopen it.
const snapshot = `bench/data/rooms-${name}.snapshot`;
const reopen = () => {
  try {
    return existsSync(snapshot) ? ChatIndex.fromBytes(readFileSync(snapshot), { timeZone: 'UTC' }) : null;
  } catch {
    return null;
  }
};
let index = reopen();
if (!index) {
  index = new ChatIndex(DEPARTMENTS, { timeZone: 'UTC' });
  await index.addStream(Readable.toWeb(createReadStream(roomsPath(count), { highWaterMark: 1 << 16 })));
  index.settle();
  writeFileSync(snapshot, index.toBytes());
}
const list = queries(20000, DEPARTMENTS.map((d) => d._id), YEAR_START, YEAR_MS);
const counts = new Float64Array(2 * index.chartNames().length);
const expected = list.slice(0, 100).map((q) => countsAnswer(index, counts, q));
const rooms = index.size;
index.free();

const server = await serve({ port: 0, dir: '.', isolated: true });
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--js-flags=--max-old-space-size=8192'],
});
try {
  const page = await browser.newPage();
  await page.goto(`${server.url}bench/browser/index.html`);
  const result = await page.evaluate(async ({ base, snapshot, heapRooms, list, expected }) => {
    const { default: init, ChatIndex } = await import(`${base}pkg/web.js`);
    const { batchMeans, countsAnswer } = await import(`${base}bench/engines.mjs`);
    await init();
    const index = ChatIndex.fromBytes(new Uint8Array(await (await fetch(`${base}${snapshot}`)).arrayBuffer()), { timeZone: 'UTC' });
    // What a dashboard's heap holds: parsed rooms, kept alive below.
    const held = JSON.parse(await (await fetch(`${base}${heapRooms}`)).text());
    const counts = new Float64Array(2 * index.chartNames().length);
    const wrong = expected.findIndex((want, i) => JSON.stringify(countsAnswer(index, counts, list[i])) !== JSON.stringify(want));
    if (wrong >= 0) return { error: `query ${wrong}: Chromium and Node disagree` };
    const out = { crossOriginIsolated, heapBytes: performance.memory?.usedJSHeapSize ?? null, rooms: index.size };
    for (const [name, run] of [['countsInto', (q) => index.countsInto(q.start, q.end, counts, q.departmentId)], ['query', (q) => index.query(q.params)]]) {
      out[name] = batchMeans(list, run);
    }
    out.heldRooms = held.rooms.length;
    return out;
  }, { base: server.url, snapshot, heapRooms: relative(process.cwd(), roomsPath(1e6)), list, expected });
  if (result.error) throw new Error(result.error);
  if (result.rooms !== rooms) throw new Error(`Chromium reopened ${result.rooms} rooms of ${rooms}`);
  const browserVersion = await page.evaluate(() => navigator.userAgent.match(/Chrome\/[\d.]+/)?.[0]);
  const µs = (ms) => `${(ms * 1000).toFixed(2)} µs`;
  console.log(`${rooms.toLocaleString('en')} rooms, ${browserVersion}, cross-origin isolated ${result.crossOriginIsolated}, JS heap ${(result.heapBytes / 1e6).toFixed(0)} MB (holding ${result.heldRooms.toLocaleString('en')} parsed rooms)`);
  for (const name of ['countsInto', 'query']) console.log(`${name.padEnd(10)} median ${µs(result[name].median)}  p99 ${µs(result[name].p99)}  (means over batches of 10)`);
} finally {
  await browser.close();
  await server.close();
}
