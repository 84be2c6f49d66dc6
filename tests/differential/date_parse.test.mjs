// Differential test: dateParse (Rust, V8's algorithm) against Node's own
// Date.parse, the server's, under several time zones, exact milliseconds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const worker = fileURLToPath(new URL('./date_parse.worker.mjs', import.meta.url));
const PER_ZONE = Number(process.env.DATE_CASES ?? 100_000);
const ZONES = ['UTC', 'America/Sao_Paulo', 'Asia/Kolkata', 'America/New_York', 'Europe/London', 'Australia/Lord_Howe'];

for (const [i, tz] of ZONES.entries()) {
  test(`Date.parse: ${PER_ZONE} strings agree with Node's under TZ=${tz}`, () => {
    const out = execFileSync(process.execPath, [worker, String(PER_ZONE), String(1000 + i)], {
      env: { ...process.env, TZ: tz },
      maxBuffer: 16 << 20,
    });
    const report = JSON.parse(out);
    console.log(`TZ=${tz}: ${report.total} strings (${report.valid} valid dates), ${report.disagreementCount} disagreements`);
    assert.equal(report.tz, tz);
    assert.ok(report.total >= PER_ZONE);
    // Sanity: the generator must produce both valid and invalid dates in bulk.
    assert.ok(report.valid > report.total * 0.2 && report.valid < report.total * 0.9, `valid share ${report.valid}/${report.total}`);
    assert.deepEqual(report.examples, [], `${report.disagreementCount} disagreements`);
    assert.equal(report.disagreementCount, 0);
  });
}
