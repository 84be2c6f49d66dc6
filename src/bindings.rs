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
use crate::room::{DataError, Field, RoomBatch, RoomFields};
use crate::zone::LocalZone;
use crate::{json_input, respond};
use js_sys::{Array, Date, Object, Reflect, Uint8Array, JSON};
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
#[wasm_bindgen(js_name = dateParse, skip_typescript)]
pub fn date_parse(text: &str) -> f64 {
    crate::date_parse::date_parse(text, &HostZone).map_or(f64::NAN, |ms| ms as f64)
}

fn body(rooms: &JsValue, departments: &JsValue, params: &JsValue) -> Body {
    respond(
        &params_from_js(params),
        &HostZone,
        |zone| rooms_from_js(rooms, zone),
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

pub(crate) fn rooms_from_js(value: &JsValue, zone: &dyn LocalZone) -> Result<RoomBatch, DataError> {
    if let Some(bytes) = json_bytes(value) {
        return json_input::read_rooms(&bytes, zone);
    }
    let array = records_array(value, "rooms").ok_or_else(|| {
        DataError::new("rooms must be an array, a {rooms: [...]} page, or JSON text or bytes")
    })?;
    let mut batch = RoomBatch::default();
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
        batch.push(&fields, index, zone)?;
    }
    Ok(batch)
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
