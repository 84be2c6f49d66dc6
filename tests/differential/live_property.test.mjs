// Property test of live histories through the wasm package (the native one
// is tests/live_property.rs): rooms created, closed, transferred, put on
// hold and deleted; each change sent as a page in a random form (objects,
// JSON text, bytes, a REST envelope, a stream cut at random offsets), pages
// re-sent and stale versions arriving late, deletions by `remove` or by
// `retain` of the ids still held, failed pages in between. After every step
// the index must answer what the server's pipelines (mingo) answer on the
// collection as it then is, and what `chatsPerDepartment` answers on it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ChatIndex, chatsPerDepartment } from '../../pkg/node.mjs';
import { rng } from './random.mjs';
import { serverBody, sameBody } from './server_oracle.mjs';

const HISTORIES = Number(process.env.LIVE_PROPERTY_CASES ?? 150);
const T0 = Date.UTC(2026, 0, 1);
const HOUR = 3_600_000;
const DEPARTMENTS = [{ _id: 'd0', name: 'Sales' }, { _id: 'd1', name: 'Support' }, { _id: 'd2', name: 'Sales' }, { _id: 'd3' }];

function streamOf(text, r) {
  const bytes = new TextEncoder().encode(text);
  return new ReadableStream({
    start(controller) {
      let at = 0;
      while (at < bytes.length) {
        const end = Math.min(bytes.length, at + r.int(1, 64));
        controller.enqueue(bytes.slice(at, end));
        at = end;
      }
      controller.close();
    },
  });
}

/** Sends `rooms` (REST form) to the index in a random form. */
async function send(index, rooms, r) {
  const json = JSON.stringify(rooms);
  switch (r.int(0, 4)) {
    case 0: return index.add(rooms);
    case 1: return index.add(json);
    case 2: return index.add(new TextEncoder().encode(JSON.stringify({ rooms, count: rooms.length, offset: 0, total: 1e6, success: true })));
    case 3: return index.add(rooms.map((room) => JSON.stringify(room)).join('\n'));
    default: return index.addStream(streamOf(json, r));
  }
}

const rest = (room) => ({ ...room, ts: new Date(room.ts).toISOString(), _updatedAt: new Date(room._updatedAt).toISOString() });

test(`wasm: ${HISTORIES} random live histories agree with the server's pipelines after every step`, async () => {
  let checks = 0;
  for (let h = 0; h < HISTORIES; h++) {
    const r = rng(0x5eed + h);
    const index = new ChatIndex(DEPARTMENTS, { timeZone: 'UTC' });
    const current = new Map();
    const versions = new Map();
    let clock = T0;
    let next = 0;
    const version = (id, base) => {
      const room = { ...base, _id: id, _updatedAt: (clock += r.int(1, 2000)) }; // distinct versions: distinct times (equal ones: the later sent wins)
      versions.set(id, [...(versions.get(id) ?? []), room]);
      current.set(id, room);
      return room;
    };
    for (let step = 0; step < 12; step++) {
      const page = [];
      for (let i = r.int(0, 15); i > 0; i--) {
        const ids = [...current.keys()];
        const kind = r.int(0, 9);
        if (kind < 3 || !ids.length) {
          const room = { t: r.chance(0.9) ? 'l' : 'c', ts: T0 + r.int(0, 72) * HOUR, open: true };
          if (r.chance(0.9)) room.departmentId = r.pick(['d0', 'd1', 'd2', 'd3', 'gone']);
          page.push(version(`${r.chance(0.5) ? 'r' : 'x'.repeat(20)}${next++}`, room));
        } else {
          const id = r.pick(ids);
          const old = current.get(id);
          if (kind === 3) {
            const { open, ...closed } = old;
            page.push(version(id, open ? { ...closed, closedAt: clock } : old));
          } else if (kind === 4) page.push(version(id, { ...old, departmentId: r.pick(['d0', 'd1', 'd2', 'd3', 'gone']) }));
          else if (kind === 5) page.push(version(id, { ...old, onHold: true }));
          else if (kind === 6) page.push(old); // re-sent
          else if (kind === 7) page.push(r.pick(versions.get(id))); // stale (or current)
          else page.push(version(id, { ...old }));
        }
      }
      await send(index, page.map(rest), r);
      if (r.chance(0.2)) {
        // A bad page changes nothing.
        const before = index.queryJson({ start: new Date(T0).toISOString(), end: new Date(T0 + 80 * HOUR).toISOString() });
        const bad = [...page.map(rest), { _id: 'bad', t: 'l', departmentId: 'd0', ts: 'not a date' }];
        await assert.rejects(async () => send(index, bad, r));
        assert.equal(index.queryJson({ start: new Date(T0).toISOString(), end: new Date(T0 + 80 * HOUR).toISOString() }), before);
      }
      if (r.chance(0.4)) {
        const doomed = [...current.keys()].filter(() => r.chance(0.15));
        for (const id of doomed) current.delete(id);
        const removed = r.chance(0.5) ? index.remove([...doomed, 'never-held']) : index.retain([...current.keys(), 'never-held']);
        assert.equal(removed, doomed.length);
        // A deleted room's versions are never re-sent (see the README's caveat).
        for (const id of doomed) versions.delete(id);
      }
      assert.equal(index.size, current.size);
      const collection = [...current.values()].map((room) => ({ ...room, ts: new Date(room.ts) }));
      for (let q = 0; q < 4; q++) {
        const start = T0 + r.int(-2, 72) * HOUR;
        const params = { start: new Date(start).toISOString(), end: new Date(start + r.int(0, 80) * HOUR).toISOString() };
        if (r.chance(0.3)) params.departmentId = r.pick(['d0', 'd1', 'd3', 'gone', '']);
        const ours = index.query(params);
        const theirs = serverBody(collection, DEPARTMENTS, params);
        assert.ok(sameBody(ours, theirs), `history ${h} step ${step}: ${JSON.stringify({ params, ours, theirs })}`);
        assert.deepEqual(ours, chatsPerDepartment([...current.values()].map(rest), DEPARTMENTS, params, { timeZone: 'UTC' }));
        checks++;
      }
    }
    index.free();
  }
  assert.ok(checks > HISTORIES * 40);
});
