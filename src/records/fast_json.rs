//! A hand-written JSON reader for the hot path: room records straight from
//! the bytes a `fetch` returned.
//!
//! Why not serde alone: measured on 100k REST rooms, serde_json with
//! `IgnoredAny` for skipped fields ran at about 200 MB/s in wasm, slower
//! than `JSON.parse` plus a JavaScript loop. Almost all of a room's bytes
//! belong to fields the chart never reads (visitor, agent, last message…),
//! so this reader skips them with a tight scan and decodes only `t`, `open`,
//! `departmentId`, `ts` and `department`.
//!
//! It is strict JSON, and it is an accelerator, not a second definition: on
//! anything it does not handle itself (an escape inside a field it decodes,
//! a value of the wrong type, a date it must reject, malformed JSON) it
//! gives up, and the caller starts over with the serde reader of
//! `json_input`, which produces the exact result or error message. A record
//! is handed to the sink only once fully read, so giving up mid-record
//! leaves nothing half delivered.

use crate::records::department::{body_key, Name};
use crate::records::room::{classify, DepartmentView, OpenField, RoomSink, RoomView};
use crate::records::scan::string_stop;
use crate::server::date_parse::{canonical_iso, clip_ms, date_parse};
use crate::server::zone::LocalZone;

/// The fast reader met something it leaves to the full reader.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GaveUp;

/// Nesting deeper than this is left to serde (which has its own limit).
const MAX_DEPTH: u32 = 100;

/// Reads a whole document of rooms (array, REST page, or NDJSON).
///
/// # Example
/// ```
/// use chats_per_department::internals::fast_json::{read_rooms, GaveUp};
/// use chats_per_department::internals::room::RoomBatch;
/// use chats_per_department::internals::zone::Utc;
/// let mut batch = RoomBatch::default();
/// read_rooms(br#"{"rooms":[{"t":"l","ts":"2020-01-01T00:00:00.000Z","v":{"name":"x"}}],"total":1}"#, &Utc, &mut batch).unwrap();
/// assert_eq!(batch.rooms[0].ts, Some(1_577_836_800_000));
/// // Anything unusual is left to the full reader:
/// assert_eq!(read_rooms(br#"[{"ts":"soon"}]"#, &Utc, &mut batch), Err(GaveUp));
/// ```
pub fn read_rooms(json: &[u8], zone: &dyn LocalZone, sink: &mut dyn RoomSink) -> Result<(), GaveUp> {
    let json = json.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(json);
    let mut r = Reader { b: json, i: 0, zone };
    r.ws();
    match r.peek() {
        None => Ok(()),
        Some(b'[') => {
            r.records(sink)?;
            r.end()
        }
        Some(b'{') => {
            if r.record(sink, true)? == Shape::Envelope {
                return r.end();
            }
            loop {
                r.ws();
                match r.peek() {
                    None => return Ok(()),
                    Some(b'{') => {
                        r.record(sink, false)?;
                    }
                    Some(_) => return Err(GaveUp),
                }
            }
        }
        Some(_) => Err(GaveUp),
    }
}

/// Reads exactly one record (an object, surrounding white space allowed).
///
/// # Example
/// ```
/// use chats_per_department::internals::fast_json::read_record;
/// use chats_per_department::internals::room::{RoomBatch, State};
/// use chats_per_department::internals::zone::Utc;
/// let mut batch = RoomBatch::default();
/// read_record(br#" {"t":"l","open":true} "#, &Utc, &mut batch).unwrap();
/// assert_eq!(batch.rooms[0].state, State::Open);
/// ```
pub fn read_record(json: &[u8], zone: &dyn LocalZone, sink: &mut dyn RoomSink) -> Result<(), GaveUp> {
    let mut r = Reader { b: json, i: read_record_prefix(json, zone, sink)?, zone };
    r.end()
}

/// Reads the one record (an object) that `json` begins with (after any
/// white space), and returns where it ends: the index past its closing
/// brace. What follows is not
/// looked at, so a stream can read each record where it lies, without a
/// first pass to find its end.
///
/// # Example
/// ```
/// use chats_per_department::internals::fast_json::{read_record_prefix, GaveUp};
/// use chats_per_department::internals::room::RoomBatch;
/// use chats_per_department::internals::zone::Utc;
/// let mut batch = RoomBatch::default();
/// assert_eq!(read_record_prefix(br#"{"t":"l"},{"t":"#, &Utc, &mut batch), Ok(9));
/// // A record cut short is not read (nothing is delivered).
/// assert_eq!(read_record_prefix(br#"{"t":"#, &Utc, &mut batch), Err(GaveUp));
/// assert_eq!(batch.rooms.len(), 1);
/// ```
#[inline(never)]
pub fn read_record_prefix(json: &[u8], zone: &dyn LocalZone, sink: &mut dyn RoomSink) -> Result<usize, GaveUp> {
    let mut r = Reader { b: json, i: 0, zone };
    r.ws();
    if r.peek() != Some(b'{') {
        return Err(GaveUp);
    }
    r.record(sink, false)?;
    Ok(r.i)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    Record,
    Envelope,
}

struct Reader<'a> {
    b: &'a [u8],
    i: usize,
    zone: &'a dyn LocalZone,
}

impl<'a> Reader<'a> {
    #[inline]
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    #[inline]
    fn ws(&mut self) {
        while let Some(b' ' | b'\n' | b'\r' | b'\t') = self.peek() {
            self.i += 1;
        }
    }

    #[inline]
    fn eat(&mut self, byte: u8) -> Result<(), GaveUp> {
        if self.peek() == Some(byte) {
            self.i += 1;
            Ok(())
        } else {
            Err(GaveUp)
        }
    }

    fn end(&mut self) -> Result<(), GaveUp> {
        self.ws();
        if self.i == self.b.len() {
            Ok(())
        } else {
            Err(GaveUp)
        }
    }

    fn literal(&mut self, text: &[u8]) -> Result<(), GaveUp> {
        if self.b[self.i..].starts_with(text) {
            self.i += text.len();
            Ok(())
        } else {
            Err(GaveUp)
        }
    }

    /// A string at `i` (opening quote): the range of its raw content and
    /// whether it holds escapes. Validates escapes and control characters
    /// as JSON requires; leaves lone surrogate escapes to serde.
    #[inline]
    fn string(&mut self) -> Result<(usize, usize, bool), GaveUp> {
        let start = self.i + 1;
        let end = start + string_stop(&self.b[start..]).ok_or(GaveUp)?;
        if self.b[end] == b'"' {
            // The common case: no escapes.
            self.i = end + 1;
            return Ok((start, end, false));
        }
        self.i = end;
        self.escaped_string(start)
    }

    /// The rest of a string that has escapes (or a control character).
    #[cold]
    fn escaped_string(&mut self, start: usize) -> Result<(usize, usize, bool), GaveUp> {
        loop {
            match self.b[self.i] {
                b'"' => {
                    let end = self.i;
                    self.i += 1;
                    return Ok((start, end, true));
                }
                b'\\' => match self.b.get(self.i + 1) {
                    Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => self.i += 2,
                    Some(b'u') => {
                        let hex = self.b.get(self.i + 2..self.i + 6).ok_or(GaveUp)?;
                        if !hex.iter().all(u8::is_ascii_hexdigit) {
                            return Err(GaveUp);
                        }
                        let unit = hex.iter().fold(0u32, |n, &h| n * 16 + (h as char).to_digit(16).unwrap_or(0));
                        if (0xD800..=0xDFFF).contains(&unit) {
                            return Err(GaveUp);
                        }
                        self.i += 6;
                    }
                    _ => return Err(GaveUp),
                },
                _ => return Err(GaveUp), // a raw control character
            }
            self.i += string_stop(&self.b[self.i..]).ok_or(GaveUp)?;
        }
    }

    /// A string the chart reads as text: no escapes, valid UTF-8.
    fn plain_text(&mut self) -> Result<&'a str, GaveUp> {
        std::str::from_utf8(self.plain_bytes()?).map_err(|_| GaveUp)
    }

    #[inline]
    fn text(&self, start: usize, end: usize) -> Result<&'a str, GaveUp> {
        std::str::from_utf8(&self.b[start..end]).map_err(|_| GaveUp)
    }

    /// The range of a string the chart reads, checked to be UTF-8 only
    /// when it is not plain ASCII (the common case needs no check).
    #[inline]
    fn plain_bytes(&mut self) -> Result<&'a [u8], GaveUp> {
        let (start, end, escapes) = self.string()?;
        let bytes = &self.b[start..end];
        if escapes || (!bytes.is_ascii() && std::str::from_utf8(bytes).is_err()) {
            return Err(GaveUp);
        }
        Ok(bytes)
    }

    /// A number, validated by JSON's grammar: its text. serde_json rejects
    /// a number whose value is beyond `f64` ("number out of range"), so the
    /// fast reader gives up on any number that could be (an exponent, or
    /// more than 300 integer digits) and lets serde decide. Found by the
    /// `readers` fuzz target (fuzz/regressions/readers/).
    fn number(&mut self) -> Result<&'a str, GaveUp> {
        let start = self.i;
        if self.peek() == Some(b'-') {
            self.i += 1;
        }
        let integer = self.i;
        match self.peek() {
            Some(b'0') => self.i += 1,
            Some(b'1'..=b'9') => self.digits(),
            _ => return Err(GaveUp),
        }
        if self.i - integer > 300 {
            return Err(GaveUp);
        }
        if self.peek() == Some(b'.') {
            self.i += 1;
            self.some_digits()?;
        }
        if let Some(b'e' | b'E') = self.peek() {
            return Err(GaveUp);
        }
        self.text(start, self.i)
    }

    fn digits(&mut self) {
        while let Some(b'0'..=b'9') = self.peek() {
            self.i += 1;
        }
    }

    fn some_digits(&mut self) -> Result<(), GaveUp> {
        let start = self.i;
        self.digits();
        if self.i == start {
            Err(GaveUp)
        } else {
            Ok(())
        }
    }

    /// Skips any value, validating it.
    fn skip(&mut self, depth: u32) -> Result<(), GaveUp> {
        if depth > MAX_DEPTH {
            return Err(GaveUp);
        }
        match self.peek() {
            Some(b'"') => self.string().map(|_| ()),
            Some(b'{') => {
                self.i += 1;
                self.ws();
                if self.peek() == Some(b'}') {
                    self.i += 1;
                    return Ok(());
                }
                loop {
                    if self.peek() != Some(b'"') {
                        return Err(GaveUp);
                    }
                    self.string()?;
                    self.ws();
                    self.eat(b':')?;
                    self.ws();
                    self.skip(depth + 1)?;
                    self.ws();
                    if self.after_member(b'}')? {
                        return Ok(());
                    }
                }
            }
            Some(b'[') => {
                self.i += 1;
                self.ws();
                if self.peek() == Some(b']') {
                    self.i += 1;
                    return Ok(());
                }
                loop {
                    self.skip(depth + 1)?;
                    self.ws();
                    if self.after_member(b']')? {
                        return Ok(());
                    }
                }
            }
            Some(b't') => self.literal(b"true"),
            Some(b'f') => self.literal(b"false"),
            Some(b'n') => self.literal(b"null"),
            Some(b'-' | b'0'..=b'9') => self.number().map(|_| ()),
            _ => Err(GaveUp),
        }
    }

    /// After a member: `,` (more follow; white space skipped) or the
    /// closing bracket (`true`).
    #[inline]
    fn after_member(&mut self, close: u8) -> Result<bool, GaveUp> {
        match self.peek() {
            Some(b',') => {
                self.i += 1;
                self.ws();
                Ok(false)
            }
            Some(c) if c == close => {
                self.i += 1;
                Ok(true)
            }
            _ => Err(GaveUp),
        }
    }

    /// `[ record, … ]`.
    fn records(&mut self, sink: &mut dyn RoomSink) -> Result<(), GaveUp> {
        self.eat(b'[')?;
        self.ws();
        if self.peek() == Some(b']') {
            self.i += 1;
            return Ok(());
        }
        loop {
            if self.peek() != Some(b'{') {
                return Err(GaveUp);
            }
            self.record(sink, false)?;
            self.ws();
            if self.after_member(b']')? {
                return Ok(());
            }
        }
    }

    /// One room object; delivered when complete. With `envelope_allowed`, a
    /// `rooms` key holding an array makes it a REST page instead.
    fn record(&mut self, sink: &mut dyn RoomSink, envelope_allowed: bool) -> Result<Shape, GaveUp> {
        self.i += 1; // '{'
        let mut livechat = false;
        let mut open = OpenField::Absent;
        let mut department = DepartmentView::Absent;
        let mut ts = None;
        let mut id = None;
        let mut updated_at = None;
        let mut embedded: Option<(&str, Name)> = None;
        let mut shape = Shape::Record;
        self.ws();
        if self.peek() == Some(b'}') {
            self.i += 1;
        } else {
            loop {
                let key = self.member_key()?;
                match key {
                    b"t" => livechat = self.room_type()?,
                    b"open" => open = self.open()?,
                    b"_id" if self.peek() == Some(b'"') => id = Some(self.plain_text()?),
                    b"_id" => return Err(GaveUp),
                    b"_updatedAt" => updated_at = self.timestamp()?,
                    b"departmentId" => department = self.department_id()?,
                    b"ts" => ts = self.timestamp()?,
                    b"department" => embedded = self.embedded()?,
                    b"rooms" if envelope_allowed && self.peek() == Some(b'[') => {
                        self.records(sink)?;
                        shape = Shape::Envelope;
                    }
                    b"rooms" if envelope_allowed => return Err(GaveUp),
                    _ => self.skip(2)?,
                }
                self.ws();
                if self.after_member(b'}')? {
                    break;
                }
            }
        }
        if shape == Shape::Envelope {
            return Ok(shape);
        }
        if let Some((id, name)) = embedded {
            sink.embedded(id, body_key(name));
        }
        sink.room(RoomView { id, updated_at, state: classify(livechat, open), department, ts });
        Ok(shape)
    }

    /// `t`: is it exactly `"l"`? Arrays and objects are left to serde.
    fn room_type(&mut self) -> Result<bool, GaveUp> {
        match self.peek() {
            Some(b'"') => Ok(self.plain_bytes()? == b"l"),
            Some(b'[' | b'{') | None => Err(GaveUp),
            _ => self.skip(2).map(|_| false),
        }
    }

    /// `open`: `true`, or any other scalar.
    fn open(&mut self) -> Result<OpenField, GaveUp> {
        match self.peek() {
            Some(b't') => self.literal(b"true").map(|_| OpenField::True),
            Some(b'"') => self.plain_text().map(|_| OpenField::Other),
            Some(b'[' | b'{') | None => Err(GaveUp),
            _ => self.skip(2).map(|_| OpenField::Other),
        }
    }

    fn department_id(&mut self) -> Result<DepartmentView<'a>, GaveUp> {
        match self.peek() {
            Some(b'"') => self.plain_text().map(DepartmentView::Id),
            Some(b'n') => self.literal(b"null").map(|_| DepartmentView::Null),
            _ => Err(GaveUp),
        }
    }

    /// `ts`: ISO text (or any `Date.parse` text), integer milliseconds,
    /// null, or Extended JSON. Anything that is not a date is left to serde
    /// to report.
    fn timestamp(&mut self) -> Result<Option<i64>, GaveUp> {
        match self.peek() {
            Some(b'n') => self.literal(b"null").map(|_| None),
            Some(b'{') => self.extended_date().map(Some),
            _ => self.date_value().map(Some),
        }
    }

    /// A date given as text or integer milliseconds.
    fn date_value(&mut self) -> Result<i64, GaveUp> {
        match self.peek() {
            Some(b'"') => {
                let text = self.plain_bytes()?;
                parse_date(text, self.zone).ok_or(GaveUp)
            }
            Some(b'-' | b'0'..=b'9') => {
                let text = self.number()?;
                // Fractions and exponents: serde's float parsing decides.
                let ms: i64 = text.parse().map_err(|_| GaveUp)?;
                clip_ms(ms).ok_or(GaveUp)
            }
            _ => Err(GaveUp),
        }
    }

    /// `{"$date": "…" | ms | {"$numberLong": "…"}}`.
    fn extended_date(&mut self) -> Result<i64, GaveUp> {
        self.i += 1;
        self.ws();
        self.key(b"$date")?;
        let ms = if self.peek() == Some(b'{') {
            self.i += 1;
            self.ws();
            self.key(b"$numberLong")?;
            if self.peek() != Some(b'"') {
                return Err(GaveUp);
            }
            let digits = self.plain_text()?;
            let ms: i64 = digits.parse().map_err(|_| GaveUp)?;
            self.ws();
            self.eat(b'}')?;
            clip_ms(ms).ok_or(GaveUp)?
        } else {
            self.date_value()?
        };
        self.ws();
        self.eat(b'}')?;
        Ok(ms)
    }

    /// An object member's key (plain, UTF-8), then `:`: the key's bytes.
    /// Keys with escapes are left to serde (it compares them decoded).
    fn member_key(&mut self) -> Result<&'a [u8], GaveUp> {
        if self.peek() != Some(b'"') {
            return Err(GaveUp);
        }
        let key = self.plain_bytes()?;
        self.ws();
        self.eat(b':')?;
        self.ws();
        Ok(key)
    }

    /// Expects the key `name` then `:`.
    fn key(&mut self, name: &[u8]) -> Result<(), GaveUp> {
        if self.member_key()? != name {
            return Err(GaveUp);
        }
        Ok(())
    }

    /// `department: {_id, name}` or null.
    fn embedded(&mut self) -> Result<Option<(&'a str, Name<'a>)>, GaveUp> {
        match self.peek() {
            Some(b'n') => return self.literal(b"null").map(|_| None),
            Some(b'{') => self.i += 1,
            _ => return Err(GaveUp),
        }
        let mut id = None;
        let mut name = Name::Absent;
        self.ws();
        if self.peek() == Some(b'}') {
            self.i += 1;
        } else {
            loop {
                let key = self.member_key()?;
                match key {
                    b"_id" if self.peek() == Some(b'"') => id = Some(self.plain_text()?),
                    b"_id" => return Err(GaveUp),
                    b"name" => {
                        name = match self.peek() {
                            Some(b'"') => Name::Text(self.plain_text()?),
                            Some(b'n') => self.literal(b"null").map(|_| Name::Null)?,
                            _ => return Err(GaveUp),
                        }
                    }
                    _ => self.skip(3)?,
                }
                self.ws();
                if self.after_member(b'}')? {
                    break;
                }
            }
        }
        Ok(Some((id.ok_or(GaveUp)?, name)))
    }
}

/// `Date.parse` of a timestamp's text; the canonical ISO form goes
/// straight to its shortcut, without a UTF-8 check.
#[inline]
fn parse_date(text: &[u8], zone: &dyn LocalZone) -> Option<i64> {
    canonical_iso(text).or_else(|| date_parse(std::str::from_utf8(text).ok()?, zone))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::records::json_input::read_rooms_fully;
    use crate::records::room::{DataError, RoomBatch};
    use crate::server::zone::Utc;

    fn fast(json: &str) -> Result<Vec<crate::records::room::Room>, GaveUp> {
        let mut batch = RoomBatch::default();
        read_rooms(json.as_bytes(), &Utc, &mut batch).map(|_| batch.rooms)
    }

    fn full(json: &str) -> Result<Vec<crate::records::room::Room>, DataError> {
        let mut batch = RoomBatch::default();
        read_rooms_fully(json.as_bytes(), &Utc, &mut batch).map(|_| batch.rooms)
    }

    #[test]
    fn agrees_with_serde_where_it_answers() {
        let docs = [
            r#"[{"t":"l","open":true,"departmentId":"d","ts":"2020-09-10T23:59:22.345Z","x":[1,{"a":"\"}"}],"y":-1.5}]"#,
            r#"{"count":1,"rooms":[{"t":"l","departmentId":null,"ts":{"$date":{"$numberLong":"5"}}}],"total":1}"#,
            "{\"t\":\"l\",\"ts\":7}\n{\"t\":\"c\",\"open\":false}\r\n",
            r#"[{"t":"l","department":{"_id":"d","name":null},"departmentId":"d","ts":{"$date":"Sep 10 2020"}}]"#,
            "[]",
            "",
        ];
        for doc in docs {
            assert_eq!(fast(doc).map_err(|_| ()), full(doc).map_err(|_| ()), "{doc}");
        }
    }

    #[test]
    fn gives_up_on_what_serde_must_judge() {
        for doc in [
            r#"[{"ts":"soon"}]"#,
            r#"[{"t":["l"]}]"#,
            r#"[{"departmentId":5}]"#,
            r#"[{"t":"l"},]"#,
            r#"[{"open":1e999}]"#,
            r#"[{"x":-1.5e3}]"#,
            r#"[{"a":tru}]"#,
            r#"[{"a":01}]"#,
            r#"[{"a":"\x"}]"#,
            "[{\"a\":\"\u{1}\"}]",
            r#"[{"t":"\u006c"}]"#,
            r#"[{"ts":1.5}]"#,
            r#"{"rooms":5}"#,
            r#"[] []"#,
            r#"[{"department":{"name":"x"}}]"#,
        ] {
            assert_eq!(fast(doc), Err(GaveUp), "{doc}");
        }
    }
}
