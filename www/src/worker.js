// The dashboard's worker: owns the wasm module and the ChatIndex, so that
// loading, parsing and paging through a server never freeze the page.
//
// Messages in:  {id, type: 'sample', end, timeZone}                         generate and load the sample
//               {id, type: 'files', rooms: File, departments?: File, timeZone}
//               {id, type: 'server', server, timeZone}                       load a live server
//               {id, type: 'refresh'}                                        a live server's changes
//               {id, type: 'chart', params, departments, compare, bucket?}   the bodies a view needs
//               {id, type: 'server-chart', server, params}                   the server's own body
//               {id, type: 'day-bounds', start, end, timeZone}               picker dates → instants
// Messages out: {id, type: 'progress', phase, done, total, unit}
//               {id, type: 'loaded', size, countable, range, departments, memoryBytes, wire?}
//               {id, type: 'refreshed', size, countable, changed, removed, bytes, departments}
//               {id, type: 'chart', requests, previous, series, startMs, endMs, usPerQuery}
//               {id, type: 'server-body', status, body}
//               {id, type: 'bounds', start, end}
//               {id, type: 'failed', status?, body?, message}
import init, { ChatIndex, dateParse } from '../../pkg/web.js';
import { ServerSync, credentials, restUrl } from './sync.js';
import { SAMPLE_ROOMS, departmentsJson, roomsJson } from '../sample/sample.mjs';

const ready = init();
/** Rooms per piece of the generated sample (and per progress step). */
const SAMPLE_PIECE = 2_000;
let index = null;
/** The live server's sync, when the source is a server. */
let sync = null;
/** The zone the current index reads dates in. */
let zone = 'UTC';

const post = (message) => self.postMessage(message);

/** Reads a byte stream into `target`, reporting progress in bytes. */
function streamInto(target, body, id, phase, total) {
  let done = 0;
  const counted = body.pipeThrough(new TransformStream({
    transform(chunk, controller) {
      done += chunk.length;
      post({ id, type: 'progress', phase, done, total, unit: 'bytes' });
      controller.enqueue(chunk);
    },
  }));
  return target.addStream(counted);
}

function replace(next) {
  index?.free();
  sync?.free();
  sync = null;
  index = next;
}

/** The index queried: the live server's, or the one loaded from the sample or files. */
const current = () => sync?.index ?? index;

/**
 * A new index, failing at once on a bad departments list (the index
 * would otherwise report it on every query) with `label` in front.
 */
function newIndex(departments, timeZone, label) {
  const next = new ChatIndex(departments, { timeZone });
  const probe = next.query({ start: '1970-01-01T00:00:00Z', end: '1970-01-01T00:00:00Z' });
  if (probe.success === false && probe.errorType === 'invalid-departments') {
    next.free();
    throw new Error(`${label}: ${probe.error}`);
  }
  return next;
}

/**
 * The sample, generated here as the same JSON text the sample file holds
 * (www/sample/sample.mjs), ending at `end`, and streamed into the index
 * piece by piece: no download, and the same reader as a file.
 */
async function loadSample(id, end, timeZone) {
  const next = newIndex(departmentsJson(), timeZone, 'sample departments');
  const pieces = roomsJson({ end, pieceRooms: SAMPLE_PIECE });
  const encoder = new TextEncoder();
  let rooms = 0;
  const body = new ReadableStream({
    pull(controller) {
      const { value, done } = pieces.next();
      if (done) return controller.close();
      rooms = Math.min(SAMPLE_ROOMS, rooms + SAMPLE_PIECE);
      post({ id, type: 'progress', phase: 'Generating the sample', done: rooms, total: SAMPLE_ROOMS, unit: 'rooms' });
      controller.enqueue(encoder.encode(value));
    },
  });
  try {
    await next.addStream(body);
  } catch (error) {
    next.free();
    throw error;
  }
  next.settle();
  replace(next);
}

async function loadFiles(id, roomsFile, departmentsFile, timeZone) {
  const departments = departmentsFile ? new Uint8Array(await departmentsFile.arrayBuffer()) : null;
  const next = newIndex(departments, timeZone, `departments file ${departmentsFile?.name}`);
  try {
    await streamInto(next, roomsFile.stream(), id, `Reading ${roomsFile.name}`, roomsFile.size);
  } catch (error) {
    next.free();
    // The library names the record and the position; say which file.
    throw new Error(`${roomsFile.name}: ${error.message}`);
  }
  next.settle();
  replace(next);
}

async function loadServer(id, server, timeZone) {
  const next = new ServerSync({
    server, ChatIndex, timeZone, fields: server.fields !== false,
    onProgress: (p) => post({ id, type: 'progress', unit: 'rooms', ...p }),
    // A busy or flaky server: say so while waiting to ask again.
    onRetry: (r) => post({ id, type: 'progress', phase: `${r.reason}; asking again in ${Math.ceil(r.waitMs / 1000)} s, attempt`, done: r.attempt + 1, total: next.retries + 1, unit: 'attempts' }),
  });
  const wire = await next.load();
  replace(null);
  sync = next;
  return { wire: { ...wire, perRoom: wire.rooms ? wire.bytes / wire.rooms : 0 } };
}

/** The departments the menu offers: the server's list, or the index's (listed or embedded). */
const departmentList = () => (sync ? sync.departments : current().departments());

/** The instants of a picker's local days in `timeZone`: start of `start`, last ms of `end`. */
function dayBounds(start, end, timeZone) {
  const midnight = (date) => dateParse(`${date}T00:00:00`, { timeZone });
  const next = (date) => new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
  return {
    start: start ? new Date(midnight(start)).toISOString() : null,
    end: end ? new Date(midnight(next(end)) - 1).toISOString() : null,
  };
}

/**
 * Every body a view needs: one request per department chosen (or one for
 * all), the same for the previous period of equal length, and the series
 * when the chart is over time. Timed per request: the clock in a worker is
 * coarse (100 µs without cross-origin isolation), so fast answers are
 * repeated until 2 ms have passed and averaged.
 */
function chart({ params, departments, compare, bucket }) {
  const target = current();
  const requests = (departments.length ? departments : [null]).map((departmentId) => (departmentId === null ? { ...params } : { ...params, departmentId }));
  const run = () => requests.map((p) => target.query(p));
  let runs = 1;
  let t0 = performance.now();
  let bodies = run();
  let elapsed = performance.now() - t0;
  if (elapsed < 2) {
    t0 = performance.now();
    for (runs = 0; performance.now() - t0 < 2; runs++) run();
    elapsed = performance.now() - t0;
    bodies = run();
  }
  const usPerQuery = (elapsed * 1000) / (runs * requests.length);
  const ms = (text) => {
    const value = typeof text === 'string' ? dateParse(text, { timeZone: zone }) : NaN;
    return Number.isNaN(value) ? null : value;
  };
  const [startMs, endMs] = [ms(params.start), ms(params.end)];
  const ok = bodies.every((b) => b.success === true);
  let previous = null;
  let previousRange = null;
  if (compare && ok && startMs !== null && endMs !== null && endMs >= startMs) {
    const length = endMs - startMs + 1;
    previousRange = { start: new Date(startMs - length).toISOString(), end: new Date(startMs - 1).toISOString() };
    previous = requests.map((p) => target.query({ ...p, ...previousRange }));
  }
  const series = bucket && ok ? requests.map((p) => target.series(p, { bucket })) : null;
  return {
    requests: requests.map((p, i) => ({ params: p, body: bodies[i] })),
    previous, previousRange, series, startMs, endMs, usPerQuery,
  };
}

self.onmessage = async ({ data }) => {
  const { id, type } = data;
  try {
    await ready;
    if (type === 'chart') {
      if (!current()) return post({ id, type: 'failed', message: 'No data loaded yet.' });
      return post({ id, type: 'chart', ...chart(data) });
    }
    if (type === 'day-bounds') return post({ id, type: 'bounds', ...dayBounds(data.start, data.end, data.timeZone) });
    if (type === 'refresh') {
      if (!sync) return post({ id, type: 'failed', message: 'No live server loaded.' });
      const result = await sync.refresh();
      return post({ id, type: 'refreshed', ...result, countable: sync.index.countable, range: sync.index.timeRange(), departments: sync.departments, memoryBytes: sync.index.memoryBytes });
    }
    if (type === 'server-chart') {
      const query = Object.fromEntries(Object.entries(data.params).filter(([, v]) => v !== undefined && v !== null));
      const url = restUrl(data.server.url, 'api/v1/livechat/analytics/dashboards/charts/chats-per-department', query);
      const response = await fetch(url, { headers: credentials(data.server) });
      return post({ id, type: 'server-body', status: response.status, body: await response.json() });
    }
    const extra = type === 'sample' ? await loadSample(id, data.end, data.timeZone)
      : type === 'files' ? await loadFiles(id, data.rooms, data.departments, data.timeZone)
        : await loadServer(id, data.server, data.timeZone);
    zone = data.timeZone;
    const held = current();
    post({ id, type: 'loaded', size: held.size, countable: held.countable, range: held.timeRange(), memoryBytes: held.memoryBytes, departments: departmentList(), ...extra });
  } catch (error) {
    post({ id, type: 'failed', status: error.status, body: error.body, message: error.message });
  }
};
