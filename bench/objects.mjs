// Ingestion from JavaScript objects (rooms already parsed, as a dashboard
// holding REST pages has them): the library against one plain JS pass over
// the same objects, and against a JSON.stringify round trip.
//
//   node bench/objects.mjs        (100k rooms)
import { readFileSync } from 'node:fs';
import { chatsPerDepartment } from '../pkg/node.mjs';
import { ensureData, roomsPath, dataDir } from './data.mjs';
import { jsChart, stats } from './engines.mjs';
import { fmt } from './report.mjs';

ensureData([100_000]);
const rooms = JSON.parse(readFileSync(roomsPath(100_000), 'utf8')).rooms;
const departments = JSON.parse(readFileSync(`${dataDir}departments.json`, 'utf8'));
const names = new Map(departments.departments.map((d) => [d._id, d.name]));
const params = { start: '2025-03-01T00:00:00.000Z', end: '2025-06-01T00:00:00.000Z' };
const median = (f) => stats(Array.from({ length: 9 }, () => { const t0 = performance.now(); f(); return performance.now() - t0; })).median;

const plain = median(() => jsChart(rooms, names, Date.parse(params.start), Date.parse(params.end)));
const lib = median(() => chatsPerDepartment(rooms, departments, params));
const viaText = median(() => chatsPerDepartment(JSON.stringify(rooms), departments, params));
console.log('| 100,000 room objects -> body | median | vs one plain JS pass |\n| --- | --- | --- |');
console.log(`| one plain JS pass (hand-written loop) | ${fmt(plain)} | 1x |`);
console.log(`| chatsPerDepartment(objects): JS column pass + one typed-array hand-over | ${fmt(lib)} | ${(lib / plain).toFixed(1)}x |`);
console.log(`| JSON.stringify + chatsPerDepartment(text) | ${fmt(viaText)} | ${(viaText / plain).toFixed(1)}x |`);
