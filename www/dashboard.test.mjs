// The dashboard in a real browser: Debian's Chromium driven by
// playwright-core, against the built page served on 127.0.0.1 and a mock
// Rocket.Chat server. Every number shown is checked against the library
// (computed here in Node) or against the server's oracle.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { serve } from '../scripts/serve.mjs';
import { chatsPerDepartment } from '../pkg/node.mjs';
import { startMock, USERS } from './mock-rocketchat.mjs';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic'];
const dist = new URL('./dist/', import.meta.url);
const sample = (name) => readFileSync(new URL(`./dist/sample/${name}.json`, import.meta.url), 'utf8');
const shots = new URL('../test-results/', import.meta.url);

let site;
let mock;
let browser;
before(async () => {
  assert.ok(existsSync(new URL('index.html', dist)), 'build the page first: bash scripts/www.sh build');
  site = await serve({ port: 0, dir: 'www/dist' });
  mock = await startMock();
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  mkdirSync(shots, { recursive: true });
});
after(async () => {
  await browser?.close();
  await site?.close();
  await mock?.close();
});

async function openPage(viewport = { width: 1280, height: 900 }) {
  const page = await browser.newPage({ viewport });
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(site.url);
  await page.waitForSelector('body[data-loaded=true]', { timeout: 60_000 });
  return { page, errors };
}

const raw = async (page) => JSON.parse((await page.textContent('#raw')).replace(/^HTTP \d*\n/, ''));

async function setText(page, selector, value) {
  await page.fill(selector, value);
  await page.dispatchEvent(selector, 'input');
}

/** Waits until the raw view shows `expected`. */
async function expectBody(page, expected) {
  await page.waitForFunction((want) => {
    const text = document.getElementById('raw').textContent.replace(/^HTTP \d*\n/, '');
    try {
      return JSON.stringify(JSON.parse(text)) === want;
    } catch {
      return false;
    }
  }, JSON.stringify(expected), { timeout: 10_000 });
  assert.deepEqual(await raw(page), expected);
}

/** Non-background pixels drawn on the chart canvas. */
const drawnPixels = (page) => page.$eval('#chart', (canvas) => {
  const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
  let n = 0;
  for (let i = 3; i < data.length; i += 4) if (data[i] > 0) n++;
  return n;
});

test('sample: the chart, table and raw body are the library\'s numbers; dates and filter recompute', async () => {
  const { page, errors } = await openPage();
  const range = JSON.parse(sample('range'));
  const rooms = sample('rooms');
  const departments = sample('departments');
  await expectBody(page, chatsPerDepartment(rooms, departments, range));
  const rows = await page.$$eval('#table tbody tr', (trs) => trs.map((tr) => [...tr.cells].map((c) => c.textContent)));
  assert.ok(rows.length >= 10, `${rows.length} rows`);
  assert.ok((await drawnPixels(page)) > 5000, 'the chart is drawn');
  assert.equal(await page.isVisible('#empty'), false, 'no empty-state message over a drawn chart');
  for (const tab of ['#tab-sample', '#tab-file', '#tab-server']) {
    const [fg, bg] = await page.$eval(tab, (el) => [getComputedStyle(el).color, getComputedStyle(el).backgroundColor]);
    assert.notEqual(fg, bg, `${tab} text is readable`);
  }
  await page.screenshot({ path: join(shots.pathname, 'dashboard-sample.png'), fullPage: true });

  const params = { start: '2026-03-01T00:00:00.000Z', end: 'Mar 31 2026 23:59:59 GMT' };
  await setText(page, '#start', params.start);
  await setText(page, '#end', params.end);
  await expectBody(page, chatsPerDepartment(rooms, departments, params));
  const sales = JSON.parse(departments).departments.find((d) => d.name === 'Sales')._id;
  await page.selectOption('#department', sales);
  await expectBody(page, chatsPerDepartment(rooms, departments, { ...params, departmentId: sales }));
  const total = await page.textContent('#total-all');
  const body = chatsPerDepartment(rooms, departments, { ...params, departmentId: sales });
  assert.equal(total, String(body.Sales.open + body.Sales.closed));
  assert.deepEqual(errors, []);
  await page.close();
});

test('an invalid date shows the server\'s error body', async () => {
  const { page } = await openPage();
  await setText(page, '#start', 'yesterday-ish');
  await expectBody(page, { success: false, error: 'The "start" query parameter must be a valid date.' });
  assert.equal(await page.isVisible('#error'), true);
  assert.equal(await page.isVisible('#empty'), true, 'the empty state replaces the chart');
  await page.screenshot({ path: join(shots.pathname, 'dashboard-error.png') });
  assert.equal(await page.textContent('#error'), 'The "start" query parameter must be a valid date.');
  await setText(page, '#start', '');
  await expectBody(page, { success: false, error: 'The "start" query parameter must be a valid date.' });
  await page.close();
});

test('a mongoexport file and a departments file load, and give the library\'s numbers', async () => {
  const { page } = await openPage();
  const dir = join(tmpdir(), `cpd-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  const lines = [
    { _id: { $oid: '1' }, t: 'l', open: true, departmentId: 'a', ts: { $date: '2026-02-01T10:00:00.000Z' } },
    { _id: { $oid: '2' }, t: 'l', departmentId: 'a', ts: { $date: { $numberLong: String(Date.UTC(2026, 1, 2)) } } },
    { _id: { $oid: '3' }, t: 'l', departmentId: 'b', ts: { $date: '2026-02-03T10:00:00.000Z' } },
    { _id: { $oid: '4' }, t: 'l', departmentId: 'gone', ts: { $date: '2026-02-04T10:00:00.000Z' } },
  ].map((r) => JSON.stringify(r)).join('\n');
  writeFileSync(join(dir, 'rocketchat_room.json'), lines);
  writeFileSync(join(dir, 'departments.json'), JSON.stringify([{ _id: 'a', name: 'Alpha' }, { _id: 'b', name: 'Beta' }]));
  await page.click('#tab-file');
  await page.setInputFiles('#rooms-file', join(dir, 'rocketchat_room.json'));
  await page.setInputFiles('#departments-file', join(dir, 'departments.json'));
  await page.click('#file-form button[type=submit]');
  await page.waitForFunction(() => document.getElementById('status').textContent.startsWith('rocketchat_room.json'));
  const params = { start: '2026-01-01', end: '2026-03-01' };
  await setText(page, '#start', params.start);
  await setText(page, '#end', params.end);
  await expectBody(page, chatsPerDepartment(lines, readFileSync(join(dir, 'departments.json'), 'utf8'), params));
  assert.deepEqual(await raw(page), { Alpha: { open: 1, closed: 1 }, Beta: { open: 0, closed: 1 }, undefined: { open: 0, closed: 1 }, success: true });

  writeFileSync(join(dir, 'broken.json'), '[{"t":"l","ts":"2026-01-01T00:00:00Z"},{"t":"l","ts":"whenever"}]');
  await page.setInputFiles('#rooms-file', join(dir, 'broken.json'));
  await page.setInputFiles('#departments-file', []);
  await page.click('#file-form button[type=submit]');
  await page.waitForFunction(() => document.getElementById('status').dataset.kind === 'error');
  assert.match(await page.textContent('#raw'), /rooms\[1\]\.ts is not a date/);
  await page.close();
});

test('live server: 401 and 403 bodies verbatim, paging through rooms, and agreement with the server', async () => {
  const { page } = await openPage();
  await page.click('#tab-server');
  await page.fill('#server-url', mock.url);
  await page.click('#server-form button[type=submit]'); // no credentials at all
  await page.waitForFunction(() => /^HTTP 401/.test(document.getElementById('raw').textContent));
  assert.deepEqual(await raw(page), { status: 'error', message: 'You must be logged in to do this.' });
  await page.fill('#server-user', 'manager');
  await page.fill('#server-token', 'wrong');
  await page.click('#server-form button[type=submit]');
  await page.waitForFunction(() => document.getElementById('status').dataset.kind === 'error');
  assert.deepEqual(await raw(page), { status: 'error', message: 'You must be logged in to do this.' });
  assert.match(await page.textContent('#raw'), /^HTTP 401/);

  await page.fill('#server-user', 'agent');
  await page.fill('#server-token', USERS.agent.token);
  await page.click('#server-form button[type=submit]');
  await page.waitForFunction(() => /HTTP 403/.test(document.getElementById('raw').textContent));
  assert.deepEqual(await raw(page), { success: false, error: 'User does not have the permissions required for this action [error-unauthorized]' });

  await page.fill('#server-user', 'manager');
  await page.fill('#server-token', USERS.manager.token);
  await page.click('#server-form button[type=submit]');
  await page.waitForFunction(() => document.getElementById('status').dataset.kind === 'ok', null, { timeout: 30_000 });
  assert.match(await page.textContent('#status'), /1,234 rooms loaded/);
  const params = { start: '2026-01-15T00:00:00.000Z', end: '2026-03-15T00:00:00.000Z' };
  await setText(page, '#start', params.start);
  await setText(page, '#end', params.end);
  const restRooms = mock.data.rooms.map((r) => ({ ...r, ts: r.ts.toISOString() }));
  const expected = chatsPerDepartment(restRooms, mock.data.departments, params);
  await expectBody(page, expected);
  assert.ok(expected['Legacy desk'], 'archived departments are named');
  await page.click('#compare-server');
  await page.waitForFunction(() => !document.getElementById('compare').hidden);
  assert.equal(await page.textContent('#compare'), 'The server agrees (HTTP 200).');
  await page.screenshot({ path: join(shots.pathname, 'dashboard-server.png'), fullPage: true });
  await page.close();
});

test('phone-sized screen: everything fits and the chart is drawn', async () => {
  const { page } = await openPage({ width: 390, height: 844 });
  assert.ok((await drawnPixels(page)) > 2000);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 0, `page scrolls sideways by ${overflow}px`);
  await page.screenshot({ path: join(shots.pathname, 'dashboard-phone.png'), fullPage: true });
  await page.close();
});
