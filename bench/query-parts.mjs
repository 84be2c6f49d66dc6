// Where a re-query's time goes, at the boundary: one ChatIndex, the same
// 20,000 varied queries, timed whole and in parts (the params object read,
// the two dates parsed, the body object built), in this Node process.
// `--heavy`: the index is made from the 1M-room REST file (ids kept, as a
// dashboard's) and the process also holds what a dashboard holds: the
// file's bytes, its text and the parsed rooms (a heap of gigabytes, which
// the garbage collector has to walk).
//
//   node bench/query-parts.mjs [rooms=1e6]
//   node --max-old-space-size=12000 bench/query-parts.mjs --heavy
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { ChatIndex, dateParse } from '../pkg/node.mjs';
import { DEPARTMENTS, YEAR_START, YEAR_MS, ensureData, roomsPath } from './data.mjs';
import { queries, stats } from './engines.mjs';

const heavy = process.argv.includes('--heavy');
const count = heavy ? 1e6 : Number(process.argv.find((a) => /^\d/.test(a)) ?? 1e6);
const index = new ChatIndex(DEPARTMENTS, { timeZone: 'UTC' });
/** What a dashboard holds (module scope: alive until the process ends). */
const held = {};
if (heavy) {
  ensureData([count]);
  held.bytes = readFileSync(roomsPath(count));
  held.text = new TextDecoder().decode(held.bytes);
  held.rooms = JSON.parse(held.text).rooms;
  index.add(held.bytes);
} else {
  const page = [];
  let seed = 7;
  const random = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  for (let i = 0; i < count; i++) {
    const d = DEPARTMENTS[Math.floor(random() * DEPARTMENTS.length)];
    page.push({ t: 'l', ...(random() < 0.1 ? { open: true } : {}), departmentId: d._id, ts: YEAR_START + Math.floor(random() * YEAR_MS) });
    if (page.length === 100_000) {
      index.add(page);
      page.length = 0;
    }
  }
  if (page.length) index.add(page);
}
index.settle();
const list = queries(20_000, DEPARTMENTS.map((d) => d._id), YEAR_START, YEAR_MS);

function timeEach(label, run) {
  for (let i = 0; i < 2000; i++) run(list[i]);
  const samples = list.map((q) => {
    const t0 = performance.now();
    run(q);
    return performance.now() - t0;
  });
  const s = stats(samples);
  console.log(`${label.padEnd(44)} median ${(s.median * 1000).toFixed(2).padStart(7)} µs   p99 ${(s.p99 * 1000).toFixed(2).padStart(7)} µs`);
  return s;
}

const heap = process.memoryUsage().heapUsed;
console.log(`${index.size.toLocaleString('en')} rooms, ${DEPARTMENTS.length} departments, Node ${process.version}; held: ${(index.memoryBytes / index.size).toFixed(2)} B/room (${heavy ? 'ids kept' : 'no ids'}); JS heap ${(heap / 1e6).toFixed(0)} MB${heavy ? ` (holding the file's bytes, text and ${held.rooms.length.toLocaleString('en')} parsed rooms)` : ''}`);
timeEach('index.query(params)', (q) => index.query(q.params));
timeEach('index.queryJson(params)', (q) => index.queryJson(q.params));
timeEach('dateParse(start) + dateParse(end)', (q) => dateParse(q.params.start, { timeZone: 'UTC' }) + dateParse(q.params.end, { timeZone: 'UTC' }));
timeEach('index.query with an invalid start (no counting)', (q) => index.query({ start: 'x', end: q.params.end }));
timeEach('index.size (a bare call across the boundary)', () => index.size);
timeEach('index.query, one department (departmentId)', (q) => index.query({ start: q.params.start, end: q.params.end, departmentId: DEPARTMENTS[0]._id }));
timeEach('index.query, an unknown department (no counting)', (q) => index.query({ start: q.params.start, end: q.params.end, departmentId: 'none' }));
timeEach('index.query, the same params every time', () => index.query(list[0].params));
timeEach('dateParse(start) + dateParse(end), America/Sao_Paulo', (q) => dateParse(q.params.start, { timeZone: 'America/Sao_Paulo' }) + dateParse(q.params.end, { timeZone: 'America/Sao_Paulo' }));
timeEach('dateParse(start) + dateParse(end), host zone', (q) => dateParse(q.params.start) + dateParse(q.params.end));
