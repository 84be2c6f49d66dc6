// Generates the bundled sample: a deterministic year of livechat rooms over
// ten departments, shaped like GET /api/v1/livechat/rooms pages, plus the
// departments list. Same seed, same bytes, on every machine.
//
//   node www/sample/generate.mjs [rooms=40000] [outDir=www/sample]
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const count = Number(process.argv[2] ?? 40_000);
const outDir = process.argv[3] ?? new URL('../public/sample/', import.meta.url).pathname;

let seed = 20201;
const random = () => {
  seed = (seed + 0x6d2b79f5) >>> 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

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
const totalWeight = DEPARTMENTS.reduce((s, d) => s + d.weight, 0);
const pickDepartment = () => {
  let x = random() * totalWeight;
  for (const d of DEPARTMENTS) if ((x -= d.weight) < 0) return d;
  return DEPARTMENTS[0];
};

const YEAR_START = Date.UTC(2025, 10, 1);
const YEAR_MS = 365 * 86_400_000;
const NOW = YEAR_START + YEAR_MS;
const hex = (n) => Math.floor(random() * 16 ** n).toString(16).padStart(n, '0');

const rooms = [];
for (let i = 0; i < count; i++) {
  // Busier on weekdays and office hours: bias the hour of day.
  let ts = YEAR_START + Math.floor(random() * YEAR_MS);
  const hour = new Date(ts).getUTCHours();
  if ((hour < 8 || hour > 20) && random() < 0.6) ts += 10 * 3_600_000;
  ts = Math.min(ts, NOW - 1);
  const dep = random() < 0.03 ? null : pickDepartment();
  const age = NOW - ts;
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
  rooms.push(room);
}

const departments = DEPARTMENTS.map(({ _id, name }) => ({ _id, name, enabled: true, showOnRegistration: true, numAgents: 5, type: 'd' }));
mkdirSync(outDir, { recursive: true });
writeFileSync(join(outDir, 'rooms.json'), JSON.stringify({ rooms, count: rooms.length, offset: 0, total: rooms.length, success: true }));
writeFileSync(join(outDir, 'departments.json'), JSON.stringify({ departments, count: departments.length, offset: 0, total: departments.length, success: true }));
writeFileSync(join(outDir, 'range.json'), JSON.stringify({ start: new Date(YEAR_START).toISOString(), end: new Date(NOW).toISOString() }));
console.log(`sample: ${rooms.length} rooms, ${departments.length} departments -> ${outDir}`);
