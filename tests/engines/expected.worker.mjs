// Node's own Date.parse (V8, as on the server) for the strings on stdin,
// under the TZ the parent set; NaN becomes null.
import { readFileSync } from 'node:fs';

const strings = JSON.parse(readFileSync(0, 'utf8'));
process.stdout.write(JSON.stringify({ tz: process.env.TZ, values: strings.map((s) => { const v = Date.parse(s); return Number.isNaN(v) ? null : v; }) }));
