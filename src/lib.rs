//! Rocket.Chat's "chats per department" chart, computed exactly as the
//! server computes it, without the server.
//!
//! The endpoint `GET /api/v1/livechat/analytics/dashboards/charts/chats-per-department`
//! takes `start`, `end` and an optional `departmentId`, and answers
//! `{"Sales": {"open": 0, "closed": 9}, …, "success": true}` or a 400 body.
//! This crate gives the same answer from the raw room and department
//! records, byte for byte, including the error bodies.
//!
//! The pieces, in the order a request flows through them:
//!
//! - [`params`]: the server's schema check (Ajv, `coerceTypes: true`) and
//!   date checks, with its messages and precedence;
//! - [`date_parse`] (with [`zone`], [`calendar`], [`js_number`]): V8's
//!   `Date.parse`, which decides what "a valid date" is;
//! - [`fast_json`], [`json_input`], [`stream`], [`room`], [`department`]:
//!   the records, read from JSON (a hand-written reader for the hot path,
//!   serde for everything else) or built field by field, with errors that
//!   name the record and field;
//! - [`aggregate`]: the two MongoDB counts and how the server merges them;
//! - [`body`]: the response, as JSON text;
//! - [`index`]: [`index::ChatIndex`], rooms loaded once and re-queried in
//!   microseconds.
//!
//! The wasm bindings (compiled for `wasm32` only) add nothing but
//! conversions at the JavaScript boundary.
//!
//! # Example
//! ```
//! use chats_per_department::{chats_per_department_json, params::Params, zone::Utc};
//! let rooms = br#"[
//!   {"t":"l","open":true,"departmentId":"d1","ts":"2020-09-10T10:00:00.000Z"},
//!   {"t":"l","departmentId":"d1","ts":"2020-09-10T11:00:00.000Z"}
//! ]"#;
//! let departments = br#"[{"_id":"d1","name":"Sales"}]"#;
//! let params = Params::from_pairs([("start", "2020-09-10"), ("end", "2020-09-11")]);
//! let body = chats_per_department_json(rooms, Some(departments), &params, &Utc);
//! assert_eq!(body.to_json(), r#"{"Sales":{"open":1,"closed":1},"success":true}"#);
//! ```

pub mod aggregate;
pub mod body;
pub mod calendar;
pub mod date_parse;
pub mod department;
pub mod fast_json;
pub mod index;
pub mod js_number;
pub mod json_input;
pub mod params;
pub mod room;
pub mod stream;
pub mod zone;

#[cfg(target_arch = "wasm32")]
pub mod bindings;

use aggregate::Counter;
use body::{Body, Failure};
use department::Departments;
use params::Params;
use room::{DataError, RoomSink};
use zone::LocalZone;

/// `errorType` of a bad `rooms` argument.
pub const INVALID_ROOMS: &str = "invalid-rooms";
/// `errorType` of a bad `departments` argument.
pub const INVALID_DEPARTMENTS: &str = "invalid-departments";

/// Answers one request: checks `params` first (as the server does, so a bad
/// parameter wins over bad data), then reads the rooms, counting them as
/// they come (nothing is kept per room), then the departments. `departments`
/// returning `None` means "no list": names then come from the rooms'
/// embedded `department` objects.
///
/// # Example
/// ```
/// use chats_per_department::{respond, params::Params, zone::Utc};
/// let params = Params::from_pairs([("start", "nope"), ("end", "2020")]);
/// let body = respond(&params, &Utc, |_, _| Ok(()), || Ok(None));
/// assert_eq!(body.to_json(), r#"{"success":false,"error":"The \"start\" query parameter must be a valid date."}"#);
/// ```
pub fn respond(
    params: &Params,
    zone: &dyn LocalZone,
    rooms: impl FnOnce(&dyn LocalZone, &mut dyn RoomSink) -> Result<(), DataError>,
    departments: impl FnOnce() -> Result<Option<Departments>, DataError>,
) -> Body {
    let query = match params::validate(params, zone) {
        Ok(query) => query,
        Err(failure) => return Body::Failure(failure),
    };
    let mut counter = Counter::new(&query);
    if let Err(e) = rooms(zone, &mut counter) {
        return data_failure(e, INVALID_ROOMS);
    }
    match departments() {
        Ok(departments) => Body::Chart(counter.finish(departments.as_ref())),
        Err(e) => data_failure(e, INVALID_DEPARTMENTS),
    }
}

/// [`respond`] for rooms and departments given as JSON text (arrays, REST
/// pages, or NDJSON).
///
/// # Example
/// ```
/// use chats_per_department::{chats_per_department_json, params::Params, zone::Utc};
/// let params = Params::from_pairs([("start", "2020"), ("end", "2021")]);
/// let body = chats_per_department_json(b"[5]", None, &params, &Utc);
/// assert!(body.to_json().contains("rooms[0] is not an object"));
/// ```
pub fn chats_per_department_json(
    rooms_json: &[u8],
    departments_json: Option<&[u8]>,
    params: &Params,
    zone: &dyn LocalZone,
) -> Body {
    respond(
        params,
        zone,
        |zone, sink| json_input::read_rooms_into(rooms_json, zone, sink),
        || departments_json.map(json_input::read_departments).transpose(),
    )
}

/// A data error as a 400 body: `"<message> [<type>]"`, like the server's
/// schema errors.
pub fn data_failure(error: DataError, error_type: &'static str) -> Body {
    Body::Failure(data_error(error, error_type))
}

/// The [`Failure`] of a data error (what [`data_failure`] wraps; a failed
/// `ChatIndex` page reports it directly).
///
/// # Example
/// ```
/// use chats_per_department::{data_error, room::DataError, INVALID_ROOMS};
/// let failure = data_error(DataError::new("rooms[3] is not an object"), INVALID_ROOMS);
/// assert_eq!(failure.error, "rooms[3] is not an object [invalid-rooms]");
/// ```
pub fn data_error(error: DataError, error_type: &'static str) -> Failure {
    Failure::new(format!("{} [{error_type}]", error.message), Some(error_type))
}
