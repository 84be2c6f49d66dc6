// The package's public TypeScript surface, written once. scripts/build.sh
// appends each entry's own `init` to it (web.d.ts, node.d.mts, node.d.cts),
// and tests/package/exports.test.mjs checks that every name declared here is
// exported at run time and nothing else is.

/** Extended JSON date, as `mongoexport` writes it. */
export type ExtendedJsonDate = { $date: string | number | { $numberLong: string } };

/**
 * A livechat room as Rocket.Chat's REST API (or a mongoexport) gives it.
 * Only `_id`, `_updatedAt`, `t`, `open`, `departmentId`, `ts` and
 * `department` are read.
 */
export interface Room {
  _id?: string | { $oid: string };
  _updatedAt?: string | number | Date | ExtendedJsonDate | null;
  t?: string | null;
  open?: boolean | null;
  departmentId?: string | null;
  ts?: string | number | Date | ExtendedJsonDate | null;
  department?: { _id: string; name?: string | null } | null;
  [field: string]: unknown;
}

/** A department record. Only `_id` and `name` are read. */
export interface Department {
  _id: string;
  name?: string | null;
  [field: string]: unknown;
}

/** Rooms: an array, a REST page, or JSON / NDJSON as text or bytes. */
export type RoomsInput = readonly Room[] | { rooms: readonly Room[] } | string | Uint8Array;

/** Departments, or `null` to take names from the rooms' embedded `department`. */
export type DepartmentsInput =
  | readonly Department[]
  | { departments: readonly Department[] }
  | string
  | Uint8Array
  | null
  | undefined;

/** The endpoint's query parameters. A `Date` stands for its ISO string. */
export interface ChatsPerDepartmentParams {
  start: string | Date;
  end: string | Date;
  departmentId?: string | null;
}

/**
 * How dates without an offset are read. `timeZone` is the server's IANA
 * zone (Rocket.Chat's Docker images run in `"UTC"`); without it, the
 * JavaScript host's own zone is used. An unknown name throws a `RangeError`.
 */
export interface ZoneOptions {
  timeZone?: string;
}

/** One department's counts. */
export interface DepartmentCounts {
  open: number;
  closed: number;
}

/** The 200 body: one key per department name, then `success: true`. */
export interface ChartBody {
  success: true;
  [department: string]: DepartmentCounts | true;
}

/** A 400 body. The server's date errors carry no `errorType`. */
export interface FailureBody {
  success: false;
  error: string;
  errorType?: "invalid-params" | "invalid-rooms" | "invalid-departments";
}

export type ResponseBody = ChartBody | FailureBody;

/** How `index.series` cuts the range: days or weeks (from Monday) of `timeZone` (default: the index's zone). */
export interface SeriesOptions {
  bucket?: "day" | "week";
  timeZone?: string;
}

/** One bucket of a series: its bounds (as sent to the server, and in ms) and its chart body. */
export interface SeriesBucket {
  start: string;
  end: string;
  startMs: number;
  endMs: number;
  body: ChartBody;
}

/** `index.series`'s answer. */
export interface SeriesBody {
  buckets: SeriesBucket[];
  success: true;
}

/**
 * The body `GET /api/v1/livechat/analytics/dashboards/charts/chats-per-department`
 * would return for these records and parameters.
 *
 * @example
 * const body = chatsPerDepartment(rooms, departments, { start: "2020-09-01", end: "2020-10-01" }, { timeZone: "UTC" });
 * if (body.success) for (const [name, counts] of departmentEntries(body)) console.log(name, counts.open);
 */
export function chatsPerDepartment(rooms: RoomsInput, departments: DepartmentsInput, params: ChatsPerDepartmentParams, options?: ZoneOptions): ResponseBody;

/** Same as `chatsPerDepartment`, as the JSON text the server would send. */
export function chatsPerDepartmentJson(rooms: RoomsInput, departments: DepartmentsInput, params: ChatsPerDepartmentParams, options?: ZoneOptions): string;

/**
 * A chart body's departments as `[name, counts]` pairs, in body order
 * (`success` and a department named "success", which the server overwrites,
 * left out).
 *
 * @example
 * for (const [name, { open, closed }] of departmentEntries(body)) table.push([name, open, closed]);
 */
export function departmentEntries(body: ChartBody): Array<[string, DepartmentCounts]>;

/**
 * `Date.parse` as V8 (Node.js, the server) computes it, in any browser:
 * milliseconds since the epoch, or NaN. The argument is converted to a
 * string first, as `Date.parse` does.
 *
 * @example
 * dateParse("Sep 10 2020", { timeZone: "America/Sao_Paulo" }); // 1599706800000
 */
export function dateParse(text: unknown, options?: ZoneOptions): number;

/** Size of this module's WebAssembly memory, in bytes (it grows, never shrinks). */
export function wasmMemoryBytes(): number;

/** Thrown by `ChatIndex.add` / `addStream` for a bad page; `body` is the 400 body. */
export interface ChatIndexError extends Error {
  body: FailureBody;
}

/**
 * Rooms loaded once, kept current, and the chart re-queried in
 * microseconds. Answers exactly what `chatsPerDepartment` answers for the
 * rooms held. Rooms are identified by `_id`: a version whose `_updatedAt`
 * is newer or equal replaces the one held, an older one is ignored; rooms
 * without `_id` are simply added.
 *
 * @example
 * using index = new ChatIndex(departments, { timeZone: "UTC" });
 * index.add(page1); index.add(page2);              // or: await index.addStream(response.body)
 * index.remove(["deletedRoomId"]);
 * index.query({ start: "2020-09-01", end: "2020-10-01" });
 */
export class ChatIndex {
  /** `departments` as in `chatsPerDepartment`; omit or `null` to use the rooms' embedded names. */
  constructor(departments?: DepartmentsInput, options?: ZoneOptions);
  /** Adds (or updates) a page of rooms; returns how many records it held. All or nothing: throws a `ChatIndexError` and changes nothing on a bad page, on more than 8,388,608 records or more than 1 GiB of JSON (`addStream` reads input of every size). */
  add(rooms: RoomsInput): number;
  /**
   * Parses a byte stream (e.g. `response.body`) as chunks arrive; returns
   * how many records it held. All or nothing, like `add`. `null` (a
   * `Response` without a body) is accepted by the type, as `fetch` gives
   * it, and rejected with a `TypeError` saying so.
   *
   * @example
   * const response = await fetch("/rooms.ndjson");
   * await index.addStream(response.body);
   */
  addStream(stream: ReadableStream<Uint8Array> | null): Promise<number>;
  /** Forgets the rooms with these `_id`s; returns how many were held. */
  remove(ids: readonly string[]): number;
  /** Keeps only the rooms whose `_id` is listed (rooms without `_id` stay); returns how many were forgotten. Pass the ids a server still has to drop rooms deleted there. */
  retain(ids: readonly string[]): number;
  /**
   * `retain` for one creation range: among the rooms a query can count that
   * were created from `startMs` to `endMs` (epoch ms, inclusive), keeps only
   * the listed ones; every other room stays. Repairs a range with the ids a
   * server lists there, without every id. Returns how many were forgotten.
   *
   * @example
   * index.retainCreated(['r2'], Date.parse('2026-03-01T00:00:00Z'), Date.parse('2026-03-01T23:59:59.999Z'));
   */
  retainCreated(ids: readonly string[], startMs: number, endMs: number): number;
  /** Replaces the departments list (as in the constructor); the rooms stay. For renamed, new or deleted departments. */
  setDepartments(departments?: DepartmentsInput): void;
  /** The server's body for these parameters, errors included. */
  query(params: ChatsPerDepartmentParams): ResponseBody;
  /** `query` as the JSON text the server would send. */
  queryJson(params: ChatsPerDepartmentParams): string;
  /**
   * The chart's keys in order, as `countsInto` writes their counts: the
   * body's keys with zeros included. Frozen, and the same array until the
   * keys change (new departments, `setDepartments`), so `!==` says when to
   * relabel and resize.
   *
   * @example
   * const names = index.chartNames();
   * const counts = new Float64Array(2 * names.length);
   */
  chartNames(): readonly string[];
  /**
   * For a dashboard that re-queries on every frame: the counts `query`
   * answers for `start` and `end` already parsed to epoch milliseconds
   * (with `dateParse`, say), written into `out` as `[open, closed]` per
   * name of `chartNames()`, zeros included. Nothing is allocated on the
   * JavaScript heap. `departmentId` filters as the server's parameter
   * does. Returns `null`, or the 400 body `query` gives when the
   * departments list was refused. Throws a `TypeError` for a time a `Date`
   * cannot hold, a `RangeError` when `out` is shorter than the chart.
   *
   * @example
   * let names = index.chartNames();
   * let counts = new Float64Array(2 * names.length);
   * const failure = index.countsInto(Date.parse('2020-09-01T00:00:00Z'), Date.parse('2020-09-30T23:59:59.999Z'), counts);
   */
  countsInto(startMs: number, endMs: number, out: Float64Array, departmentId?: string): FailureBody | null;
  /**
   * Chats over time: the body per day or week (weeks from Monday) of
   * `timeZone` (default: this index's zone), each bucket exactly what
   * `query` answers for the bucket's bounds (clipped to `start`..`end`).
   * Invalid params give the same error body as `query`; so do more than
   * 10,000 buckets or 20,000,000 departments × buckets. Buckets list only
   * the departments with chats, as `query` does.
   *
   * @example
   * index.series({ start: "2020-09-01", end: "2020-09-30" }, { bucket: "week" }).buckets[0].body;
   */
  series(params: ChatsPerDepartmentParams, options?: SeriesOptions): SeriesBody | FailureBody;
  /** First and last creation time (ms) of the rooms a query can count, or `null`: what a range is fitted to. */
  timeRange(): { first: number; last: number } | null;
  /** The departments to filter by (in no set order): the list given, or those named by the rooms. */
  departments(): Array<{ _id: string; name: string }>;
  /** Rooms held that some query can count (`size - countable` never are: other types, no `departmentId`, no date, `open` neither true nor absent). */
  readonly countable: number;
  /**
   * Adds every room of `other`, as if they had been added after this
   * index's own (a newer or equal `_updatedAt` replaces a room held, an
   * older one is ignored), and frees `other`; returns how many rooms
   * `other` held. For shards read in parallel: each worker reads some
   * pages into its own index and sends `toBytes()`; one index opens each
   * with `ChatIndex.fromBytes` and merges them in page order. This index
   * keeps its departments list; both must read dates in the same zone.
   *
   * @example
   * const shard = ChatIndex.fromBytes(bytesFromWorker, { timeZone: "UTC" });
   * index.merge(shard); // shard is freed
   */
  merge(other: ChatIndex): number;
  /**
   * Merges pending changes now rather than when a query needs it, and
   * gives up the memory a load keeps for its next rooms: call it once a
   * load is done.
   */
  settle(): void;
  /**
   * The index as bytes (this library's versioned format), to keep it (OPFS,
   * IndexedDB) and reopen it with `ChatIndex.fromBytes` instead of loading
   * every room again. The time zone is not part of it.
   *
   * @example
   * const bytes = index.toBytes();
   * using again = ChatIndex.fromBytes(bytes, { timeZone: "UTC" });
   */
  toBytes(): Uint8Array;
  /**
   * An index saved by `toBytes()`. Every rule is checked again: a corrupt,
   * truncated or foreign snapshot throws an `Error` saying what is wrong
   * ("snapshot: …"); anything but a `Uint8Array` or `ArrayBuffer` throws a
   * `TypeError`, and more than 1 GiB a `RangeError`. The size and the
   * header are checked before the bytes are copied into the module.
   */
  static fromBytes(bytes: Uint8Array | ArrayBuffer, options?: ZoneOptions): ChatIndex;
  /** Distinct rooms held, countable or not. */
  readonly size: number;
  /** Bytes held in wasm memory by this index's rooms. */
  readonly memoryBytes: number;
  /** Releases the wasm memory of this index. */
  free(): void;
  /** `free()`, for `using index = new ChatIndex(…)`. */
  [Symbol.dispose](): void;
}
