// The JavaScript half of reading the caller's values (answers.js builds
// what wasm hands back). Every access to a
// caller's object (property reads, getters, Proxy traps, `length`,
// `instanceof`) happens here, inside try/catch, so that no JavaScript
// exception ever unwinds through wasm frames (it would leave wasm's stack
// pointer and any borrowed state behind). Wasm only ever reads the plain
// values built here: typed arrays, strings, numbers and arrays of them.
//
// It decides nothing: whether a room is open, closed or neither, its body
// key, and what a date means are decided in Rust (records/room.rs
// `classify`, records/department.rs `body_key`, server/date_parse.rs).
// `raw` is the one conversion of a value into the kinds Rust's `Field`
// knows; `extractRooms` is a faster column pass for the common shapes.

import { isUint8Array } from './values.js';

// `raw(value)` tags, read by convert.rs `field` (declared in protocol.rs).
const ABSENT = 0;
const NULL = 1;
const BOOL = 2;
const NUMBER = 3;
const STRING = 4;
const DATE = 5;
const ARRAY = 6;
const OBJECT = 7;
const EXTENDED_DATE = 8;
const NUMBER_LONG = 9;
const OBJECT_ID = 10;
/** `{$date: {$date: …}}` deeper than this is refused, not recursed into. */
const MAX_DEPTH = 32;

/** convert.rs `MAX_JSON_BYTES`: the most JSON one call copies into wasm. */
const MAX_JSON_BYTES = 2 ** 30;

class TooDeep extends Error {}

// A lone surrogate (half of a UTF-16 pair) has no UTF-8 form: crossing
// into Rust it would become U+FFFD, so two different names could merge and
// two different ids collide. MongoDB cannot store one either, so such
// strings are refused, naming the field.
class LoneSurrogate extends Error {}
const wellFormed = typeof String.prototype.isWellFormed === 'function'
  ? (text) => text.isWellFormed()
  : (text) => !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(text);
// Brand checks, not `instanceof`: a Date or a Uint8Array made in another
// realm (an iframe; a stream's chunks in Firefox under WebDriver) is still
// one. Both read internal slots, so they run no caller code.
function isDate(v) {
  try {
    Date.prototype.getTime.call(v);
    return true;
  } catch {
    return false;
  }
}

function wellFormedText(text) {
  if (!wellFormed(text)) throw new LoneSurrogate();
  return text;
}

/**
 * A value as Rust's `Field` sees it: `[tag]` or `[tag, payload]`. Extended
 * JSON wrappers (`{$date}`, `{$numberLong}`, `{$oid}`, exactly one key)
 * are recognised; other objects and arrays are opaque.
 */
export function raw(value, depth = 0) {
  if (value === undefined) return [ABSENT];
  if (value === null) return [NULL];
  switch (typeof value) {
    case 'boolean': return [BOOL, value];
    case 'number': return [NUMBER, value];
    case 'string': return [STRING, wellFormedText(value)];
    case 'object': break;
    default: return [OBJECT];
  }
  if (isDate(value)) return [DATE, Date.prototype.getTime.call(value)];
  if (Array.isArray(value)) return [ARRAY];
  const keys = Object.keys(value);
  if (keys.length !== 1) return [OBJECT];
  const inner = value[keys[0]];
  switch (keys[0]) {
    case '$date':
      if (depth >= MAX_DEPTH) throw new TooDeep();
      return [EXTENDED_DATE, raw(inner, depth + 1)];
    case '$numberLong': return typeof inner === 'string' ? [NUMBER_LONG, wellFormedText(inner)] : [OBJECT];
    case '$oid': return typeof inner === 'string' ? [OBJECT_ID, wellFormedText(inner)] : [OBJECT];
    default: return [OBJECT];
  }
}

/** What went wrong reading `path`: a plain object wasm turns into a message. */
function failure(path, error) {
  if (error instanceof TooDeep) return { failed: path, problem: `is nested more than ${MAX_DEPTH} levels deep` };
  if (error instanceof LoneSurrogate) return { failed: path, problem: 'contains a lone surrogate (half of a UTF-16 pair), which has no UTF-8 form and which MongoDB cannot store' };
  let text;
  try {
    text = String(error);
  } catch {
    text = 'an exception';
  }
  return { failed: path, problem: `could not be read: reading it threw ${text}` };
}

/** The array of records in `value` (itself, or `value[key]`), or `undefined`. */
function recordsOf(value, key) {
  if (Array.isArray(value)) return value;
  if (typeof value === 'object' && value !== null && Array.isArray(value[key])) return value[key];
  return undefined;
}

/** JSON given as text or bytes: `{ json }`, else `undefined`. */
function jsonOf(value) {
  // A string whose UTF-8 could pass 1 GiB is not copied into wasm to find out.
  if (typeof value === 'string' && value.length > MAX_JSON_BYTES / 3) return { tooLarge: value.length };
  if (typeof value === 'string') return { json: wellFormedText(value) };
  // Nor bytes past 1 GiB (whose length may not even fit the u32 wasm reads).
  if (isUint8Array(value)) return value.length > MAX_JSON_BYTES ? { tooLarge: value.length } : { json: value };
  return undefined;
}

/**
 * The `rooms` argument: `{ json }`, the columns of `extractRooms`,
 * `{ exact: [[_id, _updatedAt, t, open, departmentId, ts, department], …] }`
 * (each a `raw` value; `department` is `null` or `[_id, name]`), `{ shape:
 * true }` when it is no kind of rooms input, `{ notObject: index }`, or
 * `{ failed, problem }`.
 */
export function readRooms(value, exactOnly = false) {
  let path = 'rooms';
  try {
    const json = jsonOf(value);
    if (json) return json;
    const rooms = recordsOf(value, 'rooms');
    if (!rooms) return { shape: true };
    let columns = null;
    try {
      if (!exactOnly) columns = extractRooms(rooms);
    } catch {
      // The exact pass below meets the same exception and names the field.
    }
    if (columns) return columns;
    const exact = [];
    for (let i = 0; i < rooms.length; i++) {
      path = `rooms[${i}]`;
      const room = rooms[i];
      if (typeof room !== 'object' || room === null || Array.isArray(room)) return { notObject: i };
      const fields = [];
      for (const key of ['_id', '_updatedAt', 't', 'open', 'departmentId', 'ts']) {
        path = `rooms[${i}].${key}`;
        fields.push(raw(room[key]));
      }
      path = `rooms[${i}].department`;
      fields.push(departmentOf(room.department, path, (p) => (path = p)));
      exact.push(fields);
    }
    return { exact };
  } catch (error) {
    return failure(path, error);
  }
}

/** `[raw(_id), raw(name)]` of an object; `null` for anything else. `track` follows the path read. */
function departmentOf(value, at, track) {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  track(`${at}._id`);
  const id = raw(value._id);
  track(`${at}.name`);
  return [id, raw(value.name)];
}

/** `readRooms` without the column pass: every room field by field. */
export function readRoomsExact(value) {
  return readRooms(value, true);
}

/**
 * The `departments` argument: `{ none: true }` for null or undefined,
 * `{ json }`, `{ records: [[_id, name], …] }`, `{ shape: true }`,
 * `{ notObject: index }` or `{ failed, problem }`.
 */
export function readDepartments(value) {
  let path = 'departments';
  try {
    if (value === null || value === undefined) return { none: true };
    const json = jsonOf(value);
    if (json) return json;
    const list = recordsOf(value, 'departments');
    if (!list) return { shape: true };
    const records = [];
    for (let i = 0; i < list.length; i++) {
      path = `departments[${i}]`;
      const department = departmentOf(list[i], path, (p) => (path = p));
      if (!department) return { notObject: i };
      records.push(department);
    }
    return { records };
  } catch (error) {
    return failure(path, error);
  }
}

/**
 * The `params` argument: `{ pairs: [[key, raw], …] }` (own enumerable
 * string keys, in order), `{ notObject: true }`, or `{ failed, problem }`;
 * or, in the common case (a dashboard's re-query: only the endpoint's
 * keys, each a well-formed string without U+0000), one string
 * `key\0value\0key\0value…`, so that the query crosses the boundary in a
 * single string.
 */
export function readParams(value) {
  let path = 'params';
  try {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return { notObject: true };
    const keys = Object.keys(value);
    // Each value is read once, whichever way it goes.
    let simple = keys.length <= 3 ? '' : undefined;
    let read = [];
    for (const key of keys) {
      path = `params.${key}`;
      const field = value[key];
      read.push(key, field);
      if (simple !== undefined && (key === 'start' || key === 'end' || key === 'departmentId') && typeof field === 'string'
        && !field.includes('\0') && wellFormed(field)) {
        simple += `${simple ? '\0' : ''}${key}\0${field}`;
        continue;
      }
      simple = undefined;
    }
    if (simple !== undefined) return simple;
    const pairs = [];
    for (let i = 0; i < read.length; i += 2) {
      path = `params.${read[i]}`;
      pairs.push([read[i], raw(read[i + 1])]);
    }
    return { pairs };
  } catch (error) {
    return failure(path, error);
  }
}

/** The ids of `remove`/`retain`/`retainCreated`: `{ ids }`, `{ notArray: true }`, `{ notString: index }` or `{ failed, problem }`. */
export function readIds(value) {
  let path = 'ids';
  try {
    if (!Array.isArray(value)) return { notArray: true };
    const ids = [];
    for (let i = 0; i < value.length; i++) {
      path = `ids[${i}]`;
      const id = value[i];
      if (typeof id !== 'string') return { notString: i };
      // The rule `add` applies: a lone surrogate would reach Rust as U+FFFD
      // and name another room.
      ids.push(wellFormedText(id));
    }
    return { ids };
  } catch (error) {
    return failure(path, error);
  }
}

// Facts per room, one byte: bit 0 `t === "l"`; bits 1-2 `open` (0 absent,
// 1 true, 2 anything else); bits 3-4 `ts` and bits 5-6 `_updatedAt`
// (0 absent or null, 1 milliseconds, 2 text); bit 7 `_id` present.
// Declared with the tags above in src/bindings/protocol.rs (the Rust side);
// tests/boundary/protocol.test.mjs holds the two equal.
const LIVECHAT = 1;
const OPEN_TRUE = 1 << 1;
const OPEN_OTHER = 2 << 1;
const TS_SHIFT = 3;
const UPDATED_SHIFT = 5;
const HAS_ID = 1 << 7;
const DATE_MS = 1;
const DATE_TEXT = 2;
// A room's department in the department column, else an index into departmentIds.
const DEPARTMENT_ABSENT = -2;
const DEPARTMENT_NULL = -1;
const BAIL = -1;

/**
 * Reads a date field into `ms[i]` or `texts`: the code of what it held, or
 * BAIL for anything the exact path must judge.
 */
function readDate(value, ms, i, texts) {
  let v = value;
  if (typeof v === 'object' && v !== null && !isDate(v)) {
    if (Array.isArray(v)) return BAIL;
    const keys = Object.keys(v);
    if (keys.length !== 1 || keys[0] !== '$date') return BAIL;
    v = v.$date;
    if (v === null || v === undefined) return BAIL;
    if (typeof v === 'object' && !isDate(v)) {
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
  if (typeof v === 'object' && isDate(v)) {
    ms[i] = Date.prototype.getTime.call(v);
    return DATE_MS;
  }
  if (typeof v === 'string' && !v.includes('\0') && wellFormed(v)) {
    texts.push(v);
    return DATE_TEXT;
  }
  return BAIL;
}

/** The common shapes as columns, or null for anything the exact path must read. */
function extractRooms(rooms) {
  const n = rooms.length;
  const facts = new Uint8Array(n);
  const department = new Int32Array(n);
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
    if (d === undefined) department[i] = DEPARTMENT_ABSENT;
    else if (d === null) department[i] = DEPARTMENT_NULL;
    else if (typeof d === 'string') {
      if (!wellFormed(d)) return null;
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
    if (typeof id === 'string' && !id.includes('\0') && wellFormed(id)) {
      ids.push(id);
      f |= HAS_ID;
    } else if (id !== undefined) return null;
    facts[i] = f;
    const e = room.department;
    if (typeof e === 'object' && e !== null && !Array.isArray(e)) {
      const id = e._id;
      const name = e.name;
      if (typeof id !== 'string' || !(name === undefined || name === null || typeof name === 'string')) return null;
      if (!wellFormed(id) || (typeof name === 'string' && !wellFormed(name))) return null;
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

/**
 * A snapshot's bytes: the Uint8Array itself (any realm), a view of an
 * ArrayBuffer, `undefined` for anything else (convert.rs says what it was,
 * with values.js's `describe`), or, past 1 GiB, its length (a number: no
 * snapshot is that large, and the length may not fit a u32).
 */
export function snapshotBytes(value) {
  let bytes;
  if (isUint8Array(value)) bytes = value;
  else {
    try {
      // Brand check for an ArrayBuffer (throws for anything else).
      Object.getOwnPropertyDescriptor(ArrayBuffer.prototype, 'byteLength').get.call(value);
      bytes = new Uint8Array(value);
    } catch {
      return undefined;
    }
  }
  return bytes.length > MAX_JSON_BYTES ? bytes.length : bytes;
}
