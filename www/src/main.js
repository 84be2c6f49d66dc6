// The dashboard page: controls, chart, table and raw view. All data work
// happens in the worker (worker.js); this file only talks to it and draws.
import { Chart, BarController, BarElement, CategoryScale, LinearScale, Legend, Tooltip } from 'chart.js';
import './style.css';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Legend, Tooltip);

const $ = (id) => document.getElementById(id);
const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
const pending = new Map();
let nextId = 0;
let latestQuery = 0;
let server = null;
let chart = null;
/** What was loaded last, to load it again (another time zone, "Reload everything"). */
let source = null;
let refreshTimer = 0;
let busy = false;

/** Sends a request to the worker; progress messages update the bar. */
function ask(message) {
  const id = ++nextId;
  worker.postMessage({ ...message, id });
  return new Promise((resolve) => pending.set(id, resolve));
}

worker.onmessage = ({ data }) => {
  if (data.type === 'progress') return showProgress(data);
  pending.get(data.id)?.(data);
  pending.delete(data.id);
};

function showProgress({ phase, done, total }) {
  const bar = $('progress');
  bar.hidden = false;
  if (total) {
    bar.max = total;
    bar.value = done;
  } else {
    bar.removeAttribute('value');
  }
  $('progress-label').textContent = total ? `${phase}: ${format(done)} of ${format(total)}` : `${phase}: ${format(done)}`;
}

function hideProgress() {
  $('progress').hidden = true;
  $('progress-label').textContent = '';
}

const format = (n) => Number(n).toLocaleString('en');

function setStatus(text, kind = 'info') {
  const status = $('status');
  status.textContent = text;
  status.dataset.kind = kind;
}

/** After a successful load: fill the department menu and query. */
function loaded(result, label, keepRange = false) {
  hideProgress();
  if (result.type === 'failed') {
    setStatus(result.message, 'error');
    showRaw(result.body ?? { error: result.message }, result.status);
    return false;
  }
  fillDepartments(result.departments);
  document.body.dataset.loads = String(Number(document.body.dataset.loads ?? 0) + 1);
  if (result.range && !keepRange) {
    $('start').value = result.range.start;
    $('end').value = result.range.end;
  }
  const memory = result.memoryBytes >= 1e6 ? `${(result.memoryBytes / 1e6).toFixed(1)} MB` : `${Math.ceil(result.memoryBytes / 1e3)} kB`;
  const wire = result.wire ? ` ${format(Math.round(result.wire.perRoom))} bytes per room over the wire (${format(result.wire.requests)} requests).` : '';
  setStatus(`${label}: ${format(result.size)} rooms loaded (${memory} in the index).${wire}`, 'ok');
  document.body.dataset.loaded = 'true';
  update();
  return true;
}

/** The server's time zone (IANA name), as typed; UTC when empty. */
const timeZone = () => $('time-zone').value.trim() || 'UTC';

const clock = (date = new Date()) => date.toLocaleTimeString('en-GB');

function fillDepartments(departments) {
  const menu = $('department');
  const current = menu.value;
  const name = (d) => String(d.name ?? 'undefined');
  menu.replaceChildren(new Option('All departments', ''));
  for (const d of [...departments].sort((a, b) => name(a).localeCompare(name(b), 'en', { numeric: true }))) menu.append(new Option(name(d), d._id));
  menu.value = [...menu.options].some((o) => o.value === current) ? current : '';
}

function params() {
  const p = { start: $('start').value, end: $('end').value };
  if ($('department').value) p.departmentId = $('department').value;
  return p;
}

async function update() {
  const id = ++latestQuery;
  const result = await ask({ type: 'query', params: params() });
  if (id !== latestQuery || result.type !== 'body') return;
  render(result.body, result.ms);
}

function render(body, ms) {
  showRaw(body, body.success ? 200 : 400);
  $('timing').textContent = ms === undefined ? '' : `computed in ${ms < 1 ? `${(ms * 1000).toFixed(0)} µs` : `${ms.toFixed(1)} ms`}`;
  const error = $('error');
  if (!body.success) {
    error.hidden = false;
    error.textContent = body.error;
    drawChart([]);
    fillTable([]);
    return;
  }
  error.hidden = true;
  const rows = Object.entries(body).filter(([key, value]) => key !== 'success' && value !== true);
  drawChart(rows);
  fillTable(rows);
}

function showRaw(body, status) {
  $('raw').textContent = `HTTP ${status ?? ''}\n${JSON.stringify(body, null, 2)}`;
}

function drawChart(rows) {
  const labels = rows.map(([name]) => name);
  const open = rows.map(([, c]) => c.open);
  const closed = rows.map(([, c]) => c.closed);
  $('empty').hidden = rows.length > 0;
  if (!chart) {
    chart = new Chart($('chart'), {
      type: 'bar',
      data: {
        labels,
        datasets: [
          { label: 'Open', data: open, backgroundColor: '#1d74f5', borderRadius: 4 },
          { label: 'Closed', data: closed, backgroundColor: '#9ea2a8', borderRadius: 4 },
        ],
      },
      options: {
        animation: false,
        maintainAspectRatio: false,
        responsive: true,
        scales: { x: { stacked: true, ticks: { autoSkip: false, maxRotation: 45 } }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } },
        plugins: { legend: { position: 'top' }, tooltip: { mode: 'index', intersect: false } },
      },
    });
    return;
  }
  chart.data.labels = labels;
  chart.data.datasets[0].data = open;
  chart.data.datasets[1].data = closed;
  chart.update('none');
}

function fillTable(rows) {
  const tbody = $('table').tBodies[0];
  tbody.replaceChildren(...rows.map(([name, c]) => {
    const tr = document.createElement('tr');
    for (const text of [name, format(c.open), format(c.closed), format(c.open + c.closed)]) tr.insertCell().textContent = text;
    return tr;
  }));
  const open = rows.reduce((s, [, c]) => s + c.open, 0);
  const closed = rows.reduce((s, [, c]) => s + c.closed, 0);
  const foot = $('table').tFoot.rows[0].cells;
  foot[1].textContent = format(open);
  foot[2].textContent = format(closed);
  foot[3].textContent = format(open + closed);
  $('total-open').textContent = format(open);
  $('total-closed').textContent = format(closed);
  $('total-all').textContent = format(open + closed);
}

// Dates. The pickers and quick ranges give whole days in the server's time
// zone, sent as UTC instants (…T03:00:00.000Z for a Sao_Paulo midnight), as
// Rocket.Chat's own page does for the browser's day. The worker converts,
// with the library's Date.parse in that zone.
async function setDays(startDate, endDate) {
  const bounds = await ask({ type: 'day-bounds', start: startDate, end: endDate, timeZone: timeZone() });
  if (bounds.type !== 'bounds') return setStatus(bounds.message, 'error');
  if (bounds.start) $('start').value = bounds.start;
  if (bounds.end) $('end').value = bounds.end;
  if (startDate) $('start-picker').value = startDate;
  if (endDate) $('end-picker').value = endDate;
  update();
}

/** Today's date (YYYY-MM-DD) in the server's zone. */
function today() {
  return new Intl.DateTimeFormat('en-CA', { timeZone: timeZone(), year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
}

const addDays = (date, days) => new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

$('start-picker').addEventListener('change', (e) => e.target.value && setDays(e.target.value, null));
$('end-picker').addEventListener('change', (e) => e.target.value && setDays(null, e.target.value));
for (const id of ['start', 'end', 'department']) $(id).addEventListener('input', update);
// A <select> changed by WebDriver in Chromium fires `change` without `input`.
$('department').addEventListener('change', update);
for (const button of document.querySelectorAll('[data-days]')) {
  // "Last 7 days": today and the six days before, in the server's zone.
  button.addEventListener('click', () => {
    const end = today();
    setDays(addDays(end, 1 - Number(button.dataset.days)), end);
  });
}

// The server's time zone: everything loaded is read again in the new zone
// (room dates without an offset depend on it, like the parameters).
const zones = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
$('zones').replaceChildren(...['UTC', ...zones].map((z) => new Option(z)));
$('time-zone').addEventListener('change', () => {
  const field = $('time-zone');
  try {
    new Intl.DateTimeFormat('en', { timeZone: timeZone() });
  } catch {
    field.setAttribute('aria-invalid', 'true');
    return setStatus(`"${field.value}" is not a time zone this browser knows (an IANA name such as UTC or America/Sao_Paulo).`, 'error');
  }
  field.removeAttribute('aria-invalid');
  if (source) load(source, { keepRange: true });
});

// Sources.
for (const tab of document.querySelectorAll('[role=tab]')) {
  tab.addEventListener('click', () => {
    for (const other of document.querySelectorAll('[role=tab]')) other.setAttribute('aria-selected', String(other === tab));
    for (const panel of document.querySelectorAll('[role=tabpanel]')) panel.hidden = panel.id !== tab.getAttribute('aria-controls');
  });
}

function setLiveControls(enabled) {
  for (const id of ['refresh-now', 'reload-all', 'compare-server']) $(id).disabled = !enabled;
}

/** Loads a source (`{kind: 'sample' | 'files' | 'server', …}`) in the current time zone. */
async function load(next, { keepRange = false } = {}) {
  clearTimeout(refreshTimer);
  busy = true;
  setLiveControls(false);
  $('compare').hidden = true;
  const zone = timeZone();
  let result;
  if (next.kind === 'sample') {
    setStatus('Loading the bundled sample…');
    result = await ask({ type: 'sample', base: new URL('./sample/', location.href).href, timeZone: zone });
  } else if (next.kind === 'files') {
    setStatus(`Reading ${next.rooms.name}…`);
    result = await ask({ type: 'files', rooms: next.rooms, departments: next.departments ?? null, timeZone: zone });
  } else {
    setStatus(`Connecting to ${next.server.url}…`);
    result = await ask({ type: 'server', server: next.server, timeZone: zone });
  }
  busy = false;
  const label = next.kind === 'sample' ? 'Sample' : next.kind === 'files' ? next.rooms.name : next.server.url;
  const ok = loaded(result, label, keepRange);
  if (ok) source = next;
  server = ok && next.kind === 'server' ? next.server : null;
  setLiveControls(Boolean(server));
  $('live').textContent = server ? `Updated at ${clock()}.` : '';
  delete $('live').dataset.kind;
  scheduleRefresh();
  return ok;
}

// Live refresh: only what changed since the last refresh (see sync.js).
function scheduleRefresh() {
  clearTimeout(refreshTimer);
  const seconds = Number($('refresh-every').value);
  if (server && seconds > 0) refreshTimer = setTimeout(refresh, seconds * 1000);
}

let lastGood = null;
async function refresh() {
  clearTimeout(refreshTimer);
  if (!server || busy) return scheduleRefresh();
  busy = true;
  const result = await ask({ type: 'refresh' });
  busy = false;
  hideProgress();
  const live = $('live');
  if (result.type === 'refreshed') {
    lastGood = new Date();
    const removed = result.removed ? `, ${format(result.removed)} deleted rooms removed` : '';
    live.textContent = `Updated at ${clock(lastGood)}: ${format(result.changed)} changed rooms (${format(result.bytes)} bytes read)${removed}; ${format(result.size)} rooms held.`;
    delete live.dataset.kind;
    fillDepartments(result.departments);
    update();
  } else {
    live.dataset.kind = 'error';
    const since = lastGood ? `as of ${clock(lastGood)}` : 'as loaded';
    live.textContent = `Refresh failed at ${clock()}: ${result.message}. The chart shows the data ${since}.`;
  }
  document.body.dataset.refreshes = String(Number(document.body.dataset.refreshes ?? 0) + 1);
  scheduleRefresh();
}

$('refresh-every').addEventListener('change', scheduleRefresh);
$('refresh-now').addEventListener('click', refresh);
$('reload-all').addEventListener('click', () => source && load(source, { keepRange: true }));

$('load-sample').addEventListener('click', () => load({ kind: 'sample' }));
function loadFiles(rooms, departments) {
  if (!rooms) return setStatus('Pick a rooms file first.', 'error');
  return load({ kind: 'files', rooms, departments });
}
$('file-form').addEventListener('submit', (e) => {
  e.preventDefault();
  loadFiles($('rooms-file').files[0], $('departments-file').files[0]);
});
const drop = $('drop');
drop.addEventListener('dragover', (e) => {
  e.preventDefault();
  drop.dataset.over = 'true';
});
drop.addEventListener('dragleave', () => delete drop.dataset.over);
drop.addEventListener('drop', (e) => {
  e.preventDefault();
  delete drop.dataset.over;
  const files = [...e.dataTransfer.files];
  const deps = files.find((f) => /department/i.test(f.name));
  loadFiles(files.find((f) => f !== deps), deps);
});

$('server-form').addEventListener('submit', (e) => {
  e.preventDefault();
  const candidate = { url: $('server-url').value.trim(), userId: $('server-user').value.trim(), token: $('server-token').value.trim(), fields: $('server-fields').checked };
  load({ kind: 'server', server: candidate });
});

// Comparison with the server's own chart. The server caches each body for
// 5 s and may read a secondary, so a difference is only reported after
// waiting past that and refreshing.
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const canonical = (body) => JSON.stringify(Object.entries(body).sort(([a], [b]) => (a < b ? -1 : 1)));

async function bothBodies(p) {
  const theirs = await ask({ type: 'server-chart', server, params: p });
  const ours = await ask({ type: 'query', params: p });
  return { ours, theirs };
}

$('compare-server').addEventListener('click', async () => {
  if (!server) return;
  const out = $('compare');
  out.hidden = false;
  delete out.dataset.kind;
  out.textContent = 'Asking the server…';
  const p = params();
  let { ours, theirs } = await bothBodies(p);
  if (theirs.type === 'server-body' && canonical(ours.body) !== canonical(theirs.body)) {
    out.textContent = 'The numbers differ; waiting past the server\'s 5 s cache and refreshing before concluding…';
    await sleep(5500);
    await refresh();
    ({ ours, theirs } = await bothBodies(p));
  }
  if (theirs.type !== 'server-body') {
    out.dataset.kind = 'error';
    out.textContent = `The server could not be asked: ${theirs.message}`;
    return;
  }
  if (canonical(ours.body) === canonical(theirs.body)) {
    out.dataset.kind = 'ok';
    out.textContent = `The server agrees (HTTP ${theirs.status}).`;
    return;
  }
  out.dataset.kind = 'error';
  out.replaceChildren(`The server answers differently (HTTP ${theirs.status}):`, differenceTable(ours.body, theirs.body), likelyCauses(theirs));
});

/** Per department: here, on the server, and the difference. */
function differenceTable(ours, theirs) {
  const table = document.createElement('table');
  table.id = 'compare-table';
  table.createTHead().insertRow().append(...['Department', 'Here (open / closed)', 'Server (open / closed)', 'Difference'].map((t) => Object.assign(document.createElement('th'), { scope: 'col', textContent: t })));
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
  if (theirs.status === 403) causes.unshift('The user may not read the chart (HTTP 403).');
  list.replaceChildren(...causes.map((c) => Object.assign(document.createElement('li'), { textContent: c })));
  return list;
}

// Started with a proxy (`bash scripts/start.sh --proxy URL`), this page's
// own /api/ reaches the server: no CORS setting needed on it.
fetch(new URL('./__proxy', location.href)).then((r) => (r.ok ? r.json() : null)).then((proxy) => {
  if (!proxy?.target) return;
  $('server-url').value = new URL('./', location.href).href;
  const note = $('proxy-note');
  note.hidden = false;
  note.textContent = `This page's /api/ is proxied to ${proxy.target}: use this page's own address as the server URL.`;
}).catch(() => {});

load({ kind: 'sample' });
