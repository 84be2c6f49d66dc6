//! Zones a JavaScript host knows (wasm builds only): its own local zone,
//! and any IANA zone through `Intl`, so that a browser in one zone reads
//! dates exactly as a server in another does.

use crate::server::calendar::{make_day, make_time};
use crate::server::zone::LocalZone;
use std::cell::RefCell;
use wasm_bindgen::prelude::*;

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

    /// `Intl.DateTimeFormat`, constructed fallibly (an unknown zone throws).
    #[wasm_bindgen(js_namespace = Intl, js_name = DateTimeFormat)]
    type ZoneFormat;
    #[wasm_bindgen(catch, constructor, js_namespace = Intl, js_class = "DateTimeFormat")]
    fn new(locale: &str, options: &JsValue) -> Result<ZoneFormat, JsValue>;
    #[wasm_bindgen(method, js_class = "DateTimeFormat", js_name = formatToParts)]
    fn format_to_parts(this: &ZoneFormat, date: &LocalDate) -> js_sys::Array;
}

/// The offset of a wall clock that reads `fields` (year, month 0–11, day,
/// hours, minutes, seconds) at `utc_ms`; the milliseconds are `utc_ms`'s.
fn offset_of(fields: [f64; 6], utc_ms: i64) -> i64 {
    let [year, month, day, hours, minutes, seconds] = fields.map(|v| v as i64);
    let day = make_day(year, month, day);
    let time = make_time(hours, minutes, seconds, utc_ms.rem_euclid(1000));
    day.map_or(0, |day| day * 86_400_000 + time - utc_ms)
}

/// The JavaScript host's time zone, read off the local calendar fields of a
/// `Date` (not `getTimezoneOffset`, which drops the seconds of historic
/// offsets such as Sao Paulo's local mean time, -3:06:28).
///
/// # Example
/// ```ignore
/// // wasm only: the browser's (or Node's TZ) zone.
/// let offset = HostZone.offset_ms(0);
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct HostZone;

impl LocalZone for HostZone {
    fn offset_ms(&self, utc_ms: i64) -> i64 {
        let d = LocalDate::new(utc_ms as f64);
        offset_of([d.year(), d.month(), d.day(), d.hours(), d.minutes(), d.seconds()], utc_ms)
    }
}

/// An IANA zone (`"America/Sao_Paulo"`) through the host's `Intl`: offsets
/// to the second, historic ones and transitions included, as V8's
/// `Date.parse` reads local times under `TZ=<zone>` (both use ICU's data).
///
/// # Example
/// ```ignore
/// // wasm only.
/// let zone = NamedZone::new("Asia/Kolkata").unwrap();
/// assert_eq!(zone.offset_ms(0), 19_800_000);
/// ```
#[derive(Debug)]
pub struct NamedZone {
    format: ZoneFormat,
    /// The last offsets asked for, `(utc_ms, offset)`: a query asks for
    /// the same few instants again and again.
    cache: RefCell<[(i64, i64); CACHED]>,
}

impl std::fmt::Debug for ZoneFormat {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Intl.DateTimeFormat")
    }
}

/// Offsets a [`NamedZone`] remembers: a query's two dates each probe about
/// four instants.
const CACHED: usize = 16;

impl NamedZone {
    /// The zone called `name`, or the host's `RangeError` for a name it
    /// does not know.
    pub fn new(name: &str) -> Result<NamedZone, JsValue> {
        let options = js_sys::Object::new();
        let set = |key: &str, value: &str| js_sys::Reflect::set(&options, &key.into(), &value.into());
        set("timeZone", name)?;
        set("hourCycle", "h23")?;
        set("era", "short")?;
        for key in ["year", "month", "day", "hour", "minute", "second"] {
            set(key, "numeric")?;
        }
        let format = ZoneFormat::new("en-US", &options)?;
        Ok(NamedZone { format, cache: RefCell::new([(i64::MIN, 0); CACHED]) })
    }

    fn compute(&self, utc_ms: i64) -> i64 {
        let parts = self.format.format_to_parts(&LocalDate::new(utc_ms as f64));
        let mut fields = [0.0; 6];
        let mut before_christ = false;
        for part in parts.iter() {
            let get = |key: &str| js_sys::Reflect::get(&part, &key.into()).ok().and_then(|v| v.as_string()).unwrap_or_default();
            let value = get("value");
            let at = match get("type").as_str() {
                "year" => 0,
                "month" => 1,
                "day" => 2,
                "hour" => 3,
                "minute" => 4,
                "second" => 5,
                "era" => {
                    before_christ = value.starts_with('B');
                    continue;
                }
                _ => continue,
            };
            // Integers only: no float parser in the module.
            fields[at] = value.parse::<i32>().map_or(0.0, f64::from);
        }
        if before_christ {
            fields[0] = 1.0 - fields[0]; // 1 BC is year 0
        }
        fields[1] -= 1.0;
        offset_of(fields, utc_ms)
    }
}

impl LocalZone for NamedZone {
    fn offset_ms(&self, utc_ms: i64) -> i64 {
        if let Some(&(_, offset)) = self.cache.borrow().iter().find(|(at, _)| *at == utc_ms) {
            return offset;
        }
        let offset = self.compute(utc_ms);
        let mut cache = self.cache.borrow_mut();
        cache.rotate_right(1);
        cache[0] = (utc_ms, offset);
        offset
    }
}
