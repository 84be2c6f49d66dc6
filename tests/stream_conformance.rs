//! `addStream` ≡ `add`: the stream reader,
//! fed a document in random pieces, gives exactly what the whole-text
//! reader gives — the same rooms in the same order, or the same error
//! message with the same line and column — over generated REST pages,
//! arrays and NDJSON, valid and mutated.

mod common;

use chats_per_department::internals::json_input::read_rooms;
use chats_per_department::internals::room::RoomBatch;
use chats_per_department::internals::stream::RoomStream;
use chats_per_department::internals::zone::{FixedOffset, LocalZone, Utc};
use chats_per_department::DataError;
use common::Rng;

const WS: &[&str] = &["", "", "", " ", "\n", "\r\n", "\t", "  \n  "];

fn ws(r: &mut Rng) -> &'static str {
    r.pick(WS)
}

/// One room record, sometimes with data the reader refuses.
fn room(r: &mut Rng, i: usize) -> String {
    let mut fields = vec![format!(r#""_id":"r{i}""#)];
    let t = r.pick(&[r#""l""#, r#""l""#, r#""l""#, r#""c""#, "5"]);
    fields.push(format!(r#""t":{t}"#));
    if r.below(2) == 0 {
        fields.push(format!(r#""open":{}"#, r.pick(&["true", "false", "null", "1"])));
    }
    let d = r.below(4);
    fields.push(format!(r#""departmentId":"d{d}""#));
    if r.below(3) == 0 {
        fields.push(format!(r#""department":{{"_id":"d{d}","name":"D\u00e9pt {d}"}}"#));
    }
    let ts = r.pick(&[
        r#""2020-09-10T10:00:00.000Z""#,
        r#""2020-09-10 10:00""#,
        r#"{"$date":"2021-01-01T00:00:00Z"}"#,
        r#"{"$date":{"$numberLong":"1599732000000"}}"#,
        "1599732000000",
        r#""soon""#,
    ]);
    fields.push(format!(r#""ts":{ts}"#));
    if r.below(4) == 0 {
        fields.push(format!(r#""_updatedAt":{}"#, r.below(1000)));
    }
    if r.below(3) == 0 {
        fields.push(r#""tags":["a",{"b":[1,2.5e3,-0]}],"msgs":12,"v":{"token":"x\"y\\z"}"#.to_string());
    }
    // Shuffle a little: key order must not matter.
    let k = r.below(fields.len() as u64) as usize;
    fields.swap(0, k);
    let sep = format!(",{}", ws(r));
    format!("{{{}{}{}}}", ws(r), fields.join(&sep), ws(r))
}

fn document(r: &mut Rng) -> String {
    let n = r.below(6) as usize;
    let rooms: Vec<String> = (0..n).map(|i| room(r, i)).collect();
    let sep = format!("{},{}", ws(r), ws(r));
    let array = format!("[{}{}{}]", ws(r), rooms.join(&sep), ws(r));
    let key = r.pick(&[r#""rooms""#, r#""rooms""#, r#""r\u006foms""#]);
    let doc = match r.below(6) {
        0 | 1 => array,
        2 => format!(r#"{{"count":{n},{}{key}:{}{array},"offset":0,"total":{n},"success":true}}"#, ws(r), ws(r)),
        3 => format!(r#"{{{key}:{array},"meta":{{"tags":["a"],"rooms":[1]}}}}"#),
        4 => format!(r#"{{"rooms":{array},"rooms":[{}]}}"#, rooms.first().cloned().unwrap_or_default()),
        _ => rooms.iter().map(|room| format!("{room}{}", r.pick(&["\n", "\r\n", " ", "", "\n\n"]))).collect(),
    };
    if r.below(10) == 0 {
        format!("\u{FEFF}{doc}")
    } else {
        doc
    }
}

/// Damages a document the way a bad proxy or a careless hand would.
fn mutate(r: &mut Rng, doc: &str) -> Vec<u8> {
    let mut bytes = doc.as_bytes().to_vec();
    for _ in 0..1 + r.below(3) {
        if bytes.is_empty() {
            break;
        }
        let at = r.below(bytes.len() as u64) as usize;
        match r.below(5) {
            0 => {
                bytes.remove(at);
            }
            1 => bytes.insert(at, b"{}[],:\" \n\\x1e"[r.below(13) as usize]),
            2 => bytes[at] = (r.next() >> 8) as u8,
            3 => bytes.truncate(at),
            _ => {
                let piece = r.pick(&[
                    ",",
                    "]",
                    "}",
                    "{}",
                    r#""rooms":"#,
                    "\u{FEFF}",
                    "[[",
                    "1e999",
                    r#"\u0000"#,
                    r#"\ud800"#,
                    r#"\udc00"#,
                    r#"\ud83d\u0041"#,
                ]);
                bytes.splice(at..at, piece.bytes());
            }
        }
    }
    bytes
}

/// A refusal as its kind and message: both must agree.
fn refusal(e: DataError) -> String {
    format!("{:?}: {}", e.kind, e.message)
}

fn outcome_whole(text: &[u8], zone: &dyn LocalZone) -> Result<String, String> {
    read_rooms(text, zone).map(|b| format!("{b:?}")).map_err(refusal)
}

fn outcome_streamed(text: &[u8], zone: &dyn LocalZone, r: &mut Rng, mut stream: RoomStream) -> Result<String, String> {
    let mut batch = RoomBatch::default();
    let mut rest = text;
    let most = [1, 2, 3, 7, 16, 64, 4096][r.below(7) as usize];
    while !rest.is_empty() {
        let (chunk, tail) = rest.split_at((1 + r.below(most) as usize).min(rest.len()));
        stream.push(chunk, zone, &mut batch).map_err(refusal)?;
        rest = tail;
    }
    let n = stream.finish(zone, &mut batch).map_err(refusal)?;
    assert_eq!(n, batch.rooms.len());
    Ok(format!("{batch:?}"))
}

#[test]
fn stream_equals_whole_text() {
    let mut r = Rng(0x5EED_57EA);
    let zones: [Box<dyn LocalZone>; 2] = [Box::new(Utc), Box::new(FixedOffset::from_minutes(-180))];
    let (mut valid, mut refused, mut compared) = (0, 0, 0);
    for case in 0..6000 {
        let doc = document(&mut r);
        let text = if case % 2 == 0 { doc.clone().into_bytes() } else { mutate(&mut r, &doc) };
        let zone = &*zones[case % 2];
        let whole = outcome_whole(&text, zone);
        if whole.is_ok() {
            valid += 1;
        } else {
            refused += 1;
        }
        for _ in 0..3 {
            let streamed = outcome_streamed(&text, zone, &mut r, RoomStream::default());
            assert_eq!(streamed, whole, "case {case}: {:?}", String::from_utf8_lossy(&text));
            compared += 1;
        }
        // A stream that keeps no positions reads the same rooms, and fails
        // where the text does, with the same error but for where it lies.
        let unplaced = outcome_streamed(&text, zone, &mut r, RoomStream::unplaced());
        let unplaced_at = |e: &String| e.split(" at line ").next().map(str::to_owned);
        assert_eq!(
            unplaced.as_ref().map_err(unplaced_at),
            whole.as_ref().map_err(unplaced_at),
            "case {case}: {:?}",
            String::from_utf8_lossy(&text)
        );
    }
    println!("stream ≡ whole text: {compared} chunkings of 6000 documents ({valid} accepted, {refused} refused), 0 disagreements");
    assert!(valid > 1000 && refused > 1000, "both kinds exercised: {valid} accepted, {refused} refused");
}

/// A lone surrogate escape is named, with the line and column where the
/// escape starts, by the whole-text reader and by the stream alike.
#[test]
fn a_lone_surrogate_is_named_where_it_starts() {
    let cases: [(&str, &str); 7] = [
        (r#"["\ud800"]"#, r#"Syntax: rooms: lone surrogate \ud800 (half of a UTF-16 pair) at line 1 column 3"#),
        // `\\` is an escaped backslash: the `uDcac` after it is text, not
        // an escape to name (fuzzer findings: the whole text named it).
        (r#"["8+\uDacc\\uDcacg"]"#, r#"Syntax: rooms: lone surrogate \uDacc (half of a UTF-16 pair) at line 1 column 5"#),
        (r#"["\uDaDD\\uDaD"]"#, r#"Syntax: rooms: lone surrogate \uDaDD (half of a UTF-16 pair) at line 1 column 3"#),
        (r#"[{"_id":"a\uDBFFb","t":"l"}]"#, r#"Syntax: rooms: lone surrogate \uDBFF (half of a UTF-16 pair) at line 1 column 11"#),
        (
            "{\"rooms\":[\n{\"t\":\"l\",\"departmentId\":\"\\udc00x\"}]}",
            r#"Syntax: rooms: lone surrogate \udc00 (half of a UTF-16 pair) at line 2 column 26"#,
        ),
        (
            "{\"t\":\"l\"}\n{\"_id\":\"\\ud83d\\u0041\"}",
            r#"Syntax: rooms: lone surrogate \ud83d (half of a UTF-16 pair) at line 2 column 9"#,
        ),
        // A pair is text, and a bad escape is still serde's own words.
        (r#"[{"_id":"\ud83d\ude00","t":"\uZZZZ"}]"#, "Syntax: rooms: invalid escape at line 1 column 34"),
    ];
    let mut r = Rng(7);
    for (doc, expected) in cases {
        assert_eq!(outcome_whole(doc.as_bytes(), &Utc), Err(expected.to_owned()), "{doc}");
        for _ in 0..20 {
            assert_eq!(outcome_streamed(doc.as_bytes(), &Utc, &mut r, RoomStream::default()), Err(expected.to_owned()), "{doc}");
        }
    }
}
