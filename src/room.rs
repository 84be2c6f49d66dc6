//! A livechat room, reduced to what the chart reads.
//!
//! The server's two queries look at four fields only:
//!
//! | field | counted as open | counted as closed |
//! | --- | --- | --- |
//! | `t` | `"l"` | `"l"` |
//! | `open` | `true` | absent (closing a room unsets it) |
//! | `departmentId` | present (even `null`) | present |
//! | `ts` | `start <= ts <= end` | same |
//!
//! So `open: false` or `open: null` counts as neither, and a room without
//! `ts` matches nothing. Values that MongoDB could never hold in a real
//! Rocket.Chat database (a `ts` that is not a date, an array where a scalar
//! belongs) are errors, never guesses.

use crate::date_parse::date_parse;
use crate::department::{DepartmentFields, Departments};
use crate::zone::{LocalZone, MAX_TIME_MS};

/// A raw field value, from JSON or from a JavaScript object.
///
/// # Example
/// ```
/// use chats_per_department::room::Field;
/// let ts = Field::ExtendedDate(Box::new(Field::NumberLong("0".into())));
/// assert!(matches!(ts, Field::ExtendedDate(_)));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub enum Field {
    /// The key is not there (or is `undefined` in JavaScript).
    Absent,
    /// `null`.
    Null,
    /// `true` / `false`.
    Bool(bool),
    /// A number.
    Number(f64),
    /// A string.
    Text(String),
    /// A JavaScript `Date`'s time value (`NaN` for an invalid date).
    Date(f64),
    /// Extended JSON `{"$date": …}`.
    ExtendedDate(Box<Field>),
    /// Extended JSON `{"$numberLong": "…"}`.
    NumberLong(String),
    /// An array (contents not kept).
    Array,
    /// Any other object (contents not kept).
    Object,
}

/// The fields of one room record that matter, before interpretation.
///
/// # Example
/// ```
/// use chats_per_department::room::{Field, RoomFields};
/// let fields = RoomFields { t: Field::Text("l".into()), open: Field::Bool(true), ..RoomFields::default() };
/// assert_eq!(fields.ts, Field::Absent);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct RoomFields {
    /// `t`, the room type.
    pub t: Field,
    /// `open`.
    pub open: Field,
    /// `departmentId`.
    pub department_id: Field,
    /// `ts`, the creation time.
    pub ts: Field,
    /// `department`, as embedded by the REST API (`Field::Absent` → none).
    pub department: Option<DepartmentFields>,
}

impl Default for RoomFields {
    fn default() -> Self {
        RoomFields { t: Field::Absent, open: Field::Absent, department_id: Field::Absent, ts: Field::Absent, department: None }
    }
}

/// Which count a room can fall into.
///
/// # Example
/// ```
/// use chats_per_department::room::State;
/// assert_ne!(State::Open, State::Closed);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum State {
    /// A livechat room with `open: true`.
    Open,
    /// A livechat room without an `open` field.
    Closed,
    /// Anything else: other room types, `open: false`, `open: null`, …
    Neither,
}

/// The department a room points at.
///
/// # Example
/// ```
/// use chats_per_department::room::DepartmentRef;
/// assert_ne!(DepartmentRef::Null, DepartmentRef::Absent);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum DepartmentRef {
    /// No `departmentId` key: the server's `$exists: true` excludes the room.
    Absent,
    /// `departmentId: null`: counted, under `"undefined"`.
    Null,
    /// A department id.
    Id(String),
}

/// A room, interpreted.
///
/// # Example
/// ```
/// use chats_per_department::room::{Field, Room, RoomFields, State, DepartmentRef};
/// use chats_per_department::zone::Utc;
/// let fields = RoomFields {
///     t: Field::Text("l".into()),
///     open: Field::Bool(true),
///     department_id: Field::Text("d1".into()),
///     ts: Field::Text("2020-09-10T00:00:00Z".into()),
///     department: None,
/// };
/// let room = Room::from_fields(&fields, 0, &Utc).unwrap();
/// assert_eq!(room.state, State::Open);
/// assert_eq!(room.department, DepartmentRef::Id("d1".into()));
/// assert_eq!(room.ts, Some(1_599_696_000_000));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Room {
    /// Open, closed, or neither.
    pub state: State,
    /// The room's department.
    pub department: DepartmentRef,
    /// Creation time in ms since the epoch; `None` when absent or null.
    pub ts: Option<i64>,
}

/// A data error: which record, which field, what is wrong.
///
/// # Example
/// ```
/// use chats_per_department::room::DataError;
/// let e = DataError::new("rooms[17].ts is not a date");
/// assert_eq!(e.message, "rooms[17].ts is not a date");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataError {
    /// `rooms[17].ts is not a date`, `departments[2]._id is not a string`…
    pub message: String,
}

impl DataError {
    /// A data error with this message.
    pub fn new(message: impl Into<String>) -> Self {
        DataError { message: message.into() }
    }
}

impl Room {
    /// Interprets the fields of `rooms[index]`, or says what is wrong.
    pub fn from_fields(fields: &RoomFields, index: usize, zone: &dyn LocalZone) -> Result<Room, DataError> {
        let at = |field: &str, problem: &str| DataError::new(format!("rooms[{index}].{field} {problem}"));
        // MongoDB matches arrays element-wise; Rocket.Chat never stores
        // arrays in these fields, so refuse them rather than guess.
        for (name, value) in [("t", &fields.t), ("open", &fields.open)] {
            if *value == Field::Array {
                return Err(at(name, "is an array"));
            }
        }
        let livechat = fields.t == Field::Text("l".into());
        let state = match (&fields.open, livechat) {
            (_, false) => State::Neither,
            (Field::Bool(true), true) => State::Open,
            (Field::Absent, true) => State::Closed,
            _ => State::Neither,
        };
        let department = match &fields.department_id {
            Field::Absent => DepartmentRef::Absent,
            Field::Null => DepartmentRef::Null,
            Field::Text(id) => DepartmentRef::Id(id.clone()),
            _ => return Err(at("departmentId", "is not a string or null")),
        };
        let ts = match &fields.ts {
            Field::Absent | Field::Null => None,
            value => Some(time_value(value, zone).ok_or_else(|| at("ts", "is not a date"))?),
        };
        Ok(Room { state, department, ts })
    }
}

/// A room as the chart sees it, borrowing its department id: what readers
/// hand to a [`RoomSink`], without allocating per room.
///
/// # Example
/// ```
/// use chats_per_department::room::{DepartmentView, RoomView, State};
/// let view = RoomView { state: State::Open, department: DepartmentView::Id("d1"), ts: Some(0) };
/// assert_eq!(view.department, DepartmentView::Id("d1"));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RoomView<'a> {
    /// Open, closed, or neither.
    pub state: State,
    /// The room's department.
    pub department: DepartmentView<'a>,
    /// Creation time in ms, `None` when absent or null.
    pub ts: Option<i64>,
}

/// [`DepartmentRef`], borrowed.
///
/// # Example
/// ```
/// use chats_per_department::room::DepartmentView;
/// assert_ne!(DepartmentView::Null, DepartmentView::Absent);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DepartmentView<'a> {
    /// No `departmentId` key.
    Absent,
    /// `departmentId: null`.
    Null,
    /// A department id.
    Id(&'a str),
}

impl Room {
    /// This room, borrowed.
    pub fn view(&self) -> RoomView<'_> {
        let department = match &self.department {
            DepartmentRef::Absent => DepartmentView::Absent,
            DepartmentRef::Null => DepartmentView::Null,
            DepartmentRef::Id(id) => DepartmentView::Id(id),
        };
        RoomView { state: self.state, department, ts: self.ts }
    }
}

/// Where readers deliver rooms: a [`RoomBatch`], a one-shot
/// [`Counter`](crate::aggregate::Counter), or a
/// [`ChatIndex`](crate::index::ChatIndex) loading a page.
///
/// # Example
/// ```
/// use chats_per_department::room::{DepartmentView, RoomBatch, RoomSink, RoomView, State};
/// let mut batch = RoomBatch::default();
/// batch.room(RoomView { state: State::Closed, department: DepartmentView::Null, ts: None });
/// assert_eq!(batch.rooms.len(), 1);
/// ```
pub trait RoomSink {
    /// One room.
    fn room(&mut self, room: RoomView<'_>);
    /// A room's embedded `department`: its id and body key (the first
    /// room naming an id decides its name).
    fn embedded(&mut self, id: &str, key: &str);
    /// Forgets everything delivered since the sink was created (a reader
    /// that gave up and lets another reader start over).
    fn reset(&mut self);
}

/// Interprets `rooms[index]` from its raw fields and delivers it, or says
/// what is wrong with it.
pub fn deliver(fields: &RoomFields, index: usize, zone: &dyn LocalZone, sink: &mut dyn RoomSink) -> Result<(), DataError> {
    let room = Room::from_fields(fields, index, zone)?;
    if let Some(embedded) = &fields.department {
        let (id, key) = embedded.entry().map_err(|problem| DataError::new(format!("rooms[{index}].department.{problem}")))?;
        sink.embedded(&id, &key);
    }
    sink.room(room.view());
    Ok(())
}

/// Rooms read so far, with the departments their records embed.
///
/// # Example
/// ```
/// use chats_per_department::room::{Field, RoomBatch, RoomFields};
/// use chats_per_department::zone::Utc;
/// let mut batch = RoomBatch::default();
/// batch.push(&RoomFields { t: Field::Text("l".into()), ..RoomFields::default() }, 0, &Utc).unwrap();
/// assert_eq!(batch.rooms.len(), 1);
/// ```
#[derive(Debug, Clone, Default)]
pub struct RoomBatch {
    /// The rooms, in input order.
    pub rooms: Vec<Room>,
    /// Departments named by the rooms' embedded `department` objects (the
    /// first room naming an id decides its name).
    pub embedded: Departments,
}

impl RoomBatch {
    /// Interprets and keeps `rooms[index]`, or says what is wrong with it.
    pub fn push(&mut self, fields: &RoomFields, index: usize, zone: &dyn LocalZone) -> Result<(), DataError> {
        deliver(fields, index, zone, self)
    }
}

impl RoomSink for RoomBatch {
    fn room(&mut self, room: RoomView<'_>) {
        let department = match room.department {
            DepartmentView::Absent => DepartmentRef::Absent,
            DepartmentView::Null => DepartmentRef::Null,
            DepartmentView::Id(id) => DepartmentRef::Id(id.to_owned()),
        };
        self.rooms.push(Room { state: room.state, department, ts: room.ts });
    }

    fn embedded(&mut self, id: &str, key: &str) {
        self.embedded.insert_missing(id, key);
    }

    fn reset(&mut self) {
        *self = RoomBatch::default();
    }
}

/// A timestamp's value in ms: ISO (or any `Date.parse`) text, a `Date`,
/// epoch milliseconds, or Extended JSON.
fn time_value(value: &Field, zone: &dyn LocalZone) -> Option<i64> {
    match value {
        Field::Text(text) => date_parse(text, zone),
        Field::Number(ms) | Field::Date(ms) => clip(*ms),
        Field::ExtendedDate(inner) => match inner.as_ref() {
            Field::NumberLong(digits) => digits.trim().parse::<i64>().ok().filter(|ms| ms.abs() <= MAX_TIME_MS),
            Field::ExtendedDate(_) => None,
            other => time_value(other, zone),
        },
        _ => None,
    }
}

/// ECMAScript's TimeClip: finite, within ±8.64e15, truncated to an integer.
fn clip(ms: f64) -> Option<i64> {
    (ms.is_finite() && ms.abs() <= MAX_TIME_MS as f64).then(|| ms.trunc() as i64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::zone::Utc;

    fn room(t: Field, open: Field, ts: Field) -> Result<Room, DataError> {
        let fields = RoomFields { t, open, department_id: Field::Text("d".into()), ts, department: None };
        Room::from_fields(&fields, 3, &Utc)
    }

    fn l() -> Field {
        Field::Text("l".into())
    }

    #[test]
    fn states() {
        assert_eq!(room(l(), Field::Bool(true), Field::Absent).unwrap().state, State::Open);
        assert_eq!(room(l(), Field::Absent, Field::Absent).unwrap().state, State::Closed);
        for open in [Field::Bool(false), Field::Null, Field::Text("true".into()), Field::Number(1.0)] {
            assert_eq!(room(l(), open, Field::Absent).unwrap().state, State::Neither);
        }
        assert_eq!(room(Field::Text("c".into()), Field::Bool(true), Field::Absent).unwrap().state, State::Neither);
        assert_eq!(room(Field::Absent, Field::Absent, Field::Absent).unwrap().state, State::Neither);
    }

    #[test]
    fn timestamps_in_every_accepted_form() {
        let expected = Some(1_599_782_362_345);
        for ts in [
            Field::Text("2020-09-10T23:59:22.345Z".into()),
            Field::Number(1_599_782_362_345.0),
            Field::Date(1_599_782_362_345.0),
            Field::ExtendedDate(Box::new(Field::Text("2020-09-10T23:59:22.345Z".into()))),
            Field::ExtendedDate(Box::new(Field::NumberLong("1599782362345".into()))),
            Field::ExtendedDate(Box::new(Field::Number(1_599_782_362_345.0))),
        ] {
            assert_eq!(room(l(), Field::Absent, ts.clone()).unwrap().ts, expected, "{ts:?}");
        }
        assert_eq!(room(l(), Field::Absent, Field::Null).unwrap().ts, None);
    }

    #[test]
    fn bad_values_name_the_place() {
        for ts in [Field::Text("soon".into()), Field::Bool(true), Field::Object, Field::Date(f64::NAN), Field::Number(9e15)] {
            let err = room(l(), Field::Absent, ts).unwrap_err();
            assert_eq!(err.message, "rooms[3].ts is not a date");
        }
        assert_eq!(room(Field::Array, Field::Absent, Field::Absent).unwrap_err().message, "rooms[3].t is an array");
        let fields = RoomFields { department_id: Field::Number(4.0), ..RoomFields::default() };
        assert_eq!(Room::from_fields(&fields, 0, &Utc).unwrap_err().message, "rooms[0].departmentId is not a string or null");
    }
}
