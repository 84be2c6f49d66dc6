// The live mode at scale, as a dashboard meets a big server: the dashboard's
// ServerSync (www/src/sync.js) in Node against the mock Rocket.Chat (fast
// paging, `fields` handled as --fields says), measuring
// - the first chart: the server's own chart endpoint, one request, which
//   the page shows while the rooms load;
// - the load: until the local index takes over;
// - a refresh after --deletions rooms deleted at random places: requests
//   and bytes of the bisection, against reading every room again (the
//   repair's last resort, and what every deletion cost before);
// each checked against the server's chart.
//
//   node bench/live.mjs [--rooms=1m] [--deletions=20] [--fields=ignored] [--first-chart-only]
import { performance } from 'node:perf_hooks';
import { ChatIndex } from '../pkg/node.mjs';
import { ServerSync, restUrl, credentials } from '../www/src/sync.js';
import { mockData, seeded, startMock, USERS } from '../www/mock-rocketchat.mjs';
import { sameBody } from '../tests/differential/server_oracle.mjs';

const arg = (name, fallback) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback;
const count = Number(arg('rooms', '1m').replace(/k$/, 'e3').replace(/m$/, 'e6'));
const deletions = Number(arg('deletions', '20'));
const fieldsBehaviour = arg('fields', 'ignored');
const data = mockData(count, seeded(29));
// The chart route's engine: a ChatIndex of the mock's rooms, built before
// the clock starts and again after a change, as MongoDB answers from
// indexes it keeps (the library is held equal to the server's pipelines by
// the differential suites; the oracle's mingo takes seconds here).
let engine = null;
let engineRooms = -1;
const chartBody = (rooms, departments, params) => {
  if (engineRooms !== rooms.length) {
    engine?.free();
    engine = new ChatIndex(departments, { timeZone: 'UTC' });
    engine.add(rooms);
    engineRooms = rooms.length;
  }
  return engine.query(params);
};
chartBody(data.rooms, data.departments, {});
const mock = await startMock({ data, fastPaging: true, fieldsBehaviour, chartBody, cacheMs: 0 });
const server = { url: mock.url, userId: 'manager', token: USERS.manager.token };
const params = { start: '2026-01-01T00:00:00.000Z', end: '2026-12-31T23:59:59.999Z' };
const mb = (bytes) => `${(bytes / 1e6).toFixed(2)} MB`;
const s = (ms) => `${(ms / 1000).toFixed(2)} s`;

console.log(`${count.toLocaleString('en')} mock rooms, fields ${fieldsBehaviour}, pages of 100, Node ${process.version}\n`);
let t0 = performance.now();
const response = await fetch(restUrl(server.url, 'api/v1/livechat/analytics/dashboards/charts/chats-per-department', params), { headers: credentials(server) });
const theirs = await response.json();
const firstChart = performance.now() - t0;
if (!theirs.success) throw new Error(`the server's chart: ${JSON.stringify(theirs)}`);
console.log(`first chart (the server's, 1 request): ${s(firstChart)}`);
if (process.argv.includes('--first-chart-only')) {
  await mock.close();
  process.exit(0);
}

const sync = new ServerSync({ server, ChatIndex, timeZone: 'UTC', reconcileEveryMs: Infinity });
t0 = performance.now();
const load = await sync.load();
const takeover = performance.now() - t0;
if (!sameBody(sync.index.query(params), theirs)) throw new Error('the loaded chart differs from the server\'s');
console.log(`local index takes over: ${s(takeover)} after connecting (${load.requests} requests, ${mb(load.bytes)}, ${(load.bytes / load.rooms).toFixed(0)} B/room, fields ${load.fields})`);

const random = seeded(31);
const remove = () => {
  for (let i = 0; i < deletions; i++) {
    const livechat = data.rooms.filter((room) => room.t === 'l');
    mock.remove(livechat[Math.floor(random() * livechat.length)]._id);
  }
};
remove();
t0 = performance.now();
const refreshed = await sync.refresh();
const refreshMs = performance.now() - t0;
if (refreshed.removed !== deletions || refreshed.reconciled) throw new Error(`bisection: ${JSON.stringify(refreshed)}`);
if (!sameBody(sync.index.query(params), chartBody(data.rooms, data.departments, params))) throw new Error('after the refresh the chart differs');
console.log(`refresh after ${deletions} scattered deletions (bisection): ${refreshed.requests} requests, ${mb(refreshed.bytes)}, ${s(refreshMs)}`);

remove();
const before = { requests: sync.requests, bytes: sync.bytes };
t0 = performance.now();
const removed = await sync.reconcile();
const reconcileMs = performance.now() - t0;
if (removed !== deletions) throw new Error(`reconcile removed ${removed}`);
console.log(`the same by reading every room again (the last resort; every deletion before): ${sync.requests - before.requests} requests, ${mb(sync.bytes - before.bytes)}, ${s(reconcileMs)}`);
sync.free();
await mock.close();
