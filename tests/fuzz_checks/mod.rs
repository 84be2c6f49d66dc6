//! The properties the fuzz targets check (`fuzz/fuzz_targets/`), shared
//! with `tests/fuzz_regressions.rs`, which replays every input the fuzzer
//! ever found (`fuzz/regressions/<target>/`) under plain `cargo test`.
//! Each function panics when its property fails; a panic is a finding.
#![allow(dead_code)]

use chats_per_department::internals::date_parse::{canonical_iso, date_parse};
use chats_per_department::internals::fast_json;
use chats_per_department::internals::index::ChatIndex;
use chats_per_department::internals::json_input::{read_rooms, read_rooms_fully};
use chats_per_department::internals::params::{validate, Params};
use chats_per_department::internals::room::RoomBatch;
use chats_per_department::internals::stream::RoomStream;
use chats_per_department::internals::zone::{FixedOffset, LocalZone, Utc};
use chats_per_department::{chats_per_department_json, Body};

/// The zones every check runs in: UTC and two fixed offsets.
fn zones() -> [Box<dyn LocalZone>; 3] {
    [Box::new(Utc), Box::new(FixedOffset::from_minutes(-180)), Box::new(FixedOffset::from_minutes(345))]
}

/// Parameter validation never panics, and every body is valid JSON.
pub fn params(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let mut parts = text.split('\u{0}');
    let pairs: Vec<(&str, &str)> = std::iter::from_fn(|| Some((parts.next()?, parts.next().unwrap_or("")))).collect();
    for zone in zones() {
        for params in [Params::from_pairs(pairs.iter().copied()), Params::from_json(&text).unwrap_or(Params::NotAnObject)] {
            let body = match validate(&params, &*zone) {
                Ok(_) => continue,
                Err(failure) => Body::Failure(failure),
            };
            serde_json::from_str::<serde_json::Value>(&body.to_json()).expect("a failure body is JSON");
        }
    }
}

/// `Date.parse` never panics; what it accepts is a time value within
/// ±8.64e15 ms, and the canonical ISO form of any such value reads back to it.
pub fn date(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    for zone in zones() {
        if let Some(ms) = date_parse(&text, &*zone) {
            assert!(ms.abs() <= 8_640_000_000_000_000, "{text:?} gave {ms}");
            if let Some(iso) = iso(ms) {
                assert_eq!(date_parse(&iso, &*zone), Some(ms), "{iso}");
                assert_eq!(canonical_iso(iso.as_bytes()), Some(ms), "{iso}");
            }
        }
    }
}

/// `YYYY-MM-DDTHH:MM:SS.sssZ` for years 0..=9999.
fn iso(ms: i64) -> Option<String> {
    let t = chrono::DateTime::from_timestamp_millis(ms)?;
    (0..=9999).contains(&chrono::Datelike::year(&t)).then(|| t.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string())
}

/// The hand-written reader agrees with serde wherever it answers.
pub fn readers(data: &[u8]) {
    for zone in zones() {
        let mut fast = RoomBatch::default();
        if fast_json::read_rooms(data, &*zone, &mut fast).is_err() {
            continue;
        }
        let mut exact = RoomBatch::default();
        read_rooms_fully(data, &*zone, &mut exact).expect("serde accepts what the fast reader accepts");
        assert_eq!(format!("{fast:?}"), format!("{exact:?}"));
    }
}

/// An index fed the document whole and as a stream cut every few bytes
/// answers what the one-shot path answers; the stream fails exactly where
/// `add_json` does, with the same message.
pub fn index(data: &[u8]) {
    let (cut, json) = match data.split_first() {
        Some((&cut, json)) => (usize::from(cut % 31) + 1, json),
        None => return,
    };
    let params = Params::from_pairs([("start", "1970-01-01T00:00:00Z"), ("end", "2100-01-01T00:00:00Z")]);
    let one_shot = chats_per_department_json(json, None, &params, &Utc).to_json();
    let mut index = ChatIndex::new(None);
    let added = index.add_json(json, &Utc);
    if added.is_ok() {
        assert_eq!(index.query(&params, &Utc).to_json(), one_shot, "add_json");
    } else {
        assert!(one_shot.contains("\"success\":false"), "add_json failed where the one-shot answered: {one_shot}");
    }
    let mut streamed = ChatIndex::new(None);
    let mut stream = ChatIndex::begin_stream().applying_every(1 + cut % 4);
    let mut pushed = Ok(());
    for piece in json.chunks(cut) {
        pushed = stream.push(piece, &Utc);
        if pushed.is_err() {
            break;
        }
    }
    // A stream is `add_json` read in pieces: the same outcome, error text
    // included, and then the same answers.
    let streamed_result = pushed.and_then(|()| streamed.finish_stream(stream, &Utc));
    assert_eq!(streamed_result.as_ref().map_err(|e| &e.message), added.as_ref().map_err(|e| &e.message), "stream cut every {cut} bytes");
    assert_eq!(streamed.query(&params, &Utc), index.query(&params, &Utc));
    assert_eq!(streamed.size(), index.size(), "stream cut every {cut} bytes");
}

/// The stream reader, cut at random places (seeded by the first 8 bytes),
/// gives exactly what the whole-text reader gives: the same rooms in the
/// same order, or the same error message, position included.
pub fn stream(data: &[u8]) {
    if data.len() < 8 {
        return;
    }
    let (seed, json) = data.split_at(8);
    let mut x = u64::from_le_bytes(seed.try_into().unwrap()) | 1;
    let whole = read_rooms(json, &Utc).map(|b| format!("{b:?}")).map_err(|e| e.message);
    let mut batch = RoomBatch::default();
    let mut reader = RoomStream::default();
    let mut rest = json;
    let mut outcome = Ok(());
    while !rest.is_empty() && outcome.is_ok() {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        // Mostly small pieces, sometimes large ones.
        let size = if x % 4 == 0 { (x >> 8) as usize % 4096 + 1 } else { (x >> 8) as usize % 17 + 1 };
        let (piece, tail) = rest.split_at(size.min(rest.len()));
        outcome = reader.push(piece, &Utc, &mut batch);
        rest = tail;
    }
    let streamed = outcome.and_then(|()| reader.finish(&Utc, &mut batch)).map(|n| {
        assert_eq!(n, batch.rooms.len(), "the count is the rooms delivered");
        format!("{batch:?}")
    });
    assert_eq!(streamed.map_err(|e| e.message), whole);
}

/// Snapshots never load wrong: any bytes either fail to load, or load
/// into an index whose own snapshot loads again into an index answering
/// every query the same. With the first byte odd, the rest is sealed as a
/// body under a correct header and checksum, so the fuzzer reaches the
/// structural checks rather than the checksum. With it even, the rest is a
/// JSON page: its index's snapshot, damaged at one byte (the second byte
/// says where), must not load, and undamaged must load the same.
pub fn snapshot(data: &[u8]) {
    let Some((&mode, rest)) = data.split_first() else { return };
    let params = Params::from_pairs([("start", "1970-01-01T00:00:00Z"), ("end", "2100-01-01T00:00:00Z")]);
    if mode % 2 == 1 {
        let mut bytes = b"CPDINDEX".to_vec();
        bytes.extend_from_slice(&chats_per_department::internals::index::snapshot::VERSION.to_le_bytes());
        bytes.extend_from_slice(&0u32.to_le_bytes());
        bytes.extend_from_slice(&(rest.len() as u64).to_le_bytes());
        bytes.extend_from_slice(&chats_per_department::internals::index::snapshot::checksum(rest).to_le_bytes());
        bytes.extend_from_slice(rest);
        if let Ok(mut loaded) = ChatIndex::from_bytes(&bytes) {
            let mut again = ChatIndex::from_bytes(&loaded.to_bytes()).expect("a loaded snapshot's own snapshot loads");
            assert_eq!(again.size(), loaded.size());
            assert_eq!(again.query(&params, &Utc), loaded.query(&params, &Utc));
        }
        return;
    }
    let Some((&at, json)) = rest.split_first() else { return };
    let mut index = ChatIndex::new(None);
    if index.add_json(json, &Utc).is_err() {
        return;
    }
    let bytes = index.to_bytes();
    let mut back = ChatIndex::from_bytes(&bytes).expect("a snapshot loads");
    assert_eq!(back.query(&params, &Utc), index.query(&params, &Utc));
    assert_eq!(back.size(), index.size());
    let mut damaged = bytes.clone();
    let at = usize::from(at) * damaged.len() / 256;
    damaged[at] ^= 1 << (mode / 2 % 8);
    assert!(ChatIndex::from_bytes(&damaged).is_err(), "a snapshot damaged at byte {at} loaded");
}
