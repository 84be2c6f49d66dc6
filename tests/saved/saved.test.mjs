// The dashboard's saved copies (www/src/saved.js) in Chromium's OPFS: one
// copy per source, a total cap evicting the oldest, and saves that fail
// (a real small quota, a write interrupted halfway) reported as failed,
// with the previous good copy kept and found on the next open.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { serve } from '../../scripts/serve.mjs';

const MB = 1_000_000;

async function withWorker(run) {
  const site = await serve({ port: 0, dir: '.' });
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--headless', '--no-sandbox'] });
  try {
    const page = await browser.newPage();
    await page.goto(`${site.url}tests/saved/`);
    await page.evaluate(() => {
      const worker = new Worker('/tests/saved/worker.mjs', { type: 'module' });
      let next = 0;
      const waiting = new Map();
      worker.onmessage = ({ data }) => waiting.get(data.id)(data);
      window.command = (command, args) => new Promise((resolve) => {
        const id = next++;
        waiting.set(id, resolve);
        worker.postMessage({ id, command, args });
      });
    });
    const command = async (name, args) => {
      const { result, error } = await page.evaluate(([n, a]) => window.command(n, a), [name, args]);
      if (error) throw new Error(`${name}: ${error}`);
      return result;
    };
    await command('clear');
    await run({ command, page, origin: site.url.replace(/\/$/, '') });
  } finally {
    await browser.close();
    await site.close();
  }
}

test('saved copies: a source keeps only its newest copy, and past the cap the oldest go', async () => {
  await withWorker(async ({ command }) => {
    const at = (t) => ({ savedAt: t });
    assert.deepEqual(await command('save', { key: 'sample|10|UTC', size: MB, fill: 1, meta: { ...at(1), source: 'sample' } }), { where: 'OPFS' });
    assert.deepEqual(await command('save', { key: 'sample|11|UTC', size: MB, fill: 2, meta: { ...at(2), source: 'sample' } }), { where: 'OPFS' });
    // A zone change is the same source too.
    await command('save', { key: 'sample|11|America/Sao_Paulo', size: MB, fill: 3, meta: { ...at(3), source: 'sample' } });
    await command('save', { key: 'server|https://chat|u|true|UTC', size: MB, fill: 4, meta: { ...at(4), source: 'server|https://chat|u' } });
    let keys = (await command('list')).map((c) => c.key).sort();
    assert.deepEqual(keys, ['sample|11|America/Sao_Paulo', 'server|https://chat|u|true|UTC']);
    assert.equal(await command('open', { key: 'sample|10|UTC' }), null);
    assert.deepEqual((await command('open', { key: 'sample|11|America/Sao_Paulo' })).fills, [3]);
    // A cap of 2.5 MB: a third source's copy pushes out the oldest.
    await command('save', { key: 'files|a.json|1|2|-|UTC', size: MB, fill: 5, meta: { ...at(5), source: 'files|a.json|-' }, capBytes: 2.5 * MB });
    keys = (await command('list')).map((c) => c.key).sort();
    assert.deepEqual(keys, ['files|a.json|1|2|-|UTC', 'server|https://chat|u|true|UTC']);
    // Saved again and again, a key holds one file.
    for (let t = 6; t < 10; t++) await command('save', { key: 'files|a.json|1|2|-|UTC', size: MB, fill: t, meta: { ...at(t), source: 'files|a.json|-' } });
    const files = await command('list');
    assert.equal(files.length, 2);
    assert.deepEqual((await command('open', { key: 'files|a.json|1|2|-|UTC' })).fills, [9]);
  });
});

test('saved copies: a save cut short by a small quota is a failed save, and the previous copy is kept whole', async () => {
  await withWorker(async ({ command, page, origin }) => {
    const key = 'server|https://chat|u|true|UTC';
    const meta = (t) => ({ savedAt: t, source: 'server|https://chat|u' });
    assert.deepEqual(await command('save', { key, size: MB, fill: 1, meta: meta(1) }), { where: 'OPFS' });
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Storage.overrideQuotaForOrigin', { origin, quotaSize: 3 * MB });
    const failed = await command('save', { key, size: 5 * MB, fill: 2, meta: meta(2) });
    assert.equal(failed.where, null, `a save past the quota said ${JSON.stringify(failed)}`);
    assert.ok(failed.error, 'the failure says why');
    const kept = await command('open', { key });
    assert.deepEqual([kept.meta.savedAt, kept.size, kept.fills], [1, MB, [1]]);
    assert.equal((await command('list')).length, 1, 'the cut-short copy is not left behind');
    // Within the quota again, a save works and replaces the copy.
    assert.deepEqual(await command('save', { key, size: MB / 2, fill: 3, meta: meta(3) }), { where: 'OPFS' });
    assert.deepEqual((await command('open', { key })).fills, [3]);
  });
});

test('saved copies: a save interrupted halfway leaves the previous copy, which the next open finds', async () => {
  await withWorker(async ({ command }) => {
    const key = 'sample|11|UTC';
    const meta = (t) => ({ savedAt: t, source: 'sample' });
    await command('save', { key, size: MB, fill: 1, meta: meta(1) });
    await command('interrupt', { over: 1000 });
    const failed = await command('save', { key, size: 2 * MB, fill: 2, meta: meta(2) });
    assert.equal(failed.where, null);
    await command('restore');
    const kept = await command('open', { key });
    assert.deepEqual([kept.meta.savedAt, kept.size, kept.fills], [1, MB, [1]]);
    // Twice in a row, alternating slots: still the last good copy.
    await command('save', { key, size: MB, fill: 3, meta: meta(3) });
    await command('interrupt', { over: 1000 });
    await command('save', { key, size: MB, fill: 4, meta: meta(4) });
    await command('restore');
    assert.deepEqual((await command('open', { key })).fills, [3]);
  });
});
