//! The JavaScript boundary (wasm32 only): each export decodes its
//! arguments ([`convert`], [`options`]), calls the core, and encodes the
//! answer. No rule of the endpoint lives here; the TypeScript surface is
//! the hand-written `packaging/types/` (checked against these exports by
//! the test suite).

mod chat_index;
pub use chat_index::ChatIndexHandle;
mod convert;
mod errors;
mod options;
mod protocol;

use crate::chart::respond::respond;
use js_sys::JSON;
use wasm_bindgen::prelude::*;

#[cfg(feature = "panic-hook")]
#[wasm_bindgen(start)]
fn start() {
    console_error_panic_hook::set_once();
}

/// `chatsPerDepartment(rooms, departments, params, options?)`.
#[wasm_bindgen(js_name = chatsPerDepartment, skip_typescript)]
pub fn chats_per_department(rooms: JsValue, departments: JsValue, params: JsValue, options: JsValue) -> Result<JsValue, JsValue> {
    let text = chats_per_department_json(rooms, departments, params, options)?;
    JSON::parse(&text)
}

/// `chatsPerDepartmentJson(rooms, departments, params, options?)`.
#[wasm_bindgen(js_name = chatsPerDepartmentJson, skip_typescript)]
pub fn chats_per_department_json(rooms: JsValue, departments: JsValue, params: JsValue, options: JsValue) -> Result<String, JsValue> {
    let zone = options::zone(&options)?;
    let params = convert::params(&params)?;
    // The caller's values are read once; a second reading (two rooms may
    // share an `_id`) reads what was read, never a getter again.
    let rooms = convert::rooms_input(&rooms);
    let body = respond(&params, &*zone, |zone, sink| rooms.read_into(zone, sink), || convert::departments(&departments));
    Ok(body.to_json())
}

/// `departmentEntries(body)`.
#[wasm_bindgen(js_name = departmentEntries, skip_typescript)]
pub fn department_entries(body: JsValue) -> Result<JsValue, JsValue> {
    convert::department_entries(&body)
}

/// `wasmMemoryBytes()`.
#[wasm_bindgen(js_name = wasmMemoryBytes, skip_typescript)]
pub fn wasm_memory_bytes() -> f64 {
    (core::arch::wasm32::memory_size(0) * 65_536) as f64
}

#[wasm_bindgen]
extern "C" {
    /// `String(value)`: ECMAScript's ToString, as `Date.parse` applies it.
    #[wasm_bindgen(catch, js_name = String)]
    fn to_js_string(value: &JsValue) -> Result<String, JsValue>;
}

/// `dateParse(text, options?)`: V8's `Date.parse`, argument converted to a
/// string first, as V8 does.
#[wasm_bindgen(js_name = dateParse, skip_typescript)]
pub fn date_parse(text: JsValue, options: JsValue) -> Result<f64, JsValue> {
    let zone = options::zone(&options)?;
    if text.is_symbol() {
        return Err(errors::type_error("Cannot convert a Symbol value to a string"));
    }
    let text = match text.as_string() {
        Some(text) => text,
        None => to_js_string(&text)?,
    };
    Ok(crate::server::date_parse::date_parse(&text, &*zone).map_or(f64::NAN, |ms| ms as f64))
}
