// The dashboard's main path in the three engines (Chromium, Firefox ESR,
// WebKitGTK), driven through WebDriver like a user: the sample loads and is
// drawn, the body shown is the library's (computed here in Node); typing
// dates and choosing a department recompute it; an invalid date shows the
// server's error body. The browsers run in Asia/Kolkata while the page's
// server zone stays UTC, as a dashboard abroad would.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { By, until } from 'selenium-webdriver';
import { roomsJson } from './sample/sample.mjs';
import { serve } from '../scripts/serve.mjs';
import { chatsPerDepartment } from '../pkg/node.mjs';
import { ENGINES, startEngine } from '../tests/engines/drivers.mjs';

const sample = (name) => readFileSync(new URL(`./dist/sample/${name}.json`, import.meta.url), 'utf8');
const shots = new URL('../test-results/', import.meta.url);

let site;
before(async () => {
  assert.ok(existsSync(new URL('./dist/index.html', import.meta.url)), 'build the page first: bash scripts/www.sh build');
  site = await serve({ port: 0, dir: 'www/dist' });
  mkdirSync(shots, { recursive: true });
});
after(() => site?.close());

/** The body in the raw view, parsed here so that key order is kept
 * (WebDriver may reorder the keys of an object it returns). */
async function shownBody(driver) {
  const text = (await driver.executeScript("return document.getElementById('raw').textContent")).replace(/^HTTP \d*\n/, '');
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

async function expectBody(driver, expected, what) {
  const want = JSON.stringify(expected);
  try {
    await driver.wait(async () => JSON.stringify(await shownBody(driver)) === want, 15_000);
  } catch {
    assert.fail(`${what}: the page shows ${JSON.stringify(await shownBody(driver))}, expected ${want}`);
  }
}

/** Types into a field as a user does: clear it, then keys. */
async function type(driver, selector, text) {
  // The server-format fields are under "Advanced": open it as a user would.
  await driver.executeScript((sel) => {
    for (let d = document.querySelector(sel).closest('details'); d; d = d.parentElement?.closest('details')) d.open = true;
  }, selector);
  const field = await driver.findElement(By.css(selector));
  await field.clear();
  await field.sendKeys(text);
}

for (const engine of ENGINES) {
  test(`${engine}: sample → chart → dates and department → an invalid date shows the server's error body`, async () => {
    const { driver, close } = await startEngine(engine, { tz: 'Asia/Kolkata' });
    let steps = 0;
    try {
      await driver.get(site.url);
      await driver.wait(until.elementLocated(By.css('body[data-loaded=true]')), 60_000);
      // The page generates the sample ending at the hour it was opened.
      const end = Number(await driver.executeScript('return document.body.dataset.sampleEnd'));
      const rooms = [...roomsJson({ end })].join('');
      const departments = sample('departments');
      const range = await driver.executeScript("return { start: document.getElementById('start').value, end: document.getElementById('end').value }");
      // Fitted to the sample: whole days, as the page computes them with this engine's Intl.
      assert.match(range.start, /^\d{4}-\d\d-\d\dT\d\d:00:00\.000Z$/, `the range is fitted (${range.start})`);
      const whole = chatsPerDepartment(rooms, departments, range);
      assert.equal(whole.success, true, 'the fitted range is valid');
      await expectBody(driver, whole, 'the sample');
      steps++;
      const drawn = await driver.executeScript(`const c = document.getElementById('chart'); const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data; let n = 0; for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++; return n;`);
      assert.ok(drawn > 5000, `the chart is drawn (${drawn} pixels)`);
      const rows = await driver.findElements(By.css('#table tbody tr'));
      assert.ok(rows.length >= 10, `${rows.length} table rows`);
      steps++;

      const params = { start: '2026-03-01T00:00:00.000Z', end: 'Mar 31 2026 23:59:59 GMT' };
      await type(driver, '#start', params.start);
      await type(driver, '#end', params.end);
      await expectBody(driver, chatsPerDepartment(rooms, departments, params), 'typed dates');
      steps++;
      const sales = JSON.parse(departments).departments.find((d) => d.name === 'Sales')._id;
      await driver.findElement(By.css('#department-menu summary')).click();
      await driver.findElement(By.css(`#department-list input[value="${sales}"]`)).click();
      const filtered = chatsPerDepartment(rooms, departments, { ...params, departmentId: sales });
      await expectBody(driver, filtered, 'the department filter');
      assert.equal(await driver.findElement(By.css('#total-all')).getText(), (filtered.Sales.open + filtered.Sales.closed).toLocaleString('en'));
      steps++;

      await type(driver, '#start', 'yesterday-ish');
      await expectBody(driver, { success: false, error: 'The "start" query parameter must be a valid date.' }, 'an invalid date');
      assert.equal(await driver.findElement(By.css('#error')).getText(), 'The "start" query parameter must be a valid date.');
      assert.equal(await driver.findElement(By.css('#error')).isDisplayed(), true);
      steps++;
      writeFileSync(new URL(`dashboard-${engine}.png`, shots), await driver.takeScreenshot(), 'base64');
    } finally {
      console.log(`${engine}: dashboard main path, ${steps} of 5 steps passed`);
      await close();
    }
    assert.equal(steps, 5);
  });
}
