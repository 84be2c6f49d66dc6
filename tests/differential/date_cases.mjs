// Generators of date strings: the ISO format and its near misses, V8's
// legacy forms, local times around daylight-saving transitions, range
// edges, and random token soup that exercises the legacy reader's corners.
import { pad } from './random.mjs';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const LONG_MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December', 'Sept', 'junk', 'mayo', 'DECEMBER'];
const DAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun', 'Thursday', 'mon,'];
const ZONES = ['Z', 'z', 'UTC', 'UT', 'GMT', 'EST', 'EDT', 'CST', 'CDT', 'MST', 'MDT', 'PST', 'PDT', 'gmt', 'utc', 'CET', 'BST', 'IST', 'zz'];
const SPACES = [' ', ' ', ' ', '  ', '\t', '\n', '\u00a0', '\u3000', '\u2003', '\ufeff', '\u2028', ',', ', ', '/', '_', '\u0000'];
const TOKENS = [':', '::', '-', '+', '.', ')', '(', '()', '(x(y)z)', 'T', 't', 'Z', 'am', 'PM', 'a.m.', 'AM', 'GMT', 'UTC', 'GMT+', 'GMT-', 'Sep', 'september', 'x', 'é', '😀', '@', '#', '[', '`', '~', '\u0000', ' ', '\u00a0', '/', ','];

/** Local (offset-less) times around DST transitions of the tested zones. */
const TRANSITIONS = [
  '2018-11-04T00:30', '2018-11-03T23:59:59', '2018-11-04T01:00', '2019-02-16T23:30', '2019-02-16T22:59:59.999', '2019-02-17T00:00',
  '2017-10-15T00:00', '2017-10-15T00:59:59.999', '1963-10-23T00:00', '1914-01-01T00:00', '1913-12-31T23:59', '1900-01-01T00:00',
  '2021-03-14T02:30', '2021-03-14T01:59', '2021-11-07T01:30', '2021-11-07T00:59:59', '1883-11-18T12:00', '1883-11-18T12:03:57',
  '2021-03-28T01:30', '2021-10-31T01:30', '1941-10-01T00:00', '1942-09-01T00:00', '1945-10-15T00:00', '1854-06-28T00:00',
  '2021-04-04T01:45', '2021-10-03T02:15', '2020-04-05T01:59', '1970-01-01T00:00', '1969-12-31T23:59:59.999',
  '+275760-09-12T23:59', '+275760-09-13T00:00', '+275760-09-13T05:29:59.999', '-271821-04-20T00:00', '-271821-04-19T23:00', '-271821-04-19T18:00',
];

const ISO_EDGES = [
  '+275760-09-13T00:00:00.000Z', '+275760-09-13T00:00:00.001Z', '-271821-04-20T00:00:00.000Z', '-271821-04-19T23:59:59.999Z',
  '+275760-09-13', '+275760-09-14', '-271821-04-20', '-271821-04-19', '-000000-01-01', '+000000-01-01', '0000-01-01T00:00Z',
  '2020-09-10T23:59:22.345Z', '2020-09-09T00:11:22.345Z', '2019-10-25T15:08:17.248Z', '2020-02-29', '2021-02-29', '2020-02-30',
  '2020-01-01T24:00', '2020-01-01T24:00:00.000Z', '2020-01-01T24:00:01Z', '2020-01-01T24:00:00.001Z', '2020-01-01T23:60Z',
  '2020-01-01T10:00+24:00', '2020-01-01T10:00+23:59', '2020-01-01T10:00+0530', '2020-01-01T10:00+05:3', '2020-01-01T10:00+5:30',
  '2020-01-01T10:00:00,5Z', '2020-01-01T10:00:00.Z', '2020-01-01t10:00z', '2020-01-01 T10:00', '2020-01-01T10', '2020-01-01T',
  '2020-1-1', '2020-01-1', '20200101', '202001', '+2020-01-01', '-2020-01-01', '+02020-01-01', '2020-01-01T10:00:00.1234567890123Z',
];

function isoString(r) {
  const year = r.chance(0.1) ? `${r.pick(['+', '-'])}${pad(r.int(0, 300000), 6)}` : pad(r.chance(0.8) ? r.int(1900, 2100) : r.int(0, 9999), 4);
  let s = year;
  const parts = r.int(0, 2);
  if (parts >= 1) s += `-${pad(r.chance(0.9) ? r.int(1, 12) : r.int(0, 13), 2)}`;
  if (parts >= 2) s += `-${pad(r.chance(0.9) ? r.int(1, 28) : r.int(0, 32), 2)}`;
  if (r.chance(0.7)) {
    s += r.pick(['T', 'T', 'T', 't', ' ']);
    s += `${pad(r.chance(0.95) ? r.int(0, 23) : r.int(0, 25), 2)}:${pad(r.chance(0.95) ? r.int(0, 59) : r.int(0, 61), 2)}`;
    if (r.chance(0.7)) s += `:${pad(r.chance(0.95) ? r.int(0, 59) : r.int(0, 61), 2)}`;
    if (r.chance(0.5)) s += `.${String(r.int(0, 999999999)).slice(0, r.int(1, 9)).padStart(r.int(1, 4), '0')}`;
    const zone = r.int(0, 4);
    if (zone === 1) s += r.pick(['Z', 'z']);
    if (zone === 2) s += `${r.pick(['+', '-'])}${pad(r.int(0, 24), 2)}:${pad(r.int(0, 60), 2)}`;
    if (zone === 3) s += `${r.pick(['+', '-'])}${pad(r.int(0, 24), 2)}${pad(r.int(0, 60), 2)}`;
  }
  return s;
}

function timeString(r) {
  let s = `${r.int(0, 25)}`;
  if (r.chance(0.9)) s += `:${pad(r.int(0, 61), r.pick([1, 2, 2]))}`;
  if (r.chance(0.6)) s += `:${pad(r.int(0, 61), 2)}`;
  if (r.chance(0.2)) s += `.${r.int(0, 9999)}`;
  if (r.chance(0.3)) s += r.pick([' AM', ' PM', 'am', 'pm', ' a.m.', ' p']);
  if (r.chance(0.4)) s += ` ${r.pick(ZONES)}`;
  if (r.chance(0.3)) s += `${r.pick(['+', '-', ' +', ' -'])}${r.pick([r.int(0, 14), pad(r.int(0, 1400), 4), r.int(0, 99999), `${pad(r.int(0, 23), 2)}:${pad(r.int(0, 59), 2)}`, ''])}`;
  if (r.chance(0.1)) s += ` (${r.pick(['Coordinated Universal Time', 'Brasilia Standard Time', 'India Standard Time', 'x(y)', ''])})`;
  return s;
}

function legacyString(r) {
  const year = r.pick([r.int(1900, 2100), r.int(0, 99), r.int(0, 300000), pad(r.int(0, 99), 2)]);
  const day = r.chance(0.9) ? r.int(1, 31) : r.int(0, 40);
  const month = r.int(1, 12);
  const monthName = r.chance(0.7) ? MONTHS[month - 1] : r.pick(LONG_MONTHS);
  const sp = () => r.pick(SPACES.slice(0, r.chance(0.9) ? 4 : SPACES.length));
  const forms = [
    () => `${monthName}${sp()}${day}${sp()}${year}`,
    () => `${day}${sp()}${monthName}${sp()}${year}`,
    () => `${r.pick(DAYS)}${sp()}${monthName}${sp()}${day}${sp()}${year}`,
    () => `${r.pick(DAYS)}, ${day} ${monthName} ${year}`,
    () => `${month}/${day}/${year}`,
    () => `${year}/${month}/${day}`,
    () => `${month}-${day}-${year}`,
    () => `${year}-${month}-${day}`,
    () => `${month}.${day}.${year}`,
    () => `${monthName}-${day}-${year}`,
    () => `${day}-${monthName}-${year}`,
    () => `${monthName} ${day}`,
    () => `${year} ${monthName} ${day}`,
    () => `${day}`,
  ];
  let s = r.pick(forms)();
  if (r.chance(0.6)) s += `${sp()}${timeString(r)}`;
  if (r.chance(0.1)) s = `${timeString(r)} ${s}`;
  return s;
}

function tokenSoup(r) {
  let s = '';
  const n = r.int(1, 9);
  for (let i = 0; i < n; i++) {
    s += r.chance(0.45) ? String(r.pick([r.int(0, 9), r.int(0, 99), pad(r.int(0, 99), 2), r.int(0, 2100), r.int(0, 99999999999), pad(r.int(0, 999), 4)])) : r.pick(TOKENS.concat(MONTHS, ZONES));
  }
  return s;
}

function mutate(r, s) {
  const at = r.int(0, s.length);
  const op = r.int(0, 2);
  const ch = r.pick(['0', '9', ':', '-', '+', '.', ' ', 'T', 'Z', 'a', '(', ')', '\u00a0', '\u0000', '/']);
  if (op === 0) return s.slice(0, at) + ch + s.slice(at);
  if (op === 1) return s.slice(0, at) + s.slice(at + 1);
  return s.slice(0, at) + ch + s.slice(at + 1);
}

/** One generated date string. */
export function dateString(r) {
  const kind = r.int(0, 99);
  if (kind < 3) return r.pick(ISO_EDGES);
  if (kind < 10) return r.pick(TRANSITIONS) + r.pick(['', '', ':00', ':00.000', 'Z', '.5']);
  if (kind < 40) return isoString(r);
  if (kind < 70) return legacyString(r);
  if (kind < 85) return tokenSoup(r);
  return mutate(r, r.chance(0.5) ? isoString(r) : legacyString(r));
}

export { ISO_EDGES, TRANSITIONS };
