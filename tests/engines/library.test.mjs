// "V8's answers in every browser", checked in the engines themselves:
// Chromium, Firefox ESR and WebKitGTK (tests/engines/drivers.mjs). In each
// engine, started under several TZ values, the web build's dateParse is
// compared with Node's own Date.parse under that TZ (the server's answers),
// and through the timeZone option with Node under each other zone; the
// engine's own Date.parse is compared too, and its share of disagreements
// reported (that share is why the library parses dates itself). The
// boundary scenarios run in each engine as well. A report for the README
// goes to target/engines-report.json.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { serve } from '../../scripts/serve.mjs';
import { rng } from '../differential/random.mjs';
import { dateString, ISO_EDGES, TRANSITIONS } from '../differential/date_cases.mjs';
import { ENGINES, startEngine, engineVersions } from './drivers.mjs';
import { intlOffsets } from './offsets.mjs';
import { NON_STRINGS } from '../boundary/scenarios.mjs';

const PER_ZONE = Number(process.env.ENGINE_DATE_CASES ?? 10_000);
const HOST_ZONES = ['UTC', 'America/Sao_Paulo', 'Asia/Kolkata', 'Australia/Lord_Howe'];
const OPTION_ZONES = ['UTC', 'America/Sao_Paulo', 'Asia/Kolkata', 'Australia/Lord_Howe', 'America/St_Johns', 'Pacific/Chatham'];
const THROWS = Number(process.env.ENGINE_THROWS ?? 100_000);

const worker = fileURLToPath(new URL('./expected.worker.mjs', import.meta.url));
/** Node's Date.parse of `strings` under TZ=zone. */
function nodeDateParse(strings, zone) {
  const out = JSON.parse(execFileSync(process.execPath, [worker], { input: JSON.stringify(strings), env: { ...process.env, TZ: zone }, maxBuffer: 64 << 20 }));
  assert.equal(out.tz, zone);
  return out.values;
}

const site = await serve({ port: 0, dir: '.' });
after(() => site.close());

const report = { versions: engineVersions(), perZone: PER_ZONE, engines: {} };
after(() => {
  mkdirSync('target', { recursive: true });
  writeFileSync('target/engines-report.json', JSON.stringify(report, null, 2));
});

/** Runs `call(...args)` from tests/engines/page.mjs in the page; returns its result. */
async function inPage(driver, call, ...args) {
  const outcome = await driver.executeAsyncScript(
    `const done = arguments[arguments.length - 1];
     const args = Array.prototype.slice.call(arguments, 0, -1);
     import('/tests/engines/page.mjs').then((page) => page[${JSON.stringify(call)}](...args))
       .then((ok) => done({ ok }), (e) => done({ error: String(e) + ' ' + ((e && e.stack) || '') }));`,
    ...args,
  );
  if (outcome.error) throw new Error(`${call} in the page: ${outcome.error}`);
  return outcome.ok;
}

for (const engine of ENGINES) {
  report.engines[engine] = { zones: {} };
  for (const [z, hostZone] of HOST_ZONES.entries()) {
    test(`${engine}, TZ=${hostZone}: dateParse gives Node's answers (own zone and timeZone option), the engine's own Date.parse measured`, async () => {
      const r = rng(7000 + z);
      const strings = [...ISO_EDGES, ...TRANSITIONS];
      while (strings.length < PER_ZONE) strings.push(dateString(r));
      const expected = Object.fromEntries(OPTION_ZONES.map((zone) => [zone, nodeDateParse(strings, zone)]));
      const { driver, close } = await startEngine(engine, { tz: hostZone });
      try {
        await driver.get(`${site.url}tests/engines/index.html`);
        const result = await inPage(driver, 'dateParseDifferential', { strings, expected, hostZone });
        // A disagreement is the engine's time-zone data, not the algorithm, when the engine's Intl
        // gives that zone another offset than V8's (Node's) at the answer or at V8's answer.
        const total = Object.values(result.disagreements).reduce((a, b) => a + b, 0);
        const dataDifferences = [];
        for (const example of result.examples) {
          const zone = /timeZone (\S+)/.exec(example.where)?.[1] ?? hostZone;
          const instants = [example.expected, example.actual].filter((t) => t !== null);
          const engineOffsets = await inPage(driver, 'intlOffsets', zone, instants);
          const v8Offsets = intlOffsets(zone, instants);
          if (instants.length === 2 && JSON.stringify(engineOffsets) !== JSON.stringify(v8Offsets)) dataDifferences.push({ ...example, zone, engineOffsets, v8Offsets });
        }
        const share = ((100 * result.own) / strings.length).toFixed(1);
        console.log(`${engine} TZ=${hostZone}: ${result.checked} library answers, ${total} differ from V8 (${dataDifferences.length} of them where this engine's zone data differs from V8's); the engine's own Date.parse differs from V8 on ${result.own} of ${strings.length} (${share}%)`);
        for (const d of dataDifferences) console.log(`  zone data: ${JSON.stringify(d.input)} in ${d.zone}: V8 ${d.expected} (offsets ${d.v8Offsets}), ${engine} ${d.actual} (offsets ${d.engineOffsets})`);
        report.engines[engine].userAgent = result.userAgent;
        report.engines[engine].zones[hostZone] = { strings: strings.length, checked: result.checked, disagreements: total, zoneData: dataDifferences, own: result.own, ownShare: Number(share), ownExamples: result.ownExamples };
        assert.ok(result.checked >= PER_ZONE * (1 + OPTION_ZONES.length), `only ${result.checked} answers checked`);
        assert.equal(total, dataDifferences.length, `disagreements not explained by the engine's zone data: ${JSON.stringify(result.examples.filter((e) => !dataDifferences.some((d) => d.input === e.input && d.where === e.where)))}`);
        // The engine really is the one named (its own parser is not V8's, except Chromium's).
        if (engine === 'chromium') assert.equal(result.own, 0);
      } finally {
        await close();
      }
    });
  }
  test(`${engine}: the boundary scenarios (hostile values, addStream ≡ add, ${THROWS} throws) in the web build`, async () => {
    const { driver, close } = await startEngine(engine, { tz: 'UTC' });
    try {
      await driver.get(`${site.url}tests/engines/index.html`);
      const v8Utc = nodeDateParse(NON_STRINGS().map(String), 'UTC');
      const checked = await inPage(driver, 'boundary', THROWS, v8Utc);
      console.log(`${engine}: boundary scenarios: ${checked.length} groups passed`);
      report.engines[engine].boundaryGroups = checked.length;
      assert.equal(checked.length, 12);
    } finally {
      await close();
    }
  });
}
