//! The options argument: `{ timeZone }`.

use crate::bindings::errors::{range_error, type_error};
use crate::chart::series::Bucket;
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

/// The options of `index.series`: `{ bucket: 'day' | 'week', timeZone? }`.
/// `bucket` defaults to `'day'`; the zone is `None` when not named (the
/// index's own zone then splits the days).
pub(crate) fn series(options: &JsValue) -> Result<(Bucket, Option<Box<dyn LocalZone>>), JsValue> {
    if options.is_undefined() || options.is_null() {
        return Ok((Bucket::Day, None));
    }
    if !options.is_object() {
        return Err(type_error("series options must be an object such as { bucket: 'day' }"));
    }
    let bucket = Reflect::get(options, &"bucket".into())?;
    let bucket = if bucket.is_undefined() {
        Bucket::Day
    } else {
        bucket.as_string().as_deref().and_then(Bucket::from_name).ok_or_else(|| range_error("options.bucket must be 'day' or 'week'"))?
    };
    let named = Reflect::get(options, &"timeZone".into())?;
    let zone = if named.is_undefined() { None } else { Some(zone(options)?) };
    Ok((bucket, zone))
}
