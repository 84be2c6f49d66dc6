//! The options argument: `{ timeZone }`.

use crate::bindings::errors::{range_error, type_error};
use crate::chart::series::Bucket;
use crate::server::zone::host::{HostZone, NamedZone};
use crate::server::zone::{LocalZone, Utc};
use js_sys::Reflect;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::JsValue;

/// The zone that dates without an offset are read in: the named IANA
/// zone, or the host's own zone when `timeZone` is not given.
pub(crate) fn zone(options: &JsValue) -> Result<Rc<dyn LocalZone>, JsValue> {
    if options.is_undefined() || options.is_null() {
        return Ok(Rc::new(HostZone));
    }
    if !options.is_object() {
        return Err(type_error("options must be an object such as { timeZone: 'UTC' }"));
    }
    zone_of(Reflect::get(options, &"timeZone".into())?)
}

/// The zone for an `options.timeZone` value already read (a getter is
/// called once): the host's when undefined.
fn zone_of(name: JsValue) -> Result<Rc<dyn LocalZone>, JsValue> {
    if name.is_undefined() {
        return Ok(Rc::new(HostZone));
    }
    let Some(name) = name.as_string() else {
        return Err(type_error("options.timeZone must be a string, an IANA zone name such as 'America/Sao_Paulo'"));
    };
    named(&name)
}

/// Zones built lately, by name: building one asks `Intl` for a formatter
/// (about 50 µs), and a caller passes the same `timeZone` on every call.
/// Their offset caches are shared too, which is safe: an offset depends
/// only on the zone and the instant.
const REMEMBERED: usize = 8;

thread_local! {
    static ZONES: RefCell<Vec<(String, Rc<dyn LocalZone>)>> = const { RefCell::new(Vec::new()) };
}

fn named(name: &str) -> Result<Rc<dyn LocalZone>, JsValue> {
    if let Some(zone) = ZONES.with(|zones| zones.borrow().iter().find(|(known, _)| known == name).map(|(_, zone)| Rc::clone(zone))) {
        return Ok(zone);
    }
    // "UTC" is offset zero at every instant in every tz database.
    let zone: Rc<dyn LocalZone> = if name == "UTC" {
        Rc::new(Utc)
    } else {
        Rc::new(NamedZone::new(name).map_err(|_| {
            range_error(&format!(
                "options.timeZone: unknown time zone \"{name}\" (expected an IANA name such as 'UTC' or 'America/Sao_Paulo')"
            ))
        })?)
    };
    ZONES.with(|zones| {
        let mut zones = zones.borrow_mut();
        if zones.len() == REMEMBERED {
            zones.remove(0);
        }
        zones.push((name.to_owned(), Rc::clone(&zone)));
    });
    Ok(zone)
}

/// The options of `index.series`: `{ bucket: 'day' | 'week', timeZone? }`.
/// `bucket` defaults to `'day'`; the zone is `None` when not named (the
/// index's own zone then splits the days).
pub(crate) fn series(options: &JsValue) -> Result<(Bucket, Option<Rc<dyn LocalZone>>), JsValue> {
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
    let zone = if named.is_undefined() { None } else { Some(zone_of(named)?) };
    Ok((bucket, zone))
}
