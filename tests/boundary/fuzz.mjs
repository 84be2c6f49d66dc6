// Generated hostile calls at the JavaScript boundary, run unchanged in Node
// (also with Object.prototype frozen) and in Chromium: detached views,
// ids with lone surrogates, department names and ids that are members of
// Object.prototype, damaged JSON and snapshots, streams with detached
// chunks, odd params. Whatever the call, the module never traps, a call
// that throws leaves the index exactly as it was (size and answers), the
// index is never left busy, and every body built is own data properties.
//
// `fuzz(lib, { seed, steps })` takes the package's exports (after init);
// it throws an Error naming the step that broke a rule, and returns counts.
import { rng } from '../differential/random.mjs';

const PROTO_NAMES = ['toString', 'constructor', 'valueOf', 'hasOwnProperty', '__proto__', 'isPrototypeOf', 'propertyIsEnumerable', 'toLocaleString', '__defineGetter__'];

export async function fuzz({ chatsPerDepartment, ChatIndex }, { seed = 1, steps = 2000 } = {}) {
  const r = rng(seed);
  const counts = { calls: 0, refused: 0 };
  const text = () => r.pick(['r', 'Sales', 'd1', ...PROTO_NAMES, 'a\uD800', '\uDC00b', 'x\uD83D\uDE00', '']);
  const date = () => new Date(Date.UTC(2020, r.int(0, 11), r.int(1, 28), r.int(0, 23))).toISOString();
  const room = () => {
    const room = { t: r.pick(['l', 'l', 'l', 'c']), ts: r.chance(0.9) ? date() : r.pick([null, 'soon', 5, {}]) };
    if (r.chance(0.8)) room._id = r.chance(0.7) ? `r${r.int(0, 40)}` : text();
    if (r.chance(0.8)) room.departmentId = r.chance(0.5) ? `d${r.int(0, 5)}` : text();
    if (r.chance(0.5)) room.open = r.pick([true, true, false, 1, null]);
    if (r.chance(0.5)) room._updatedAt = r.int(0, 50);
    if (r.chance(0.3)) room.department = { _id: room.departmentId, name: text() };
    return room;
  };
  const departments = () => Array.from({ length: r.int(0, 6) }, (_, i) => ({ _id: r.chance(0.7) ? `d${i}` : text(), name: text() }));
  const detach = (bytes) => {
    structuredClone(bytes.buffer, { transfer: [bytes.buffer] });
    return bytes;
  };
  const bytes = (value) => new TextEncoder().encode(JSON.stringify(value));
  const damaged = (b) => {
    const out = b.slice(0, r.int(0, b.length));
    if (out.length && r.chance(0.5)) out[r.int(0, out.length - 1)] = r.int(0, 255);
    return out;
  };
  const input = (make) => {
    const value = make();
    switch (r.int(0, 6)) {
      case 0: return value;
      case 1: return JSON.stringify(value);
      case 2: return bytes(value);
      case 3: return detach(bytes(value));
      case 4: return damaged(bytes(value));
      case 5: return JSON.stringify(value).replace(/"/, '"\\ud800');
      default: return r.pick([null, 5, {}, 'x', new ArrayBuffer(3), detach(new Uint8Array(4)).buffer]);
    }
  };
  const ids = () => Array.from({ length: r.int(0, 5) }, () => (r.chance(0.9) ? (r.chance(0.5) ? `r${r.int(0, 40)}` : text()) : r.pick([5, null, {}])));
  const params = () => {
    const p = { start: r.pick(['2020-01-01', '2020-06-01', 'nope', '']), end: r.pick(['2021-01-01', '2020-07-01T00:00:00Z', '2019']) };
    if (r.chance(0.3)) p.departmentId = r.pick(['d1', ...PROTO_NAMES, 'a\uD800']);
    return p;
  };
  const isTrap = (error) => error instanceof WebAssembly.RuntimeError || /unreachable|memory access out of bounds|borrowed|recursive use/i.test(String(error?.message));
  const ownBody = (body, where) => {
    if (typeof body !== 'object' || body === null) throw new Error(`${where}: not a body`);
    for (const key of Object.keys(body)) {
      const d = Object.getOwnPropertyDescriptor(body, key);
      if (!d || !('value' in d)) throw new Error(`${where}: ${key} is not an own data property`);
    }
    if (!Object.hasOwn(body, 'success')) throw new Error(`${where}: no own success`);
  };
  const P = { start: '2020-01-01', end: '2021-01-01' };
  const state = (index) => `${index.size}|${JSON.stringify(index.query(P))}|${JSON.stringify(index.series(P, { bucket: 'week' }))}`;

  let index = new ChatIndex(r.chance(0.5) ? departments() : null, { timeZone: 'UTC' });
  for (let step = 0; step < steps; step++) {
    const before = state(index);
    const op = r.pick(['add', 'add', 'add', 'remove', 'retain', 'setDepartments', 'query', 'counts', 'series', 'snapshot', 'stream', 'oneShot']);
    const where = `seed ${seed} step ${step} (${op})`;
    counts.calls++;
    try {
      if (op === 'add') index.add(input(() => Array.from({ length: r.int(0, 6) }, room)));
      else if (op === 'remove') index.remove(ids());
      else if (op === 'retain') index.retain(ids());
      else if (op === 'setDepartments') index.setDepartments(input(departments));
      else if (op === 'query') ownBody(index.query(params()), where);
      else if (op === 'counts') {
        // Hostile or not, the arguments: `query`'s counts or a clear refusal.
        const time = () => r.pick([Date.UTC(2020, r.int(0, 11)), Date.UTC(2021, 0), NaN, 9e15, '2020', -0, 1.5]);
        const names = index.chartNames();
        const out = r.chance(0.8) ? new Float64Array(2 * names.length + r.int(-1, 2)) : r.pick([null, [], new Float32Array(8)]);
        const answer = index.countsInto(time(), time(), out, r.chance(0.7) ? undefined : r.pick(['d1', '', 5, ...PROTO_NAMES]));
        if (answer !== null) ownBody(answer, where);
      }
      else if (op === 'series') {
        const series = index.series(params(), { bucket: r.pick(['day', 'week']) });
        if (series.success) series.buckets.forEach((b) => ownBody(b.body, where));
        else ownBody(series, where);
      } else if (op === 'snapshot') {
        const saved = index.toBytes();
        const next = ChatIndex.fromBytes(r.chance(0.5) ? saved : r.chance(0.5) ? damaged(saved) : detach(saved.slice()), { timeZone: 'UTC' });
        if (state(next) !== before) throw new Error(`${where}: a snapshot came back different`);
        index.free();
        index = next;
      } else if (op === 'stream') {
        const json = new TextEncoder().encode(JSON.stringify(Array.from({ length: r.int(0, 6) }, room)));
        const cut = r.int(0, json.length);
        const chunks = [json.slice(0, cut), json.slice(cut)];
        if (r.chance(0.3)) detach(chunks[r.int(0, 1)]);
        await index.addStream(new ReadableStream({ start(c) { chunks.forEach((chunk) => c.enqueue(chunk)); c.close(); } }));
      } else {
        ownBody(chatsPerDepartment(input(() => Array.from({ length: r.int(0, 6) }, room)), r.chance(0.5) ? input(departments) : null, params()), where);
      }
    } catch (error) {
      if (isTrap(error)) throw new Error(`${where}: trapped: ${error.message}`);
      counts.refused++;
      if (state(index) !== before) throw new Error(`${where}: threw (${error.message}) and changed the index`);
    }
  }
  index.free();
  const body = chatsPerDepartment([{ t: 'l', open: true, departmentId: 'd', ts: '2020-05-01T00:00:00Z' }], [{ _id: 'd', name: 'toString' }], P);
  if (JSON.stringify(body) !== '{"toString":{"open":1,"closed":0},"success":true}') throw new Error(`after seed ${seed}: the module answers ${JSON.stringify(body)}`);
  return counts;
}
