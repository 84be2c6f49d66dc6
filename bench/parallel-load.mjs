// A first visit's load against a server some milliseconds away: the
// dashboard's ServerSync (www/src/sync.js) in Node, reading every room
// from the mock Rocket.Chat (fast paging) through a fetch that waits
// `--latency` ms before each request (the round trip to a remote server),
// with its creation ranges read one at a time (`parallel: 1`, as before
// ranges) and at once (2, 4, 8). Each load is checked: every room once,
// and the chart equal to the server oracle's.
//
//   node bench/parallel-load.mjs [--rooms=100k] [--latency=20]
import { performance } from 'node:perf_hooks';
import { ChatIndex } from '../pkg/node.mjs';
import { ServerSync } from '../www/src/sync.js';
import { mockData, seeded, startMock, USERS } from '../www/mock-rocketchat.mjs';
import { serverBody, sameBody } from '../tests/differential/server_oracle.mjs';

const arg = (name, fallback) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback;
const count = Number(arg('rooms', '100k').replace(/k$/, 'e3').replace(/m$/, 'e6'));
const latency = Number(arg('latency', '20'));
const data = mockData(count, seeded(17));
const mock = await startMock({ data, fastPaging: true });
const server = { url: mock.url, userId: 'manager', token: USERS.manager.token };
const away = (url, init) => new Promise((resolve) => setTimeout(resolve, latency)).then(() => fetch(url, init));
const params = { start: '2026-01-01T00:00:00.000Z', end: '2026-12-31T23:59:59.999Z' };
const expected = serverBody(data.rooms, data.departments, params);
const livechat = data.rooms.filter((room) => room.t === 'l').length;

console.log(`${count.toLocaleString('en')} mock rooms, ${latency} ms before each request, pages of 100, Node ${process.version}\n`);
console.log('| creation ranges read at once | load | requests | vs one at a time |');
console.log('| --- | --- | --- | --- |');
let first;
for (const parallel of [1, 2, 4, 8]) {
  const sync = new ServerSync({ server, ChatIndex, timeZone: 'UTC', parallel, fetch: away });
  const t0 = performance.now();
  const { requests } = await sync.load();
  const ms = performance.now() - t0;
  if (sync.index.size !== livechat) throw new Error(`parallel ${parallel}: ${sync.index.size} rooms, the server has ${livechat}`);
  if (!sameBody(sync.index.query(params), expected)) throw new Error(`parallel ${parallel}: the chart differs from the server's`);
  first ??= ms;
  console.log(`| ${parallel} | ${(ms / 1000).toFixed(2)} s | ${requests} | ${(first / ms).toFixed(2)}x faster |`);
  sync.free();
}
await mock.close();
