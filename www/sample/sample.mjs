// The bundled sample: a deterministic year of livechat rooms over ten
// departments, shaped like GET /api/v1/livechat/rooms pages, plus the
// departments list. Same seed and same end, same bytes, in Node and in the
// page's worker: the page generates it in place (no 23 MB download before
// the first chart), scripts and tests write or recompute the same text.

/** The sample's departments (with a weight: how busy each one is). */
export const DEPARTMENTS = [
  { _id: 'dep-sales', name: 'Sales', weight: 9 },
  { _id: 'dep-support', name: 'Support', weight: 14 },
  { _id: 'dep-billing', name: 'Billing', weight: 5 },
  { _id: 'dep-onboarding', name: 'Onboarding', weight: 4 },
  { _id: 'dep-tech', name: 'Technical', weight: 8 },
  { _id: 'dep-returns', name: 'Returns', weight: 3 },
  { _id: 'dep-partners', name: 'Partners', weight: 2 },
  { _id: 'dep-vip', name: 'VIP', weight: 1 },
  { _id: 'dep-es', name: 'Soporte (ES)', weight: 4 },
  { _id: 'dep-pt', name: 'Suporte (PT)', weight: 3 },
];

/** Rooms in the sample unless told otherwise. */
export const SAMPLE_ROOMS = 40_000;
/** The end of the sample written to disk (the page's sample ends at the current hour). */
export const FIXED_END = Date.UTC(2026, 10, 1);
const YEAR_MS = 365 * 86_400_000;

/** The end the page uses: the start of the current UTC hour, so quick ranges find recent chats. */
export const currentHour = (now = Date.now()) => now - (now % 3_600_000);

/**
 * The sample's rooms, one object at a time: `count` rooms created in the
 * year before `end` (ms).
 *
 * @example
 * const first = sampleRooms({ count: 1, end: FIXED_END }).next().value;
 * first.t === 'l';
 */
export function* sampleRooms({ count = SAMPLE_ROOMS, end = FIXED_END } = {}) {
  let seed = 20201;
  const random = () => {
    seed = (seed + 0x6d2b79f5) >>> 0;
    let t = seed;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const totalWeight = DEPARTMENTS.reduce((s, d) => s + d.weight, 0);
  const pickDepartment = () => {
    let x = random() * totalWeight;
    for (const d of DEPARTMENTS) if ((x -= d.weight) < 0) return d;
    return DEPARTMENTS[0];
  };
  const begin = end - YEAR_MS;
  const hex = (n) => Math.floor(random() * 16 ** n).toString(16).padStart(n, '0');
  for (let i = 0; i < count; i++) {
    // Busier on weekdays and office hours: bias the hour of day.
    let ts = begin + Math.floor(random() * YEAR_MS);
    const hour = new Date(ts).getUTCHours();
    if ((hour < 8 || hour > 20) && random() < 0.6) ts += 10 * 3_600_000;
    ts = Math.min(ts, end - 1);
    const dep = random() < 0.03 ? null : pickDepartment();
    const age = end - ts;
    const room = {
      _id: `${hex(8)}${hex(9)}`,
      msgs: Math.floor(random() * 60),
      usersCount: 2,
      lm: new Date(ts + Math.floor(random() * 3_600_000)).toISOString(),
      fname: `Visitor ${i}`,
      t: 'l',
      ts: new Date(ts).toISOString(),
      v: { _id: hex(12), username: `guest-${i}`, token: hex(16), status: 'online' },
      cl: false,
      source: { type: 'widget' },
      queuedAt: new Date(ts).toISOString(),
      _updatedAt: new Date(ts + 60_000).toISOString(),
    };
    if (dep) {
      room.departmentId = dep._id;
      room.department = { _id: dep._id, name: dep.name };
    } else if (random() < 0.5) {
      room.departmentId = null;
    }
    // Recent rooms are more likely still open; on hold and queued rooms are open.
    const stillOpen = random() < (age < 3 * 86_400_000 ? 0.7 : 0.04);
    if (stillOpen) {
      room.open = true;
      if (random() < 0.15) room.onHold = true;
      if (random() < 0.8) room.servedBy = { _id: hex(8), username: `agent${Math.floor(random() * 25)}`, ts: room.ts };
    } else {
      room.servedBy = { _id: hex(8), username: `agent${Math.floor(random() * 25)}`, ts: room.ts };
      room.closedAt = new Date(ts + Math.floor(random() * 7_200_000)).toISOString();
      room.closer = random() < 0.7 ? 'user' : 'visitor';
      if (random() < 0.01) room.open = false; // stale data: neither open nor closed
    }
    yield room;
  }
}

/**
 * The rooms as one REST page's JSON text, in pieces of about `pieceRooms`
 * rooms (the worker streams them into the index as they are made).
 *
 * @example
 * const text = [...roomsJson({ count: 2 })].join('');
 * JSON.parse(text).total === 2;
 */
export function* roomsJson({ count = SAMPLE_ROOMS, end = FIXED_END, pieceRooms = 2_000 } = {}) {
  let piece = '{"rooms":[';
  let n = 0;
  for (const room of sampleRooms({ count, end })) {
    piece += (n++ ? ',' : '') + JSON.stringify(room);
    if (n % pieceRooms === 0) {
      yield piece;
      piece = '';
    }
  }
  yield `${piece}],"count":${count},"offset":0,"total":${count},"success":true}`;
}

/** The departments list as the REST endpoint returns it. */
export function departmentsJson() {
  const departments = DEPARTMENTS.map(({ _id, name }) => ({ _id, name, enabled: true, showOnRegistration: true, numAgents: 5, type: 'd' }));
  return JSON.stringify({ departments, count: departments.length, offset: 0, total: departments.length, success: true });
}

/** The whole year the sample covers, as `start`/`end` parameters. */
export const sampleRange = (end = FIXED_END) => ({ start: new Date(end - YEAR_MS).toISOString(), end: new Date(end).toISOString() });
