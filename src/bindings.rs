//! The JavaScript boundary: converts arguments into the core's types and
//! the body back into a JavaScript object. No rule of the endpoint lives
//! here.
//!
//! The body crosses as JSON text and is turned into an object by
//! `JSON.parse`, which creates every key as an own data property: a
//! department named `__proto__` or `toString` is plain data, never a
//! prototype change.

use crate::body::Body;
use crate::calendar::{make_day, make_time};
use crate::department::{DepartmentFields, Departments};
use crate::params::{ParamValue, Params};
use crate::index::ChatIndex;
use crate::room::{deliver, DataError, DepartmentView, Field, RoomFields, RoomSink, RoomView, State};
use crate::zone::MAX_TIME_MS;
use crate::zone::LocalZone;
use crate::{data_error, json_input, respond, INVALID_ROOMS};
use js_sys::{Array, Date, Function, Object, Promise, Reflect, Uint8Array, JSON};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen_futures::{future_to_promise, JsFuture};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &'static str = r#"
/** Extended JSON date, as `mongoexport` writes it. */
export type ExtendedJsonDate = { $date: string | number | { $numberLong: string } };

/**
 * A livechat room as Rocket.Chat's REST API (or a mongoexport) gives it.
 * Only `t`, `open`, `departmentId`, `ts` and `department` are read.
 */
export interface Room {
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

/**
 * The body `GET /api/v1/livechat/analytics/dashboards/charts/chats-per-department`
 * would return for these records and parameters.
 *
 * @example
 * const body = chatsPerDepartment(rooms, departments, { start: "2020-09-01", end: "2020-10-01" });
 * if (body.success) for (const [name, c] of Object.entries(body)) { ... }
 */
export function chatsPerDepartment(rooms: RoomsInput, departments: DepartmentsInput, params: ChatsPerDepartmentParams): ResponseBody;

/** Same as `chatsPerDepartment`, as the JSON text the server would send. */
export function chatsPerDepartmentJson(rooms: RoomsInput, departments: DepartmentsInput, params: ChatsPerDepartmentParams): string;

/**
 * `Date.parse` as V8 (Node.js, the server) computes it, in any browser:
 * milliseconds since the epoch, or NaN.
 */
export function dateParse(text: string): number;

/** Size of this module's WebAssembly memory, in bytes (it grows, never shrinks). */
export function wasmMemoryBytes(): number;

/** Thrown by `ChatIndex.add` / `addStream` for a bad page; `body` is the 400 body. */
export interface ChatIndexError extends Error {
  body: FailureBody;
}

/**
 * Rooms loaded once, the chart re-queried in microseconds. Answers exactly
 * what `chatsPerDepartment` answers for the same rooms.
 *
 * @example
 * const index = new ChatIndex(departments);
 * index.add(page1); index.add(page2);              // or: await index.addStream(response.body)
 * index.query({ start: "2020-09-01", end: "2020-10-01" });
 * index.free();
 */
export class ChatIndex {
  /** `departments` as in `chatsPerDepartment`; omit or `null` to use the rooms' embedded names. */
  constructor(departments?: DepartmentsInput);
  /** Adds a page of rooms; returns how many it held. All or nothing: throws a `ChatIndexError` and changes nothing on a bad page. */
  add(rooms: RoomsInput): number;
  /** Parses a byte stream (e.g. `response.body`) as chunks arrive. All or nothing, like `add`. */
  addStream(stream: ReadableStream<Uint8Array>): Promise<number>;
  /** The server's body for these parameters, errors included. */
  query(params: ChatsPerDepartmentParams): ResponseBody;
  /** `query` as the JSON text the server would send. */
  queryJson(params: ChatsPerDepartmentParams): string;
  /** Merges recently added rooms now rather than on the next query. */
  settle(): void;
  /** Rooms added, countable or not. */
  readonly size: number;
  /** Bytes held in wasm memory by the room columns. */
  readonly memoryBytes: number;
  /** Releases the wasm memory of this index. */
  free(): void;
}
"#;

#[wasm_bindgen]
extern "C" {
    /// A `Date` read through its local calendar getters, typed as numbers
    /// (js-sys declares `getFullYear` as `u32`, which loses years before 1 CE).
    #[wasm_bindgen(js_name = Date)]
    type LocalDate;
    #[wasm_bindgen(constructor, js_class = "Date")]
    fn new(ms: f64) -> LocalDate;
    #[wasm_bindgen(method, js_class = "Date", js_name = getFullYear)]
    fn year(this: &LocalDate) -> f64;
    #[wasm_bindgen(method, js_class = "Date", js_name = getMonth)]
    fn month(this: &LocalDate) -> f64;
    #[wasm_bindgen(method, js_class = "Date", js_name = getDate)]
    fn day(this: &LocalDate) -> f64;
    #[wasm_bindgen(method, js_class = "Date", js_name = getHours)]
    fn hours(this: &LocalDate) -> f64;
    #[wasm_bindgen(method, js_class = "Date", js_name = getMinutes)]
    fn minutes(this: &LocalDate) -> f64;
    #[wasm_bindgen(method, js_class = "Date", js_name = getSeconds)]
    fn seconds(this: &LocalDate) -> f64;
    #[wasm_bindgen(method, js_class = "Date", js_name = getMilliseconds)]
    fn milliseconds(this: &LocalDate) -> f64;
}

/// The JavaScript host's time zone, read off the local calendar fields of a
/// `Date` (not `getTimezoneOffset`, which drops the seconds of historic
/// offsets such as Sao Paulo's local mean time, -3:06:28).
pub(crate) struct HostZone;

impl LocalZone for HostZone {
    fn offset_ms(&self, utc_ms: i64) -> i64 {
        let d = LocalDate::new(utc_ms as f64);
        let day = make_day(d.year() as i64, d.month() as i64, d.day() as i64);
        let time = make_time(d.hours() as i64, d.minutes() as i64, d.seconds() as i64, d.milliseconds() as i64);
        day.map_or(0, |day| day * 86_400_000 + time - utc_ms)
    }
}

#[cfg(feature = "panic-hook")]
#[wasm_bindgen(start)]
fn start() {
    console_error_panic_hook::set_once();
}

/// See the TypeScript declaration above.
#[wasm_bindgen(js_name = chatsPerDepartment, skip_typescript)]
pub fn chats_per_department(rooms: JsValue, departments: JsValue, params: JsValue) -> JsValue {
    let text = chats_per_department_json(rooms, departments, params);
    JSON::parse(&text).unwrap_or(JsValue::NULL)
}

/// See the TypeScript declaration above.
#[wasm_bindgen(js_name = chatsPerDepartmentJson, skip_typescript)]
pub fn chats_per_department_json(rooms: JsValue, departments: JsValue, params: JsValue) -> String {
    body(&rooms, &departments, &params).to_json()
}

/// See the TypeScript declaration above.
#[wasm_bindgen(js_name = wasmMemoryBytes, skip_typescript)]
pub fn wasm_memory_bytes() -> f64 {
    (core::arch::wasm32::memory_size(0) * 65_536) as f64
}

/// See the TypeScript declaration above.
#[wasm_bindgen(js_name = dateParse, skip_typescript)]
pub fn date_parse(text: &str) -> f64 {
    crate::date_parse::date_parse(text, &HostZone).map_or(f64::NAN, |ms| ms as f64)
}

fn body(rooms: &JsValue, departments: &JsValue, params: &JsValue) -> Body {
    respond(
        &params_from_js(params),
        &HostZone,
        |zone, sink| rooms_into(rooms, zone, sink),
        || departments_from_js(departments),
    )
}

pub(crate) fn params_from_js(value: &JsValue) -> Params {
    if !value.is_object() || Array::is_array(value) {
        return Params::NotAnObject;
    }
    let object: &Object = value.unchecked_ref();
    let pairs = Object::keys(object)
        .iter()
        .map(|key| {
            let value = Reflect::get(object, &key).unwrap_or(JsValue::UNDEFINED);
            (key.as_string().unwrap_or_default(), param_value(&value))
        })
        .collect();
    Params::Object(pairs)
}

fn param_value(value: &JsValue) -> ParamValue {
    if value.is_undefined() {
        ParamValue::Undefined
    } else if value.is_null() {
        ParamValue::Null
    } else if let Some(b) = value.as_bool() {
        ParamValue::Bool(b)
    } else if let Some(n) = value.as_f64() {
        ParamValue::Number(n)
    } else if let Some(s) = value.as_string() {
        ParamValue::String(s)
    } else if let Some(date) = value.dyn_ref::<Date>() {
        // Documented extension: a Date stands for its ISO string.
        ParamValue::String(iso_string(date))
    } else if Array::is_array(value) {
        ParamValue::Array
    } else {
        ParamValue::Object
    }
}

fn iso_string(date: &Date) -> String {
    if date.get_time().is_nan() {
        "Invalid Date".to_owned()
    } else {
        date.to_iso_string().as_string().unwrap_or_default()
    }
}

/// JSON text or bytes, if `value` is either.
fn json_bytes(value: &JsValue) -> Option<Vec<u8>> {
    if let Some(text) = value.as_string() {
        return Some(text.into_bytes());
    }
    value.dyn_ref::<Uint8Array>().map(Uint8Array::to_vec)
}

/// The array inside `value`: itself, or its `key` property (a REST page).
fn records_array(value: &JsValue, key: &str) -> Option<Array> {
    if Array::is_array(value) {
        return Some(value.clone().unchecked_into());
    }
    if value.is_object() {
        let inner = Reflect::get(value, &JsValue::from_str(key)).ok()?;
        if Array::is_array(&inner) {
            return Some(inner.unchecked_into());
        }
    }
    None
}

#[wasm_bindgen(inline_js = r#"
// One plain pass over room objects, handing the fields the chart reads to
// wasm as typed arrays (instead of one boundary crossing per field).
// Returns null for anything unusual; the caller then reads the objects one
// field at a time, which produces the exact result or error message.
export function extractRooms(rooms) {
  const n = rooms.length;
  const kind = new Uint8Array(n); // bits 0-1: 1 open, 2 closed; 4: ms given; 8: text given
  const department = new Int32Array(n); // -2 absent, -1 null, else index into ids
  const ms = new Float64Array(n);
  const ids = [];
  const idIndex = new Map();
  const texts = [];
  const embedded = [];
  const named = new Set();
  for (let i = 0; i < n; i++) {
    const room = rooms[i];
    if (typeof room !== 'object' || room === null || Array.isArray(room)) return null;
    const t = room.t;
    const open = room.open;
    if (Array.isArray(t) || Array.isArray(open)) return null;
    let k = t === 'l' ? (open === true ? 1 : open === undefined ? 2 : 0) : 0;
    const d = room.departmentId;
    if (d === undefined) department[i] = -2;
    else if (d === null) department[i] = -1;
    else if (typeof d === 'string') {
      let at = idIndex.get(d);
      if (at === undefined) {
        at = ids.length;
        ids.push(d);
        idIndex.set(d, at);
      }
      department[i] = at;
    } else return null;
    let v = room.ts;
    if (typeof v === 'object' && v !== null && !(v instanceof Date)) {
      if (Array.isArray(v)) return null;
      const keys = Object.keys(v);
      if (keys.length !== 1 || keys[0] !== '$date') return null;
      v = v.$date;
      if (v === null || v === undefined) return null;
      if (typeof v === 'object' && !(v instanceof Date)) {
        const inner = Object.keys(v);
        if (inner.length !== 1 || inner[0] !== '$numberLong' || typeof v.$numberLong !== 'string' || !/^-?[0-9]{1,17}$/.test(v.$numberLong)) return null;
        v = Number(v.$numberLong);
      }
    }
    if (v === undefined || v === null) {
      // no time: matches nothing
    } else if (typeof v === 'number') {
      ms[i] = v;
      k |= 4;
    } else if (v instanceof Date) {
      ms[i] = v.getTime();
      k |= 4;
    } else if (typeof v === 'string') {
      if (v.includes('\0')) return null;
      texts.push(v);
      k |= 8;
    } else return null;
    kind[i] = k;
    const e = room.department;
    if (typeof e === 'object' && e !== null && !Array.isArray(e)) {
      const id = e._id;
      const name = e.name;
      if (typeof id !== 'string' || !(name === undefined || name === null || typeof name === 'string')) return null;
      if (!named.has(id)) {
        named.add(id);
        embedded.push(id, name === undefined ? 'undefined' : name === null ? 'null' : name);
      }
    }
  }
  return { kind, department, ms, ids, texts: texts.join('\0'), textCount: texts.length, embedded };
}
"#)]
extern "C" {
    #[wasm_bindgen(js_name = extractRooms)]
    fn extract_rooms(rooms: &Array) -> JsValue;
}

/// The columns `extractRooms` handed over, delivered to `sink`; `false`
/// when a value needs the exact (field by field) reader.
fn rooms_from_columns(columns: &JsValue, zone: &dyn LocalZone, sink: &mut dyn RoomSink) -> bool {
    let get = |key: &str| Reflect::get(columns, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED);
    let (Ok(kind), Ok(department), Ok(ms)) = (get("kind").dyn_into::<Uint8Array>(), get("department").dyn_into::<js_sys::Int32Array>(), get("ms").dyn_into::<js_sys::Float64Array>()) else {
        return false;
    };
    let (kind, department, ms) = (kind.to_vec(), department.to_vec(), ms.to_vec());
    let ids: Vec<String> = Array::from(&get("ids")).iter().filter_map(|id| id.as_string()).collect();
    let embedded: Vec<String> = Array::from(&get("embedded")).iter().filter_map(|v| v.as_string()).collect();
    let text_count = get("textCount").as_f64().unwrap_or(0.0) as usize;
    let joined = get("texts").as_string().unwrap_or_default();
    let mut texts = joined.split('\0').take(text_count);
    for pair in embedded.chunks(2) {
        if let [id, key] = pair {
            sink.embedded(id, key);
        }
    }
    for ((&k, &d), &millis) in kind.iter().zip(&department).zip(&ms) {
        let state = match k & 3 {
            1 => State::Open,
            2 => State::Closed,
            _ => State::Neither,
        };
        let ts = if k & 4 != 0 {
            match (millis.is_finite() && millis.abs() <= MAX_TIME_MS as f64).then(|| millis.trunc() as i64) {
                Some(ts) => Some(ts),
                None => return false,
            }
        } else if k & 8 != 0 {
            match texts.next().and_then(|text| crate::date_parse::date_parse(text, zone)) {
                Some(ts) => Some(ts),
                None => return false,
            }
        } else {
            None
        };
        let department = match d {
            -2 => DepartmentView::Absent,
            -1 => DepartmentView::Null,
            i => match ids.get(i as usize) {
                Some(id) => DepartmentView::Id(id),
                None => return false,
            },
        };
        sink.room(RoomView { state, department, ts });
    }
    true
}

/// Reads rooms given as JSON text or bytes, an array, or a REST page.
fn rooms_into(value: &JsValue, zone: &dyn LocalZone, sink: &mut dyn RoomSink) -> Result<(), DataError> {
    if let Some(bytes) = json_bytes(value) {
        return json_input::read_rooms_into(&bytes, zone, sink);
    }
    let array = records_array(value, "rooms").ok_or_else(|| {
        DataError::new("rooms must be an array, a {rooms: [...]} page, or JSON text or bytes")
    })?;
    let columns = extract_rooms(&array);
    if !columns.is_null() && rooms_from_columns(&columns, zone, sink) {
        return Ok(());
    }
    sink.reset();
    for (index, room) in array.iter().enumerate() {
        if !room.is_object() || Array::is_array(&room) {
            return Err(DataError::new(format!("rooms[{index}] is not an object")));
        }
        let get = |key: &str| field(&Reflect::get(&room, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED));
        let embedded = Reflect::get(&room, &JsValue::from_str("department")).unwrap_or(JsValue::UNDEFINED);
        let fields = RoomFields {
            t: get("t"),
            open: get("open"),
            department_id: get("departmentId"),
            ts: get("ts"),
            department: department_fields(&embedded),
        };
        deliver(&fields, index, zone, sink)?;
    }
    Ok(())
}

pub(crate) fn departments_from_js(value: &JsValue) -> Result<Option<Departments>, DataError> {
    if value.is_null() || value.is_undefined() {
        return Ok(None);
    }
    if let Some(bytes) = json_bytes(value) {
        return json_input::read_departments(&bytes).map(Some);
    }
    let array = records_array(value, "departments").ok_or_else(|| {
        DataError::new("departments must be an array, a {departments: [...]} page, JSON text or bytes, or null")
    })?;
    let mut records = Vec::with_capacity(array.length() as usize);
    for (index, department) in array.iter().enumerate() {
        let fields = department_fields(&department)
            .ok_or_else(|| DataError::new(format!("departments[{index}] is not an object")))?;
        records.push(fields);
    }
    Departments::from_records(&records).map(Some)
}

/// `_id` and `name` of an object; `None` for null, undefined and non-objects.
fn department_fields(value: &JsValue) -> Option<DepartmentFields> {
    if !value.is_object() || Array::is_array(value) {
        return None;
    }
    let get = |key: &str| field(&Reflect::get(value, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED));
    Some(DepartmentFields { id: get("_id"), name: get("name") })
}

fn field(value: &JsValue) -> Field {
    if value.is_undefined() {
        Field::Absent
    } else if value.is_null() {
        Field::Null
    } else if let Some(b) = value.as_bool() {
        Field::Bool(b)
    } else if let Some(n) = value.as_f64() {
        Field::Number(n)
    } else if let Some(s) = value.as_string() {
        Field::Text(s)
    } else if let Some(date) = value.dyn_ref::<Date>() {
        Field::Date(date.get_time())
    } else if Array::is_array(value) {
        Field::Array
    } else if value.is_object() {
        extended_json(value)
    } else {
        Field::Object
    }
}

/// `{$date: …}` and `{$numberLong: "…"}` objects (Extended JSON already
/// parsed by `JSON.parse`).
fn extended_json(value: &JsValue) -> Field {
    let keys = Object::keys(value.unchecked_ref::<Object>());
    if keys.length() != 1 {
        return Field::Object;
    }
    let key = keys.get(0).as_string().unwrap_or_default();
    let inner = Reflect::get(value, &JsValue::from_str(&key)).unwrap_or(JsValue::UNDEFINED);
    match key.as_str() {
        "$date" => Field::ExtendedDate(Box::new(field(&inner))),
        "$numberLong" => inner.as_string().map_or(Field::Object, Field::NumberLong),
        _ => Field::Object,
    }
}

/// See the TypeScript declaration of `ChatIndex` above. Shared (`Rc`) so
/// that `addStream` can keep loading across awaits.
#[wasm_bindgen(js_name = ChatIndex, skip_typescript)]
pub struct ChatIndexHandle {
    index: Rc<RefCell<ChatIndex>>,
    /// The department names as a JavaScript array, for one grouping
    /// generation: converted once, not on every query.
    names: RefCell<Option<(u64, Array)>>,
}

#[wasm_bindgen(inline_js = r#"
// Builds a chart body from names and [open, closed] pairs: the object
// JSON.parse would make from the body's JSON text (own data properties,
// JavaScript's key order, `success` assigned last), without the text.
export function chartBody(names, counts) {
  const body = {};
  for (let i = 0; i < names.length; i++) {
    const open = counts[2 * i];
    const closed = counts[2 * i + 1];
    if (open + closed === 0) continue;
    const value = { open, closed };
    if (names[i] === '__proto__') {
      Object.defineProperty(body, '__proto__', { value, enumerable: true, writable: true, configurable: true });
    } else {
      body[names[i]] = value;
    }
  }
  body.success = true;
  return body;
}
"#)]
extern "C" {
    #[wasm_bindgen(js_name = chartBody)]
    fn chart_body(names: &Array, counts: &[f64]) -> JsValue;
}

/// Chunks of a stream are copied into wasm memory this much at a time, so a
/// huge chunk never needs a huge buffer.
const STREAM_SLICE: u32 = 1 << 20;

#[wasm_bindgen(js_class = ChatIndex)]
impl ChatIndexHandle {
    /// `new ChatIndex(departments?)`.
    #[wasm_bindgen(constructor)]
    pub fn new(departments: JsValue) -> ChatIndexHandle {
        let index = match departments_from_js(&departments) {
            Ok(departments) => ChatIndex::new(departments),
            Err(error) => ChatIndex::with_departments_error(error),
        };
        ChatIndexHandle { index: Rc::new(RefCell::new(index)), names: RefCell::new(None) }
    }

    /// `index.add(rooms)`.
    pub fn add(&self, rooms: JsValue) -> Result<u32, JsValue> {
        let mut index = self.index.borrow_mut();
        let added = match json_bytes(&rooms) {
            Some(bytes) => index.add_json(&bytes, &HostZone),
            None => index.load(|loader| rooms_into(&rooms, &HostZone, loader)),
        };
        added.map(|n| n as u32).map_err(add_error)
    }

    /// `index.addStream(stream)`.
    #[wasm_bindgen(js_name = addStream)]
    pub fn add_stream(&self, stream: JsValue) -> Promise {
        let index = Rc::clone(&self.index);
        future_to_promise(async move {
            let reader = call(&stream, "getReader")?;
            let mut load = ChatIndex::begin_stream();
            let mut buffer = Vec::new();
            loop {
                let step = JsFuture::from(call(&reader, "read")?.dyn_into::<Promise>()?).await?;
                if Reflect::get(&step, &"done".into())?.is_truthy() {
                    break;
                }
                let chunk: Uint8Array = Reflect::get(&step, &"value".into())?.dyn_into()?;
                let mut at = 0;
                while at < chunk.length() {
                    let end = (at + STREAM_SLICE).min(chunk.length());
                    buffer.resize((end - at) as usize, 0);
                    chunk.subarray(at, end).copy_to(&mut buffer);
                    if let Err(error) = load.push(&buffer, &HostZone) {
                        let _ = call(&reader, "cancel");
                        return Err(add_error(error));
                    }
                    at = end;
                }
            }
            let added = index.borrow_mut().finish_stream(load).map_err(add_error)?;
            Ok(JsValue::from(added as u32))
        })
    }

    /// `index.query(params)`.
    pub fn query(&self, params: JsValue) -> JsValue {
        let mut index = self.index.borrow_mut();
        let (generation, counts) = match index.query_groups(&params_from_js(&params), &HostZone) {
            Ok(result) => result,
            Err(failure) => return JSON::parse(&failure.to_json()).unwrap_or(JsValue::NULL),
        };
        let mut names = self.names.borrow_mut();
        if names.as_ref().map(|(g, _)| *g) != Some(generation) {
            let array: Array = index.group_names().into_iter().map(JsValue::from_str).collect();
            *names = Some((generation, array));
        }
        let counts: Vec<f64> = counts.into_iter().map(|c| c as f64).collect();
        names.as_ref().map_or(JsValue::NULL, |(_, array)| chart_body(array, &counts))
    }

    /// `index.queryJson(params)`.
    #[wasm_bindgen(js_name = queryJson)]
    pub fn query_json(&self, params: JsValue) -> String {
        self.index.borrow_mut().query(&params_from_js(&params), &HostZone).to_json()
    }

    /// `index.settle()`.
    pub fn settle(&self) {
        self.index.borrow_mut().settle();
    }

    /// `index.size`.
    #[wasm_bindgen(getter)]
    pub fn size(&self) -> u32 {
        self.index.borrow().size() as u32
    }

    /// `index.memoryBytes`.
    #[wasm_bindgen(getter, js_name = memoryBytes)]
    pub fn memory_bytes(&self) -> u32 {
        self.index.borrow().column_bytes() as u32
    }
}

/// `object[method]()`.
fn call(object: &JsValue, method: &str) -> Result<JsValue, JsValue> {
    let function: Function = Reflect::get(object, &JsValue::from_str(method))?.dyn_into()?;
    function.call0(object)
}

/// An `Error` whose message is the failure's text and whose `body` is the
/// failure body.
fn add_error(error: DataError) -> JsValue {
    let failure = data_error(error, INVALID_ROOMS);
    let js_error = js_sys::Error::new(&failure.error);
    let body = JSON::parse(&failure.to_json()).unwrap_or(JsValue::NULL);
    let _ = Reflect::set(&js_error, &"body".into(), &body);
    js_error.into()
}
