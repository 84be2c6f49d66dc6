// The boundary scenarios (scenarios.mjs) in Node and in Debian's Chromium.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import * as lib from '../../pkg/node.mjs';
import { serve } from '../../scripts/serve.mjs';
import { run } from './scenarios.mjs';

test('Node: hostile values at the boundary give error bodies, and the module keeps working', async () => {
  const checked = await run(lib);
  assert.equal(checked.length, 9);
});

test('Chromium: the same scenarios in the web build', async () => {
  const site = await serve({ port: 0, dir: '.' });
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--headless', '--no-sandbox'] });
  try {
    const page = await browser.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${site.url}tests/boundary/`);
    const checked = await page.evaluate(async () => {
      const lib = await import('/pkg/web.js');
      await lib.default();
      const { run } = await import('/tests/boundary/scenarios.mjs');
      return run(lib);
    });
    assert.equal(checked.length, 9);
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
    await site.close();
  }
});
