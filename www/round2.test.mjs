// The dashboard, round 2: what a manager met in a day with the page
// (the screenshots of that trial are the reference), each with a test that
// failed on the page before: ranges that roll, the period named, date
// controls for people, a menu that closes, a phone that shows the chart
// first, a manager's words, many departments, dark, print and wide
// screens, what a screen reader hears, and a static host.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadedAfter, loadFile, pageKit, restPage } from './page-kit.mjs';

const kit = pageKit();
const { openPage, raw, setText, shots } = kit;
const shot = (name) => join(shots.pathname, name);
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const dir = join(tmpdir(), `cpd-round2-${process.pid}`);
mkdirSync(dir, { recursive: true });

// Rooms that never count, and one of a department no list names ("No department").
const EXTRA = [{ _id: 'gone', t: 'l', departmentId: 'deleted' }, { _id: 'dm', t: 'd' }];

/** Writes `text` as a rooms file and loads it. */
async function loadText(page, name, text) {
  const path = join(dir, name);
  writeFileSync(path, text);
  await loadedAfter(page, await loadFile(page, path));
}

async function axe(page) {
  await page.addScriptTag({ content: AXE });
  return page.evaluate(async () => (await window.axe.run(document)).violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`));
}

test('1. quick ranges roll: kept as range=7d in the URL, evaluated again when the day turns in the server\'s zone and when a bookmark is reopened', async () => {
  const { page } = await openPage({ width: 1366, height: 768 }, { wait: false, url: 'about:blank' });
  await page.clock.install({ time: new Date('2026-11-25T23:50:00Z') });
  await page.goto(kit.site.url);
  await page.waitForSelector('body[data-loaded=true]', { timeout: 60_000 });
  await page.click('[data-range="7d"]');
  await page.waitForFunction(() => document.getElementById('start-picker').value === '2026-11-19');
  assert.equal(await page.getAttribute('[data-range="7d"]', 'aria-pressed'), 'true');
  const url = new URL(page.url());
  assert.equal(url.searchParams.get('range'), '7d');
  assert.equal(url.searchParams.has('start'), false, 'no fixed dates in the URL');
  // Past midnight (UTC, the server's zone) the week moves on by itself.
  await page.clock.runFor(15 * 60_000);
  await page.waitForFunction(() => document.getElementById('start-picker').value === '2026-11-20', null, { timeout: 10_000 });
  assert.equal(await page.inputValue('#end-picker'), '2026-11-26');
  // A typed range is absolute, and stops the rolling.
  await setText(page, '#start', '2026-10-01T00:00:00.000Z');
  await page.waitForFunction(() => new URL(location.href).searchParams.get('start') === '2026-10-01T00:00:00.000Z');
  assert.equal(new URL(page.url()).searchParams.has('range'), false);
  assert.equal(await page.getAttribute('[data-range="7d"]', 'aria-pressed'), 'false');
  await page.close();
  // The bookmark of "Last 7 days", reopened days later, is the last 7 days then.
  const later = await kit.browser.newPage();
  await later.clock.install({ time: new Date('2026-12-03T10:00:00Z') });
  await later.goto(`${kit.site.url}?range=7d`);
  await later.waitForSelector('body[data-loaded=true]', { timeout: 60_000 });
  await later.waitForFunction(() => document.getElementById('start-picker').value === '2026-11-27');
  assert.equal(await later.inputValue('#end-picker'), '2026-12-03');
  assert.equal(await later.inputValue('#start'), '2026-11-27T00:00:00.000Z');
  await later.close();
});

test('2. the period is named beside the totals, in the PNG\'s title, and in the CSV and the file names', async () => {
  const { page, errors } = await openPage({ width: 1366, height: 768 }, { context: { acceptDownloads: true, locale: 'en-GB' } });
  await setText(page, '#start', '2026-06-01T00:00:00.000Z');
  await setText(page, '#end', '2026-06-07T23:59:59.999Z');
  // In the manager's locale (en-GB here): ICU writes the range "1–7 Jun 2026" or "1 – 7 Jun 2026".
  await page.waitForFunction(() => /^1\s?–\s?7 Jun 2026/.test(document.getElementById('period').textContent));
  assert.match(await page.textContent('#period'), /^1\s?–\s?7 Jun 2026 · UTC · all departments$/);
  assert.match(await page.getAttribute('#chart', 'aria-label'), /1\s?–\s?7 Jun 2026 · UTC · all departments$/);
  const [csv] = await Promise.all([page.waitForEvent('download'), page.click('#export-csv')]);
  assert.equal(csv.suggestedFilename(), 'chats-per-department_2026-06-01_2026-06-07.csv');
  const lines = readFileSync(await csv.path(), 'utf8').trim().split('\r\n');
  assert.deepEqual(lines[0].split(',').slice(-3), ['period_start', 'period_end', 'time_zone']);
  assert.deepEqual(lines[1].split(',').slice(-3), ['2026-06-01T00:00:00.000Z', '2026-06-07T23:59:59.999Z', 'UTC']);
  const [png] = await Promise.all([page.waitForEvent('download'), page.click('#export-png')]);
  assert.equal(png.suggestedFilename(), 'chats-per-department_2026-06-01_2026-06-07.png');
  // The image is taller than the chart by its title, and the title has ink.
  const bytes = readFileSync(await png.path());
  const height = bytes.readUInt32BE(20);
  const canvas = await page.$eval('#chart', (c) => c.height);
  assert.ok(height > canvas + 20, `the PNG (${height}px) has a title above the chart (${canvas}px)`);
  assert.deepEqual(errors, []);
  await page.close();
});

test('3. the day pickers are the controls; the server-format fields wait under "Advanced"; a typed date is one history entry', async () => {
  const { page } = await openPage({ width: 1366, height: 768 });
  assert.equal(await page.isVisible('#start'), false, 'the text fields are under a disclosure');
  assert.equal(await page.isVisible('#start-picker'), true);
  const before = await page.evaluate(() => history.length);
  const startBefore = await page.inputValue('#start');
  // The first part of the date (the month, in en-US), then the digits as a person types them.
  await page.click('#start-picker', { position: { x: 8, y: 10 } });
  await page.keyboard.type('03012026', { delay: 30 });
  // Nothing is committed while the keys come.
  await page.waitForTimeout(300);
  assert.equal(await page.inputValue('#start'), startBefore, 'no commit at each digit');
  assert.equal(await page.inputValue('#start-picker'), '2026-03-01');
  await page.keyboard.press('Tab');
  await page.waitForFunction(() => document.getElementById('start').value === '2026-03-01T00:00:00.000Z');
  assert.equal(await page.evaluate(() => history.length), before + 1, 'one history entry for one typed date');
  await page.goBack();
  await page.waitForFunction((s) => document.getElementById('start').value === s, startBefore);
  // An invalid date (from a shared link, say) opens the disclosure, so the refused field is seen.
  await page.evaluate(() => {
    document.getElementById('advanced').open = false;
    const field = document.getElementById('start');
    field.value = 'yesterday-ish';
    field.dispatchEvent(new Event('input'));
  });
  await page.waitForFunction(() => document.getElementById('start').getAttribute('aria-invalid') === 'true');
  assert.equal(await page.isVisible('#start'), true);
  await page.close();
});

test('4. the department menu closes on Escape and on a click elsewhere, focus returned; past ten departments it has a search box', async () => {
  const departments = Array.from({ length: 14 }, (_, i) => ({ _id: `d${i}`, name: `Team ${String.fromCharCode(65 + i)}${i === 3 ? ' Billing' : ''}` }));
  const { page } = await openPage({ width: 1366, height: 768 });
  await loadText(page, 'fourteen.json', restPage(280, Date.UTC(2026, 0, 1), Date.UTC(2026, 1, 1), departments, EXTRA));
  await page.click('#department-menu summary');
  assert.equal(await page.$eval('#department-menu', (d) => d.open), true);
  assert.equal(await page.isVisible('#department-search'), true);
  // The menu's `toggle` event, a task after the click, moves focus to the
  // search box: typing before it would go to the menu button.
  await page.waitForFunction(() => document.activeElement?.id === 'department-search');
  await page.keyboard.type('billing');
  assert.deepEqual(await page.$$eval('#department-list label:not([hidden])', (ls) => ls.map((l) => l.textContent.trim())), ['Team D Billing']);
  await page.keyboard.press('Escape');
  assert.equal(await page.$eval('#department-menu', (d) => d.open), false);
  assert.equal(await page.evaluate(() => document.activeElement === document.querySelector('#department-menu summary')), true, 'focus back on the menu button');
  await page.click('#department-menu summary');
  await page.click('#chart-title');
  assert.equal(await page.$eval('#department-menu', (d) => d.open), false, 'a click elsewhere closes it');
  await page.close();
});

test('5. a phone shows the totals and the chart first; the controls are one bar that opens them', async () => {
  const { page, errors } = await openPage({ width: 390, height: 844 });
  assert.equal(await page.isVisible('#query-fields'), false);
  assert.match(await page.textContent('#controls-toggle'), / · UTC · all departments/);
  const chartTop = await page.$eval('#chart-box', (e) => e.getBoundingClientRect().top);
  const totalsTop = await page.$eval('#totals', (e) => e.getBoundingClientRect().top);
  assert.ok(chartTop < 844 - 150, `the chart starts at y=${chartTop}, in the first screen`);
  assert.ok(totalsTop < chartTop);
  await page.screenshot({ path: shot('round2-phone-first-screen.png') });
  await page.click('#controls-toggle');
  assert.equal(await page.isVisible('#start-picker'), true);
  assert.equal(await page.getAttribute('#controls-toggle', 'aria-expanded'), 'true');
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 0, `scrolls sideways by ${overflow}px`);
  assert.deepEqual(errors, []);
  await page.close();
});

test('6. a manager\'s words: no timing in the heading, "No department", plain sentences, credentials by their Rocket.Chat names', async () => {
  const departments = [{ _id: 'a', name: 'Alpha' }, { _id: 'b', name: 'Beta' }];
  const { page } = await openPage({ width: 1366, height: 768 });
  await loadText(page, 'words.json', restPage(40, Date.UTC(2026, 0, 1), Date.UTC(2026, 0, 5), departments, EXTRA));
  assert.equal(await page.textContent('#chart-title'), 'Open and closed chats');
  assert.match(await page.textContent('#timing'), /^Computed in this browser in [\d.]+ (µs|ms)\.$/);
  const names = await page.$$eval('#table tbody tr td:first-child', (tds) => tds.map((td) => [td.textContent, td.title]));
  const none = names.find(([name]) => name === 'No department');
  assert.ok(none, `"No department" in the table: ${JSON.stringify(names)}`);
  assert.match(none[1], /"undefined"/);
  assert.ok((await raw(page)).undefined, 'the raw body keeps the server\'s key');
  assert.equal(await page.textContent('#uncounted'), '41 of the 42 rooms loaded are in this chart. 1 room can never be counted, as on the server.');
  await page.click('#tab-server');
  assert.deepEqual(await page.$$eval('#server-form label', (ls) => ls.map((l) => l.childNodes[0].textContent.trim()).filter(Boolean).slice(1, 3)), ['User ID', 'Personal access token']);
  assert.match(await page.textContent('#token-help'), /My Account → Personal Access Tokens/);
  assert.doesNotMatch(await page.textContent('main'), /bytes per room over the wire/);
  await page.close();
});

test('7. a hundred departments with long names over time: departments as rows in a box of its own, a legend inside the chart on a phone', async () => {
  const departments = Array.from({ length: 100 }, (_, i) => ({ _id: `d${i}`, name: `Department ${i + 1} for the customers of the northern and southern regional offices` }));
  const { page, errors } = await openPage({ width: 390, height: 844 });
  await loadText(page, 'hundred.json', restPage(2000, Date.UTC(2026, 0, 1), Date.UTC(2026, 0, 15), departments, EXTRA));
  await page.check('input[name=view][value=time]');
  await page.waitForFunction(() => document.querySelector('#table thead th')?.textContent === 'Department, per day');
  const rows = await page.$$eval('#table tbody tr', (trs) => trs.length);
  assert.ok(rows >= 100, `${rows} rows: one per department`);
  const [wrap, page_] = await page.$eval('.table-wrap', (e) => [e.getBoundingClientRect().width, document.documentElement.scrollWidth]);
  assert.ok(wrap <= 390 && page_ <= 390, `the table scrolls in its box (${wrap}px), the page does not (${page_}px)`);
  // No ink in the canvas' outermost pixel columns: the legend is not clipped at either edge.
  const edges = await page.$eval('#chart', (canvas) => {
    const g = canvas.getContext('2d');
    let n = 0;
    for (const x of [0, 1, canvas.width - 2, canvas.width - 1]) {
      const { data } = g.getImageData(x, 0, 1, Math.floor(canvas.height / 3));
      for (let i = 3; i < data.length; i += 4) if (data[i] > 0) n++;
    }
    return n;
  });
  assert.equal(edges, 0, 'nothing drawn on the edges');
  // Nor are its last rows dropped for want of height (one row a name on a phone).
  assert.equal(await page.getAttribute('#chart', 'data-legend-clipped'), 'false');
  await page.screenshot({ path: shot('round2-hundred-over-time-phone.png'), fullPage: true });
  assert.deepEqual(errors, []);
  await page.close();
});

test('8. dark when the browser asks (axe clean in both charts), a print view of the chart and numbers only, side by side on a wide screen', async () => {
  const { page } = await openPage({ width: 1366, height: 768 }, { context: { colorScheme: 'dark' } });
  const ground = await page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
  assert.equal(ground, 'rgb(22, 25, 29)', 'the page is dark');
  assert.deepEqual(await axe(page), [], 'dark, per department');
  await page.check('input[name=view][value=time]');
  await page.waitForFunction(() => document.querySelector('#table thead th')?.textContent === 'Department, per day');
  assert.deepEqual(await axe(page), [], 'dark, over time');
  await page.screenshot({ path: shot('round2-dark.png') });
  await page.emulateMedia({ media: 'print' });
  for (const hidden of ['#query', '#source', '#raw', '.chart-head .view']) assert.equal(await page.isVisible(hidden), false, `${hidden} is not printed`);
  for (const shown of ['#period', '#totals', '#chart-box', '#table']) assert.equal(await page.isVisible(shown), true, `${shown} is printed`);
  await page.close();
  const wide = await openPage({ width: 1700, height: 1000 });
  const [chart, table] = await wide.page.$$eval('#chart-box, .table-wrap', (els) => els.map((e) => e.getBoundingClientRect()));
  assert.ok(table.left >= chart.right - 1 && Math.abs(table.top - chart.top) < 40, 'chart and table side by side');
  await wide.page.close();
});

test('9. the chart\'s accessible name follows what is shown; refreshes are not announced', async () => {
  const { page } = await openPage({ width: 1366, height: 768 });
  assert.match(await page.getAttribute('#chart', 'aria-label'), /^Bar chart of open and closed chats per department, .+ · UTC · all departments$/);
  await page.check('input[name=view][value=time]');
  await page.waitForFunction(() => document.getElementById('chart').getAttribute('aria-label').startsWith('Stacked bar chart of chats per day'));
  // Lines that change at every refresh are not live regions.
  for (const id of ['live', 'shown', 'live-age']) assert.equal(await page.getAttribute(`#${id}`, 'aria-live'), null, `#${id}`);
  await page.close();
});

test('10. served by a static host, the page asks nothing that is not there', async () => {
  const { serve } = await import('../scripts/serve.mjs');
  const site = await serve({ port: 0, dir: 'www/dist' });
  const page = await kit.browser.newPage();
  const missing = [];
  page.on('response', (r) => r.status() >= 400 && missing.push(`${r.status()} ${r.url()}`));
  const errors = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  await page.goto(site.url);
  await page.waitForSelector('body[data-loaded=true]', { timeout: 60_000 });
  assert.deepEqual(missing, []);
  assert.deepEqual(errors, []);
  assert.equal(await page.isVisible('#proxy-note'), false);
  await page.close();
  await site.close();
});
