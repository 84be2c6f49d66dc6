// A zone's UTC offset (ms) at given instants, from the running engine's
// own Intl time-zone data (in the page: the engine's; in Node: V8's ICU).
export function intlOffsets(zone, instants) {
  const format = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' });
  return instants.map((t) => {
    const name = format.formatToParts(new Date(t)).find((p) => p.type === 'timeZoneName').value;
    const m = /GMT(?:([+-])(\d\d):(\d\d)(?::(\d\d))?)?/.exec(name);
    return m[1] ? (m[1] === '-' ? -1 : 1) * ((Number(m[2]) * 60 + Number(m[3])) * 60 + Number(m[4] ?? 0)) * 1000 : 0;
  });
}
