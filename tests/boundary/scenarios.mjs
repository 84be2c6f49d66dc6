// Hostile callers at the JavaScript boundary, run unchanged in Node and in
// Chromium: getters and Proxy traps that throw, revoked proxies, values
// nested thousands of levels deep, calls back into an index from a getter.
// A JavaScript exception unwinding through wasm frames leaves wasm's stack
// pointer behind (about 1,500 such calls killed the instance before); here
// 100,000 of them must leave every function working and every answer exact.
//
// `run(lib)` takes the package's exports (after init) and throws an Error
// naming the first scenario that failed; it returns what it checked.

const P = { start: '2020-01-01', end: '2021-01-01' };
const GOOD = [
  { _id: 'a', t: 'l', open: true, departmentId: 'd', ts: '2020-05-01T00:00:00Z' },
  { _id: 'b', t: 'l', departmentId: 'd', ts: '2020-05-02T00:00:00Z' },
];
const DEPARTMENTS = [{ _id: 'd', name: 'Sales' }];
const EXPECTED = '{"Sales":{"open":1,"closed":1},"success":true}';

function check(condition, what) {
  if (!condition) throw new Error(`boundary: ${what}`);
}

const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);
const describeForTest = (value) => (value === null ? 'null' : typeof value === 'object' ? value.constructor.name : typeof value);

/** `{$date: {$date: … value …}}`, `depth` levels deep. */
function nested(depth, value) {
  let v = value;
  for (let i = 0; i < depth; i++) v = { $date: v };
  return v;
}

/** The values dateParse is given in scenario 5; V8's Date.parse of their String() under TZ=UTC is the oracle. */
export const NON_STRINGS = () => [5, new Date(0), {}, true, null, undefined, [2020, 1], { toString: () => '2020-05-01' }];

// `v8Utc`: V8's Date.parse of each String(NON_STRINGS()[i]) under TZ=UTC (null for NaN), computed in
// Node by the caller. Without it (V8 engines only), the host's Date.parse stands in, weakly.
export async function run({ chatsPerDepartment, chatsPerDepartmentJson, ChatIndex, dateParse }, { throws = 100_000, v8Utc } = {}) {
  const checked = [];
  const thrower = () => {
    throw new Error('boom');
  };

  // 1. Throwing getters, many times over: an error body each time, naming the field.
  const hostile = [{ _id: 'x', get t() { return thrower(); } }];
  let body;
  for (let i = 0; i < throws; i++) body = chatsPerDepartment(hostile, DEPARTMENTS, P);
  check(body.success === false && /^rooms\[0\]\.t could not be read: reading it threw Error: boom/.test(body.error), `a throwing getter gives an error body: ${JSON.stringify(body)}`);
  check(chatsPerDepartmentJson(GOOD, DEPARTMENTS, P) === EXPECTED, 'a correct body after many throwing getters');
  checked.push(`${throws} throwing getters`);

  // 2. Proxies whose traps throw, and revoked proxies, in every argument.
  const throwingLength = new Proxy([], { get: (t, k) => (k === 'length' ? thrower() : Reflect.get(t, k)) });
  const { proxy: revoked, revoke } = Proxy.revocable({}, {});
  revoke();
  for (const rooms of [throwingLength, revoked, { get rooms() { return thrower(); } }]) {
    const b = chatsPerDepartment(rooms, DEPARTMENTS, P);
    check(b.success === false && /^rooms could not be read/.test(b.error), `rooms proxy: ${JSON.stringify(b)}`);
  }
  for (const departments of [throwingLength, revoked, [{ get _id() { return thrower(); } }]]) {
    const b = chatsPerDepartment(GOOD, departments, P);
    check(b.success === false && /^departments(\[0\]\._id)? could not be read/.test(b.error), `departments proxy: ${JSON.stringify(b)}`);
  }
  for (const params of [new Proxy({}, { ownKeys: thrower }), revoked, { get start() { return thrower(); }, end: '2021' }]) {
    let error;
    try {
      chatsPerDepartment(GOOD, DEPARTMENTS, params);
    } catch (e) {
      error = e;
    }
    check(error instanceof TypeError && /^params(\.start)? could not be read/.test(error.message), `params proxy: ${error}`);
  }
  // A params getter is read once and named when it throws, whether the
  // params take the one-step path (only the endpoint's keys as strings) or not.
  let reads = 0;
  const counted = { get start() { reads++; return 5; }, end: '2021' };
  chatsPerDepartment(GOOD, DEPARTMENTS, counted);
  check(reads === 1, `a params getter is read once (${reads} reads)`);
  try {
    chatsPerDepartment(GOOD, DEPARTMENTS, { end: '2021', get start() { return thrower(); } });
  } catch (e) {
    reads = e;
  }
  check(reads instanceof TypeError && /^params\.start could not be read/.test(reads.message), `a throwing params getter is named: ${reads}`);
  checked.push('throwing and revoked proxies in rooms, departments and params');

  // 3. Deep nesting: a clear error body, no stack overflow.
  for (const [rooms, departments, where] of [
    [[{ t: 'l', departmentId: 'd', ts: nested(5500, '2020-05-01T00:00:00Z') }], DEPARTMENTS, 'rooms[0].ts'],
    [GOOD, [{ _id: nested(5500, 'd'), name: 'Sales' }], 'departments[0]'],
    [[{ t: 'l', departmentId: 'd', ts: '2020-05-01T00:00:00Z', department: { _id: nested(5500, 'd') } }], null, 'rooms[0].department'],
  ]) {
    for (let i = 0; i < 5; i++) {
      const b = chatsPerDepartment(rooms, departments, P);
      check(b.success === false && b.error.startsWith(where) && /nested more than 32 levels deep/.test(b.error), `deep ${where}: ${JSON.stringify(b)}`);
    }
  }
  const shallow = [{ t: 'l', departmentId: 'd', ts: nested(1, '2020-05-01T00:00:00Z') }];
  check(chatsPerDepartment(shallow, DEPARTMENTS, P).Sales?.closed === 1, 'Extended JSON {$date} still reads');
  checked.push('5,500-level nesting in ts, departments[0]._id, rooms[0].department._id');

  // 4. A ChatIndex survives throwing getters and calls back into itself.
  const index = new ChatIndex(DEPARTMENTS, { timeZone: 'UTC' });
  index.add(GOOD);
  for (let i = 0; i < 1000; i++) {
    let error;
    try {
      index.add(hostile);
    } catch (e) {
      error = e;
    }
    check(error?.body?.success === false && /rooms\[0\]\.t could not be read/.test(error.body.error), `index.add with a throwing getter: ${error}`);
  }
  check(index.queryJson(P) === EXPECTED, 'the index is unchanged and usable after failed adds');
  const reentrant = [{ _id: 'c', get t() { index.query(P); index.add([{ _id: 'e', t: 'l', departmentId: 'd', ts: '2020-06-01T00:00:00Z' }]); return 'l'; }, departmentId: 'd', ts: '2020-05-03T00:00:00Z' }];
  index.add(reentrant);
  check(index.size === 4 && index.query(P).Sales.closed === 3, `a getter calling back into the index: size ${index.size}`);
  const params = { get start() { index.remove(['e']); return '2020-01-01'; }, end: '2021-01-01' };
  check(index.query(params).Sales.closed === 2, 'a params getter calling back into the index');
  for (const [n, ids] of [throwingLength, revoked, ['a', 5]].entries()) {
    let error;
    try {
      index.remove(ids);
    } catch (e) {
      error = e;
    }
    check(error instanceof TypeError && /^remove\(ids\)/.test(error.message), `bad ids #${n}: a TypeError, not ${error}`);
  }
  check(index.size === 3, 'failed removes change nothing');
  index.free();
  checked.push('ChatIndex: 1,000 throwing adds, re-entrant getters, bad ids');

  // 5. dateParse converts its argument as V8's Date.parse does.
  for (const [i, value] of NON_STRINGS().entries()) {
    const got = dateParse(value, { timeZone: 'UTC' });
    if (v8Utc) {
      check(v8Utc[i] === null ? Number.isNaN(got) : got === v8Utc[i], `dateParse(${String(value)}) = ${got}, V8 says ${v8Utc[i]}`);
    } else {
      // The host's Date.parse speaks for V8 only in V8 engines, and in the host's zone: compare validity.
      const want = Date.parse(String(value));
      check(Number.isNaN(want) ? Number.isNaN(got) : typeof got === 'number', `dateParse(${String(value)}) = ${got}`);
    }
  }
  let threw;
  try {
    dateParse({ toString: thrower });
  } catch (e) {
    threw = e;
  }
  check(threw?.message === 'boom', `dateParse's ToString may throw, as V8's does: ${threw}`);
  checked.push('dateParse of non-strings');

  // 6. addStream: every outcome settles, with an Error that says what happened; the stream is cancelled.
  const rejection = async (promise) => {
    try {
      await promise;
    } catch (e) {
      return e;
    }
    return undefined;
  };
  const streaming = new ChatIndex(DEPARTMENTS, { timeZone: 'UTC' });
  for (const [stream, type, text] of [[null, TypeError, /stream is null \(a Response without a body\?\); nothing was added$/], [{}, TypeError, /not an Object$/], [new Uint8Array(), TypeError, /not a Uint8Array$/], [undefined, TypeError, /not undefined$/]]) {
    const error = await rejection(streaming.addStream(stream));
    check(error instanceof type && text.test(error.message), `addStream(${describeForTest(stream)}): ${error}`);
  }
  let cancelled = false;
  const chunks = (list) => new ReadableStream({ pull(c) { if (list.length) c.enqueue(list.shift()); else c.close(); }, cancel() { cancelled = true; } });
  // An endless stream (spaces after the two chunks): only a cancel stops it.
  const endless = (list) => new ReadableStream({ pull(c) { c.enqueue(list.length ? list.shift() : new Uint8Array([32])); }, cancel() { cancelled = true; } });
  let error = await rejection(streaming.addStream(endless([new TextEncoder().encode('['), 'a string chunk'])));
  check(error instanceof TypeError && error.message === 'addStream: chunk 1 is a string, not a Uint8Array' && cancelled, `a string chunk: ${error}, cancelled ${cancelled}`);
  cancelled = false;
  error = await rejection(streaming.addStream(chunks([new TextEncoder().encode('[{"t":5}')])));
  check(error?.body?.success === false && cancelled === false, `bad data in a stream: ${error}`); // read to its end: nothing left to cancel
  error = await rejection(streaming.addStream(new ReadableStream({ pull(c) { c.error(undefined); } })));
  check(error instanceof Error && error.message === 'addStream: the stream failed: undefined', `a failing stream: ${error}`);
  check(await streaming.addStream(chunks([new TextEncoder().encode(JSON.stringify(GOOD))])) === 2, 'a good stream after the bad ones');
  check(streaming.queryJson(P) === EXPECTED, 'the streamed rooms');
  // free() while a stream is pending: that stream rejects, nothing is added anywhere.
  let release;
  const slow = new ReadableStream({ async pull(c) { await new Promise((r) => { release = r; }); c.enqueue(new TextEncoder().encode('[]')); c.close(); } });
  const pending = streaming.addStream(slow);
  await new Promise((r) => setTimeout(r, 10));
  streaming.free();
  release?.();
  error = await rejection(pending);
  check(error instanceof Error && /freed during addStream/.test(error.message), `free() during addStream: ${error}`);
  let afterFree;
  try {
    streaming.query(P);
  } catch (e) {
    afterFree = e;
  }
  check(afterFree?.message === 'this ChatIndex was freed; create a new one', `a freed index says so: ${afterFree}`);
  for (const [name, call] of Object.entries({
    series: (i) => i.series(P, { bucket: 'day' }), timeRange: (i) => i.timeRange(), departments: (i) => i.departments(),
    toBytes: (i) => i.toBytes(), countable: (i) => i.countable, settle: (i) => i.settle(), remove: (i) => i.remove(['a']),
  })) {
    let said;
    try {
      call(streaming);
    } catch (e) {
      said = e;
    }
    check(said?.message === 'this ChatIndex was freed; create a new one', `a freed index's ${name} says so: ${said}`);
  }
  check((await rejection(streaming.addStream(chunks([])))).message === 'this ChatIndex was freed; create a new one', 'addStream on a freed index rejects');
  streaming.free(); // twice: nothing happens
  checked.push('addStream errors, cancellation, free() during a stream, use after free');

  // 6b. merge(other): a shard reopened from its bytes joins (a newer
  // version of a room replaces the one held), and is freed; what
  // wasm-bindgen would report as a null pointer is a clear error.
  const whole = new ChatIndex(DEPARTMENTS, { timeZone: 'UTC' });
  whole.add([GOOD[0]]);
  const shard = new ChatIndex(DEPARTMENTS, { timeZone: 'UTC' });
  const closedA = { ...GOOD[0], _updatedAt: 5 };
  delete closedA.open;
  shard.add([GOOD[1], closedA]);
  const reopenedShard = ChatIndex.fromBytes(shard.toBytes(), { timeZone: 'UTC' });
  check(whole.merge(reopenedShard) === 2 && whole.size === 2, 'merge returns the shard\'s rooms');
  check(whole.queryJson(P) === '{"Sales":{"open":0,"closed":2},"success":true}', `merged: ${whole.queryJson(P)}`);
  for (const [what, other, type, text] of [
    ['twice', reopenedShard, Error, 'merge(other): other was freed (an index can be merged once)'],
    ['itself', whole, TypeError, 'merge(other): an index cannot be merged into itself'],
    ['not an index', {}, TypeError, 'merge(other): other must be a ChatIndex'],
  ]) {
    let said;
    try {
      whole.merge(other);
    } catch (e) {
      said = e;
    }
    check(said instanceof type && said.message === text, `merge ${what}: ${said}`);
  }
  check(whole.size === 2 && shard.size === 2, 'a refused merge changes nothing');
  whole.free();
  shard.free();
  checked.push('merge: a reopened shard joins and is freed; merging twice, into itself or a non-index is refused');

  // 7. Too large for one call: a clear error before any copy into wasm; a Proxy whose prototype trap throws.
  const huge = new Uint8Array(2 ** 30 + 1);
  const big = chatsPerDepartment(huge, DEPARTMENTS, P);
  check(big.success === false && big.error.startsWith('rooms: 1.0 GB is more than one call can hold; use ChatIndex.addStream'), `1 GiB + 1: ${big.error}`);
  const sized = new ChatIndex(DEPARTMENTS);
  const tooBig = (() => {
    try {
      sized.add(huge);
    } catch (e) {
      return e;
    }
    return undefined;
  })();
  check(/1\.0 GB is more than one call can hold/.test(tooBig?.body?.error), `index.add(1 GiB + 1): ${tooBig}`);
  // Brand checks run no traps: a Proxy of [] whose getPrototypeOf throws is the empty array it is.
  const prototypeTrap = new Proxy([], { getPrototypeOf: thrower });
  const trapped = (() => {
    try {
      return sized.add(prototypeTrap);
    } catch (e) {
      return e;
    }
  })();
  check(trapped === 0, `index.add(Proxy of [] with a throwing getPrototypeOf) adds nothing and throws nothing: ${trapped}`);
  check(sized.size === 0, 'nothing added');
  sized.free();
  checked.push('inputs over 1 GiB, prototype traps');

  // 8. Lone surrogates: refused, naming the field (they would become U+FFFD and merge names or ids).
  const lone = 'refused, naming the field';
  for (const [rooms, departments, where] of [
    [GOOD, [{ _id: 'd', name: 'X\uD800' }, { _id: 'e', name: 'X\uD801' }], 'departments[0].name'],
    [[{ ...GOOD[0], _id: 'a\uD800' }, { ...GOOD[1], _id: 'a\uD801' }], DEPARTMENTS, 'rooms[0]._id'],
    [[{ ...GOOD[0], departmentId: 'd\uDC00' }], DEPARTMENTS, 'rooms[0].departmentId'],
    [JSON.stringify(GOOD).replace('"a"', '"a\uD800"'), DEPARTMENTS, 'rooms'],
  ]) {
    const b = chatsPerDepartment(rooms, departments, P);
    check(b.success === false && b.error.startsWith(`${where} contains a lone surrogate`), `lone surrogate in ${where} ${lone}: ${JSON.stringify(b)}`);
  }
  check(chatsPerDepartment([{ ...GOOD[0], _id: 'emoji 😀' }], [{ _id: 'd', name: 'Sales 😀' }], P)['Sales 😀']?.open === 1, 'well-formed pairs are fine');
  checked.push('lone surrogates');

  // 9. addStream ≡ add: the same documents accepted, the same counts and bodies, the same error
  // bodies (line and column included), whatever the chunking. Hand-picked cases, then generated
  // documents damaged at random and cut at random.
  const R = '{"_id":"r","t":"l","open":true,"departmentId":"d","ts":"2020-05-01T00:00:00Z"}';
  const S = '{"_id":"s","t":"l","departmentId":"d","ts":"2020-06-01T00:00:00Z"}';
  const cases = [
    `{"rooms":[${R}],"meta":{"tags":["a"]}}`, `\uFEFF[${R}]`, `[${R}}`, `[${R},]`, `[,${R}]`, `[${R} ${R}]`, `${R},${R}`,
    `{"rooms":[${R}],"rooms":[${S}]}`, `{"r\\u006foms":[${R}]}`, `{"total":1,"rooms":[${S}],"success":true}`, `${R}\n${S}\n`,
  ];
  let seed = 0x2545f491;
  const random = (n) => {
    seed ^= seed << 13; seed ^= seed >>> 17; seed ^= seed << 5; seed >>>= 0;
    return seed % n;
  };
  for (let i = 0; i < 300; i++) {
    const doc = [...cases[random(cases.length)]];
    for (let k = random(3); k > 0; k--) doc.splice(random(doc.length + 1), random(2), '{}[],:" \n\\5'[random(11)]);
    cases.push(doc.join(''));
  }
  const outcome = async (call) => {
    const index = new ChatIndex(DEPARTMENTS, { timeZone: 'UTC' });
    try {
      return `added ${await call(index)}: ${index.queryJson(P)}`;
    } catch (e) {
      return `refused: ${e.body ? JSON.stringify(e.body) : e}`;
    } finally {
      index.free();
    }
  };
  let disagreements = 0;
  let accepted = 0;
  for (const text of cases) {
    const bytes = new TextEncoder().encode(text);
    const whole = await outcome((index) => index.add(bytes));
    accepted += whole.startsWith('added');
    const pieces = [];
    for (let at = 0; at < bytes.length; ) {
      const end = Math.min(bytes.length, at + 1 + random(9));
      pieces.push(bytes.slice(at, end));
      at = end;
    }
    const streamed = await outcome((index) => index.addStream(chunks(pieces)));
    if (streamed !== whole) {
      disagreements++;
      check(false, `addStream ≠ add for ${JSON.stringify(text)}: ${streamed} vs ${whole}`);
    }
  }
  check(disagreements === 0 && accepted > 20 && accepted < cases.length - 20, `addStream ≡ add: ${accepted} of ${cases.length} accepted`);
  checked.push(`addStream ≡ add over ${cases.length} documents (${accepted} accepted), cut at random`);

  // 10. Snapshots: toBytes → fromBytes answers the same; an ArrayBuffer reads like its bytes; every
  // truncation, a flipped byte, foreign bytes and non-bytes are refused with a clear error, and
  // the module keeps working after each refusal.
  const live = new ChatIndex(DEPARTMENTS, { timeZone: 'UTC' });
  live.add([...GOOD, { _id: 'c', t: 'l', departmentId: 'e', department: { _id: 'e', name: 'Embedded' }, ts: '2020-07-01T00:00:00Z' }, { t: 'l', open: true, departmentId: null, ts: 1.6e12 }]);
  live.add([{ ...GOOD[1], _updatedAt: 5, open: true }]);
  const saved = live.toBytes();
  check(Object.prototype.toString.call(saved) === '[object Uint8Array]' && saved.length > 32, `toBytes gives bytes: ${saved?.length}`);
  for (const input of [saved, saved.buffer.slice(saved.byteOffset, saved.byteOffset + saved.length), new Uint8Array(saved)]) {
    const again = ChatIndex.fromBytes(input, { timeZone: 'UTC' });
    check(again.queryJson(P) === live.queryJson(P) && again.size === live.size && again.countable === live.countable, `fromBytes answers as the index saved: ${again.queryJson(P)}`);
    again.add([{ ...GOOD[1], _updatedAt: 4 }]); // stale: ids and versions came back too
    check(again.queryJson(P) === live.queryJson(P), 'a stale version is still ignored after reopening');
    again.free();
  }
  let refusals = 0;
  const refused = (input, pattern, type = Error) => {
    try {
      ChatIndex.fromBytes(input).free();
    } catch (e) {
      refusals++;
      return e instanceof type && pattern.test(e.message);
    }
    return false;
  };
  for (let cut = 0; cut < saved.length; cut += 1 + (cut >> 3)) check(refused(saved.subarray(0, cut), /^snapshot/), `a snapshot cut at ${cut} bytes is refused`);
  for (const at of [0, 9, 20, 40, saved.length - 1]) {
    const damaged = saved.slice();
    damaged[at] ^= 0x55;
    check(refused(damaged, /^snapshot/), `a snapshot with byte ${at} changed is refused`);
  }
  check(refused(new TextEncoder().encode(JSON.stringify(GOOD)), /^snapshot/), 'foreign bytes are refused');
  for (const input of [undefined, 'CPDINDEX', [1, 2, 3], { length: 3 }, new Uint16Array(4)]) {
    check(refused(input, /^ChatIndex\.fromBytes\(bytes\): bytes must be a Uint8Array or an ArrayBuffer/, TypeError), `fromBytes(${describeForTest(input)}) is a TypeError`);
  }
  check(live.queryJson(P) === ChatIndex.fromBytes(live.toBytes()).queryJson(P), 'the module works after the refusals');
  live.free();
  checked.push(`snapshots: round trips, ${refusals} refusals`);

  // Rooms whose ids repeat are read again, exactly, from what was read:
  // a getter is still read once.
  let tsReads = 0;
  const repeated = [
    { _id: 'x', t: 'l', departmentId: 'd', get ts() { tsReads++; return '2020-05-01T00:00:00Z'; } },
    { _id: 'x', _updatedAt: 5, t: 'l', open: true, departmentId: 'd', ts: '2020-05-01T00:00:00Z' },
  ];
  const once = chatsPerDepartment(repeated, DEPARTMENTS, P);
  check(tsReads === 1 && once.Sales?.open === 1 && once.Sales?.closed === 0, `a repeated id: the newer version counts, a getter read once (${tsReads} reads): ${JSON.stringify(once)}`);
  check(chatsPerDepartmentJson(JSON.stringify(repeated), DEPARTMENTS, P) === '{"Sales":{"open":1,"closed":0},"success":true}', 'a repeated id in JSON');

  // 11. countsInto: query's counts, for generated ranges and filters; its
  // refusals; a hostile `out` that calls back into the index.
  checked.push(countsIntoScenario(ChatIndex));

  // 11. Everything still exact at the end.
  check(chatsPerDepartmentJson(GOOD, DEPARTMENTS, P) === EXPECTED, 'a correct body at the end');
  check(same(chatsPerDepartment(JSON.stringify(GOOD), DEPARTMENTS, P), JSON.parse(EXPECTED)), 'JSON input at the end');
  return checked;
}

/** ISO text for a time `Date` holds (what a request's `start` would say). */
const iso = (ms) => new Date(ms).toISOString();

function countsIntoScenario(ChatIndex) {
  let seed = 11;
  const random = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  const departments = ['d0', 'd1', 'd2', 'd3'].map((_id, i) => ({ _id, name: i === 3 ? 'Sales' : `Team ${i}` }));
  departments.push({ _id: 'd4', name: 'Sales' }); // two departments, one key: counted together
  const base = Date.UTC(2020, 0, 1);
  const rooms = [];
  for (let i = 0; i < 600; i++) {
    const room = { _id: `r${i}`, t: 'l', departmentId: `d${Math.floor(random() * 6)}`, ts: iso(base + Math.floor(random() * 400) * 86_400_000 + Math.floor(random() * 86_400_000)) };
    if (random() < 0.3) room.open = true;
    rooms.push(room);
  }
  const index = new ChatIndex(departments);
  index.add(rooms);
  const names = index.chartNames();
  check(Object.isFrozen(names) && index.chartNames() === names, 'chartNames is frozen and the same array while the keys are');
  let out = new Float64Array(2 * names.length);
  let compared = 0;
  for (let i = 0; i < 2000; i++) {
    let start = base + Math.floor((random() - 0.1) * 420 * 86_400_000);
    let end = start + Math.floor((random() - 0.05) * 200 * 86_400_000);
    if (i % 50 === 0) [start, end] = [-8.64e15, 8.64e15];
    const departmentId = [undefined, undefined, 'd1', 'd4', '', 'undefined', 'unknown'][i % 7];
    const params = departmentId === undefined ? { start: iso(start), end: iso(end) } : { start: iso(start), end: iso(end), departmentId };
    const body = index.query(params);
    out.fill(-1);
    check(index.countsInto(start, end, out, departmentId) === null, `countsInto answers null for ${JSON.stringify(params)}`);
    const counted = {};
    for (let g = 0; g < names.length; g++) {
      if (out[2 * g] + out[2 * g + 1] > 0) counted[names[g]] = { open: out[2 * g], closed: out[2 * g + 1] };
      check(out[2 * g] >= 0 && out[2 * g + 1] >= 0, 'every count written');
    }
    counted.success = true;
    check(same(counted, body), `countsInto ≡ query for ${JSON.stringify(params)}: ${JSON.stringify(counted)} vs ${JSON.stringify(body)}`);
    compared++;
  }
  // A fractional time is the time `new Date(ms)` holds (TimeClip truncates).
  check(index.countsInto(base + 0.9, base + 400 * 86_400_000 - 0.5, out) === null, 'fractions are accepted');
  const refused = (args, pattern, type) => {
    try {
      index.countsInto(...args);
    } catch (error) {
      return error instanceof type && pattern.test(error.message);
    }
    return false;
  };
  const P2 = [base, base + 86_400_000];
  let refusals = 0;
  for (const bad of [NaN, Infinity, -Infinity, 8.64e15 + 1, '2020', null, undefined, 10n]) {
    check(refused([bad, P2[1], out], /^countsInto: startMs and endMs must be numbers a Date can hold/, TypeError), `startMs ${String(bad)} is a TypeError`);
    check(refused([P2[0], bad, out], /^countsInto: startMs and endMs must be numbers a Date can hold/, TypeError), `endMs ${String(bad)} is a TypeError`);
    refusals += 2;
  }
  for (const bad of [undefined, null, [0, 0, 0, 0], new Float32Array(64), { length: 64 }, new Proxy(new Float64Array(64), {})]) {
    check(refused([...P2, bad], /^countsInto: out must be a Float64Array/, TypeError), `out ${describeForTest(bad)} is a TypeError`);
    refusals++;
  }
  check(refused([...P2, new Float64Array(2 * names.length - 1)], /^countsInto: out holds \d+ numbers; the chart needs \d+/, RangeError), 'a short out is a RangeError');
  check(refused([...P2, out, 7], /^countsInto: departmentId must be a string or undefined/, TypeError), 'a number departmentId is a TypeError');
  refusals += 2;
  // A Float64Array whose length getter calls back into the index: the index is not left busy.
  class Sneaky extends Float64Array {
    get length() {
      index.query(P);
      return super.length;
    }
  }
  check(index.countsInto(...P2, new Sneaky(out.length)) === null, 'a subclass whose length calls back into the index');
  const hostileLength = new (class extends Float64Array {
    get length() {
      throw new Error('boom');
    }
  })(out.length);
  check(index.countsInto(...P2, hostileLength) === null, 'a throwing length getter is never called');
  check(index.countsInto(...P2, out) === null && same(index.query({ start: iso(P2[0]), end: iso(P2[1]) }), index.query({ start: iso(P2[0]), end: iso(P2[1]) })), 'the index works after the refusals');
  // New keys: a new array, and the old length refused.
  index.add([{ _id: 'n', t: 'l', departmentId: 'new', department: { _id: 'new', name: 'New team' }, ts: iso(base) }]);
  const grown = index.chartNames();
  check(grown !== names && grown.length >= names.length, `a new department gives a new names array (${names.length} → ${grown.length})`);
  out = new Float64Array(2 * grown.length);
  check(index.countsInto(...P2, out) === null, 'the resized out is accepted');
  // A refused departments list: the same 400 body as query.
  const broken = new ChatIndex([{ name: 'no id' }]);
  broken.add(rooms.slice(0, 5));
  check(same(broken.countsInto(...P2, out), broken.query({ start: iso(P2[0]), end: iso(P2[1]) })), 'a refused departments list: query\'s 400 body');
  check(broken.chartNames().length === 0 && Object.isFrozen(broken.chartNames()), 'a refused departments list has no names');
  broken.free();
  index.free();
  let freed;
  try {
    index.countsInto(...P2, out);
  } catch (error) {
    freed = error;
  }
  check(freed?.message === 'this ChatIndex was freed; create a new one', `countsInto on a freed index: ${freed}`);
  return `countsInto: ${compared} ranges ≡ query, ${refusals} refusals`;
}
