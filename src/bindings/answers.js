// The JavaScript half of answering: the bodies and records wasm hands
// back, built as JSON.parse would build them (read.js reads the caller's
// values).

// The body keys as internalized strings (a string used as a computed key
// in a literal is internalized; `Object.keys` hands that string back),
// made once per names array (the bindings keep one per grouping).
const internedNames = new WeakMap();
function keyNames(names) {
  let keys = internedNames.get(names);
  if (!keys) {
    internedNames.set(names, (keys = names.map((name) => Object.keys({ [name]: 0 })[0])));
    // Names that `Object.prototype` holds (`toString`, `constructor`,
    // `__proto__`, …): assigning one would reach the inherited property,
    // which a hardened page has frozen (then the assignment is dropped, or
    // throws in strict code), so these are defined instead.
    keys.inherited = keys.map((key) => key in Object.prototype);
    // One object with every key, in order, made by `defineProperty`: V8
    // then builds each later body along these transitions about twice as
    // fast (bench/query-parts.mjs measures it). The transitions a plain `body[key] = value`
    // creates first are ones its generic keyed store cannot follow
    // quickly.
    const primer = {};
    for (const key of keys) Object.defineProperty(primer, key, { value: null, enumerable: true, writable: true, configurable: true });
  }
  return keys;
}

// Whether `success` is inherited from `Object.prototype` (a polluted one):
// then it is defined on each body, as the department names that are.
const SUCCESS_INHERITED = 'success' in Object.prototype;

// Builds a chart body from names and [open, closed] pairs: the object
// JSON.parse would make from the body's JSON text (own data properties,
// JavaScript's key order, `success` assigned last), without the text.
//
// Keys go through `keyNames`: a key that is not an internalized string
// makes V8 look it up on every store (0.9 µs for 20 departments instead of
// 0.4).
export function chartBody(names, counts) {
  names = keyNames(names);
  const body = {};
  for (let i = 0; i < names.length; i++) {
    const open = counts[2 * i];
    const closed = counts[2 * i + 1];
    if (open + closed === 0) continue;
    const value = { open, closed };
    // A name `Object.prototype` holds is defined (see `keyNames`); every
    // other name is a plain assignment (the fast path).
    if (names.inherited[i]) Object.defineProperty(body, names[i], { value, enumerable: true, writable: true, configurable: true });
    else body[names[i]] = value;
  }
  if (SUCCESS_INHERITED) Object.defineProperty(body, 'success', { value: true, enumerable: true, writable: true, configurable: true });
  else body.success = true;
  return body;
}

// A series from the core's spans (`[start, end]` pairs, ms) and cells
// (`[bucket, group, open, closed]` for each bucket and group with chats,
// by group and then by bucket): each bucket's bounds as the ISO strings a
// chart request would send, the milliseconds beside them, and its chart
// body built as `chartBody` builds a query's (keys in group order, then
// `success`).
export function seriesBody(names, bounds, cells) {
  names = keyNames(names);
  const buckets = [];
  for (let k = 0; k < bounds.length / 2; k++) {
    const [start, end] = [bounds[2 * k], bounds[2 * k + 1]];
    buckets.push({ start: new Date(start).toISOString(), end: new Date(end).toISOString(), startMs: start, endMs: end, body: {} });
  }
  for (let i = 0; i < cells.length; i += 4) {
    const body = buckets[cells[i]].body;
    const g = cells[i + 1];
    const value = { open: cells[i + 2], closed: cells[i + 3] };
    if (names.inherited[g]) Object.defineProperty(body, names[g], { value, enumerable: true, writable: true, configurable: true });
    else body[names[g]] = value;
  }
  for (const { body } of buckets) {
    if (SUCCESS_INHERITED) Object.defineProperty(body, 'success', { value: true, enumerable: true, writable: true, configurable: true });
    else body.success = true;
  }
  return { buckets, success: true };
}

// `{ _id, name }` of a department, for `index.departments()`.
export function departmentRecord(id, name) {
  return { _id: id, name };
}

// `{ first, last }` for `index.timeRange()`.
export function timeRange(first, last) {
  return { first, last };
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
