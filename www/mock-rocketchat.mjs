// A local stand-in for a Rocket.Chat server, for the dashboard's tests: the
// three REST routes the dashboard uses, with the server's paging cap, its
// 401 and 403 bodies, and a chats-per-department route answered by the
// independent oracle (real Ajv + Date.parse + mingo running the server's
// pipelines), not by this library.
import { createServer } from 'node:http';
import { serverBody } from '../tests/differential/server_oracle.mjs';

const UNAUTHORIZED = { status: 'error', message: 'You must be logged in to do this.' };
const FORBIDDEN = { success: false, error: 'User does not have the permissions required for this action [error-unauthorized]' };
export const USERS = { manager: { token: 'manager-token', manager: true }, agent: { token: 'agent-token', manager: false } };
const UPPER_COUNT_LIMIT = 100;

/** Deterministic data: rooms with Date timestamps, departments (one archived). */
export function mockData(count = 1234) {
  const departments = [
    { _id: 'sales', name: 'Sales', archived: false },
    { _id: 'support', name: 'Support', archived: false },
    { _id: 'legacy', name: 'Legacy desk', archived: true },
  ];
  const rooms = [];
  let seed = 7;
  const random = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  for (let i = 0; i < count; i++) {
    const room = { _id: `room-${i}`, t: random() < 0.97 ? 'l' : 'c', ts: new Date(Date.UTC(2026, 0, 1) + Math.floor(random() * 120 * 86_400_000)), msgs: i % 17 };
    const d = random();
    room.departmentId = d < 0.4 ? 'sales' : d < 0.75 ? 'support' : d < 0.9 ? 'legacy' : d < 0.95 ? 'deleted' : null;
    if (random() < 0.3) room.open = true;
    else if (random() < 0.05) room.open = false;
    rooms.push(room);
  }
  return { rooms, departments };
}

const asRest = (room, departments) => {
  const out = { ...room, ts: room.ts.toISOString() };
  const d = departments.find((x) => x._id === room.departmentId);
  if (d) out.department = { _id: d._id, name: d.name };
  return out;
};

/** Starts the mock on 127.0.0.1 (port 0: any free port). */
export function startMock({ port = 0, data = mockData() } = {}) {
  const server = createServer((req, res) => {
    const send = (status, body) => {
      res.writeHead(status, { 'content-type': 'application/json', 'access-control-allow-origin': '*', 'access-control-allow-headers': 'X-User-Id, X-Auth-Token' });
      res.end(JSON.stringify(body));
    };
    if (req.method === 'OPTIONS') return send(204, {});
    const url = new URL(req.url, 'http://localhost');
    const user = USERS[req.headers['x-user-id']];
    if (!user || user.token !== req.headers['x-auth-token']) return send(401, UNAUTHORIZED);
    const count = Math.min(Number(url.searchParams.get('count') ?? 25), UPPER_COUNT_LIMIT);
    const offset = Number(url.searchParams.get('offset') ?? 0);
    switch (url.pathname) {
      case '/api/v1/livechat/rooms': {
        if (!user.manager) return send(403, FORBIDDEN);
        const page = data.rooms.slice(offset, offset + count).map((r) => asRest(r, data.departments));
        return send(200, { rooms: page, count: page.length, offset, total: data.rooms.length, success: true });
      }
      case '/api/v1/livechat/department': {
        if (!user.manager) return send(403, FORBIDDEN);
        const all = data.departments.filter((d) => url.searchParams.get('showArchived') === 'true' || !d.archived);
        const page = all.slice(offset, offset + count);
        return send(200, { departments: page, count: page.length, offset, total: all.length, success: true });
      }
      case '/api/v1/livechat/analytics/dashboards/charts/chats-per-department': {
        const params = {};
        for (const key of new Set(url.searchParams.keys())) {
          const values = url.searchParams.getAll(key);
          params[key] = values.length > 1 ? values : values[0];
        }
        const body = serverBody(data.rooms, data.departments, params);
        if (!body.success) return send(400, body);
        return user.manager ? send(200, body) : send(403, FORBIDDEN);
      }
      default:
        return send(404, { success: false, error: 'not found' });
    }
  });
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve({ url: `http://127.0.0.1:${server.address().port}`, data, close: () => new Promise((r) => server.close(r)) })));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const mock = await startMock({ port: Number(process.env.PORT ?? 3100) });
  console.log(`mock Rocket.Chat on ${mock.url} (X-User-Id: manager, X-Auth-Token: manager-token)`);
}
