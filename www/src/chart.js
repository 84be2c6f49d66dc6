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

/** Shortens a label to at most 40% of the chart's width; the tooltip has it whole. */
function shorten(label, width) {
  const max = Math.max(12, Math.floor((width * 0.4) / 6.5));
  return label.length > max ? `${label.slice(0, max - 1)}…` : label;
}

function ensure(canvas, type) {
  if (chart && chart.$kind === type) return chart;
  chart?.destroy();
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
      plugins: { legend: { position: 'top' }, tooltip: { mode: 'index', intersect: false } },
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
  c.data.labels = rows.map((r) => r.name);
  c.data.datasets = [
    { label: 'Open', data: rows.map((r) => r.open), backgroundColor: BLUE, stack: 'now', borderRadius: 3 },
    { label: 'Closed', data: rows.map((r) => r.closed), backgroundColor: GREY, stack: 'now', borderRadius: 3 },
  ];
  if (previous) c.data.datasets.push({ label: 'Previous period (total)', data: rows.map((r) => r.previous ?? 0), backgroundColor: PREVIOUS, stack: 'previous', borderRadius: 3 });
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
  const datasets = shown.map((d, i) => ({ label: d.name, data: d.totals, backgroundColor: SERIES_COLOURS[i] }));
  if (rest.length) datasets.push({ label: `Other departments (${rest.length})`, data: series.labels.map((_, k) => sum(rest.map((d) => d.totals[k]))), backgroundColor: SERIES_COLOURS.at(-1) });
  c.data.labels = series.labels;
  c.data.datasets = datasets;
  c.update('none');
}

const sum = (list) => list.reduce((s, n) => s + n, 0);

/** The chart as a PNG on white (the canvas itself is transparent). */
export function chartPng(canvas) {
  const out = document.createElement('canvas');
  out.width = canvas.width;
  out.height = canvas.height;
  const g = out.getContext('2d');
  g.fillStyle = '#fff';
  g.fillRect(0, 0, out.width, out.height);
  g.drawImage(canvas, 0, 0);
  return new Promise((resolve) => out.toBlob(resolve, 'image/png'));
}
