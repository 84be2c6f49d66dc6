// A local stand-in for a live Rocket.Chat server, for the dashboard's tests
// and the live-sync differential: the three REST routes the dashboard uses,
// with the server's behaviour where it matters to a dashboard left open
// (docs/live-server.md):
//
// - `livechat/rooms` as `findRooms` answers it: only `t: 'l'` rooms, the
//   `createdAt`/`closedAt` filters, JSON `sort` (default `{ts: -1}`, newest
//   first) and `fields` projections run by mingo (MongoDB's ordering of
//   types, `_id` always included), `offset`/`count` capped at 100, and the
//   `department: {_id, name}` join on the page;
// - `fields` as each version treats it (`fieldsBehaviour`): `applied`
//   (before 7.0, or 7.x/8.x with ALLOW_UNSAFE_QUERY_AND_FIELDS_API_PARAMS),
//   `ignored` (7.x and 8.x by default: full rooms), `refused` (9.0: any
//   request carrying it answers Ajv's 400 `invalid-params`);
// - pages a flaky proxy or a lagging replica gives (`faults`: `empty`, a
//   `{"rooms": []}` page with the right `total`; `short`, half a page);
// - rooms that change: every change bumps `_updatedAt`; closing unsets
//   `open` and sets `closedAt`; a transfer changes `departmentId`; rooms are
//   inserted (with `ts` = now) and deleted;
// - the chart route answered by the independent oracle (real Ajv +
//   Date.parse + mingo running the server's pipelines, not this library),
//   cached 5 s per query string as the server's `mem` does;
// - 401/403 bodies verbatim, CORS headers, an optional path prefix
//   (`https://host/chat/`), and byte counters per route;
// - for benchmarks: `chartBody` (another engine for the chart route: the
//   oracle's mingo pipelines take seconds over a million rooms, where the
//   server's MongoDB answers from its indexes), `gzip` (answers compressed as a proxy in front of the
//   server would; `stats.wire` counts the bytes sent) and `fastPaging`
//   (the pages a dashboard asks for answered from sorted rooms, as
//   MongoDB's indexes answer them, so that a million rooms can be paged).
import { createServer } from 'node:http';
import { gzipSync } from 'node:zlib';
import { Query } from 'mingo';
import { serverBody } from '../tests/differential/server_oracle.mjs';

const UNAUTHORIZED = { status: 'error', message: 'You must be logged in to do this.' };
const FORBIDDEN = { success: false, error: 'User does not have the permissions required for this action [error-unauthorized]' };
// A monitor (Enterprise) sees only the rooms of their units' departments in
// `livechat/rooms` (`livechat.applyRoomRestrictions`); the chart counts all.
export const USERS = {
  manager: { token: 'manager-token', manager: true },
  agent: { token: 'agent-token', manager: false },
  monitor: { token: 'monitor-token', manager: true, departments: ['sales'] },
};
const UPPER_COUNT_LIMIT = 100;
/** Rocket.Chat 9's answer to a request carrying `fields` (schemas with `additionalProperties: false`). */
export const FIELDS_REFUSED = { success: false, error: 'must NOT have additional properties [invalid-params]', errorType: 'invalid-params' };
/** What each behaviour is, for tests that run against all three. */
export const FIELDS_BEHAVIOURS = ['applied', 'ignored', 'refused'];
const CHART = '/api/v1/livechat/analytics/dashboards/charts/chats-per-department';

/** A seeded generator (the tests must be reproducible). */
export function seeded(seed = 7) {
  return () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
}

/** Deterministic data: rooms with Date timestamps, departments (one archived). */
export function mockData(count = 1234, random = seeded(7)) {
  const departments = [
    { _id: 'sales', name: 'Sales', archived: false },
    { _id: 'support', name: 'Support', archived: false },
    { _id: 'legacy', name: 'Legacy desk', archived: true },
  ];
  const rooms = [];
  for (let i = 0; i < count; i++) {
    const ts = new Date(Date.UTC(2026, 0, 1) + Math.floor(random() * 120 * 86_400_000));
    const room = { _id: `room-${i}`, t: random() < 0.97 ? 'l' : 'c', ts, _updatedAt: new Date(ts.getTime() + 60_000), msgs: i % 17 };
    Object.assign(room, visitorFields(i, ts));
    const d = random();
    room.departmentId = d < 0.4 ? 'sales' : d < 0.75 ? 'support' : d < 0.9 ? 'legacy' : d < 0.95 ? 'deleted' : null;
    if (random() < 0.3) room.open = true;
    else if (random() < 0.05) room.open = false;
    else room.closedAt = new Date(ts.getTime() + 3_600_000);
    rooms.push(room);
  }
  return { rooms, departments };
}

/** What else a real livechat room carries (about 400 bytes), which a dashboard does not read. */
function visitorFields(n, ts) {
  return {
    fname: `Visitor ${n}`,
    v: { _id: `visitor-${n}`, username: `guest-${n}`, token: `token-${n.toString(36).padStart(12, '0')}`, status: 'online' },
    servedBy: { _id: `agent-${n % 7}`, username: `agent.${n % 7}`, ts },
    source: { type: 'widget', alias: 'livechat-widget' },
    cl: false,
    ro: false,
    usersCount: 2,
    lastMessage: { _id: `msg-${n}`, msg: 'Thank you, that solved it.', ts, u: { _id: `visitor-${n}`, username: `guest-${n}` } },
    metrics: { v: { lq: ts }, servedBy: { lr: ts }, response: { tt: 12, total: 1, avg: 12 } },
  };
}

/** A JSON query parameter (`sort`, `fields`, `createdAt`), or `undefined`. */
function jsonParam(url, name) {
  const text = url.searchParams.get(name);
  return text === null ? undefined : JSON.parse(text);
}

/** `findRoomsWithCriteria`'s query for the filters the dashboard may send. */
function roomsQuery(url) {
  const query = { t: 'l' };
  for (const [param, field] of [['createdAt', 'ts'], ['closedAt', 'closedAt']]) {
    const range = jsonParam(url, param);
    if (!range || !Object.keys(range).length) continue;
    query[field] = {};
    if (range.start) query[field].$gte = new Date(range.start);
    if (range.end) query[field].$lte = new Date(range.end);
  }
  return query;
}

/** `count` and `offset` of a page request, as the server reads them. */
const countOf = (url) => Math.min(Number(url.searchParams.get('count') ?? 25), UPPER_COUNT_LIMIT);
const offsetOf = (url) => Number(url.searchParams.get('offset') ?? 0);
/** The parameters and sort keys a fast page may have (any other goes to mingo). */
const PAGING_KEYS = new Set(['count', 'offset', 'sort', 'fields', 'createdAt']);
const SORT_KEYS = new Set(['ts', '_updatedAt', '_id']);

/** An inclusion projection (`{field: 1, …}`) of a room's top-level fields. */
function pick(room, projection) {
  const picked = {};
  for (const key of Object.keys(room)) if (projection[key]) picked[key] = room[key];
  return picked;
}

/** Dates as the REST API writes them (ISO strings). */
const asJson = (room) => JSON.parse(JSON.stringify(room));

/**
 * Starts the mock on 127.0.0.1 (port 0: any free port). Returns `{url,
 * origin, data, stats, close}` and the mutators below (`insert`,
 * `closeRoom`, `transfer`, `remove`, `renameDepartment`, `churn`).
 * `onRooms(url)` runs before each `livechat/rooms` answer (a test inserts
 * rooms there to change the collection while the dashboard pages).
 */
export function startMock({ port = 0, data = mockData(), prefix = '', cacheMs = 5000, onRooms = null, gzip = false, fastPaging = false, fieldsBehaviour = 'ignored', chartBody = serverBody } = {}) {
  const stats = { requests: {}, bytes: {}, wire: {} };
  /**
   * Set `mock.failNext = n` to answer the next n requests with a 503;
   * `mock.faults` spoils rooms requests one by one; `mock.fieldsBehaviour`
   * may change while running (a server upgraded under a dashboard).
   */
  const mock = { failNext: 0, faults: [], fieldsBehaviour, roomsDelayMs: 0 };
  const cache = new Map();
  let clock = 0;
  let inserted = 0;
  /** Bumped by every change (the fast paging's sorts are then stale). */
  let version = 0;
  /** `_updatedAt` for a change now: strictly increasing, as a test needs to order changes. */
  const now = () => new Date((clock = Math.max(Date.now(), clock + 1)));

  const mutators = {
    /** Inserts `n` open livechat rooms created now; returns their ids. */
    insert(n = 1, departmentId = 'sales') {
      const ids = [];
      for (let i = 0; i < n; i++) {
        const at = now();
        const room = { _id: `new-${++inserted}`, t: 'l', open: true, departmentId, ts: at, _updatedAt: at, msgs: 0, ...visitorFields(100_000 + inserted, at) };
        data.rooms.push(room);
        version++;
        ids.push(room._id);
      }
      return ids;
    },
    /** Closes a room as the server does: `open` unset, `closedAt` set. */
    closeRoom(id) {
      const room = data.rooms.find((r) => r._id === id);
      delete room.open;
      room.closedAt = now();
      room._updatedAt = room.closedAt;
      version++;
    },
    transfer(id, departmentId) {
      const room = data.rooms.find((r) => r._id === id);
      room.departmentId = departmentId;
      room._updatedAt = now();
      version++;
    },
    remove(id) {
      data.rooms.splice(data.rooms.findIndex((r) => r._id === id), 1);
      version++;
    },
    /** Renames a department (or creates it): no room changes, as on the server. */
    renameDepartment(id, name) {
      const department = data.departments.find((d) => d._id === id);
      if (department) department.name = name;
      else data.departments.push({ _id: id, name, archived: false });
    },
    /** `count` random changes of every kind; returns what was done. */
    churn(count, random) {
      const done = { inserted: 0, closed: 0, transferred: 0, deleted: 0 };
      for (let i = 0; i < count; i++) {
        const live = data.rooms.filter((r) => r.t === 'l');
        const room = live[Math.floor(random() * live.length)];
        const kind = random();
        if (kind < 0.3 || !room) {
          mutators.insert(1, random() < 0.5 ? 'sales' : 'support');
          done.inserted++;
        } else if (kind < 0.55) {
          mutators.closeRoom(room._id);
          done.closed++;
        } else if (kind < 0.8) {
          mutators.transfer(room._id, ['sales', 'support', 'legacy', 'deleted', 'late'][Math.floor(random() * 5)]);
          done.transferred++;
        } else {
          mutators.remove(room._id);
          done.deleted++;
        }
      }
      return done;
    },
  };

  // Pages as a dashboard reads them (by creation: `sort={"ts":1,"_id":1}`
  // with `createdAt={"start"}` or `{"start","end"}`; by last update:
  // `sort={"_updatedAt":-1,…}`)
  // answered from the livechat rooms sorted once per sort, as MongoDB
  // answers them from an index; mingo scans and sorts every room for each
  // page, which a benchmark of a million rooms cannot wait for. Only with
  // `fastPaging`; every change sorts again. `mock-rocketchat.test.mjs`
  // holds these answers equal to mingo's.
  const sorted = new Map();
  function roomsSorted(url, user, fields) {
    if (!fastPaging || user.departments || [...url.searchParams.keys()].some((key) => !PAGING_KEYS.has(key))) return null;
    const order = Object.entries(jsonParam(url, 'sort') ?? {});
    if (!order.length || order.some(([key, way]) => !SORT_KEYS.has(key) || (way !== 1 && way !== -1))) return null;
    if (fields && Object.entries(fields).some(([key, value]) => value !== 1 || key.includes('.'))) return null;
    const createdAt = jsonParam(url, 'createdAt') ?? {};
    const [count, offset] = [countOf(url), offsetOf(url)];
    // Only a plain start, and an end with it, on rooms sorted by creation
    // (`{ts: {}}`, what an empty one builds, is left to mingo).
    const keys = Object.keys(createdAt);
    const range = keys.length === 1 || (keys.length === 2 && createdAt.end);
    if (keys.length && (!range || !createdAt.start || order[0][0] !== 'ts' || order[0][1] !== 1)) return null;
    if (!(count >= 0 && Number.isInteger(offset) && offset >= 0)) return null;
    const start = createdAt.start ? new Date(createdAt.start).getTime() : -Infinity;
    const end = createdAt.end ? new Date(createdAt.end).getTime() : Infinity;
    if (Number.isNaN(start) || Number.isNaN(end)) return null;
    const key = JSON.stringify(order);
    let rooms = sorted.get(key);
    if (rooms?.version !== version) {
      const live = data.rooms.filter((room) => room.t === 'l');
      const typed = live.every((room) => room.ts instanceof Date && room._updatedAt instanceof Date && typeof room._id === 'string');
      // Array.prototype.sort is stable, as mingo's order of equal keys is the collection's.
      const compare = (a, b) => {
        for (const [field, way] of order) {
          const [x, y] = field === '_id' ? [a._id, b._id] : [a[field].getTime(), b[field].getTime()];
          if (x !== y) return (x < y ? -1 : 1) * way;
        }
        return 0;
      };
      rooms = Object.assign(typed ? live.sort(compare) : [], { version, typed });
      sorted.set(key, rooms);
    }
    if (!rooms.typed) return null;
    // The first room created at `start` or later, and the first after `end`.
    const firstNotBefore = (time, after) => {
      let low = 0;
      for (let high = rooms.length; low < high;) {
        const middle = (low + high) >>> 1;
        const ts = rooms[middle].ts.getTime();
        if (ts < time || (after && ts === time)) low = middle + 1;
        else high = middle;
      }
      return low;
    };
    const low = firstNotBefore(start, false);
    const high = Math.max(low, end === Infinity ? rooms.length : firstNotBefore(end, true));
    return { rooms: rooms.slice(Math.min(low + offset, high), Math.min(low + offset + count, high)), total: high - low };
  }

  function rooms(url, user) {
    const [count, offset] = [countOf(url), offsetOf(url)];
    const fields = mock.fieldsBehaviour === 'applied' ? jsonParam(url, 'fields') : undefined;
    const sort = jsonParam(url, 'sort') ?? { ts: -1 };
    // MongoDB includes `_id` unless the projection excludes it.
    const projection = fields && fields._id === undefined ? { _id: 1, ...fields } : fields;
    const fast = roomsSorted(url, user, fields);
    if (fast) {
      stats.fast = (stats.fast ?? 0) + 1;
      const page = fast.rooms.map((room) => asJson(projection ? pick(room, projection) : room));
      return joined(page, offset, fast.total);
    }
    const criteria = roomsQuery(url);
    if (user.departments) criteria.departmentId = { $in: user.departments };
    const query = new Query(criteria);
    const total = query.find(data.rooms).all().length;
    const page = query.find(data.rooms, projection).sort(sort).skip(offset).limit(count).all().map(asJson);
    return joined(page, offset, total);
  }

  /** A page with each room's `department: {_id, name}` joined, as the server answers. */
  function joined(page, offset, total) {
    for (const room of page) {
      const department = data.departments.find((d) => d._id === room.departmentId);
      if (room.departmentId && department) room.department = { _id: department._id, name: department.name };
    }
    return { rooms: page, count: page.length, offset, total, success: true };
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url, 'http://localhost');
    const route = url.pathname.startsWith(`${prefix}/`) ? url.pathname.slice(prefix.length) : null;
    const send = (status, body) => {
      const text = JSON.stringify(body);
      stats.requests[route] = (stats.requests[route] ?? 0) + 1;
      stats.bytes[route] = (stats.bytes[route] ?? 0) + Buffer.byteLength(text);
      const headers = { 'content-type': 'application/json', 'access-control-allow-origin': '*', 'access-control-allow-headers': 'X-User-Id, X-Auth-Token' };
      // As a server behind a compressing proxy answers; `stats.wire` counts what was sent.
      const compressed = gzip && /\bgzip\b/.test(req.headers['accept-encoding'] ?? '') ? gzipSync(text) : null;
      if (compressed) headers['content-encoding'] = 'gzip';
      stats.wire[route] = (stats.wire[route] ?? 0) + (compressed?.length ?? Buffer.byteLength(text));
      res.writeHead(status, headers);
      res.end(compressed ?? text);
    };
    if (req.method === 'OPTIONS') return send(204, {});
    if (mock.failNext > 0) {
      mock.failNext--;
      return send(503, { success: false, error: 'Service Unavailable' });
    }
    // A hostile or flaky server: `mock.faults.push('html')` spoils the next rooms request.
    const fault = route === '/api/v1/livechat/rooms' ? mock.faults.shift() : undefined;
    const page = () => rooms(url, USERS[req.headers['x-user-id']] ?? {});
    if (fault) stats.faults = (stats.faults ?? 0) + 1;
    switch (fault) {
      case 'html':
        return void res.writeHead(200, { 'content-type': 'text/html' }).end('<html><body><h1>502 Bad Gateway</h1></body></html>');
      case 'truncated':
        return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"rooms":[{"_id":"x","t":"l"');
      case 'not-a-page':
        return send(200, { success: true });
      case '429':
        res.setHeader('retry-after', '1');
        return send(429, { success: false, error: 'Too many requests' });
      case 'hang':
        return undefined; // never answers
      case 'drop':
        return void req.socket.destroy();
      case 'wrong-total':
        return send(200, { ...page(), total: 1 });
      case 'empty':
        return send(200, { ...page(), rooms: [], count: 0 });
      case 'short': {
        const whole = page();
        const half = whole.rooms.slice(0, Math.floor(whole.rooms.length / 2));
        return send(200, { ...whole, rooms: half, count: half.length });
      }
      default:
    }
    const respond = () => {
      try {
        answer(route, url, req, send);
      } catch (error) {
        send(500, { success: false, error: String(error?.stack ?? error) });
      }
    };
    // A big or far server: each rooms page takes `mock.roomsDelayMs`.
    if (route === '/api/v1/livechat/rooms' && mock.roomsDelayMs > 0) return void setTimeout(respond, mock.roomsDelayMs);
    respond();
  });

  function answer(route, url, req, send) {
    const user = USERS[req.headers['x-user-id']];
    if (!user || user.token !== req.headers['x-auth-token']) return send(401, UNAUTHORIZED);
    if (mock.fieldsBehaviour === 'refused' && url.searchParams.has('fields')) {
      stats.refused = (stats.refused ?? 0) + 1;
      return send(400, FIELDS_REFUSED);
    }
    switch (route) {
      case '/api/v1/livechat/rooms': {
        if (!user.manager) return send(403, FORBIDDEN);
        onRooms?.(url);
        return send(200, rooms(url, user));
      }
      case '/api/v1/livechat/department': {
        if (!user.manager) return send(403, FORBIDDEN);
        const count = Math.min(Number(url.searchParams.get('count') ?? 25), UPPER_COUNT_LIMIT);
        const offset = Number(url.searchParams.get('offset') ?? 0);
        const all = data.departments.filter((d) => url.searchParams.get('showArchived') === 'true' || !d.archived);
        const page = all.slice(offset, offset + count);
        return send(200, { departments: page, count: page.length, offset, total: all.length, success: true });
      }
      case CHART: {
        const params = {};
        for (const key of new Set(url.searchParams.keys())) {
          const values = url.searchParams.getAll(key);
          params[key] = values.length > 1 ? values : values[0];
        }
        const body = chartBody(data.rooms, data.departments, params);
        if (!body.success) return send(400, body);
        if (!user.manager) return send(403, FORBIDDEN);
        // The server's `mem(…, {maxAge: 5000})`: the same query within 5 s gets the same body.
        const key = url.search;
        const hit = cache.get(key);
        if (hit && Date.now() - hit.at < cacheMs) return send(200, hit.body);
        cache.set(key, { at: Date.now(), body });
        return send(200, body);
      }
      default:
        return send(404, { success: false, error: 'not found' });
    }
  }
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => {
    const origin = `http://127.0.0.1:${server.address().port}`;
    resolve(Object.assign(mock, { url: `${origin}${prefix}/`, origin, data, stats, ...mutators, close: () => new Promise((r) => server.close(r)) }));
  }));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const mock = await startMock({ port: Number(process.env.PORT ?? 3100) });
  console.log(`mock Rocket.Chat on ${mock.url} (X-User-Id: manager, X-Auth-Token: manager-token)`);
}
