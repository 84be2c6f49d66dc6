// Differential test of the `timeZone` option: the expected values come from
// Node's own Date.parse under TZ=A (the server's zone); the library runs in
// a process under TZ=B (the browser's zone) and is given { timeZone: A }.
// Every pair of the six zones below, in both directions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const worker = fileURLToPath(new URL('./cross_zone.worker.mjs', import.meta.url));
const PER_PAIR = Number(process.env.CROSS_ZONE_CASES ?? 5_000);
const ZONES = ['UTC', 'America/Sao_Paulo', 'Asia/Kolkata', 'Australia/Lord_Howe', 'America/St_Johns', 'Pacific/Chatham'];
const node = (tz, args, input) =>
  execFileSync(process.execPath, [worker, ...args], { env: { ...process.env, TZ: tz }, input, maxBuffer: 64 << 20 }).toString();

for (const [i, server] of ZONES.entries()) {
  const seed = String(7000 + i);
  test(`timeZone: "${server}" read in every other host zone as Node reads it under TZ=${server}`, () => {
    const expected = node(server, ['expect', String(PER_PAIR), seed]);
    for (const host of ZONES.filter((z) => z !== server)) {
      const report = JSON.parse(node(host, ['check', String(PER_PAIR), seed, server], expected));
      console.log(`server TZ=${server}, host TZ=${host}: ${report.total} strings (${report.valid} valid), ${report.disagreements} disagreements`);
      assert.equal(report.hostZone, host);
      assert.ok(report.valid > report.total * 0.2, `valid share ${report.valid}/${report.total}`);
      assert.deepEqual(report.examples, []);
      assert.equal(report.disagreements, 0);
    }
  });
}

test('an unknown zone is a RangeError that names it', async () => {
  const { dateParse, ChatIndex } = await import('../../pkg/node.mjs');
  assert.throws(() => dateParse('2020-01-01T00:00', { timeZone: 'Mars/Olympus' }), (e) => e instanceof RangeError && /Mars\/Olympus/.test(e.message));
  assert.throws(() => new ChatIndex(null, { timeZone: 'Nowhere' }), RangeError);
  assert.throws(() => dateParse('2020', { timeZone: 5 }), TypeError);
});
