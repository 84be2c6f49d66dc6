//! What the bindings throw: an `Error` carrying the 400 body for bad data,
//! a `RangeError` for an unknown time zone.

use crate::chart::respond::data_failure;
use crate::records::field::DataError;
use crate::server::failure::ErrorType;
use js_sys::{Reflect, JSON};
use wasm_bindgen::JsValue;

/// An `Error` whose message is the failure's text and whose `body` is the
/// 400 body `chatsPerDepartment` would answer.
pub(crate) fn rooms_error(error: DataError) -> JsValue {
    let failure = data_failure(error, ErrorType::InvalidRooms);
    let js_error = js_sys::Error::new(&failure.error);
    let body = JSON::parse(&failure.to_json()).unwrap_or(JsValue::NULL);
    let _ = Reflect::set(&js_error, &"body".into(), &body);
    js_error.into()
}

/// A `TypeError` with this message.
pub(crate) fn type_error(message: &str) -> JsValue {
    js_sys::TypeError::new(message).into()
}

/// A `RangeError` with this message.
pub(crate) fn range_error(message: &str) -> JsValue {
    js_sys::RangeError::new(message).into()
}
