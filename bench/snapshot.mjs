// Snapshots at scale: a ChatIndex of the benchmark's REST rooms (with their
// _ids) saved with toBytes() and reopened with ChatIndex.fromBytes(), beside
// loading the same rooms again from their JSON bytes, in this Node process.
// Checks the reopened index answers every probe query as the original did.
//
//   node bench/snapshot.mjs [--rooms=1m] [--runs=5]
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { ChatIndex } from '../pkg/node.mjs';
import { DEPARTMENTS, YEAR_START, YEAR_MS, ensureData, roomsPath } from './data.mjs';
import { queries } from './engines.mjs';

const arg = (name, fallback) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback;
const count = Number(arg('rooms', '1m').replace(/k$/, 'e3').replace(/m$/, 'e6'));
const runs = Number(arg('runs', '5'));
ensureData([count]);
const text = readFileSync(roomsPath(count));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const time = (f) => {
  const t0 = performance.now();
  const value = f();
  return [performance.now() - t0, value];
};

const loads = [];
let index;
for (let i = 0; i < runs; i++) {
  index?.free();
  index = new ChatIndex(DEPARTMENTS, { timeZone: 'UTC' });
  loads.push(time(() => { index.add(text); index.settle(); })[0]);
}
const saves = [];
let bytes;
for (let i = 0; i < runs; i++) {
  const [ms, saved] = time(() => index.toBytes());
  saves.push(ms);
  bytes = saved;
}
const opens = [];
let reopened;
for (let i = 0; i < runs; i++) {
  reopened?.free();
  const [ms, again] = time(() => ChatIndex.fromBytes(bytes, { timeZone: 'UTC' }));
  opens.push(ms);
  reopened = again;
}
const probes = queries(200, DEPARTMENTS.map((d) => d._id), YEAR_START, YEAR_MS);
const same = probes.every((q) => reopened.queryJson(q.params) === index.queryJson(q.params)) && reopened.size === index.size;
if (!same) throw new Error('the reopened index answers differently');
const mbps = (ms) => +(bytes.length / 1e6 / (ms / 1000)).toFixed(0);
const report = {
  rooms: index.size,
  jsonBytes: text.length,
  snapshotBytes: bytes.length,
  snapshotBytesPerRoom: +(bytes.length / index.size).toFixed(1),
  heldBytesPerRoom: +(index.memoryBytes / index.size).toFixed(1),
  addJsonMs: +median(loads).toFixed(1),
  toBytesMs: +median(saves).toFixed(1),
  toBytesMBps: mbps(median(saves)),
  fromBytesMs: +median(opens).toFixed(1),
  fromBytesMBps: mbps(median(opens)),
  sameAnswers: same,
  node: process.version,
};
console.log(JSON.stringify(report, null, 1));
