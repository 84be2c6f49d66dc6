// The benchmark of ../run.mjs, in the browser: same data, same engines
// (crossfilter2, Arquero, DuckDB-Wasm through its worker, hand-written JS)
// against this library's web build. Results land in window.__results for
// ../run-browser.mjs to print.
import init, { ChatIndex, chatsPerDepartment } from '../../pkg/web.js';
import crossfilter from 'crossfilter2';
import * as aq from 'arquero';
import * as arrow from 'apache-arrow';
import * as duckdb from '@duckdb/duckdb-wasm';
import duckdbWasm from '@duckdb/duckdb-wasm/dist/duckdb-eh.wasm?url';
import duckdbWorker from '@duckdb/duckdb-wasm/dist/duckdb-browser-eh.worker.js?url';
import { jsChart, extractColumns, typedArrayChart, crossfilterEngine, arqueroEngine, bodyToMap, sameChart, queries, stats, batchMeans, countableColumns, onlyDepartment, chartFromRows, DUCKDB_QUERY } from '../engines.mjs';

const DEPARTMENTS = Array.from({ length: 20 }, (_, i) => ({ _id: `department-${String(i).padStart(2, '0')}`, name: `Department ${i + 1}` }));
const YEAR_START = Date.UTC(2025, 0, 1);
const YEAR_MS = 365 * 86_400_000;
const log = (line) => { document.getElementById('log').textContent += `\n${line}`; };
const time = (fn) => { const t0 = performance.now(); const value = fn(); return [performance.now() - t0, value]; };

async function duckdbQuery(columns, namesById) {
  const worker = new Worker(duckdbWorker);
  const db = new duckdb.AsyncDuckDB(new duckdb.VoidLogger(), worker);
  await db.instantiate(duckdbWasm);
  const conn = await db.connect();
  await conn.insertArrowFromIPCStream(arrow.tableToIPC(arrow.tableFromArrays(countableColumns(columns)), 'stream'), { name: 'rooms' });
  const statement = await conn.prepare(DUCKDB_QUERY);
  return async (start, end, departmentId) => {
    const only = onlyDepartment(columns, departmentId);
    const rows = (await statement.query(start, end, only, only)).toArray().map((row) => row.toJSON());
    return chartFromRows(rows, columns, namesById);
  };
}

async function run(size) {
  const file = size >= 1e6 ? 'rooms-1m.json' : 'rooms-100k.json';
  const bytes = new Uint8Array(await (await fetch(`/bench/data/${file}`)).arrayBuffer());
  const departmentsJson = await (await fetch('/bench/data/departments.json')).text();
  const namesById = new Map(DEPARTMENTS.map((d) => [d._id, d.name]));
  const probe = queries(1, DEPARTMENTS.map((d) => d._id), YEAR_START, YEAR_MS)[0];
  const out = { bytes: bytes.length, cold: {}, load: {}, query: {} };

  const coldJs = [];
  const coldLib = [];
  let rooms;
  for (let i = 0; i < (size >= 1e6 ? 3 : 7); i++) {
    const [ms, chart] = time(() => {
      rooms = JSON.parse(new TextDecoder().decode(bytes)).rooms;
      return jsChart(rooms, namesById, probe.start, probe.end, probe.departmentId);
    });
    coldJs.push(ms);
    const [ms2, body] = time(() => chatsPerDepartment(bytes, departmentsJson, probe.params));
    coldLib.push(ms2);
    if (!sameChart(chart, bodyToMap(body))) throw new Error('cold paths disagree');
  }
  out.cold = { js: stats(coldJs).median, lib: stats(coldLib).median };

  const index = new ChatIndex(departmentsJson);
  const [indexMs] = time(() => { index.add(bytes); index.settle(); });
  const [extractMs, columns] = time(() => extractColumns(rooms));
  const [cfMs, cfQuery] = time(() => crossfilterEngine(crossfilter, columns, namesById));
  const [aqMs, aqQuery] = time(() => arqueroEngine(aq, columns, namesById));
  const t0 = performance.now();
  const duckQuery = await duckdbQuery(columns, namesById);
  const duckMs = performance.now() - t0;
  out.load = { extract: extractMs, crossfilter: extractMs + cfMs, arquero: extractMs + aqMs, duckdb: extractMs + duckMs, chatIndex: indexMs };
  out.memory = { chatIndexBytes: index.memoryBytes, perRoom: index.memoryBytes / index.size };

  // Re-query while the page's heap still holds the parsed rooms, as a
  // dashboard's does: `query` (the body) beside `countsInto` (the counts
  // into one reused Float64Array), each a mean per query over batches of
  // 10 different queries (the isolated timer's steps are 5 µs).
  {
    const list = queries(20000, DEPARTMENTS.map((d) => d._id), YEAR_START, YEAR_MS);
    const counts = new Float64Array(2 * index.chartNames().length);
    const heavy = { heapBytes: performance.memory?.usedJSHeapSize ?? null };
    for (const [name, run] of [['query', (q) => index.query(q.params)], ['countsInto', (q) => index.countsInto(q.start, q.end, counts, q.departmentId)]]) {
      heavy[name] = batchMeans(list, run);
    }
    if (rooms.length === 0) throw new Error('the rooms were not held');
    out.heavy = heavy;
  }
  rooms = null;

  const list = queries(20000, DEPARTMENTS.map((d) => d._id), YEAR_START, YEAR_MS);
  const engines = {
    'ChatIndex.query': { n: 20000, run: (q) => bodyToMap(index.query(q.params)) },
    'typed arrays (JS loop)': { n: size >= 1e6 ? 100 : 1000, run: (q) => typedArrayChart(columns, namesById, q.start, q.end, q.departmentId) },
    crossfilter2: { n: size >= 1e6 ? 100 : 1000, run: (q) => cfQuery(q.start, q.end, q.departmentId) },
    'DuckDB-Wasm': { n: size >= 1e6 ? 50 : 200, run: (q) => duckQuery(q.start, q.end, q.departmentId) },
    Arquero: { n: size >= 1e6 ? 20 : 100, run: (q) => aqQuery(q.start, q.end, q.departmentId) },
  };
  // Without cross-origin isolation, browsers round performance.now() to
  // 100 µs: queries are then timed in batches lasting at least 2 ms each,
  // each sample a batch's mean per query. Isolated (run-browser.mjs serves
  // the page so), the timer has 5 µs steps and every query is timed alone.
  out.timerResolution = crossOriginIsolated ? '5 µs' : '100 µs';
  for (const [name, engine] of Object.entries(engines)) {
    for (let i = 0; i < 20; i++) {
      if (!sameChart(await engine.run(list[i]), bodyToMap(index.query(list[i].params)))) throw new Error(`${name} disagrees on query ${i}`);
    }
    let batch = 1;
    for (; !crossOriginIsolated;) {
      const t1 = performance.now();
      for (let i = 0; i < batch; i++) await engine.run(list[i]);
      if (performance.now() - t1 >= 2 || batch >= 4096) break;
      batch *= 2;
    }
    const samples = [];
    for (let at = 0; at + batch <= engine.n || samples.length < 5; at += batch) {
      const t1 = performance.now();
      for (let i = 0; i < batch; i++) await engine.run(list[(at + i) % list.length]);
      samples.push((performance.now() - t1) / batch);
    }
    out.query[name] = { ...stats(samples), batch };
  }
  // `index.query` alone (no conversion of the body, no await), in batches
  // of 100 different queries: a mean per query finer than the timer's steps.
  const means = [];
  for (let at = 0; at + 100 <= list.length; at += 100) {
    const t1 = performance.now();
    for (let i = at; i < at + 100; i++) index.query(list[i].params);
    means.push((performance.now() - t1) / 100);
  }
  out.queryBatched = stats(means);
  index.free();

  // Streaming: a fresh index from the network stream.
  const streamed = new ChatIndex(null);
  const t2 = performance.now();
  await streamed.addStream((await fetch(`/bench/data/${file}`)).body);
  streamed.settle();
  out.stream = { ms: performance.now() - t2, rooms: streamed.size, perRoom: streamed.memoryBytes / streamed.size };
  streamed.free();
  return out;
}

async function main() {
  await init();
  const sizes = (new URLSearchParams(location.search).get('sizes') ?? '100000').split(',').map(Number);
  const results = { userAgent: navigator.userAgent, sizes: {} };
  for (const size of sizes) {
    log(`${size} rooms…`);
    results.sizes[size] = await run(size);
  }
  window.__results = results;
  log('done');
}

main().catch((e) => { window.__results = { error: String(e.stack ?? e) }; log(String(e)); });
