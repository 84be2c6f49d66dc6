// The boundary scenarios (scenarios.mjs) in Node and in Debian's Chromium.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import * as lib from '../../pkg/node.mjs';
import { serve } from '../../scripts/serve.mjs';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { runInNewContext } from 'node:vm';
import { run, NON_STRINGS } from './scenarios.mjs';

// V8's Date.parse of the scenario's non-string values under TZ=UTC, from a Node child process.
const worker = fileURLToPath(new URL('../engines/expected.worker.mjs', import.meta.url));
const v8Utc = JSON.parse(execFileSync(process.execPath, [worker], { input: JSON.stringify(NON_STRINGS().map(String)), env: { ...process.env, TZ: 'UTC' } })).values;

test('Node: hostile values at the boundary give error bodies, and the module keeps working', async () => {
  const checked = await run(lib, { v8Utc });
  assert.equal(checked.length, 12);
});

test('Node: Dates, Uint8Arrays and stream chunks from another realm are what they are (found in Firefox under WebDriver: "chunk 0 is a Uint8Array, not a Uint8Array")', async () => {
  const other = runInNewContext('({ bytes: (text) => new TextEncoder().encode(text), date: (ms) => new Date(ms) })', { TextEncoder });
  const P = { start: '2020-01-01', end: '2021-01-01' };
  const rooms = [{ _id: 'a', t: 'l', open: true, departmentId: 'd', ts: other.date(Date.UTC(2020, 4, 1)) }];
  const expected = { Sales: { open: 1, closed: 0 }, success: true };
  const departments = [{ _id: 'd', name: 'Sales' }];
  assert.deepEqual(lib.chatsPerDepartment(rooms, departments, P), expected);
  const json = JSON.stringify([{ ...rooms[0], ts: '2020-05-01T00:00:00Z' }]);
  assert.deepEqual(lib.chatsPerDepartment(other.bytes(json), departments, P), expected);
  const index = new lib.ChatIndex(departments, { timeZone: 'UTC' });
  const stream = new ReadableStream({ start(c) { c.enqueue(other.bytes(json.slice(0, 9))); c.enqueue(other.bytes(json.slice(9))); c.close(); } });
  assert.equal(await index.addStream(stream), 1);
  assert.deepEqual(index.query(P), expected);
  index.free();
});

test('Chromium: the same scenarios in the web build, then with Object.prototype frozen (prototype-named departments, generated hostile calls)', async () => {
  const site = await serve({ port: 0, dir: '.' });
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--headless', '--no-sandbox'] });
  try {
    const page = await browser.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${site.url}tests/boundary/`);
    const checked = await page.evaluate(async (v8Utc) => {
      const lib = await import('/pkg/web.js');
      await lib.default();
      const { run } = await import('/tests/boundary/scenarios.mjs');
      return run(lib, { v8Utc });
    }, v8Utc);
    assert.equal(checked.length, 12);
    assert.deepEqual(errors, []);
    // With Object.prototype frozen before the module loads (a fresh page):
    // prototype-named departments counted, and the generated calls.
    const frozen = await browser.newPage();
    frozen.on('pageerror', (e) => errors.push(e.message));
    await frozen.goto(`${site.url}tests/boundary/`);
    const result = await frozen.evaluate(async () => {
      Object.freeze(Object.prototype);
      const lib = await import('/pkg/web.js');
      await lib.default();
      const names = ['toString', 'constructor', 'valueOf', 'hasOwnProperty', '__proto__', 'Sales'];
      const departments = names.map((name, i) => ({ _id: 'd' + i, name }));
      const rooms = names.map((_, i) => ({ _id: 'r' + i, t: 'l', departmentId: 'd' + i, ts: '2020-05-01T00:00:00Z' }));
      const P = { start: '2020-01-01', end: '2021-01-01' };
      const index = new lib.ChatIndex(departments, { timeZone: 'UTC' });
      index.add(rooms);
      const bodies = [lib.chatsPerDepartment(rooms, departments, P), index.query(P), index.query(P), index.series(P, { bucket: 'week' }).buckets.find((b) => b.body.Sales).body];
      index.free();
      const { fuzz } = await import('/tests/boundary/fuzz.mjs');
      const counts = await fuzz(lib, { seed: 9, steps: 1500 });
      return { counted: bodies.map((b) => Object.keys(b).filter((k) => Object.hasOwn(b, k) && b[k]?.closed === 1).sort()), counts };
    });
    const expected = ['Sales', '__proto__', 'constructor', 'hasOwnProperty', 'toString', 'valueOf'];
    assert.deepEqual(result.counted, [expected, expected, expected, expected]);
    assert.equal(result.counts.calls, 1500);
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
    await site.close();
  }
});

test('Node: ids with a lone surrogate in remove, retain and retainCreated are refused by position, and nothing is removed', () => {
  const index = new lib.ChatIndex(null, { timeZone: 'UTC' });
  index.add([
    { _id: 'r\uFFFD', t: 'l', departmentId: 'd', ts: '2020-05-01T00:00:00Z' },
    { _id: 'x', t: 'l', departmentId: 'd', ts: '2020-05-02T00:00:00Z' },
  ]);
  const refused = /ids\[1\] contains a lone surrogate/;
  assert.throws(() => index.remove(['x1', 'r\uD800']), (e) => e instanceof TypeError && /^remove\(ids\): /.test(e.message) && refused.test(e.message));
  assert.throws(() => index.retain(['x', 'r\uDC00']), (e) => e instanceof TypeError && refused.test(e.message));
  assert.throws(() => index.retainCreated(['x', 'r\uD800'], 0, Date.UTC(2021, 0, 1)), (e) => e instanceof TypeError && refused.test(e.message));
  assert.equal(index.size, 2, 'nothing removed');
  assert.equal(index.remove(['r\uFFFD']), 1, 'the room named by its own id still goes');
  index.free();
});

test('Node: detached bytes are refused before wasm is entered, naming the argument; the index is unchanged and freeable, and the module lives on', async () => {
  const detached = () => {
    const bytes = new TextEncoder().encode('[{"_id":"b","t":"l","departmentId":"d","ts":"2020-05-01T00:00:00Z"}]');
    structuredClone(bytes.buffer, { transfer: [bytes.buffer] });
    return bytes;
  };
  const P = { start: '2020-01-01', end: '2021-01-01' };
  const departments = [{ _id: 'd', name: 'Sales' }];
  const index = new lib.ChatIndex(departments, { timeZone: 'UTC' });
  index.add([{ _id: 'a', t: 'l', departmentId: 'd', ts: '2020-05-01T00:00:00Z' }]);
  const before = JSON.stringify(index.query(P));
  const named = (where) => (e) => e instanceof TypeError && e.message.startsWith(`${where} is a view of a detached ArrayBuffer`);
  assert.throws(() => index.add(detached()), named('add(rooms): rooms'));
  assert.throws(() => index.add(detached().buffer), named('add(rooms): rooms'));
  assert.throws(() => index.setDepartments(detached()), named('setDepartments(departments): departments'));
  assert.throws(() => new lib.ChatIndex(detached()), named('new ChatIndex(departments): departments'));
  assert.throws(() => lib.ChatIndex.fromBytes(detached()), named('ChatIndex.fromBytes(bytes): bytes'));
  for (let i = 0; i < 2000; i++) assert.throws(() => lib.chatsPerDepartment(detached(), departments, P), named('chatsPerDepartment(rooms, departments): rooms'));
  assert.throws(() => lib.chatsPerDepartmentJson([], detached(), P), named('chatsPerDepartmentJson(rooms, departments): departments'));
  // A stream whose second chunk was detached (after a tee(), say): refused by number, nothing added.
  const json = new TextEncoder().encode('[{"_id":"c","t":"l","departmentId":"d","ts":"2020-05-01T00:00:00Z"}]');
  const stream = new ReadableStream({ start(c) { c.enqueue(json.slice(0, 5)); c.enqueue(detached()); c.enqueue(json.slice(5)); c.close(); } });
  await assert.rejects(index.addStream(stream), (e) => e instanceof TypeError && /^addStream: chunk 1 is a view of a detached ArrayBuffer/.test(e.message));
  assert.equal(JSON.stringify(index.query(P)), before, 'the index is unchanged');
  assert.equal(index.size, 1);
  // Fresh bytes still work, in the index and the one-shot path: the module is alive.
  assert.equal(index.add(new TextEncoder().encode('[{"_id":"e","t":"l","departmentId":"d","ts":"2020-05-01T00:00:00Z"}]')), 1);
  assert.deepEqual(lib.chatsPerDepartment(json, departments, P), { Sales: { open: 0, closed: 1 }, success: true });
  assert.ok(lib.ChatIndex.fromBytes(index.toBytes()) instanceof lib.ChatIndex);
  index.free();
});

test('Node: with Object.prototype frozen, departments named after its members are counted like any other (a child process: the freeze is for good)', () => {
  const script = `
    Object.freeze(Object.prototype);
    const lib = require(${JSON.stringify(fileURLToPath(new URL('../../pkg/node.cjs', import.meta.url)))});
    const names = ['toString', 'constructor', 'valueOf', 'hasOwnProperty', '__proto__', 'isPrototypeOf', 'Sales'];
    const departments = names.map((name, i) => ({ _id: 'd' + i, name }));
    const rooms = names.map((_, i) => ({ _id: 'r' + i, t: 'l', departmentId: 'd' + i, ts: '2020-05-01T00:00:00Z' }));
    const P = { start: '2020-01-01', end: '2021-01-01' };
    const index = new lib.ChatIndex(departments, { timeZone: 'UTC' });
    index.add(rooms);
    const bodies = [lib.chatsPerDepartment(rooms, departments, P), index.query(P), index.series(P, { bucket: 'week' }).buckets.find((b) => b.body.Sales).body];
    process.stdout.write(JSON.stringify(bodies.map((b) => Object.keys(b).filter((k) => Object.hasOwn(b, k) && b[k] && b[k].closed === 1).sort())));
  `;
  const out = JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' }));
  const expected = ['Sales', '__proto__', 'constructor', 'hasOwnProperty', 'isPrototypeOf', 'toString', 'valueOf'];
  assert.deepEqual(out, [expected, expected, expected]);
});

test('Node: a series holds only departments with chats; past departments × buckets of 20,000,000 it is a 400 body, and the memory it used comes back', () => {
  const DAY = 86_400_000;
  const first = Date.UTC(2000, 0, 1);
  // 10,000 days: the most buckets a series answers.
  const P = { start: '2000-01-01', end: new Date(first + 10_000 * DAY - 1).toISOString() };
  const departments = (n) => Array.from({ length: n }, (_, i) => ({ _id: `d${i}`, name: `Department ${i}` }));
  // A room in each department (groups are the departments with rooms).
  const rooms = (n) => Array.from({ length: n }, (_, i) => ({ _id: `r${i}`, t: 'l', ...(i % 3 === 0 ? { open: true } : {}), departmentId: `d${i}`, ts: new Date(first + ((i * 4_999) % 10_000) * DAY + i).toISOString() }));

  const wide = new lib.ChatIndex(departments(20_000), { timeZone: 'UTC' });
  wide.add(rooms(20_000));
  let before = lib.wasmMemoryBytes();
  const refused = wide.series(P, { bucket: 'day' });
  assert.equal(refused.success, false);
  assert.match(refused.error, /20000 departments × 10000 buckets/);
  assert.match(refused.error, /at most 20000000/);
  assert.ok(lib.wasmMemoryBytes() - before < 16e6, `refusing grew wasm memory by ${lib.wasmMemoryBytes() - before} bytes`);
  // The index is not poisoned: a query and a series of one department answer.
  assert.equal(Object.keys(wide.query(P)).length, 20_001);
  const one = wide.series({ ...P, departmentId: 'd7' }, { bucket: 'day' });
  assert.equal(one.buckets.length, 10_000);
  assert.deepEqual(one.buckets.filter((b) => Object.keys(b.body).length > 1).map((b) => b.body), [{ 'Department 7': { open: 0, closed: 1 }, success: true }]);
  wide.free();

  const index = new lib.ChatIndex(departments(2_000), { timeZone: 'UTC' });
  index.add(rooms(2_000));
  before = lib.wasmMemoryBytes();
  const series = index.series(P, { bucket: 'day' });
  assert.equal(series.buckets.length, 10_000);
  const grown = lib.wasmMemoryBytes() - before;
  assert.ok(grown < 16e6, `a 2,000 × 10,000 series grew wasm memory by ${grown} bytes`);
  // Every bucket is the server's body for its bounds.
  let counted = 0;
  for (const bucket of series.buckets) {
    const expected = index.query({ start: bucket.start, end: bucket.end });
    assert.deepEqual(bucket.body, expected);
    assert.deepEqual(Object.keys(bucket.body), Object.keys(expected));
    counted += Object.keys(bucket.body).length - 1;
  }
  assert.equal(counted, 2_000);
  // Asked again and again, the memory is reused, not held anew.
  const settled = lib.wasmMemoryBytes();
  for (let i = 0; i < 5; i++) index.series(P, { bucket: 'day' });
  assert.equal(lib.wasmMemoryBytes(), settled);
  index.free();
});

test('Node: JSON bytes are read a piece at a time: chatsPerDepartment(bytes) and index.add(bytes) of 70 MB of rooms leave wasm memory within 24 MB of where it was, with the answers of the parsed rooms', () => {
  // In a fresh process: wasm memory never shrinks, so what an earlier test
  // grew would hide what this one grows.
  const script = `
    const lib = await import(${JSON.stringify(new URL('../../pkg/node.mjs', import.meta.url).href)});
    const rooms = Array.from({ length: 160_000 }, (_, i) => ({
      _id: 'room' + i, fname: 'Visitor ' + i, t: 'l', ...(i % 4 === 0 ? { open: true } : {}),
      ts: new Date(Date.UTC(2025, 0, 1) + i * 97_000).toISOString(), departmentId: 'd' + (i % 7),
      v: { _id: 'visitor' + i, username: 'guest-' + i, token: 'x'.repeat(40), status: 'offline' },
      servedBy: { _id: 'agent' + (i % 30), username: 'agent.' + (i % 30), ts: '2025-01-01T00:00:00.000Z' },
      msgs: i % 50, lm: '2025-01-01T00:00:00.000Z', _updatedAt: '2025-02-01T00:00:00.000Z', closer: 'user', pad: 'y'.repeat(120),
    }));
    const departments = Array.from({ length: 7 }, (_, i) => ({ _id: 'd' + i, name: 'Department ' + i }));
    const bytes = new TextEncoder().encode(JSON.stringify({ rooms, total: rooms.length }));
    const P = { start: '2025-01-01', end: '2025-06-01' };
    const expected = lib.chatsPerDepartment(rooms, departments, P);
    const before = lib.wasmMemoryBytes();
    const oneShot = lib.chatsPerDepartment(bytes, departments, P);
    const afterOneShot = lib.wasmMemoryBytes();
    const index = new lib.ChatIndex(departments);
    index.add(bytes);
    const added = index.query(P);
    process.stdout.write(JSON.stringify({ size: bytes.length, grown: [afterOneShot - before, lib.wasmMemoryBytes() - before], same: [oneShot, added].map((b) => JSON.stringify(b) === JSON.stringify(expected)) }));
  `;
  const out = JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', maxBuffer: 1 << 20 }));
  assert.ok(out.size > 70e6, `the rooms are ${out.size} bytes`);
  assert.deepEqual(out.same, [true, true]);
  assert.ok(out.grown[0] < 8e6, `chatsPerDepartment(bytes) grew wasm memory by ${out.grown[0]} bytes`);
  assert.ok(out.grown[1] < 24e6, `index.add(bytes) grew wasm memory by ${out.grown[1]} bytes`);
});

test('Node: an error in JSON bytes longer than a piece is placed as in the text, by chatsPerDepartment(bytes) and index.add(bytes) alike', () => {
  const P = { start: '2025-01-01', end: '2025-06-01' };
  const rooms = Array.from({ length: 6000 }, (_, i) => ({ _id: 'room' + i, t: 'l', ts: '2025-02-01T00:00:00.000Z', departmentId: 'd' + (i % 3), pad: 'z'.repeat(60) }));
  // Pretty-printed: lines and columns move with every room, and the text is
  // several of the 256 KiB pieces bytes are read in.
  const good = JSON.stringify(rooms, null, 1);
  assert.ok(good.length > 3 * 262_144, `the text is ${good.length} bytes`);
  const damaged = [
    good.replace(/"room5999"/, '"room5999" "x"'), // a syntax error in the last piece
    good.replace(/"room700"/, '"room700",'), // in the second
    `${good.slice(0, -1)}  \n ]]`, // after the end
    good.slice(0, -2), // cut off
  ];
  for (const text of damaged) {
    const expected = lib.chatsPerDepartment(text, null, P).error;
    assert.match(expected, / at line \d+ column \d+ \[invalid-rooms\]$/);
    assert.doesNotMatch(expected, / at line 1 column/);
    const bytes = new TextEncoder().encode(text);
    assert.equal(lib.chatsPerDepartment(bytes, null, P).error, expected);
    const index = new lib.ChatIndex(null, { timeZone: 'UTC' });
    assert.throws(() => index.add(bytes), (e) => e.message === expected);
    assert.equal(index.size, 0);
    index.free();
  }
  // And the good bytes read as the text does.
  assert.deepEqual(lib.chatsPerDepartment(new TextEncoder().encode(good), null, P), lib.chatsPerDepartment(good, null, P));
});

test('Node: ChatIndex.fromBytes checks the header and the size before copying: past 1 GiB, zeros and false lengths are refused and wasm memory does not grow', () => {
  const index = new lib.ChatIndex(null, { timeZone: 'UTC' });
  index.add([{ _id: 'a', t: 'l', departmentId: 'd', ts: '2020-05-01T00:00:00Z' }]);
  const good = index.toBytes();
  const before = lib.wasmMemoryBytes();
  // Untouched zeros cost no memory until read, so these sizes are cheap to
  // make; 4 GiB is the length a u32 reads as 0.
  for (const [size, expected] of [[1.1 * 2 ** 30, /^ChatIndex\.fromBytes\(bytes\): 1\.1 GB is more than a snapshot can be \(1 GiB\)$/], [3.2 * 2 ** 30, /3\.4 GB is more/], [2 ** 32, /4\.2 GB is more/]]) {
    assert.throws(() => lib.ChatIndex.fromBytes(new Uint8Array(Math.floor(size))), (e) => e instanceof RangeError && expected.test(e.message));
  }
  const zeros = new Uint8Array(2 ** 30);
  assert.throws(() => lib.ChatIndex.fromBytes(zeros), /not a ChatIndex snapshot/);
  // A true header followed by more bytes than it announces.
  const long = new Uint8Array(2 ** 29);
  long.set(good);
  assert.throws(() => lib.ChatIndex.fromBytes(long), /followed by other bytes than the header announces/);
  assert.throws(() => lib.ChatIndex.fromBytes(good.subarray(0, good.length - 1)), /truncated: the header announces more bytes/);
  assert.ok(lib.wasmMemoryBytes() - before < 1e6, `wasm memory grew by ${lib.wasmMemoryBytes() - before} bytes`);
  // The JSON paths: bytes past 1 GiB are refused by size, before any copy.
  assert.equal(lib.chatsPerDepartment(new Uint8Array(2 ** 32), null, { start: '2020', end: '2021' }).error, 'rooms: 4.2 GB is more than one call can hold; use ChatIndex.addStream, which reads it in pieces [invalid-rooms]');
  assert.ok(lib.wasmMemoryBytes() - before < 1e6);
  assert.equal(lib.ChatIndex.fromBytes(good).size, 1);
  index.free();
});

test('Node: 200,000 one-room updates and 300 merges of one shard without a query hold about what the index holds settled', () => {
  const T = Date.UTC(2020, 0, 1);
  const room = (i, k) => ({ _id: `r${i}`, _updatedAt: k, t: 'l', ...(k % 2 ? {} : { open: true }), departmentId: `d${k % 20}`, ts: T + i * 1000 });
  const rooms = Array.from({ length: 2000 }, (_, i) => room(i, 0));
  const index = new lib.ChatIndex(null, { timeZone: 'UTC' });
  index.add(rooms);
  index.settle();
  const settled = index.memoryBytes;
  const before = lib.wasmMemoryBytes();
  let most = 0;
  for (let k = 1; k <= 200_000; k++) {
    index.add([room(k % 2000, k)]);
    if (k % 1000 === 0) most = Math.max(most, index.memoryBytes);
  }
  assert.ok(most < 4 * settled + 65_536, `settled ${settled} bytes, ${most} during the updates`);
  assert.ok(lib.wasmMemoryBytes() - before < 2e6, `wasm memory grew by ${lib.wasmMemoryBytes() - before} bytes`);
  const shard = new lib.ChatIndex(null, { timeZone: 'UTC' });
  shard.add(rooms);
  const bytes = shard.toBytes();
  shard.free();
  const merged = new lib.ChatIndex(null, { timeZone: 'UTC' });
  most = 0;
  for (let k = 0; k < 300; k++) {
    merged.merge(lib.ChatIndex.fromBytes(bytes));
    most = Math.max(most, merged.memoryBytes);
  }
  assert.ok(most < 4 * settled + 65_536, `settled ${settled} bytes, ${most} during the merges`);
  assert.equal(merged.size, 2000);
  const P = { start: '2020', end: '2021' };
  const once = new lib.ChatIndex(null, { timeZone: 'UTC' });
  once.add(rooms);
  assert.deepEqual(merged.query(P), once.query(P));
  once.free();
  index.free();
  merged.free();
});

test('Node: 50M tiny records in one add are refused by count before memory runs out; the index is unchanged, usable and freeable', () => {
  const P = { start: '2020', end: '2021' };
  const index = new lib.ChatIndex(null, { timeZone: 'UTC' });
  index.add([{ _id: 'a', t: 'l', departmentId: 'd', ts: '2020-05-01T00:00:00Z' }]);
  const before = JSON.stringify(index.query(P));
  const m0 = lib.wasmMemoryBytes();
  const refused = (e) => e.message === 'rooms: more than 8388608 records in one call; use ChatIndex.addStream [invalid-rooms]';
  assert.throws(() => index.add(Buffer.alloc(150e6, '{}\n')), refused);
  const grown = lib.wasmMemoryBytes() - m0;
  assert.ok(grown < 800e6, `wasm memory grew by ${grown} bytes`);
  // Asked again, the memory is reused.
  assert.throws(() => index.add(Buffer.alloc(150e6, '{}\n')), refused);
  assert.equal(lib.wasmMemoryBytes() - m0, grown);
  assert.equal(JSON.stringify(index.query(P)), before);
  assert.equal(index.size, 1);
  assert.equal(index.add('[{"_id":"b","t":"l","departmentId":"d","ts":"2020-05-02T00:00:00Z"}]'), 1);
  index.free();
});

test('Node: a lone surrogate escape in JSON is named with where it starts, in every JSON path', async () => {
  const P = { start: '2020', end: '2021' };
  const text = '[{"_id":"a\\ud800","t":"l"}]';
  const named = 'rooms: lone surrogate \\ud800 (half of a UTF-16 pair) at line 1 column 11 [invalid-rooms]';
  assert.equal(lib.chatsPerDepartment(text, null, P).error, named);
  assert.equal(lib.chatsPerDepartment(new TextEncoder().encode(text), null, P).error, named);
  assert.equal(lib.chatsPerDepartment('[]', '[{"_id":"\\udc00","name":"x"}]', P).error, 'departments: lone surrogate \\udc00 (half of a UTF-16 pair) at line 1 column 10 [invalid-departments]');
  const index = new lib.ChatIndex(null, { timeZone: 'UTC' });
  assert.throws(() => index.add(text), (e) => e.message === named);
  const stream = new ReadableStream({ start(c) { c.enqueue(new TextEncoder().encode(text.slice(0, 12))); c.enqueue(new TextEncoder().encode(text.slice(12))); c.close(); } });
  await assert.rejects(index.addStream(stream), (e) => e.message === named);
  assert.equal(index.size, 0);
  index.free();
});

test('Node: generated hostile calls (detached views, surrogate ids, prototype names, damaged JSON and snapshots) never trap and never change an index they refuse', async () => {
  const { fuzz } = await import('./fuzz.mjs');
  let refused = 0;
  for (let seed = 1; seed <= 5; seed++) refused += (await fuzz(lib, { seed, steps: 1500 })).refused;
  assert.ok(refused > 1000, `only ${refused} calls were refused: the generator is too tame`);
});

test('Node: the same generated calls with Object.prototype frozen (a child process)', () => {
  const script = `
    Object.freeze(Object.prototype);
    const lib = require(${JSON.stringify(fileURLToPath(new URL('../../pkg/node.cjs', import.meta.url)))});
    import(${JSON.stringify(new URL('./fuzz.mjs', import.meta.url).href)}).then(async ({ fuzz }) => {
      const counts = await fuzz(lib, { seed: 77, steps: 2000 });
      process.stdout.write(JSON.stringify(counts));
    }).catch((e) => { process.stderr.write(String(e.stack)); process.exit(1); });
  `;
  const counts = JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' }));
  assert.equal(counts.calls, 2000);
  assert.ok(counts.refused > 200, JSON.stringify(counts));
});
