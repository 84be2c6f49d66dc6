// The alternatives a dashboard developer would pick, each answering the
// chats-per-department question for a (start, end, departmentId) query.
// Every engine returns a Map name -> {open, closed}; `run.mjs` checks they
// all agree with this library before timing anything.

/** The rules a careful hand-written JS loop applies (dates already valid). */
export function jsChart(rooms, namesById, start, end, departmentId) {
  const result = new Map();
  for (const r of rooms) {
    if (r.t !== 'l' || r.departmentId === undefined) continue;
    const open = r.open === true;
    if (!open && r.open !== undefined) continue;
    if (departmentId && r.departmentId !== departmentId) continue;
    const ts = Date.parse(r.ts);
    if (!(ts >= start && ts <= end)) continue;
    const name = String(namesById.get(r.departmentId));
    let entry = result.get(name);
    if (!entry) result.set(name, (entry = { open: 0, closed: 0 }));
    if (open) entry.open++;
    else entry.closed++;
  }
  return result;
}

/** Column extraction a user would do once, for the typed-array loop and the engines. */
export function extractColumns(rooms) {
  const columns = emptyColumns(rooms.length);
  for (let i = 0; i < rooms.length; i++) putRoom(columns, i, rooms[i]);
  return columns;
}

/** Columns for `n` rooms, filled by `putRoom` (one page at a time, if need be). */
export function emptyColumns(n) {
  // state: 1 open, 2 closed, 0 neither
  return { ts: new Float64Array(n), state: new Uint8Array(n), dep: new Uint16Array(n), depIds: [], depIndex: new Map() };
}

/** Room `r`'s fields into row `i` of `columns`. */
export function putRoom({ ts, state, dep, depIds, depIndex }, i, r) {
  ts[i] = Date.parse(r.ts);
  state[i] = r.t !== 'l' || r.departmentId === undefined ? 0 : r.open === true ? 1 : r.open === undefined ? 2 : 0;
  let d = depIndex.get(r.departmentId);
  if (d === undefined) {
    d = depIds.length;
    depIds.push(r.departmentId);
    depIndex.set(r.departmentId, d);
  }
  dep[i] = d;
}

export function typedArrayChart({ ts, state, dep, depIds, depIndex }, namesById, start, end, departmentId) {
  const open = new Uint32Array(depIds.length);
  const closed = new Uint32Array(depIds.length);
  const only = onlyDepartment({ depIndex }, departmentId);
  for (let i = 0; i < ts.length; i++) {
    const s = state[i];
    if (s === 0 || ts[i] < start || ts[i] > end) continue;
    if (only !== -2 && dep[i] !== only) continue;
    if (s === 1) open[dep[i]]++;
    else closed[dep[i]]++;
  }
  const result = new Map();
  for (let d = 0; d < depIds.length; d++) {
    if (open[d] + closed[d] === 0) continue;
    const name = String(namesById.get(depIds[d]));
    const e = result.get(name) ?? { open: 0, closed: 0 };
    e.open += open[d];
    e.closed += closed[d];
    result.set(name, e);
  }
  return result;
}

/** crossfilter2: a dimension on ts, a group on department reducing open/closed counts. */
export function crossfilterEngine(crossfilter, columns, namesById) {
  const { ts, state, dep, depIds } = columns;
  const records = [];
  for (let i = 0; i < ts.length; i++) if (state[i] !== 0) records.push({ ts: ts[i], dep: dep[i], open: state[i] === 1 });
  const cf = crossfilter(records);
  const byTs = cf.dimension((r) => r.ts);
  const byDep = cf.dimension((r) => r.dep);
  const group = byDep.group().reduce(
    (p, r) => { if (r.open) p.open++; else p.closed++; return p; },
    (p, r) => { if (r.open) p.open--; else p.closed--; return p; },
    () => ({ open: 0, closed: 0 }),
  );
  return (start, end, departmentId) => {
    byTs.filterRange([start, end + 1]); // filterRange is half-open: [start, end]
    if (departmentId) byDep.filterExact(columns.depIndex.get(departmentId) ?? -1);
    else byDep.filterAll();
    const result = new Map();
    // A group ignores its own dimension's filter: apply the department filter here.
    for (const { key, value } of group.all()) {
      if (value.open + value.closed === 0) continue;
      if (departmentId && depIds[key] !== departmentId) continue;
      const name = String(namesById.get(depIds[key]));
      const e = result.get(name) ?? { open: 0, closed: 0 };
      e.open += value.open;
      e.closed += value.closed;
      result.set(name, e);
    }
    return result;
  };
}

/** The countable rooms only, as the column engines take them. */
export function countableColumns(columns) {
  const keep = [];
  for (let i = 0; i < columns.ts.length; i++) if (columns.state[i] !== 0) keep.push(i);
  return {
    ts: Float64Array.from(keep, (i) => columns.ts[i]),
    dep: Int32Array.from(keep, (i) => columns.dep[i]),
    open: Int32Array.from(keep, (i) => (columns.state[i] === 1 ? 1 : 0)),
  };
}

/** The department index a query filters on: -2 none, -1 unknown. */
export const onlyDepartment = (columns, departmentId) => (departmentId ? columns.depIndex.get(departmentId) ?? -1 : -2);

/** Rows of `{dep, open, n}` (grouped by department index) as a chart. */
export function chartFromRows(rows, columns, namesById) {
  const result = new Map();
  for (const { dep, open, n } of rows) {
    const name = String(namesById.get(columns.depIds[dep]));
    const e = result.get(name) ?? { open: 0, closed: 0 };
    e.open += open;
    e.closed += n - open;
    result.set(name, e);
  }
  return result;
}

/** The SQL both DuckDB runs (Node, browser) prepare. */
export const DUCKDB_QUERY = 'SELECT dep, sum(open)::INTEGER AS open, count(*)::INTEGER AS n FROM rooms WHERE ts BETWEEN ? AND ? AND (? = -2 OR dep = ?) GROUP BY dep';

/** Arquero: filter + groupby + count over the same columns. */
export function arqueroEngine(aq, columns, namesById) {
  const table = aq.table(countableColumns(columns));
  return (start, end, departmentId) => {
    const rows = table
      .params({ start, end, only: onlyDepartment(columns, departmentId) })
      .filter((d, $) => d.ts >= $.start && d.ts <= $.end && ($.only === -2 || d.dep === $.only))
      .groupby('dep')
      .rollup({ open: (d) => aq.op.sum(d.open), n: aq.op.count() })
      .objects();
    return chartFromRows(rows, columns, namesById);
  };
}

/** DuckDB-Wasm (Node's blocking bundle): the same query in SQL over the same rows. */
export function duckdbEngine(conn, arrow, columns, namesById) {
  // Arrow IPC bytes: independent of which apache-arrow build made the table.
  conn.query('DROP TABLE IF EXISTS rooms');
  conn.insertArrowFromIPCStream(arrow.tableToIPC(arrow.tableFromArrays(countableColumns(columns)), 'stream'), { name: 'rooms' });
  const statement = conn.prepare(DUCKDB_QUERY);
  return (start, end, departmentId) => {
    const only = onlyDepartment(columns, departmentId);
    return chartFromRows(statement.query(start, end, only, only).toArray().map((row) => row.toJSON()), columns, namesById);
  };
}

/** A body (object) as a Map, for comparison. */
export function bodyToMap(body) {
  return new Map(Object.entries(body).filter(([k]) => k !== 'success'));
}

export function sameChart(a, b) {
  const norm = (m) => JSON.stringify([...m].sort(([x], [y]) => (x < y ? -1 : 1)));
  return norm(a) === norm(b);
}

/** Deterministic random queries: 30-day-ish windows over the year, 30% filtered. */
export function queries(count, depIds, yearStart, yearMs) {
  let a = 99;
  const random = () => {
    a = (a * 1103515245 + 12345) & 0x7fffffff;
    return a / 0x7fffffff;
  };
  return Array.from({ length: count }, () => {
    const start = yearStart + Math.floor(random() * yearMs);
    const end = start + Math.floor(random() * 60 * 86_400_000);
    const departmentId = random() < 0.3 ? depIds[Math.floor(random() * depIds.length)] : undefined;
    return { start, end, departmentId, params: { start: new Date(start).toISOString(), end: new Date(end).toISOString(), ...(departmentId ? { departmentId } : {}) } };
  });
}

/**
 * `run` over `list` timed as a page's 5 µs timer allows: after `warmUp`
 * queries, the mean per query of each batch of `batch`, as `stats`.
 */
export function batchMeans(list, run, batch = 10, warmUp = 4000) {
  for (let i = 0; i < warmUp; i++) run(list[i]);
  const means = [];
  for (let at = 0; at + batch <= list.length; at += batch) {
    const t = performance.now();
    for (let i = at; i < at + batch; i++) run(list[i]);
    means.push((performance.now() - t) / batch);
  }
  return stats(means);
}

/** `countsInto`'s answer for `q`: its failure body, or the counts it wrote. */
export const countsAnswer = (index, counts, q) => index.countsInto(q.start, q.end, counts, q.departmentId) ?? Array.from(counts);

export function stats(samples) {
  const sorted = [...samples].sort((x, y) => x - y);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return { median: at(0.5), p99: at(0.99), n: sorted.length };
}
