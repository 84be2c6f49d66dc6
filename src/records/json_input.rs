//! Reading rooms and departments from JSON text, as the REST API or
//! `mongoexport` produce it.
//!
//! Accepted shapes, for rooms (departments alike, with `departments`):
//! - an array of records: `[{…}, {…}]` (also `mongoexport --jsonArray`);
//! - a REST page: `{"rooms": […], "count": …, "offset": …, "total": …}`;
//! - newline-delimited JSON, one record per line (`mongoexport`'s default),
//!   which includes a single bare record.
//!
//! Only the fields the chart needs are decoded; everything else is skipped
//! without building values. Errors name the record and the field, followed
//! by serde_json's line and column.

use crate::records::department::{DepartmentFields, Departments};
use crate::records::fast_json;
use crate::records::field::{DataError, Field};
use crate::records::room::{deliver, RoomBatch, RoomFields, RoomSink};
use crate::server::zone::LocalZone;
use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use std::fmt;

/// Reads rooms from JSON (array, REST page, or NDJSON).
///
/// # Example
/// ```
/// use chats_per_department::records::json_input::read_rooms;
/// use chats_per_department::server::zone::Utc;
/// let batch = read_rooms(br#"{"rooms":[{"t":"l","open":true,"ts":"2020-01-01T00:00:00Z","departmentId":"d"}],"total":1}"#, &Utc).unwrap();
/// assert_eq!(batch.rooms.len(), 1);
/// let err = read_rooms(br#"[{"t":"l"},{"ts":"soon"}]"#, &Utc).unwrap_err();
/// assert!(err.message.starts_with("rooms[1].ts is not a date"));
/// ```
pub fn read_rooms(json: &[u8], zone: &dyn LocalZone) -> Result<RoomBatch, DataError> {
    let mut batch = RoomBatch::default();
    read_rooms_into(json, zone, &mut batch)?;
    Ok(batch)
}

/// Reads rooms from JSON into `sink`. The hand-written reader
/// ([`crate::records::fast_json`]) goes first; if it meets anything it does not
/// handle (bad data, unusual escapes, malformed JSON), the sink is reset and
/// this module's full reader starts over, so results and error messages
/// never depend on which reader ran.
///
/// # Example
/// ```
/// use chats_per_department::records::json_input::read_rooms_into;
/// use chats_per_department::records::room::RoomBatch;
/// use chats_per_department::server::zone::Utc;
/// let mut batch = RoomBatch::default();
/// read_rooms_into(b"{\"t\":\"l\"}\n{\"t\":\"l\"}", &Utc, &mut batch).unwrap();
/// assert_eq!(batch.rooms.len(), 2);
/// ```
pub fn read_rooms_into(json: &[u8], zone: &dyn LocalZone, sink: &mut dyn RoomSink) -> Result<(), DataError> {
    if fast_json::read_rooms(json, zone, sink).is_ok() {
        return Ok(());
    }
    sink.reset();
    read_rooms_fully(json, zone, sink)
}

/// The full (serde) reader alone: every JSON error and data error with its
/// exact message. Exposed so tests can compare the two readers.
pub fn read_rooms_fully(json: &[u8], zone: &dyn LocalZone, sink: &mut dyn RoomSink) -> Result<(), DataError> {
    let mut records = RoomRecords { sink, zone };
    read_records(json, &mut records)
}

/// Reads departments from JSON (array, `{"departments": […]}` page, or NDJSON).
///
/// # Example
/// ```
/// use chats_per_department::records::json_input::read_departments;
/// let departments = read_departments(br#"[{"_id":"d1","name":"Sales","enabled":true}]"#).unwrap();
/// assert_eq!(departments.key_of_id("d1"), Some("Sales"));
/// ```
pub fn read_departments(json: &[u8]) -> Result<Departments, DataError> {
    let mut sink = DepartmentSink { records: Vec::new() };
    read_records(json, &mut sink)?;
    Departments::from_records(&sink.records)
}

/// A consumer of records of one kind.
trait Sink {
    /// The fields read from one record.
    type Record: Default;
    /// "rooms" or "departments": the envelope key and the name in errors.
    const NAME: &'static str;
    /// The record keys worth decoding.
    const KEYS: &'static [&'static str];
    /// Decodes the value of `KEYS[key]` into `record`.
    fn read_value<'de, A: MapAccess<'de>>(key: usize, map: &mut A, record: &mut Self::Record) -> Result<(), A::Error>;
    /// Takes a finished record.
    fn accept(&mut self, record: Self::Record, index: usize) -> Result<(), DataError>;
    /// The index of the document's first record (not 0 when resumed).
    fn first_index(&self) -> usize {
        0
    }
}

struct RoomRecords<'t, 'z> {
    sink: &'t mut dyn RoomSink,
    zone: &'z dyn LocalZone,
}

impl Sink for RoomRecords<'_, '_> {
    type Record = RoomFields;
    const NAME: &'static str = "rooms";
    const KEYS: &'static [&'static str] = &["t", "open", "departmentId", "ts", "department", "_id", "_updatedAt"];

    fn read_value<'de, A: MapAccess<'de>>(key: usize, map: &mut A, record: &mut RoomFields) -> Result<(), A::Error> {
        match key {
            0 => record.t = map.next_value_seed(FieldSeed)?,
            1 => record.open = map.next_value_seed(FieldSeed)?,
            2 => record.department_id = map.next_value_seed(FieldSeed)?,
            3 => record.ts = map.next_value_seed(FieldSeed)?,
            4 => record.department = map.next_value_seed(EmbeddedSeed)?,
            5 => record.id = map.next_value_seed(FieldSeed)?,
            _ => record.updated_at = map.next_value_seed(FieldSeed)?,
        }
        Ok(())
    }

    fn accept(&mut self, record: RoomFields, index: usize) -> Result<(), DataError> {
        deliver(&record, index, self.zone, self.sink)
    }
}

struct DepartmentSink {
    records: Vec<DepartmentFields>,
}

impl Sink for DepartmentSink {
    type Record = DepartmentFields;
    const NAME: &'static str = "departments";
    const KEYS: &'static [&'static str] = &["_id", "name"];

    fn read_value<'de, A: MapAccess<'de>>(key: usize, map: &mut A, record: &mut DepartmentFields) -> Result<(), A::Error> {
        let value = map.next_value_seed(FieldSeed)?;
        if key == 0 {
            record.id = value;
        } else {
            record.name = value;
        }
        Ok(())
    }

    fn accept(&mut self, record: DepartmentFields, _index: usize) -> Result<(), DataError> {
        self.records.push(record);
        Ok(())
    }
}

impl Default for DepartmentFields {
    fn default() -> Self {
        DepartmentFields { id: Field::Absent, name: Field::Absent }
    }
}

/// Reads exactly one room record (one object) as `rooms[index]`: the
/// streaming path hands records over one at a time. A record is delivered
/// only once complete, so a reader that gives up has delivered nothing.
///
/// # Example
/// ```
/// use chats_per_department::records::json_input::read_room_record;
/// use chats_per_department::records::room::RoomBatch;
/// use chats_per_department::server::zone::Utc;
/// let mut batch = RoomBatch::default();
/// let err = read_room_record(br#"{"ts": true}"#, 41, &Utc, &mut batch).unwrap_err();
/// assert!(err.message.starts_with("rooms[41].ts is not a date"));
/// ```
pub fn read_room_record(json: &[u8], index: usize, zone: &dyn LocalZone, sink: &mut dyn RoomSink) -> Result<(), DataError> {
    if fast_json::read_record(json, zone, sink).is_ok() {
        return Ok(());
    }
    let mut records = RoomRecords { sink, zone };
    let mut de = serde_json::Deserializer::from_slice(json);
    let fail = |e: serde_json::Error| DataError::new(with_context(RoomRecords::NAME, e));
    // Through `Resumed` like the whole-text path, so that serde's parser is
    // compiled once for rooms, not twice (about 13 KB of the .wasm).
    let mut records = Resumed { sink: &mut records, first: 0, skip: false };
    RecordSeed { sink: &mut records, index }.deserialize(&mut de).map_err(fail)?;
    de.end().map_err(fail)
}

fn read_records<S: Sink>(json: &[u8], sink: &mut S) -> Result<(), DataError> {
    let json = json.strip_prefix("\u{FEFF}".as_bytes()).unwrap_or(json);
    read_document(json, sink, 0, false).map_err(|e| DataError::new(with_context(S::NAME, e)))
}

/// Reads a whole document whose first record is `rooms[first]`; with
/// `placeholder`, that first record is a stand-in and is not delivered.
/// The one-shot path starts at 0; a stream resuming after `first` records
/// puts a one-record stand-in before the rest of its bytes (see
/// [`resume_rooms`]).
fn read_document<S: Sink>(json: &[u8], sink: &mut S, first: usize, placeholder: bool) -> Result<(), serde_json::Error> {
    let mut sink = Resumed { sink, first, skip: placeholder };
    let mut de = serde_json::Deserializer::from_slice(json);
    if de.end().is_ok() {
        return Ok(()); // empty input: no records
    }
    let shape = TopSeed { sink: &mut sink }.deserialize(&mut de)?;
    let mut index = match shape {
        Shape::Whole => return de.end(),
        Shape::SingleRecord => first + 1,
    };
    // Newline-delimited: every further value is one more record.
    while de.end().is_err() {
        RecordSeed { sink: &mut sink, index }.deserialize(&mut de)?;
        index += 1;
    }
    Ok(())
}

/// Where a stream of rooms stands after the records it has read: the state
/// [`resume_rooms`] recreates with a few bytes of stand-in before the rest.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resume {
    /// At the start of the document (after any byte-order mark).
    Document,
    /// In a top-level array, after some records.
    Array {
        /// Records read (≥ 1): the index of the next one.
        next: usize,
    },
    /// In a REST page's `rooms` array, after some records.
    Rooms {
        /// Records read: the index of the next one.
        next: usize,
    },
    /// After a top-level array closed.
    ArrayClosed,
    /// Between newline-delimited records.
    Lines {
        /// Records read (≥ 1): the index of the next one.
        next: usize,
    },
}

impl Resume {
    /// The stand-in text that puts the reader in this state, the index of
    /// the first record it holds, and whether that record is a stand-in.
    pub fn prefix(self) -> (&'static [u8], usize, bool) {
        match self {
            Resume::Document => (b"", 0, false),
            Resume::Array { next } => (b"[{}", next.saturating_sub(1), true),
            Resume::Rooms { next: 0 } => (br#"{"rooms":["#, 0, false),
            Resume::Rooms { next } => (br#"{"rooms":[{}"#, next - 1, true),
            Resume::ArrayClosed => (b"[]", 0, false),
            Resume::Lines { next } => (b"{}", next.saturating_sub(1), true),
        }
    }
}

/// Reads `doc`, which is `resume.prefix()` followed by the rest of a
/// stream's bytes, exactly as the one-shot reader reads the whole text
/// from that point: same records, same error (serde_json's, with positions
/// in `doc`; the stream translates them).
///
/// # Example
/// ```
/// use chats_per_department::records::json_input::{resume_rooms, Resume};
/// use chats_per_department::records::room::RoomBatch;
/// use chats_per_department::server::zone::Utc;
/// let mut batch = RoomBatch::default();
/// let err = resume_rooms(b"[{}, 5]", Resume::Array { next: 7 }, &Utc, &mut batch).unwrap_err();
/// assert_eq!(err.to_string(), "rooms[7] is not an object at line 1 column 6");
/// ```
pub fn resume_rooms(doc: &[u8], resume: Resume, zone: &dyn LocalZone, sink: &mut dyn RoomSink) -> Result<(), serde_json::Error> {
    let (_, first, placeholder) = resume.prefix();
    read_document(doc, &mut RoomRecords { sink, zone }, first, placeholder)
}

/// A sink seen through a resumed document: indexes start at `first`, and
/// a stand-in first record is dropped.
struct Resumed<'s, S> {
    sink: &'s mut S,
    first: usize,
    skip: bool,
}

impl<S: Sink> Sink for Resumed<'_, S> {
    type Record = S::Record;
    const NAME: &'static str = S::NAME;
    const KEYS: &'static [&'static str] = S::KEYS;

    fn read_value<'de, A: MapAccess<'de>>(key: usize, map: &mut A, record: &mut Self::Record) -> Result<(), A::Error> {
        S::read_value(key, map, record)
    }

    fn accept(&mut self, record: Self::Record, index: usize) -> Result<(), DataError> {
        if std::mem::take(&mut self.skip) {
            return Ok(());
        }
        self.sink.accept(record, index)
    }

    fn first_index(&self) -> usize {
        self.first
    }
}

/// serde_json reports syntax errors without saying which input; ours
/// already start with the record's path.
fn with_context(name: &str, error: serde_json::Error) -> String {
    let text = error.to_string();
    if text.starts_with(name) {
        text
    } else {
        format!("{name}: {text}")
    }
}

enum Shape {
    /// An array or an envelope: the input holds nothing else.
    Whole,
    /// One bare record: more may follow (NDJSON).
    SingleRecord,
}

/// serde's own type errors name the value found (`floating point `1.5``),
/// which links core's float formatting (about 2 KB of the gzipped module)
/// for an error message; these visitors name only the kind of value.
macro_rules! reject_other_kinds {
    ($($method:ident($($arg:ty)?) => $found:literal),* $(,)?) => {
        $(fn $method<E: de::Error>(self, $(_: $arg)?) -> Result<Self::Value, E> {
            Err(E::custom(format_args!("invalid type: {}, expected {}", $found, &self as &dyn de::Expected)))
        })*
    };
}

struct TopSeed<'s, S> {
    sink: &'s mut S,
}

impl<'de, S: Sink> DeserializeSeed<'de> for TopSeed<'_, S> {
    type Value = Shape;
    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<Shape, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de, S: Sink> Visitor<'de> for TopSeed<'_, S> {
    type Value = Shape;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "an array of {0}, a {{\"{0}\": [...]}} page, or one record per line", S::NAME)
    }

    reject_other_kinds!(visit_bool(bool) => "a boolean", visit_i64(i64) => "a number", visit_u64(u64) => "a number",
        visit_f64(f64) => "a number", visit_str(&str) => "a string", visit_unit() => "null");

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Shape, A::Error> {
        let first = self.sink.first_index();
        read_array(self.sink, seq, first)?;
        Ok(Shape::Whole)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Shape, A::Error> {
        let mut record = S::Record::default();
        let mut envelope = false;
        while let Some(key) = map.next_key_seed(KeySeed { keys: S::KEYS, envelope: S::NAME })? {
            match key {
                Key::Envelope => {
                    // A repeated `rooms` key is read again, numbered from 0.
                    let first = if envelope { 0 } else { self.sink.first_index() };
                    map.next_value_seed(ArraySeed { sink: &mut *self.sink, first })?;
                    envelope = true;
                }
                Key::Known(k) => S::read_value(k, &mut map, &mut record)?,
                Key::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        if envelope {
            return Ok(Shape::Whole);
        }
        let first = self.sink.first_index();
        self.sink.accept(record, first).map_err(|e| de::Error::custom(e.message))?;
        Ok(Shape::SingleRecord)
    }
}

struct ArraySeed<'s, S> {
    sink: &'s mut S,
    first: usize,
}

impl<'de, S: Sink> DeserializeSeed<'de> for ArraySeed<'_, S> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de, S: Sink> Visitor<'de> for ArraySeed<'_, S> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "{} to be an array", S::NAME)
    }

    reject_other_kinds!(visit_bool(bool) => "a boolean", visit_i64(i64) => "a number", visit_u64(u64) => "a number",
        visit_f64(f64) => "a number", visit_str(&str) => "a string", visit_unit() => "null");

    fn visit_map<A: MapAccess<'de>>(self, _: A) -> Result<(), A::Error> {
        Err(de::Error::custom(format_args!("invalid type: an object, expected {}", &self as &dyn de::Expected)))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<(), A::Error> {
        read_array(self.sink, seq, self.first)
    }
}

/// Reads an array of records numbered from `index`.
fn read_array<'de, S: Sink, A: SeqAccess<'de>>(sink: &mut S, mut seq: A, mut index: usize) -> Result<(), A::Error> {
    while seq.next_element_seed(RecordSeed { sink: &mut *sink, index })?.is_some() {
        index += 1;
    }
    Ok(())
}

struct RecordSeed<'s, S> {
    sink: &'s mut S,
    index: usize,
}

impl<'de, S: Sink> DeserializeSeed<'de> for RecordSeed<'_, S> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<S: Sink> RecordSeed<'_, S> {
    fn not_an_object<E: de::Error>(&self) -> Result<(), E> {
        Err(E::custom(format!("{}[{}] is not an object", S::NAME, self.index)))
    }
}

impl<'de, S: Sink> Visitor<'de> for RecordSeed<'_, S> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "{}[{}] to be an object", S::NAME, self.index)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut record = S::Record::default();
        while let Some(key) = map.next_key_seed(KeySeed { keys: S::KEYS, envelope: "" })? {
            match key {
                Key::Known(k) => S::read_value(k, &mut map, &mut record)?,
                Key::Envelope | Key::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        self.sink.accept(record, self.index).map_err(|e| de::Error::custom(e.message))
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        self.not_an_object()
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        self.not_an_object()
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        self.not_an_object()
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        self.not_an_object()
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<(), E> {
        self.not_an_object()
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        self.not_an_object()
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        self.not_an_object()
    }
}

enum Key {
    Known(usize),
    Envelope,
    Other,
}

/// Classifies an object key without allocating it.
struct KeySeed {
    keys: &'static [&'static str],
    envelope: &'static str,
}

impl<'de> DeserializeSeed<'de> for KeySeed {
    type Value = Key;
    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<Key, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for KeySeed {
    type Value = Key;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an object key")
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<Key, E> {
        if !self.envelope.is_empty() && key == self.envelope {
            return Ok(Key::Envelope);
        }
        Ok(self.keys.iter().position(|k| *k == key).map_or(Key::Other, Key::Known))
    }
}

/// Decodes one field value, recognising Extended JSON dates.
struct FieldSeed;

impl<'de> DeserializeSeed<'de> for FieldSeed {
    type Value = Field;
    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<Field, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for FieldSeed {
    type Value = Field;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Field, E> {
        Ok(Field::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Field, E> {
        Ok(Field::Number(v as f64))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Field, E> {
        Ok(Field::Number(v as f64))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Field, E> {
        Ok(Field::Number(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Field, E> {
        Ok(Field::Text(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Field, E> {
        Ok(Field::Text(v))
    }
    fn visit_unit<E>(self) -> Result<Field, E> {
        Ok(Field::Null)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Field, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Field::Array)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Field, A::Error> {
        const EXTENDED: &[&str] = &["$date", "$numberLong", "$oid"];
        let mut result = Field::Object;
        let mut keys = 0;
        while let Some(key) = map.next_key_seed(KeySeed { keys: EXTENDED, envelope: "" })? {
            keys += 1;
            result = match key {
                Key::Known(0) => Field::ExtendedDate(Box::new(map.next_value_seed(FieldSeed)?)),
                Key::Known(1) => match map.next_value_seed(FieldSeed)? {
                    Field::Text(digits) => Field::NumberLong(digits),
                    _ => Field::Object,
                },
                Key::Known(_) => match map.next_value_seed(FieldSeed)? {
                    Field::Text(hex) => Field::ObjectId(hex),
                    _ => Field::Object,
                },
                _ => {
                    map.next_value::<IgnoredAny>()?;
                    Field::Object
                }
            };
        }
        // Extended JSON wrappers have exactly one key.
        Ok(if keys == 1 { result } else { Field::Object })
    }
}

/// Decodes a room's embedded `department: {_id, name}`.
struct EmbeddedSeed;

impl<'de> DeserializeSeed<'de> for EmbeddedSeed {
    type Value = Option<DepartmentFields>;
    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for EmbeddedSeed {
    type Value = Option<DepartmentFields>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an embedded department object or null")
    }

    reject_other_kinds!(visit_bool(bool) => "a boolean", visit_i64(i64) => "a number", visit_u64(u64) => "a number",
        visit_f64(f64) => "a number", visit_str(&str) => "a string");

    fn visit_seq<A: SeqAccess<'de>>(self, _: A) -> Result<Self::Value, A::Error> {
        Err(de::Error::custom(format_args!("invalid type: an array, expected {}", &self as &dyn de::Expected)))
    }
    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut record = DepartmentFields::default();
        while let Some(key) = map.next_key_seed(KeySeed { keys: DepartmentSink::KEYS, envelope: "" })? {
            match key {
                Key::Known(k) => DepartmentSink::read_value(k, &mut map, &mut record)?,
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(Some(record))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::records::room::{DepartmentRef, State};
    use crate::server::zone::Utc;

    #[test]
    fn ndjson_with_extended_json_dates() {
        let text = concat!(
            r#"{"_id":{"$oid":"x"},"t":"l","open":true,"departmentId":"d","ts":{"$date":"2020-09-10T23:59:22.345Z"}}"#,
            "\n",
            r#"{"t":"l","departmentId":null,"ts":{"$date":{"$numberLong":"1599782362345"}}}"#,
            "\n"
        );
        let batch = read_rooms(text.as_bytes(), &Utc).unwrap();
        assert_eq!(batch.rooms.len(), 2);
        assert_eq!(batch.rooms[0].state, State::Open);
        assert_eq!(batch.rooms[1].state, State::Closed);
        assert_eq!(batch.rooms[1].department, DepartmentRef::Null);
        assert_eq!(batch.rooms[0].ts, batch.rooms[1].ts);
    }

    #[test]
    fn errors_name_record_and_field() {
        let err = read_rooms(b"[{}, 5]", &Utc).unwrap_err();
        assert!(err.message.starts_with("rooms[1] is not an object"), "{}", err.message);
        let err = read_rooms(b"[{}, {\"ts\": [1]}]", &Utc).unwrap_err();
        assert!(err.message.starts_with("rooms[1].ts is not a date"), "{}", err.message);
        let err = read_rooms(b"{\"rooms\": 5}", &Utc).unwrap_err();
        assert!(err.message.starts_with("rooms: invalid type"), "{}", err.message);
        // Each kind of wrong value is named, without formatting the value.
        for (json, found) in [(&b"1.5"[..], "a number"), (b"true", "a boolean"), (b"\"x\"", "a string"), (b"null", "null")] {
            let err = read_rooms(json, &Utc).unwrap_err();
            assert!(err.message.contains(&format!("invalid type: {found}, expected an array of rooms")), "{}", err.message);
        }
        let err = read_rooms(br#"{"rooms": {"a": 1}}"#, &Utc).unwrap_err();
        assert!(err.message.contains("invalid type: an object, expected rooms to be an array"), "{}", err.message);
        let err = read_rooms(br#"[{"t":"l","department":[1]}]"#, &Utc).unwrap_err();
        assert!(err.message.contains("invalid type: an array, expected an embedded department object or null"), "{}", err.message);
        let err = read_rooms(b"[{\"t\":\"l\"", &Utc).unwrap_err();
        assert!(err.message.starts_with("rooms: EOF"), "{}", err.message);
        let err = read_rooms(b"[] []", &Utc).unwrap_err();
        assert!(err.message.starts_with("rooms: trailing characters"), "{}", err.message);
        let err = read_departments(b"[{\"_id\": 1}]").unwrap_err();
        assert_eq!(err.message, "departments[0]._id is not a string");
    }

    #[test]
    fn empty_input_is_no_rooms() {
        assert!(read_rooms(b"  \n", &Utc).unwrap().rooms.is_empty());
        assert!(read_rooms(b"[]", &Utc).unwrap().rooms.is_empty());
    }

    #[test]
    fn embedded_departments_are_collected() {
        let text = br#"[{"t":"l","open":true,"departmentId":"d","ts":0,"department":{"_id":"d","name":"Sales"}}]"#;
        let batch = read_rooms(text, &Utc).unwrap();
        assert_eq!(batch.embedded.key_of_id("d"), Some("Sales"));
    }
}
