// Benchmarks, in one Node process, side by side: this library's one-shot
// and indexed paths against JSON.parse + a hand-written loop, a typed-array
// loop over pre-extracted columns, crossfilter2, Arquero and DuckDB-Wasm.
// Prints a table of medians and ratios and writes bench/results/node.json.
//
//   npm run bench                 (100k and 1M rooms)
//   npm run bench -- --sizes=100k
import { readFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import os from 'node:os';
import crossfilter from 'crossfilter2';
import * as aq from 'arquero';
import * as arrow from 'apache-arrow';
import { ChatIndex, chatsPerDepartment } from '../pkg/node.mjs';
import { DEPARTMENTS, YEAR_START, YEAR_MS, ensureData, roomsPath, dataDir } from './data.mjs';
import { printTable } from './report.mjs';
import { jsChart, extractColumns, typedArrayChart, crossfilterEngine, arqueroEngine, duckdbEngine, bodyToMap, sameChart, queries, stats } from './engines.mjs';

const require = createRequire(import.meta.url);
const arg = (name, fallback) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback;
const sizes = arg('sizes', '100k,1m').split(',').map((s) => Number(s.replace(/k$/, 'e3').replace(/m$/, 'e6')));
ensureData(sizes);

const namesById = new Map(DEPARTMENTS.map((d) => [d._id, d.name]));
const departmentsJson = readFileSync(`${dataDir}departments.json`, 'utf8');
const time = (fn) => { const t0 = performance.now(); const value = fn(); return [performance.now() - t0, value]; };

async function duckdbConnection() {
  const duckdb = require('@duckdb/duckdb-wasm/dist/duckdb-node-blocking.cjs');
  const dist = new URL('../node_modules/@duckdb/duckdb-wasm/dist/', import.meta.url).pathname;
  const bundles = {
    mvp: { mainModule: `${dist}duckdb-mvp.wasm`, mainWorker: `${dist}duckdb-node-mvp.worker.cjs` },
    eh: { mainModule: `${dist}duckdb-eh.wasm`, mainWorker: `${dist}duckdb-node-eh.worker.cjs` },
  };
  const db = await duckdb.createDuckDB(bundles, new duckdb.VoidLogger(), duckdb.NODE_RUNTIME);
  await db.instantiate(() => {});
  return db.connect();
}

const results = { machine: `${os.cpus()[0].model}, ${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`, sizes: {} };
const conn = await duckdbConnection();

for (const size of sizes) {
  const path = roomsPath(size);
  const bytes = readFileSync(path);
  const out = (results.sizes[size] = { bytes: bytes.length, cold: {}, load: {}, query: {} });
  const probe = queries(1, DEPARTMENTS.map((d) => d._id), YEAR_START, YEAR_MS)[0];

  // Cold path: JSON bytes -> body.
  const coldRuns = size >= 1e6 ? 3 : 7;
  const coldJs = [];
  const coldLib = [];
  let rooms;
  for (let i = 0; i < coldRuns; i++) {
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

  // Loading each engine. The index first: growing wasm memory while the JS
  // heap holds every parsed room can trigger long garbage collections that
  // have nothing to do with the index.
  const index = new ChatIndex(departmentsJson);
  const [indexMs] = time(() => { index.add(bytes); index.settle(); });
  const [extractMs, columns] = time(() => extractColumns(rooms));
  const [cfMs, cfQuery] = time(() => crossfilterEngine(crossfilter, columns, namesById));
  const [aqMs, aqQuery] = time(() => arqueroEngine(aq, columns, namesById));
  const [duckMs, duckQuery] = time(() => duckdbEngine(conn, arrow, columns, namesById));
  out.load = { extract: extractMs, crossfilter: extractMs + cfMs, arquero: extractMs + aqMs, duckdb: extractMs + duckMs, chatIndex: indexMs };
  out.memory = { chatIndexBytes: index.memoryBytes, perRoom: index.memoryBytes / index.size };
  rooms = null;

  // Re-query on loaded data.
  const depIds = DEPARTMENTS.map((d) => d._id);
  const engines = {
    'ChatIndex.query': { n: 20000, run: (q) => bodyToMap(index.query(q.params)) },
    'typed arrays (JS loop)': { n: size >= 1e6 ? 100 : 1000, run: (q) => typedArrayChart(columns, namesById, q.start, q.end, q.departmentId) },
    crossfilter2: { n: size >= 1e6 ? 100 : 1000, run: (q) => cfQuery(q.start, q.end, q.departmentId) },
    'DuckDB-Wasm': { n: size >= 1e6 ? 50 : 200, run: (q) => duckQuery(q.start, q.end, q.departmentId) },
    Arquero: { n: size >= 1e6 ? 20 : 100, run: (q) => aqQuery(q.start, q.end, q.departmentId) },
  };
  const list = queries(20000, depIds, YEAR_START, YEAR_MS);
  for (const [name, engine] of Object.entries(engines)) {
    const samples = [];
    for (let i = 0; i < engine.n; i++) {
      const q = list[i];
      const [ms, chart] = time(() => engine.run(q));
      samples.push(ms);
      if (i < 20 && !sameChart(chart, bodyToMap(index.query(q.params)))) throw new Error(`${name} disagrees with the library on query ${i}`);
    }
    out.query[name] = stats(samples);
  }
  index.free();

  // wasm memory after streaming, in a fresh process (memory never shrinks).
  const streamed = JSON.parse(execFileSync(process.execPath, [new URL('./stream-memory.mjs', import.meta.url).pathname, path], { maxBuffer: 1 << 20 }));
  out.stream = streamed;

  printTable(size, out);
}

mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
writeFileSync(new URL('./results/node.json', import.meta.url), JSON.stringify(results, null, 2));
console.log(`\nmachine: ${results.machine}`);
