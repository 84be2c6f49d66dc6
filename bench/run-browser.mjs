// The benchmark in headless Chromium (Debian's, driven by playwright-core):
// builds the page with Vite, serves the repository on 127.0.0.1, runs it,
// prints the same table as run.mjs and writes bench/results/chromium.json.
//
//   npm run bench:browser                 (100k rooms)
//   npm run bench:browser -- --sizes=100k,1m
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { serve } from '../scripts/serve.mjs';
import { ensureData } from './data.mjs';
import { printTable } from './report.mjs';

const arg = (name, fallback) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback;
const sizes = arg('sizes', '100k').split(',').map((s) => Number(s.replace(/k$/, 'e3').replace(/m$/, 'e6')));
ensureData(sizes);
execFileSync('npx', ['--no-install', 'vite', 'build', '--config', 'bench/browser/vite.config.mjs'], { stdio: 'inherit' });

const server = await serve({ port: 0, dir: '.', isolated: true });
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic', '--js-flags=--max-old-space-size=8192'],
});
try {
  const page = await browser.newPage();
  page.on('console', (m) => m.type() === 'error' && console.error(m.text()));
  await page.goto(`${server.url}bench/browser/dist/index.html?sizes=${sizes.join(',')}`);
  await page.waitForFunction(() => window.__results, null, { timeout: 45 * 60_000, polling: 1000 });
  const results = await page.evaluate(() => window.__results);
  if (results.error) throw new Error(results.error);
  for (const [size, out] of Object.entries(results.sizes)) printTable(size, out);
  console.log(`\nbrowser: ${results.userAgent}`);
  mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
  writeFileSync(new URL('./results/chromium.json', import.meta.url), JSON.stringify(results, null, 2));
} finally {
  await browser.close();
  await server.close();
}
