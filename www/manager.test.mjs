// The dashboard as a manager keeps it open all day: each bug found in use has a test here that
// failed before its fix, and each feature is checked against the library
// computed in Node. Chromium via playwright-core; axe-core for access.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, request as httpRequest } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChatIndex, chatsPerDepartment } from '../pkg/node.mjs';
import { loadedAfter, loadFile, pageKit, restPage } from './page-kit.mjs';

const kit = pageKit();
const { sample, pageSample, shownRange, pickDepartment, shots, openPage, raw, setText, setRange, expectBody, drawnPixels } = kit;
const shot = (name) => join(shots.pathname, name);
const dir = join(tmpdir(), `cpd-manager-${process.pid}`);
mkdirSync(dir, { recursive: true });
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** Writes a file for the page to load; returns its path. */
function file(name, text) {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const tableRows = (page) => page.$$eval('#table tbody tr', (trs) => trs.map((tr) => [...tr.cells].map((c) => c.textContent)));
const overflowX = (page) => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

test('bug 1: the chart and table follow the window down to a phone; nothing scrolls sideways', async () => {
  const { page, errors } = await openPage({ width: 1366, height: 768 });
  await page.screenshot({ path: shot('manager-1366x768.png') });
  for (const [width, height] of [[1000, 768], [683, 768], [390, 844]]) {
    await page.setViewportSize({ width, height });
    await page.waitForFunction((w) => document.getElementById('chart').getBoundingClientRect().width <= w, width);
    await page.waitForTimeout(200);
    assert.ok((await overflowX(page)) <= 0, `${width}px: the page scrolls sideways by ${await overflowX(page)}px`);
    const [canvas, box] = await page.$$eval('#chart, #chart-box', (els) => els.map((e) => e.getBoundingClientRect().width));
    assert.ok(canvas <= box + 1 && box <= width, `${width}px: canvas ${canvas}px in a ${box}px box`);
    const lastColumn = await page.$eval('#table thead th:last-child', (th) => th.getBoundingClientRect().right);
    assert.ok(lastColumn <= width, `${width}px: the Total column ends at ${lastColumn}px`);
    assert.ok((await drawnPixels(page)) > 1000, `${width}px: the chart is drawn`);
  }
  await page.screenshot({ path: shot('manager-resized-390x844.png'), fullPage: true });
  assert.deepEqual(errors, []);
  await page.close();
});

test('bug 1 and 9: a phone with 15 long department names; labels shortened, not clipped; names sort as numbers; uncounted rooms explained', async () => {
  const departments = Array.from({ length: 15 }, (_, i) => ({ _id: `d${i + 1}`, name: `Department ${i + 1}: customer care for the northern regional offices` }));
  const text = restPage(600, Date.UTC(2026, 0, 1), Date.UTC(2026, 1, 1), departments);
  const { page } = await openPage({ width: 390, height: 844 });
  await loadedAfter(page, await loadFile(page, file('long-names.json', text)));
  await page.selectOption('#sort', 'name');
  await page.waitForFunction(() => document.querySelector('#table tbody tr td')?.textContent.startsWith('Department 1:'));
  const names = (await tableRows(page)).map((r) => r[0]);
  assert.deepEqual(names, departments.map((d) => d.name), 'Department 1, 2, … 10, not 1, 10, 11 … 2');
  assert.ok((await overflowX(page)) <= 0, 'no sideways scroll on a phone');
  const height = await page.$eval('#chart-box', (e) => e.getBoundingClientRect().height);
  assert.ok(height >= 15 * 24, `the chart grows with the departments (${height}px)`);
  // Nothing is drawn in the first two pixel columns: no label runs off the left edge.
  const leftInk = await page.$eval('#chart', (canvas) => {
    const { data } = canvas.getContext('2d').getImageData(0, 0, 2, canvas.height);
    let n = 0;
    for (let i = 3; i < data.length; i += 4) if (data[i] > 0) n++;
    return n;
  });
  assert.equal(leftInk, 0, 'labels are not clipped at the left edge');
  // 602 rooms loaded, 600 countable: the other two are explained.
  const body = chatsPerDepartment(text, null, await shownRange(page));
  const counted = Object.values(body).reduce((s, c) => (c === true ? s : s + c.open + c.closed), 0);
  assert.equal(counted, 600);
  assert.equal(await page.textContent('#uncounted'), '600 of the 602 rooms loaded are in this chart. 2 rooms can never be counted, as on the server.');
  assert.equal(await page.isVisible('#uncounted-why summary'), true, 'why, behind a disclosure');
  await page.screenshot({ path: shot('manager-phone-long-names.png'), fullPage: true });
  await page.close();
});

test('bugs 2 and 3: quick ranges count from now whatever the fields hold; the pickers follow the text fields and quick ranges', async () => {
  const { page } = await openPage({ width: 1366, height: 768 }, { wait: false, url: 'about:blank' });
  await page.clock.setFixedTime(new Date('2026-11-25T15:30:00Z'));
  await page.goto(kit.site.url);
  await page.waitForSelector('body[data-loaded=true]');
  // The fitted sample ends today: the pickers show it on load.
  assert.equal(await page.inputValue('#end-picker'), '2026-11-25');
  assert.equal(await page.inputValue('#start-picker'), '2025-11-25');
  await setText(page, '#end', 'not a date');
  await page.click('[data-range="7d"]');
  await page.waitForFunction(() => document.getElementById('start').value === '2026-11-19T00:00:00.000Z');
  assert.equal(await page.inputValue('#end'), '2026-11-25T23:59:59.999Z');
  assert.equal(await page.inputValue('#start-picker'), '2026-11-19');
  assert.equal(await page.inputValue('#end-picker'), '2026-11-25');
  await page.fill('#end-picker', '2026-11-10');
  await page.dispatchEvent('#end-picker', 'change');
  await page.waitForFunction(() => document.getElementById('end').value === '2026-11-10T23:59:59.999Z');
  await page.click('[data-range="30d"]');
  await page.waitForFunction(() => document.getElementById('start').value === '2026-10-27T00:00:00.000Z');
  assert.equal(await page.inputValue('#end'), '2026-11-25T23:59:59.999Z');
  await setText(page, '#start', 'Mar 5 2026 12:00');
  await page.waitForFunction(() => document.getElementById('start-picker').value === '2026-03-05');
  await setText(page, '#start', 'whenever');
  await page.waitForFunction(() => document.getElementById('start-picker').value === '');
  await page.close();
});

test('bugs 4 and 5: the range fits the data loaded; the department menu comes from the rooms; reloading keeps a typed range', async () => {
  const departments = [{ _id: 'a', name: 'Alpha' }, { _id: 'b', name: 'Beta' }];
  const text = restPage(300, Date.UTC(2024, 2, 3, 10), Date.UTC(2024, 4, 20, 18), departments);
  const { page } = await openPage();
  await loadedAfter(page, await loadFile(page, file('year-2024.json', text)));
  const range = await shownRange(page);
  assert.deepEqual(range, { start: '2024-03-03T00:00:00.000Z', end: '2024-05-20T23:59:59.999Z' });
  await expectBody(page, chatsPerDepartment(text, null, range));
  assert.equal(await page.isVisible('#empty'), false);
  const menu = await page.$$eval('#department-list label', (labels) => labels.map((l) => l.textContent.trim()));
  assert.deepEqual(menu, ['Alpha', 'Beta'], 'names from the rooms\' embedded departments');
  // Another source: fitted to it. The same source again: the typed range stays.
  const loads = Number(await page.getAttribute('body', 'data-loads'));
  await page.click('#tab-sample');
  await page.click('#load-sample');
  await loadedAfter(page, loads);
  assert.equal((await shownRange(page)).start.slice(0, 4), String(new Date(Number(await page.getAttribute('body', 'data-sample-end'))).getUTCFullYear() - 1));
  const typed = { start: '2026-06-01T00:00:00.000Z', end: '2026-06-30T23:59:59.999Z' };
  await setRange(page, typed);
  const again = Number(await page.getAttribute('body', 'data-loads'));
  await page.click('#load-sample');
  await loadedAfter(page, again);
  assert.deepEqual(await shownRange(page), typed);
  await expectBody(page, chatsPerDepartment(await pageSample(page), sample('departments'), typed));
  await page.close();
});

test('bug 6: an invalid date shows no numbers and marks its field', async () => {
  const { page } = await openPage();
  await setText(page, '#start', 'nope');
  await page.waitForFunction(() => document.getElementById('start').getAttribute('aria-invalid') === 'true');
  for (const id of ['#total-open', '#total-closed', '#total-all']) assert.equal(await page.textContent(id), '–');
  assert.equal(await page.textContent('#empty'), 'Fix the start date to see the chart.');
  assert.equal(await page.isVisible('#chart'), false);
  assert.equal(await page.getAttribute('#end', 'aria-invalid'), null);
  await setText(page, '#start', '2026-01-01');
  await page.waitForFunction(() => !document.getElementById('start').hasAttribute('aria-invalid'));
  assert.notEqual(await page.textContent('#total-all'), '–');
  await page.close();
});

test('bug 7: a failed load says which file, where, and which data is still shown', async () => {
  const { page } = await openPage();
  const good = restPage(50, Date.UTC(2026, 0, 1), Date.UTC(2026, 0, 10), [{ _id: 'a', name: 'Alpha' }]);
  await loadedAfter(page, await loadFile(page, file('good.json', good)));
  const shownBody = await raw(page);
  await loadFile(page, file('truncated.json', good.slice(0, 500)));
  await page.waitForFunction(() => document.getElementById('status').dataset.kind === 'error');
  assert.match(await page.textContent('#status'), /^Could not load truncated\.json: truncated\.json: rooms: .* at line 1 column \d+/);
  assert.match(await page.textContent('#shown'), /^Showing good\.json: 52 rooms, .*The newer load failed, so this is still the earlier data\.$/);
  assert.deepEqual(await raw(page), shownBody, 'chart and raw view still show good.json, as the header says');
  await loadFile(page, file('good.json', good), file('departments.json', '[{"_id":"a","name":"Alpha"},{"_id":"a"'));
  await page.waitForFunction(() => /departments file/.test(document.getElementById('status').textContent));
  assert.match(await page.textContent('#status'), /departments file departments\.json: departments: EOF while parsing an object at line 1 column \d+/);
  await page.close();
});

test('bug 8: files dropped anywhere load instead of navigating away', async () => {
  const { page } = await openPage();
  const url = page.url();
  const text = restPage(20, Date.UTC(2026, 0, 1), Date.UTC(2026, 0, 2), [{ _id: 'a', name: 'Alpha' }]);
  const loads = Number(await page.getAttribute('body', 'data-loads'));
  await page.evaluate((json) => {
    const transfer = new DataTransfer();
    transfer.items.add(new File([json], 'dropped.json', { type: 'application/json' }));
    const target = document.querySelector('#results');
    for (const type of ['dragenter', 'dragover', 'drop']) target.dispatchEvent(new DragEvent(type, { dataTransfer: transfer, bubbles: true, cancelable: true }));
  }, text);
  await loadedAfter(page, loads);
  assert.equal(new URL(page.url()).pathname, new URL(url).pathname, 'still on the dashboard');
  assert.match(await page.textContent('#shown'), /^Showing dropped\.json: 22 rooms/);
  await page.close();
});

test('bug 10: timing in µs, progress in MB, no double loads, favicon, tab keys, the chart above the fold, axe-core clean', async () => {
  const missing = [];
  const { page } = await openPage({ width: 1366, height: 768 });
  page.on('response', (r) => r.status() >= 400 && missing.push(`${r.status()} ${r.url()}`));
  await page.reload();
  await page.waitForSelector('body[data-loaded=true]');
  const timing = /Computed in this browser in ([\d.]+) µs/.exec(await page.textContent('#timing'));
  assert.ok(timing && Number(timing[1]) > 0, `timing shown: ${await page.textContent('#timing')}`);
  const bottom = await page.$eval('#chart-box', (e) => e.getBoundingClientRect().bottom);
  assert.ok(bottom <= 768, `the whole chart is above the fold at 1366×768 (bottom at ${bottom}px)`);
  assert.deepEqual(missing, [], 'no missing resources (favicon included)');

  // A 3 MB file: progress in MB, controls disabled while it loads, a second submit ignored.
  await page.evaluate(() => {
    window.seen = { labels: [], disabled: false };
    new MutationObserver(() => {
      window.seen.labels.push(document.getElementById('progress-label').textContent);
      window.seen.disabled ||= document.querySelector('#file-form fieldset').disabled && document.getElementById('load-sample').disabled;
    }).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
  });
  const big = restPage(20_000, Date.UTC(2026, 0, 1), Date.UTC(2026, 5, 1), [{ _id: 'a', name: 'Alpha' }, { _id: 'b', name: 'Beta' }]);
  const loads = await loadFile(page, file('big.json', big));
  await page.evaluate(() => document.getElementById('file-form').requestSubmit());
  await loadedAfter(page, loads);
  await page.waitForTimeout(300);
  assert.equal(Number(await page.getAttribute('body', 'data-loads')), loads + 1, 'one load for two submits');
  const seen = await page.evaluate(() => window.seen);
  assert.ok(seen.disabled, 'the forms were disabled while loading');
  assert.ok(seen.labels.some((l) => /^Reading big\.json: \d+\.\d MB of \d+\.\d MB \(\d+%\)$/.test(l)), `progress in MB: ${seen.labels.filter(Boolean).slice(0, 3)}`);

  // Tabs: arrow keys move between them.
  await page.focus('#tab-file');
  await page.keyboard.press('ArrowRight');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'tab-server');
  assert.equal(await page.getAttribute('#tab-server', 'aria-selected'), 'true');
  await page.keyboard.press('Home');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'tab-sample');
  await page.keyboard.press('ArrowLeft');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'tab-server');
  await page.close();
});

/** axe-core's violations on the page as it is now. */
async function axe(page) {
  await page.addScriptTag({ content: AXE });
  return page.evaluate(async () => (await window.axe.run(document)).violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`));
}

test('accessibility: axe-core finds nothing, on a desktop and a phone, per department and over time', async () => {
  for (const viewport of [{ width: 1366, height: 768 }, { width: 390, height: 844 }]) {
    const { page } = await openPage(viewport);
    assert.deepEqual(await axe(page), [], `${viewport.width}px, per department`);
    await page.check('input[name=view][value=time]');
    await kit.reveal(page, '#compare-previous');
    await page.check('#compare-previous');
    await page.waitForFunction(() => document.querySelector('#table thead th')?.textContent === 'Department, per day');
    assert.deepEqual(await axe(page), [], `${viewport.width}px, over time`);
    await page.close();
  }
});

test('the URL holds the view: a shared link opens it; back and forward walk through views', async () => {
  const { page } = await openPage();
  const departments = JSON.parse(sample('departments')).departments;
  const [sales, support] = ['Sales', 'Support'].map((name) => departments.find((d) => d.name === name)._id);
  const rooms = await pageSample(page);
  const range = { start: '2026-05-01T00:00:00.000Z', end: '2026-08-31T23:59:59.999Z' };
  await setRange(page, range);
  await pickDepartment(page, sales);
  await pickDepartment(page, support);
  await page.selectOption('#sort', 'name');
  const before = page.url();
  await page.check('#compare-previous');
  await page.waitForFunction(() => /compare=1/.test(location.search));
  const link = new URL(page.url());
  assert.deepEqual(link.searchParams.getAll('dept'), [sales, support], 'in the menu\'s order (by name)');
  assert.equal(link.searchParams.get('start'), range.start);
  assert.equal(link.searchParams.get('sort'), 'name');
  const rows = await tableRows(page);

  // Someone opens the link.
  const other = await openPage(undefined, { url: link.href });
  await other.page.waitForFunction(() => document.querySelectorAll('#table thead th').length === 6);
  assert.deepEqual(await shownRange(other.page), range);
  assert.equal(await other.page.isChecked('#compare-previous'), true);
  assert.deepEqual(await tableRows(other.page), rows, 'the same table');
  const expected = [sales, support].map((id) => chatsPerDepartment(rooms, sample('departments'), { ...range, departmentId: id }));
  const shownBodies = (await other.page.textContent('#raw')).split('\n\n').map((block) => JSON.parse(block.replace(/^departmentId=[^:]*: HTTP \d+\n/, '')));
  assert.deepEqual(shownBodies.sort((a, b) => (Object.keys(a)[0] < Object.keys(b)[0] ? -1 : 1)), expected.sort((a, b) => (Object.keys(a)[0] < Object.keys(b)[0] ? -1 : 1)));
  await other.page.close();

  // Back: the comparison is off again; forward: on.
  await page.goBack();
  await page.waitForFunction(() => !document.getElementById('compare-previous').checked);
  assert.equal(page.url(), before);
  await page.waitForFunction(() => document.querySelectorAll('#table thead th').length === 4);
  await page.goForward();
  await page.waitForFunction(() => document.querySelectorAll('#table thead th').length === 6);
  await page.close();
});

test('exports: the table as CSV, the chart as PNG, the raw body copied', async () => {
  const { page } = await openPage(undefined, { context: { acceptDownloads: true, permissions: ['clipboard-read', 'clipboard-write'] } });
  const range = await shownRange(page);
  const body = chatsPerDepartment(await pageSample(page), sample('departments'), range);
  const [csv] = await Promise.all([page.waitForEvent('download'), page.click('#export-csv')]);
  assert.match(csv.suggestedFilename(), /^chats-per-department_\d{4}-\d\d-\d\d_\d{4}-\d\d-\d\d\.csv$/, 'the file name carries the period');
  const lines = readFileSync(await csv.path(), 'utf8').trim().split('\r\n');
  assert.equal(lines[0], 'department,open,closed,total,period_start,period_end,time_zone');
  assert.ok(lines.slice(1).every((l) => l.endsWith(`,${range.start},${range.end},UTC`)), 'every row carries the period');
  const fromCsv = Object.fromEntries(lines.slice(1).map((l) => l.split(',')).map(([name, open, closed]) => [name, { open: Number(open), closed: Number(closed) }]));
  const { success, ...counts } = body;
  assert.equal(success, true);
  assert.deepEqual(fromCsv, counts);
  const [png] = await Promise.all([page.waitForEvent('download'), page.click('#export-png')]);
  const bytes = readFileSync(await png.path());
  assert.deepEqual([...bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'a PNG');
  assert.ok(bytes.length > 5000, `${bytes.length} bytes`);
  await page.click('#copy-body');
  await page.waitForFunction(() => /clipboard/.test(document.getElementById('copied').textContent));
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), await page.textContent('#raw'));
  await page.close();
});

test('sort by volume or name; several departments at once are one request each, summed', async () => {
  const { page } = await openPage();
  const rooms = await pageSample(page);
  const departments = sample('departments');
  const range = await shownRange(page);
  const body = chatsPerDepartment(rooms, departments, range);
  const entries = Object.entries(body).filter(([k]) => k !== 'success');
  // The server's "undefined" key reads "No department" on the page.
  const byVolume = [...entries].sort(([a, x], [b, y]) => y.open + y.closed - (x.open + x.closed) || a.localeCompare(b)).map(([k]) => (k === 'undefined' ? 'No department' : k));
  assert.deepEqual((await tableRows(page)).map((r) => r[0]), byVolume);
  await page.selectOption('#sort', 'name');
  await page.waitForFunction((first) => document.querySelector('#table tbody td').textContent === first, [...entries].map(([k]) => k).sort((a, b) => a.localeCompare(b, 'en', { numeric: true }))[0]);
  const ids = JSON.parse(departments).departments.filter((d) => ['Billing', 'VIP', 'Returns'].includes(d.name)).map((d) => d._id);
  for (const id of ids) await pickDepartment(page, id);
  await page.waitForFunction(() => document.getElementById('raw').textContent.split('\n\n').length === 3);
  const expected = ids.map((id) => chatsPerDepartment(rooms, departments, { ...range, departmentId: id }));
  const total = expected.reduce((s, b) => s + Object.values(b).reduce((t, c) => (c === true ? t : t + c.open + c.closed), 0), 0);
  assert.equal(await page.textContent('#total-all'), total.toLocaleString('en'));
  assert.equal(await page.textContent('#department-summary'), '3 departments');
  assert.match(await page.textContent('#timing'), /per department \(3 requests\)/);
  await page.close();
});

test('over time: every day and week bucket is the chart the server gives for its bounds', async () => {
  const { page } = await openPage(undefined, { context: { acceptDownloads: true } });
  const rooms = await pageSample(page);
  const departments = sample('departments');
  const range = { start: '2026-03-01T00:00:00.000Z', end: '2026-04-15T12:00:00.000Z' };
  await setRange(page, range);
  await page.check('input[name=view][value=time]');
  for (const [bucket, count] of [['day', 46], ['week', 8]]) {
    await page.selectOption('#bucket', bucket);
    // Departments as rows, a column per bucket (and the department's, and the total).
    await page.waitForFunction((n) => document.querySelectorAll('#table thead th').length === n + 2, count);
    assert.ok((await drawnPixels(page)) > 3000, 'drawn');
    const [csv] = await Promise.all([page.waitForEvent('download'), page.click('#export-csv')]);
    const lines = readFileSync(await csv.path(), 'utf8').trim().split('\r\n').slice(1).map((l) => l.split(','));
    const buckets = new Map();
    for (const [start, end, name, open, closed] of lines) {
      const key = `${start}|${end}`;
      buckets.set(key, { ...buckets.get(key), [name]: { open: Number(open), closed: Number(closed) } });
    }
    assert.ok(buckets.size >= count - 1, `${buckets.size} buckets with chats`);
    for (const [key, counts] of buckets) {
      const [start, end] = key.split('|');
      assert.deepEqual({ ...counts, success: true }, chatsPerDepartment(rooms, departments, { start, end }), `${bucket} ${start}`);
    }
    const firstStart = lines[0][0];
    assert.equal(firstStart, range.start, 'the first bucket starts at start');
  }
  await page.screenshot({ path: shot('manager-over-time.png'), fullPage: true });
  await page.close();
});

test('compared with the previous period of the same length', async () => {
  const { page } = await openPage();
  const rooms = await pageSample(page);
  const departments = sample('departments');
  const range = { start: '2026-06-01T00:00:00.000Z', end: '2026-06-30T23:59:59.999Z' };
  await setRange(page, range);
  await page.check('#compare-previous');
  await page.waitForFunction(() => document.querySelectorAll('#table thead th').length === 6);
  const previous = chatsPerDepartment(rooms, departments, { start: '2026-05-02T00:00:00.000Z', end: '2026-05-31T23:59:59.999Z' });
  const now = chatsPerDepartment(rooms, departments, range);
  for (const [shownName, , , total, before, change] of await tableRows(page)) {
    const name = shownName === 'No department' ? 'undefined' : shownName;
    const was = previous[name] ? previous[name].open + previous[name].closed : 0;
    assert.equal(before, was.toLocaleString('en'), name);
    assert.equal(total, (now[name].open + now[name].closed).toLocaleString('en'), name);
    assert.match(change, /^[+-]?[\d,]+, [+-]?\d+%$|^±0$/);
  }
  await page.close();
});

/**
 * A 10 Mbit/s link with 40 ms of latency in front of the page's server:
 * every response (the page's, the worker's, the wasm) shares one byte
 * budget, as on a real link. Resolves to `{ url, bytes(), close }`.
 */
function slowLink(target, { bitsPerSecond = 10e6, latencyMs = 40 } = {}) {
  const rate = bitsPerSecond / 8 / 1000; // bytes per ms
  let free = 0;
  let bytes = 0;
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  const server = createServer((req, res) => {
    const upstream = httpRequest(new URL(req.url, target), { headers: { 'accept-encoding': req.headers['accept-encoding'] ?? '' } }, async (answer) => {
      await sleep(latencyMs);
      res.writeHead(answer.statusCode, answer.headers);
      for await (const chunk of answer) {
        for (let at = 0; at < chunk.length; at += 16_384) {
          const piece = chunk.subarray(at, at + 16_384);
          free = Math.max(free, performance.now()) + piece.length / rate;
          bytes += piece.length;
          await sleep(free - performance.now());
          res.write(piece);
        }
      }
      res.end();
    });
    upstream.end();
  });
  return new Promise((done) => server.listen(0, '127.0.0.1', () => done({ url: `http://127.0.0.1:${server.address().port}/`, bytes: () => bytes, close: () => new Promise((r) => server.close(r)) })));
}

test('first chart over a 10 Mbit/s link within 3 s', async () => {
  const link = await slowLink(kit.site.url);
  try {
    const { page } = await openPage({ width: 1366, height: 768 }, { wait: false, url: 'about:blank' });
    const started = Date.now();
    await page.goto(link.url);
    await page.waitForSelector('body[data-loaded=true]', { timeout: 30_000 });
    await page.waitForFunction(() => /^HTTP 200/.test(document.getElementById('raw').textContent));
    const ms = Date.now() - started;
    assert.ok((await drawnPixels(page)) > 5000, 'the chart is drawn');
    console.log(`# first chart over 10 Mbit/s with 40 ms latency: ${ms} ms, ${link.bytes()} bytes over the link (gzip)`);
    assert.ok(link.bytes() > 100_000, 'the wasm and the scripts came over the slow link');
    assert.ok(ms <= 3000, `${ms} ms`);
    await page.close();
  } finally {
    await link.close();
  }
});

test('index.series and the page\'s series agree with ChatIndex in Node', () => {
  // A guard that the Node build used as the oracle has the query too.
  const index = new ChatIndex(null, { timeZone: 'UTC' });
  index.add([{ _id: 'x', t: 'l', open: true, departmentId: 'a', department: { _id: 'a', name: 'A' }, ts: '2026-01-01T10:00:00Z' }]);
  const series = index.series({ start: '2026-01-01', end: '2026-01-02T23:59:59.999Z' }, { bucket: 'day' });
  assert.deepEqual(series.buckets.map((b) => [b.start, b.end, b.body]), [
    ['2026-01-01T00:00:00.000Z', '2026-01-01T23:59:59.999Z', { A: { open: 1, closed: 0 }, success: true }],
    ['2026-01-02T00:00:00.000Z', '2026-01-02T23:59:59.999Z', { success: true }],
  ]);
  index.free();
});

test('the URL holds the zone, the chart type and the source, never credentials', async () => {
  const zoned = await openPage(undefined, { url: `${kit.site.url}?tz=America%2FSao_Paulo&chart=time&bucket=week&start=2026-06-01T00:00&end=2026-06-30T23:59` });
  const { page } = zoned;
  assert.equal(await page.inputValue('#time-zone'), 'America/Sao_Paulo');
  assert.equal(await page.isChecked('input[name=view][value=time]'), true);
  assert.equal(await page.inputValue('#bucket'), 'week');
  const range = { start: '2026-06-01T00:00', end: '2026-06-30T23:59' };
  assert.deepEqual(await shownRange(page), range, 'the linked range, not a fitted one');
  await page.check('input[name=view][value=departments]');
  await expectBody(page, chatsPerDepartment(await pageSample(page), sample('departments'), range, { timeZone: 'America/Sao_Paulo' }));
  await page.close();

  // A server view: the server is named, the credentials typed are not in the link.
  const server = await openPage(undefined, { url: `${kit.site.url}?source=server&server=https%3A%2F%2Fchat.example.com%2F`, wait: false });
  await server.page.waitForFunction(() => /enter your credentials/.test(document.getElementById('status').textContent));
  assert.equal(await server.page.getAttribute('#tab-server', 'aria-selected'), 'true');
  assert.equal(await server.page.inputValue('#server-url'), 'https://chat.example.com/');
  await server.page.fill('#server-token', 'secret-token');
  await server.page.fill('#server-user', 'someone');
  await server.page.selectOption('#sort', 'name');
  assert.doesNotMatch(server.page.url(), /secret-token|someone/);
  await server.page.waitForFunction(() => /sort=name/.test(location.search));
  assert.match(server.page.url(), /source=server&server=https%3A%2F%2Fchat\.example\.com%2F/);
  await server.page.close();
});

/** A visit to `url` in `context`, once its body is shown, with the hour the sample ends at. */
async function visitSample(url, context) {
  const { page, errors } = await openPage(undefined, { url, within: context });
  await page.waitForFunction(() => /^HTTP 200/.test(document.getElementById('raw').textContent));
  return { page, errors, end: await page.getAttribute('body', 'data-sample-end') };
}

test('reopened: the index kept in this browser (OPFS) shows the same chart without generating the sample again', async () => {
  const context = await kit.browser.newContext({ viewport: { width: 1280, height: 900 } });
  const visit = (url) => visitSample(url, context);
  let first;
  let second;
  // The sample ends at the current hour: should the hour turn between the
  // two visits, the second generates a new sample; then visit again.
  for (let attempt = 0; attempt < 2 && (!second || second.end !== first.end); attempt++) {
    first = await visit(kit.site.url);
    assert.equal(await first.page.getAttribute('body', 'data-reopened'), 'false');
    await first.page.waitForSelector('body[data-saved]', { timeout: 30_000 });
    assert.equal(await first.page.getAttribute('body', 'data-saved'), 'OPFS');
    second = await visit(first.page.url());
  }
  const before = await raw(first.page);
  assert.equal(await second.page.getAttribute('body', 'data-reopened'), 'true');
  assert.match(await second.page.textContent('#status'), /Reopened from this browser's copy of \d\d:\d\d:\d\d/);
  assert.deepEqual(await raw(second.page), before);
  assert.deepEqual(await shownRange(second.page), await shownRange(first.page));
  console.log(`reopened ${await second.page.getAttribute('body', 'data-reopened-ms')} ms after asking (${before.success ? 'chart' : 'error'} shown)`);
  assert.deepEqual([...first.errors, ...second.errors], []);
  await context.close();
});

test('reopened after an upgrade: a copy saved in an earlier snapshot format is not used; the sample loads again and is kept anew', async () => {
  // The sample ends at the current hour: should the hour turn between the
  // visits, a new sample is generated; then try again.
  for (let attempt = 0; ; attempt++) {
    const context = await kit.browser.newContext({ viewport: { width: 1280, height: 900 } });
    const first = await visitSample(kit.site.url, context);
    await first.page.waitForSelector('body[data-saved]', { timeout: 30_000 });
    const before = await raw(first.page);
    // What an earlier version of the library left: the same copy, its
    // snapshot one format version older.
    const aged = await first.page.evaluate(async () => {
      const root = await navigator.storage.getDirectory();
      let count = 0;
      for await (const [name, handle] of root.entries()) {
        if (!/^index-.*\.bin$/.test(name)) continue;
        const bytes = new Uint8Array(await (await handle.getFile()).arrayBuffer());
        const view = new DataView(bytes.buffer);
        const version = 4 + view.getUint32(0, true) + 8;
        view.setUint32(version, view.getUint32(version, true) - 1, true);
        const writable = await handle.createWritable();
        await writable.write(bytes);
        await writable.close();
        count++;
      }
      return count;
    });
    assert.ok(aged >= 1, 'a saved copy to age');
    const second = await visitSample(first.page.url(), context);
    await second.page.waitForSelector('body[data-saved]', { timeout: 30_000 });
    // Kept anew: the next visit reopens it.
    const third = await visitSample(first.page.url(), context);
    if ((second.end !== first.end || third.end !== first.end) && attempt === 0) {
      await context.close();
      continue;
    }
    assert.equal(await second.page.getAttribute('body', 'data-reopened'), 'false');
    assert.deepEqual(await raw(second.page), before);
    assert.equal(await third.page.getAttribute('body', 'data-reopened'), 'true');
    assert.deepEqual(await raw(third.page), before);
    assert.deepEqual([...first.errors, ...second.errors, ...third.errors], []);
    await context.close();
    break;
  }
});

test('saved copy: when this browser cannot keep a copy (a real small quota), the page says so once and the chart is unaffected', async () => {
  const context = await kit.browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  // The quota is the origin's, set before the page stores anything.
  await page.goto(`${kit.site.url}404-before-the-page`).catch(() => {});
  const cdp = await context.newCDPSession(page);
  await cdp.send('Storage.overrideQuotaForOrigin', { origin: kit.site.url.replace(/\/$/, ''), quotaSize: 50_000 });
  await page.goto(kit.site.url);
  await page.waitForSelector('body[data-loaded=true]', { timeout: 60_000 });
  await page.waitForSelector('body[data-saved]', { timeout: 30_000 });
  assert.equal(await page.getAttribute('body', 'data-saved'), 'failed');
  assert.equal(await page.isVisible('#saved-note'), true);
  assert.match(await page.textContent('#saved-note'), /could not keep a copy of these rooms \(.+\); the previous copy, if any, is kept/);
  await page.waitForFunction(() => /^HTTP 200/.test(document.getElementById('raw').textContent));
  assert.equal((await raw(page)).success, true);
  assert.deepEqual(errors, []);
  await context.close();
});
