// The dashboard's worker: owns the wasm module and the ChatIndex, so that
// loading, parsing and paging through a server never freeze the page.
//
// Messages in:  {id, type: 'sample' | 'files' | 'server', timeZone, ...}   load a source
//               {id, type: 'refresh'}                                      a live server's changes
//               {id, type: 'query', params} | {id, type: 'server-chart', params}
//               {id, type: 'day-bounds', start, end, timeZone}             picker dates → instants
// Messages out: {id, type: 'progress', phase, done, total}
//               {id, type: 'loaded', size, departments: [{_id, name}], memoryBytes, wire?}
//               {id, type: 'refreshed', size, read, removed, reconciled, bytes, departments}
//               {id, type: 'body', body, ms}
//               {id, type: 'server-body', status, body}
//               {id, type: 'bounds', start, end}
//               {id, type: 'failed', status?, body?, message}
import init, { ChatIndex, dateParse } from '../../pkg/web.js';
import { ServerSync, credentials, restUrl } from './sync.js';

const ready = init();
let index = null;
let departments = [];
/** The live server's sync, when the source is a server. */
let sync = null;

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
  sync?.free();
  sync = null;
  index = next;
  departments = nextDepartments;
}

/** The index queried: the live server's, or the one loaded from a sample or files. */
const current = () => sync?.index ?? index;

/** Department records from a list, or from rooms' embedded objects. */
function departmentList(records) {
  return (records ?? []).map((d) => ({ _id: String(d._id), name: d.name === undefined ? 'undefined' : String(d.name) }));
}

/** The bundled sample, from `base` (the page's sample/ folder). */
async function loadSample(id, base, timeZone) {
  const [departmentsJson, range] = await Promise.all([
    fetch(new URL('departments.json', base)).then((r) => r.json()),
    fetch(new URL('range.json', base)).then((r) => r.json()),
  ]);
  const next = new ChatIndex(departmentsJson, { timeZone });
  await streamInto(next, await fetch(new URL('rooms.json', base)), id, 'Loading sample');
  next.settle();
  replaceIndex(next, departmentList(departmentsJson.departments));
  return { range };
}

async function loadFiles(id, roomsFile, departmentsFile, timeZone) {
  let list = null;
  let departmentsInput = null;
  if (departmentsFile) {
    departmentsInput = new Uint8Array(await departmentsFile.arrayBuffer());
    list = parseDepartments(departmentsInput);
  }
  const next = new ChatIndex(departmentsInput, { timeZone });
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

async function loadServer(id, server, timeZone) {
  const next = new ServerSync({
    server, ChatIndex, timeZone, fields: server.fields !== false,
    onProgress: (p) => post({ id, type: 'progress', ...p }),
    // A busy or flaky server: say so while waiting to ask again.
    onRetry: (r) => post({ id, type: 'progress', phase: `${r.reason}; asking again in ${Math.ceil(r.waitMs / 1000)} s, attempt`, done: r.attempt + 1, total: next.retries + 1 }),
  });
  const wire = await next.load();
  sync?.free();
  sync = next;
  // The index belongs to the sync; `replaceIndex` must not free it twice.
  index?.free();
  index = null;
  departments = next.departments;
  return { wire: { ...wire, perRoom: wire.rooms ? wire.bytes / wire.rooms : 0 } };
}

/** The instants of a picker's local days in `timeZone`: start of `start`, last ms of `end`. */
function dayBounds(start, end, timeZone) {
  const midnight = (date) => dateParse(`${date}T00:00:00`, { timeZone });
  const next = (date) => new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
  return {
    start: start ? new Date(midnight(start)).toISOString() : null,
    end: end ? new Date(midnight(next(end)) - 1).toISOString() : null,
  };
}

self.onmessage = async ({ data }) => {
  const { id, type } = data;
  try {
    await ready;
    if (type === 'query') {
      if (!current()) return post({ id, type: 'failed', message: 'No data loaded yet.' });
      const t0 = performance.now();
      const body = current().query(data.params);
      return post({ id, type: 'body', body, ms: performance.now() - t0 });
    }
    if (type === 'day-bounds') return post({ id, type: 'bounds', ...dayBounds(data.start, data.end, data.timeZone) });
    if (type === 'refresh') {
      if (!sync) return post({ id, type: 'failed', message: 'No live server loaded.' });
      const result = await sync.refresh();
      return post({ id, type: 'refreshed', ...result, departments: sync.departments, memoryBytes: sync.index.memoryBytes });
    }
    if (type === 'server-chart') {
      const query = Object.fromEntries(Object.entries(data.params).filter(([, v]) => v !== undefined && v !== null));
      const url = restUrl(data.server.url, 'api/v1/livechat/analytics/dashboards/charts/chats-per-department', query);
      const response = await fetch(url, { headers: credentials(data.server) });
      return post({ id, type: 'server-body', status: response.status, body: await response.json() });
    }
    const { timeZone } = data;
    const extra = type === 'sample' ? await loadSample(id, data.base, timeZone)
      : type === 'files' ? await loadFiles(id, data.rooms, data.departments, timeZone)
        : await loadServer(id, data.server, timeZone);
    post({ id, type: 'loaded', size: current().size, memoryBytes: current().memoryBytes, departments, ...extra });
  } catch (error) {
    post({ id, type: 'failed', status: error.status, body: error.body, message: error.message });
  }
};
