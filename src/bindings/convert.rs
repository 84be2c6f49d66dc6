//! JavaScript values into the core's types, and nothing else: every rule
//! is applied by the core after conversion.

use crate::records::department::{body_key, DepartmentFields, Departments, Name};
use crate::records::field::{DataError, DepartmentView, Field};
use crate::records::json_input;
use crate::records::room::{classify, deliver, OpenField, RoomFields, RoomSink, RoomView};
use crate::server::date_parse::{date_parse, time_clip};
use crate::server::params::{ParamValue, Params};
use crate::server::zone::LocalZone;
use js_sys::{Array, Date, Float64Array, Int32Array, Object, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

#[wasm_bindgen(module = "/src/bindings/rooms.js")]
extern "C" {
    #[wasm_bindgen(js_name = extractRooms)]
    fn extract_rooms(rooms: &Array) -> JsValue;
    #[wasm_bindgen(js_name = chartBody)]
    pub(crate) fn chart_body(names: &Array, counts: &[f64]) -> JsValue;
    #[wasm_bindgen(catch, js_name = departmentEntries)]
    pub(crate) fn department_entries(body: &JsValue) -> Result<JsValue, JsValue>;
}

/// A JavaScript value as a raw field: the one conversion cascade, used for
/// room fields, department fields and (through [`param_value`]) parameters.
pub(crate) fn field(value: &JsValue) -> Field {
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

/// `{$date: …}`, `{$numberLong: "…"}` and `{$oid: "…"}` objects (Extended
/// JSON already parsed by `JSON.parse`); any other object is opaque.
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
        "$oid" => inner.as_string().map_or(Field::Object, Field::ObjectId),
        _ => Field::Object,
    }
}

/// A parameter value: [`field`], seen as the HTTP query would carry it.
/// A `Date` stands for its ISO string (documented extension); wrappers
/// that mean something in records are plain objects here.
fn param_value(value: &JsValue) -> ParamValue {
    match field(value) {
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

/// The `params` argument: an object's own enumerable keys with their values.
pub(crate) fn params(value: &JsValue) -> Params {
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

/// JSON text or bytes, if `value` is either.
pub(crate) fn json_bytes(value: &JsValue) -> Option<Vec<u8>> {
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

/// Reads rooms given as JSON text or bytes, an array, or a REST page.
pub(crate) fn rooms_into(value: &JsValue, zone: &dyn LocalZone, sink: &mut dyn RoomSink) -> Result<(), DataError> {
    if let Some(bytes) = json_bytes(value) {
        return json_input::read_rooms_into(&bytes, zone, sink);
    }
    let array = records_array(value, "rooms")
        .ok_or_else(|| DataError::new("rooms must be an array, a {rooms: [...]} page, or JSON text or bytes"))?;
    let columns = extract_rooms(&array);
    if !columns.is_null() && rooms_from_columns(&columns, zone, sink) {
        return Ok(());
    }
    sink.reset();
    for (index, room) in array.iter().enumerate() {
        if !room.is_object() || Array::is_array(&room) {
            return Err(DataError::new(format!("rooms[{index}] is not an object")));
        }
        let get = |key: &str| Reflect::get(&room, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED);
        let fields = RoomFields {
            id: field(&get("_id")),
            updated_at: field(&get("_updatedAt")),
            t: field(&get("t")),
            open: field(&get("open")),
            department_id: field(&get("departmentId")),
            ts: field(&get("ts")),
            department: department_fields(&get("department")),
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
    // A date code from `rooms.js`: 0 none, 1 milliseconds, 2 text.
    let date = |code: u8, ms: f64, texts: &mut std::str::Split<'_, char>| -> Result<Option<i64>, ()> {
        match code {
            0 => Ok(None),
            1 => time_clip(ms).map(Some).ok_or(()),
            _ => texts.next().and_then(|text| date_parse(text, zone)).map(Some).ok_or(()),
        }
    };
    for i in 0..facts.len() {
        let f = facts[i];
        let open = match (f >> 1) & 3 {
            1 => OpenField::True,
            0 => OpenField::Absent,
            _ => OpenField::Other,
        };
        let (Ok(room_ts), Ok(room_updated)) =
            (date((f >> 3) & 3, ts[i], &mut ts_texts), date((f >> 5) & 3, updated_at[i], &mut updated_texts))
        else {
            return false; // not a date: the exact reader names the field
        };
        let department = match department[i] {
            -2 => DepartmentView::Absent,
            -1 => DepartmentView::Null,
            at => match department_ids.get(at as usize) {
                Some(id) => DepartmentView::Id(id),
                None => return false,
            },
        };
        let id = if f & 0x80 != 0 { ids.next() } else { None };
        sink.room(RoomView { id, updated_at: room_updated, state: classify(f & 1 == 1, open), department, ts: room_ts });
    }
    true
}

/// Reads the `departments` argument; `None` for `null` or `undefined`.
pub(crate) fn departments(value: &JsValue) -> Result<Option<Departments>, DataError> {
    if value.is_null() || value.is_undefined() {
        return Ok(None);
    }
    if let Some(bytes) = json_bytes(value) {
        return json_input::read_departments(&bytes).map(Some);
    }
    let array = records_array(value, "departments")
        .ok_or_else(|| DataError::new("departments must be an array, a {departments: [...]} page, JSON text or bytes, or null"))?;
    let mut records = Vec::with_capacity(array.length() as usize);
    for (index, department) in array.iter().enumerate() {
        let fields = department_fields(&department).ok_or_else(|| DataError::new(format!("departments[{index}] is not an object")))?;
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
