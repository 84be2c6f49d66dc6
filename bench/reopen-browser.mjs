// Reopening a saved 1M-room index in Chromium, as the dashboard does on a
// new visit (www/src/saved.js + ChatIndex.fromBytes): the snapshot is made
// in Node from the benchmark's rooms, stored in the browser's origin
// private file system, then each run starts a fresh worker that reads it,
// opens it and answers the first query, checked against Node's answer.
//
//   node bench/reopen-browser.mjs [--rooms=1m] [--runs=5]
import { readFileSync, writeFileSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { ChatIndex } from '../pkg/node.mjs';
import { serve } from '../scripts/serve.mjs';
import { DEPARTMENTS, ensureData, roomsPath } from './data.mjs';

const arg = (name, fallback) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback;
const count = Number(arg('rooms', '1m').replace(/k$/, 'e3').replace(/m$/, 'e6'));
const runs = Number(arg('runs', '5'));
ensureData([count]);
const index = new ChatIndex(DEPARTMENTS, { timeZone: 'UTC' });
index.add(readFileSync(roomsPath(count)));
const snapshot = `bench/data/rooms-${arg('rooms', '1m')}.snapshot`;
writeFileSync(snapshot, index.toBytes());
const params = { start: '2025-03-01T00:00:00.000Z', end: '2025-06-30T23:59:59.999Z' };
const expected = index.query(params);
index.free();

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const server = await serve({ port: 0, dir: '.' });
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'] });
try {
  const page = await browser.newPage();
  await page.goto(`${server.url}bench/browser/index.html`);
  const inWorker = (message) => page.evaluate(({ url, message }) => new Promise((resolve) => {
    const worker = new Worker(url, { type: 'module' });
    worker.onmessage = ({ data }) => {
      worker.terminate();
      resolve(data);
    };
    worker.postMessage(message);
  }), { url: `${server.url}bench/browser/reopen-worker.js`, message });
  const written = await inWorker({ write: `${server.url}${snapshot}` });
  if (written.error) throw new Error(written.error);
  const results = [];
  for (let i = 0; i < runs; i++) {
    const run = await inWorker({ params });
    if (run.error) throw new Error(run.error);
    if (JSON.stringify(run.body) !== JSON.stringify(expected)) throw new Error(`run ${i}: the reopened index answers ${JSON.stringify(run.body)}`);
    results.push(run);
  }
  const pick = (key) => +median(results.map((r) => r[key])).toFixed(1);
  console.log(JSON.stringify({
    rooms: results[0].rooms,
    snapshotBytes: written.written,
    medianOf: runs,
    moduleInitMs: pick('init'),
    opfsReadMs: pick('read'),
    fromBytesMs: pick('fromBytes'),
    firstQueryMs: pick('query'),
    reopenMs: pick('reopen'),
    everyRunReopenMs: results.map((r) => +r.reopen.toFixed(1)),
    browser: await page.evaluate(() => navigator.userAgent.match(/Chrome\/[\d.]+/)?.[0]),
  }, null, 1));
} finally {
  await browser.close();
  await server.close();
}
