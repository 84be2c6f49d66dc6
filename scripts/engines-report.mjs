// Prints what tests/engines/library.test.mjs measured in each engine
// (target/engines-report.json): versions, answers checked, and how often the
// engine's own Date.parse differs from V8's. Fails when an engine ran
// nothing, so a suite that silently skipped cannot pass.
import { readFileSync } from 'node:fs';

const report = JSON.parse(readFileSync('target/engines-report.json', 'utf8'));
let failed = false;
console.log(`\nengines (${report.perZone} date strings per zone):`);
for (const [engine, result] of Object.entries(report.engines)) {
  const zones = Object.entries(result.zones ?? {});
  const checked = zones.reduce((n, [, z]) => n + z.checked, 0);
  const differ = zones.reduce((n, [, z]) => n + z.disagreements, 0);
  const zoneData = zones.flatMap(([, z]) => z.zoneData.map((d) => `${JSON.stringify(d.input)} in ${d.zone}`));
  const own = zones.map(([zone, z]) => `${zone} ${z.ownShare}%`).join(', ');
  console.log(`- ${engine} (${report.versions[engine]}): ${checked} library answers checked in ${zones.length} zones, ${differ} differ from V8${zoneData.length ? ` (all where the engine's zone data differs: ${zoneData.join(', ')})` : ''}; boundary groups ${result.boundaryGroups ?? 0}; own Date.parse ≠ V8: ${own}`);
  if (zones.length < 4 || checked === 0 || !(result.boundaryGroups > 0)) failed = true;
}
if (failed || Object.keys(report.engines).length !== 3) {
  console.log('FAIL: an engine ran no tests');
  process.exit(1);
}
