// Deterministic benchmark data: REST-shaped livechat rooms (~440 bytes of
// JSON each, like GET /api/v1/livechat/rooms), 20 departments, over a year.
//
//   node bench/data.mjs            -> bench/data/rooms-100k.json, rooms-1m.json, departments.json
import { mkdirSync, openSync, writeSync, closeSync, writeFileSync, existsSync, statSync } from 'node:fs';

export const DEPARTMENTS = Array.from({ length: 20 }, (_, i) => ({ _id: `department-${String(i).padStart(2, '0')}`, name: `Department ${i + 1}` }));
export const YEAR_START = Date.UTC(2025, 0, 1);
export const YEAR_MS = 365 * 86_400_000;

export function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ALPHABET = '23456789ABCDEFGHJKLMNPQRSTWXYZabcdefghijkmnopqrstuvwxyz';
const id = (random, n) => Array.from({ length: n }, () => ALPHABET[Math.floor(random() * ALPHABET.length)]).join('');

/** The `i`-th room's JSON text (no trailing comma). */
function room(random, i) {
  const ts = YEAR_START + Math.floor(random() * YEAR_MS);
  const dep = DEPARTMENTS[Math.floor(random() * random() * DEPARTMENTS.length)];
  const open = random() < 0.1;
  const iso = (ms) => new Date(ms).toISOString();
  const r = {
    _id: id(random, 17),
    fname: `Visitor ${i}`,
    t: 'l',
    ts: iso(ts),
    v: { _id: id(random, 17), username: `guest-${i}`, token: id(random, 12), status: 'offline' },
    departmentId: dep._id,
    servedBy: { _id: id(random, 17), username: `agent.${Math.floor(random() * 60)}`, ts: iso(ts + 5000) },
    msgs: Math.floor(random() * 40),
    lm: iso(ts + 600_000),
    _updatedAt: iso(ts + 700_000),
  };
  if (open) r.open = true;
  else {
    r.closedAt = iso(ts + 900_000);
    r.closer = 'user';
  }
  return JSON.stringify(r);
}

/** The rooms `writeRooms` writes, as JSON texts, `size` at a time. */
export function* roomTextChunks(count, size = 10_000, seed = 1) {
  const random = rng(seed);
  let chunk = [];
  for (let i = 0; i < count; i++) {
    chunk.push(room(random, i));
    if (chunk.length === size || i === count - 1) {
      yield chunk;
      chunk = [];
    }
  }
}

/** Writes `count` rooms as a REST page to `path`, streaming. */
export function writeRooms(path, count, seed = 1) {
  const fd = openSync(path, 'w');
  writeSync(fd, '{"rooms":[');
  let first = true;
  for (const chunk of roomTextChunks(count, 10_000, seed)) {
    writeSync(fd, (first ? '' : ',') + chunk.join(','));
    first = false;
  }
  writeSync(fd, `],"count":${count},"offset":0,"total":${count},"success":true}`);
  closeSync(fd);
}

export const dataDir = new URL('./data/', import.meta.url).pathname;
export const roomsPath = (count) => `${dataDir}rooms-${count >= 1e6 ? `${count / 1e6}m` : `${count / 1e3}k`}.json`;

/** Generates the data sets that are missing. */
export function ensureData(counts) {
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(`${dataDir}departments.json`, JSON.stringify({ departments: DEPARTMENTS }));
  for (const count of counts) {
    const path = roomsPath(count);
    if (!existsSync(path)) {
      writeRooms(path, count);
      console.log(`generated ${path}: ${(statSync(path).size / 1e6).toFixed(1)} MB (${(statSync(path).size / count).toFixed(0)} B/room)`);
    }
  }
}

if (import.meta.url === `file://${process.argv[1]}`) ensureData([100_000, 1_000_000]);
