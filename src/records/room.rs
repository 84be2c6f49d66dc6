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

use crate::records::department::DepartmentFields;
pub use crate::records::field::{DataError, DepartmentRef, DepartmentView, Field};
use crate::server::date_parse::{clip_ms, date_parse, time_clip};
use crate::server::zone::LocalZone;

/// The fields of one room record that matter, before interpretation.
///
/// # Example
/// ```
/// use chats_per_department::internals::room::{Field, RoomFields};
/// let fields = RoomFields { t: Field::Text("l".into()), open: Field::Bool(true), ..RoomFields::default() };
/// assert_eq!(fields.ts, Field::Absent);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct RoomFields {
    /// `_id`, the room's identity (a string), or absent.
    pub id: Field,
    /// `_updatedAt`: which of two versions of a room is newer.
    pub updated_at: Field,
    /// `t`, the room type.
    pub t: Field,
    /// `open`.
    pub open: Field,
    /// `departmentId`.
    pub department_id: Field,
    /// `ts`, the creation time.
    pub ts: Field,
    /// `department`, as embedded by the REST API (`None`: absent or null).
    pub department: Option<DepartmentFields>,
}

impl Default for RoomFields {
    fn default() -> Self {
        RoomFields {
            id: Field::Absent,
            updated_at: Field::Absent,
            t: Field::Absent,
            open: Field::Absent,
            department_id: Field::Absent,
            ts: Field::Absent,
            department: None,
        }
    }
}

/// Which count a room can fall into.
///
/// # Example
/// ```
/// use chats_per_department::internals::room::State;
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

/// What a room's `open` field holds, as far as the server's `$match` cares.
///
/// # Example
/// ```
/// use chats_per_department::internals::room::{classify, OpenField, State};
/// assert_eq!(classify(true, OpenField::Other), State::Neither); // open: false / null / "true"
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpenField {
    /// The boolean `true`.
    True,
    /// No `open` key (closing a room unsets it).
    Absent,
    /// Anything else: `false`, `null`, a string, a number, an object.
    Other,
}

/// Which count a room falls into: the one home of the rule.
///
/// Rocket.Chat counts open and closed chats with two aggregations over the
/// rooms collection (`packages/models/src/models/LivechatRooms.ts`, called
/// by `apps/meteor/app/livechat/server/lib/analytics/dashboards.ts`), whose
/// `$match` stages are
///
/// ```text
/// open:   { t: 'l', open: true,                departmentId: { $exists: true }, ts: { $gte: start, $lte: end } }
/// closed: { t: 'l', open: { $exists: false },  departmentId: { $exists: true }, ts: { $gte: start, $lte: end } }
/// ```
///
/// This function is the `t` and `open` part; `departmentId` and `ts` are
/// checked where a query meets the room
/// ([`matches_view`](crate::chart::counter::matches_view) and the index's
/// columns). Readers pass the raw facts (is `t` exactly `"l"`, what `open`
/// holds) and never decide themselves.
///
/// # Example
/// ```
/// use chats_per_department::internals::room::{classify, OpenField, State};
/// assert_eq!(classify(true, OpenField::True), State::Open);
/// assert_eq!(classify(true, OpenField::Absent), State::Closed);
/// assert_eq!(classify(false, OpenField::True), State::Neither);
/// ```
pub fn classify(livechat: bool, open: OpenField) -> State {
    match (livechat, open) {
        (true, OpenField::True) => State::Open,
        (true, OpenField::Absent) => State::Closed,
        _ => State::Neither,
    }
}

/// A room, interpreted.
///
/// # Example
/// ```
/// use chats_per_department::internals::room::{Field, Room, RoomFields, State, DepartmentRef};
/// use chats_per_department::internals::zone::Utc;
/// let fields = RoomFields {
///     id: Field::Text("r1".into()),
///     t: Field::Text("l".into()),
///     open: Field::Bool(true),
///     department_id: Field::Text("d1".into()),
///     ts: Field::Text("2020-09-10T00:00:00Z".into()),
///     ..RoomFields::default()
/// };
/// let room = Room::from_fields(&fields, 0, &Utc).unwrap();
/// assert_eq!(room.state, State::Open);
/// assert_eq!(room.department, DepartmentRef::Id("d1".into()));
/// assert_eq!(room.ts, Some(1_599_696_000_000));
/// assert_eq!(room.id.as_deref(), Some("r1"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Room {
    /// `_id`; `None` for a room without one (never deduplicated).
    pub id: Option<String>,
    /// `_updatedAt` in ms; `None` when absent or null (older than any date).
    pub updated_at: Option<i64>,
    /// Open, closed, or neither.
    pub state: State,
    /// The room's department.
    pub department: DepartmentRef,
    /// Creation time in ms since the epoch; `None` when absent or null.
    pub ts: Option<i64>,
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
        let open = match fields.open {
            Field::Bool(true) => OpenField::True,
            Field::Absent => OpenField::Absent,
            _ => OpenField::Other,
        };
        let state = classify(fields.t == Field::Text("l".into()), open);
        let department = match &fields.department_id {
            Field::Absent => DepartmentRef::Absent,
            Field::Null => DepartmentRef::Null,
            Field::Text(id) => DepartmentRef::Id(id.clone()),
            _ => return Err(at("departmentId", "is not a string or null")),
        };
        let id = match &fields.id {
            Field::Absent => None,
            // An ObjectId is identified by its hex digits.
            Field::Text(id) | Field::ObjectId(id) => Some(id.clone()),
            _ => return Err(at("_id", "is not a string")),
        };
        let date = |name: &str, value: &Field| match value {
            Field::Absent | Field::Null => Ok(None),
            value => time_value(value, zone).map(Some).ok_or_else(|| at(name, "is not a date")),
        };
        let ts = date("ts", &fields.ts)?;
        let updated_at = date("_updatedAt", &fields.updated_at)?;
        Ok(Room { id, updated_at, state, department, ts })
    }

    /// This room, borrowed.
    pub fn view(&self) -> RoomView<'_> {
        RoomView { id: self.id.as_deref(), updated_at: self.updated_at, state: self.state, department: self.department.view(), ts: self.ts }
    }
}

/// A room as the chart sees it, borrowing its strings: what readers hand
/// to a [`RoomSink`], without allocating per room.
///
/// # Example
/// ```
/// use chats_per_department::internals::room::{DepartmentView, RoomView, State};
/// let view = RoomView { state: State::Open, department: DepartmentView::Id("d1"), ts: Some(0), ..RoomView::EMPTY };
/// assert_eq!(view.department, DepartmentView::Id("d1"));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RoomView<'a> {
    /// `_id`, if the record has one.
    pub id: Option<&'a str>,
    /// `_updatedAt` in ms, if present.
    pub updated_at: Option<i64>,
    /// Open, closed, or neither.
    pub state: State,
    /// The room's department.
    pub department: DepartmentView<'a>,
    /// Creation time in ms, `None` when absent or null.
    pub ts: Option<i64>,
}

impl RoomView<'_> {
    /// A room with no fields at all (counted in `size`, never in a chart):
    /// the base for struct-update syntax.
    pub const EMPTY: RoomView<'static> =
        RoomView { id: None, updated_at: None, state: State::Neither, department: DepartmentView::Absent, ts: None };

    /// The creation time of a room some query can count: open or closed,
    /// with a `departmentId` key and a `ts`. `None` for rooms that can only
    /// ever be counted in `size`.
    ///
    /// # Example
    /// ```
    /// use chats_per_department::internals::room::{DepartmentView, RoomView, State};
    /// let room = RoomView { state: State::Closed, department: DepartmentView::Null, ts: Some(5), ..RoomView::EMPTY };
    /// assert_eq!(room.countable_ts(), Some(5));
    /// assert_eq!(RoomView { department: DepartmentView::Absent, ..room }.countable_ts(), None);
    /// ```
    pub fn countable_ts(&self) -> Option<i64> {
        match (self.state, self.department) {
            (State::Neither, _) | (_, DepartmentView::Absent) => None,
            _ => self.ts,
        }
    }
}

/// Where readers deliver rooms: a [`RoomBatch`], a one-shot
/// [`Counter`](crate::chart::counter::Counter), or a
/// [`ChatIndex`](crate::chart::index::ChatIndex) loading a page.
///
/// # Example
/// ```
/// use chats_per_department::internals::room::{RoomBatch, RoomSink, RoomView};
/// let mut batch = RoomBatch::default();
/// batch.room(RoomView::EMPTY);
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
/// use chats_per_department::internals::room::{Field, RoomBatch, RoomFields};
/// use chats_per_department::internals::zone::Utc;
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
    pub embedded: crate::records::department::Departments,
}

impl RoomBatch {
    /// Interprets and keeps `rooms[index]`, or says what is wrong with it.
    pub fn push(&mut self, fields: &RoomFields, index: usize, zone: &dyn LocalZone) -> Result<(), DataError> {
        deliver(fields, index, zone, self)
    }
}

impl RoomSink for RoomBatch {
    fn room(&mut self, room: RoomView<'_>) {
        self.rooms.push(Room {
            id: room.id.map(str::to_owned),
            updated_at: room.updated_at,
            state: room.state,
            department: room.department.to_owned_ref(),
            ts: room.ts,
        });
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
        Field::Number(ms) | Field::Date(ms) => time_clip(*ms),
        Field::ExtendedDate(inner) => match inner.as_ref() {
            Field::NumberLong(digits) => digits.trim().parse::<i64>().ok().and_then(clip_ms),
            Field::ExtendedDate(_) => None,
            other => time_value(other, zone),
        },
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::zone::Utc;

    fn room(t: Field, open: Field, ts: Field) -> Result<Room, DataError> {
        let fields = RoomFields { t, open, department_id: Field::Text("d".into()), ts, ..RoomFields::default() };
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
