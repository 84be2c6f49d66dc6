//! Reading rooms from a JSON byte stream as its chunks arrive, with exactly
//! the outcome of reading the whole text at once (`json_input`): the same
//! rooms, or the same error, word for word and at the same line and column.
//!
//! A 400 MB REST response must not be copied whole into wasm memory (which
//! never shrinks), so the common case is read record by record, keeping
//! only the record being read:
//! - records are the elements of a top-level array, of a REST page's
//!   `rooms` array, or newline-delimited top-level objects (the shapes of
//!   `json_input`), separated exactly as JSON allows (RFC 8259 §2: white
//!   space is space, tab, LF and CR; elements are separated by `,`);
//! - each record is read alone by the per-record reader the whole-text
//!   path uses, then the bytes up to its end are dropped. What remains is a
//!   checkpoint: a [`Resume`] state, the records read, the line and column;
//! - a record is read where it lies, by that reader's fast path, which
//!   says where the record ends. Only a record it does not take whole (cut
//!   short by the chunk's end, or anything it leaves to serde) is first
//!   delimited by a scan of its bytes (depth and strings), then read.
//!
//! Everything else is left to the whole-text reader, because it decides
//! more than where records are: malformed separators, a second `rooms` key,
//! an escaped `"r\u006foms"`, the rest of a page after its rooms, serde's
//! nesting limit, and every error message. From the checkpoint on, the
//! bytes are kept and read by that reader behind a few bytes of stand-in
//! (`[{}` recreates "inside an array, after a record"); the positions of
//! its errors are then moved back to the whole text's. So errors are the
//! whole-text reader's own by construction, and the common path only has to
//! accept nothing that reader rejects, which the differential tests check
//! over generated and mutated documents cut at random.

use crate::records::fast_json::read_record_prefix;
use crate::records::field::DataError;
use crate::records::json_input::{kind_of, lone_surrogate, read_room_record, resume_rooms, Resume};
use crate::records::room::{RoomSink, RoomView};
use crate::server::zone::LocalZone;

/// The most input held at once: one record, or what the whole-text reader
/// is given when the common path stops. Beyond it the stream is refused
/// (`add` refuses a text this large too).
const MAX_HELD: usize = 1 << 30;

/// serde_json's nesting limit: it refuses a 128th level of arrays and
/// objects it decodes (`remaining_depth` starts at 128).
const MAX_NESTING: usize = 127;

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Where the common path is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Before the document's first value.
    Start,
    /// Inside the first top-level object: one record (newline-delimited
    /// input) or a REST page, decided by a `rooms` key at its top level.
    Undecided(KeyWatch),
    /// Where an array's element must start (`first`: `]` may close it).
    Element { first: bool, page: bool },
    /// Inside a record.
    Record(Kind),
    /// After an element: `,` or `]`.
    AfterElement { page: bool },
    /// Between newline-delimited records.
    Lines,
    /// After a top-level array: white space only.
    Closed,
    /// The whole-text reader has the bytes from the checkpoint on.
    Handed,
}

/// The container a record is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Array,
    Page,
    Lines,
}

impl Kind {
    /// Arrays and objects around a record of this kind.
    fn nesting(self) -> usize {
        match self {
            Kind::Array => 1,
            Kind::Page => 2,
            Kind::Lines => 0,
        }
    }
}

/// The top-level keys of an undecided object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum KeyWatch {
    /// A key may come next.
    Key,
    /// Reading a key that starts at this offset of the buffer.
    InKey(usize),
    /// After a key, before its `:`.
    AfterKey { rooms: bool },
    /// After the `:`, before the value.
    Value { rooms: bool },
    /// Within a value.
    Other,
}

/// Rooms read from a byte stream; feed chunks with [`RoomStream::push`],
/// then call [`RoomStream::finish`].
///
/// # Example
/// ```
/// use chats_per_department::internals::stream::RoomStream;
/// use chats_per_department::internals::room::RoomBatch;
/// use chats_per_department::internals::zone::Utc;
/// let mut rooms = RoomBatch::default();
/// let mut stream = RoomStream::default();
/// stream.push(br#"{"total": 2, "rooms": [{"t":"l"},{"t""#, &Utc, &mut rooms).unwrap();
/// stream.push(br#":"c"}], "meta": {"tags": ["a"]}}"#, &Utc, &mut rooms).unwrap();
/// assert_eq!(stream.finish(&Utc, &mut rooms).unwrap(), 2);
/// assert_eq!(rooms.rooms.len(), 2);
///
/// // Errors are the whole text's, positions included.
/// let mut stream = RoomStream::default();
/// let err = stream.push(b"[{},\n {} {}]", &Utc, &mut rooms).unwrap_err();
/// assert_eq!(err.message, "rooms: expected `,` or `]` at line 2 column 5");
/// ```
#[derive(Debug)]
pub struct RoomStream {
    /// The input from the checkpoint on: `buf[head..]`; the bytes before
    /// `head` are dropped once per chunk (dropping them after each record
    /// would move the rest of the chunk each time).
    buf: Vec<u8>,
    head: usize,
    /// The next byte of `buf` to look at.
    scan: usize,
    /// The reader's state at `buf[head]`.
    resume: Resume,
    /// Line (from 1) and column (bytes since the line began) of `buf[0]`
    /// in the whole text, as serde_json counts them (`position` gives
    /// the checkpoint's).
    line: usize,
    column: usize,
    /// Whether `line` and `column` are kept (see [`RoomStream::unplaced`]).
    placed: bool,
    /// Records read so far.
    records: usize,
    /// Whether a leading byte-order mark has been dealt with.
    bom_settled: bool,
    state: State,
    /// Within a value: open arrays and objects, the most seen, strings.
    depth: usize,
    deepest: usize,
    in_string: bool,
    escaped: bool,
    /// Where in `buf` the record being read starts.
    start: usize,
    /// `buf`'s length when the whole-text reader last tried it.
    tried: usize,
}

impl Default for RoomStream {
    fn default() -> Self {
        RoomStream {
            buf: Vec::new(),
            head: 0,
            scan: 0,
            resume: Resume::Document,
            line: 1,
            column: 0,
            placed: true,
            records: 0,
            bom_settled: false,
            state: State::Start,
            depth: 0,
            deepest: 0,
            in_string: false,
            escaped: false,
            start: 0,
            tried: 0,
        }
    }
}

impl RoomStream {
    /// A stream that does not keep where its bytes lie (lines and
    /// columns), for a text its caller can read again: the rooms it reads
    /// and whether it fails are [`RoomStream::default`]'s, but an error's
    /// position is not the text's. Keeping it means looking at every byte
    /// once more as it is dropped; a caller that reads the text again with
    /// a default stream after an error pays for positions only when there
    /// is an error (`read_in_pieces`, `bindings/convert.rs`).
    ///
    /// # Example
    /// ```
    /// use chats_per_department::internals::stream::RoomStream;
    /// use chats_per_department::internals::room::RoomBatch;
    /// use chats_per_department::internals::zone::Utc;
    /// let text = b"[{},\n {} {}]";
    /// let mut rooms = RoomBatch::default();
    /// assert!(RoomStream::unplaced().push(text, &Utc, &mut rooms).is_err());
    /// let err = RoomStream::default().push(text, &Utc, &mut RoomBatch::default()).unwrap_err();
    /// assert_eq!(err.message, "rooms: expected `,` or `]` at line 2 column 5");
    /// ```
    pub fn unplaced() -> RoomStream {
        RoomStream { placed: false, ..RoomStream::default() }
    }

    /// Bytes held between chunks.
    pub fn buffered(&self) -> usize {
        self.buf.capacity()
    }

    /// Reads a chunk, delivering to `sink` each room it completes. An error
    /// is final: the document is not what the whole-text reader accepts.
    pub fn push(&mut self, chunk: &[u8], zone: &dyn LocalZone, sink: &mut dyn RoomSink) -> Result<(), DataError> {
        self.buf.extend_from_slice(chunk);
        self.pushed(zone, sink)
    }

    /// [`RoomStream::push`] of a chunk of `length` bytes that `fill`
    /// writes into the stream's own buffer: a chunk held elsewhere (in
    /// JavaScript) is copied once, not first into a chunk of its own.
    ///
    /// # Example
    /// ```
    /// use chats_per_department::internals::stream::RoomStream;
    /// use chats_per_department::internals::room::RoomBatch;
    /// use chats_per_department::internals::zone::Utc;
    /// let (mut rooms, mut stream) = (RoomBatch::default(), RoomStream::default());
    /// let text = br#"[{"t":"l"}]"#;
    /// stream.push_with(text.len(), |buffer| buffer.copy_from_slice(text), &Utc, &mut rooms).unwrap();
    /// assert_eq!(stream.finish(&Utc, &mut rooms), Ok(1));
    /// ```
    pub fn push_with(
        &mut self,
        length: usize,
        fill: impl FnOnce(&mut [u8]),
        zone: &dyn LocalZone,
        sink: &mut dyn RoomSink,
    ) -> Result<(), DataError> {
        let at = self.buf.len();
        self.buf.resize(at + length, 0);
        fill(&mut self.buf[at..]);
        self.pushed(zone, sink)
    }

    /// Reads what the last chunk completes.
    fn pushed(&mut self, zone: &dyn LocalZone, sink: &mut dyn RoomSink) -> Result<(), DataError> {
        if !self.bom_settled {
            // The whole-text reader drops one leading mark before counting
            // positions; it may arrive split across chunks.
            if self.buf.len() < BOM.len() && BOM.starts_with(&self.buf) {
                return Ok(());
            }
            if self.buf.starts_with(BOM) {
                self.buf.drain(..BOM.len());
            }
            self.bom_settled = true;
        }
        self.scan_buffer(zone, sink)?;
        self.compact();
        if self.state == State::Handed {
            if self.buf.len() > MAX_HELD {
                return Err(DataError::limit(format!(
                    "rooms: more than 1 GiB of input after rooms[{}] could not be read record by record; addStream holds at most that much at once",
                    self.records
                )));
            }
            // Try again once the input has doubled: linear time overall.
            if self.buf.len() >= 2 * self.tried {
                self.hand_over(zone, &mut Discard, false)?;
            }
        } else if matches!(self.state, State::Record(_) | State::Undecided(_)) && self.buf.len() - self.start > MAX_HELD {
            return Err(DataError::limit(format!("rooms[{}] is over 1 GiB and not finished; no room is that large", self.records)));
        }
        Ok(())
    }

    /// Checks the document ended where it may; returns the records read.
    pub fn finish(mut self, zone: &dyn LocalZone, sink: &mut dyn RoomSink) -> Result<usize, DataError> {
        if !self.bom_settled {
            // One or two bytes of a mark and nothing more: they are content.
            self.bom_settled = true;
            self.scan_buffer(zone, sink)?;
        }
        match self.state {
            State::Start | State::Lines | State::Closed => Ok(self.records),
            _ => {
                let before = self.records;
                let mut counter = Counted { sink, rooms: 0 };
                self.state = State::Handed;
                self.hand_over(zone, &mut counter, true)?;
                Ok(before + counter.rooms)
            }
        }
    }

    /// Runs the common path over the unscanned bytes.
    fn scan_buffer(&mut self, zone: &dyn LocalZone, sink: &mut dyn RoomSink) -> Result<(), DataError> {
        while self.scan < self.buf.len() && self.state != State::Handed {
            if self.in_string {
                self.skip_string()?;
                continue;
            }
            let i = self.scan;
            let byte = self.buf[i];
            self.scan += 1;
            match self.state {
                State::Start | State::Lines | State::Closed | State::Element { .. } | State::AfterElement { .. } => {
                    self.between_values(i, byte)?;
                    if let State::Record(kind) = self.state {
                        self.read_in_place(i, kind, zone, sink);
                    }
                }
                State::Record(kind) => self.in_record(i, byte, kind, zone, sink),
                State::Undecided(watch) => self.in_first_object(i, byte, watch, zone, sink)?,
                State::Handed => unreachable!("the loop stops"),
            }
        }
        // White space between records says nothing: drop it.
        if matches!(self.state, State::Start | State::Lines | State::Closed) {
            let resume = self.resume;
            self.advance(self.scan, resume);
        }
        Ok(())
    }

    /// A byte outside any value.
    fn between_values(&mut self, i: usize, byte: u8) -> Result<(), DataError> {
        if matches!(byte, b' ' | b'\t' | b'\n' | b'\r') {
            return Ok(());
        }
        self.state = match (self.state, byte) {
            (State::Start, b'[') => State::Element { first: true, page: false },
            (State::Start, b'{') => {
                self.open_value(i);
                State::Undecided(KeyWatch::Key)
            }
            (State::Element { page, .. }, b'{') => {
                self.open_value(i);
                State::Record(if page { Kind::Page } else { Kind::Array })
            }
            (State::Lines, b'{') => {
                self.open_value(i);
                State::Record(Kind::Lines)
            }
            (State::AfterElement { page }, b',') => State::Element { first: false, page },
            (State::Element { first: true, page: false } | State::AfterElement { page: false }, b']') => {
                self.advance(i + 1, Resume::ArrayClosed);
                State::Closed
            }
            // The rest of a page (more keys, perhaps another `rooms`) and
            // anything irregular go to the whole-text reader.
            _ => State::Handed,
        };
        Ok(())
    }

    fn open_value(&mut self, i: usize) {
        self.start = i;
        self.depth = 1;
        self.deepest = 1;
    }

    /// A byte inside a record; at its end the record is read.
    fn in_record(&mut self, i: usize, byte: u8, kind: Kind, zone: &dyn LocalZone, sink: &mut dyn RoomSink) {
        if self.nest(byte) {
            self.end_record(i, kind, zone, sink);
        }
    }

    /// Reads the record that opens at `i` where it lies, if the per-record
    /// reader's fast path takes it whole: it then says where the record
    /// ends, and the bytes need no scan for it. Otherwise (cut short by
    /// the chunk's end, or anything that path leaves to serde) the bytes
    /// are scanned for the record's end as before, and the record read
    /// then: what the fast path accepts, the scan would have delimited the
    /// same way and `read_room_record` read the same way (its first step
    /// is this reader), so the outcome is the same.
    #[inline(never)]
    fn read_in_place(&mut self, i: usize, kind: Kind, zone: &dyn LocalZone, sink: &mut dyn RoomSink) {
        if let Ok(length) = read_record_prefix(&self.buf[i..], zone, sink) {
            self.scan = i + length;
            self.delivered(self.scan - 1, kind);
        }
    }

    /// Reads the record ending at `i` alone, or hands it over.
    fn end_record(&mut self, i: usize, kind: Kind, zone: &dyn LocalZone, sink: &mut dyn RoomSink) {
        let fits = self.deepest + kind.nesting() <= MAX_NESTING;
        if fits && read_room_record(&self.buf[self.start..=i], self.records, zone, sink).is_ok() {
            self.delivered(i, kind);
        } else {
            self.state = State::Handed;
        }
    }

    /// A record of `kind` ending at `i` was delivered.
    fn delivered(&mut self, i: usize, kind: Kind) {
        self.records += 1;
        let next = self.records;
        let (resume, state) = match kind {
            Kind::Array => (Resume::Array { next }, State::AfterElement { page: false }),
            Kind::Page => (Resume::Rooms { next }, State::AfterElement { page: true }),
            Kind::Lines => (Resume::Lines { next }, State::Lines),
        };
        self.advance(i + 1, resume);
        self.state = state;
    }

    /// A byte of the first top-level object, watching its keys for `rooms`.
    fn in_first_object(
        &mut self,
        i: usize,
        byte: u8,
        watch: KeyWatch,
        zone: &dyn LocalZone,
        sink: &mut dyn RoomSink,
    ) -> Result<(), DataError> {
        let top = self.depth == 1;
        let watch = match (watch, byte) {
            (KeyWatch::Key, b'"') if top => KeyWatch::InKey(i),
            (KeyWatch::AfterKey { rooms }, b':') if top => KeyWatch::Value { rooms },
            (KeyWatch::Value { rooms: true }, b' ' | b'\t' | b'\n' | b'\r') => watch,
            (KeyWatch::Value { rooms: true }, b'[') => return self.open_page(i, zone),
            (KeyWatch::Value { rooms: true }, _) => {
                self.state = State::Handed;
                return Ok(());
            }
            (_, b',') if top => KeyWatch::Key,
            (KeyWatch::Key | KeyWatch::InKey(_) | KeyWatch::AfterKey { .. }, _) => watch,
            _ => KeyWatch::Other,
        };
        self.state = State::Undecided(watch);
        if self.nest(byte) {
            // The object closed without a `rooms` key: it was one record.
            self.end_record(i, Kind::Lines, zone, sink);
        }
        Ok(())
    }

    /// The first object is a REST page whose `rooms` array starts at `i`.
    /// What came before the array is read by the whole-text reader now (it
    /// decodes some of the page's keys), with `[]}` standing in for the rest.
    fn open_page(&mut self, i: usize, zone: &dyn LocalZone) -> Result<(), DataError> {
        let mut doc = self.buf[self.head..i].to_vec();
        doc.extend_from_slice(b"[]}");
        if let Err(error) = resume_rooms(&doc, Resume::Document, zone, &mut Discard) {
            return Err(self.whole_text_error(&doc, &error, 0));
        }
        self.advance(i + 1, Resume::Rooms { next: 0 });
        self.state = State::Element { first: true, page: true };
        Ok(())
    }

    /// Follows nesting for one byte of a value (strings are skipped
    /// elsewhere); `true` when the value just ended.
    fn nest(&mut self, byte: u8) -> bool {
        match byte {
            b'"' => self.in_string = true,
            b'{' | b'[' => {
                self.depth += 1;
                self.deepest = self.deepest.max(self.depth);
            }
            b'}' | b']' => {
                self.depth -= 1;
                return self.depth == 0;
            }
            _ => {}
        }
        false
    }

    /// Skips string content up to and including the closing quote, or to
    /// the end of the buffer; a finished top-level key is checked for
    /// `rooms`.
    fn skip_string(&mut self) -> Result<(), DataError> {
        let rest = &self.buf[self.scan..];
        let mut k = 0;
        while k < rest.len() {
            let b = rest[k];
            k += 1;
            if self.escaped {
                self.escaped = false;
            } else if b == b'\\' {
                self.escaped = true;
            } else if b == b'"' {
                self.in_string = false;
                break;
            }
        }
        self.scan += k;
        if let (false, State::Undecided(KeyWatch::InKey(start))) = (self.in_string, self.state) {
            // Without the quotes; the whole-text reader compares keys decoded.
            let rooms = match key_equals(&self.buf[start + 1..self.scan - 1], b"rooms") {
                Some(rooms) => rooms,
                None => {
                    self.state = State::Handed;
                    return Ok(());
                }
            };
            self.state = State::Undecided(KeyWatch::AfterKey { rooms });
        }
        Ok(())
    }

    /// Moves the checkpoint to `buf[n]`, where the reader is in `resume`.
    fn advance(&mut self, n: usize, resume: Resume) {
        self.head = n;
        self.resume = resume;
    }

    /// Line and column of the checkpoint (`buf[head]`) in the whole text:
    /// those of `buf[0]`, moved past the bytes before `head`. Needed when
    /// those bytes are dropped (once per chunk) and by an error, so line
    /// feeds are counted then, not as each record is passed.
    fn position(&self) -> (usize, usize) {
        let passed = &self.buf[..self.head];
        // `contains` is core's word-at-a-time search; a REST page is one
        // line, so most chunks hold no line feed to walk to.
        if !passed.contains(&b'\n') {
            return (self.line, self.column + passed.len());
        }
        let (mut line, mut column) = (self.line, self.column);
        for (k, &byte) in passed.iter().enumerate() {
            if byte == b'\n' {
                (line, column) = (line + 1, passed.len() - k - 1);
            }
        }
        (line, column)
    }

    /// Drops the bytes before the checkpoint.
    fn compact(&mut self) {
        let n = self.head;
        if n == 0 {
            return;
        }
        if self.placed {
            (self.line, self.column) = self.position();
        }
        self.buf.drain(..n);
        self.head = 0;
        self.scan -= n;
        self.start = self.start.saturating_sub(n);
        if let State::Undecided(KeyWatch::InKey(start)) = &mut self.state {
            *start -= n;
        }
    }

    /// Lets the whole-text reader read the bytes from the checkpoint on,
    /// behind the checkpoint's stand-in. Before the end (`last` false) an
    /// error counts only if more input could not change it.
    fn hand_over(&mut self, zone: &dyn LocalZone, sink: &mut dyn RoomSink, last: bool) -> Result<(), DataError> {
        let (prefix, _, _) = self.resume.prefix();
        let mut doc = Vec::with_capacity(prefix.len() + self.buf.len() - self.head);
        doc.extend_from_slice(prefix);
        doc.extend_from_slice(&self.buf[self.head..]);
        self.tried = self.buf.len().max(1);
        match resume_rooms(&doc, self.resume, zone, sink) {
            Ok(()) => Ok(()),
            Err(error) if last || is_settled(&error, &doc) => Err(self.whole_text_error(&doc, &error, prefix.len())),
            Err(_) => Ok(()),
        }
    }

    /// serde_json's error on the stand-in document, with its position moved
    /// to the whole text's.
    fn whole_text_error(&self, doc: &[u8], error: &serde_json::Error, prefix: usize) -> DataError {
        let mut text = error.to_string();
        let (line, mut column) = (error.line(), error.column());
        if let Some((code, at)) = lone_surrogate(doc, &text, line, column) {
            column = at;
            text = format!("{code} at line {line} column {column}");
        }
        let code = match text.strip_suffix(&format!(" at line {line} column {column}")) {
            Some(code) if line > 0 => code,
            _ => return DataError::of(kind_of(error), with_name(text)),
        };
        let (at_line, at_column) = self.position();
        let (line, column) = if line == 1 { (at_line, at_column + column.saturating_sub(prefix)) } else { (at_line + line - 1, column) };
        DataError::of(kind_of(error), with_name(format!("{code} at line {line} column {column}")))
    }
}

/// Whether the raw text of a JSON string (between its quotes) decodes to
/// `name`, an ASCII word; `None` for an escape JSON does not allow
/// (RFC 8259 §7), left to the whole-text reader to report. Hand-written
/// because serde_json's `String` reader links float formatting (15 KB of
/// the .wasm) for its type errors.
fn key_equals(raw: &[u8], name: &[u8]) -> Option<bool> {
    let mut decoded = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        if raw[i] != b'\\' {
            decoded.push(raw[i]);
            i += 1;
            continue;
        }
        let escape = *raw.get(i + 1)?;
        match escape {
            b'"' | b'\\' | b'/' => decoded.push(escape),
            b'b' | b'f' | b'n' | b'r' | b't' => decoded.push(0),
            b'u' => {
                let hex = raw.get(i + 2..i + 6)?;
                let mut unit = 0u32;
                for &digit in hex {
                    unit = unit * 16 + char::from(digit).to_digit(16)?;
                }
                // Anything beyond ASCII cannot be part of an ASCII name.
                decoded.push(if unit < 0x80 { unit as u8 } else { 0xFF });
                i += 4;
            }
            _ => return None,
        }
        i += 2;
    }
    Some(decoded == name)
}

/// As the whole-text reader words its errors.
fn with_name(text: String) -> String {
    if text.starts_with("rooms") {
        text
    } else {
        format!("rooms: {text}")
    }
}

/// Whether an error found in a prefix of the input is the whole input's:
/// not an end-of-input error, and found before the prefix's end (serde_json
/// looks at most one byte past where it reports).
fn is_settled(error: &serde_json::Error, doc: &[u8]) -> bool {
    if error.classify() == serde_json::error::Category::Eof || error.line() == 0 {
        return false;
    }
    let line_start = if error.line() == 1 {
        Some(0)
    } else {
        doc.iter().enumerate().filter(|(_, &b)| b == b'\n').nth(error.line() - 2).map(|(at, _)| at + 1)
    };
    line_start.is_some_and(|start| start + error.column() < doc.len())
}

/// A sink that keeps nothing: the whole-text reader checking a part of
/// the input.
struct Discard;

impl RoomSink for Discard {
    fn room(&mut self, _: RoomView<'_>) {}
    fn embedded(&mut self, _: &str, _: &str) {}
    fn reset(&mut self) {}
}

/// Counts the rooms passed on.
struct Counted<'s> {
    sink: &'s mut dyn RoomSink,
    rooms: usize,
}

impl RoomSink for Counted<'_> {
    fn room(&mut self, room: RoomView<'_>) {
        self.rooms += 1;
        self.sink.room(room);
    }
    fn embedded(&mut self, id: &str, key: &str) {
        self.sink.embedded(id, key);
    }
    fn reset(&mut self) {
        self.rooms = 0;
        self.sink.reset();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::records::json_input::read_rooms;
    use crate::records::room::RoomBatch;
    use crate::server::zone::Utc;

    /// The stream's outcome for `text` cut into pieces of `size` bytes.
    fn streamed(text: &[u8], size: usize) -> Result<String, String> {
        let mut batch = RoomBatch::default();
        let mut stream = RoomStream::default();
        for chunk in text.chunks(size.max(1)) {
            stream.push(chunk, &Utc, &mut batch).map_err(|e| e.message)?;
        }
        let count = stream.finish(&Utc, &mut batch).map_err(|e| e.message)?;
        assert_eq!(count, batch.rooms.len());
        Ok(format!("{batch:?}"))
    }

    /// Every chunking gives what the whole text gives.
    fn same_as_whole(text: &str) {
        let whole = read_rooms(text.as_bytes(), &Utc).map(|b| format!("{b:?}")).map_err(|e| e.message);
        for size in 1..=text.len().max(1) {
            assert_eq!(streamed(text.as_bytes(), size), whole, "{text:?} in pieces of {size}");
        }
    }

    #[test]
    fn shapes_as_the_whole_text() {
        for text in [
            r#"[{"t":"l"},{"t":"c","x":[1,{"y":"]}"}]}]"#,
            r#"{"count":2,"x":{"rooms":[9]},"rooms":[{"a":"\"]"},{}],"total":2}"#,
            "{\"t\":\"l\"}\n{\"t\":\"c\"}\n",
            "{}{}",
            "  ",
            "",
            "[]",
            " [ ] ",
            r#"{"rooms":[]}"#,
            r#"{"rooms":[{"t":"l"}],"meta":{"tags":["a"]}}"#,
            r#"{"rooms":[{"t":"l"}],"rooms":[{"t":"c"},{"t":"l"}]}"#,
            r#"{"r\u006foms":[{"t":"l"}]}"#,
            "\u{FEFF}[{\"t\":\"l\"}]",
            r#"{"ts":"2020-01-01","rooms":[{"t":"l"}]}"#,
        ] {
            same_as_whole(text);
        }
    }

    #[test]
    fn errors_as_the_whole_text() {
        for text in [
            "[{}, 5]",
            "[{}",
            r#"{"rooms": [{"a": "b"}"#,
            "{}\n5",
            "[] {}",
            "]",
            "[{}}",
            "[{},]",
            "[,{}]",
            "[{} {}]",
            "{},{}",
            "[{\"t\":\"l\"}\n,\n{\"ts\":\"soon\"}]",
            r#"{"rooms": 5}"#,
            r#"{"ts": 1e999, "rooms": []}"#,
            r#"{"rooms":[{}],"ts":1e999}"#,
            "\u{FEFF}\u{FEFF}[]",
            "\u{EF}",
            r#"{"r\uZZ":[]}"#,
            "[{\"a\":\"\u{1}\"}]",
        ] {
            same_as_whole(text);
        }
        let deep = format!("[{{\"a\":{}1{}}}]", "[".repeat(130), "]".repeat(130));
        same_as_whole(&deep);
        let deep_field = format!("[{{\"ts\":{}1{}}}]", "[".repeat(126), "]".repeat(126));
        same_as_whole(&deep_field);
    }

    /// Records the fast path reads where they lie, between records it
    /// leaves to the scan and serde (an escape in a field it decodes, a
    /// date it refuses), with line feeds before and inside records: the
    /// same rooms, and errors at the same line and column, however cut.
    #[test]
    fn records_read_in_place_or_scanned_agree() {
        let plain = r#"{"_id":"a","t":"l","ts":"2020-09-10T00:00:00.000Z","v":{"n":[1,{"x":"}"}]}}"#;
        let escaped = r#"{"_id":"b\u0062","t":"l","departmentId":"d\n"}"#;
        for text in [
            format!("[{plain},{escaped},\n{plain}]"),
            format!("{{\"rooms\":[{escaped},{plain},\r\n {plain}],\"total\":3}}"),
            format!("{plain}\n{escaped}\n{plain}\n"),
            format!("[{plain},\n{{\n\"t\"\n:\n\"l\"}},{plain},{{\"ts\":\"soon\"}}]"),
            format!("[{plain},\n{plain}\n,{plain} {plain}]"),
            // Line feeds only within a record read in place, then an error.
            format!("[{plain},{{\"t\":\n\"l\"}},{{\"ts\":\"soon\"}}]"),
        ] {
            same_as_whole(&text);
        }
    }

    #[test]
    fn holds_one_record_not_the_input() {
        let record = r#"{"t":"l","open":true,"departmentId":"d","ts":"2020-09-10T00:00:00.000Z","pad":"xxxxxxxxxxxxxxxxxxxx"}"#;
        let mut stream = RoomStream::default();
        let mut batch = RoomBatch::default();
        stream.push(b"{\"rooms\":[", &Utc, &mut batch).unwrap();
        for _ in 0..10_000 {
            stream.push(format!("{record},\n").as_bytes(), &Utc, &mut batch).unwrap();
        }
        stream.push(format!("{record}],\"total\":10001}}").as_bytes(), &Utc, &mut batch).unwrap();
        assert!(stream.buffered() < 4 * record.len(), "{} bytes buffered", stream.buffered());
        assert_eq!(stream.finish(&Utc, &mut batch).unwrap(), 10_001);
        assert_eq!(batch.rooms.len(), 10_001);
    }
}
