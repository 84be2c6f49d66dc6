// Differential test of the counting: the server's two aggregation
// pipelines, verbatim, run by mingo over random data sets, against the
// library through each of its input paths (JS objects, JSON text, NDJSON
// bytes with Extended JSON dates, REST envelopes, embedded departments,
// ChatIndex fed in pages, ChatIndex fed a chunked stream).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ChatIndex, chatsPerDepartment, chatsPerDepartmentJson } from '../../pkg/node.mjs';
import { rng } from './random.mjs';
import { serverBody, sameBody } from './server_oracle.mjs';

const DATASETS = Number(process.env.AGGREGATION_CASES ?? 1_500);
const NAMES = ['Sales', 'Support', 'Sales', '__proto__', 'constructor', 'toString', 'hasOwnProperty', 'success', 'undefined', 'null', '2024', '0', '', 'Ünïcødé 😀', 'a"b\\c\n', 'valueOf'];
const T0 = Date.UTC(2020, 8, 1);
const SPAN = 10 * 86_400_000;

function dataset(r) {
  const departments = [];
  const n = r.int(0, 8);
  for (let i = 0; i < n; i++) {
    const d = { _id: `d${i}`, enabled: r.chance(0.5) };
    const name = r.int(0, 9);
    if (name < 8) d.name = r.pick(NAMES);
    else if (name === 8) d.name = null;
    departments.push(d);
  }
  const ids = departments.map((d) => d._id);
  const rooms = [];
  const roomCount = r.int(0, 150);
  const start = T0 + r.int(0, SPAN);
  const end = r.chance(0.1) ? start - r.int(1, SPAN / 4) : start + r.int(0, SPAN / 2);
  for (let i = 0; i < roomCount; i++) {
    const room = { _id: `r${i}`, fname: 'visitor', msgs: r.int(0, 40) };
    const t = r.int(0, 19);
    if (t < 16) room.t = 'l';
    else if (t < 19) room.t = r.pick(['c', 'd', 'p', 'L']);
    const open = r.int(0, 19);
    if (open < 9) room.open = true;
    else if (open < 16) { /* closed: no open field */ room.closedAt = new Date(T0 + SPAN); }
    else room.open = r.pick([false, null]);
    const dep = r.int(0, 19);
    if (dep < 14 && ids.length) room.departmentId = r.pick(ids);
    else if (dep < 16) room.departmentId = 'gone';
    else if (dep < 18) room.departmentId = null;
    const ts = r.int(0, 19);
    if (ts < 15) room.ts = new Date(T0 + r.int(0, SPAN));
    else if (ts === 15) room.ts = new Date(start);
    else if (ts === 16) room.ts = new Date(end);
    else if (ts === 17) room.ts = new Date(r.pick([start - 1, end + 1]));
    else if (ts === 18) room.ts = null;
    if (r.chance(0.1)) room.onHold = true;
    if (r.chance(0.5)) room.servedBy = { _id: 'agent', username: 'agent' };
    rooms.push(room);
  }
  const params = { start: new Date(start).toISOString(), end: new Date(end).toISOString() };
  const filter = r.int(0, 9);
  if (filter === 1) params.departmentId = '';
  else if (filter === 2) params.departmentId = 'undefined';
  else if (filter === 3) params.departmentId = null;
  else if (filter >= 4 && filter <= 7 && ids.length) params.departmentId = r.pick(ids);
  else if (filter === 8) params.departmentId = 'gone';
  return { rooms, departments, params };
}

/** The rooms as REST JSON would carry them: ISO strings, embedded departments. */
function restRooms(rooms, departments) {
  return rooms.map((room) => {
    const out = { ...room };
    if (room.ts instanceof Date) out.ts = room.ts.toISOString();
    if (room.closedAt) out.closedAt = room.closedAt.toISOString();
    const dep = departments.find((d) => d._id === room.departmentId);
    if (dep) out.department = { _id: dep._id, ...(dep.name !== undefined ? { name: dep.name } : {}) };
    return out;
  });
}

/** A mongoexport: NDJSON with Extended JSON dates, as bytes. */
function mongoexport(rooms) {
  const lines = rooms.map((room) => {
    const out = { ...room, _id: { $oid: room._id } };
    if (room.ts instanceof Date) out.ts = room.ts.getTime() % 2 ? { $date: room.ts.toISOString() } : { $date: { $numberLong: String(room.ts.getTime()) } };
    if (room.closedAt) out.closedAt = { $date: room.closedAt.toISOString() };
    return JSON.stringify(out);
  });
  return new TextEncoder().encode(lines.join('\n') + '\n');
}

/** A ChatIndex fed in 1-4 pages of mixed forms. */
function indexedInPages(r, rest, departments) {
  const index = new ChatIndex(r.chance(0.5) ? departments : JSON.stringify({ departments }));
  let at = 0;
  while (at < rest.length) {
    const end = Math.min(rest.length, at + r.int(1, Math.max(1, rest.length)));
    const page = rest.slice(at, end);
    index.add(r.pick([page, JSON.stringify(page), { rooms: page }, new TextEncoder().encode(JSON.stringify({ rooms: page }))]));
    at = end;
  }
  return index;
}

/** A ReadableStream of `bytes` cut into random chunks. */
function chunked(r, bytes) {
  return new ReadableStream({
    start(controller) {
      for (let at = 0; at < bytes.length;) {
        const end = Math.min(bytes.length, at + r.int(1, 4096));
        controller.enqueue(bytes.subarray(at, end));
        at = end;
      }
      controller.close();
    },
  });
}

test(`aggregation: ${DATASETS} random data sets, every input path, same counts as the server's pipelines`, async () => {
  const r = rng(7);
  const disagreements = [];
  let nonEmpty = 0;
  let departmentsSeen = 0;
  for (let i = 0; i < DATASETS; i++) {
    const { rooms, departments, params } = dataset(r);
    const expected = serverBody(rooms, departments, params);
    assert.equal(expected.success, true);
    const keys = Object.keys(expected).length - 1;
    if (keys > 0) nonEmpty++;
    departmentsSeen += keys;
    const rest = restRooms(rooms, departments);
    const paths = {
      objects: () => chatsPerDepartment(rooms, departments, params),
      jsonText: () => chatsPerDepartment(JSON.stringify(rest), JSON.stringify(departments), params),
      restEnvelope: () => chatsPerDepartment({ rooms: rest, count: rest.length, offset: 0, total: rest.length, success: true }, { departments }, params),
      ndjsonBytes: () => chatsPerDepartment(mongoexport(rooms), new TextEncoder().encode(JSON.stringify({ departments })), params),
      embeddedNames: () => chatsPerDepartment(rest, null, params),
      jsonOut: () => JSON.parse(chatsPerDepartmentJson(rooms, departments, params)),
    };
    const index = indexedInPages(r, rest, departments);
    const streamed = new ChatIndex(departments);
    await streamed.addStream(chunked(r, r.chance(0.5) ? mongoexport(rooms) : new TextEncoder().encode(JSON.stringify({ rooms: rest }))));
    paths.indexPages = () => index.query(params);
    paths.indexStream = () => streamed.query(params);
    for (const [path, run] of Object.entries(paths)) {
      const actual = run();
      if (!sameBody(expected, actual)) disagreements.push({ dataset: i, path, params, expected, actual });
    }
    if (index.size !== rooms.length || streamed.size !== rooms.length) disagreements.push({ dataset: i, size: [index.size, streamed.size, rooms.length] });
    index.free();
    streamed.free();
  }
  console.log(`${DATASETS} data sets x 8 input paths: ${disagreements.length} disagreements (${nonEmpty} non-empty charts, ${departmentsSeen} department entries)`);
  assert.ok(nonEmpty > DATASETS / 2, 'most data sets must produce counts');
  assert.deepEqual(disagreements.slice(0, 3), []);
});

test('aggregation: Rocket.Chat end-to-end case (7 rooms, 1 on hold, 2 closed) gives {open: 5, closed: 2}', () => {
  const now = Date.now();
  const rooms = Array.from({ length: 7 }, (_, i) => ({ t: 'l', open: true, departmentId: 'dep', servedBy: { _id: 'a' }, ts: new Date(now - 1000 * (i + 1)) }));
  rooms[0].onHold = true;
  delete rooms[1].open;
  delete rooms[2].open;
  const departments = [{ _id: 'dep', name: 'E2E' }];
  const params = { start: new Date(now - 86_400_000).toISOString(), end: new Date(now).toISOString(), departmentId: 'dep' };
  const body = chatsPerDepartment(rooms, departments, params);
  assert.deepEqual(body, { E2E: { open: 5, closed: 2 }, success: true });
  assert.ok(sameBody(body, serverBody(rooms, departments, params)));
});
