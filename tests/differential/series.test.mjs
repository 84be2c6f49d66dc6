// `index.series` against the server: every bucket's body equals what the
// server's own pipelines (mingo, tests/differential/server_oracle.mjs) give
// for that bucket's bounds as ISO strings; the buckets tile the requested
// range as the server reads it in the zone (Node's own Date.parse with
// TZ set to that zone), and every inner boundary is a local
// midnight of the zone (Intl), Mondays for weeks. Six zones, around their
// 2026 transitions, parameters without an offset.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ChatIndex } from '../../pkg/node.mjs';
import { rng, pad } from './random.mjs';
import { serverBody, sameBody } from './server_oracle.mjs';

const ZONES = ['UTC', 'America/Sao_Paulo', 'Asia/Kolkata', 'Australia/Lord_Howe', 'America/St_Johns', 'Pacific/Chatham'];
const CASES = Number(process.env.SERIES_CASES ?? 60);
const DEPARTMENTS = [{ _id: 'd0', name: 'Sales' }, { _id: 'd1', name: 'Support' }, { _id: 'd2', name: 'Sales' }];
const T0 = Date.UTC(2026, 2, 1);
const SPAN = 250 * 86_400_000;

/** A zone's calendar date and weekday of an instant, by the engine's Intl. */
function local(ms, timeZone) {
  const parts = Object.fromEntries(new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', weekday: 'short', hourCycle: 'h23' }).formatToParts(new Date(ms)).map((p) => [p.type, p.value]));
  return { date: `${parts.year}-${parts.month}-${parts.day}`, weekday: parts.weekday };
}

/** `read()` with this process's zone set to `timeZone` (Node re-reads TZ when it changes). */
function inZone(timeZone, read) {
  const saved = process.env.TZ;
  process.env.TZ = timeZone;
  try {
    return read();
  } finally {
    if (saved === undefined) delete process.env.TZ;
    else process.env.TZ = saved;
  }
}

/** Zone-less date-time text, read in the index's zone. */
function zoneless(ms) {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1, 2)}-${pad(d.getUTCDate(), 2)}T${pad(d.getUTCHours(), 2)}:${pad(d.getUTCMinutes(), 2)}`;
}

for (const timeZone of ZONES) {
  test(`series in ${timeZone}: each bucket is the server's chart for its bounds; buckets tile the range at local midnights`, () => {
    const r = rng(7 + ZONES.indexOf(timeZone));
    let buckets = 0;
    for (let n = 0; n < CASES; n++) {
      const rooms = Array.from({ length: r.int(0, 250) }, (_, i) => {
        const room = { _id: `r${i}`, t: r.chance(0.9) ? 'l' : 'd', ts: new Date(T0 + Math.floor(r.next() * SPAN)) };
        if (r.chance(0.3)) room.open = true;
        if (r.chance(0.9)) room.departmentId = r.pick(['d0', 'd1', 'd2', 'gone']);
        return room;
      });
      const a = T0 + Math.floor(r.next() * SPAN);
      const b = Math.min(T0 + SPAN, a + r.int(1, r.chance(0.5) ? 10 : 120) * 86_400_000 + r.int(0, 86_400_000));
      const params = { start: zoneless(a), end: zoneless(b) };
      if (r.chance(0.3)) params.departmentId = r.pick(['d0', 'd1', 'gone', '']);
      const bucket = r.chance(0.4) ? 'week' : 'day';
      const index = new ChatIndex(DEPARTMENTS, { timeZone });
      index.add(rooms.map((room) => ({ ...room, ts: room.ts.toISOString() })));
      const series = index.series(params, { bucket });
      const expected = index.query(params);
      assert.equal(series.success, true, JSON.stringify(series));
      assert.equal(expected.success, true);
      const startMs = series.buckets[0].startMs;
      const endMs = series.buckets.at(-1).endMs;
      assert.deepEqual([startMs, endMs], inZone(timeZone, () => [Date.parse(params.start), Date.parse(params.end)]), `case ${n}: the range as V8 reads it under TZ=${timeZone}`);
      // The whole range as the library reads it in the zone: the bounds the query itself counts.
      assert.deepEqual(index.query({ ...params, start: new Date(startMs).toISOString(), end: new Date(endMs).toISOString() }), expected, `case ${n}: the buckets span the query's range`);
      series.buckets.forEach((bk, k) => {
        assert.equal(bk.start, new Date(bk.startMs).toISOString());
        if (k > 0) {
          assert.equal(bk.startMs, series.buckets[k - 1].endMs + 1, `case ${n}: buckets touch`);
          const day = local(bk.startMs, timeZone);
          assert.equal(local(bk.startMs - 1, timeZone).date !== day.date, true, `case ${n}: ${bk.start} begins a local day in ${timeZone}`);
          if (bucket === 'week') assert.equal(day.weekday, 'Mon', `case ${n}: ${bk.start} is a Monday in ${timeZone}`);
        }
        const oracle = serverBody(rooms, DEPARTMENTS, { start: bk.start, end: bk.end, ...(params.departmentId !== undefined ? { departmentId: params.departmentId } : {}) });
        assert.ok(sameBody(bk.body, oracle), `case ${n}, ${bucket} ${bk.start}: ${JSON.stringify(bk.body)} vs the server's ${JSON.stringify(oracle)}`);
        buckets++;
      });
      index.free();
    }
    console.log(`# ${timeZone}: ${buckets} buckets, each equal to the server's chart for its bounds`);
    assert.ok(buckets > CASES * 3);
  });
}
