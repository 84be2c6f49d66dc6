// The protocol between src/bindings/read.js and the Rust side, declared
// in src/bindings/protocol.rs: every constant there has the same name and
// value in read.js, and the Rust side names no bare tag or bit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

const read = (path) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');
// `1 << 7`, `2 << 1`, `-2`: the forms the constants take.
const value = (text) => {
  const shift = /^(-?\d+)\s*<<\s*(\d+)$/.exec(text.trim());
  return shift ? Number(shift[1]) << Number(shift[2]) : Number(text.trim());
};

test('every constant of protocol.rs is in read.js with the same value', () => {
  const rust = new Map([...read('src/bindings/protocol.rs').matchAll(/pub\(crate\) const ([A-Z_]+): \w+ = ([^;]+);/g)].map((m) => [m[1], value(m[2])]));
  const js = new Map([...read('src/bindings/read.js').matchAll(/^const ([A-Z_]+) = ([^;]+);/gm)].map((m) => [m[1], value(m[2])]));
  assert.ok(rust.size >= 20, `${rust.size} constants declared`);
  for (const [name, number] of rust) {
    assert.ok(js.has(name), `read.js has ${name}`);
    assert.equal(js.get(name), number, `${name}: protocol.rs says ${number}, read.js ${js.get(name)}`);
  }
});

test('the decoder names the protocol\'s constants, not numbers', () => {
  const convert = read('src/bindings/convert.rs');
  const decoder = convert.slice(convert.indexOf('pub(crate) fn field('), convert.indexOf('fn param_value('));
  assert.doesNotMatch(decoder, /^\s*\d+ =>/m, 'a bare tag in `field`');
  const columns = convert.slice(convert.indexOf('fn rooms_from_columns('), convert.indexOf('pub(crate) fn departments('));
  assert.doesNotMatch(columns, /0x80|f >> \d|f & 1\b|-2 =>|-1 =>/, 'a bare bit or code in `rooms_from_columns`');
});
