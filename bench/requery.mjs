// Re-query in a dashboard's process: an index of REST rooms with ids and
// 20 departments, in a Node process whose JavaScript heap also holds about
// `--heap` MB of live objects (parsed rooms, as a dashboard keeps them), so
// that the garbage collector has a real heap to work through.
//
// Side by side, on the same 20,000 varied queries (30 % filtered to one
// department), after a warm-up:
// - `index.query(params)`: the server's body, built as an object;
// - `dateParse` × 2 + `index.countsInto(startMs, endMs, out)`: the same
//   counts into a reused Float64Array, nothing allocated;
// - `index.countsInto` alone, the times already parsed (a brushed range);
// - what a user would write otherwise for microsecond re-queries: sorted
//   per-department Float64Arrays of creation times with prefix counts of
//   open rooms, two binary searches per department (no live updates, no
//   server semantics: a lower bound).
// Each is checked against `query` on probe queries first. The garbage
// collector's share: the p99 of the samples no GC pause overlapped beside
// the p99 of all (`PerformanceObserver` 'gc' entries).
//
//   node --max-old-space-size=8000 --expose-gc bench/requery.mjs [--rooms=1m|10m] [--heap=1000]
import os from 'node:os';
import { PerformanceObserver, performance } from 'node:perf_hooks';
import { ChatIndex, dateParse } from '../pkg/node.mjs';
import { DEPARTMENTS, YEAR_START, YEAR_MS, roomTextChunks } from './data.mjs';
import { queries } from './engines.mjs';

const arg = (name, fallback) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback;
const count = Number(arg('rooms', '1m').replace(/k$/, 'e3').replace(/m$/, 'e6'));
const heapMb = Number(arg('heap', '1000'));

// The index, page by page as a client pages the REST API; the rooms of
// the first pages are kept as parsed objects until the heap holds `heapMb`.
const index = new ChatIndex(DEPARTMENTS, { timeZone: 'UTC' });
const held = [];
const columns = DEPARTMENTS.map(() => ({ ts: [], open: [] }));
const slot = new Map(DEPARTMENTS.map((d, i) => [d._id, i]));
let t0 = performance.now();
for (const chunk of roomTextChunks(count)) {
  const rooms = JSON.parse(`[${chunk.join(',')}]`);
  index.add(rooms);
  for (const room of rooms) {
    const d = slot.get(room.departmentId);
    if (d === undefined || room.t !== 'l') continue;
    columns[d].ts.push(Date.parse(room.ts));
    columns[d].open.push(room.open === true ? 1 : 0);
  }
  if (process.memoryUsage().heapUsed < heapMb * 1e6) held.push(rooms);
}
index.settle();
// A live heap of `heapMb` MB even when the rooms are few: more copies of
// them, measured after a full collection (`--expose-gc`).
const liveHeap = () => {
  globalThis.gc?.();
  return process.memoryUsage().heapUsed;
};
for (let i = 0; liveHeap() < heapMb * 1e6; i++) {
  for (let k = 0; k < 10; k++) held.push(structuredClone(held[(i * 10 + k) % held.length]));
}
const loadMs = performance.now() - t0;

// The JavaScript alternative: each department's times sorted, with the
// open rooms before each position.
const sorted = columns.map(({ ts, open }) => {
  const order = Array.from(ts.keys()).sort((a, b) => ts[a] - ts[b] || open[a] - open[b]);
  const times = new Float64Array(order.length);
  const opens = new Uint32Array(order.length + 1);
  order.forEach((i, k) => {
    times[k] = ts[i];
    opens[k + 1] = opens[k] + open[i];
  });
  return { times, opens };
});
columns.length = 0;
const lowerBound = (times, t) => {
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (times[mid] < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
};
const jsOut = new Float64Array(2 * DEPARTMENTS.length);
function jsCounts(start, end, departmentId) {
  for (let d = 0; d < sorted.length; d++) {
    const { times, opens } = sorted[d];
    if (departmentId !== undefined && DEPARTMENTS[d]._id !== departmentId) {
      jsOut[2 * d] = jsOut[2 * d + 1] = 0;
      continue;
    }
    const from = lowerBound(times, start);
    const to = lowerBound(times, end + 1);
    const open = opens[to] - opens[from];
    jsOut[2 * d] = open;
    jsOut[2 * d + 1] = to - from - open;
  }
  return jsOut;
}

const names = index.chartNames();
const out = new Float64Array(2 * names.length);
const list = queries(20_000, DEPARTMENTS.map((d) => d._id), YEAR_START, YEAR_MS);

// Probes: the three answer what `query` answers.
const asBody = (counts, keys) => {
  const body = {};
  keys.forEach((name, g) => {
    if (counts[2 * g] + counts[2 * g + 1] > 0) body[name] = { open: counts[2 * g], closed: counts[2 * g + 1] };
  });
  return JSON.stringify({ ...body, success: true });
};
const sortedKeys = (json) => JSON.stringify(Object.entries(JSON.parse(json)).sort());
for (const q of list.slice(0, 200)) {
  const expected = sortedKeys(JSON.stringify(index.query(q.params)));
  index.countsInto(q.start, q.end, out, q.departmentId);
  if (sortedKeys(asBody(out, names)) !== expected) throw new Error(`countsInto disagrees with query on ${JSON.stringify(q.params)}`);
  if (sortedKeys(asBody(jsCounts(q.start, q.end, q.departmentId), DEPARTMENTS.map((d) => d.name))) !== expected) {
    throw new Error(`the JavaScript columns disagree with query on ${JSON.stringify(q.params)}`);
  }
}

const gcPauses = [];
new PerformanceObserver((entries) => {
  for (const e of entries.getEntries()) gcPauses.push([e.startTime, e.startTime + e.duration]);
}).observe({ entryTypes: ['gc'] });

const percentile = (xs, q) => xs[Math.min(xs.length - 1, Math.floor(q * xs.length))];
async function timeEach(label, run) {
  for (const q of list.slice(0, 4000)) run(q);
  const spans = list.map((q) => {
    const start = performance.now();
    run(q);
    return [start, performance.now()];
  });
  await new Promise((resolve) => setTimeout(resolve, 50)); // the observer's entries arrive
  const all = spans.map(([a, b]) => b - a).sort((x, y) => x - y);
  const clean = spans.filter(([a, b]) => !gcPauses.some(([s, e]) => s < b && e > a)).map(([a, b]) => b - a).sort((x, y) => x - y);
  const result = {
    median: percentile(all, 0.5) * 1000,
    p99: percentile(all, 0.99) * 1000,
    p99WithoutGc: percentile(clean, 0.99) * 1000,
    gcOverlapped: all.length - clean.length,
  };
  gcPauses.length = 0;
  console.log(`${label.padEnd(52)} median ${result.median.toFixed(2).padStart(6)} µs   p99 ${result.p99.toFixed(2).padStart(6)} µs   p99 without GC ${result.p99WithoutGc.toFixed(2).padStart(6)} µs   (${result.gcOverlapped} of ${all.length} overlapped a GC)`);
  return result;
}

console.log(`${index.size.toLocaleString('en')} rooms with ids, ${DEPARTMENTS.length} departments; ${(index.memoryBytes / index.size).toFixed(1)} B/room held; JS heap ${(liveHeap() / 1e6).toFixed(0)} MB live; loaded in ${(loadMs / 1000).toFixed(1)} s`);
console.log(`${os.cpus()[0].model}, ${os.cpus().length} cores, Node ${process.version}`);
const body = await timeEach('index.query(params): the body', (q) => index.query(q.params));
await timeEach('dateParse × 2 + index.countsInto(out)', (q) => index.countsInto(dateParse(q.params.start, { timeZone: 'UTC' }), dateParse(q.params.end, { timeZone: 'UTC' }), out, q.departmentId));
const counts = await timeEach('index.countsInto(startMs, endMs, out)', (q) => index.countsInto(q.start, q.end, out, q.departmentId));
await timeEach('index.countsInto, an unknown department (no counting)', (q) => index.countsInto(q.start, q.end, out, 'none'));
const js = await timeEach('JS: sorted Float64Arrays, binary searches', (q) => jsCounts(q.start, q.end, q.departmentId));
console.log(`ratios (median): query / countsInto ${(body.median / counts.median).toFixed(2)}×, countsInto / JS columns ${(counts.median / js.median).toFixed(2)}×`);
console.log(`garbage collector's share of query's p99: ${(100 * (1 - body.p99WithoutGc / body.p99)).toFixed(0)} %; of countsInto's: ${(100 * (1 - counts.p99WithoutGc / counts.p99)).toFixed(0)} %`);
if (held.length === 0) throw new Error('nothing held');
