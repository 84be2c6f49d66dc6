//! Splitting a JSON byte stream into records as the chunks arrive.
//!
//! A 400 MB REST response must not be copied whole into wasm memory (it
//! never shrinks). The splitter keeps only the bytes of the record being
//! read, so memory stays at one chunk plus one record, whatever the input.
//! It recognises the three shapes `json_input` reads, from their first
//! bytes: an array of records, a REST page `{"rooms": [...], ...}` (records
//! are the elements of the `rooms` array), and newline-delimited records.
//! Each complete record's bytes go to a callback; the record itself is then
//! parsed (and fully validated) by `json_input`.

use crate::records::room::DataError;

/// Receives each complete record's bytes and its index.
pub type OnRecord<'a> = &'a mut dyn FnMut(&[u8], usize) -> Result<(), DataError>;

/// Where the splitter is in the document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Nothing but white space seen yet.
    Start,
    /// Inside a top-level array: records are its elements.
    Array,
    /// Inside a first top-level object that is either one record (NDJSON)
    /// or a REST page: watching its keys for the envelope key.
    Undecided,
    /// Inside a REST page; records are the elements of its array.
    Envelope,
    /// Top-level objects are records.
    Lines,
    /// The array or page has closed: only white space may follow.
    Done,
}

/// Key watching inside an undecided top-level object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Key {
    Expect,
    Reading { start: usize },
    After { envelope: bool },
    Value { envelope: bool },
    Skipping,
}

/// Incremental record splitter. Feed chunks with [`RecordSplitter::push`],
/// then call [`RecordSplitter::finish`].
///
/// # Example
/// ```
/// use chats_per_department::records::stream::RecordSplitter;
/// let mut records = Vec::new();
/// let mut keep = |bytes: &[u8], index: usize| { records.push((index, bytes.to_vec())); Ok(()) };
/// let mut splitter = RecordSplitter::new("rooms");
/// splitter.push(br#"{"total": 2, "rooms": [{"t":"l"},{"t""#, &mut keep).unwrap();
/// splitter.push(br#":"c"}], "success": true}"#, &mut keep).unwrap();
/// assert_eq!(splitter.finish().unwrap(), 2);
/// assert_eq!(records[1], (1, br#"{"t":"c"}"#.to_vec()));
/// ```
#[derive(Debug)]
pub struct RecordSplitter {
    name: &'static str,
    buf: Vec<u8>,
    /// Next byte of `buf` to look at.
    pos: usize,
    depth: usize,
    in_string: bool,
    escaped: bool,
    mode: Mode,
    key: Key,
    /// Start in `buf` of the record being read.
    record_start: Option<usize>,
    /// Depth at which records start (`{` seen at this depth).
    record_depth: usize,
    records: usize,
}

impl RecordSplitter {
    /// A splitter for records called `name` (`"rooms"`): the envelope key,
    /// and the name used in errors.
    pub fn new(name: &'static str) -> Self {
        RecordSplitter {
            name,
            buf: Vec::new(),
            pos: 0,
            depth: 0,
            in_string: false,
            escaped: false,
            mode: Mode::Start,
            key: Key::Expect,
            record_start: None,
            record_depth: 0,
            records: 0,
        }
    }

    /// Bytes held between chunks (the unfinished record).
    pub fn buffered(&self) -> usize {
        self.buf.capacity()
    }

    /// Reads a chunk; calls `on_record(bytes, index)` for each record it
    /// completes.
    pub fn push(&mut self, chunk: &[u8], on_record: OnRecord<'_>) -> Result<(), DataError> {
        if self.buf.is_empty() {
            let chunk = if self.mode == Mode::Start && self.records == 0 { strip_bom(chunk) } else { chunk };
            self.buf.extend_from_slice(chunk);
        } else {
            self.buf.extend_from_slice(chunk);
        }
        self.scan(on_record)?;
        self.compact();
        Ok(())
    }

    /// Checks the document ended where it may; returns the record count.
    pub fn finish(self) -> Result<usize, DataError> {
        let complete = !self.in_string && self.depth == 0 && matches!(self.mode, Mode::Start | Mode::Done | Mode::Lines);
        if complete {
            Ok(self.records)
        } else {
            Err(DataError::new(format!("{}: unexpected end of input", self.name)))
        }
    }

    fn scan(&mut self, on_record: OnRecord<'_>) -> Result<(), DataError> {
        while self.pos < self.buf.len() {
            if self.in_string {
                self.skip_string();
                continue;
            }
            let i = self.pos;
            let byte = self.buf[i];
            self.pos += 1;
            match byte {
                b' ' | b'\t' | b'\n' | b'\r' => continue,
                b'"' => {
                    self.in_string = true;
                    if self.mode == Mode::Undecided && self.depth == 1 && self.key == Key::Expect {
                        self.key = Key::Reading { start: i + 1 };
                    }
                    self.check_value_start()?;
                }
                b'{' | b'[' => {
                    self.open(i, byte)?;
                }
                b'}' | b']' => {
                    if self.depth == 0 {
                        return Err(self.error("unexpected closing bracket"));
                    }
                    self.depth -= 1;
                    if let Some(start) = self.record_start {
                        if self.depth == self.record_depth {
                            self.record_start = None;
                            let index = self.records;
                            self.records += 1;
                            on_record(&self.buf[start..=i], index)?;
                            if self.mode == Mode::Undecided {
                                self.mode = Mode::Lines;
                            }
                            continue;
                        }
                    }
                    self.close();
                }
                b',' => {
                    if self.mode == Mode::Undecided && self.depth == 1 {
                        self.key = Key::Expect;
                    }
                }
                b':' => {
                    if let (Mode::Undecided, 1, Key::After { envelope }) = (self.mode, self.depth, self.key) {
                        self.key = Key::Value { envelope };
                    }
                }
                _ => self.check_value_start()?,
            }
        }
        Ok(())
    }

    /// Skips string content up to and including the closing quote, or to
    /// the end of the buffer.
    fn skip_string(&mut self) {
        let rest = &self.buf[self.pos..];
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
        let end = self.pos + k;
        if !self.in_string {
            if let Key::Reading { start } = self.key {
                let envelope = &self.buf[start..end - 1] == self.name.as_bytes();
                self.key = Key::After { envelope };
            }
        }
        self.pos = end;
    }

    fn open(&mut self, i: usize, byte: u8) -> Result<(), DataError> {
        match (self.mode, self.depth) {
            (Mode::Start, 0) if byte == b'[' => {
                self.mode = Mode::Array;
                self.record_depth = 1;
            }
            (Mode::Start, 0) => {
                self.mode = Mode::Undecided;
                self.record_start = Some(i);
                self.record_depth = 0;
                self.key = Key::Expect;
            }
            (Mode::Lines, 0) if byte == b'{' => self.record_start = Some(i),
            (Mode::Undecided, 1) if byte == b'[' && self.key == (Key::Value { envelope: true }) => {
                // The REST page's records array: forget the page's start.
                self.mode = Mode::Envelope;
                self.record_start = None;
                self.record_depth = 2;
            }
            (Mode::Array, 1) | (Mode::Envelope, 2) if self.record_start.is_none() => {
                if byte != b'{' {
                    return Err(self.not_an_object());
                }
                self.record_start = Some(i);
            }
            (Mode::Lines | Mode::Done, 0) => return Err(self.not_an_object()),
            _ => self.check_value_start()?,
        }
        if self.mode == Mode::Undecided && self.depth == 1 {
            self.key = Key::Skipping;
        }
        self.depth += 1;
        Ok(())
    }

    /// A container closed that was not a record.
    fn close(&mut self) {
        match (self.mode, self.depth) {
            (Mode::Array, 0) => self.mode = Mode::Done,
            (Mode::Envelope, 1) => self.record_depth = usize::MAX, // records array closed
            (Mode::Envelope, 0) => self.mode = Mode::Done,
            _ => {}
        }
    }

    /// A scalar (or string) where a record must start is an error.
    fn check_value_start(&mut self) -> Result<(), DataError> {
        let at_record_depth = self.record_start.is_none()
            && match self.mode {
                Mode::Array => self.depth == 1,
                Mode::Envelope => self.depth == 2 && self.record_depth == 2,
                Mode::Lines | Mode::Done => self.depth == 0,
                Mode::Start => true,
                Mode::Undecided => false,
            };
        if at_record_depth {
            return Err(if self.mode == Mode::Done { self.error("unexpected content") } else { self.not_an_object() });
        }
        if self.mode == Mode::Undecided && self.depth == 1 {
            if let Key::Value { .. } = self.key {
                self.key = Key::Skipping;
            }
        }
        Ok(())
    }

    fn not_an_object(&self) -> DataError {
        DataError::new(format!("{}[{}] is not an object", self.name, self.records))
    }

    fn error(&self, what: &str) -> DataError {
        DataError::new(format!("{}: {what} after record {}", self.name, self.records))
    }

    /// Drops bytes no longer needed, keeping the unfinished record.
    fn compact(&mut self) {
        let keep_from = match (self.record_start, self.key) {
            (Some(start), _) => start,
            (None, Key::Reading { start }) => start,
            _ => self.pos,
        };
        if keep_from == 0 {
            return;
        }
        self.buf.drain(..keep_from);
        self.pos -= keep_from;
        if let Some(start) = self.record_start.as_mut() {
            *start -= keep_from;
        }
        if let Key::Reading { start } = &mut self.key {
            *start -= keep_from.min(*start);
        }
    }
}

fn strip_bom(chunk: &[u8]) -> &[u8] {
    chunk.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(chunk)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Splits `text` fed in chunks of every size from 1 to 9 bytes.
    fn split(text: &str) -> Result<Vec<String>, DataError> {
        let mut first: Option<Vec<String>> = None;
        for size in 1..=9 {
            let mut records = Vec::new();
            let mut splitter = RecordSplitter::new("rooms");
            for chunk in text.as_bytes().chunks(size) {
                splitter.push(chunk, &mut |bytes, _| {
                    records.push(String::from_utf8(bytes.to_vec()).unwrap());
                    Ok(())
                })?;
            }
            let count = splitter.finish()?;
            assert_eq!(count, records.len());
            if let Some(first) = &first {
                assert_eq!(first, &records, "chunk size {size}");
            }
            first = Some(records);
        }
        Ok(first.unwrap_or_default())
    }

    #[test]
    fn three_shapes() {
        assert_eq!(split(r#"[{"a":"}"},{"b":[1,{"c":2}]}]"#).unwrap(), [r#"{"a":"}"}"#, r#"{"b":[1,{"c":2}]}"#]);
        assert_eq!(split(r#"{"count":2,"x":{"rooms":[9]},"rooms":[{"a":"\"]"},{}],"total":2}"#).unwrap(), [r#"{"a":"\"]"}"#, "{}"]);
        assert_eq!(split("{\"t\":\"l\"}\n{\"t\":\"c\"}\n").unwrap(), ["{\"t\":\"l\"}", "{\"t\":\"c\"}"]);
        assert_eq!(split("  ").unwrap(), Vec::<String>::new());
        assert_eq!(split("[]").unwrap(), Vec::<String>::new());
    }

    #[test]
    fn errors() {
        assert_eq!(split("[{}, 5]").unwrap_err().message, "rooms[1] is not an object");
        assert_eq!(split("[{}").unwrap_err().message, "rooms: unexpected end of input");
        assert_eq!(split(r#"{"rooms": [{"a": "b"}"#).unwrap_err().message, "rooms: unexpected end of input");
        assert_eq!(split("{}\n5").unwrap_err().message, "rooms[1] is not an object");
        assert_eq!(split("[] {}").unwrap_err().message, "rooms[0] is not an object");
        assert!(split("]").is_err());
    }

    #[test]
    fn buffer_holds_one_record_not_the_input() {
        let record = r#"{"t":"l","open":true,"departmentId":"d","ts":"2020-09-10T00:00:00.000Z","pad":"xxxxxxxxxxxxxxxxxxxx"}"#;
        let mut splitter = RecordSplitter::new("rooms");
        let mut count = 0;
        splitter.push(b"{\"rooms\":[", &mut |_, _| Ok(())).unwrap();
        for _ in 0..10_000 {
            splitter
                .push(format!("{record},").as_bytes(), &mut |_, _| {
                    count += 1;
                    Ok(())
                })
                .unwrap();
        }
        splitter.push(format!("{record}]}}").as_bytes(), &mut |_, _| Ok(())).unwrap();
        assert!(splitter.buffered() < 4 * record.len(), "{} bytes buffered", splitter.buffered());
        assert_eq!(splitter.finish().unwrap(), 10_001);
        assert_eq!(count, 10_000);
    }
}
