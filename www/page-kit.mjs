// What the page tests share: Debian's Chromium driven by playwright-core,
// the built page served on 127.0.0.1, and ways to read what the page shows.
// `pageKit()` registers the browser's before/after hooks in the calling test
// file and returns the helpers.
import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { serve } from '../scripts/serve.mjs';
import { roomsJson } from './sample/sample.mjs';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic'];
const dist = new URL('./dist/', import.meta.url);

/**
 * A REST page of rooms over `departments`, created evenly between `from`
 * and `to`, one in five open, followed by `extra` rooms (by default one of
 * another type and one without a department, which never count).
 */
export function restPage(count, from, to, departments, extra = [{ _id: 'other', t: 'd' }, { _id: 'nodep', t: 'l' }]) {
  const rooms = [];
  for (let i = 0; i < count; i++) {
    const d = departments[i % departments.length];
    const ts = new Date(from + Math.floor(((to - from) * i) / count)).toISOString();
    rooms.push({ _id: `r${i}`, t: 'l', ts, _updatedAt: ts, departmentId: d._id, department: d, ...(i % 5 === 0 ? { open: true } : {}) });
  }
  for (const room of extra) rooms.push({ ...room, ts: new Date(from).toISOString() });
  return JSON.stringify({ rooms, count: rooms.length, offset: 0, total: rooms.length, success: true });
}

/** Picks the rooms file (and departments file) in the File tab and loads them; returns the load count before. */
export async function loadFile(page, roomsPath, departmentsPath) {
  const loads = Number(await page.getAttribute('body', 'data-loads') ?? 0);
  await page.click('#tab-file');
  await page.setInputFiles('#rooms-file', roomsPath);
  await page.setInputFiles('#departments-file', departmentsPath ? [departmentsPath] : []);
  await page.click('#file-form button[type=submit]');
  return loads;
}

/** Waits for the load after `loads` to end and its first chart to be drawn. */
export async function loadedAfter(page, loads) {
  await page.waitForFunction((n) => Number(document.body.dataset.loads) > n && document.body.dataset.busy === 'false', loads, { timeout: 30_000 });
  // The fitted range's query has been drawn once the raw view is a body.
  await page.waitForFunction(() => /^HTTP (200|400)/.test(document.getElementById('raw').textContent));
}

/** The helpers, with the browser and the page's server started before the file's tests. */
export function pageKit() {
  const shots = new URL('../test-results/', import.meta.url);
  let site;
  let browser;
  before(async () => {
    assert.ok(existsSync(new URL('index.html', dist)), 'build the page first: bash scripts/www.sh build');
    site = await serve({ port: 0, dir: process.env.PAGE_DIST ?? 'www/dist' });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
    mkdirSync(shots, { recursive: true });
  });
  after(async () => {
    await browser?.close();
    await site?.close();
  });

  const sample = (name) => readFileSync(new URL(`./dist/sample/${name}.json`, import.meta.url), 'utf8');
  /** The sample the page generated (it ends at the hour the page was opened), as JSON text. */
  const pageSample = async (page) => [...roomsJson({ end: Number(await page.getAttribute('body', 'data-sample-end')) })].join('');
  /** The range the page shows. */
  const shownRange = async (page) => ({ start: await page.inputValue('#start'), end: await page.inputValue('#end') });

  /**
   * Shows a control as a user reaches it: the phone's controls bar opened,
   * the "Advanced" disclosure opened for the server-format date fields.
   */
  async function reveal(page, selector) {
    await page.evaluate((sel) => {
      const field = document.querySelector(sel);
      const query = document.getElementById('query');
      if (query.contains(field) && getComputedStyle(document.getElementById('query-fields')).display === 'none') document.getElementById('controls-toggle').click();
      for (let d = field.closest('details'); d; d = d.parentElement?.closest('details')) d.open = true;
    }, selector);
  }

  /** Ticks a department in the menu (several may be ticked). */
  async function pickDepartment(page, id) {
    await reveal(page, '#department-menu summary');
    if (!(await page.$eval('#department-menu', (d) => d.open))) await page.click('#department-menu summary');
    await page.check(`#department-list input[value="${id}"]`);
  }

  /**
   * A new page at `url` (the page's own by default), once its first load is
   * shown; in `within` (a browser context) to share its storage with other
   * pages, else in a context of its own.
   */
  async function openPage(viewport = { width: 1280, height: 900 }, { url, timezoneId, context = {}, wait = true, within } = {}) {
    const page = within ? await within.newPage() : await browser.newPage({ viewport, timezoneId, ...context });
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(url ?? site.url);
    if (wait) await page.waitForSelector('body[data-loaded=true]', { timeout: 60_000 });
    return { page, errors };
  }

  const loadFailure = async (page) => JSON.parse((await page.textContent('#load-failure')).replace(/^HTTP \d*\n/, ''));
  const raw = async (page) => JSON.parse((await page.textContent('#raw')).replace(/^HTTP \d*\n/, ''));

  async function setText(page, selector, value) {
    await reveal(page, selector);
    await page.fill(selector, value);
    await page.dispatchEvent(selector, 'input');
  }

  /** Types a range into the Start and End fields, as a user does. */
  async function setRange(page, { start, end }) {
    await setText(page, '#start', start);
    await setText(page, '#end', end);
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

  return {
    get site() { return site; },
    get browser() { return browser; },
    sample, pageSample, shownRange, pickDepartment, shots, openPage, loadFailure, raw, setText, setRange, expectBody, drawnPixels, reveal,
  };
}
