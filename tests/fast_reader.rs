//! The hand-written reader against serde on generated and randomly mutated
//! documents: wherever the fast reader answers, serde must give the same
//! rooms and embedded departments; wherever serde rejects, the fast reader
//! must have given up (so the caller falls back and reports serde's error).

use chats_per_department::internals::fast_json::read_rooms;
use chats_per_department::internals::json_input::read_rooms_fully;
use chats_per_department::internals::room::{RoomBatch, RoomSink};
use chats_per_department::internals::zone::FixedOffset;

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

const PIECES: &[&str] = &[
    r#""t":"l""#,
    r#""t":"c""#,
    r#""t":null"#,
    r#""t":1"#,
    r#""open":true"#,
    r#""open":false"#,
    r#""open":null"#,
    r#""open":"true""#,
    r#""departmentId":"d1""#,
    r#""departmentId":null"#,
    r#""departmentId":"ü""#,
    r#""ts":"2020-09-10T23:59:22.345Z""#,
    r#""ts":"Sep 10 2020""#,
    r#""ts":"2020-09-10T10:00""#,
    r#""ts":1599782362345"#,
    r#""ts":-5"#,
    r#""ts":null"#,
    r#""ts":{"$date":"2020-01-01T00:00:00Z"}"#,
    r#""ts":{"$date":{"$numberLong":"42"}}"#,
    r#""ts":{"$date":7}"#,
    r#""department":{"_id":"d1","name":"Sales"}"#,
    r#""department":{"_id":"d2","name":null,"x":[1]}"#,
    r#""department":null"#,
    r#""v":{"_id":"x","name":"Jo \"J\" \u00e9","tags":[1,2.5,-3e2,true,false,null,{}]}"#,
    r#""msgs":0"#,
    r#""lm":"2020""#,
    r#""servedBy":{"_id":"a","ts":"2020"}"#,
    r#""emoji":"😀\n""#,
    r#""rooms":[]"#,
];

fn document(r: &mut Rng) -> String {
    let records: Vec<String> = (0..r.below(6))
        .map(|_| {
            let fields: Vec<&str> = (0..r.below(8)).map(|_| PIECES[r.below(PIECES.len())]).collect();
            format!("{{{}}}", fields.join(","))
        })
        .collect();
    match r.below(3) {
        0 => format!("[{}]", records.join(",")),
        1 => format!(r#"{{"count":{0},"rooms":[{1}],"total":{0}}}"#, records.len(), records.join(", ")),
        _ => records.join("\n"),
    }
}

fn mutate(r: &mut Rng, doc: &str) -> Vec<u8> {
    let mut bytes = doc.as_bytes().to_vec();
    for _ in 0..r.below(3) {
        if bytes.is_empty() {
            break;
        }
        let at = r.below(bytes.len());
        let noise = [b'"', b'\\', b',', b':', b'{', b'}', b'[', b']', b' ', b'0', b'-', b'e', b'.', b'x', b'u', 0x01, 0xC3, 0xFF, b'n'];
        match r.below(3) {
            0 => bytes[at] = noise[r.below(noise.len())],
            1 => {
                bytes.remove(at);
            }
            _ => bytes.insert(at, noise[r.below(noise.len())]),
        }
    }
    bytes
}

/// What a sink saw: rooms and embedded departments, in order.
#[derive(Default)]
struct Seen(RoomBatch, Vec<(String, String)>);

impl RoomSink for Seen {
    fn room(&mut self, room: chats_per_department::internals::room::RoomView<'_>) {
        self.0.room(room);
    }
    fn embedded(&mut self, id: &str, key: &str) {
        self.1.push((id.to_owned(), key.to_owned()));
    }
    fn reset(&mut self) {
        *self = Seen::default();
    }
}

#[test]
fn fast_reader_never_disagrees_with_serde() {
    let zone = FixedOffset::from_minutes(-180);
    let mut r = Rng(0x5DEE_CE66_D1CE_4E5B);
    let (mut fast_answers, mut serde_rejects, mut total) = (0, 0, 0);
    for _ in 0..30_000 {
        let doc = document(&mut r);
        let bytes = if r.below(2) == 0 { doc.into_bytes() } else { mutate(&mut r, &doc) };
        total += 1;
        let mut fast = Seen::default();
        let fast_ok = read_rooms(&bytes, &zone, &mut fast).is_ok();
        let mut full = Seen::default();
        let full_ok = read_rooms_fully(&bytes, &zone, &mut full).is_ok();
        if !full_ok {
            serde_rejects += 1;
            assert!(!fast_ok, "fast reader accepted what serde rejects: {}", String::from_utf8_lossy(&bytes));
        }
        if fast_ok {
            fast_answers += 1;
            assert_eq!(fast.0.rooms, full.0.rooms, "{}", String::from_utf8_lossy(&bytes));
            assert_eq!(fast.1, full.1, "{}", String::from_utf8_lossy(&bytes));
        }
    }
    // Both sides of the comparison must be well exercised.
    assert!(fast_answers > total / 4, "fast reader answered {fast_answers} of {total}");
    assert!(serde_rejects > total / 10, "serde rejected {serde_rejects} of {total}");
}
