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
function loaded(result, label) {
  hideProgress();
  if (result.type === 'failed') {
    setStatus(result.message, 'error');
    showRaw(result.body ?? { error: result.message }, result.status);
    return false;
  }
  const menu = $('department');
  const current = menu.value;
  menu.replaceChildren(new Option('All departments', ''));
  for (const d of [...result.departments].sort((a, b) => a.name.localeCompare(b.name))) menu.append(new Option(d.name, d._id));
  menu.value = [...menu.options].some((o) => o.value === current) ? current : '';
  if (result.range) {
    $('start').value = result.range.start;
    $('end').value = result.range.end;
  }
  const memory = result.memoryBytes >= 1e6 ? `${(result.memoryBytes / 1e6).toFixed(1)} MB` : `${Math.ceil(result.memoryBytes / 1e3)} kB`;
  setStatus(`${label}: ${format(result.size)} rooms loaded (${memory} in the index).`, 'ok');
  document.body.dataset.loaded = 'true';
  update();
  return true;
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

// Date pickers write the server's ISO form into the text fields.
$('start-picker').addEventListener('change', (e) => {
  if (e.target.value) $('start').value = `${e.target.value}T00:00:00.000Z`;
  update();
});
$('end-picker').addEventListener('change', (e) => {
  if (e.target.value) $('end').value = `${e.target.value}T23:59:59.999Z`;
  update();
});
for (const id of ['start', 'end', 'department']) $(id).addEventListener('input', update);
for (const button of document.querySelectorAll('[data-days]')) {
  button.addEventListener('click', () => {
    const end = Date.parse($('end').value);
    const base = Number.isNaN(end) ? Date.now() : end;
    $('start').value = new Date(base - Number(button.dataset.days) * 86_400_000).toISOString();
    if (Number.isNaN(end)) $('end').value = new Date(base).toISOString();
    update();
  });
}

// Sources.
for (const tab of document.querySelectorAll('[role=tab]')) {
  tab.addEventListener('click', () => {
    for (const other of document.querySelectorAll('[role=tab]')) other.setAttribute('aria-selected', String(other === tab));
    for (const panel of document.querySelectorAll('[role=tabpanel]')) panel.hidden = panel.id !== tab.getAttribute('aria-controls');
  });
}

async function loadSample() {
  server = null;
  $('compare-server').disabled = true;
  setStatus('Loading the bundled sample…');
  loaded(await ask({ type: 'sample', base: new URL('./sample/', location.href).href }), 'Sample');
}

async function loadFiles(roomsFile, departmentsFile) {
  if (!roomsFile) return setStatus('Pick a rooms file first.', 'error');
  server = null;
  $('compare-server').disabled = true;
  setStatus(`Reading ${roomsFile.name}…`);
  loaded(await ask({ type: 'files', rooms: roomsFile, departments: departmentsFile ?? null }), roomsFile.name);
}

$('load-sample').addEventListener('click', loadSample);
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

$('server-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const candidate = { url: $('server-url').value.trim(), userId: $('server-user').value.trim(), token: $('server-token').value.trim() };
  setStatus(`Connecting to ${candidate.url}…`);
  const ok = loaded(await ask({ type: 'server', server: candidate }), candidate.url);
  server = ok ? candidate : null;
  $('compare-server').disabled = !ok;
});

$('compare-server').addEventListener('click', async () => {
  if (!server) return;
  const p = params();
  const [ours, theirs] = await Promise.all([ask({ type: 'query', params: p }), ask({ type: 'server-chart', server, params: p })]);
  const canonical = (body) => JSON.stringify(Object.entries(body).sort(([a], [b]) => (a < b ? -1 : 1)));
  const out = $('compare');
  out.hidden = false;
  if (theirs.type !== 'server-body') {
    out.dataset.kind = 'error';
    out.textContent = `The server could not be asked: ${theirs.message}`;
    return;
  }
  const same = canonical(ours.body) === canonical(theirs.body);
  out.dataset.kind = same ? 'ok' : 'error';
  out.textContent = same ? `The server agrees (HTTP ${theirs.status}).` : `The server answers differently (HTTP ${theirs.status}):\n${JSON.stringify(theirs.body, null, 2)}`;
});

loadSample();
