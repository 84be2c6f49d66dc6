//! JavaScript values into the core's types, and nothing else: every rule
//! is applied by the core after conversion.
//!
//! The caller's values are read by `read.js` (`readRooms`,
//! `readDepartments`, `readParams`, `readIds`), in JavaScript, inside
//! try/catch: a getter that throws, a Proxy trap, a revoked Proxy or a
//! value nested too deeply becomes a plain "failed" answer there, and no
//! JavaScript exception ever unwinds through wasm frames. This file only
//! reads the plain values those functions build (typed arrays, strings,
//! numbers and arrays of them), which cannot throw.

use super::protocol;
use crate::chart::index::snapshot::{self, HEADER_BYTES};
use crate::records::department::{body_key, DepartmentFields, Departments, Name};
use crate::records::field::{DataError, DataErrorKind, DepartmentView, Field};
use crate::records::json_input;
use crate::records::room::{classify, deliver, OpenField, RoomFields, RoomSink, RoomView};
use crate::records::stream::RoomStream;
use crate::server::date_parse::{date_parse, time_clip};
use crate::server::params::{ParamValue, Params};
use crate::server::zone::LocalZone;
use js_sys::{Array, Date, Float64Array, Int32Array, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

// The caller's values, read in JavaScript (see read.js's header).
#[wasm_bindgen(module = "/src/bindings/read.js")]
extern "C" {
    #[wasm_bindgen(js_name = readRooms)]
    fn read_rooms(value: &JsValue) -> JsValue;
    #[wasm_bindgen(js_name = readRoomsExact)]
    fn read_rooms_exact(value: &JsValue) -> JsValue;
    #[wasm_bindgen(js_name = readDepartments)]
    fn read_departments(value: &JsValue) -> JsValue;
    #[wasm_bindgen(js_name = readParams)]
    fn read_params(value: &JsValue) -> JsValue;
    #[wasm_bindgen(js_name = readIds)]
    fn read_ids(value: &JsValue) -> JsValue;
    #[wasm_bindgen(js_name = snapshotBytes)]
    fn snapshot_bytes(value: &JsValue) -> JsValue;
}

// The answers, built in JavaScript as JSON.parse builds them.
#[wasm_bindgen(module = "/src/bindings/answers.js")]
extern "C" {
    #[wasm_bindgen(js_name = chartBody)]
    pub(crate) fn chart_body(names: &Array, counts: &[f64]) -> JsValue;
    #[wasm_bindgen(js_name = seriesBody)]
    pub(crate) fn series_body(names: &Array, bounds: &[f64], cells: &[f64]) -> JsValue;
    #[wasm_bindgen(js_name = departmentRecord)]
    pub(crate) fn department_record(id: &str, name: &str) -> JsValue;
    #[wasm_bindgen(js_name = timeRange)]
    pub(crate) fn time_range(first: f64, last: f64) -> JsValue;
    #[wasm_bindgen(catch, js_name = departmentEntries)]
    pub(crate) fn department_entries(body: &JsValue) -> Result<JsValue, JsValue>;
}

// Helpers shared with the package's guards (packaging/freed.js).
#[wasm_bindgen(module = "/src/bindings/values.js")]
extern "C" {
    /// What a value is, in words ("a string", "an ArrayBuffer", "null").
    fn describe(value: &JsValue) -> String;
}

/// `answer[key]` of a plain answer built by `read.js`.
fn get(answer: &JsValue, key: &str) -> JsValue {
    Reflect::get(answer, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

/// An array index in an answer (as an integer: formatting an `f64` would
/// link core's float formatting, 10 KB of the module).
fn index_of(answer: &JsValue, key: &str) -> Option<u64> {
    get(answer, key).as_f64().map(|index| index as u64)
}

/// The "failed" answer of `read.js` as a data error ("rooms[3].ts could
/// not be read: …"), if it is one.
fn failed(answer: &JsValue) -> Option<DataError> {
    let path = get(answer, "failed").as_string()?;
    Some(DataError::new(format!("{path} {}", get(answer, "problem").as_string().unwrap_or_default())))
}

/// A value tagged by `read.js`'s `raw`: the one conversion cascade, used
/// for room fields, department fields and (through [`param_value`])
/// parameters. The tags are `raw`'s constants.
pub(crate) fn field(tagged: &JsValue) -> Field {
    let tagged: &Array = tagged.unchecked_ref();
    let payload = tagged.get(1);
    match tagged.get(0).as_f64().unwrap_or(-1.0) as i32 {
        protocol::ABSENT => Field::Absent,
        protocol::NULL => Field::Null,
        protocol::BOOL => Field::Bool(payload.as_bool().unwrap_or(false)),
        protocol::NUMBER => Field::Number(payload.as_f64().unwrap_or(f64::NAN)),
        protocol::STRING => Field::Text(payload.as_string().unwrap_or_default()),
        protocol::DATE => Field::Date(payload.as_f64().unwrap_or(f64::NAN)),
        protocol::ARRAY => Field::Array,
        protocol::EXTENDED_DATE => Field::ExtendedDate(Box::new(field(&payload))),
        protocol::NUMBER_LONG => Field::NumberLong(payload.as_string().unwrap_or_default()),
        protocol::OBJECT_ID => Field::ObjectId(payload.as_string().unwrap_or_default()),
        // protocol::OBJECT, and anything else.
        _ => Field::Object,
    }
}

/// A parameter value: [`field`], seen as the HTTP query would carry it.
/// A `Date` stands for its ISO string (documented extension); wrappers
/// that mean something in records are plain objects here.
fn param_value(tagged: &JsValue) -> ParamValue {
    match field(tagged) {
        Field::Absent => ParamValue::Undefined,
        Field::Null => ParamValue::Null,
        Field::Bool(b) => ParamValue::Bool(b),
        Field::Number(n) => ParamValue::Number(n),
        Field::Text(s) => ParamValue::String(s),
        Field::Date(ms) if ms.is_nan() => ParamValue::String("Invalid Date".to_owned()),
        Field::Date(ms) => ParamValue::String(Date::new(&JsValue::from_f64(ms)).to_iso_string().into()),
        Field::Array => ParamValue::Array,
        Field::ExtendedDate(_) | Field::NumberLong(_) | Field::ObjectId(_) | Field::Object => ParamValue::Object,
    }
}

/// The `params` argument: an object's own enumerable keys with their
/// values. A getter that throws is a `TypeError` naming the key (the
/// server never sees such a value, so there is no body to give).
pub(crate) fn params(value: &JsValue) -> Result<Params, JsValue> {
    let answer = read_params(value);
    // The common case, as one string `key\0value…` (see `readParams`).
    if let Some(text) = answer.as_string() {
        let mut parts = text.split('\0');
        let mut pairs = Vec::new();
        while let (Some(key), Some(value)) = (parts.next(), parts.next()) {
            pairs.push((key.to_owned(), ParamValue::String(value.to_owned())));
        }
        return Ok(Params::Object(pairs));
    }
    if let Some(error) = failed(&answer) {
        return Err(js_sys::TypeError::new(&error.message).into());
    }
    if get(&answer, "notObject").is_truthy() {
        return Ok(Params::NotAnObject);
    }
    let pairs = Array::from(&get(&answer, "pairs"))
        .iter()
        .map(|pair| {
            let pair: Array = pair.unchecked_into();
            (pair.get(0).as_string().unwrap_or_default(), param_value(&pair.get(1)))
        })
        .collect();
    Ok(Params::Object(pairs))
}

/// The `ids` of `remove`/`retain`, or a `TypeError` naming `method`.
pub(crate) fn ids(value: &JsValue, method: &str) -> Result<Vec<String>, JsValue> {
    let answer = read_ids(value);
    let type_error = |text: String| -> JsValue { js_sys::TypeError::new(&text).into() };
    if let Some(error) = failed(&answer) {
        return Err(type_error(format!("{method}(ids): {}", error.message)));
    }
    if get(&answer, "notArray").is_truthy() {
        return Err(type_error(format!("{method}(ids): ids must be an array of room _id strings")));
    }
    if let Some(index) = index_of(&answer, "notString") {
        return Err(type_error(format!("{method}(ids): ids[{index}] is not a string")));
    }
    Ok(Array::from(&get(&answer, "ids")).iter().filter_map(|id| id.as_string()).collect())
}

/// A snapshot's bytes, copied into wasm memory once, or a `TypeError`
/// saying what `value` was. The header is read first and the size
/// bounded, so bytes that are not a snapshot, or too many, are refused
/// before wasm memory grows to hold them.
pub(crate) fn snapshot(value: &JsValue) -> Result<Vec<u8>, JsValue> {
    const CALL: &str = "ChatIndex.fromBytes(bytes)";
    let bytes = snapshot_bytes(value);
    if bytes.is_undefined() {
        return Err(js_sys::TypeError::new(&format!(
            "{CALL}: bytes must be a Uint8Array or an ArrayBuffer (from index.toBytes()), not {}",
            describe(value)
        ))
        .into());
    }
    // A length past 4 GiB does not fit the `u32` of `length()`: read.js
    // answers it as a number.
    let size = match bytes.as_f64() {
        Some(size) => size as u64,
        None => u64::from(bytes.unchecked_ref::<Uint8Array>().length()),
    };
    if size > u64::from(MAX_JSON_BYTES) {
        return Err(js_sys::RangeError::new(&too_large(CALL, size, "a snapshot can be (1 GiB)")).into());
    }
    let bytes = bytes.unchecked_into::<Uint8Array>();
    let head = bytes.subarray(0, HEADER_BYTES as u32).to_vec();
    snapshot::check_header(&head, size).map_err(|error| JsValue::from(js_sys::Error::new(&error.to_string())))?;
    Ok(bytes.to_vec())
}

/// The most JSON one call copies into wasm memory (which never shrinks,
/// and holds 4 GiB at most): beyond it, `addStream` reads in pieces.
/// (`read.js` checks strings against the same figure.)
const MAX_JSON_BYTES: u32 = 1 << 30;

/// JSON text or bytes in a `{ json }` answer; too large is an error, found
/// before any copy.
fn json_of(answer: &JsValue, name: &str) -> Result<Option<Vec<u8>>, DataError> {
    let json = get(answer, "json");
    // A string's UTF-8 is at most three bytes per UTF-16 unit.
    let size = match (json.as_string(), as_bytes(&json)) {
        (None, None) => match index_of(answer, "tooLarge") {
            Some(size) => size,
            None => return Ok(None),
        },
        (Some(text), _) if text.len() <= MAX_JSON_BYTES as usize => return Ok(Some(text.into_bytes())),
        (Some(text), _) => text.len() as u64,
        (None, Some(bytes)) if bytes.length() <= MAX_JSON_BYTES => return Ok(Some(bytes.to_vec())),
        (None, Some(bytes)) => u64::from(bytes.length()),
    };
    Err(DataError::limit(too_large(name, size, "one call can hold; use ChatIndex.addStream, which reads it in pieces")))
}

/// A `{ json }` answer's value as bytes, unless it is text: bytes whose
/// brand read.js checked (any realm).
fn as_bytes(json: &JsValue) -> Option<&Uint8Array> {
    (!json.is_undefined() && json.as_string().is_none()).then(|| json.unchecked_ref())
}

/// The JSON bytes read.js found, within [`MAX_JSON_BYTES`], if bytes are
/// what was given (beyond it, [`json_of`] names the limit).
fn bytes_of(answer: &JsValue) -> Option<Uint8Array> {
    let json = get(answer, "json");
    as_bytes(&json).filter(|bytes| bytes.length() <= MAX_JSON_BYTES).cloned()
}

/// Bytes copied into wasm memory at a time by [`read_in_pieces`].
const PIECE: u32 = 1 << 18;

/// Reads rooms from JSON bytes held in JavaScript a piece at a time, as a
/// stream (whose outcome is the whole text's, `records/stream.rs`): the
/// bytes are never copied whole into wasm memory, which would keep their
/// size for good (wasm memory never shrinks), and each piece lands in
/// memory the reader has just used.
///
/// Where an error lies is paid for only when there is one, as the bytes
/// can be read again: they are read without keeping lines and columns
/// ([`RoomStream::unplaced`]), and after an error read again with them.
fn read_in_pieces(bytes: &Uint8Array, zone: &dyn LocalZone, sink: &mut dyn RoomSink) -> Result<(), DataError> {
    stream_pieces(bytes, RoomStream::unplaced(), zone, sink).or_else(|_| {
        sink.reset();
        stream_pieces(bytes, RoomStream::default(), zone, sink)
    })
}

fn stream_pieces(bytes: &Uint8Array, mut stream: RoomStream, zone: &dyn LocalZone, sink: &mut dyn RoomSink) -> Result<(), DataError> {
    let (mut start, length) = (0, bytes.length());
    while start < length {
        let end = length.min(start + PIECE);
        let piece = bytes.subarray(start, end);
        stream.push_with((end - start) as usize, |buffer| piece.copy_to(buffer), zone, sink)?;
        start = end;
    }
    stream.finish(zone, sink).map(drop)
}

/// "`name`: 1.1 GB is more than `limit`".
#[cold]
#[inline(never)]
fn too_large(name: &str, size: u64, limit: &str) -> String {
    let tenths = size / 100_000_000;
    format!("{name}: {}.{} GB is more than {limit}", tenths / 10, tenths % 10)
}

/// The `rooms` argument as `read.js` read it.
pub(crate) struct RoomsInput {
    answer: JsValue,
    value: JsValue,
    /// The exact reading, once one was needed.
    forced: std::cell::RefCell<Option<JsValue>>,
}

/// Reads the caller's `rooms` argument (in JavaScript; see the header).
pub(crate) fn rooms_input(value: &JsValue) -> RoomsInput {
    RoomsInput { answer: read_rooms(value), value: value.clone(), forced: Default::default() }
}

impl RoomsInput {
    /// The JSON text or bytes given, if that is what was given.
    pub(crate) fn json(&self) -> Result<Option<Vec<u8>>, DataError> {
        if let Some(error) = failed(&self.answer) {
            return Err(error);
        }
        json_of(&self.answer, "rooms")
    }

    /// Delivers the rooms to `sink`, whatever form they came in.
    pub(crate) fn read_into(&self, zone: &dyn LocalZone, sink: &mut dyn RoomSink) -> Result<(), DataError> {
        let answer = &self.answer;
        if let (None, Some(bytes)) = (failed(answer), bytes_of(answer)) {
            return read_in_pieces(&bytes, zone, sink);
        }
        if let Some(bytes) = self.json()? {
            return json_input::read_rooms_into(&bytes, zone, sink);
        }
        if get(answer, "shape").is_truthy() {
            return Err(DataError::of(DataErrorKind::Shape, "rooms must be an array, a {rooms: [...]} page, or JSON text or bytes"));
        }
        if let Some(index) = index_of(answer, "notObject") {
            return Err(DataError::new(format!("rooms[{index}] is not an object")));
        }
        let exact = get(answer, "exact");
        if exact.is_undefined() {
            if rooms_from_columns(answer, zone, sink) {
                return Ok(());
            }
            // A value the columns cannot carry (e.g. a date that is not one):
            // the exact reading names it.
            // Read once: a second delivery reads what was read, never a
            // getter again.
            sink.reset();
            let mut forced = self.forced.borrow_mut();
            let exact = forced.get_or_insert_with(|| force_exact(&self.value));
            return rooms_into_exact(exact, zone, sink);
        }
        rooms_into_exact(&exact, zone, sink)
    }
}

/// The exact reading of rooms the column pass accepted but whose values
/// the core rejects: read again field by field (the error names the field).
fn force_exact(value: &JsValue) -> JsValue {
    let answer = read_rooms_exact(value);
    match failed(&answer) {
        Some(_) => answer,
        None => get(&answer, "exact"),
    }
}

/// Rooms as `[[_id, _updatedAt, t, open, departmentId, ts, department], …]`.
fn rooms_into_exact(exact: &JsValue, zone: &dyn LocalZone, sink: &mut dyn RoomSink) -> Result<(), DataError> {
    if let Some(error) = failed(exact) {
        return Err(error);
    }
    for (index, room) in Array::from(exact).iter().enumerate() {
        let room: Array = room.unchecked_into();
        let fields = RoomFields {
            id: field(&room.get(0)),
            updated_at: field(&room.get(1)),
            t: field(&room.get(2)),
            open: field(&room.get(3)),
            department_id: field(&room.get(4)),
            ts: field(&room.get(5)),
            department: department_fields(&room.get(6)),
        };
        deliver(&fields, index, zone, sink)?;
    }
    Ok(())
}

/// The columns `extractRooms` handed over, delivered to `sink`; `false`
/// when a value needs the exact (field by field) reader.
fn rooms_from_columns(columns: &JsValue, zone: &dyn LocalZone, sink: &mut dyn RoomSink) -> bool {
    let get = |key: &str| Reflect::get(columns, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED);
    let (Ok(facts), Ok(department), Ok(ts), Ok(updated_at)) = (
        get("facts").dyn_into::<Uint8Array>(),
        get("department").dyn_into::<Int32Array>(),
        get("ts").dyn_into::<Float64Array>(),
        get("updatedAt").dyn_into::<Float64Array>(),
    ) else {
        return false;
    };
    let (facts, department, ts, updated_at) = (facts.to_vec(), department.to_vec(), ts.to_vec(), updated_at.to_vec());
    let department_ids: Vec<String> = Array::from(&get("departmentIds")).iter().filter_map(|id| id.as_string()).collect();
    let (ts_texts, updated_texts, ids) = (
        get("tsTexts").as_string().unwrap_or_default(),
        get("updatedTexts").as_string().unwrap_or_default(),
        get("ids").as_string().unwrap_or_default(),
    );
    let (mut ts_texts, mut updated_texts, mut ids) = (ts_texts.split('\0'), updated_texts.split('\0'), ids.split('\0'));
    let embedded = Array::from(&get("embedded"));
    for pair in embedded.iter().collect::<Vec<_>>().chunks(2) {
        let [id, name] = pair else { return false };
        let Some(id) = id.as_string() else { return false };
        let name = name.as_string();
        let name = match (&name, pair[1].is_null()) {
            (Some(text), _) => Name::Text(text),
            (None, true) => Name::Null,
            (None, false) => Name::Absent,
        };
        sink.embedded(&id, body_key(name));
    }
    // A date code (see `protocol`): none, milliseconds or text.
    let date = |code: u8, ms: f64, texts: &mut std::str::Split<'_, char>| -> Result<Option<i64>, ()> {
        match code {
            protocol::DATE_MS => time_clip(ms).map(Some).ok_or(()),
            protocol::DATE_TEXT => texts.next().and_then(|text| date_parse(text, zone)).map(Some).ok_or(()),
            _ => Ok(None),
        }
    };
    for i in 0..facts.len() {
        let f = facts[i];
        let open = match f & (protocol::OPEN_TRUE | protocol::OPEN_OTHER) {
            protocol::OPEN_TRUE => OpenField::True,
            0 => OpenField::Absent,
            _ => OpenField::Other,
        };
        let (Ok(room_ts), Ok(room_updated)) = (
            date((f >> protocol::TS_SHIFT) & 3, ts[i], &mut ts_texts),
            date((f >> protocol::UPDATED_SHIFT) & 3, updated_at[i], &mut updated_texts),
        ) else {
            return false; // not a date: the exact reader names the field
        };
        let department = match department[i] {
            protocol::DEPARTMENT_ABSENT => DepartmentView::Absent,
            protocol::DEPARTMENT_NULL => DepartmentView::Null,
            at => match department_ids.get(at as usize) {
                Some(id) => DepartmentView::Id(id),
                None => return false,
            },
        };
        let id = if f & protocol::HAS_ID != 0 { ids.next() } else { None };
        sink.room(RoomView { id, updated_at: room_updated, state: classify(f & protocol::LIVECHAT != 0, open), department, ts: room_ts });
    }
    true
}

/// Reads the `departments` argument; `None` for `null` or `undefined`.
pub(crate) fn departments(value: &JsValue) -> Result<Option<Departments>, DataError> {
    let answer = read_departments(value);
    if let Some(error) = failed(&answer) {
        return Err(error);
    }
    if get(&answer, "none").is_truthy() {
        return Ok(None);
    }
    if let Some(bytes) = json_of(&answer, "departments")? {
        return json_input::read_departments(&bytes).map(Some);
    }
    if get(&answer, "shape").is_truthy() {
        return Err(DataError::of(
            DataErrorKind::Shape,
            "departments must be an array, a {departments: [...]} page, JSON text or bytes, or null",
        ));
    }
    if let Some(index) = index_of(&answer, "notObject") {
        return Err(DataError::new(format!("departments[{index}] is not an object")));
    }
    let records: Vec<DepartmentFields> = Array::from(&get(&answer, "records")).iter().filter_map(|d| department_fields(&d)).collect();
    Departments::from_records(&records).map(Some)
}

/// `[_id, name]` (each tagged by `raw`) as fields; `None` for `null`.
fn department_fields(pair: &JsValue) -> Option<DepartmentFields> {
    let pair: &Array = pair.dyn_ref()?;
    Some(DepartmentFields { id: field(&pair.get(0)), name: field(&pair.get(1)) })
}
