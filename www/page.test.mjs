// The page in a real browser: Debian's Chromium driven by playwright-core,
// against the page served on 127.0.0.1. Numbers on the page must be the
// library's (computed here in Node from the same sample).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { serve } from '../scripts/serve.mjs';
import { chatsPerDepartment } from '../pkg/node.mjs';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic'];
const sample = (name) => readFileSync(new URL(`./sample/${name}.json`, import.meta.url), 'utf8');

let server;
let browser;
before(async () => {
  assert.ok(existsSync(new URL('./sample/rooms.json', import.meta.url)), 'run `node www/sample/generate.mjs` first (scripts/test.sh does)');
  server = await serve({ port: 0, dir: 'www' });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
});
after(async () => {
  await browser?.close();
  await server?.close();
});

test('the page shows the library\'s numbers for the sample, and the server\'s error for a bad date', async () => {
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(server.url);
  await page.waitForFunction(() => document.getElementById('status').textContent.includes('loaded'), null, { timeout: 30_000 });
  const range = JSON.parse(sample('range'));
  const expected = chatsPerDepartment(sample('rooms'), sample('departments'), range);
  const shown = JSON.parse(await page.textContent('#raw'));
  assert.deepEqual(shown, expected);
  const rows = await page.$$eval('#chart tbody tr', (trs) => trs.map((tr) => [...tr.cells].map((c) => c.textContent)));
  assert.equal(rows.length, Object.keys(expected).length - 1);
  assert.ok(rows.length >= 10);

  await page.fill('#start', 'not a date');
  await page.dispatchEvent('#start', 'input');
  assert.deepEqual(JSON.parse(await page.textContent('#raw')), { success: false, error: 'The "start" query parameter must be a valid date.' });
  assert.deepEqual(errors, []);
  await page.close();
});
