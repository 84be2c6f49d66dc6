// Keeping a ChatIndex equal to a live Rocket.Chat server's rooms, over the
// REST API only (no realtime subscription needed). Runs in the dashboard's
// worker and, unchanged, in Node for the live-sync differential test.
//
// What a live server does to a dashboard (docs/live-server.md), and the
// answer to each:
// - `livechat/rooms` pages newest first by offset, so rooms created while
//   paging shift later pages. The full load pages oldest first instead, and
//   by key, not offset: `sort={"ts":1,"_id":1}` with `createdAt={"start":
//   <last ts seen>}` and an offset counting only the rooms already seen at
//   that exact ts. New rooms (ts = now) land after everything read, and a
//   deleted room cannot make another one skip a page. The creation times
//   are cut into `parallel` ranges (`createdAt={"start","end"}`), each
//   paged this way at the same time: a first visit waits for the slowest
//   range, not for every page in turn.
// - Rooms change after creation (closed, transferred, put on hold) and
//   every change bumps `_updatedAt`. A refresh reads
//   `sort={"_updatedAt":-1}` until it reaches rooms older than the last
//   refresh's watermark (minus an overlap for clocks and in-flight writes,
//   until that window has been read once after the writes had time to
//   land); the index replaces older versions and ignores stale ones, so
//   overlap costs a few bytes and never a wrong count.
// - Deleted rooms leave no trace to read. After each refresh the server's
//   `total` is compared with the rooms held: after a complete refresh they
//   differ exactly when rooms were deleted (or missed). Then (and every
//   `reconcileEveryMs` anyway) the creation span is bisected: the server's
//   count for a range (`count=1&createdAt={start,end}`: the page's `total`)
//   against the rooms held there, halving only the ranges that differ,
//   down to ranges of `leafRooms` rooms or fewer, which are read whole: their rooms
//   are added (a missing one comes back) and `index.retainCreated(ids, …)`
//   drops the ones the server no longer lists there. d deletions cost
//   about d·log(n) one-room requests. Reading every room again
//   (`reconcile`) is the last resort, when the bisection runs out of its
//   budget or leaves a difference. The departments list (a few hundred
//   bytes) is fetched again on every refresh, so renames show at once.
// - `fields` (a projection) is applied by servers before 7.0, ignored by
//   7.x and 8.x (full rooms come back), and refused by 9.0 with a 400
//   `invalid-params` (docs/live-server.md). It is never needed for a
//   right answer, so it is only a saving: one probe learns which case holds
//   (`learnFields`), and it is sent again only where it is applied. A 400
//   `invalid-params` or a page carrying other fields, met on any request
//   later, changes the decision on the spot.
// - A page can come back empty or short in the middle of a range (a flaky
//   proxy, a lagging replica): only the server's `total` for the filters
//   ends a range, an empty page that contradicts it is asked again, and
//   each range's rooms read are compared with the server's count for that
//   range (rooms created after the load began excepted) and read again on
//   a shortfall. What still disagrees is kept in `doubts` for the page.

/** The projection of the fields the chart reads (`_id` comes anyway). */
export const ROOM_FIELDS = { _updatedAt: 1, t: 1, open: 1, departmentId: 1, ts: 1 };
/** The probe's projection: what a page holds when the server applies it. */
const PROBE_FIELDS = { _id: 1, ts: 1 };
/** Keys a projected room may carry beyond the projection: `_id`, and the joined department. */
const ALWAYS_THERE = new Set(['_id', 'department']);

/**
 * What a server does with `fields`: `applied` (before 7.0, or 7.x/8.x with
 * `ALLOW_UNSAFE_QUERY_AND_FIELDS_API_PARAMS`), `ignored` (7.x/8.x by
 * default), `refused` (9.0: a 400), `off` (not asked for), `unknown` (not
 * learnt yet: nothing is sent).
 */
export const FIELDS_BEHAVIOURS = ['applied', 'ignored', 'refused', 'off', 'unknown'];

/** Whether a 400 body is Ajv's refusal of a parameter (`fields` on 9.0). */
const refusesParams = (error) => error instanceof RestError && error.status === 400 && error.body?.errorType === 'invalid-params';

/** Whether a page's first room holds only what `projection` asked for. */
function projected(page, projection) {
  const room = page.rooms?.[0];
  return !room || Object.keys(room).every((key) => ALWAYS_THERE.has(key) || projection[key]);
}
const ROOMS = 'api/v1/livechat/rooms';
const DEPARTMENTS = 'api/v1/livechat/department';

/** A non-2xx answer: `status` and the server's `body`, verbatim. */
export class RestError extends Error {
  constructor(path, status, body) {
    super(typeof body === 'string' ? `${status ? `${status} from ` : ''}${path}: ${body}` : `${status} from ${path}`);
    this.status = status;
    this.body = body;
  }
}

/**
 * `base` (a server URL, perhaps with a path: `https://host/chat/`) joined
 * with a REST path, keeping the base's path.
 */
export function restUrl(base, path, query = {}) {
  const url = new URL(path, base.endsWith('/') ? base : `${base}/`);
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined) url.searchParams.set(key, typeof value === 'object' ? JSON.stringify(value) : String(value));
  }
  return url;
}

/** `Retry-After` (seconds or an HTTP date) in ms, or `undefined`. */
function retryAfter(header) {
  if (!header) return undefined;
  const seconds = Number(header);
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(header) - Date.now();
  return Number.isFinite(ms) ? Math.max(0, ms) : undefined;
}

/** The auth headers, only those given (none at all without credentials). */
export function credentials(server) {
  const headers = {};
  if (server.userId) headers['X-User-Id'] = server.userId;
  if (server.token) headers['X-Auth-Token'] = server.token;
  return headers;
}

/**
 * Whether some query can count `room` (`src/records/room.rs`: livechat,
 * `open` true or absent, a `departmentId` key, null included, and a
 * creation date). The index keeps no creation time for the others, so the
 * sync keeps theirs (`ServerSync.uncounted`) to count a range's rooms.
 */
export const counted = (room, ts = Date.parse(room.ts)) => room.t === 'l' && (room.open === true || !Object.hasOwn(room, 'open')) && Object.hasOwn(room, 'departmentId') && Number.isFinite(ts);

/** Two chart bodies as one text whatever their key order (a server's department order is MongoDB's). */
export const canonicalBody = (body) => JSON.stringify(Object.entries(body).sort(([a], [b]) => (a < b ? -1 : 1)));

/** Department records reduced to what the index and the menu use. */
const departmentList = (records) => records.map((d) => ({ _id: String(d._id), name: d.name }));
const sameDepartments = (a, b) => a.length === b.length && a.every((d, i) => d._id === b[i]._id && d.name === b[i].name);

/**
 * One server's rooms in a `ChatIndex`, loaded once and kept current.
 *
 * @example
 * const sync = new ServerSync({ server: { url, userId, token }, ChatIndex, timeZone: 'UTC' });
 * await sync.load();                      // every room, by key
 * const body = sync.index.query(params);
 * await sync.refresh();                   // only what changed since
 */
export class ServerSync {
  constructor({
    server, ChatIndex, timeZone, fields = true, pageSize = 100, parallel = 4, overlapMs = 10_000, reconcileEveryMs = 600_000,
    timeoutMs = 30_000, retries = 3, retryDelayMs = 500, repairBudget = Infinity, leafRooms = 16, maxRooms = Infinity, fetch = globalThis.fetch, onProgress = () => {}, onRetry = () => {},
  }) {
    Object.assign(this, { server, ChatIndex, timeZone, fields, pageSize, parallel, overlapMs, reconcileEveryMs, timeoutMs, retries, retryDelayMs, repairBudget, leafRooms, maxRooms, fetch, onProgress, onRetry });
    /** Creation time (ms) of each held room no query counts, by `_id` (see `counted`). */
    this.uncounted = new Map();
    this.index = null;
    this.departments = [];
    /** What the server does with `fields` (see FIELDS_BEHAVIOURS). */
    this.fieldsBehaviour = fields ? 'unknown' : 'off';
    /** What could not be made to agree with the server, for the page to show: `[{ what, range?, read?, server? }]`. */
    this.doubts = [];
    /** Newest `_updatedAt` (ms) read, when it appeared (local ms), and whether its overlap was read late enough. */
    this.watermark = -Infinity;
    this.watermarkSeenAt = 0;
    this.watermarkSettled = false;
    this.lastReconcile = 0;
    /** Bytes of response bodies received, over the life of this sync. */
    this.bytes = 0;
    this.requests = 0;
  }

  /**
   * GET a REST path; resolves to the parsed JSON body. A server that is
   * busy or briefly gone (429, 502, 503, 504, a dropped connection, no
   * answer within `timeoutMs`) is asked again, up to `retries` times,
   * waiting as its `Retry-After` says or else twice as long each time.
   * Throws a `RestError` for any other non-2xx answer, and for a 2xx
   * answer that is not JSON (an HTML error page, a truncated body).
   */
  async get(path, query) {
    for (let attempt = 0; ; attempt++) {
      let outcome;
      try {
        outcome = await this.attempt(path, query);
      } catch (error) {
        if (error instanceof RestError) throw error; // an answer, not a failure to get one
        outcome = { retry: true, error: new RestError(path, 0, `${error?.name === 'AbortError' ? `no answer within ${this.timeoutMs / 1000} s` : `connection failed (${error?.message ?? error})`}`) };
      }
      if (!outcome.retry) return outcome.body;
      if (attempt >= this.retries) throw outcome.error;
      const wait = outcome.retryAfterMs ?? this.retryDelayMs * 2 ** attempt;
      this.onRetry({ path, attempt: attempt + 1, waitMs: wait, reason: outcome.error.message });
      await new Promise((r) => setTimeout(r, Math.min(wait, 60_000)));
    }
  }

  /** One request: `{ body }`, or `{ retry, error, retryAfterMs? }`; throws on a network failure. */
  async attempt(path, query) {
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), this.timeoutMs);
    try {
      // Called unbound: a browser's fetch refuses any `this` but the global one.
      const { fetch } = this;
      const response = await fetch(restUrl(this.server.url, path, query), { headers: credentials(this.server), signal: abort.signal });
      const bytes = new Uint8Array(await response.arrayBuffer());
      this.bytes += bytes.length;
      this.requests++;
      const text = new TextDecoder().decode(bytes);
      let body;
      try {
        body = JSON.parse(text);
      } catch {
        body = text;
      }
      if ([429, 502, 503, 504].includes(response.status)) {
        return { retry: true, error: new RestError(path, response.status, body), retryAfterMs: retryAfter(response.headers.get('retry-after')) };
      }
      if (!response.ok) throw new RestError(path, response.status, body);
      if (typeof body !== 'object' || body === null) {
        const type = response.headers.get('content-type') ?? 'no content type';
        throw new RestError(path, response.status, `not JSON (${type}): ${text.slice(0, 80)}`);
      }
      return { body };
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * A rooms page, checked: a `rooms` array (anything else is not a page to
   * count). `fields` is sent only where the server applies it; a refusal
   * or a page that ignored it is learnt from and never costs an answer.
   */
  async roomsPage(query, fields) {
    let projection = this.fieldsBehaviour === 'applied' ? fields : undefined;
    let page;
    try {
      page = await this.get(ROOMS, { ...query, fields: projection });
    } catch (error) {
      if (!projection || !refusesParams(error)) throw error;
      this.fieldsBehaviour = 'refused';
      projection = undefined;
      page = await this.get(ROOMS, query);
    }
    if (!Array.isArray(page.rooms)) throw new RestError(ROOMS, 200, `not a rooms page: ${JSON.stringify(page).slice(0, 80)}`);
    if (projection && !projected(page, projection)) this.fieldsBehaviour = 'ignored';
    return page;
  }

  /**
   * A rooms page; an empty one while `remaining(page)` (from the server's
   * `total`) says rooms are left is asked again, up to `retries` times: a
   * flaky proxy or a lagging replica, not the end.
   */
  async fullPage(query, fields, remaining) {
    let page = await this.roomsPage(query, fields);
    for (let attempt = 0; page.rooms.length === 0 && remaining(page) > 0 && attempt < this.retries; attempt++) {
      const waitMs = this.retryDelayMs * 2 ** attempt;
      this.onRetry({ path: ROOMS, attempt: attempt + 1, waitMs, reason: `an empty page where the server counts ${remaining(page)} more rooms` });
      await new Promise((r) => setTimeout(r, waitMs));
      page = await this.roomsPage(query, fields);
    }
    return page;
  }

  /**
   * Learns once what the server does with `fields`, from one page of one
   * room asked for with a projection: a 400 `invalid-params` (refused), a
   * room with other fields (ignored), or only the fields asked for
   * (applied). With no room to look at, nothing is decided and nothing is
   * sent. `GET /api/info`'s version is not asked: patched and configured
   * servers differ from their version's default. Returns the probe's page
   * when it made one (its `total` is the server's count of rooms), else
   * `null`.
   */
  async learnFields() {
    if (this.fieldsBehaviour !== 'unknown') return null;
    const query = { count: 1, sort: { ts: 1, _id: 1 } };
    try {
      const page = await this.get(ROOMS, { ...query, fields: PROBE_FIELDS });
      if (!Array.isArray(page.rooms)) return null;
      if (page.rooms.length) this.fieldsBehaviour = projected(page, PROBE_FIELDS) ? 'applied' : 'ignored';
      return page;
    } catch (error) {
      if (!refusesParams(error)) throw error;
      this.fieldsBehaviour = 'refused';
      return null;
    }
  }

  /** The server's count of rooms created from `start` to `end` (ISO, inclusive): one page of one room. */
  async countCreated(start, end) {
    // Sorted by key like the load's pages, so a server answers from the same index.
    const page = await this.roomsPage({ count: 1, sort: { ts: 1, _id: 1 }, createdAt: { start, end } }, PROBE_FIELDS);
    return Number.isSafeInteger(page.total) ? page.total : null;
  }

  /** Every department, archived ones included (the server's join resolves them too). */
  async fetchDepartments(report = false) {
    const all = [];
    for (;;) {
      // The server caps `count`; the next offset is what was received.
      const page = await this.get(DEPARTMENTS, { count: this.pageSize, offset: all.length, showArchived: true });
      if (!Array.isArray(page.departments)) throw new RestError(DEPARTMENTS, 200, `not a departments page: ${JSON.stringify(page).slice(0, 80)}`);
      all.push(...page.departments);
      if (report) this.onProgress({ phase: 'Departments', done: all.length, total: page.total });
      // As for rooms, only an empty page ends it.
      if (page.departments.length === 0) return departmentList(all);
    }
  }

  /**
   * Pages through every room of `range` oldest first, by key (see the
   * header): yields each page. `fields` is the projection, where applied.
   *
   * Only the server's `total` ends a range: with `createdAt.start` at the
   * last creation time seen, it counts the rooms from there on, the `tied`
   * ones already read included. An empty page while `total` says more
   * rooms remain is asked again; a short one is simply followed by key.
   * A `total` that is missing or wrong cannot end a range early on a full
   * page; what it hides is found by the range's count afterwards.
   */
  async *byCreation(fields, range = {}) {
    let after = range.start ?? null;
    let tied = 0;
    let longest = 0;
    for (;;) {
      const query = { count: this.pageSize, offset: tied, sort: { ts: 1, _id: 1 } };
      if (after !== null) query.createdAt = range.end ? { start: after, end: range.end } : { start: after };
      const remaining = (p) => (Number.isSafeInteger(p.total) ? p.total - tied - p.rooms.length : 0);
      const page = await this.fullPage(query, fields, remaining);
      yield page;
      const { rooms } = page;
      // The end: an empty page, or one shorter than the longest so far (the
      // server caps `count` at a limit we cannot know) that the server's
      // count agrees with. Rooms created after this page are newer than the
      // load's watermark: the first refresh reads them.
      if (rooms.length === 0) return;
      if (rooms.length < longest && remaining(page) <= 0) return;
      longest = Math.max(longest, rooms.length);
      const last = rooms.at(-1).ts;
      if (typeof last !== 'string') {
        tied += rooms.length; // no ts to key on (never for livechat rooms): plain offsets
        continue;
      }
      let atLast = 0;
      while (atLast < rooms.length && rooms[rooms.length - 1 - atLast].ts === last) atLast++;
      tied = last === after ? tied + atLast : atLast;
      after = last;
    }
  }

  /**
   * Creation-time ranges that together hold every room, each read by key
   * on its own (`byCreation`), so that a full load has `parallel` pages in
   * flight instead of one: `[{ start, end }]`, ISO, both inclusive, cut
   * evenly between the oldest room's `ts` and the newest's, the last one
   * open-ended. One range from the oldest room on when there is nothing to
   * cut; `[{}]` (no filter) when the oldest room has no `ts` (only an
   * unfiltered query lists it). Also `total`, the server's count of rooms now.
   */
  async creationRanges() {
    const oldest = await this.roomsPage({ count: 1, sort: { ts: 1, _id: 1 } }, PROBE_FIELDS);
    const first = Date.parse(oldest.rooms[0]?.ts);
    if (typeof oldest.rooms[0]?.ts !== 'string' || !Number.isFinite(first)) return { ranges: [{}], total: oldest.total };
    const whole = { ranges: [{ start: new Date(first).toISOString() }], total: oldest.total };
    if (this.parallel <= 1) return whole;
    const newest = await this.roomsPage({ count: 1, sort: { ts: -1, _id: 1 } }, PROBE_FIELDS);
    const last = Date.parse(newest.rooms[0]?.ts);
    const k = this.parallel;
    if (!Number.isFinite(last) || last - first < k) return whole;
    // Range i holds the rooms created from cut(i) to cut(i + 1) - 1 ms.
    const cut = (i) => new Date(first + Math.floor(((last - first) * i) / k));
    const ranges = Array.from({ length: k }, (_, i) => ({
      start: cut(i).toISOString(),
      ...(i < k - 1 ? { end: new Date(cut(i + 1).getTime() - 1).toISOString() } : {}),
    }));
    return { ranges, total: oldest.total };
  }

  /**
   * Every page of the creation ranges (`creationRanges`), the ranges read
   * at once, each page handed to `onPage(page, total)` as it comes. The
   * first failure (a request, or `onPage` throwing) stops every range
   * before its next page and is thrown.
   *
   * Then each range's rooms read are compared with the server's count of
   * rooms created in it up to `until` (ISO: when the reading began; rooms
   * created later are the next refresh's). A shortfall reads the range
   * again, up to twice; one that remains is added to `doubts`. More rooms
   * read than counted is a deletion meanwhile: the next refresh's.
   */
  async byCreationRanges(fields, onPage, until = new Date().toISOString()) {
    const { ranges, total } = await this.creationRanges();
    const limit = Date.parse(until);
    let failed = false;
    const doubts = [];
    const readRange = async (range) => {
      let read = 0;
      for await (const page of this.byCreation(fields, range)) {
        if (failed) return null;
        onPage(page, total);
        for (const room of page.rooms) if (!(Date.parse(room.ts) > limit)) read++;
      }
      return read;
    };
    await Promise.all(ranges.map(async (range) => {
      try {
        if (range.start === undefined) return void await readRange(range);
        const end = range.end ?? until;
        for (let pass = 0; ; pass++) {
          const read = await readRange(range);
          if (read === null) return;
          const server = await this.countCreated(range.start, end);
          if (server === null || read >= server) return;
          if (pass === 2) return void doubts.push({ what: 'short-range', range: { start: range.start, end }, read, server });
          this.onRetry({ path: ROOMS, attempt: pass + 1, waitMs: 0, reason: `${read} rooms read from ${range.start} to ${end} where the server counts ${server}: reading them again` });
        }
      } catch (error) {
        failed = true;
        throw error;
      }
    }));
    return doubts;
  }

  /** The newest `_updatedAt` on the server now (ms), or -Infinity. */
  async newestUpdate() {
    const page = await this.roomsPage({ count: 1, sort: { _updatedAt: -1 } }, { _updatedAt: 1 });
    return page.rooms.length ? Date.parse(page.rooms[0]._updatedAt) : -Infinity;
  }

  /** Adds a page to `index`, keeping `uncounted` in step. */
  apply(index, page, uncounted = this.uncounted) {
    index.add(page);
    for (const room of page.rooms) {
      if (typeof room._id !== 'string') continue;
      const ts = Date.parse(room.ts);
      if (counted(room, ts)) uncounted.delete(room._id);
      else if (Number.isFinite(ts)) uncounted.set(room._id, ts);
    }
  }

  /** Rooms held that were created from `startMs` to `endMs` (inclusive). */
  heldCreated(startMs, endMs) {
    const body = this.index.query({ start: new Date(startMs).toISOString(), end: new Date(endMs).toISOString() });
    let held = 0;
    for (const [key, value] of Object.entries(body)) if (key !== 'success') held += value.open + value.closed;
    for (const ts of this.uncounted.values()) if (ts >= startMs && ts <= endMs) held++;
    return held;
  }

  /**
   * Makes the rooms held created up to `endMs` agree with the server's by
   * bisecting the creation span (see the header). Returns `{ removed,
   * added, requests, agreed }`; `agreed` is false when the budget of
   * requests (`repairBudget`, and never more than reading every room
   * again) ran out first.
   */
  async repair(endMs) {
    const started = this.requests;
    // Never more requests than reading every room again would take.
    const budget = Math.max(64, Math.min(this.repairBudget, Math.ceil(this.index.size / this.pageSize)));
    const out = { removed: 0, added: 0, agreed: true };
    const range = this.index.timeRange();
    const oldest = await this.roomsPage({ count: 1, sort: { ts: 1, _id: 1 } }, PROBE_FIELDS);
    const starts = [range?.[0], Date.parse(oldest.rooms[0]?.ts), ...this.uncounted.values()].filter(Number.isFinite);
    if (!starts.length) return { ...out, requests: this.requests - started };
    const startMs = Math.min(...starts);
    const iso = (ms) => new Date(ms).toISOString();
    /** Reads a range whole: adds its rooms, drops the held ones the server no longer lists there. */
    const readWhole = async (a, b) => {
      const ids = [];
      const size = this.index.size;
      for await (const page of this.byCreation(ROOM_FIELDS, { start: iso(a), end: iso(b) })) {
        this.apply(this.index, page);
        for (const room of page.rooms) ids.push(room._id);
      }
      out.added += this.index.size - size;
      const listed = new Set(ids);
      const gone = [...this.uncounted].filter(([id, ts]) => ts >= a && ts <= b && !listed.has(id)).map(([id]) => id);
      for (const id of gone) this.uncounted.delete(id);
      out.removed += this.index.retainCreated(ids, a, b) + this.index.remove(gone);
    };
    const visit = async (a, b, server) => {
      if (server === null) return void (out.agreed = false);
      const held = this.heldCreated(a, b);
      if (held === server) return;
      if (this.requests - started > budget) return void (out.agreed = false);
      // A range of a few rooms: read it whole (halving further costs a
      // request a step; a room read costs its bytes, whole rooms where the
      // server ignores or refuses `fields`).
      if (server <= this.leafRooms || b - a < 2) return readWhole(a, b);
      const middle = a + Math.floor((b - a) / 2);
      const left = await this.countCreated(iso(a), iso(middle));
      // Halving that does not split a page's worth of rooms (many created
      // in the same instant) would go on down to the millisecond: read it.
      if (left !== null && server <= this.pageSize && (left === 0 || left === server)) return readWhole(a, b);
      await visit(a, middle, left);
      await visit(middle + 1, b, left === null ? null : server - left);
    };
    await visit(startMs, endMs, await this.countCreated(iso(startMs), iso(endMs)));
    return { ...out, requests: this.requests - started };
  }

  /** Loads every room into a new index; the previous one is freed only on success. */
  async load() {
    const started = { bytes: this.bytes, requests: this.requests };
    const loadStarted = Date.now();
    // Past `maxRooms` the tab does not try to hold the rooms: the server
    // answers the chart itself (the page stays on its answers). The fields
    // probe, when one is made, already holds the server's count.
    const { total } = (await this.learnFields()) ?? await this.roomsPage({ count: 1 }, PROBE_FIELDS);
    if (total > this.maxRooms) throw Object.assign(new RestError(ROOMS, 200, `the server holds ${total} rooms, more than the ${this.maxRooms} this page loads`), { tooMany: { total, maxRooms: this.maxRooms } });
    const departments = await this.fetchDepartments(true);
    // Changes made while loading are newer than this: the first refresh reads them.
    const watermark = await this.newestUpdate();
    const index = new this.ChatIndex(departments, { timeZone: this.timeZone });
    let rooms = 0;
    let doubts;
    const uncounted = new Map();
    try {
      // A room has one `ts`, so no room is in two ranges, and the index
      // takes pages in any order (a range read again replaces its rooms).
      doubts = await this.byCreationRanges(ROOM_FIELDS, (page, total) => {
        this.apply(index, page, uncounted);
        rooms += page.rooms.length;
        this.onProgress({ phase: 'Rooms read', done: index.size, total: Math.max(total ?? 0, index.size) });
      }, new Date(loadStarted).toISOString());
      index.settle();
    } catch (error) {
      index.free();
      throw error;
    }
    this.index?.free();
    Object.assign(this, { index, departments, doubts, uncounted, watermark, watermarkSeenAt: loadStarted, watermarkSettled: false, lastReconcile: Date.now() });
    return { rooms, bytes: this.bytes - started.bytes, requests: this.requests - started.requests, fields: this.fieldsBehaviour, doubts };
  }

  /**
   * Reads what changed since the last load or refresh and applies it;
   * reconciles deletions when the server's count says so. All or nothing
   * per page; a failure leaves the index as the last good page left it and
   * the watermark where it was, so the next refresh reads it all again.
   */
  async refresh() {
    const started = { bytes: this.bytes, requests: this.requests, at: Date.now() };
    await this.learnFields();
    // The overlap below the watermark is read again until it has been read
    // once at least `overlapMs` after the watermark appeared: by then the
    // writes in flight when it appeared have landed, and a quiet server
    // costs one tiny page per refresh.
    const settled = this.watermarkSettled;
    const since = settled ? this.watermark : this.watermark - this.overlapMs;
    let offset = 0;
    let newest = this.watermark;
    let total = null;
    let changed = 0;
    // Small pages first: a quiet server answers a refresh with a few rooms.
    for (let count = Math.min(settled ? 5 : 20, this.pageSize); ; count = Math.min(count * 2, this.pageSize)) {
      const page = await this.fullPage({ count, offset, sort: { _updatedAt: -1, _id: 1 } }, ROOM_FIELDS, (p) => (Number.isSafeInteger(p.total) ? p.total - offset : 0));
      total ??= page.total;
      if (offset === 0 && page.rooms.length) newest = Math.max(newest, Date.parse(page.rooms[0]._updatedAt));
      this.apply(this.index, page);
      offset += page.rooms.length;
      changed += page.rooms.filter((r) => !(Date.parse(r._updatedAt) <= this.watermark)).length;
      const oldest = page.rooms.at(-1)?._updatedAt;
      if (page.rooms.length === 0 || Date.parse(oldest) < since) break;
    }
    if (newest > this.watermark) Object.assign(this, { watermark: newest, watermarkSeenAt: started.at, watermarkSettled: false });
    else if (!settled && started.at - this.watermarkSeenAt >= this.overlapMs) this.watermarkSettled = true;
    await this.updateDepartments();
    const check = this.index.size !== total || Date.now() - this.lastReconcile >= this.reconcileEveryMs;
    let removed = 0;
    let repaired = null;
    let reconciled = false;
    if (check) {
      repaired = await this.repair(started.at);
      removed = repaired.removed;
      this.lastReconcile = Date.now();
      this.doubts = [];
      if (!repaired.agreed) {
        // The last resort: every room read again.
        removed += await this.reconcile();
        reconciled = true;
      }
    }
    // At rest again: the index packs what changed once it is worth it.
    this.index.settle();
    return { read: offset, changed, removed, checked: check, repaired, reconciled, size: this.index.size, bytes: this.bytes - started.bytes, requests: this.requests - started.requests, fields: this.fieldsBehaviour, doubts: this.doubts };
  }

  /**
   * Reads every room the server lists again, adds the ones the index lacks
   * or holds in an older version, and drops the ones the server no longer
   * lists; refetches the departments. Returns how many rooms went. Each
   * range is checked against the server's count as in a load; the doubts
   * found replace the previous ones.
   */
  async reconcile() {
    const ids = [];
    // Each page is the server's current version of its rooms: applying it
    // at once is right even if a later page fails (the index then holds
    // fresher rooms, never a wrong version); only the removal waits for
    // every range.
    const doubts = await this.byCreationRanges(ROOM_FIELDS, (page) => {
      this.apply(this.index, page);
      for (const room of page.rooms) ids.push(room._id);
    });
    await this.updateDepartments();
    this.lastReconcile = Date.now();
    this.doubts = doubts;
    const listed = new Set(ids);
    for (const id of this.uncounted.keys()) if (!listed.has(id)) this.uncounted.delete(id);
    return this.index.retain(ids);
  }

  async updateDepartments() {
    const departments = await this.fetchDepartments();
    if (!sameDepartments(departments, this.departments)) {
      this.index.setDepartments(departments);
      this.departments = departments;
    }
  }

  free() {
    this.index?.free();
    this.index = null;
  }
}
