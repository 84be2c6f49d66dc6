//! One request, end to end: the order in which the server checks things,
//! and how a data error becomes a 400 body.

use crate::chart::body::Body;
use crate::chart::counter::Counter;
use crate::records::department::Departments;
use crate::records::field::DataError;
use crate::records::json_input;
use crate::records::room::RoomSink;
use crate::server::failure::{ErrorType, Failure};
use crate::server::params::{self, Params, Query};
use crate::server::zone::LocalZone;

/// Parameters first, then the data: the one home of the precedence rule.
///
/// The server validates the query (schema, then `start`, then `end`)
/// before it touches a room, so a bad parameter wins over bad data, and
/// only a valid query reaches `data`, which reads or checks the records.
///
/// # Example
/// ```
/// use chats_per_department::internals::body::Body;
/// use chats_per_department::internals::respond::checked;
/// use chats_per_department::internals::failure::Failure;
/// use chats_per_department::internals::params::Params;
/// use chats_per_department::internals::zone::Utc;
/// let bad = Params::from_pairs([("start", "x"), ("end", "2020")]);
/// let result = checked(&bad, &Utc, |_| Err::<(), _>(Failure::new("bad data", None)));
/// assert!(matches!(result, Err(Body::Failure(f)) if f.error.contains("\"start\" query parameter")));
/// ```
pub fn checked<T>(params: &Params, zone: &dyn LocalZone, data: impl FnOnce(&Query) -> Result<T, Failure>) -> Result<T, Body> {
    let query = params::validate(params, zone).map_err(Body::Failure)?;
    data(&query).map_err(Body::Failure)
}

/// Answers one request: checks `params`, then reads the rooms, counting
/// them as they come (nothing is kept per room but a fingerprint of its
/// `_id`; when two may repeat, the rooms are read a second time, keeping
/// each id and its version), then the departments. `departments` returning `None` means "no list": names then
/// come from the rooms' embedded `department` objects.
///
/// # Example
/// ```
/// use chats_per_department::internals::respond::respond;
/// use chats_per_department::internals::params::Params;
/// use chats_per_department::internals::zone::Utc;
/// let params = Params::from_pairs([("start", "nope"), ("end", "2020")]);
/// let body = respond(&params, &Utc, |_, _| Ok(()), || Ok(None));
/// assert_eq!(body.to_json(), r#"{"success":false,"error":"The \"start\" query parameter must be a valid date."}"#);
/// ```
pub fn respond(
    params: &Params,
    zone: &dyn LocalZone,
    mut rooms: impl FnMut(&dyn LocalZone, &mut dyn RoomSink) -> Result<(), DataError>,
    departments: impl FnOnce() -> Result<Option<Departments>, DataError>,
) -> Body {
    let counts = checked(params, zone, |query| {
        // Every `_id` unique first; read again, exactly, only if two may
        // repeat (see `Counter::unique_first`).
        let mut counter = Counter::unique_first(query);
        rooms(zone, &mut counter).map_err(|e| data_failure(e, ErrorType::InvalidRooms))?;
        if counter.repeats() {
            counter = Counter::new(query);
            rooms(zone, &mut counter).map_err(|e| data_failure(e, ErrorType::InvalidRooms))?;
        }
        let departments = departments().map_err(|e| data_failure(e, ErrorType::InvalidDepartments))?;
        Ok(counter.finish(departments.as_ref()))
    });
    counts.map_or_else(|failure| failure, Body::Chart)
}

/// [`respond`] for rooms and departments given as JSON text (arrays, REST
/// pages, or NDJSON).
///
/// # Example
/// ```
/// use chats_per_department::internals::respond::chats_per_department_json;
/// use chats_per_department::internals::params::Params;
/// use chats_per_department::internals::zone::Utc;
/// let params = Params::from_pairs([("start", "2020"), ("end", "2021")]);
/// let body = chats_per_department_json(b"[5]", None, &params, &Utc);
/// assert!(body.to_json().contains("rooms[0] is not an object"));
/// ```
pub fn chats_per_department_json(rooms_json: &[u8], departments_json: Option<&[u8]>, params: &Params, zone: &dyn LocalZone) -> Body {
    respond(
        params,
        zone,
        |zone, sink| json_input::read_rooms_into(rooms_json, zone, sink),
        || departments_json.map(json_input::read_departments).transpose(),
    )
}

/// A data error as a 400 failure: `"<message> [<type>]"`, shaped like the
/// server's schema errors.
///
/// # Example
/// ```
/// use chats_per_department::internals::respond::data_failure;
/// use chats_per_department::internals::field::DataError;
/// use chats_per_department::internals::failure::ErrorType;
/// let failure = data_failure(DataError::new("rooms[3] is not an object"), ErrorType::InvalidRooms);
/// assert_eq!(failure.error, "rooms[3] is not an object [invalid-rooms]");
/// ```
pub fn data_failure(error: DataError, error_type: ErrorType) -> Failure {
    Failure::new(format!("{} [{}]", error.message, error_type.as_str()), Some(error_type))
}
