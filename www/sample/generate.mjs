// Writes the bundled sample to disk (for the console summary, the tests and
// the page's "download the sample" link); see sample.mjs. The page itself
// generates the same rooms in its worker, ending at the current hour.
//
//   node www/sample/generate.mjs [rooms=40000] [outDir=www/public/sample]
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEPARTMENTS, FIXED_END, SAMPLE_ROOMS, departmentsJson, roomsJson, sampleRange } from './sample.mjs';

const count = Number(process.argv[2] ?? SAMPLE_ROOMS);
const outDir = process.argv[3] ?? new URL('../public/sample/', import.meta.url).pathname;

mkdirSync(outDir, { recursive: true });
writeFileSync(join(outDir, 'rooms.json'), [...roomsJson({ count, end: FIXED_END })].join(''));
writeFileSync(join(outDir, 'departments.json'), departmentsJson());
writeFileSync(join(outDir, 'range.json'), JSON.stringify(sampleRange(FIXED_END)));
console.log(`sample: ${count} rooms, ${DEPARTMENTS.length} departments -> ${outDir}`);
