// Live updates at scale: a ChatIndex holding N rooms (with their _ids) takes
// delta pages of 1,000 changed rooms (closed or transferred, _updatedAt
// bumped), as a dashboard's refresh does; each page is followed by a query.
// Reports the amortised cost per updated room, query latency before and
// after, memory per room with ids, and checks the final chart against the
// one-shot path over the final rooms; memory after 1M one-room updates
// with no query in between. Then the wire: the dashboard's live
// sync (www/src/sync.js) against the mock server with realistic rooms,
// bytes per room of a load with and without `fields=`, and of refreshes.
//
//   node bench/updates.mjs [--rooms=1m] [--pages=50] [--unqueried-updates=1000000] [--wire-rooms=20000]
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { ChatIndex, chatsPerDepartmentJson, wasmMemoryBytes } from '../pkg/node.mjs';
import { DEPARTMENTS, YEAR_START, YEAR_MS, ensureData, roomsPath } from './data.mjs';
import { rng } from '../tests/differential/random.mjs';
import { ServerSync } from '../www/src/sync.js';
import { startMock, mockData, seeded, USERS } from '../www/mock-rocketchat.mjs';

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
index.free();

// Hours of updates with nobody looking: a 2,000-room index takes 1M
// one-room updates (a stream of changes, no query, no settle). Pending
// changes are folded in by the index itself, so what it holds stays near
// what it holds settled.
{
  const unqueried = Number(arg('unqueried-updates', '1000000'));
  const small = new ChatIndex(DEPARTMENTS);
  const held = rooms.slice(0, 2000).map((room) => ({ ...room }));
  small.add(held);
  small.settle();
  const settledBytes = small.memoryBytes;
  const wasmBefore = wasmMemoryBytes();
  let most = 0;
  const s = performance.now();
  for (let k = 0; k < unqueried; k++) {
    const room = held[k % held.length];
    if (k & 1) delete room.open;
    else room.open = true;
    room._updatedAt = iso(clock++);
    small.add([room]);
    if (k % 1000 === 0) most = Math.max(most, small.memoryBytes);
  }
  report.unqueried = {
    rooms: small.size,
    updates: unqueried,
    perUpdateUs: +(((performance.now() - s) * 1000) / unqueried).toFixed(2),
    settledBytes,
    mostBytesDuringUpdates: most,
    wasmMemoryGrownBytes: wasmMemoryBytes() - wasmBefore,
  };
  small.free();
}

// The wire, as the dashboard's live mode uses it.
const wireRooms = Number(arg('wire-rooms', '20000'));
const mock = await startMock({ data: mockData(wireRooms, seeded(3)), cacheMs: 0 });
const server = { url: mock.url, userId: 'manager', token: USERS.manager.token };
const full = new ServerSync({ server, ChatIndex, timeZone: 'UTC', fields: false });
const lean = new ServerSync({ server, ChatIndex, timeZone: 'UTC', reconcileEveryMs: Infinity });
const fullLoad = await full.load();
const leanLoad = await lean.load();
const churn = seeded(17);
const kinds = (n) => {
  // Closes, transfers and inserts: what a refresh reads by _updatedAt.
  for (let i = 0; i < n; i++) {
    const live = mock.data.rooms.filter((r) => r.t === 'l' && r.open);
    if (i % 3 === 0) mock.insert(1);
    else if (i % 3 === 1) mock.closeRoom(live[Math.floor(churn() * live.length)]._id);
    else mock.transfer(live[Math.floor(churn() * live.length)]._id, 'support');
  }
};
kinds(100);
const changed = await lean.refresh();
// Changes of the last 10 s are read again (the overlap for app-server clocks
// and writes in flight) until that window has been read once 10 s later;
// after that a refresh of a quiet server reads one small page.
await new Promise((r) => setTimeout(r, 10_500));
const settling = await lean.refresh();
const quiet = await lean.refresh();
mock.remove(mock.data.rooms.find((r) => r.t === 'l')._id);
const deleted = await lean.refresh();
report.wire = {
  livechatRooms: fullLoad.rooms,
  bytesPerRoomWithoutFields: Math.round(fullLoad.bytes / fullLoad.rooms),
  bytesPerRoomWithFields: Math.round(leanLoad.bytes / leanLoad.rooms),
  refreshAfter100ChangesBytes: changed.bytes,
  refreshRereadingTheOverlapBytes: settling.bytes,
  refreshWithNoChangeBytes: quiet.bytes,
  refreshAfterOneDeletionBytes: deleted.bytes,
};
full.free();
lean.free();
await mock.close();
console.log(JSON.stringify(report, null, 1));
if (!check) process.exit(1);
