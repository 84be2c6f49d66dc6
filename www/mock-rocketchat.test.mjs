// The mock's fast paging (for benchmarks at a million rooms) answers every
// page a dashboard asks for (by creation, by last update) exactly as its
// mingo path does: the same rooms, fields, totals and joins, over ties,
// offsets into ties, projections, starts between, before and after the
// rooms, after inserts, closes, transfers and removals.
// Compressed answers decode to the same bodies.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mockData, seeded, startMock, USERS } from './mock-rocketchat.mjs';

const SORTS = ['{"ts":1,"_id":1}', '{"_updatedAt":-1,"_id":1}', '{"_updatedAt":-1}', '{"ts":-1}'];
const headers = { 'x-user-id': 'manager', 'x-auth-token': USERS.manager.token };

/** Rooms with many equal creation times (so that keyed pages meet ties). */
function tiedData(count, random) {
  const data = mockData(count, random);
  for (const room of data.rooms) room.ts = new Date(Date.UTC(2026, 0, 1) + Math.floor(random() * 40) * 3_600_000);
  return data;
}

async function body(mock, query) {
  const response = await fetch(`${mock.url}api/v1/livechat/rooms?${new URLSearchParams(query)}`, { headers });
  return { status: response.status, body: await response.json() };
}

test('fast paging answers as mingo does', async () => {
  const random = seeded(3);
  const data = tiedData(1500, random);
  const [slow, fast] = [await startMock({ data, fieldsBehaviour: 'applied' }), await startMock({ data, fastPaging: true, fieldsBehaviour: 'applied' })];
  try {
    const times = data.rooms.map((r) => r.ts.toISOString());
    const starts = [undefined, '', '2025-01-01T00:00:00.000Z', '2027-01-01T00:00:00.000Z', 'not a date', ...times.slice(0, 30)];
    const projections = [undefined, { _updatedAt: 1, t: 1, open: 1, departmentId: 1, ts: 1 }, { _id: 1, ts: 1 }, { ts: 1 }];
    let compared = 0;
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 120; i++) {
        const sort = SORTS[Math.floor(random() * SORTS.length)];
        const query = { count: String([1, 5, 25, 100, 500][i % 5]), offset: String(Math.floor(random() * 60)), sort };
        const start = starts[Math.floor(random() * starts.length)];
        if (start !== undefined && (sort.startsWith('{"ts":1') || random() < 0.1)) {
          // An end too, half the time: before, at or after the start, or not a date.
          const end = random() < 0.5 ? undefined : [...times.slice(0, 30), '2026-01-01T00:00:00.000Z', 'soon'][Math.floor(random() * 32)];
          query.createdAt = JSON.stringify(end === undefined ? { start } : { start, end });
        }
        const fields = projections[i % projections.length];
        if (fields) query.fields = JSON.stringify(fields);
        const [expected, actual] = [await body(slow, query), await body(fast, query)];
        assert.deepStrictEqual(actual, expected, JSON.stringify(query));
        compared += expected.body.rooms.length;
      }
      // Changes between rounds: the sorted rooms must follow.
      fast.insert(7, 'support');
      for (const room of data.rooms.slice(0, 9)) fast.remove(room._id);
      fast.closeRoom(data.rooms.find((r) => r.t === 'l' && r.open)._id);
      fast.transfer(data.rooms.find((r) => r.t === 'l')._id, 'legacy');
    }
    assert.ok(compared > 10_000, `${compared} rooms compared`);
    assert.equal(fast.stats.requests['/api/v1/livechat/rooms'], 360);
    assert.ok(fast.stats.fast > 300, `${fast.stats.fast} of 360 answered by the fast path`);
    assert.equal(slow.stats.fast, undefined);
  } finally {
    await slow.close();
    await fast.close();
  }
});

test('gzip: compressed answers decode to the same bodies, and the wire counter counts what was sent', async () => {
  const data = mockData(400, seeded(9));
  const mock = await startMock({ data, gzip: true });
  try {
    const url = `${mock.url}api/v1/livechat/rooms?count=100`;
    const plain = await (await fetch(url, { headers: { ...headers, 'accept-encoding': 'identity' } })).text();
    const response = await fetch(url, { headers: { ...headers, 'accept-encoding': 'gzip' } });
    assert.equal(response.headers.get('content-encoding'), 'gzip');
    const decoded = await response.text();
    assert.equal(decoded, plain);
    const route = '/api/v1/livechat/rooms';
    assert.equal(mock.stats.bytes[route], 2 * Buffer.byteLength(plain));
    assert.ok(mock.stats.wire[route] < mock.stats.bytes[route] * 0.75, `${mock.stats.wire[route]} of ${mock.stats.bytes[route]}`);
  } finally {
    await mock.close();
  }
});
