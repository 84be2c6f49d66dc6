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
use crate::records::field::{DataError, DataErrorKind, Field};
use crate::records::room::{deliver, RoomBatch, RoomFields, RoomSink};
use crate::server::zone::LocalZone;
use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use std::fmt;

/// Reads rooms from JSON (array, REST page, or NDJSON).
///
/// # Example
/// ```
/// use chats_per_department::internals::json_input::read_rooms;
/// use chats_per_department::internals::zone::Utc;
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
/// use chats_per_department::internals::json_input::read_rooms_into;
/// use chats_per_department::internals::room::RoomBatch;
/// use chats_per_department::internals::zone::Utc;
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
    read_records(json, Target::Rooms { sink, zone })
}

/// Reads departments from JSON (array, `{"departments": […]}` page, or NDJSON).
///
/// # Example
/// ```
/// use chats_per_department::internals::json_input::read_departments;
/// let departments = read_departments(br#"[{"_id":"d1","name":"Sales","enabled":true}]"#).unwrap();
/// assert_eq!(departments.key_of_id("d1"), Some("Sales"));
/// ```
pub fn read_departments(json: &[u8]) -> Result<Departments, DataError> {
    let mut records = Vec::new();
    read_records(json, Target::Departments(&mut records))?;
    Departments::from_records(&records)
}

/// Where a document's records go. One concrete type for both kinds, not
/// a generic sink: serde's parser is then compiled once for rooms and
/// departments together (about 5 KB of the .wasm).
enum Target<'a> {
    Rooms { sink: &'a mut dyn RoomSink, zone: &'a dyn LocalZone },
    Departments(&'a mut Vec<DepartmentFields>),
}

/// The fields read from one record (of the document's kind).
#[derive(Default)]
struct Record {
    room: RoomFields,
    department: DepartmentFields,
}

/// A document's records, numbered from `first`; with `skip`, its first
/// record is a stand-in and is dropped (see [`resume_rooms`]).
struct Records<'a> {
    target: Target<'a>,
    first: usize,
    skip: bool,
}

impl Target<'_> {
    /// "rooms" or "departments": the envelope key and the name in errors.
    fn name(&self) -> &'static str {
        match self {
            Target::Rooms { .. } => "rooms",
            Target::Departments(_) => "departments",
        }
    }
}

impl Records<'_> {
    /// The envelope key and the name in errors (see [`Target::name`]).
    fn name(&self) -> &'static str {
        self.target.name()
    }

    /// The record keys worth decoding.
    fn keys(&self) -> &'static [&'static str] {
        match self.target {
            Target::Rooms { .. } => &["t", "open", "departmentId", "ts", "department", "_id", "_updatedAt"],
            Target::Departments(_) => &["_id", "name"],
        }
    }

    /// Decodes the value of `keys()[key]` into `record`.
    fn read_value<'de, A: MapAccess<'de>>(&self, key: usize, map: &mut A, record: &mut Record) -> Result<(), A::Error> {
        let (room, department) = (&mut record.room, &mut record.department);
        let rooms = matches!(self.target, Target::Rooms { .. });
        if rooms && key == 4 {
            room.department = map.next_value_seed(EmbeddedSeed)?;
            return Ok(());
        }
        // One call site for every plain field, not an inlined value decoder each.
        let value = map.next_value_seed(FieldSeed)?;
        let field = match (rooms, key) {
            (true, 0) => &mut room.t,
            (true, 1) => &mut room.open,
            (true, 2) => &mut room.department_id,
            (true, 3) => &mut room.ts,
            (true, 5) => &mut room.id,
            (true, _) => &mut room.updated_at,
            (false, 0) => &mut department.id,
            (false, _) => &mut department.name,
        };
        *field = value;
        Ok(())
    }

    /// Takes a finished record.
    fn accept(&mut self, record: Record, index: usize) -> Result<(), DataError> {
        if std::mem::take(&mut self.skip) {
            return Ok(());
        }
        match &mut self.target {
            Target::Rooms { sink, zone } => deliver(&record.room, index, *zone, &mut **sink),
            Target::Departments(records) => {
                records.push(record.department);
                Ok(())
            }
        }
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
/// use chats_per_department::internals::json_input::read_room_record;
/// use chats_per_department::internals::room::RoomBatch;
/// use chats_per_department::internals::zone::Utc;
/// let mut batch = RoomBatch::default();
/// let err = read_room_record(br#"{"ts": true}"#, 41, &Utc, &mut batch).unwrap_err();
/// assert!(err.message.starts_with("rooms[41].ts is not a date"));
/// ```
pub fn read_room_record(json: &[u8], index: usize, zone: &dyn LocalZone, sink: &mut dyn RoomSink) -> Result<(), DataError> {
    if fast_json::read_record(json, zone, sink).is_ok() {
        return Ok(());
    }
    let mut de = serde_json::Deserializer::from_slice(json);
    let fail = |e: serde_json::Error| DataError::of(kind_of(&e), with_context("rooms", json, e));
    let mut records = Records { target: Target::Rooms { sink, zone }, first: 0, skip: false };
    RecordSeed { sink: &mut records, index }.deserialize(&mut de).map_err(fail)?;
    de.end().map_err(fail)
}

fn read_records(json: &[u8], target: Target<'_>) -> Result<(), DataError> {
    let json = json.strip_prefix("\u{FEFF}".as_bytes()).unwrap_or(json);
    let name = target.name();
    read_document(json, target, 0, false).map_err(|e| DataError::of(kind_of(&e), with_context(name, json, e)))
}

/// Reads a whole document whose first record is `rooms[first]`; with
/// `placeholder`, that first record is a stand-in and is not delivered.
/// The one-shot path starts at 0; a stream resuming after `first` records
/// puts a one-record stand-in before the rest of its bytes (see
/// [`resume_rooms`]).
fn read_document(json: &[u8], target: Target<'_>, first: usize, placeholder: bool) -> Result<(), serde_json::Error> {
    let mut sink = Records { target, first, skip: placeholder };
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
/// use chats_per_department::internals::json_input::{resume_rooms, Resume};
/// use chats_per_department::internals::room::RoomBatch;
/// use chats_per_department::internals::zone::Utc;
/// let mut batch = RoomBatch::default();
/// let err = resume_rooms(b"[{}, 5]", Resume::Array { next: 7 }, &Utc, &mut batch).unwrap_err();
/// assert_eq!(err.to_string(), "rooms[7] is not an object at line 1 column 6");
/// ```
pub fn resume_rooms(doc: &[u8], resume: Resume, zone: &dyn LocalZone, sink: &mut dyn RoomSink) -> Result<(), serde_json::Error> {
    let (_, first, placeholder) = resume.prefix();
    read_document(doc, Target::Rooms { sink, zone }, first, placeholder)
}

/// A serde_json error's kind: the readers' own errors are its data
/// errors (a record's); the rest are the text's.
pub(crate) fn kind_of(error: &serde_json::Error) -> DataErrorKind {
    match error.classify() {
        serde_json::error::Category::Data => DataErrorKind::Record,
        _ => DataErrorKind::Syntax,
    }
}

/// serde_json reports syntax errors without saying which input; ours
/// already start with the record's path. A lone surrogate is named (see
/// [`lone_surrogate`]).
fn with_context(name: &str, json: &[u8], error: serde_json::Error) -> String {
    let text = error.to_string();
    if let Some((code, column)) = lone_surrogate(json, &text, error.line(), error.column()) {
        return format!("{name}: {code} at line {} column {column}", error.line());
    }
    if text.starts_with(name) {
        text
    } else {
        format!("{name}: {text}")
    }
}

/// A string holding a `\u` escape of a surrogate (D800–DFFF) without its
/// pair is not text (RFC 8259 §8.2; JavaScript's `isWellFormed` is false).
/// serde_json calls it "unexpected end of hex escape" or "lone leading
/// surrogate in hex escape" (also for a trailing one), pointing past it;
/// this names the escape instead, with the column where it starts: `(the
/// message without its position, column)`, given serde's message and
/// position.
#[cold]
#[inline(never)]
pub(crate) fn lone_surrogate(doc: &[u8], text: &str, line: usize, column: usize) -> Option<(String, usize)> {
    if !text.starts_with("unexpected end of hex") && !text.starts_with("lone leading") {
        return None;
    }
    let mut line_start = 0;
    for _ in 1..line {
        line_start += doc[line_start..].iter().position(|&b| b == b'\n')? + 1;
    }
    // The last escape `\uD800`–`\uDFFF` before the error (an escape never
    // spans lines), its four hex digits read already. A backslash starts an
    // escape only after an even run of them: in `\\uDC00` the first two
    // are one escape (a backslash) and `uDC00` is text.
    let at = (line_start + column).min(doc.len());
    let escape = (line_start..at).rev().find(|&i| match doc.get(i..i + 6) {
        Some([b'\\', b'u', d, x, _, _]) => {
            d | 0x20 == b'd'
                && matches!(x | 0x20, b'8' | b'9' | b'a'..=b'f')
                && doc[line_start..i].iter().rev().take_while(|&&b| b == b'\\').count() % 2 == 0
        }
        _ => false,
    })?;
    let shown = std::str::from_utf8(&doc[escape..escape + 6]).ok()?;
    Some((format!("lone surrogate {shown} (half of a UTF-16 pair)"), escape - line_start + 1))
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

struct TopSeed<'s, 'a> {
    sink: &'s mut Records<'a>,
}

impl<'de> DeserializeSeed<'de> for TopSeed<'_, '_> {
    type Value = Shape;
    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<Shape, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for TopSeed<'_, '_> {
    type Value = Shape;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "an array of {0}, a {{\"{0}\": [...]}} page, or one record per line", self.sink.name())
    }

    reject_other_kinds!(visit_bool(bool) => "a boolean", visit_i64(i64) => "a number", visit_u64(u64) => "a number",
        visit_f64(f64) => "a number", visit_str(&str) => "a string", visit_unit() => "null");

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Shape, A::Error> {
        let first = self.sink.first;
        read_array(self.sink, seq, first)?;
        Ok(Shape::Whole)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Shape, A::Error> {
        let mut record = Record::default();
        let mut envelope = false;
        while let Some(key) = map.next_key_seed(KeySeed { keys: self.sink.keys(), envelope: self.sink.name() })? {
            match key {
                Key::Envelope => {
                    // A repeated `rooms` key is read again, numbered from 0.
                    let first = if envelope { 0 } else { self.sink.first };
                    map.next_value_seed(ArraySeed { sink: &mut *self.sink, first })?;
                    envelope = true;
                }
                Key::Known(k) => self.sink.read_value(k, &mut map, &mut record)?,
                Key::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        if envelope {
            return Ok(Shape::Whole);
        }
        let first = self.sink.first;
        self.sink.accept(record, first).map_err(|e| de::Error::custom(e.message))?;
        Ok(Shape::SingleRecord)
    }
}

struct ArraySeed<'s, 'a> {
    sink: &'s mut Records<'a>,
    first: usize,
}

impl<'de> DeserializeSeed<'de> for ArraySeed<'_, '_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ArraySeed<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "{} to be an array", self.sink.name())
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
fn read_array<'de, A: SeqAccess<'de>>(sink: &mut Records<'_>, mut seq: A, mut index: usize) -> Result<(), A::Error> {
    while seq.next_element_seed(RecordSeed { sink: &mut *sink, index })?.is_some() {
        index += 1;
    }
    Ok(())
}

struct RecordSeed<'s, 'a> {
    sink: &'s mut Records<'a>,
    index: usize,
}

impl<'de> DeserializeSeed<'de> for RecordSeed<'_, '_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl RecordSeed<'_, '_> {
    fn not_an_object<E: de::Error>(&self) -> Result<(), E> {
        Err(E::custom(format!("{}[{}] is not an object", self.sink.name(), self.index)))
    }
}

impl<'de> Visitor<'de> for RecordSeed<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "{}[{}] to be an object", self.sink.name(), self.index)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut record = Record::default();
        while let Some(key) = map.next_key_seed(KeySeed { keys: self.sink.keys(), envelope: "" })? {
            match key {
                Key::Known(k) => self.sink.read_value(k, &mut map, &mut record)?,
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
        while let Some(key) = map.next_key_seed(KeySeed { keys: &["_id", "name"], envelope: "" })? {
            match key {
                Key::Known(0) => record.id = map.next_value_seed(FieldSeed)?,
                Key::Known(_) => record.name = map.next_value_seed(FieldSeed)?,
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
