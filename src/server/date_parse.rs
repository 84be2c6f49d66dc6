//! `Date.parse` exactly as V8 (and so Node.js, and so the Rocket.Chat
//! server) answers it, in every browser.
//!
//! The server validates `start` and `end` with `isNaN(Date.parse(x))` and
//! then compares room timestamps with `new Date(x)`. Browsers disagree on
//! anything beyond the ISO format (Firefox rejects `"2020-09-10 10:00 +5"`,
//! V8 accepts it), so the host's own `Date.parse` cannot be trusted to match
//! the server: this module reproduces V8's algorithm.
//!
//! V8 reads in two stages. First the ECMAScript date-time string format
//! (`[+-YY]YYYY[-MM[-DD]][THH:mm[:ss[.sss]][Z|+hh:mm]]`): date-only forms are
//! UTC, date-time forms without an offset are local time. Whatever that stage
//! leaves unread goes on to a lenient "legacy" reader that accepts, among
//! much else, `"Sep 10 2020"`, `"10 Sep 2020 10:00 GMT+0200"`,
//! `"2020/09/10 10:00 PM"`, and `"Sep 10"` (which means 2001, as in V8).
//!
//! Text is read as characters; a NUL character ends it, as it does in V8.

use crate::server::calendar::{days_from_civil, make_day, make_time};
use crate::server::zone::{local_to_utc, LocalZone, MAX_TIME_MS, MS_PER_DAY};
use std::str::Chars;

/// "No value yet" in the composers (V8's `kNone`).
const NONE: i64 = i32::MAX as i64;
/// Digits beyond this many in one numeral are read but ignored.
const MAX_SIGNIFICANT_DIGITS: u32 = 9;
/// Largest UTC offset, in seconds, the parser keeps (a Smi on 64-bit Node).
const MAX_OFFSET_SECONDS: u32 = i32::MAX as u32;
/// Local times are converted only when this close to the representable
/// range; offsets are far below a day, so the exact margin is immaterial.
const MAX_LOCAL_MS: i64 = MAX_TIME_MS + 10 * MS_PER_DAY;

/// The broken-down result of parsing, before any time zone is applied.
///
/// # Example
/// ```
/// use chats_per_department::internals::date_parse::parse_fields;
/// let f = parse_fields("Sep 10 2020 10:00 GMT+0200").unwrap();
/// assert_eq!((f.year, f.month0, f.day, f.hour), (2020, 8, 10, 10));
/// assert_eq!(f.utc_offset_seconds, Some(7200));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateFields {
    /// Full year (two-digit legacy years already widened).
    pub year: i64,
    /// Month, 0 = January.
    pub month0: i64,
    /// Day of the month, 1-31 (may exceed the month's length; it rolls over).
    pub day: i64,
    /// Hour 0-24 (24 only as 24:00:00.000).
    pub hour: i64,
    /// Minute 0-59.
    pub minute: i64,
    /// Second 0-59.
    pub second: i64,
    /// Millisecond 0-999.
    pub millisecond: i64,
    /// Offset east of UTC named in the text, or `None` for local time.
    pub utc_offset_seconds: Option<i64>,
}

/// ECMAScript's TimeClip (ECMA-262 §21.4.1.31): a time value is finite and
/// within ±8.64e15 ms, and is truncated to an integer. The one home of the
/// rule for dates given as numbers (JSON, `Date` objects, typed arrays).
///
/// # Example
/// ```
/// use chats_per_department::internals::date_parse::time_clip;
/// assert_eq!(time_clip(1.9), Some(1));
/// assert_eq!(time_clip(8.64e15 + 1.0), None);
/// assert_eq!(time_clip(f64::NAN), None);
/// ```
pub fn time_clip(ms: f64) -> Option<i64> {
    (ms.is_finite() && ms.abs() <= MAX_TIME_MS as f64).then(|| ms.trunc() as i64)
}

/// [`time_clip`] for integer milliseconds (JSON integers, `$numberLong`).
///
/// # Example
/// ```
/// use chats_per_department::internals::date_parse::clip_ms;
/// assert_eq!(clip_ms(-5), Some(-5));
/// assert_eq!(clip_ms(i64::MAX), None);
/// assert_eq!(clip_ms(i64::MIN), None);
/// ```
pub fn clip_ms(ms: i64) -> Option<i64> {
    (-MAX_TIME_MS..=MAX_TIME_MS).contains(&ms).then_some(ms)
}

/// `Date.parse(text)`: milliseconds since the epoch, or `None` where
/// JavaScript gives `NaN`. Text without an offset is read in `zone`.
///
/// # Example
/// ```
/// use chats_per_department::internals::date_parse::date_parse;
/// use chats_per_department::internals::zone::{FixedOffset, Utc};
/// assert_eq!(date_parse("2020-09-10T23:59:22.345Z", &Utc), Some(1_599_782_362_345));
/// // Date-only ISO text is UTC; date-time text without offset is local.
/// let sao_paulo = FixedOffset::from_minutes(-180);
/// assert_eq!(date_parse("2020-09-10", &sao_paulo), Some(1_599_696_000_000));
/// assert_eq!(date_parse("2020-09-10T00:00", &sao_paulo), Some(1_599_706_800_000));
/// assert_eq!(date_parse("not a date", &Utc), None);
/// ```
pub fn date_parse(text: &str, zone: &dyn LocalZone) -> Option<i64> {
    if let Some(ms) = canonical_iso(text.as_bytes()) {
        return Some(ms);
    }
    let f = parse_fields(text)?;
    let day = make_day(f.year, f.month0, f.day)?;
    let date = day.checked_mul(MS_PER_DAY)?.checked_add(make_time(f.hour, f.minute, f.second, f.millisecond))?;
    let utc = match f.utc_offset_seconds {
        None if date.abs() > MAX_LOCAL_MS => return None,
        None => local_to_utc(date, zone),
        Some(offset) => date - offset * 1000,
    };
    (utc.abs() <= MAX_TIME_MS).then_some(utc)
}

/// The exact form `Date.prototype.toISOString` and the REST API write
/// (`2020-09-10T23:59:22.345Z`, in-range fields), computed directly: what
/// the full parser gives for it (a test checks random instants), at a
/// fraction of the cost. Anything else is `None`.
///
/// # Example
/// ```
/// use chats_per_department::internals::date_parse::canonical_iso;
/// assert_eq!(canonical_iso(b"1970-01-01T00:00:00.001Z"), Some(1));
/// assert_eq!(canonical_iso(b"1970-01-01T00:00:00Z"), None);
/// ```
pub fn canonical_iso(t: &[u8]) -> Option<i64> {
    let t: &[u8; 24] = t.try_into().ok()?;
    if t[4] != b'-' || t[7] != b'-' || t[10] != b'T' || t[13] != b':' || t[16] != b':' || t[19] != b'.' || t[23] != b'Z' {
        return None;
    }
    // The fields' values, and whether any of their bytes is not a digit
    // (one test for all of them, not one per byte).
    let mut not_digit = false;
    let mut num = |from: usize, to: usize| {
        t[from..to].iter().fold(0i64, |n, &c| {
            let digit = c.wrapping_sub(b'0');
            not_digit |= digit > 9;
            n * 10 + i64::from(digit)
        })
    };
    let (year, month, day) = (num(0, 4), num(5, 7), num(8, 10));
    let (hour, minute, second, ms) = (num(11, 13), num(14, 16), num(17, 19), num(20, 23));
    if not_digit {
        return None;
    }
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) || hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    Some(days_from_civil(year, month, day) * MS_PER_DAY + make_time(hour, minute, second, ms))
}

/// Parses `text` into its fields, or `None` where V8's parser fails.
///
/// # Example
/// ```
/// use chats_per_department::internals::date_parse::parse_fields;
/// assert_eq!(parse_fields("Sep 10").unwrap().year, 2001); // V8's default year
/// assert!(parse_fields("2020-02-30T25:00").is_none());
/// ```
pub fn parse_fields(text: &str) -> Option<DateFields> {
    let mut scanner = Scanner::new(text);
    let mut day = DayComposer::default();
    let mut time = TimeComposer::default();
    let mut zone = ZoneComposer::default();

    let first_unread = read_iso_format(&mut scanner, &mut day, &mut time, &mut zone);
    if first_unread == Token::Invalid {
        return None;
    }
    let mut has_read_number = !day.is_empty();
    let mut token = first_unread;
    while token != Token::End {
        match token {
            Token::Number { value: n, .. } => {
                has_read_number = true;
                if scanner.skip_symbol(':') {
                    if scanner.skip_symbol(':') {
                        // "n::" is an hour with zero minutes.
                        if !time.is_empty() {
                            return None;
                        }
                        time.add(n);
                        time.add(0);
                    } else {
                        if !time.add(n) {
                            return None;
                        }
                        if scanner.peek() == Token::Symbol('.') {
                            scanner.next();
                        }
                    }
                } else if scanner.skip_symbol('.') && time.is_expecting(n) {
                    // (The '.' is consumed even when no time is expected.)
                    time.add(n);
                    let Token::Number { .. } = scanner.peek() else {
                        return None;
                    };
                    let ms = milliseconds(scanner.next());
                    time.add_final(ms);
                } else if zone.is_expecting(n) {
                    zone.minute = n;
                } else if time.is_expecting(n) {
                    time.add_final(n);
                    // A finished time must be followed by the end, a space,
                    // "Z", or an offset sign.
                    match scanner.peek() {
                        Token::End | Token::WhiteSpace | Token::Symbol('+' | '-') => {}
                        t if t.is_keyword_z() => {}
                        _ => return None,
                    }
                } else {
                    if !day.add(n) {
                        return None;
                    }
                    scanner.skip_symbol('-');
                }
            }
            Token::Word { kind, value, .. } => {
                if kind == WordKind::AmPm && !time.is_empty() {
                    time.hour_offset = value;
                } else if kind == WordKind::Month {
                    day.named_month = value;
                    scanner.skip_symbol('-');
                } else if kind == WordKind::Zone && has_read_number {
                    zone.set_hours(value);
                } else {
                    // Words before the first number are ignored, but must be
                    // separated from it; after a number they are fatal.
                    if has_read_number || matches!(scanner.peek(), Token::Number { .. }) {
                        return None;
                    }
                }
            }
            Token::Symbol(sign @ ('+' | '-')) if zone.is_utc() || !time.is_empty() => {
                // An offset: only after a time or after "UTC"/"GMT"/"Z".
                zone.sign = if sign == '-' { -1 } else { 1 };
                let (n, len) = match scanner.peek() {
                    Token::Number { value, len } => {
                        scanner.next();
                        (value, len)
                    }
                    _ => (0, 0),
                };
                has_read_number = true;
                if scanner.peek() == Token::Symbol(':') {
                    zone.hour = n;
                    zone.minute = NONE;
                } else if len == 1 || len == 2 {
                    zone.hour = n;
                    zone.minute = 0;
                } else if len == 3 || len == 4 {
                    zone.hour = n / 100;
                    zone.minute = n % 100;
                } else {
                    return None;
                }
            }
            Token::Symbol('+' | '-' | ')') if has_read_number => return None,
            _ => {}
        }
        token = scanner.next();
    }

    let (year, month0, day) = day.write()?;
    let (hour, minute, second, millisecond) = time.write()?;
    let utc_offset_seconds = zone.write()?;
    Some(DateFields { year, month0, day, hour, minute, second, millisecond, utc_offset_seconds })
}

/// The ECMAScript date-time string format. Returns `Token::End` when the
/// whole text was that format, `Token::Invalid` when it started as that
/// format and then broke it (a fatal error), or else the first token the
/// legacy reader must continue with.
fn read_iso_format(s: &mut Scanner, day: &mut DayComposer, time: &mut TimeComposer, zone: &mut ZoneComposer) -> Token {
    if let Token::Symbol(sign @ ('+' | '-')) = s.peek() {
        let sign_token = s.next();
        let Some(year) = s.peek().fixed_number(6) else {
            return sign_token;
        };
        // The year is consumed before "-000000" is rejected: the legacy
        // reader then continues after it, as V8 does.
        s.next();
        if sign == '-' && year == 0 {
            return sign_token;
        }
        day.add(if sign == '-' { -year } else { year });
    } else if let Some(year) = s.peek().fixed_number(4) {
        s.next();
        day.add(year);
    } else {
        return s.next();
    }
    if s.skip_symbol('-') {
        match s.peek().fixed_number(2) {
            Some(month) if is_month(month) => {
                s.next();
                day.add(month);
            }
            _ => return s.next(),
        }
        if s.skip_symbol('-') {
            match s.peek().fixed_number(2) {
                Some(d) if is_day(d) => {
                    s.next();
                    day.add(d);
                }
                _ => return s.next(),
            }
        }
    }
    if !matches!(s.peek(), Token::Word { kind: WordKind::TimeSeparator, .. }) {
        if s.peek() != Token::End {
            return s.next();
        }
    } else {
        s.next();
        let hour = match s.peek().fixed_number(2) {
            Some(h) if (0..=24).contains(&h) => h,
            _ => return Token::Invalid,
        };
        // 24:00[:00[.000]] is midnight at the end of the day; no other 24:xx.
        let hour_is_24 = hour == 24;
        s.next();
        time.add(hour);
        if !s.skip_symbol(':') {
            return Token::Invalid;
        }
        match s.peek().fixed_number(2) {
            Some(m) if is_minute(m) && !(hour_is_24 && m > 0) => {
                s.next();
                time.add(m);
            }
            _ => return Token::Invalid,
        }
        if s.skip_symbol(':') {
            match s.peek().fixed_number(2) {
                Some(sec) if is_second(sec) && !(hour_is_24 && sec > 0) => {
                    s.next();
                    time.add(sec);
                }
                _ => return Token::Invalid,
            }
            if s.skip_symbol('.') {
                match s.peek() {
                    Token::Number { value, .. } if !(hour_is_24 && value > 0) => {
                        let ms = milliseconds(s.next());
                        time.add(ms);
                    }
                    _ => return Token::Invalid,
                }
            }
        }
        if s.peek().is_keyword_z() {
            s.next();
            zone.set_hours(0);
        } else if let Token::Symbol(sign @ ('+' | '-')) = s.peek() {
            s.next();
            zone.sign = if sign == '-' { -1 } else { 1 };
            if let Some(hhmm) = s.peek().fixed_number(4) {
                s.next();
                let (h, m) = (hhmm / 100, hhmm % 100);
                if !is_hour(h) || !is_minute(m) {
                    return Token::Invalid;
                }
                zone.hour = h;
                zone.minute = m;
            } else {
                match s.peek().fixed_number(2) {
                    Some(h) if is_hour(h) => {
                        s.next();
                        zone.hour = h;
                    }
                    _ => return Token::Invalid,
                }
                if !s.skip_symbol(':') {
                    return Token::Invalid;
                }
                match s.peek().fixed_number(2) {
                    Some(m) if is_minute(m) => {
                        s.next();
                        zone.minute = m;
                    }
                    _ => return Token::Invalid,
                }
            }
        }
        if s.peek() != Token::End {
            return Token::Invalid;
        }
    }
    // "When the time zone offset is absent, date-only forms are interpreted
    // as a UTC time and date-time forms are interpreted as a local time."
    if zone.is_empty() && time.is_empty() {
        zone.set_hours(0);
    }
    day.is_iso = true;
    Token::End
}

/// The first three significant digits of a fraction of a second, from the
/// numeral's value and its written length (which reveals leading zeros).
fn milliseconds(token: Token) -> i64 {
    let Token::Number { value, len } = token else {
        return 0;
    };
    match len {
        1 => value * 100,
        2 => value * 10,
        3 => value,
        _ => {
            let kept = len.min(MAX_SIGNIFICANT_DIGITS);
            value / 10_i64.pow(kept - 3)
        }
    }
}

fn is_month(x: i64) -> bool {
    (1..=12).contains(&x)
}
fn is_day(x: i64) -> bool {
    (1..=31).contains(&x)
}
fn is_hour(x: i64) -> bool {
    (0..=23).contains(&x)
}
fn is_hour12(x: i64) -> bool {
    (0..=12).contains(&x)
}
fn is_minute(x: i64) -> bool {
    (0..=59).contains(&x)
}
fn is_second(x: i64) -> bool {
    (0..=59).contains(&x)
}
fn is_millisecond(x: i64) -> bool {
    (0..=999).contains(&x)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum WordKind {
    Unknown,
    Month,
    Zone,
    TimeSeparator,
    AmPm,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Token {
    /// The ISO stage failed past the point of no return.
    Invalid,
    /// A character or parenthesised comment that is skipped.
    Unknown,
    /// Digits; `value` holds the first nine, `len` counts them all.
    Number {
        value: i64,
        len: u32,
    },
    /// One of `: - + . )`.
    Symbol(char),
    WhiteSpace,
    /// A run of characters at or above `'A'`, classified by its first three.
    Word {
        kind: WordKind,
        value: i64,
        len: u32,
    },
    End,
}

impl Token {
    fn fixed_number(self, digits: u32) -> Option<i64> {
        match self {
            Token::Number { value, len } if len == digits => Some(value),
            _ => None,
        }
    }

    fn is_keyword_z(self) -> bool {
        matches!(self, Token::Word { kind: WordKind::Zone, value: 0, len: 1 })
    }
}

/// Words the parser knows, by their first three lower-cased characters.
/// Only month names may be longer than their key ("September", "Sept").
const KEYWORDS: [(&str, WordKind, i64); 27] = [
    ("jan", WordKind::Month, 1),
    ("feb", WordKind::Month, 2),
    ("mar", WordKind::Month, 3),
    ("apr", WordKind::Month, 4),
    ("may", WordKind::Month, 5),
    ("jun", WordKind::Month, 6),
    ("jul", WordKind::Month, 7),
    ("aug", WordKind::Month, 8),
    ("sep", WordKind::Month, 9),
    ("oct", WordKind::Month, 10),
    ("nov", WordKind::Month, 11),
    ("dec", WordKind::Month, 12),
    ("am", WordKind::AmPm, 0),
    ("pm", WordKind::AmPm, 12),
    ("ut", WordKind::Zone, 0),
    ("utc", WordKind::Zone, 0),
    ("z", WordKind::Zone, 0),
    ("gmt", WordKind::Zone, 0),
    ("cdt", WordKind::Zone, -5),
    ("cst", WordKind::Zone, -6),
    ("edt", WordKind::Zone, -4),
    ("est", WordKind::Zone, -5),
    ("mdt", WordKind::Zone, -6),
    ("mst", WordKind::Zone, -7),
    ("pdt", WordKind::Zone, -7),
    ("pst", WordKind::Zone, -8),
    ("t", WordKind::TimeSeparator, 0),
];

fn classify_word(prefix: [u32; 3], len: u32) -> (WordKind, i64) {
    for (key, kind, value) in KEYWORDS {
        let mut padded = [0u32; 3];
        for (slot, b) in padded.iter_mut().zip(key.bytes()) {
            *slot = u32::from(b);
        }
        if padded == prefix && (len <= 3 || kind == WordKind::Month) {
            return (kind, value);
        }
    }
    (WordKind::Unknown, 0)
}

/// ECMAScript's WhiteSpace characters (line terminators excluded).
fn is_js_space(c: char) -> bool {
    matches!(
        c,
        '\u{9}' | '\u{B}' | '\u{C}' | ' ' | '\u{A0}' | '\u{1680}' | '\u{2000}'
            ..='\u{200A}' | '\u{202F}' | '\u{205F}' | '\u{3000}' | '\u{FEFF}'
    )
}

/// ECMAScript's WhiteSpace and LineTerminator characters.
fn is_js_whitespace(c: char) -> bool {
    is_js_space(c) || matches!(c, '\n' | '\r' | '\u{2028}' | '\u{2029}')
}

/// Turns characters into tokens with one token of look-ahead.
struct Scanner<'a> {
    chars: Chars<'a>,
    /// The current character; NUL at (or for) the end.
    ch: char,
    ahead: Token,
}

impl<'a> Scanner<'a> {
    fn new(text: &'a str) -> Self {
        let mut chars = text.chars();
        let ch = chars.next().unwrap_or('\0');
        let mut scanner = Scanner { chars, ch, ahead: Token::End };
        scanner.ahead = scanner.scan();
        scanner
    }

    fn advance(&mut self) {
        self.ch = self.chars.next().unwrap_or('\0');
    }

    fn peek(&self) -> Token {
        self.ahead
    }

    fn next(&mut self) -> Token {
        let token = self.ahead;
        self.ahead = self.scan();
        token
    }

    fn skip_symbol(&mut self, symbol: char) -> bool {
        if self.ahead == Token::Symbol(symbol) {
            self.ahead = self.scan();
            true
        } else {
            false
        }
    }

    fn scan(&mut self) -> Token {
        let c = self.ch;
        if c == '\0' {
            return Token::End;
        }
        if c.is_ascii_digit() {
            // Leading zeros count towards the length but not towards the
            // nine significant digits kept (so ".0123456789" reads as 123
            // milliseconds in V8, and so here).
            let (mut value, mut len, mut significant) = (0i64, 0u32, 0u32);
            while self.ch == '0' {
                len += 1;
                self.advance();
            }
            while let Some(d) = self.ch.to_digit(10) {
                if significant < MAX_SIGNIFICANT_DIGITS {
                    value = value * 10 + i64::from(d);
                }
                significant += 1;
                len += 1;
                self.advance();
            }
            return Token::Number { value, len };
        }
        if matches!(c, ':' | '-' | '+' | '.' | ')') {
            self.advance();
            return Token::Symbol(c);
        }
        if is_word_char(c) {
            let mut prefix = [0u32; 3];
            let mut len = 0u32;
            while is_word_char(self.ch) {
                if let Some(slot) = prefix.get_mut(len as usize) {
                    // V8 lower-cases by setting bit 5, letters or not.
                    *slot = u32::from(self.ch) | 0x20;
                }
                len += 1;
                self.advance();
            }
            let (kind, value) = classify_word(prefix, len);
            return Token::Word { kind, value, len };
        }
        if is_js_whitespace(c) {
            self.advance();
            return Token::WhiteSpace;
        }
        if c == '(' {
            // A parenthesised comment, nesting allowed, possibly unclosed.
            let mut depth = 0i32;
            loop {
                match self.ch {
                    ')' => depth -= 1,
                    '(' => depth += 1,
                    _ => {}
                }
                self.advance();
                if depth <= 0 || self.ch == '\0' {
                    break;
                }
            }
            return Token::Unknown;
        }
        self.advance();
        Token::Unknown
    }
}

/// Characters that make up words: everything from `'A'` up, except white
/// space (U+00A0, U+3000, … end a word as a space does). Line separators
/// U+2028/U+2029 do not end a word, though alone they are skipped as space.
fn is_word_char(c: char) -> bool {
    c >= 'A' && !is_js_space(c)
}

/// Collects year, month and day numbers in the order written.
struct DayComposer {
    parts: [i64; 3],
    count: usize,
    named_month: i64,
    /// Read in the ISO format: always year-month-day, no two-digit years.
    is_iso: bool,
}

impl Default for DayComposer {
    fn default() -> Self {
        DayComposer { parts: [0; 3], count: 0, named_month: NONE, is_iso: false }
    }
}

impl DayComposer {
    fn is_empty(&self) -> bool {
        self.count == 0
    }

    fn add(&mut self, n: i64) -> bool {
        let Some(slot) = self.parts.get_mut(self.count) else {
            return false;
        };
        *slot = n;
        self.count += 1;
        true
    }

    /// Decides which number is which: `(year, month0, day)`.
    fn write(mut self) -> Option<(i64, i64, i64)> {
        if self.count < 1 {
            return None;
        }
        // Missing month and day default to 1. (Once filled, V8's test for
        // "three numbers given" is always true: its quirks follow from that.)
        for slot in &mut self.parts[self.count..] {
            *slot = 1;
        }
        let [a, b, c] = self.parts;
        let (mut year, month, day) = if self.named_month == NONE {
            if self.is_iso || !is_day(a) {
                (a, b, c)
            } else {
                (c, a, b)
            }
        } else if !is_day(a) {
            (a, self.named_month, b)
        } else {
            (b, self.named_month, a)
        };
        if !self.is_iso {
            if (0..=49).contains(&year) {
                year += 2000;
            } else if (50..=99).contains(&year) {
                year += 1900;
            }
        }
        if !is_month(month) || !is_day(day) {
            return None;
        }
        Some((year, month - 1, day))
    }
}

/// Collects hour, minute, second and millisecond.
struct TimeComposer {
    parts: [i64; 4],
    count: usize,
    /// 0 for AM, 12 for PM, `NONE` for a 24-hour clock.
    hour_offset: i64,
}

impl Default for TimeComposer {
    fn default() -> Self {
        TimeComposer { parts: [0; 4], count: 0, hour_offset: NONE }
    }
}

impl TimeComposer {
    fn is_empty(&self) -> bool {
        self.count == 0
    }

    fn is_expecting(&self, n: i64) -> bool {
        match self.count {
            1 => is_minute(n),
            2 => is_second(n),
            3 => is_millisecond(n),
            _ => false,
        }
    }

    fn add(&mut self, n: i64) -> bool {
        let Some(slot) = self.parts.get_mut(self.count) else {
            return false;
        };
        *slot = n;
        self.count += 1;
        true
    }

    fn add_final(&mut self, n: i64) -> bool {
        if !self.add(n) {
            return false;
        }
        self.count = self.parts.len();
        true
    }

    fn write(self) -> Option<(i64, i64, i64, i64)> {
        let mut parts = self.parts;
        for slot in &mut parts[self.count..] {
            *slot = 0;
        }
        let [mut hour, minute, second, millisecond] = parts;
        if self.hour_offset != NONE {
            if !is_hour12(hour) {
                return None;
            }
            hour = hour % 12 + self.hour_offset;
        }
        let valid = is_hour(hour) && is_minute(minute) && is_second(second) && is_millisecond(millisecond);
        let end_of_day = hour == 24 && minute == 0 && second == 0 && millisecond == 0;
        (valid || end_of_day).then_some((hour, minute, second, millisecond))
    }
}

/// Collects a UTC offset.
struct ZoneComposer {
    sign: i64,
    hour: i64,
    minute: i64,
}

impl Default for ZoneComposer {
    fn default() -> Self {
        ZoneComposer { sign: NONE, hour: NONE, minute: NONE }
    }
}

impl ZoneComposer {
    /// A named zone: `hours` east of UTC, whole hours.
    fn set_hours(&mut self, hours: i64) {
        self.sign = if hours < 0 { -1 } else { 1 };
        self.hour = hours.abs();
        self.minute = 0;
    }

    fn is_expecting(&self, n: i64) -> bool {
        self.hour != NONE && self.minute == NONE && is_minute(n)
    }

    fn is_utc(&self) -> bool {
        self.hour == 0 && self.minute == 0
    }

    fn is_empty(&self) -> bool {
        self.hour == NONE
    }

    /// The offset in seconds, `Some(None)` for local time, `None` on error.
    fn write(self) -> Option<Option<i64>> {
        if self.sign == NONE {
            return Some(None);
        }
        let hour = if self.hour == NONE { 0 } else { self.hour };
        let minute = if self.minute == NONE { 0 } else { self.minute };
        // V8 computes this in unsigned 32-bit arithmetic; absurd hours wrap.
        let seconds = (hour as u32).wrapping_mul(3600).wrapping_add((minute as u32).wrapping_mul(60));
        if seconds > MAX_OFFSET_SECONDS {
            return None;
        }
        Some(Some(self.sign * i64::from(seconds)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::zone::{FixedOffset, Utc};
    use crate::test_rng::xorshift;

    fn utc(text: &str) -> Option<i64> {
        date_parse(text, &Utc)
    }

    #[test]
    fn iso_forms() {
        assert_eq!(utc("1970-01-01T00:00:00.000Z"), Some(0));
        assert_eq!(utc("1970"), Some(0));
        assert_eq!(utc("1970-01"), Some(0));
        assert_eq!(utc("1970-01-01T00:00:00.5Z"), Some(500));
        assert_eq!(utc("1970-01-01T00:00:00.123456789Z"), Some(123));
        assert_eq!(utc("1970-01-01T00:00:00.0123456789Z"), Some(123)); // V8's reading
        assert_eq!(utc("-000000-01-01"), utc("2001-01-01T00:00:00Z"));
        assert_eq!(utc("Jan 0000000001 2000"), utc("2000-01-01T00:00:00Z"));
        assert_eq!(utc("1970-01-01T01:00+01:00"), Some(0));
        assert_eq!(utc("1970-01-01T01:00+0100"), Some(0));
        assert_eq!(utc("1970-01-01T24:00Z"), Some(86_400_000));
        assert_eq!(utc("+001970-01-01T00:00Z"), Some(0));
        assert_eq!(utc("-000000-01-01T00:00Z"), None);
        assert_eq!(utc("1970-01-01T24:01Z"), None);
        assert_eq!(utc("1970-01-01T10:00Zjunk"), None);
        assert_eq!(utc("2020-02-30"), utc("2020-03-01"));
    }

    #[test]
    fn range_limits() {
        assert_eq!(utc("+275760-09-13T00:00:00.000Z"), Some(MAX_TIME_MS));
        assert_eq!(utc("+275760-09-13T00:00:00.001Z"), None);
        assert_eq!(utc("-271821-04-20T00:00:00.000Z"), Some(-MAX_TIME_MS));
        assert_eq!(utc("-271821-04-19T23:59:59.999Z"), None);
    }

    #[test]
    fn legacy_forms() {
        let sep10 = utc("2020-09-10T00:00:00Z");
        assert_eq!(utc("Sep 10 2020"), sep10);
        assert_eq!(utc("10 September 2020"), sep10);
        assert_eq!(utc("Thu, 10 Sep 2020 00:00:00 GMT"), sep10);
        assert_eq!(utc("2020/09/10"), sep10);
        assert_eq!(utc("9/10/2020"), sep10);
        assert_eq!(utc("2020-09-10 00:00"), sep10);
        assert_eq!(utc("Sep 10 2020 02:00 GMT+0200"), sep10);
        assert_eq!(utc("Sep 10 2020 02:00 GMT+2"), sep10);
        assert_eq!(utc("Sep 9 2020 8:00 PM EDT"), sep10);
        assert_eq!(utc("Sep 10 2020 12:00 AM"), sep10);
        assert_eq!(utc("Sep 10 2020 (a comment (nested)) 00:00"), sep10);
        assert_eq!(utc("Sep 10"), utc("2001-09-10T00:00:00Z"));
        // Missing parts default to 1, so a lone number is a month of 2001.
        assert_eq!(utc("5"), utc("2001-05-01T00:00:00Z"));
        // Any word starting with a month's three letters is that month.
        assert_eq!(utc("Sep 10 2020 junk"), utc("2020-06-10T00:00:00Z"));
        // Non-ASCII white space separates words.
        assert_eq!(utc("Sep\u{A0}10 2020"), sep10);
        // ... but a line separator is part of a word.
        assert_eq!(utc("\u{2028}Mar 2 1942"), None);
        assert_eq!(utc("Sep 10 70"), utc("1970-09-10T00:00:00Z"));
    }

    #[test]
    fn legacy_rejections() {
        for bad in [
            "",
            " ",
            "true",
            "null",
            "NaN",
            "1e+21",
            "Sep",
            "10:00",
            "Sep 10 2020 xyz",
            "Sep 10 2020 +",
            "x1 2020",
            "2020-13",
            "13/13/2020",
        ] {
            assert_eq!(utc(bad), None, "{bad:?}");
        }
    }

    /// A text with an offset, as the full parser reads it: not through
    /// `date_parse`, which takes the canonical shortcut first.
    fn full_parser(text: &str) -> Option<i64> {
        let f = parse_fields(text)?;
        let day = make_day(f.year, f.month0, f.day)?;
        Some(day * MS_PER_DAY + make_time(f.hour, f.minute, f.second, f.millisecond) - f.utc_offset_seconds? * 1000)
    }

    #[test]
    fn canonical_shortcut_agrees_with_the_full_parser() {
        let mut x: u64 = 0x1234_5678_9ABC_DEF0;
        for _ in 0..50_000 {
            xorshift(&mut x);
            let text = format!(
                "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
                x % 10_000,
                (x >> 14) % 14,
                (x >> 18) % 33,
                (x >> 24) % 26,
                (x >> 30) % 62,
                (x >> 36) % 62,
                (x >> 42) % 1000
            );
            let fields = full_parser(&text);
            match canonical_iso(text.as_bytes()) {
                Some(ms) => assert_eq!(Some(ms), fields, "{text}"),
                // Left to the full parser: only invalid fields, or 24:00.
                None => assert!(fields.is_none() || text.contains("T24:00:00.000"), "{text}"),
            }
        }
    }

    #[test]
    fn canonical_form_takes_only_digits_in_its_fields() {
        let text = *b"2024-02-29T23:59:58.999Z";
        for at in (0..24).filter(|at| ![4, 7, 10, 13, 16, 19, 23].contains(at)) {
            for byte in 0..=255u8 {
                let mut t = text;
                t[at] = byte;
                let Some(ms) = canonical_iso(&t) else { continue };
                assert!(byte.is_ascii_digit(), "{t:?}");
                assert_eq!(Some(ms), full_parser(std::str::from_utf8(&t).unwrap()), "{t:?}");
            }
        }
    }

    #[test]
    fn nul_ends_the_text() {
        assert_eq!(utc("2020\0garbage"), utc("2020"));
    }

    #[test]
    fn local_forms_use_the_zone() {
        let zone = FixedOffset::from_minutes(330);
        assert_eq!(date_parse("1970-01-01T05:30", &zone), Some(0));
        assert_eq!(date_parse("Jan 1 1970 05:30", &zone), Some(0));
        assert_eq!(date_parse("1970-01-01", &zone), Some(0));
    }

    #[test]
    fn absurd_offsets_wrap_like_v8() {
        // 1,193,047 hours * 3600 wraps past 2^32 to a small number of seconds.
        let wrapped = (1_193_047u32).wrapping_mul(3600);
        let expected = utc("Jan 1 2000 10:00 GMT").map(|t| t - i64::from(wrapped) * 1000);
        assert_eq!(utc("Jan 1 2000 10:00 +1193047:"), expected);
    }
}
