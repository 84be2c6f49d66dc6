// The JavaScript half of reading room objects: one plain pass that hands the
// raw facts the chart reads to wasm as typed arrays, instead of one boundary
// crossing per field. It decides nothing: whether a room is open, closed or
// neither, its body key, and what a date means are decided in Rust
// (records/room.rs `classify`, records/department.rs `body_key`,
// server/date_parse.rs). It returns null for anything unusual, and the
// caller then reads the objects field by field, the exact path.

// Facts per room, one byte: bit 0 `t === "l"`; bits 1-2 `open` (0 absent,
// 1 true, 2 anything else); bits 3-4 `ts` and bits 5-6 `_updatedAt`
// (0 absent or null, 1 milliseconds, 2 text); bit 7 `_id` present.
const LIVECHAT = 1;
const OPEN_TRUE = 1 << 1;
const OPEN_OTHER = 2 << 1;
const TS_SHIFT = 3;
const UPDATED_SHIFT = 5;
const HAS_ID = 1 << 7;
const DATE_MS = 1;
const DATE_TEXT = 2;
const BAIL = -1;

/**
 * Reads a date field into `ms[i]` or `texts`: the code of what it held, or
 * BAIL for anything the exact path must judge.
 */
function readDate(value, ms, i, texts) {
  let v = value;
  if (typeof v === 'object' && v !== null && !(v instanceof Date)) {
    if (Array.isArray(v)) return BAIL;
    const keys = Object.keys(v);
    if (keys.length !== 1 || keys[0] !== '$date') return BAIL;
    v = v.$date;
    if (v === null || v === undefined) return BAIL;
    if (typeof v === 'object' && !(v instanceof Date)) {
      const inner = Object.keys(v);
      if (inner.length !== 1 || inner[0] !== '$numberLong' || typeof v.$numberLong !== 'string' || !/^-?[0-9]{1,17}$/.test(v.$numberLong)) return BAIL;
      v = Number(v.$numberLong);
    }
  }
  if (v === undefined || v === null) return 0;
  if (typeof v === 'number') {
    ms[i] = v;
    return DATE_MS;
  }
  if (v instanceof Date) {
    ms[i] = v.getTime();
    return DATE_MS;
  }
  if (typeof v === 'string' && !v.includes('\0')) {
    texts.push(v);
    return DATE_TEXT;
  }
  return BAIL;
}

export function extractRooms(rooms) {
  const n = rooms.length;
  const facts = new Uint8Array(n);
  const department = new Int32Array(n); // -2 absent, -1 null, else index into departmentIds
  const ts = new Float64Array(n);
  const updatedAt = new Float64Array(n);
  const departmentIds = [];
  const departmentIndex = new Map();
  const tsTexts = [];
  const updatedTexts = [];
  const ids = [];
  const embedded = []; // [id, name] per first mention; name stays undefined, null or a string
  const named = new Set();
  for (let i = 0; i < n; i++) {
    const room = rooms[i];
    if (typeof room !== 'object' || room === null || Array.isArray(room)) return null;
    const t = room.t;
    const open = room.open;
    if (Array.isArray(t) || Array.isArray(open)) return null;
    let f = t === 'l' ? LIVECHAT : 0;
    if (open === true) f |= OPEN_TRUE;
    else if (open !== undefined) f |= OPEN_OTHER;
    const d = room.departmentId;
    if (d === undefined) department[i] = -2;
    else if (d === null) department[i] = -1;
    else if (typeof d === 'string') {
      let at = departmentIndex.get(d);
      if (at === undefined) {
        at = departmentIds.length;
        departmentIds.push(d);
        departmentIndex.set(d, at);
      }
      department[i] = at;
    } else return null;
    const tsCode = readDate(room.ts, ts, i, tsTexts);
    const updatedCode = readDate(room._updatedAt, updatedAt, i, updatedTexts);
    if (tsCode === BAIL || updatedCode === BAIL) return null;
    f |= (tsCode << TS_SHIFT) | (updatedCode << UPDATED_SHIFT);
    const id = room._id;
    if (typeof id === 'string' && !id.includes('\0')) {
      ids.push(id);
      f |= HAS_ID;
    } else if (id !== undefined) return null;
    facts[i] = f;
    const e = room.department;
    if (typeof e === 'object' && e !== null && !Array.isArray(e)) {
      const id = e._id;
      const name = e.name;
      if (typeof id !== 'string' || !(name === undefined || name === null || typeof name === 'string')) return null;
      if (!named.has(id)) {
        named.add(id);
        embedded.push(id, name);
      }
    }
  }
  return {
    facts,
    department,
    ts,
    updatedAt,
    departmentIds,
    tsTexts: tsTexts.join('\0'),
    updatedTexts: updatedTexts.join('\0'),
    ids: ids.join('\0'),
    embedded,
  };
}

// Builds a chart body from names and [open, closed] pairs: the object
// JSON.parse would make from the body's JSON text (own data properties,
// JavaScript's key order, `success` assigned last), without the text.
export function chartBody(names, counts) {
  const body = {};
  for (let i = 0; i < names.length; i++) {
    const open = counts[2 * i];
    const closed = counts[2 * i + 1];
    if (open + closed === 0) continue;
    const value = { open, closed };
    // `body.__proto__ = …` would set the prototype; every other name is a
    // plain assignment (the fast path).
    if (names[i] === '__proto__') Object.defineProperty(body, '__proto__', { value, enumerable: true, writable: true, configurable: true });
    else body[names[i]] = value;
  }
  body.success = true;
  return body;
}

// A chart body's departments as [name, counts] pairs, in body order: every
// own key whose value is a counts object (`success: true` is not one).
export function departmentEntries(body) {
  if (typeof body !== 'object' || body === null || body.success !== true) {
    throw new TypeError('departmentEntries(body): body must be a chart body ({ ..., success: true })');
  }
  const entries = [];
  for (const name of Object.keys(body)) {
    const value = body[name];
    if (typeof value === 'object' && value !== null) entries.push([name, value]);
  }
  return entries;
}
