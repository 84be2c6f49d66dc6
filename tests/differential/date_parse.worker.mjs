// Runs in a child process whose TZ is set by the parent: compares the
// library's dateParse with this Node's own Date.parse on generated strings.
import { dateParse } from '../../pkg/node.mjs';
import { rng } from './random.mjs';
import { dateString, ISO_EDGES, TRANSITIONS } from './date_cases.mjs';

const count = Number(process.argv[2]);
const seed = Number(process.argv[3]);
const r = rng(seed);
const disagreements = [];
let total = 0;
let valid = 0;
const check = (s) => {
  total++;
  const expected = Date.parse(s);
  const actual = dateParse(s);
  if (!Number.isNaN(expected)) valid++;
  if (!Object.is(expected, actual) && disagreements.length < Number(process.env.DATE_EXAMPLES ?? 20)) disagreements.push({ input: s, expected, actual });
  else if (!Object.is(expected, actual)) disagreements.push(null);
};
for (const s of [...ISO_EDGES, ...TRANSITIONS]) check(s);
while (total < count) check(dateString(r));
process.stdout.write(JSON.stringify({ tz: process.env.TZ, total, valid, disagreementCount: disagreements.length, examples: disagreements.filter(Boolean) }));
