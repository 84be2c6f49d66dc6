// The boundary scenarios (scenarios.mjs) in Node and in Debian's Chromium.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import * as lib from '../../pkg/node.mjs';
import { serve } from '../../scripts/serve.mjs';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { runInNewContext } from 'node:vm';
import { run, NON_STRINGS } from './scenarios.mjs';

// V8's Date.parse of the scenario's non-string values under TZ=UTC, from a Node child process.
const worker = fileURLToPath(new URL('../engines/expected.worker.mjs', import.meta.url));
const v8Utc = JSON.parse(execFileSync(process.execPath, [worker], { input: JSON.stringify(NON_STRINGS().map(String)), env: { ...process.env, TZ: 'UTC' } })).values;

test('Node: hostile values at the boundary give error bodies, and the module keeps working', async () => {
  const checked = await run(lib, { v8Utc });
  assert.equal(checked.length, 11);
});

test('Node: Dates, Uint8Arrays and stream chunks from another realm are what they are (found in Firefox under WebDriver: "chunk 0 is a Uint8Array, not a Uint8Array")', async () => {
  const other = runInNewContext('({ bytes: (text) => new TextEncoder().encode(text), date: (ms) => new Date(ms) })', { TextEncoder });
  const P = { start: '2020-01-01', end: '2021-01-01' };
  const rooms = [{ _id: 'a', t: 'l', open: true, departmentId: 'd', ts: other.date(Date.UTC(2020, 4, 1)) }];
  const expected = { Sales: { open: 1, closed: 0 }, success: true };
  const departments = [{ _id: 'd', name: 'Sales' }];
  assert.deepEqual(lib.chatsPerDepartment(rooms, departments, P), expected);
  const json = JSON.stringify([{ ...rooms[0], ts: '2020-05-01T00:00:00Z' }]);
  assert.deepEqual(lib.chatsPerDepartment(other.bytes(json), departments, P), expected);
  const index = new lib.ChatIndex(departments, { timeZone: 'UTC' });
  const stream = new ReadableStream({ start(c) { c.enqueue(other.bytes(json.slice(0, 9))); c.enqueue(other.bytes(json.slice(9))); c.close(); } });
  assert.equal(await index.addStream(stream), 1);
  assert.deepEqual(index.query(P), expected);
  index.free();
});

test('Chromium: the same scenarios in the web build', async () => {
  const site = await serve({ port: 0, dir: '.' });
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--headless', '--no-sandbox'] });
  try {
    const page = await browser.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${site.url}tests/boundary/`);
    const checked = await page.evaluate(async (v8Utc) => {
      const lib = await import('/pkg/web.js');
      await lib.default();
      const { run } = await import('/tests/boundary/scenarios.mjs');
      return run(lib, { v8Utc });
    }, v8Utc);
    assert.equal(checked.length, 11);
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
    await site.close();
  }
});
