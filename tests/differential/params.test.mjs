// Differential test of parameter handling: the library's whole body against
// the server's (real Ajv 8 with the route's schema and coerceTypes, Node's
// Date.parse, mingo running the pipelines) for generated parameter objects,
// over a fixed set of rooms spread over time so that the dates and the
// department filter decide the numbers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chatsPerDepartment } from '../../pkg/node.mjs';
import { rng } from './random.mjs';
import { dateString } from './date_cases.mjs';
import { serverBody, sameBody } from './server_oracle.mjs';

const COUNT = Number(process.env.PARAM_CASES ?? 12_000);

const departments = [
  { _id: 'd1', name: 'Sales' },
  { _id: 'd2', name: 'Support' },
  { _id: '5', name: 'Five' },
  { _id: 'true', name: 'True' },
  { _id: 'null', name: 'Null' },
];
// Rooms at instants the generated dates tend to hit: 1970, 2000-2001
// (legacy defaults), 2019-2021, and the range edges.
const instants = [-8.64e15, -1e12, 0, 946684800000, 978307200000, 988675200000, 1000080000000, 1577836800000, 1599696000000, 1599782362345, 1609459200000, 1640995200000, 8.64e15];
const rooms = [];
for (const [i, ms] of instants.entries()) {
  for (const departmentId of ['d1', 'd2', '5', 'true', 'null', null, 'gone']) {
    rooms.push({ t: 'l', open: true, departmentId, ts: new Date(Math.min(8.64e15, ms + i)) });
    rooms.push({ t: 'l', departmentId, ts: new Date(ms) });
  }
}

function paramValue(r) {
  switch (r.int(0, 13)) {
    case 0: return undefined;
    case 1: return null;
    case 2: return r.chance(0.5);
    case 3: return r.pick([0, -0, 1, 5, 12, 13, 31, 32, 99, 100, 1970, 2000, 2020, 10000, 275760, 1e21, 1e-7, 0.5, -1, 2020.5, NaN, Infinity, -Infinity, 1599782362345]);
    case 4: return r.int(0, 3000);
    case 5: return r.pick(['', 'undefined', 'null', 'd1', 'd2', 'gone', 'true', '5', ' ', 'now', 'today']);
    case 6: return r.pick([[], ['2020-01-01'], [1, 2], {}, { $date: '2020-01-01' }, [null]]);
    default: return dateString(r);
  }
}

function params(r) {
  const p = {};
  const keys = ['start', 'end', 'departmentId'];
  for (const key of keys) if (r.chance(key === 'departmentId' ? 0.6 : 0.93)) p[key] = paramValue(r);
  if (p.departmentId !== undefined && r.chance(0.5)) p.departmentId = r.pick(['d1', 'd2', 'gone', '', 'undefined', null, 5, true, ['d1']]);
  if (r.chance(0.05)) p[r.pick(['foo', 'type', 'count', '0', 'Start', 'departmentID'])] = paramValue(r);
  return r.chance(0.01) ? r.pick([null, [], 'start=x', 5]) : p;
}

test(`params: ${COUNT} generated parameter objects give the server's body`, () => {
  const r = rng(42);
  const disagreements = [];
  const outcomes = new Map();
  for (let i = 0; i < COUNT; i++) {
    const p = params(r);
    const expected = serverBody(rooms, departments, p);
    const actual = chatsPerDepartment(rooms, departments, p);
    const outcome = expected.success ? 'chart' : expected.error.replace(/"(start|end)"/, '"x"');
    outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
    if (!sameBody(expected, actual)) disagreements.push({ params: p, expected, actual });
  }
  console.log(`${COUNT} parameter objects, ${disagreements.length} disagreements; outcomes:`, Object.fromEntries(outcomes));
  // Every kind of outcome must be exercised in bulk, or the test proves little.
  for (const kind of ['chart', 'must have required property \'start\' [invalid-params]', 'must have required property \'end\' [invalid-params]', 'must NOT have additional properties [invalid-params]', 'must be string [invalid-params]', 'The "x" query parameter must be a valid date.']) {
    assert.ok((outcomes.get(kind) ?? 0) >= 50, `too few cases of ${kind}`);
  }
  assert.deepEqual(disagreements.slice(0, 5), []);
});

test('params: a Date stands for its ISO string (documented extension)', () => {
  const byDate = chatsPerDepartment(rooms, departments, { start: new Date(0), end: new Date(1609459200000) });
  const byText = chatsPerDepartment(rooms, departments, { start: new Date(0).toISOString(), end: new Date(1609459200000).toISOString() });
  assert.deepEqual(byDate, byText);
  assert.equal(byDate.success, true);
  const invalid = chatsPerDepartment(rooms, departments, { start: new Date(NaN), end: '2020' });
  assert.deepEqual(invalid, { success: false, error: 'The "start" query parameter must be a valid date.' });
});
