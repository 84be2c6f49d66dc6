// The console half of the main job: the chart of the bundled sample, as the
// server would answer it for the whole year and for the last 30 days.
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { chatsPerDepartment } from '../pkg/node.mjs';

const dir = new URL('../www/public/sample/', import.meta.url);
const rooms = readFileSync(new URL('rooms.json', dir));
const departments = readFileSync(new URL('departments.json', dir), 'utf8');
const { start, end } = JSON.parse(readFileSync(new URL('range.json', dir), 'utf8'));
const monthAgo = new Date(Date.parse(end) - 30 * 86_400_000).toISOString();

for (const [label, params] of [['whole sample', { start, end }], ['last 30 days', { start: monthAgo, end }]]) {
  const t0 = performance.now();
  const body = chatsPerDepartment(rooms, departments, params);
  const ms = performance.now() - t0;
  console.log(`\n${label}: start=${params.start} end=${params.end} (${(rooms.length / 1e6).toFixed(1)} MB of JSON in ${ms.toFixed(1)} ms)`);
  if (!body.success) { console.log(body); process.exitCode = 1; continue; }
  const rows = Object.entries(body).filter(([k]) => k !== 'success');
  const width = Math.max(10, ...rows.map(([k]) => k.length));
  console.log(`${'department'.padEnd(width)}  ${'open'.padStart(6)}  ${'closed'.padStart(7)}`);
  for (const [name, c] of rows) console.log(`${name.padEnd(width)}  ${String(c.open).padStart(6)}  ${String(c.closed).padStart(7)}`);
  const total = rows.reduce((s, [, c]) => [s[0] + c.open, s[1] + c.closed], [0, 0]);
  console.log(`${'total'.padEnd(width)}  ${String(total[0]).padStart(6)}  ${String(total[1]).padStart(7)}`);
}
