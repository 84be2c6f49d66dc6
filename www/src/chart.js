// Drawing with Chart.js: per department (horizontal bars, so long names
// read and the chart grows with the departments, not sideways) or over time
// (a bar per day or week, stacked by department).
import { Chart, BarController, BarElement, CategoryScale, LinearScale, Legend, Tooltip } from 'chart.js';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Legend, Tooltip);

/** Dark enough for white text and for bars on white (WCAG AA, ≥ 4.5:1). */
export const BLUE = '#1565d8';
const GREY = '#8e939a';
const PREVIOUS = '#c9ccd1';
/** Colours of departments over time (the rest go into "Other departments"). */
const SERIES_COLOURS = ['#1565d8', '#f38c39', '#2de0a5', '#d40c26', '#9c27b0', '#158d65', '#ffc02a', '#6c727a'];
const MAX_SERIES = SERIES_COLOURS.length - 1;

let chart = null;

/** The server's key for an unknown department, as a manager reads it. */
const label = (name) => (name === 'undefined' ? 'No department' : name);
const UNDEFINED_WHY = 'The server\'s body calls these "undefined": rooms whose department is unknown here.';

/** Ink and grid for the page's theme (light or dark, as the browser asks). */
const dark = () => typeof matchMedia === 'function' && matchMedia('(prefers-color-scheme: dark)').matches;
function theme() {
  return dark() ? { ink: '#d8dde3', grid: '#3a4048', closed: '#9aa1aa', previous: '#59606a' } : { ink: '#3d434a', grid: '#e4e7ea', closed: GREY, previous: PREVIOUS };
}
if (typeof matchMedia === 'function') {
  // A theme change redraws the chart in the other ink.
  matchMedia('(prefers-color-scheme: dark)').addEventListener?.('change', () => {
    if (!chart) return;
    const kind = chart.$kind;
    const { data } = chart;
    chart.destroy();
    chart = null;
    const canvas = document.getElementById('chart');
    const c = ensure(canvas, kind);
    c.data = data;
    recolour(c);
    c.update('none');
  });
}
function recolour(c) {
  const t = theme();
  for (const set of c.data.datasets) {
    if (set.label === 'Closed') set.backgroundColor = t.closed;
    if (set.label === 'Previous period (total)') set.backgroundColor = t.previous;
  }
}

/** Text no wider than `pixels` at the chart's font (about 6.5 px a character), and at least `least` characters. */
const fit = (text, pixels, least = 8) => {
  const max = Math.max(least, Math.floor(pixels / 6.5));
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
};

/** Shortens a label to at most 40% of the chart's width; the tooltip has it whole. */
const shorten = (label, width) => fit(label, width * 0.4, 12);

function ensure(canvas, type) {
  if (chart && chart.$kind === type) return chart;
  chart?.destroy();
  const t = theme();
  Chart.defaults.color = t.ink;
  Chart.defaults.borderColor = t.grid;
  chart = new Chart(canvas, {
    type: 'bar',
    data: { labels: [], datasets: [] },
    options: {
      animation: false,
      maintainAspectRatio: false,
      responsive: true,
      indexAxis: type === 'departments' ? 'y' : 'x',
      scales: type === 'departments'
        ? {
          x: { stacked: true, beginAtZero: true, ticks: { precision: 0 } },
          y: { stacked: true, ticks: { autoSkip: false, callback(value) { return shorten(this.getLabelForValue(value), this.chart.width); } } },
        }
        : { x: { stacked: true, ticks: { maxRotation: 0, autoSkipPadding: 12 } }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } },
      plugins: {
        // Legend entries no wider than the chart: never clipped at its edges.
        legend: {
          position: 'top',
          labels: {
            generateLabels(c) {
              const items = Chart.defaults.plugins.legend.labels.generateLabels(c);
              for (const item of items) item.text = fit(item.text, c.width - 60);
              return items;
            },
          },
        },
        // Tooltips stay inside the chart (and so the viewport): long names
        // are shortened to its width; the table has them whole.
        tooltip: {
          mode: 'index',
          intersect: false,
          callbacks: {
            title(items) {
              return items.map((item) => fit(item.label, item.chart.width - 40));
            },
            label(item) {
              return fit(`${item.dataset.label}: ${item.formattedValue}`, item.chart.width - 60);
            },
            footer(items) {
              return items.some((item) => item.label === 'No department' || item.dataset.label === 'No department') ? fit(UNDEFINED_WHY, items[0].chart.width - 40) : '';
            },
          },
        },
      },
    },
  });
  chart.$kind = type;
  return chart;
}

/**
 * Per department: open and closed stacked, the previous period beside them.
 * `rows`: [{ name, open, closed, previous? }], already sorted.
 */
export function drawDepartments(canvas, rows, { previous = false } = {}) {
  const c = ensure(canvas, 'departments');
  const t = theme();
  c.data.labels = rows.map((r) => label(r.name));
  c.data.datasets = [
    { label: 'Open', data: rows.map((r) => r.open), backgroundColor: BLUE, stack: 'now', borderRadius: 3 },
    { label: 'Closed', data: rows.map((r) => r.closed), backgroundColor: t.closed, stack: 'now', borderRadius: 3 },
  ];
  if (previous) c.data.datasets.push({ label: 'Previous period (total)', data: rows.map((r) => r.previous ?? 0), backgroundColor: t.previous, stack: 'previous', borderRadius: 3 });
  c.update('none');
}

/**
 * Over time: one stacked bar per bucket, a colour per department (the
 * busiest first; the rest as "Other departments").
 * `series`: { labels: [bucket label], departments: [{ name, totals: [n per bucket] }] }.
 */
export function drawSeries(canvas, series) {
  const c = ensure(canvas, 'time');
  const busiest = [...series.departments].sort((a, b) => sum(b.totals) - sum(a.totals));
  const shown = busiest.length > MAX_SERIES + 1 ? busiest.slice(0, MAX_SERIES) : busiest;
  const rest = busiest.slice(shown.length);
  const datasets = shown.map((d, i) => ({ label: label(d.name), data: d.totals, backgroundColor: SERIES_COLOURS[i] }));
  if (rest.length) datasets.push({ label: `Other departments (${rest.length})`, data: series.labels.map((_, k) => sum(rest.map((d) => d.totals[k]))), backgroundColor: SERIES_COLOURS.at(-1) });
  c.data.labels = series.labels;
  c.data.datasets = datasets;
  c.update('none');
  // Chart.js gives a legend at most about half the chart's height and drops
  // the rows past it (long names on a phone, a row each): the box grows
  // until every row shows.
  const box = canvas.parentElement;
  for (let tries = 0; tries < 3 && legendShort(c) > 0; tries++) {
    box.style.height = `${box.clientHeight + 2 * legendShort(c) + 10}px`;
    c.resize();
    c.update('none');
  }
  canvas.dataset.legendClipped = String(legendShort(c) > 0);
}

/** How many pixels the legend's rows need beyond the height it was given. */
function legendShort(c) {
  const boxes = c.legend?.legendHitBoxes ?? [];
  if (!boxes.length) return 0;
  // After layout a hit box's top is the canvas's, not the legend's.
  const needed = Math.max(...boxes.map((b) => b.top + b.height)) - c.legend.top + c.legend.options.labels.padding;
  return Math.max(0, Math.ceil(needed - c.legend.height));
}

const sum = (list) => list.reduce((s, n) => s + n, 0);

/**
 * The chart as a PNG on the page's background, under a title: what it shows (`title`,
 * the period, zone and departments) and where from (`subtitle`, the
 * source and the time), so that the image says what it is on its own.
 */
export function chartPng(canvas, { title = '', subtitle = '' } = {}) {
  const scale = canvas.width / (canvas.clientWidth || canvas.width);
  const line = Math.round(20 * scale);
  const head = title || subtitle ? Math.round(line * 2.6) : 0;
  const out = document.createElement('canvas');
  out.width = canvas.width;
  out.height = canvas.height + head;
  const g = out.getContext('2d');
  // On the page's own background: the chart's ink is the theme's.
  const night = dark();
  g.fillStyle = night ? '#16191d' : '#fff';
  g.fillRect(0, 0, out.width, out.height);
  g.fillStyle = night ? '#e8ebee' : '#1f2329';
  g.textBaseline = 'top';
  g.font = `600 ${Math.round(15 * scale)}px system-ui, sans-serif`;
  if (title) g.fillText(title, Math.round(8 * scale), Math.round(6 * scale), out.width - 16 * scale);
  g.fillStyle = night ? '#aab1b9' : '#5f656d';
  g.font = `${Math.round(12 * scale)}px system-ui, sans-serif`;
  if (subtitle) g.fillText(subtitle, Math.round(8 * scale), Math.round(6 * scale) + line, out.width - 16 * scale);
  g.drawImage(canvas, 0, head);
  return new Promise((resolve) => out.toBlob(resolve, 'image/png'));
}
