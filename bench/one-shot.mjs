// The cold path alone in a process: `chatsPerDepartment(bytes)` and
// `index.add(bytes)` + `settle()` on the benchmark's REST file, five runs
// each, alternating, medians. (bench/run.mjs times the same call beside
// JSON.parse and a JS loop, whose million objects the garbage collector
// then works through on the same two cores.)
//
//   node --max-old-space-size=8000 bench/one-shot.mjs [--rooms=1m]
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { ChatIndex, chatsPerDepartment } from '../pkg/node.mjs';
import { DEPARTMENTS, ensureData, roomsPath } from './data.mjs';

const arg = (name, fallback) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback;
const count = Number(arg('rooms', '1m').replace(/k$/, 'e3').replace(/m$/, 'e6'));
ensureData([count]);
const bytes = readFileSync(roomsPath(count));
const params = { start: '2025-03-01T00:00:00.000Z', end: '2025-04-01T00:00:00.000Z' };
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const oneShot = [];
const load = [];
let expected;
for (let run = 0; run < 5; run++) {
  let t0 = performance.now();
  const body = chatsPerDepartment(bytes, DEPARTMENTS, params);
  oneShot.push(performance.now() - t0);
  const index = new ChatIndex(DEPARTMENTS);
  t0 = performance.now();
  index.add(bytes);
  index.settle();
  load.push(performance.now() - t0);
  // Both answer the same.
  expected ??= JSON.stringify(Object.entries(body).sort());
  if (JSON.stringify(Object.entries(index.query(params)).sort()) !== expected) throw new Error('the index and the one-shot count disagree');
  index.free();
}
const gb = (ms) => (bytes.length / 1e6 / ms).toFixed(2);
console.log(`${count.toLocaleString('en')} rooms (${(bytes.length / 1e6).toFixed(0)} MB), Node ${process.version}`);
console.log(`chatsPerDepartment(bytes)  median ${median(oneShot).toFixed(0)} ms (${gb(median(oneShot))} GB/s)`);
console.log(`index.add(bytes) + settle  median ${median(load).toFixed(0)} ms (${gb(median(load))} GB/s)`);
