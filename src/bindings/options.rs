//! The options argument: `{ timeZone }`.

use crate::bindings::errors::{range_error, type_error};
use crate::server::zone::host::{HostZone, NamedZone};
use crate::server::zone::LocalZone;
use js_sys::Reflect;
use wasm_bindgen::JsValue;

/// The zone that dates without an offset are read in: the named IANA
/// zone, or the host's own zone when `timeZone` is not given.
pub(crate) fn zone(options: &JsValue) -> Result<Box<dyn LocalZone>, JsValue> {
    if options.is_undefined() || options.is_null() {
        return Ok(Box::new(HostZone));
    }
    if !options.is_object() {
        return Err(type_error("options must be an object such as { timeZone: 'UTC' }"));
    }
    let name = Reflect::get(options, &"timeZone".into())?;
    if name.is_undefined() {
        return Ok(Box::new(HostZone));
    }
    let Some(name) = name.as_string() else {
        return Err(type_error("options.timeZone must be a string, an IANA zone name such as 'America/Sao_Paulo'"));
    };
    NamedZone::new(&name).map(|zone| Box::new(zone) as Box<dyn LocalZone>).map_err(|_| {
        range_error(&format!("options.timeZone: unknown time zone \"{name}\" (expected an IANA name such as 'UTC' or 'America/Sao_Paulo')"))
    })
}
