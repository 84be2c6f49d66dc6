// The dashboard's worker: owns the wasm module and the ChatIndex, so that
// loading, parsing and paging through a server never freeze the page.
//
// Messages in:  {id, type: 'sample' | 'files' | 'server' | 'query' | 'server-chart', ...}
// Messages out: {id, type: 'progress', phase, done, total}
//               {id, type: 'loaded', size, departments: [{_id, name}], memoryBytes}
//               {id, type: 'body', body, ms}
//               {id, type: 'server-body', status, body}
//               {id, type: 'failed', status?, body?, message}
import init, { ChatIndex } from '../../pkg/web.js';

const ready = init();
let index = null;
let departments = [];

const post = (message) => self.postMessage(message);

/** Reads a Response body as a stream into a new index, reporting progress. */
async function streamInto(target, response, id, phase) {
  const total = Number(response.headers.get('content-length')) || 0;
  let done = 0;
  const counted = response.body.pipeThrough(new TransformStream({
    transform(chunk, controller) {
      done += chunk.length;
      post({ id, type: 'progress', phase, done, total });
      controller.enqueue(chunk);
    },
  }));
  return target.addStream(counted);
}

function replaceIndex(next, nextDepartments) {
  index?.free();
  index = next;
  departments = nextDepartments;
}

/** Department records from a list, or from rooms' embedded objects. */
function departmentList(records) {
  return (records ?? []).map((d) => ({ _id: String(d._id), name: d.name === undefined ? 'undefined' : String(d.name) }));
}

/** The bundled sample, from `base` (the page's sample/ folder). */
async function loadSample(id, base) {
  const [departmentsJson, range] = await Promise.all([
    fetch(new URL('departments.json', base)).then((r) => r.json()),
    fetch(new URL('range.json', base)).then((r) => r.json()),
  ]);
  const next = new ChatIndex(departmentsJson);
  await streamInto(next, await fetch(new URL('rooms.json', base)), id, 'Loading sample');
  next.settle();
  replaceIndex(next, departmentList(departmentsJson.departments));
  return { range };
}

async function loadFiles(id, roomsFile, departmentsFile) {
  let list = null;
  let departmentsInput = null;
  if (departmentsFile) {
    departmentsInput = new Uint8Array(await departmentsFile.arrayBuffer());
    list = parseDepartments(departmentsInput);
  }
  const next = new ChatIndex(departmentsInput);
  await streamInto(next, new Response(roomsFile), id, `Reading ${roomsFile.name}`);
  next.settle();
  replaceIndex(next, list ?? []);
  return {};
}

/** Departments for the filter menu (the index has already validated them). */
function parseDepartments(bytes) {
  const text = new TextDecoder().decode(bytes).trim();
  try {
    const value = JSON.parse(text);
    return departmentList(Array.isArray(value) ? value : value.departments);
  } catch {
    return departmentList(text.split('\n').filter(Boolean).map((line) => JSON.parse(line)));
  }
}

/** The auth headers, only those given (none at all without credentials). */
function credentials(server) {
  const headers = {};
  if (server.userId) headers['X-User-Id'] = server.userId;
  if (server.token) headers['X-Auth-Token'] = server.token;
  return headers;
}

/** GET a Rocket.Chat REST path; non-2xx answers carry the server's body. */
async function rest(server, path) {
  const response = await fetch(new URL(path, server.url), { headers: credentials(server) });
  const text = await response.text();
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    body = text;
  }
  if (!response.ok) {
    const error = new Error(`${response.status} from ${path}`);
    Object.assign(error, { status: response.status, body });
    throw error;
  }
  return body;
}

async function loadServer(id, server) {
  const pageSize = server.pageSize ?? 500;
  // Departments, archived ones included (the server's join resolves them too).
  // The server caps `count` (API_Upper_Count_Limit): the next offset is
  // what was actually received, until `total` is reached.
  const deps = [];
  for (;;) {
    const page = await rest(server, `/api/v1/livechat/department?count=${pageSize}&offset=${deps.length}&showArchived=true`);
    deps.push(...page.departments);
    post({ id, type: 'progress', phase: 'Departments', done: deps.length, total: page.total });
    if (page.departments.length === 0 || deps.length >= page.total) break;
  }
  const next = new ChatIndex(deps);
  // All rooms: no `open` filter (it would drop on-hold and queued rooms).
  let seen = 0;
  try {
    for (;;) {
      const page = await rest(server, `/api/v1/livechat/rooms?count=${pageSize}&offset=${seen}`);
      next.add(page);
      seen += page.rooms.length;
      post({ id, type: 'progress', phase: 'Rooms', done: seen, total: page.total });
      if (page.rooms.length === 0 || seen >= page.total) break;
    }
  } catch (error) {
    next.free();
    throw error;
  }
  next.settle();
  replaceIndex(next, departmentList(deps));
  return {};
}

self.onmessage = async ({ data }) => {
  const { id, type } = data;
  try {
    await ready;
    if (type === 'query') {
      if (!index) return post({ id, type: 'failed', message: 'No data loaded yet.' });
      const t0 = performance.now();
      const body = index.query(data.params);
      return post({ id, type: 'body', body, ms: performance.now() - t0 });
    }
    if (type === 'server-chart') {
      const { server, params } = data;
      const query = new URLSearchParams(Object.entries(params).filter(([, v]) => v !== undefined && v !== null));
      const response = await fetch(new URL(`/api/v1/livechat/analytics/dashboards/charts/chats-per-department?${query}`, server.url), { headers: credentials(server) });
      return post({ id, type: 'server-body', status: response.status, body: await response.json() });
    }
    const extra = type === 'sample' ? await loadSample(id, data.base) : type === 'files' ? await loadFiles(id, data.rooms, data.departments) : await loadServer(id, data.server);
    post({ id, type: 'loaded', size: index.size, memoryBytes: index.memoryBytes, departments, ...extra });
  } catch (error) {
    post({ id, type: 'failed', status: error.status, body: error.body, message: error.message });
  }
};
