// The view a manager bookmarks or shares: range, departments, zone, source,
// chart, bucket, sort and comparison, kept in the page's URL (never
// credentials: a server link names the server, the token stays behind).

/** What the page shows when the URL says nothing. */
export const DEFAULT_VIEW = Object.freeze({
  start: null, end: null, range: null, departments: [], timeZone: 'UTC', source: 'sample', server: '', file: '',
  chart: 'departments', bucket: 'day', sort: 'volume', compare: false,
});

/**
 * Quick ranges, kept relative: `range=7d` means the last 7 days as of
 * whenever the page looks (Grafana's `now-7d`), so a bookmark or a page
 * left open overnight rolls. The value is the number of whole days, in
 * the server's zone, ending today.
 */
export const RANGES = Object.freeze({ today: 1, '7d': 7, '30d': 30, '90d': 90, '365d': 365 });

const CHARTS = ['departments', 'time'];
const BUCKETS = ['day', 'week'];
const SORTS = ['volume', 'name'];
const SOURCES = ['sample', 'file', 'server'];

/**
 * The view a query string describes; unknown or bad values fall back to
 * the defaults.
 *
 * @example
 * viewFromSearch('?start=2026-01-01&dept=a&dept=b&chart=time').departments; // ['a', 'b']
 */
export function viewFromSearch(search) {
  const q = new URLSearchParams(search);
  const pick = (key, allowed) => (allowed.includes(q.get(key)) ? q.get(key) : DEFAULT_VIEW[key === 'tz' ? 'timeZone' : key]);
  return {
    start: q.has('start') ? q.get('start') : null,
    end: q.has('end') ? q.get('end') : null,
    range: Object.hasOwn(RANGES, q.get('range') ?? '') ? q.get('range') : null,
    departments: q.getAll('dept'),
    timeZone: q.get('tz') || DEFAULT_VIEW.timeZone,
    source: pick('source', SOURCES),
    server: q.get('server') ?? '',
    file: q.get('file') ?? '',
    chart: pick('chart', CHARTS),
    bucket: pick('bucket', BUCKETS),
    sort: pick('sort', SORTS),
    compare: q.get('compare') === '1',
  };
}

/**
 * The query string of a view: only what differs from the defaults, in a
 * fixed order, so equal views give equal URLs.
 *
 * @example
 * searchFromView({ ...DEFAULT_VIEW, sort: 'name' }); // '?sort=name'
 */
export function searchFromView(view) {
  const q = new URLSearchParams();
  if (view.source !== DEFAULT_VIEW.source) q.set('source', view.source);
  if (view.source === 'server' && view.server) q.set('server', view.server);
  if (view.source === 'file' && view.file) q.set('file', view.file);
  // A quick range is stored as itself: its dates follow the clock.
  if (view.range) q.set('range', view.range);
  else {
    if (view.start !== null) q.set('start', view.start);
    if (view.end !== null) q.set('end', view.end);
  }
  for (const id of view.departments) q.append('dept', id);
  if (view.timeZone !== DEFAULT_VIEW.timeZone) q.set('tz', view.timeZone);
  for (const key of ['chart', 'bucket', 'sort']) if (view[key] !== DEFAULT_VIEW[key]) q.set(key, view[key]);
  if (view.compare) q.set('compare', '1');
  const text = q.toString();
  return text ? `?${text}` : '';
}
