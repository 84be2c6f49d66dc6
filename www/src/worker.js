// The dashboard's worker: owns the wasm module and the ChatIndex, so that
// loading, parsing and paging through a server never freeze the page.
//
// Messages in:  {id, type: 'sample', end, timeZone, fresh?}                 generate and load the sample
//               {id, type: 'files', rooms: File, departments?: File, timeZone, fresh?}
//               {id, type: 'server', server, timeZone, fresh?}               load a live server
//               (each source's index is kept in this browser and reopened
//               from there unless `fresh`; see saved.js)
//               {id, type: 'refresh'}                                        a live server's changes
//               {id, type: 'chart', params, departments, compare, bucket?}   the bodies a view needs
//               {id, type: 'server-chart', server, params}                   the server's own body
//               {id, type: 'day-bounds', start, end, timeZone}               picker dates → instants
//               {id, type: 'explain-zone', requests, bodies, candidates}     the zone the server's bodies were read in, if one explains them
// Messages out: {id, type: 'progress', phase, done, total, unit}
//               {id, type: 'loaded', size, countable, range, departments, memoryBytes, wire?, reopened?}
//               {id, type: 'refreshed', size, countable, changed, removed, bytes, departments, fields, doubts}
//               {id, type: 'chart', requests, previous, series, startMs, endMs, usPerQuery}
//               {id, type: 'server-body', status, body}
//               {id, type: 'bounds', start, end}
//               {id, type: 'zone', zone}                                     null when no candidate explains the difference
//               {id, type: 'failed', status?, body?, message}
//               {type: 'saved', where, ms}                                   the index was kept (where: 'OPFS', 'IndexedDB' or null)
import init, { ChatIndex, dateParse } from '../../pkg/web.js';
import { ServerSync, canonicalBody, credentials, restUrl } from './sync.js';
import { SAMPLE_ROOMS, departmentsJson, roomsJson } from '../sample/sample.mjs';
import { forget, openSaved, save } from './saved.js';

const ready = init();
/** Rooms per piece of the generated sample (and per progress step). */
const SAMPLE_PIECE = 2_000;
let index = null;
/** The live server's sync, when the source is a server. */
let sync = null;
/** The zone the current index reads dates in. */
let zone = 'UTC';
/**
 * Rooms past which a server's rooms are not loaded into this tab: the
 * index holds about 21-25 bytes a room, but a load's peak is several times
 * that (a 10M-room stream peaks near 750 MB of wasm memory) and a tab may
 * get far less than the 4 GiB a wasm memory can address. Past it, the page
 * stays on the server's own answers.
 */
const MAX_ROOMS = 5_000_000;

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

/** A live server's sync, not loaded yet. */
function serverSync(id, server, timeZone, maxRooms = MAX_ROOMS) {
  const next = new ServerSync({
    server, ChatIndex, timeZone, fields: server.fields !== false, maxRooms,
    onProgress: (p) => post({ id, type: 'progress', unit: 'rooms', ...p }),
    // A busy or flaky server: say so while waiting to ask again.
    onRetry: (r) => post({ id, type: 'progress', phase: `${r.reason}; asking again in ${Math.ceil(r.waitMs / 1000)} s, attempt`, done: r.attempt + 1, total: next.retries + 1, unit: 'attempts' }),
  });
  return next;
}

async function loadServer(id, server, timeZone, maxRooms) {
  const next = serverSync(id, server, timeZone, maxRooms);
  const wire = await next.load();
  replace(null);
  sync = next;
  return { wire: { ...wire, perRoom: wire.rooms ? wire.bytes / wire.rooms : 0 }, doubts: wire.doubts };
}

/**
 * What a source's index depends on, as the key it is saved under: the
 * file's name, size and date, or the server and user (never a token), and
 * the time zone its dates were read in.
 */
function sourceKey(data) {
  const file = (f) => (f ? `${f.name}|${f.size}|${f.lastModified}` : '-');
  const what = data.type === 'sample' ? `sample|${data.end}`
    : data.type === 'files' ? `files|${file(data.rooms)}|${file(data.departments)}`
      : `server|${data.server.url}|${data.server.userId ?? ''}|${data.server.fields !== false}`;
  return `${what}|${data.timeZone}`;
}

/**
 * The source a saved copy belongs to, whatever its date, size or zone: a
 * source keeps only its newest copy.
 */
function sourceOf(data) {
  return data.type === 'sample' ? 'sample'
    : data.type === 'files' ? `files|${data.rooms?.name ?? '-'}|${data.departments?.name ?? '-'}`
      : `server|${data.server.url}|${data.server.userId ?? ''}`;
}

/** The key of the source held now (what `saveSoon` saves under), and its source. */
let heldKey = null;
let heldSource = null;
/** Keys whose last save failed (said once). */
const saveFailed = new Set();
let saveTimer = 0;
/** How long the last save kept the worker busy (ms). */
let lastSaveMs = 0;

/**
 * Saves the index held (and a server's sync state) after `delayMs`, unless
 * a save is already due: the page asks for its first chart meanwhile, and a
 * live server's changes are saved at most that often.
 */
function saveSoon(delayMs) {
  if (saveTimer) return;
  saveTimer = setTimeout(async () => {
    saveTimer = 0;
    const held = current();
    if (!held || !heldKey) return;
    const key = heldKey;
    // The bytes and the sync state together, before any await: a refresh
    // running meanwhile cannot put them out of step.
    const meta = { savedAt: Date.now(), rooms: held.size, source: heldSource };
    if (sync) Object.assign(meta, { departments: sync.departments, watermark: sync.watermark, lastReconcile: sync.lastReconcile, fields: sync.fieldsBehaviour, uncounted: [...sync.uncounted] });
    const t0 = performance.now();
    const bytes = held.toBytes();
    lastSaveMs = performance.now() - t0;
    const { where, error } = await save(key, bytes, meta);
    if (where) saveFailed.delete(key);
    // A failed save is said once per source held; the previous copy stays.
    else if (saveFailed.has(key)) return;
    else saveFailed.add(key);
    post({ type: 'saved', where, error, ms: performance.now() - t0, source: key.split('|')[0] });
  }, delayMs);
}

/**
 * The source's index as this browser kept it, or `null`: a server's comes
 * back with its sync state, and the page refreshes it at once. A damaged
 * copy is forgotten and the source loaded again.
 */
async function reopen(id, key, data) {
  const t0 = performance.now();
  const saved = await openSaved(key);
  if (!saved) return null;
  let next;
  try {
    next = ChatIndex.fromBytes(saved.bytes, { timeZone: data.timeZone });
  } catch {
    await forget(key);
    return null;
  }
  if (data.type === 'server') {
    const reopened = serverSync(id, data.server, data.timeZone);
    const { departments = [], watermark, lastReconcile = 0, fields, uncounted = [] } = saved.meta;
    Object.assign(reopened, { index: next, departments, watermark: watermark ?? -Infinity, watermarkSeenAt: 0, watermarkSettled: false, lastReconcile, uncounted: new Map(uncounted) });
    if (fields && reopened.fieldsBehaviour !== 'off') reopened.fieldsBehaviour = fields;
    replace(null);
    sync = reopened;
  } else {
    replace(next);
  }
  return { reopened: { savedAt: saved.meta.savedAt, where: saved.where, bytes: saved.bytes.length, ms: performance.now() - t0 } };
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
 * repeated until 2 ms have passed and averaged (after a first, untimed
 * run: it may include compiling).
 */
function chart({ params, departments, compare, bucket }) {
  const target = current();
  const requests = (departments.length ? departments : [null]).map((departmentId) => (departmentId === null ? { ...params } : { ...params, departmentId }));
  const run = () => requests.map((p) => target.query(p));
  let runs = 1;
  let t0 = performance.now();
  const bodies = run();
  let elapsed = performance.now() - t0;
  // The first call of a new module (an index just reopened) compiles
  // code on the way: time the repeats, not it, unless it is slow anyway.
  if (elapsed < 20) {
    t0 = performance.now();
    for (runs = 0; runs === 0 || performance.now() - t0 < 2; runs++) run();
    elapsed = performance.now() - t0;
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

/**
 * The first of `candidates` (IANA zones) in which reading the requests'
 * dates gives exactly the server's `bodies`, or `null`: a difference that
 * a zone explains is dates without an offset read in another zone.
 */
function explainZone({ requests, bodies, candidates }) {
  const target = current();
  if (!target) return null;
  for (const candidate of candidates) {
    if (candidate === zone) continue;
    const instant = (text) => {
      const ms = typeof text === 'string' ? dateParse(text, { timeZone: candidate }) : NaN;
      return Number.isNaN(ms) ? text : new Date(ms).toISOString();
    };
    const ours = requests.map((p) => target.query({ ...p, start: instant(p.start), end: instant(p.end) }));
    if (ours.every((body, i) => canonicalBody(body) === canonicalBody(bodies[i]))) return candidate;
  }
  return null;
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
    if (type === 'explain-zone') return post({ id, type: 'zone', zone: explainZone(data) });
    if (type === 'refresh') {
      if (!sync) return post({ id, type: 'failed', message: 'No live server loaded.' });
      const result = await sync.refresh();
      // A big index takes a while to write (about a second at a million
      // rooms), during which charts wait: save changes at most every 30 s,
      // and never more than 2% of the time.
      if (result.changed || result.removed) saveSoon(Math.max(30_000, 50 * lastSaveMs));
      return post({ id, type: 'refreshed', ...result, repaired: undefined, countable: sync.index.countable, range: sync.index.timeRange(), departments: sync.departments, memoryBytes: sync.index.memoryBytes });
    }
    if (type === 'server-chart') {
      const query = Object.fromEntries(Object.entries(data.params).filter(([, v]) => v !== undefined && v !== null));
      const url = restUrl(data.server.url, 'api/v1/livechat/analytics/dashboards/charts/chats-per-department', query);
      const response = await fetch(url, { headers: credentials(data.server) });
      const text = await response.text();
      let body;
      try {
        body = JSON.parse(text);
      } catch {
        body = { success: false, error: text.slice(0, 200) };
      }
      return post({ id, type: 'server-body', status: response.status, body, at: Date.now() });
    }
    const key = sourceKey(data);
    if (data.fresh) await forget(key);
    let extra = data.fresh ? null : await reopen(id, key, data);
    const read = !extra;
    if (read) {
      extra = type === 'sample' ? await loadSample(id, data.end, data.timeZone)
        : type === 'files' ? await loadFiles(id, data.rooms, data.departments, data.timeZone)
          : await loadServer(id, data.server, data.timeZone, data.maxRooms);
    }
    // A save still due was the previous source's.
    clearTimeout(saveTimer);
    saveTimer = 0;
    heldKey = key;
    heldSource = sourceOf(data);
    if (read) saveSoon(1500);
    zone = data.timeZone;
    const held = current();
    post({ id, type: 'loaded', size: held.size, countable: held.countable, range: held.timeRange(), memoryBytes: held.memoryBytes, departments: departmentList(), ...extra });
  } catch (error) {
    post({ id, type: 'failed', status: error.status, body: error.body, message: error.message, tooMany: error.tooMany });
  }
};
