// Two roles, one generator (same seed, same strings):
//   expect <count> <seed>          prints Node's own Date.parse under this TZ;
//   check  <count> <seed> <zone>   reads expectations from stdin and prints
//                                  where dateParse(s, { timeZone: zone })
//                                  disagrees, run under another TZ.
import { dateParse } from '../../pkg/node.mjs';
import { rng } from './random.mjs';
import { dateString, ISO_EDGES, TRANSITIONS } from './date_cases.mjs';
import { readFileSync } from 'node:fs';

const [role, count, seed, zone] = process.argv.slice(2);
const r = rng(Number(seed));
const strings = [...ISO_EDGES, ...TRANSITIONS];
while (strings.length < Number(count)) strings.push(dateString(r));

if (role === 'expect') {
  process.stdout.write(JSON.stringify(strings.map((s) => Date.parse(s))));
} else {
  const expected = JSON.parse(readFileSync(0, 'utf8'));
  const examples = [];
  let disagreements = 0;
  let valid = 0;
  strings.forEach((s, i) => {
    const want = expected[i] ?? NaN; // JSON writes NaN as null
    const got = dateParse(s, { timeZone: zone });
    if (!Number.isNaN(want)) valid++;
    if (!Object.is(want, got)) {
      disagreements++;
      if (examples.length < 20) examples.push({ input: s, expected: want, actual: got });
    }
  });
  process.stdout.write(JSON.stringify({ hostZone: process.env.TZ, zone, total: strings.length, valid, disagreements, examples }));
}
