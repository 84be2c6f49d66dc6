// The dashboard page: the view (range, departments, zone, chart, sort,
// comparison; kept in the URL), the controls, and drawing. All data work
// happens in the worker (worker.js); this file only talks to it and draws.
import { chartPng, drawDepartments, drawSeries } from './chart.js';
import { DEFAULT_VIEW, RANGES, searchFromView, viewFromSearch } from './view.js';
import { canonicalBody } from './sync.js';
import { currentHour } from '../sample/sample.mjs';
import './style.css';

const $ = (id) => document.getElementById(id);
const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
const pending = new Map();
let nextId = 0;
let latestQuery = 0;
/** The live server being followed, with credentials (never in the URL). */
let server = null;
/** What is shown: `{ kind, label, at, size, countable, range }` of the last good load. */
let shown = null;
/** What was loaded last, to load it again (another time zone, "Reload everything"). */
let source = null;
let refreshTimer = 0;
let busy = false;
/** The last answer drawn, for exports. */
let last = null;
/** The department records the menu offers. */
let departmentRecords = [];
/**
 * Where the chart's numbers come from: `local` (the index in the worker)
 * or `server` (the server's own chart endpoint, while a server's rooms
 * load or when they are too many to load here).
 */
let answers = 'local';
/** The server whose answers are shown while `answers` is `server`. */
let answering = null;
/** The last progress of a load's rooms: `{ done, total }`. */
let loadProgress = null;
/** Past this many rooms the page stays on the server's answers (the worker's default when unset). */
const maxRooms = Number(new URLSearchParams(location.search).get('maxRooms')) || undefined;

/** Sends a request to the worker; progress messages update the bar. */
function ask(message) {
  const id = ++nextId;
  worker.postMessage({ ...message, id });
  return new Promise((resolve) => pending.set(id, resolve));
}

worker.onmessage = ({ data }) => {
  if (data.type === 'progress') return showProgress(data);
  // The worker kept the index in this browser for the next visit.
  if (data.type === 'saved') {
    Object.assign(document.body.dataset, { saved: data.where ?? 'failed', savedMs: String(Math.round(data.ms)), savedSource: data.source });
    // Said once (the worker does not repeat it); the chart itself is not in doubt.
    const note = document.getElementById('saved-note');
    note.hidden = Boolean(data.where);
    note.textContent = data.where ? '' : `This browser could not keep a copy of these rooms (${data.error}); the previous copy, if any, is kept, and the next visit may read the rooms again.`;
    return;
  }
  pending.get(data.id)?.(data);
  pending.delete(data.id);
};

const format = (n) => Number(n).toLocaleString('en');
const megabytes = (n) => `${(n / 1e6).toLocaleString('en', { maximumFractionDigits: 1, minimumFractionDigits: 1 })} MB`;

function showProgress({ phase, done, total, unit }) {
  if (phase === 'Rooms read') {
    loadProgress = { done, total };
    showAnswerSource();
  }
  const bar = $('progress');
  bar.hidden = false;
  if (total) {
    bar.max = total;
    bar.value = done;
  } else {
    bar.removeAttribute('value');
  }
  const amount = (n) => (unit === 'bytes' ? megabytes(n) : `${format(n)}${unit === 'rooms' ? ' rooms' : ''}`);
  // Never 100% before the end: the server's total can grow while loading.
  const percent = total ? ` (${Math.min(99, Math.floor((100 * done) / total))}%)` : '';
  const of = phase === 'Rooms read' ? ' of the server\'s ' : ' of ';
  $('progress-label').textContent = total ? `${phase}: ${amount(done)}${of}${amount(total)}${percent}` : `${phase}: ${amount(done)}`;
}

function hideProgress() {
  $('progress').hidden = true;
  $('progress-label').textContent = '';
}

function setStatus(text, kind = 'info') {
  const status = $('status');
  status.textContent = text;
  status.dataset.kind = kind;
}

const clock = (date = new Date()) => date.toLocaleTimeString('en-GB');

/** The header line: which data the chart shows, and whether the last load failed. */
function showSource(failure = '') {
  const line = $('shown');
  if (!shown) {
    line.textContent = failure ? `Nothing loaded: ${failure}` : 'Nothing loaded yet.';
    line.dataset.kind = failure ? 'error' : 'info';
    return;
  }
  const when = shown.saved ? `this browser's saved copy of ${clock(shown.at)}, not yet confirmed by the server` : `loaded at ${clock(shown.at)}`;
  const what = `Showing ${shown.label}: ${format(shown.size)} rooms, ${when}.`;
  line.textContent = failure ? `${what} The newer load failed, so this is still the earlier data.` : what;
  line.dataset.kind = failure ? 'stale' : 'ok';
}

// ---- The live status (beside the data's name) --------------------------
//
// One state at a time, announced (role=alert) only when it changes; the
// age beside it ticks without being announced. After three missed
// refreshes in a row the numbers are greyed: they may no longer hold.

const live = { state: null, since: 0, updatedAt: 0, misses: 0, retrying: false };
const MISSES_BEFORE_GREY = 3;

/** Sets the live state: `live`, `failing`, `offline`, `saved`, `server`, or `null` (not a live source). */
function setLive(state, text = '') {
  const box = $('live-status');
  box.hidden = state === null;
  if (state !== live.state || $('live-state').textContent !== text) {
    if (state !== live.state) live.since = Date.now();
    live.state = state;
    box.dataset.state = state ?? '';
    $('live-state').textContent = text;
  }
  tickLive();
}

function tickLive() {
  const age = $('live-age');
  const seconds = Math.max(0, Math.round((Date.now() - live.updatedAt) / 1000));
  const ago = seconds < 60 ? `${seconds} s ago` : `${Math.round(seconds / 60)} min ago`;
  if (live.state === 'live') age.textContent = `· updated ${ago}`;
  else if ((live.state === 'failing' || live.state === 'offline') && live.updatedAt) age.textContent = `· numbers from ${clock(new Date(live.updatedAt))}${live.retrying ? ' · reconnecting…' : ''}`;
  else age.textContent = live.retrying ? '· reconnecting…' : '';
  document.body.dataset.stale = String(live.misses >= MISSES_BEFORE_GREY);
  document.body.dataset.live = live.state ?? '';
}
setInterval(tickLive, 1000);

/** A refused or failed request, as a manager reads it: the status and the server's own words. */
function failureText(result) {
  const body = result.body === undefined ? '' : typeof result.body === 'string' ? result.body : JSON.stringify(result.body);
  return result.status ? `${result.status}: ${body || result.message}` : result.message;
}

/** What could not be made to agree with the server, shown at the top: `items` are strings or nodes. */
function showDoubts(kind, items) {
  const box = $('doubts');
  const others = [...box.children].filter((child) => child.dataset.kind !== kind);
  const mine = items.map((item) => {
    const line = document.createElement('p');
    line.dataset.kind = kind;
    line.append(item);
    return line;
  });
  box.replaceChildren(...others, ...mine);
  box.hidden = box.children.length === 0;
}

/** The doubts a load or refresh left (ranges the server counts more rooms in than could be read). */
function showSyncDoubts(doubts = []) {
  showDoubts('sync', doubts.map((d) => `The server counts ${format(d.server)} rooms created from ${d.range.start} to ${d.range.end}, but only ${format(d.read)} could be read after reading them three times: the chart may be short there.`));
}

// ---- The view and the URL ---------------------------------------------

/** The server's time zone (IANA name), as typed; UTC when empty. */
const timeZone = () => $('time-zone').value.trim() || 'UTC';

function readView() {
  // Before anything is loaded (a shared server or file view waiting for
  // its user), the URL's source stays as it was.
  const linked = viewFromSearch(location.search);
  return {
    start: $('start').value,
    end: $('end').value,
    range: rolling,
    departments: selectedDepartments(),
    timeZone: timeZone(),
    source: source ? (source.kind === 'files' ? 'file' : source.kind) : linked.source,
    server: source ? (source.kind === 'server' ? source.server.url : '') : linked.server,
    file: source ? (source.kind === 'files' ? source.rooms.name : '') : linked.file,
    chart: document.querySelector('input[name=view]:checked').value,
    bucket: $('bucket').value,
    sort: $('sort').value,
    compare: $('compare-previous').checked,
  };
}

/** Puts a view into the controls (not the source: that is loaded). */
function applyView(view) {
  if (view.start !== null) $('start').value = view.start;
  if (view.end !== null) $('end').value = view.end;
  rolling = view.range;
  showRangeChoice();
  $('time-zone').value = view.timeZone;
  for (const radio of document.querySelectorAll('input[name=view]')) radio.checked = radio.value === view.chart;
  $('bucket').value = view.bucket;
  $('sort').value = view.sort;
  $('compare-previous').checked = view.compare;
  wantedDepartments = view.departments;
  fillDepartments(departmentRecords);
  $('bucket-field').hidden = view.chart !== 'time';
}

let typing = false;
/**
 * Records the view in the URL: a new history entry for each committed
 * change, the same entry updated while a field is being typed in.
 */
function remember({ replace = false } = {}) {
  const url = `${location.pathname}${searchFromView(readView())}${location.hash}`;
  if (url === `${location.pathname}${location.search}${location.hash}`) return;
  // The first view (before anything is loaded) replaces the entry the
  // page was opened with: Back leaves the page, as expected.
  if ((replace && typing) || document.body.dataset.loaded !== 'true') history.replaceState(null, '', url);
  else history.pushState(null, '', url);
  typing = replace;
}

window.addEventListener('popstate', () => {
  const view = viewFromSearch(location.search);
  const zoneChanged = view.timeZone !== timeZone();
  applyView({ ...DEFAULT_VIEW, ...view });
  typing = false;
  if (zoneChanged && source) load(source, { keepRange: true, remember: false });
  else if (rolling) roll();
  else update();
});

// ---- Departments (several at once) ------------------------------------

/** Ids asked for (by the URL or a click) that the menu may not list yet. */
let wantedDepartments = [];

function selectedDepartments() {
  return [...document.querySelectorAll('#department-list input:checked')].map((box) => box.value);
}

const byName = (a, b) => a.localeCompare(b, 'en', { numeric: true, sensitivity: 'base' });

function fillDepartments(records) {
  departmentRecords = records;
  const list = $('department-list');
  const keep = new Set(wantedDepartments);
  const name = (d) => String(d.name ?? 'undefined');
  list.replaceChildren(...[...records].sort((a, b) => byName(name(a), name(b))).map((d) => {
    const label = document.createElement('label');
    label.className = 'check';
    const box = Object.assign(document.createElement('input'), { type: 'checkbox', value: d._id, checked: keep.has(d._id) });
    label.append(box, ` ${shownName(name(d))}`);
    return label;
  }));
  // A search box once the list is longer than a glance.
  $('department-search').hidden = records.length <= 10;
  $('department-search').value = '';
  summarizeDepartments();
}

function summarizeDepartments() {
  const chosen = [...document.querySelectorAll('#department-list input:checked')].map((box) => box.parentElement.textContent.trim());
  $('department-summary').textContent = chosen.length === 0 ? 'All departments' : chosen.length <= 2 ? chosen.join(', ') : `${chosen.length} departments`;
}

$('department-list').addEventListener('change', () => {
  wantedDepartments = selectedDepartments();
  summarizeDepartments();
  remember();
  update();
});
// The menu closes as menus do: Escape (focus back on its button) and a
// click anywhere else; with many departments it has a search box.
const menu = $('department-menu');
menu.addEventListener('keydown', (e) => {
  if (e.key !== 'Escape' || !menu.open) return;
  e.preventDefault();
  menu.open = false;
  menu.querySelector('summary').focus();
});
document.addEventListener('pointerdown', (e) => {
  if (menu.open && !menu.contains(e.target)) menu.open = false;
});
menu.addEventListener('focusout', (e) => {
  if (menu.open && e.relatedTarget && !menu.contains(e.relatedTarget)) menu.open = false;
});
menu.addEventListener('toggle', () => {
  if (menu.open && !$('department-search').hidden) $('department-search').focus();
});
$('department-search').addEventListener('input', () => {
  const words = $('department-search').value.trim().toLocaleLowerCase();
  for (const label of $('department-list').children) label.hidden = Boolean(words) && !label.textContent.toLocaleLowerCase().includes(words);
});

$('department-clear').addEventListener('click', () => {
  for (const box of document.querySelectorAll('#department-list input')) box.checked = false;
  wantedDepartments = [];
  summarizeDepartments();
  remember();
  update();
});

// On a phone the controls fold into one bar naming the period; it opens them.
$('controls-toggle').addEventListener('click', () => {
  const open = $('query').classList.toggle('open');
  $('controls-toggle').setAttribute('aria-expanded', String(open));
});

// ---- Querying and drawing ----------------------------------------------

function params() {
  return { start: $('start').value, end: $('end').value };
}

let serverViewTimer = 0;
async function update() {
  if (answers === 'server') {
    // Debounced: a date typed or a menu clicked through asks once.
    clearTimeout(serverViewTimer);
    serverViewTimer = setTimeout(serverView, 300);
    return;
  }
  if (!shown) return;
  const id = ++latestQuery;
  const view = readView();
  const result = await ask({ type: 'chart', params: params(), departments: view.departments, compare: view.compare, bucket: view.chart === 'time' ? view.bucket : null });
  if (id !== latestQuery || result.type !== 'chart') return;
  render(result, view);
}

/** A server's non-chart answer (401, 403, an HTML page) as a failure body the page can show. */
function serverFailure(answer) {
  if (answer.type !== 'server-body') return { success: false, error: `The server could not be asked: ${answer.message}` };
  if (answer.body?.success === true || answer.body?.errorType) return answer.body;
  return { success: false, error: `HTTP ${answer.status}: ${JSON.stringify(answer.body)}` };
}

/** The server's own chart for the view, drawn as such (one request per department chosen). */
async function serverView() {
  if (!answering) return;
  const id = ++latestQuery;
  const view = readView();
  const requests = (view.departments.length ? view.departments : [null]).map((d) => (d === null ? params() : { ...params(), departmentId: d }));
  const bodies = await Promise.all(requests.map((p) => ask({ type: 'server-chart', server: answering, params: p })));
  if (id !== latestQuery || answers !== 'server') return;
  const at = Math.min(...bodies.map((b) => b.at ?? Date.now()));
  render({ requests: requests.map((p, i) => ({ params: p, body: serverFailure(bodies[i]) })), previous: null, previousRange: null, series: null, startMs: null, endMs: null, usPerQuery: null, fromServer: at }, { ...view, chart: 'departments', compare: false });
}

/** The line above the totals while the server answers: whose numbers, when, and how far the local copy is. */
function showAnswerSource(at = showAnswerSource.at) {
  showAnswerSource.at = at;
  const line = $('answer-source');
  line.hidden = answers !== 'server' || !at;
  if (line.hidden) return;
  const progress = loadProgress ? `${format(loadProgress.done)} of the server's ${format(loadProgress.total)} rooms read` : 'starting';
  const why = tooMany ? `this server's ${format(tooMany.total)} rooms are more than this page loads (${format(tooMany.maxRooms)}); the server answers every view`
    : busy ? `the local copy is loading (${progress}); "Over time" and the previous period need it`
      : 'the local copy is loaded and is being compared with it, or disagrees (see above)';
  line.textContent = `The server's own answer at ${clock(new Date(at))}: ${why}.`;
}
/** Back to the local index's answers (it agrees with the server, or is all there is). */
function useLocalAnswers() {
  if (answers === 'local') return;
  answers = 'local';
  answering = null;
  showAnswerSource(null);
  update();
}

/** `{ total, maxRooms }` when a server has more rooms than this page loads. */
let tooMany = null;

/** Per department name: the counts summed over the requests (one per department chosen). */
function merge(bodies) {
  const rows = new Map();
  for (const body of bodies) {
    for (const [name, counts] of Object.entries(body)) {
      if (name === 'success' && counts === true) continue;
      const row = rows.get(name) ?? { name, open: 0, closed: 0 };
      row.open += counts.open;
      row.closed += counts.closed;
      rows.set(name, row);
    }
  }
  return rows;
}

function sortRows(rows, sort) {
  const total = (r) => r.open + r.closed;
  return [...rows].sort(sort === 'name' ? (a, b) => byName(a.name, b.name) : (a, b) => total(b) - total(a) || byName(a.name, b.name));
}

function render(result, view) {
  const bodies = result.requests.map((r) => r.body);
  showRaw(result.requests);
  showAnswerSource(result.fromServer ?? null);
  $('timing').textContent = result.usPerQuery === null ? '' : `Computed in this browser in ${result.usPerQuery < 1000 ? `${result.usPerQuery < 10 ? result.usPerQuery.toFixed(1) : Math.round(result.usPerQuery)} µs` : `${(result.usPerQuery / 1000).toFixed(1)} ms`}${result.requests.length > 1 ? ` per department (${result.requests.length} requests)` : ''}.`;
  showPeriod(result, view);
  const failure = bodies.find((b) => b.success !== true);
  markDates(failure, result);
  const error = $('error');
  if (failure) {
    error.hidden = false;
    error.textContent = failure.error;
    last = null;
    showInvalid(failure);
    return;
  }
  error.hidden = true;
  $('chart').hidden = false;
  const rows = merge(bodies);
  if (result.previous) {
    for (const [name, counts] of merge(result.previous)) {
      const row = rows.get(name) ?? { name, open: 0, closed: 0 };
      row.previous = counts.open + counts.closed;
      rows.set(name, row);
    }
    for (const row of rows.values()) row.previous ??= 0;
  }
  const sorted = sortRows(rows.values(), view.sort);
  const totals = sorted.reduce((s, r) => ({ open: s.open + r.open, closed: s.closed + r.closed, previous: s.previous + (r.previous ?? 0) }), { open: 0, closed: 0, previous: 0 });
  $('total-open').textContent = format(totals.open);
  $('total-closed').textContent = format(totals.closed);
  $('total-all').textContent = format(totals.open + totals.closed);
  $('previous-total').hidden = !result.previous;
  if (result.previous) $('total-previous').textContent = `${format(totals.previous)} (${change(totals.open + totals.closed, totals.previous)})`;
  explainUncounted(totals.open + totals.closed, view);
  const counted = sorted.filter((r) => r.open + r.closed > 0 || (r.previous ?? 0) > 0);
  $('empty').textContent = 'No chats in this range.';
  $('empty').hidden = counted.length > 0;
  if (view.chart === 'time') {
    const series = seriesRows(result.series ?? [], sorted.map((r) => r.name));
    last = { kind: 'time', series, bodies: result.series };
    $('chart-box').style.height = '';
    drawSeries($('chart'), series);
    fillSeriesTable(series);
  } else {
    last = { kind: 'departments', rows: counted, previous: Boolean(result.previous), bodies };
    // One bar row per department: the chart grows down, never sideways.
    $('chart-box').style.height = `${Math.max(160, counted.length * (result.previous ? 34 : 25) + 64)}px`;
    drawDepartments($('chart'), counted, { previous: Boolean(result.previous) });
    fillTable(counted, totals, Boolean(result.previous), result.previousRange);
  }
}

/** "+12 (+8%)" against the previous period. */
function change(now, before) {
  const diff = now - before;
  const signed = `${diff > 0 ? '+' : ''}${format(diff)}`;
  return before === 0 ? (now === 0 ? '±0' : `${signed}, new`) : `${signed}, ${diff > 0 ? '+' : ''}${Math.round((100 * diff) / before)}%`;
}

/** An invalid date: no numbers at all (zeros would read as "no chats"). */
function showInvalid(failure) {
  for (const id of ['total-open', 'total-closed', 'total-all', 'total-previous']) $(id).textContent = '–';
  $('chart').hidden = true;
  const field = /"(start|end)"/.exec(failure.error)?.[1];
  $('empty').textContent = field ? `Fix the ${field} date to see the chart.` : 'Fix the query to see the chart.';
  $('empty').hidden = false;
  $('uncounted').textContent = '';
  $('table').tHead.rows[0].replaceChildren(...['Department', 'Open', 'Closed', 'Total'].map(th));
  $('table').tBodies[0].replaceChildren();
  for (const cell of $('table').tFoot.rows[0].cells) if (cell.cellIndex > 0) cell.textContent = '–';
}

/** `aria-invalid` on the date a failure names; the pickers follow valid dates. */
function markDates(failure, result) {
  const wrong = failure ? /"(start|end)"/.exec(failure.error)?.[1] : null;
  // The field the server refuses is shown, with its text.
  if (wrong) $('advanced').open = true;
  for (const name of ['start', 'end']) {
    const field = $(name);
    if (wrong === name) field.setAttribute('aria-invalid', 'true');
    else field.removeAttribute('aria-invalid');
  }
  if (result.fromServer) return; // the pickers keep what they show
  $('start-picker').value = result.startMs === null ? '' : localDate(result.startMs);
  $('end-picker').value = result.endMs === null ? '' : localDate(result.endMs);
}

/**
 * The calendar date (YYYY-MM-DD) of an instant in the server's zone, from
 * the parts: engines' CLDR data disagree on how en-CA writes a date
 * (WebKitGTK: "11/30/2025"), never on the parts.
 */
function localDate(ms) {
  if (!Number.isFinite(ms) || Math.abs(ms) > 8.64e15) return '';
  try {
    const parts = new Intl.DateTimeFormat('en-US', { timeZone: timeZone(), year: 'numeric', month: 'numeric', day: 'numeric', era: 'short' }).formatToParts(new Date(ms));
    const part = (type) => parts.find((p) => p.type === type)?.value;
    const year = Number(part('year'));
    // Pickers take years 0001-9999 only; beyond, the date is left empty.
    if (!(year >= 1 && year <= 9999) || part('era') !== 'AD') return '';
    return `${String(year).padStart(4, '0')}-${part('month').padStart(2, '0')}-${part('day').padStart(2, '0')}`;
  } catch {
    return '';
  }
}

/** Why the total is not every room loaded. */
const rooms = (n) => `${format(n)} ${n === 1 ? 'room' : 'rooms'}`;
function explainUncounted(counted, view) {
  const why = $('uncounted-why');
  if (!shown || answers === 'server') {
    why.hidden = true;
    return void ($('uncounted').textContent = '');
  }
  const never = shown.size - shown.countable;
  const parts = [`${format(counted)} of the ${rooms(shown.size)} loaded ${counted === 1 ? 'is' : 'are'} in this chart.`];
  const outside = shown.countable - counted;
  if (outside > 0) parts.push(`${rooms(outside)} ${outside === 1 ? 'is' : 'are'} ${view.departments.length ? 'outside this period or in other departments' : 'outside this period'}.`);
  if (never > 0) parts.push(`${rooms(never)} can never be counted, as on the server.`);
  $('uncounted').textContent = parts.join(' ');
  why.hidden = never === 0;
}

/** The server's key for rooms whose department is unknown, and what a manager reads instead. */
const NO_DEPARTMENT = 'No department';
const shownName = (name) => (name === 'undefined' ? NO_DEPARTMENT : name);
const NO_DEPARTMENT_WHY = 'Rooms whose department is unknown here (deleted, or missing from the departments list); the server\'s body calls them "undefined".';

/** "1 Dec – 7 Dec 2026", in the manager's locale, of the server's days. */
function periodDates(startMs, endMs) {
  if (!Number.isFinite(startMs) || !Number.isFinite(endMs)) return '';
  try {
    const days = new Intl.DateTimeFormat(undefined, { timeZone: timeZone(), day: 'numeric', month: 'short', year: 'numeric' });
    return startMs > endMs ? days.format(startMs) : days.formatRange(startMs, endMs);
  } catch {
    return `${new Date(startMs).toISOString()} – ${new Date(endMs).toISOString()}`;
  }
}

/** The departments a view shows, in words. */
function departmentsText(view) {
  if (!view.departments.length) return 'all departments';
  const names = view.departments.map((id) => shownName(String(departmentRecords.find((d) => d._id === id)?.name ?? id)));
  return names.length <= 3 ? names.join(', ') : `${names.length} departments`;
}

/** The period shown, named wherever the chart is: beside the totals, the controls bar, the chart's name, exports. */
let period = { text: '', dates: '', start: null, end: null };
function showPeriod(result, view) {
  const dates = periodDates(result.startMs, result.endMs);
  const text = dates ? `${dates} · ${timeZone()} · ${departmentsText(view)}` : '';
  period = { text, dates, start: result.startMs, end: result.endMs };
  $('period').textContent = text;
  $('period-short').textContent = text || 'Choose a period';
  const what = view.chart === 'time' ? `Stacked bar chart of chats per ${view.bucket} by department` : 'Bar chart of open and closed chats per department';
  $('chart').setAttribute('aria-label', text ? `${what}, ${text}` : what);
}

const th = (text) => Object.assign(document.createElement('th'), { scope: 'col', textContent: text });

function fillTable(rows, totals, previous, previousRange) {
  const head = ['Department', 'Open', 'Closed', 'Total'];
  if (previous) head.push('Previous period', 'Change');
  $('table').tHead.rows[0].replaceChildren(...head.map(th));
  if (previous && previousRange) $('table').tHead.rows[0].cells[4].title = `${previousRange.start} to ${previousRange.end}`;
  $('table').tBodies[0].replaceChildren(...rows.map((r) => {
    const tr = document.createElement('tr');
    const cells = [shownName(r.name), format(r.open), format(r.closed), format(r.open + r.closed)];
    if (previous) cells.push(format(r.previous), change(r.open + r.closed, r.previous));
    for (const text of cells) tr.insertCell().textContent = text;
    if (r.name === 'undefined') tr.cells[0].title = NO_DEPARTMENT_WHY;
    return tr;
  }));
  const foot = ['Total', format(totals.open), format(totals.closed), format(totals.open + totals.closed)];
  if (previous) foot.push(format(totals.previous), change(totals.open + totals.closed, totals.previous));
  $('table').tFoot.rows[0].replaceChildren(...foot.map((text) => Object.assign(document.createElement('td'), { textContent: text })));
}

/** Buckets × departments from the series answers (one per request), summed by name. */
function seriesRows(answers, order) {
  const buckets = answers[0]?.buckets ?? [];
  const labels = buckets.map((b) => localDate(b.startMs));
  // Each bucket's bodies (one per request) summed by name, as for the whole range.
  const perBucket = buckets.map((_, k) => merge(answers.map((answer) => answer.buckets[k].body)));
  const names = [...new Set([...order, ...perBucket.flatMap((rows) => [...rows.keys()])])];
  const departments = names.map((name) => {
    const open = perBucket.map((rows) => rows.get(name)?.open ?? 0);
    const closed = perBucket.map((rows) => rows.get(name)?.closed ?? 0);
    return { name, open, closed, totals: open.map((n, k) => n + closed[k]) };
  }).filter((d) => d.totals.some(Boolean));
  return { labels, buckets, departments };
}

/**
 * Over time, departments as rows and buckets as columns (the table scrolls
 * inside its own box): a hundred departments make a long table, never a
 * page a hundred columns wide.
 */
function fillSeriesTable(series) {
  const bucketWord = $('bucket').value === 'week' ? 'week' : 'day';
  $('table').tHead.rows[0].replaceChildren(...[`Department, per ${bucketWord}`, ...series.labels, 'Total (open / closed)'].map(th));
  const sum = (list) => list.reduce((t, n) => t + n, 0);
  $('table').tBodies[0].replaceChildren(...series.departments.map((d) => {
    const tr = document.createElement('tr');
    const name = Object.assign(document.createElement('th'), { scope: 'row', textContent: shownName(d.name) });
    if (d.name === 'undefined') name.title = NO_DEPARTMENT_WHY;
    tr.append(name);
    d.totals.forEach((total, k) => {
      const cell = tr.insertCell();
      cell.textContent = format(total);
      cell.title = `${format(d.open[k])} open, ${format(d.closed[k])} closed`;
    });
    tr.insertCell().textContent = `${format(sum(d.totals))} (${format(sum(d.open))} / ${format(sum(d.closed))})`;
    return tr;
  }));
  const perBucket = series.labels.map((_, k) => sum(series.departments.map((d) => d.totals[k])));
  $('table').tFoot.rows[0].replaceChildren(...['Total', ...perBucket.map(format), format(sum(perBucket))].map((text) => Object.assign(document.createElement('td'), { textContent: text })));
}

/** The raw bodies: the server's answer to each request the view makes. */
function showRaw(requests) {
  $('raw').textContent = requests.map(({ params: p, body }) => {
    const head = requests.length > 1 ? `departmentId=${p.departmentId}: ` : '';
    return `${head}HTTP ${body.success === true ? 200 : 400}\n${JSON.stringify(body, null, 2)}`;
  }).join('\n\n');
}

// ---- Dates --------------------------------------------------------------
// The pickers and quick ranges give whole days in the server's time zone,
// sent as UTC instants (…T03:00:00.000Z for a Sao_Paulo midnight), as
// Rocket.Chat's own page does for the browser's day. The worker converts,
// with the library's Date.parse in that zone.

let daysAsked = 0;
async function setDays(startDate, endDate) {
  // Only the latest request counts: answers may come back out of order.
  const asked = ++daysAsked;
  const bounds = await ask({ type: 'day-bounds', start: startDate, end: endDate, timeZone: timeZone() });
  if (asked !== daysAsked) return undefined;
  if (bounds.type !== 'bounds') return setStatus(bounds.message, 'error');
  if (bounds.start) $('start').value = bounds.start;
  if (bounds.end) $('end').value = bounds.end;
  remember();
  return update();
}

/** Today's date (YYYY-MM-DD) in the server's zone. */
const today = () => localDate(Date.now());
const addDays = (date, days) => new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

/** The whole days (server's zone) that hold every countable room. */
function fitToData() {
  if (!shown?.range) return false;
  rolling = null;
  showRangeChoice();
  setDays(localDate(shown.range.first), localDate(shown.range.last));
  return true;
}

/**
 * The quick range in force (`'7d'`…, see RANGES), or null for a range
 * typed or picked: a quick range is evaluated again at every refresh and
 * when the day turns in the server's zone.
 */
let rolling = null;
let rolledOn = '';
function roll() {
  if (!rolling) return undefined;
  rolledOn = today();
  return setDays(addDays(rolledOn, 1 - RANGES[rolling]), rolledOn);
}
// The day turns at midnight in the server's zone, not the browser's.
setInterval(() => {
  if (rolling && shown && today() !== rolledOn) roll();
}, 30_000);

/** The quick range buttons say which one is in force. */
function showRangeChoice() {
  for (const button of document.querySelectorAll('[data-range]')) button.setAttribute('aria-pressed', String(button.dataset.range === rolling));
}

/**
 * Whether the manager chose the range (typed, picked, a quick range) since
 * the last load fitted it: connecting to a server then keeps it, so the
 * server's first answer and the local chart show the same view.
 */
let rangeChosen = false;
// A day picker commits when it is left, on Enter, or once the keys pause;
// at once when its value changes without the keyboard (the calendar): typing
// a date changes it at every digit (year 0002, 0020, 0202, 2026), and
// each of those must not become a chart and a history entry.
for (const [id, which] of [['start-picker', 'start'], ['end-picker', 'end']]) {
  const picker = $(id);
  let due = false;
  const commit = () => {
    if (!due) return undefined;
    due = false;
    rangeChosen = true;
    rolling = null;
    showRangeChoice();
    return picker.value && setDays(which === 'start' ? picker.value : null, which === 'end' ? picker.value : null);
  };
  picker.addEventListener('change', () => {
    due = true;
    // (Chromium moves focus between a date's parts while it is typed, so
    // whether keys were typed is what tells, not where the focus is.)
    if (!picker.dataset.typing) commit();
  });
  // A date being typed commits when the keys stop for a moment (Tab may
  // stay inside the picker, on its calendar button).
  let idle = 0;
  picker.addEventListener('keydown', (e) => {
    clearTimeout(idle);
    if (e.key === 'Enter') return void commit();
    if (/^[0-9]$/.test(e.key) || e.key === 'Backspace' || e.key.startsWith('Arrow')) picker.dataset.typing = 'true';
    idle = setTimeout(commit, 1200);
  });
  picker.addEventListener('blur', () => {
    delete picker.dataset.typing;
    commit();
  });
}
for (const id of ['start', 'end']) {
  $(id).addEventListener('input', () => {
    rangeChosen = true;
    rolling = null;
    showRangeChoice();
    remember({ replace: true });
    update();
  });
  $(id).addEventListener('change', () => {
    typing = false;
  });
}
for (const button of document.querySelectorAll('[data-range]')) {
  // "Last 7 days": today and the six days before, in the server's zone,
  // counted from now, whatever the fields hold, and again tomorrow.
  button.addEventListener('click', () => {
    rangeChosen = true;
    rolling = button.dataset.range;
    showRangeChoice();
    roll();
  });
}
$('fit-data').addEventListener('click', fitToData);
for (const id of ['sort', 'bucket', 'compare-previous']) {
  $(id).addEventListener('change', () => {
    remember();
    update();
  });
}
for (const radio of document.querySelectorAll('input[name=view]')) {
  radio.addEventListener('change', () => {
    $('bucket-field').hidden = readView().chart !== 'time';
    remember();
    update();
  });
}

// The server's time zone: everything loaded is read again in the new zone
// (room dates without an offset depend on it, like the parameters).
const zones = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
$('zones').replaceChildren(...['UTC', ...zones].map((z) => new Option(z)));
function validZone() {
  const field = $('time-zone');
  try {
    new Intl.DateTimeFormat('en', { timeZone: timeZone() });
  } catch {
    field.setAttribute('aria-invalid', 'true');
    setStatus(`"${field.value}" is not a time zone this browser knows (an IANA name such as UTC or America/Sao_Paulo).`, 'error');
    return false;
  }
  field.removeAttribute('aria-invalid');
  return true;
}
$('time-zone').addEventListener('change', () => {
  if (!validZone()) return;
  remember();
  if (source) load(source, { keepRange: true });
});

// ---- Exports ------------------------------------------------------------

function download(blob, name) {
  const a = Object.assign(document.createElement('a'), { href: URL.createObjectURL(blob), download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
}

const csvCell = (value) => (/[",\n\r]/.test(String(value)) || /^[=+\-@]/.test(String(value)) ? `"${String(value).replace(/^([=+\-@])/, "'$1").replaceAll('"', '""')}"` : String(value));

/** The table as CSV (numbers unformatted), one line per row. */
function tableCsv() {
  if (!last) return null;
  const lines = [];
  // Every row carries the period it counts (the server's instants) and the zone.
  const when = [iso(period.start), iso(period.end), timeZone()];
  if (last.kind === 'departments') {
    lines.push(['department', 'open', 'closed', 'total', ...(last.previous ? ['previous_total'] : []), 'period_start', 'period_end', 'time_zone']);
    for (const r of last.rows) lines.push([r.name, r.open, r.closed, r.open + r.closed, ...(last.previous ? [r.previous] : []), ...when]);
  } else {
    lines.push(['bucket_start', 'bucket_end', 'department', 'open', 'closed', 'period_start', 'period_end', 'time_zone']);
    last.series.buckets.forEach((bucket, k) => {
      for (const d of last.series.departments) if (d.totals[k]) lines.push([bucket.start, bucket.end, d.name, d.open[k], d.closed[k], ...when]);
    });
  }
  return `${lines.map((cells) => cells.map(csvCell).join(',')).join('\r\n')}\r\n`;
}

const iso = (ms) => (Number.isFinite(ms) ? new Date(ms).toISOString() : '');

/** "chats-per-department_2026-12-01_2026-12-07": the period's days in the server's zone. */
function exportName() {
  const days = [localDate(period.start), localDate(period.end)].filter(Boolean);
  return ['chats-per-department', ...days].join('_');
}

$('export-csv').addEventListener('click', () => {
  const csv = tableCsv();
  if (csv) download(new Blob([csv], { type: 'text/csv' }), `${exportName()}.csv`);
});
$('export-png').addEventListener('click', async () => {
  if (!last) return;
  const what = last.kind === 'time' ? `Chats per ${$('bucket').value}` : 'Open and closed chats per department';
  const from = shown ? `${shown.label}, ${answers === 'server' ? 'the server\'s answers' : 'computed in this browser'} at ${clock()}` : '';
  download(await chartPng($('chart'), { title: `${what} · ${period.text}`, subtitle: from }), `${exportName()}.png`);
});
$('copy-body').addEventListener('click', async () => {
  const text = $('raw').textContent;
  try {
    await navigator.clipboard.writeText(text);
    $('copied').textContent = 'The raw body is on the clipboard.';
  } catch {
    // No clipboard permission: select the text for the user to copy.
    getSelection().selectAllChildren($('raw'));
    $('copied').textContent = 'The raw body is selected: press Ctrl+C (⌘C) to copy it.';
  }
});

// ---- Sources -------------------------------------------------------------

const tabs = [...document.querySelectorAll('[role=tab]')];
function selectTab(tab, focus = false) {
  for (const other of tabs) {
    other.setAttribute('aria-selected', String(other === tab));
    other.tabIndex = other === tab ? 0 : -1;
  }
  for (const panel of document.querySelectorAll('[role=tabpanel]')) panel.hidden = panel.id !== tab.getAttribute('aria-controls');
  if (focus) tab.focus();
}
for (const tab of tabs) {
  tab.addEventListener('click', () => selectTab(tab));
  // The tab pattern: arrows move between tabs, Home and End to the ends.
  tab.addEventListener('keydown', (e) => {
    const at = tabs.indexOf(tab);
    const to = { ArrowRight: at + 1, ArrowLeft: at - 1, Home: 0, End: tabs.length - 1 }[e.key];
    if (to === undefined) return;
    e.preventDefault();
    selectTab(tabs[(to + tabs.length) % tabs.length], true);
  });
}

function setLiveControls(enabled) {
  for (const id of ['refresh-now', 'reload-all', 'compare-server']) $(id).disabled = !enabled;
}

/** No second load while one runs: every control that starts one is disabled. */
function setLoading(loading) {
  busy = loading;
  document.body.dataset.busy = String(loading);
  for (const fieldset of document.querySelectorAll('#file-form fieldset, #server-form fieldset')) fieldset.disabled = loading;
  $('load-sample').disabled = loading;
  if (loading) setLiveControls(false);
}

const sourceLabel = (next) => (next.kind === 'sample' ? 'the sample' : next.kind === 'files' ? next.rooms.name : next.server.url);

/**
 * Loads a source (`{kind: 'sample' | 'files' | 'server', …}`) in the
 * current time zone. A new source's range is fitted to its data unless the
 * URL or `keepRange` says otherwise; a failed load keeps what was shown
 * and says so.
 */
async function load(next, { keepRange = false, remember: record = true, fresh = false } = {}) {
  if (busy) return false;
  clearTimeout(refreshTimer);
  setLoading(true);
  $('compare').hidden = true;
  const zone = timeZone();
  let result;
  if (next.kind === 'sample') {
    setStatus('Generating the sample…');
    result = await ask({ type: 'sample', end: next.end, timeZone: zone, fresh });
  } else if (next.kind === 'files') {
    setStatus(`Reading ${next.rooms.name}…`);
    result = await ask({ type: 'files', rooms: next.rooms, departments: next.departments ?? null, timeZone: zone, fresh });
  } else {
    setStatus(`Connecting to ${next.server.url}…`);
    $('shown').textContent = `Connecting to ${next.server.url}…${shown ? ` (until it is ready, the numbers below are still ${shown.label}'s)` : ''}`;
    $('shown').dataset.kind = 'info';
    // The server's own chart first: one request, whatever the size.
    const before = { state: live.state, text: $('live-state').textContent };
    answers = 'server';
    answering = next.server;
    tooMany = null;
    loadProgress = null;
    setLive('server', 'Server\'s answers while loading');
    serverView();
    result = await ask({ type: 'server', server: next.server, timeZone: zone, fresh, maxRooms });
    if (result.type === 'failed' && result.tooMany) {
      // Past what a tab can hold: the server stays the engine.
      setLoading(false);
      hideProgress();
      tooMany = result.tooMany;
      source = next;
      server = null;
      shown = null;
      $('shown').textContent = `Showing ${next.server.url}: the server's own answers (${format(tooMany.total)} rooms, more than this page loads).`;
      $('shown').dataset.kind = 'ok';
      setStatus(`${next.server.url} holds ${format(tooMany.total)} rooms, more than this page loads (${format(tooMany.maxRooms)}): the chart shows the server's own answers, asked again every refresh. "Over time" and the previous period need the rooms here and are not offered.`, 'ok');
      setLive('server', 'Server\'s answers');
      live.updatedAt = Date.now();
      showAnswerSource();
      scheduleServerAnswers();
      document.body.dataset.loaded = 'true';
      return true;
    }
    // A fresh load takes over once it agrees with the server's chart
    // (`checkWithServer`, below); a reopened copy at once, marked as such;
    // after a failure, what was held before comes back with its status.
    if (result.type === 'failed') setLive(before.state, before.text);
    if (result.type === 'failed' || result.reopened) useLocalAnswers();
  }
  setLoading(false);
  hideProgress();
  const label = sourceLabel(next);
  if (result.type === 'failed') {
    setStatus(`Could not load ${label}: ${result.message}`, 'error');
    showSource(`${label}: ${result.message}`);
    showLoadFailure(result);
    setLiveControls(Boolean(server));
    scheduleRefresh();
    return false;
  }
  showLoadFailure(null);
  const sameSource = source && source.kind === next.kind && sourceLabel(source) === label;
  source = next;
  server = next.kind === 'server' ? next.server : null;
  // A saved copy is as old as it was saved, and says so until the server confirms it.
  const saved = Boolean(result.reopened && server);
  shown = { kind: next.kind, label, at: saved ? new Date(result.reopened.savedAt) : new Date(), saved, size: result.size, countable: result.countable, range: result.range };
  live.misses = 0;
  live.updatedAt = server ? shown.at.getTime() : 0;
  if (!server) setLive(null);
  else if (saved) setLive('saved', 'Saved copy · asking the server');
  else setLive('live', 'Live');
  showSyncDoubts(result.doubts);
  if (!server) showDoubts('compare', []);
  if (server) localStorage.setItem(LAST_SERVER, server.url);
  document.body.dataset.loads = String(Number(document.body.dataset.loads ?? 0) + 1);
  if (next.kind === 'sample') document.body.dataset.sampleEnd = String(next.end);
  fillDepartments(result.departments);
  const memory = result.memoryBytes >= 1e6 ? megabytes(result.memoryBytes) : `${Math.ceil(result.memoryBytes / 1e3)} kB`;
  const wire = result.wire ? ` ${format(Math.round(result.wire.perRoom))} bytes per room over the wire (${format(result.wire.requests)} requests).` : '';
  // How the server treats the fields asked for says why a load is slow: the manager's line keeps it.
  const fields = result.wire && FIELDS_SAID[result.wire.fields] ? ` ${FIELDS_SAID[result.wire.fields]}` : '';
  const reopened = result.reopened
    ? ` Reopened from this browser's copy of ${clock(new Date(result.reopened.savedAt))} (${megabytes(result.reopened.bytes)}, ${Math.round(result.reopened.ms)} ms)${server ? '; asking the server what changed since' : ''}.`
    : '';
  setStatus(`${label}: ${format(result.size)} rooms loaded.${fields}${reopened}`, 'ok');
  // What a developer asks about, out of the manager's way.
  $('load-details').hidden = false;
  $('load-details-text').textContent = `${memory} held by the index.${wire}`;
  document.body.dataset.reopened = String(Boolean(result.reopened));
  if (result.reopened) document.body.dataset.reopenedMs = String(Math.round(result.reopened.ms));
  showSource();
  setLiveControls(Boolean(server));
  $('live').textContent = server && !result.reopened ? `Updated at ${clock()}.` : '';
  delete $('live').dataset.kind;
  // A server's saved copy is as old as it was saved: refresh at once.
  if (server && result.reopened) setTimeout(refresh, 0);
  else scheduleRefresh();
  // A fresh load is compared with the server's own chart at once.
  if (server && !result.reopened) setTimeout(() => checkWithServer(), 0);
  // A new source (not a reload of the same one) shows all of its data.
  const hasRange = $('start').value !== '' || $('end').value !== '';
  const chosen = next.kind === 'server' && rangeChosen && hasRange;
  // A reload that keeps the range (another zone) keeps the choice too.
  if (!keepRange) rangeChosen = false;
  if (rolling) {
    await roll();
    document.body.dataset.loaded = 'true';
    return true;
  }
  if (!(keepRange || chosen || (sameSource && hasRange)) && fitToData()) {
    document.body.dataset.loaded = 'true';
    return true;
  }
  if (record) remember();
  await update();
  document.body.dataset.loaded = 'true';
  return true;
}

/** A failed load's answer, verbatim (a server's 401 body, say), beside the status: the raw view keeps the chart's. */
function showLoadFailure(result) {
  const out = $('load-failure');
  out.hidden = !result;
  out.textContent = result ? `HTTP ${result.status ?? ''}\n${JSON.stringify(result.body ?? { error: result.message }, null, 2)}` : '';
}

// Live refresh: only what changed since the last refresh (see sync.js).
function scheduleRefresh() {
  clearTimeout(refreshTimer);
  const seconds = Number($('refresh-every').value);
  if (server && seconds > 0) refreshTimer = setTimeout(refresh, seconds * 1000);
}

/** What the status line says of each `fields` behaviour (see sync.js). */
const FIELDS_SAID = {
  applied: 'The server sends only the fields the chart reads.',
  ignored: 'The server ignores the fields asked for (Rocket.Chat 7 and 8 by default) and sends whole rooms.',
  refused: 'The server refuses a fields list (Rocket.Chat 9) and sends whole rooms.',
  off: 'Whole rooms asked for.',
  unknown: '',
};
const LAST_SERVER = 'chats-per-department:last-server';
/** The server's chart is compared with the local one after each load and this often. */
const COMPARE_EVERY_MS = 600_000;
let lastCompare = 0;

let lastGood = null;
async function refresh() {
  clearTimeout(refreshTimer);
  if (!server || busy) return scheduleRefresh();
  busy = true;
  live.retrying = live.misses > 0;
  tickLive();
  const result = await ask({ type: 'refresh' });
  busy = false;
  live.retrying = false;
  hideProgress();
  const liveLine = $('live');
  if (result.type === 'refreshed') {
    lastGood = new Date();
    live.misses = 0;
    live.updatedAt = lastGood.getTime();
    setLive('live', 'Live');
    const removed = result.removed ? `, ${format(result.removed)} deleted rooms removed` : '';
    liveLine.textContent = `Updated at ${clock(lastGood)}: ${format(result.changed)} changed rooms (${format(result.bytes)} bytes read)${removed}; ${format(result.size)} rooms held.`;
    delete liveLine.dataset.kind;
    Object.assign(shown, { size: result.size, countable: result.countable, range: result.range, at: lastGood, saved: false });
    showSource();
    showSyncDoubts(result.doubts);
    fillDepartments(result.departments);
    if (rolling) roll();
    else update();
    if (Date.now() - lastCompare >= COMPARE_EVERY_MS) checkWithServer();
  } else {
    live.misses++;
    const offline = !result.status;
    const since = clock(new Date(live.state === 'failing' || live.state === 'offline' ? live.since : Date.now()));
    setLive(offline ? 'offline' : 'failing', offline ? `Offline since ${since} (${result.message})` : `Refresh failing since ${since} (${failureText(result)})`);
    liveLine.dataset.kind = 'error';
    const as = lastGood ? `as of ${clock(lastGood)}` : shown?.saved ? `of the saved copy (${clock(shown.at)})` : 'as loaded';
    liveLine.textContent = `Refresh failed at ${clock()}: ${failureText(result)}. The chart shows the data ${as}.`;
  }
  document.body.dataset.refreshes = String(Number(document.body.dataset.refreshes ?? 0) + 1);
  scheduleRefresh();
}

/** With too many rooms to load, the server's answers are asked again as often as a refresh would be. */
function scheduleServerAnswers() {
  clearTimeout(refreshTimer);
  const seconds = Number($('refresh-every').value);
  if (answers !== 'server' || !tooMany || !(seconds > 0)) return;
  refreshTimer = setTimeout(async () => {
    await serverView();
    live.updatedAt = Date.now();
    tickLive();
    scheduleServerAnswers();
  }, seconds * 1000);
}

/**
 * Compares the local chart with the server's own for the current view;
 * a difference is only reported after waiting past the server's 5 s cache
 * and refreshing, and then at the top of the page, with the zone that
 * explains it when one does (dates without an offset read in another zone).
 */
async function checkWithServer() {
  if (!server) return null;
  lastCompare = Date.now();
  const { ours, theirs, requests } = await comparedBodies();
  document.body.dataset.compared = String(Number(document.body.dataset.compared ?? 0) + 1);
  if (theirs.some((t) => t.type !== 'server-body') || agree(ours, theirs)) {
    showDoubts('compare', []);
    if (answers === 'server' && !tooMany) useLocalAnswers();
    return { agree: agree(ours, theirs), theirs };
  }
  // The server's numbers are the ones wanted: shown until the two agree.
  if (!tooMany && answers !== 'server') {
    answers = 'server';
    answering = server;
  }
  serverView();
  const candidates = [...new Set(['UTC', Intl.DateTimeFormat().resolvedOptions().timeZone, ...offsetZones(requests)])];
  const explained = await ask({ type: 'explain-zone', requests, bodies: theirs.map((t) => t.body), candidates });
  const zone = explained.type === 'zone' ? explained.zone : null;
  const why = zone
    ? `The server's numbers match dates read in ${zone}, not in ${timeZone()}: set "Server time zone" to ${zone}.`
    : 'The cause is not a time zone (UTC, this browser\'s zone and the typed offsets were tried): see "Compare with the server" for the difference per department.';
  showDoubts('compare', [`The server's own chart differs from this one for the current view (checked at ${clock()}, after waiting past its 5 s cache). ${why}`]);
  document.body.dataset.zoneExplained = zone ?? '';
  return { agree: false, theirs, zone };
}

/** IANA zones with the fixed offsets typed in the dates (`+02:00` is `Etc/GMT-2` when whole hours). */
function offsetZones(requests) {
  const zones = [];
  for (const p of requests) {
    for (const text of [p.start, p.end]) {
      const match = /([+-])(\d\d):?(\d\d)$/.exec(String(text ?? ''));
      if (match && match[3] === '00' && Number(match[2]) <= 14) zones.push(`Etc/GMT${match[1] === '+' ? '-' : '+'}${Number(match[2])}`);
    }
  }
  return zones;
}

$('refresh-every').addEventListener('change', scheduleRefresh);
$('refresh-now').addEventListener('click', refresh);
$('reload-all').addEventListener('click', () => source && load(source, { keepRange: true, fresh: true }));

$('load-sample').addEventListener('click', () => load({ kind: 'sample', end: currentHour() }));
function loadFiles(rooms, departments) {
  if (!rooms) return setStatus('Pick a rooms file first.', 'error');
  return load({ kind: 'files', rooms, departments });
}
$('file-form').addEventListener('submit', (e) => {
  e.preventDefault();
  loadFiles($('rooms-file').files[0], $('departments-file').files[0]);
});

// Files dropped anywhere load (a browser would otherwise leave the page to
// show the file).
const drop = $('drop');
window.addEventListener('dragover', (e) => {
  if (![...(e.dataTransfer?.types ?? [])].includes('Files')) return;
  e.preventDefault();
  drop.dataset.over = 'true';
});
window.addEventListener('dragleave', (e) => {
  if (e.relatedTarget === null) delete drop.dataset.over;
});
window.addEventListener('drop', (e) => {
  e.preventDefault();
  delete drop.dataset.over;
  const files = [...(e.dataTransfer?.files ?? [])];
  if (files.length === 0) return;
  selectTab($('tab-file'));
  const deps = files.length > 1 ? files.find((f) => /department/i.test(f.name)) : undefined;
  loadFiles(files.find((f) => f !== deps), deps);
});

// Credentials go only to a server the manager confirmed: a link may name a
// server (`?source=server&server=…`), and connecting to it when this
// browser has not used it before asks first, showing its address. Behind
// the proxy the server is the proxy's, and a link cannot change it.
let proxied = null;
const linkedServer = viewFromSearch(location.search).source === 'server' ? viewFromSearch(location.search).server : '';
let confirmed = null;

function needsConfirmation(url) {
  if (proxied) return false;
  if (!linkedServer || url !== linkedServer) return false;
  return url !== localStorage.getItem(LAST_SERVER) && url !== confirmed;
}

function connect() {
  const candidate = { url: $('server-url').value.trim(), userId: $('server-user').value.trim(), token: $('server-token').value.trim(), fields: $('server-fields').checked };
  if (needsConfirmation(candidate.url)) {
    $('confirm-server-url').textContent = candidate.url;
    $('confirm-server').hidden = false;
    $('confirm-server-yes').focus();
    return;
  }
  $('confirm-server').hidden = true;
  load({ kind: 'server', server: candidate });
}

$('server-form').addEventListener('submit', (e) => {
  e.preventDefault();
  connect();
});
$('confirm-server-yes').addEventListener('click', () => {
  confirmed = $('server-url').value.trim();
  connect();
});
$('confirm-server-no').addEventListener('click', () => {
  $('confirm-server').hidden = true;
  $('server-url').focus();
});
$('server-url').addEventListener('input', () => {
  $('confirm-server').hidden = true;
});

// Comparison with the server's own chart. The server caches each body for
// 5 s and may read a secondary, so a difference is only reported after
// waiting past that and refreshing. With several departments chosen, each
// request is compared.
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function bothBodies() {
  const view = readView();
  const ours = await ask({ type: 'chart', params: params(), departments: view.departments, compare: false, bucket: null });
  const theirs = [];
  for (const { params: p } of ours.requests) theirs.push(await ask({ type: 'server-chart', server, params: p }));
  return { ours: ours.requests.map((r) => r.body), theirs, requests: ours.requests.map((r) => r.params) };
}

const agree = (ours, theirs) => theirs.every((t, i) => t.type === 'server-body' && canonicalBody(ours[i]) === canonicalBody(t.body));

/**
 * Both bodies for the view; when the server answers and differs, asked
 * again after waiting past its 5 s cache and refreshing (`onWait` says so).
 */
async function comparedBodies(onWait = () => {}) {
  const both = await bothBodies();
  if (!both.theirs.every((t) => t.type === 'server-body') || agree(both.ours, both.theirs)) return both;
  onWait();
  await sleep(5500);
  await refresh();
  return bothBodies();
}

$('compare-server').addEventListener('click', async () => {
  if (!server) return;
  const out = $('compare');
  out.hidden = false;
  delete out.dataset.kind;
  out.textContent = 'Asking the server…';
  const { ours, theirs } = await comparedBodies(() => {
    out.textContent = 'The numbers differ; waiting past the server\'s 5 s cache and refreshing before concluding…';
  });
  const unreachable = theirs.find((t) => t.type !== 'server-body');
  if (unreachable) {
    out.dataset.kind = 'error';
    out.textContent = `The server could not be asked: ${unreachable.message}`;
    return;
  }
  const status = theirs.map((t) => t.status).join(', ');
  if (agree(ours, theirs)) {
    out.dataset.kind = 'ok';
    out.textContent = `The server agrees (HTTP ${status}).`;
    return;
  }
  out.dataset.kind = 'error';
  const mergeBodies = (list) => (list.every((b) => b.success === true) ? Object.fromEntries([...merge(list).values()].map((r) => [r.name, { open: r.open, closed: r.closed }]).concat([['success', true]])) : list.find((b) => b.success !== true));
  out.replaceChildren(`The server answers differently (HTTP ${status}):`, differenceTable(mergeBodies(ours), mergeBodies(theirs.map((t) => t.body))), likelyCauses(theirs));
});

/** Per department: here, on the server, and the difference. */
function differenceTable(ours, theirs) {
  const table = document.createElement('table');
  table.id = 'compare-table';
  table.createTHead().insertRow().append(...['Department', 'Here (open / closed)', 'Server (open / closed)', 'Difference'].map(th));
  const body = table.createTBody();
  const counts = (b, k) => (b.success && b[k] && b[k] !== true ? b[k] : { open: 0, closed: 0 });
  const keys = [...new Set([...Object.keys(ours), ...Object.keys(theirs)])].filter((k) => k !== 'success' && k !== 'error' && k !== 'errorType').sort();
  for (const key of keys) {
    const [a, b] = [counts(ours, key), counts(theirs, key)];
    if (a.open === b.open && a.closed === b.closed) continue;
    const signed = (n) => (n > 0 ? `+${n}` : String(n));
    const row = body.insertRow();
    for (const text of [key, `${a.open} / ${a.closed}`, `${b.open} / ${b.closed}`, `${signed(a.open - b.open)} open, ${signed(a.closed - b.closed)} closed`]) row.insertCell().textContent = text;
  }
  if (!ours.success || !theirs.success) body.insertRow().insertCell().textContent = `Here: ${ours.error ?? 'a chart'}; server: ${theirs.error ?? 'a chart'}`;
  return table;
}

function likelyCauses(theirs) {
  const list = document.createElement('ul');
  const causes = [
    `The time zone: dates typed without an offset are read in the server's zone, set to ${timeZone()} here. If the server's process runs in another zone, set "Server time zone" to it.`,
    'A monitor\'s view: on Enterprise servers a monitor sees only the rooms of their units in livechat/rooms, while the chart counts every room. Connect as a manager or an admin.',
    'Changes in flight: the server caches each chart for 5 s and may read a secondary; rooms that changed in the last seconds appear a little later.',
  ];
  if (theirs.some((t) => t.status === 403)) causes.unshift('The user may not read the chart (HTTP 403).');
  list.replaceChildren(...causes.map((c) => Object.assign(document.createElement('li'), { textContent: c })));
  return list;
}

// Started with a proxy (`bash scripts/start.sh --proxy URL`), this page's
// own /api/ reaches the server: no CORS setting needed on it.
// A static host serves the built page's own proxy.json (`{}`: no proxy);
// scripts/serve.mjs answers that address with its target when it proxies.
fetch(new URL('./proxy.json', location.href)).then((r) => (r.ok ? r.json() : null)).then((proxy) => {
  if (!proxy?.target) return;
  proxied = proxy.target;
  const own = new URL('./', location.href).href;
  const asked = $('server-url').value;
  $('server-url').value = own;
  $('server-url').readOnly = true;
  const note = $('proxy-note');
  note.hidden = false;
  note.textContent = `This page's /api/ is proxied to ${proxy.target}, so the server is that one${asked && asked !== own ? ` (the link named ${asked}, which this page does not use)` : ''}.`;
}).catch(() => {});

// ---- Start: the view the URL holds ---------------------------------------

const initial = viewFromSearch(location.search);
applyView(initial);
validZone();
if (initial.source === 'server') {
  selectTab($('tab-server'));
  $('server-url').value = initial.server;
  showSource();
  setStatus(`This view follows ${initial.server || 'a Rocket.Chat server'}: enter your credentials and connect (they are never part of the link).`);
} else if (initial.source === 'file') {
  selectTab($('tab-file'));
  showSource();
  setStatus(`This view was made from the file ${initial.file || '(unnamed)'}: pick or drop it to see it.`);
} else {
  load({ kind: 'sample', end: currentHour() }, { keepRange: initial.start !== null || initial.end !== null || initial.range !== null, remember: false });
}
