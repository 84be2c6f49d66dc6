// The packed tarball in the browser, as consumers ship it: a Vite build,
// Vite's dev server, webpack 5, module Workers, and a plain
// `<script type="module">` with no bundler at all. Each page computes a
// real body with the installed package in Debian's Chromium
// (playwright-core) and must show the library's answer.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { build as viteBuild, createServer as viteServer } from 'vite';
import webpack from 'webpack';
import { serve } from '../../scripts/serve.mjs';

const root = resolve(import.meta.dirname, '../..');
const work = join(root, 'tests/package/.work-browser');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const expected = { Sales: { open: 1, closed: 1 }, success: true };

// The consumer's code: computes a body and shows it on the page.
const compute = `
const rooms = [
  { _id: 'r1', t: 'l', open: true, departmentId: 'd1', ts: '2020-09-10T10:00:00Z' },
  { _id: 'r2', t: 'l', departmentId: 'd1', ts: '2020-09-10T11:00:00Z' },
];
export async function body(init, chatsPerDepartment, ChatIndex) {
  await init();
  const index = new ChatIndex([{ _id: 'd1', name: 'Sales' }], { timeZone: 'UTC' });
  index.add(rooms);
  const one = chatsPerDepartment(rooms, [{ _id: 'd1', name: 'Sales' }], { start: '2020-09-10', end: '2020-09-11' }, { timeZone: 'UTC' });
  const two = index.query({ start: '2020-09-10', end: '2020-09-11' });
  return JSON.stringify(one) === JSON.stringify(two) ? one : { mismatch: [one, two] };
}
`;
const main = `
import init, { chatsPerDepartment, ChatIndex } from 'chats-per-department';
import { body } from './compute.js';
const show = (value) => { document.body.dataset.result = JSON.stringify(value); };
body(init, chatsPerDepartment, ChatIndex).then(show, (e) => show({ error: String(e) }));
`;
const workerMain = `
const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
worker.onmessage = ({ data }) => { document.body.dataset.result = JSON.stringify(data); };
worker.onerror = (e) => { document.body.dataset.result = JSON.stringify({ error: e.message }); };
`;
const worker = `
import init, { chatsPerDepartment, ChatIndex } from 'chats-per-department';
import { body } from './compute.js';
body(init, chatsPerDepartment, ChatIndex).then((b) => self.postMessage(b), (e) => self.postMessage({ error: String(e) }));
`;
const html = (script) => `<!doctype html><html><head><meta charset="utf-8"><title>consumer</title></head><body><script type="module" src="${script}"></script></body></html>`;

let browser;
const closers = [];
before(async () => {
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  execFileSync('npm', ['pack', '--silent', '--pack-destination', work], { cwd: join(root, 'pkg'), stdio: 'ignore' });
  const tarball = join(work, readdirSync(work).find((f) => f.endsWith('.tgz')));
  writeFileSync(join(work, 'package.json'), JSON.stringify({ name: 'browser-consumer', private: true, type: 'module' }));
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--offline', tarball], { cwd: work, stdio: 'ignore' });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu'] });
});
after(async () => {
  await browser?.close();
  for (const close of closers) await close();
});

/** A consumer project: `files` written into `work/name/`. */
function project(name, files) {
  const dir = join(work, name);
  mkdirSync(dir, { recursive: true });
  for (const [file, text] of Object.entries({ 'compute.js': compute, ...files })) writeFileSync(join(dir, file), text);
  return dir;
}

/** Opens `url` and returns the body the page computed. */
async function resultAt(url) {
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(url);
  await page.waitForFunction(() => document.body?.dataset.result, null, { timeout: 30_000 });
  const result = JSON.parse(await page.evaluate(() => document.body.dataset.result));
  await page.close();
  assert.deepEqual(errors, []);
  return result;
}

async function served(dir) {
  const site = await serve({ port: 0, dir });
  closers.push(site.close);
  return site.url;
}

test('Vite build: the page and a module Worker compute the body', async () => {
  const dir = project('vite', { 'index.html': html('./main.js'), 'main.js': main, 'worker.html': html('./worker-main.js'), 'worker-main.js': workerMain, 'worker.js': worker });
  await viteBuild({
    root: dir,
    logLevel: 'silent',
    build: { outDir: 'dist', rollupOptions: { input: { main: join(dir, 'index.html'), worker: join(dir, 'worker.html') } } },
    worker: { format: 'es' },
  });
  const url = await served(join(dir, 'dist'));
  assert.deepEqual(await resultAt(url), expected);
  assert.deepEqual(await resultAt(`${url}worker.html`), expected);
});

for (const exclude of [false, true]) {
  test(`Vite dev server, ${exclude ? 'with optimizeDeps.exclude (older Vite)' : 'no configuration'}`, async () => {
    const dir = project(`vite-dev-${exclude}`, { 'index.html': html('./main.js'), 'main.js': main });
    const server = await viteServer({ root: dir, logLevel: 'silent', server: { port: 0, host: '127.0.0.1' }, optimizeDeps: exclude ? { exclude: ['chats-per-department'] } : {} });
    await server.listen();
    closers.push(() => server.close());
    const { port } = server.httpServer.address();
    assert.deepEqual(await resultAt(`http://127.0.0.1:${port}/`), expected);
  });
}

test('webpack 5: the page and a module Worker compute the body', async () => {
  const dir = project('webpack', { 'main.js': main, 'worker-main.js': workerMain, 'worker.js': worker });
  const stats = await new Promise((done, fail) => webpack({
    mode: 'production',
    context: dir,
    entry: { main: './main.js', 'worker-main': './worker-main.js' },
    output: { path: join(dir, 'dist'), publicPath: 'auto', clean: true },
    resolve: { modules: [join(work, 'node_modules'), 'node_modules'] },
    infrastructureLogging: { level: 'error' },
  }, (error, result) => (error ? fail(error) : done(result))));
  assert.equal(stats.hasErrors(), false, stats.toString('errors-only'));
  writeFileSync(join(dir, 'dist/index.html'), html('./main.js'));
  writeFileSync(join(dir, 'dist/worker.html'), html('./worker-main.js'));
  const url = await served(join(dir, 'dist'));
  assert.deepEqual(await resultAt(url), expected);
  assert.deepEqual(await resultAt(`${url}worker.html`), expected);
});

test('a plain <script type="module">, no bundler: the installed files as they are', async () => {
  const dir = project('plain', {});
  writeFileSync(join(dir, 'index.html'), `<!doctype html><html><head><meta charset="utf-8"></head><body><script type="module">
import init, { chatsPerDepartment, ChatIndex } from '../node_modules/chats-per-department/web.js';
import { body } from './compute.js';
body(init, chatsPerDepartment, ChatIndex).then((b) => { document.body.dataset.result = JSON.stringify(b); }, (e) => { document.body.dataset.result = JSON.stringify({ error: String(e) }); });
</script></body></html>`);
  const url = await served(work);
  assert.deepEqual(await resultAt(`${url}plain/index.html`), expected);
});

test('every ```js block of the README runs as written in Chromium too (no bundler)', async () => {
  const readme = (await import('node:fs')).readFileSync(join(root, 'README.md'), 'utf8');
  const blocks = [...readme.matchAll(/^```js\n([\s\S]*?)^```$/gm)].map((m) => m[1]);
  assert.ok(blocks.length >= 2, 'the README has runnable examples');
  const dir = project('readme', {});
  const url = await served(work);
  for (const [i, code] of blocks.entries()) {
    // The bare specifier is what an import map gives a page without a bundler.
    writeFileSync(join(dir, `block-${i}.html`), `<!doctype html><html><head><meta charset="utf-8">
<script type="importmap">{"imports":{"chats-per-department":"../node_modules/chats-per-department/web.js"}}</script></head><body>
<script type="module">
${code}
document.body.dataset.result = JSON.stringify('done');
</script></body></html>`);
    const page = await browser.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => m.type() === 'error' && !m.location().url.endsWith('/favicon.ico') && errors.push(m.text()));
    await page.goto(`${url}readme/block-${i}.html`);
    await page.waitForFunction(() => document.body?.dataset.result, null, { timeout: 10_000 }).catch(() => {});
    const done = await page.evaluate(() => document.body.dataset.result);
    await page.close();
    assert.deepEqual(errors, [], `README block ${i}`);
    assert.equal(done, '"done"', `README block ${i} ran to its end`);
  }
});
