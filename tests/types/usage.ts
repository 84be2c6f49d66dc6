// Compile-only test of the published TypeScript surface: right calls must
// type-check and every `@ts-expect-error` line must really be an error
// (tsc fails on an unused `@ts-expect-error`).
import init, { ChatIndex, chatsPerDepartment, chatsPerDepartmentJson, dateParse, departmentEntries, initSync } from 'chats-per-department';
import type { Room, Department, ResponseBody, DepartmentCounts, ChatIndexError, SeriesBucket, FailureBody } from 'chats-per-department';

await init();

const rooms: Room[] = [{ t: 'l', open: true, departmentId: 'd1', ts: '2020-09-10T00:00:00Z', servedBy: { _id: 'a' } }];
const departments: Department[] = [{ _id: 'd1', name: 'Sales' }];

const body: ResponseBody = chatsPerDepartment(rooms, departments, { start: '2020-09-01', end: new Date() });
if (body.success) {
  for (const [name, { open, closed }] of departmentEntries(body)) console.log(name.length + open + closed);
  const sales = body['Sales'];
  if (sales !== true && sales !== undefined) {
    const counts: DepartmentCounts = sales;
    console.log(counts.open + counts.closed);
  }
} else {
  const message: string = body.error;
  const kind: 'invalid-params' | 'invalid-rooms' | 'invalid-departments' | undefined = body.errorType;
  console.log(message, kind);
}

chatsPerDepartment({ rooms }, null, { start: 'a', end: 'b', departmentId: null });
chatsPerDepartment('[]', new Uint8Array(), { start: 'a', end: 'b' });
const text: string = chatsPerDepartmentJson(new Uint8Array(), { departments }, { start: 'a', end: 'b' });
const ms: number = dateParse('Sep 10 2020');
console.log(text, ms);

// @ts-expect-error: end is required
chatsPerDepartment(rooms, departments, { start: '2020' });
// @ts-expect-error: a number is not a date parameter
chatsPerDepartment(rooms, departments, { start: 2020, end: '2021' });
// @ts-expect-error: rooms must be records, text or bytes
chatsPerDepartment(42, departments, { start: 'a', end: 'b' });
// @ts-expect-error: departments need an _id
chatsPerDepartment(rooms, [{ name: 'Sales' }], { start: 'a', end: 'b' });
// @ts-expect-error: a room's ts is a date form, not a boolean
chatsPerDepartment([{ t: 'l', ts: true }], null, { start: 'a', end: 'b' });
// @ts-expect-error: open counts must be narrowed before use (could be `true` for success)
const wrong: DepartmentCounts = (body as { success: true; [k: string]: DepartmentCounts | true })['x'];
// @ts-expect-error: error exists only on failures
console.log(chatsPerDepartment(rooms, departments, { start: 'a', end: 'b' }).error.length, wrong);

const index = new ChatIndex(departments);
const held: number = index.add(rooms) + index.size + index.memoryBytes;
const again: ResponseBody = index.query({ start: 'a', end: 'b' });
const viaStream: Promise<number> = index.addStream(new ReadableStream<Uint8Array>());
// A fetch body is typed `ReadableStream | null`; it is taken as given (null is refused at run time).
declare const response: Response;
const viaFetch: Promise<number> = index.addStream(response.body);
try { index.add('[]'); } catch (e) { const body = (e as ChatIndexError).body; console.log(body.error); }
console.log(held, again, viaStream, viaFetch, index.queryJson({ start: 'a', end: 'b' }));
const names: readonly string[] = index.chartNames();
const counts = new Float64Array(2 * names.length);
const countsFailure: FailureBody | null = index.countsInto(0, Date.now(), counts, 'd1');
console.log(countsFailure?.error, counts[0]);
// @ts-expect-error: the names are read-only
index.chartNames().push('x');
// @ts-expect-error: out is a Float64Array, not an array
index.countsInto(0, 1, [0, 0]);
// @ts-expect-error: query needs the parameters
index.query();
// @ts-expect-error: size is read-only
index.size = 3;
const saved: Uint8Array = index.toBytes();
const reopened: ChatIndex = ChatIndex.fromBytes(saved.buffer as ArrayBuffer, { timeZone: 'UTC' });
console.log(reopened.query({ start: 'a', end: 'b' }), ChatIndex.fromBytes(saved).size);
// @ts-expect-error: a snapshot is bytes, not text
ChatIndex.fromBytes('CPDINDEX');
const merged: number = index.merge(ChatIndex.fromBytes(saved));
// @ts-expect-error: only a ChatIndex merges
index.merge(saved);
console.log(merged);
const removed: number = index.remove(['r1', 'r2']);
const forgotten: number = index.retain(['r3']);
index.setDepartments([{ _id: 'd1', name: 'Renamed' }]);
index.setDepartments(null);
// @ts-expect-error ids are strings
index.retain([1]);
console.log(forgotten);
// @ts-expect-error: ids are strings
index.remove([1]);
console.log(removed, dateParse(new Date(), { timeZone: 'UTC' }));
index.free();
{
  using scoped = new ChatIndex(null, { timeZone: 'America/Sao_Paulo' });
  console.log(scoped.size);
}
chatsPerDepartment(rooms, null, { start: 'a', end: 'b' }, { timeZone: 'UTC' });
// @ts-expect-error: the zone is a name
chatsPerDepartment(rooms, null, { start: 'a', end: 'b' }, { timeZone: -3 });
initSync({ module: new Uint8Array() });
{
  using over = new ChatIndex(departments, { timeZone: 'UTC' });
  const series = over.series({ start: 'a', end: 'b' }, { bucket: 'week', timeZone: 'America/Sao_Paulo' });
  if (series.success) {
    const first: SeriesBucket | undefined = series.buckets[0];
    console.log(first?.start, first?.startMs, first?.body.success);
  } else {
    console.log(series.error);
  }
  // @ts-expect-error: buckets are days or weeks
  over.series({ start: 'a', end: 'b' }, { bucket: 'month' });
  const range = over.timeRange();
  console.log(range === null ? 'empty' : range.first + range.last, over.countable, over.departments()[0]?._id);
}
