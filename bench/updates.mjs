// Live updates at scale: a ChatIndex holding N rooms (with their _ids) takes
// delta pages of 1,000 changed rooms (closed or transferred, _updatedAt
// bumped), as a dashboard's refresh does; each page is followed by a query.
// Reports the amortised cost per updated room, query latency before and
// after, memory per room with ids, and checks the final chart against the
// one-shot path over the final rooms.
//
//   node bench/updates.mjs [--rooms=1m] [--pages=50]
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { ChatIndex, chatsPerDepartmentJson } from '../pkg/node.mjs';
import { DEPARTMENTS, YEAR_START, YEAR_MS, ensureData, roomsPath } from './data.mjs';
import { rng } from '../tests/differential/random.mjs';

const arg = (name, fallback) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback;
const count = Number(arg('rooms', '1m').replace(/k$/, 'e3').replace(/m$/, 'e6'));
const pages = Number(arg('pages', '50'));
ensureData([count]);
const text = readFileSync(roomsPath(count));
const index = new ChatIndex(DEPARTMENTS);
let t0 = performance.now();
index.add(text);
index.settle();
const loadMs = performance.now() - t0;
const rooms = JSON.parse(text).rooms.map((r) => ({ _id: r._id, t: r.t, open: r.open, departmentId: r.departmentId, ts: r.ts, _updatedAt: r._updatedAt }));
const random = rng(42).next;
const iso = (ms) => new Date(ms).toISOString();
const queries = Array.from({ length: 2000 }, () => {
  const start = YEAR_START + Math.floor(random() * YEAR_MS);
  return { start: iso(start), end: iso(start + Math.floor(random() * 60 * 86_400_000)) };
});
const median = (xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const queryLatency = () =>
  median(queries.map((q) => {
    const s = performance.now();
    index.query(q);
    return (performance.now() - s) * 1000;
  }));
const before = queryLatency();

let updateMs = 0;
let clock = YEAR_START + YEAR_MS + 1;
for (let p = 0; p < pages; p++) {
  const page = [];
  for (let i = 0; i < 1000; i++) {
    const room = rooms[Math.floor(random() * rooms.length)];
    if (random() < 0.5) delete room.open;
    else room.departmentId = DEPARTMENTS[Math.floor(random() * DEPARTMENTS.length)]._id;
    room._updatedAt = iso(clock++);
    page.push(room);
  }
  const json = JSON.stringify(page);
  const s = performance.now();
  index.add(json);
  index.query(queries[p]);
  updateMs += performance.now() - s;
}
const after = queryLatency();
const single = [];
for (let i = 0; i < 200; i++) {
  const room = rooms[Math.floor(random() * rooms.length)];
  room._updatedAt = iso(clock++);
  const json = JSON.stringify([room]);
  const s = performance.now();
  index.add(json);
  index.query(queries[i]);
  single.push((performance.now() - s) * 1000);
}
const check = queries.slice(0, 20).every((q) => index.queryJson(q) === chatsPerDepartmentJson(rooms, DEPARTMENTS, q));
const report = {
  rooms: index.size,
  loadMs: Math.round(loadMs),
  bytesPerRoomWithIds: +(index.memoryBytes / index.size).toFixed(1),
  perUpdatedRoomUs: +((updateMs * 1000) / (pages * 1000)).toFixed(2),
  oneLateRoomPlusQueryUs: +median(single).toFixed(1),
  queryMedianUsBefore: +before.toFixed(1),
  queryMedianUsAfter: +after.toFixed(1),
  sameAsOneShot: check,
};
console.log(JSON.stringify(report, null, 1));
if (!check) process.exit(1);
