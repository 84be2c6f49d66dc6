// Runs inside each engine (tests/engines/index.html): the web build's
// dateParse against Node's Date.parse (V8, the server's), in the browser's
// own zone and through the timeZone option for other zones, and the
// engine's own Date.parse against the same answers (reported, not judged).
import init, * as lib from '/pkg/web.js';

let ready;
export const library = () => (ready ??= init().then(() => lib));

/** `expected[zone][i]`: Node's Date.parse(strings[i]) under TZ=zone (null: NaN). */
export async function dateParseDifferential({ strings, expected, hostZone }) {
  const { dateParse } = await library();
  const same = (a, b) => (b === null ? Number.isNaN(a) : a === b);
  const examples = [];
  const disagreements = {};
  const note = (where, input, want, got) => {
    disagreements[where] = (disagreements[where] ?? 0) + 1;
    if (examples.length < 50) examples.push({ where, input, expected: want, actual: Number.isNaN(got) ? null : got });
  };
  let own = 0;
  const ownExamples = [];
  for (let i = 0; i < strings.length; i++) {
    const s = strings[i];
    const want = expected[hostZone][i];
    const host = dateParse(s);
    if (!same(host, want)) note(`default zone (${hostZone})`, s, want, host);
    const engine = Date.parse(s);
    if (!same(engine, want)) {
      own++;
      if (ownExamples.length < 3) ownExamples.push({ input: s, v8: want, engine: Number.isNaN(engine) ? null : engine });
    }
    for (const zone of Object.keys(expected)) {
      const got = dateParse(s, { timeZone: zone });
      if (!same(got, expected[zone][i])) note(`timeZone ${zone}`, s, expected[zone][i], got);
    }
  }
  return {
    userAgent: navigator.userAgent,
    intlZone: Intl.DateTimeFormat().resolvedOptions().timeZone,
    checked: strings.length * (1 + Object.keys(expected).length),
    disagreements,
    examples,
    own,
    ownExamples,
  };
}

/** The boundary scenarios (tests/boundary/scenarios.mjs) in this engine. */
export async function boundary(throws, v8Utc) {
  const { run } = await import('/tests/boundary/scenarios.mjs');
  return run(await library(), { throws, v8Utc });
}

export { intlOffsets } from './offsets.mjs';
