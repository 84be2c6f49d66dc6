//! Snapshots: any index, however it was built (pages, replacements,
//! removals, rooms without `_id`, a departments list, a bad one, embedded
//! names), comes back from its bytes answering every query the same, with
//! the same size and the same bytes again. And no damaged snapshot loads:
//! every truncation, every single-byte change, and well-sealed bodies that
//! break the index's rules are errors, never panics.

use chats_per_department::internals::index::snapshot::checksum;
use chats_per_department::internals::index::ChatIndex;
use chats_per_department::internals::params::Params;
use chats_per_department::internals::room_ids::{Held, RoomIds, Shape};
use chats_per_department::internals::zone::Utc;

mod common;
use common::{empty_index, Rng};

const T0: i64 = 1_600_000_000_000;

fn room(r: &mut Rng) -> String {
    common::room_record(r, 80, T0, false, false)
}

fn random_index(r: &mut Rng) -> ChatIndex {
    let mut index = empty_index(r.below(4));
    for _ in 0..r.below(6) {
        let page = format!("[{}]", (0..r.below(60)).map(|_| room(r)).collect::<Vec<_>>().join(","));
        let _ = index.add_json(page.as_bytes(), &Utc);
        if r.below(3) == 0 {
            let gone: Vec<String> = (0..r.below(10)).map(|_| format!("r{}", r.below(80))).collect();
            index.remove(gone.iter().map(String::as_str));
        }
    }
    index
}

fn queries(r: &mut Rng) -> Vec<Params> {
    common::chart_queries(r, T0, 40, 20)
}

#[test]
fn any_index_comes_back_the_same() {
    let mut r = Rng(11);
    for case in 0..300 {
        let mut index = random_index(&mut r);
        let bytes = index.to_bytes();
        let mut back = ChatIndex::from_bytes(&bytes).unwrap_or_else(|e| panic!("case {case}: {e}"));
        assert_eq!(back.size(), index.size(), "case {case}");
        assert_eq!(back.countable(), index.countable(), "case {case}");
        assert_eq!(back.departments(), index.departments(), "case {case}");
        for params in queries(&mut r) {
            assert_eq!(back.query(&params, &Utc), index.query(&params, &Utc), "case {case}");
        }
        // Departments are written in their map's order, so the bytes may
        // be ordered differently; their size and meaning are the same.
        assert_eq!(back.to_bytes().len(), bytes.len(), "case {case}: as many bytes again");
        // And it keeps working as an index: the same page applied to both.
        let page = format!("[{}]", (0..20).map(|_| room(&mut r)).collect::<Vec<_>>().join(","));
        assert_eq!(back.add_json(page.as_bytes(), &Utc).is_ok(), index.add_json(page.as_bytes(), &Utc).is_ok());
        for params in queries(&mut r) {
            assert_eq!(back.query(&params, &Utc), index.query(&params, &Utc), "case {case}, after a page");
        }
    }
}

#[test]
fn every_truncation_and_every_byte_change_is_refused() {
    let mut r = Rng(5);
    let mut index = random_index(&mut r);
    index.add_json(br#"[{"_id":"a","t":"l","departmentId":"d","ts":1},{"t":"l","departmentId":null,"ts":2}]"#, &Utc).unwrap();
    let bytes = index.to_bytes();
    for cut in 0..bytes.len() {
        assert!(ChatIndex::from_bytes(&bytes[..cut]).is_err(), "cut at {cut}");
    }
    let mut longer = bytes.clone();
    longer.push(0);
    assert!(ChatIndex::from_bytes(&longer).unwrap_err().to_string().contains("followed by other bytes"));
    for at in 0..bytes.len() {
        for flip in [1u8, 0x80, 0xff] {
            let mut damaged = bytes.clone();
            damaged[at] ^= flip;
            assert!(ChatIndex::from_bytes(&damaged).is_err(), "byte {at} ^ {flip:#x} loaded");
        }
    }
}

/// A snapshot of `body` with a correct header: what a buggy or hostile
/// writer could produce. The rules must hold without the checksum.
fn sealed(body: &[u8]) -> Vec<u8> {
    let mut out = b"CPDINDEX".to_vec();
    out.extend_from_slice(&chats_per_department::internals::index::snapshot::VERSION.to_le_bytes());
    out.extend_from_slice(&0u32.to_le_bytes());
    out.extend_from_slice(&(body.len() as u64).to_le_bytes());
    out.extend_from_slice(&checksum(body).to_le_bytes());
    out.extend_from_slice(body);
    out
}

struct Body(Vec<u8>);
impl Body {
    fn new() -> Body {
        Body(Vec::new())
    }
    fn u8(mut self, v: u8) -> Body {
        self.0.push(v);
        self
    }
    fn u32(mut self, v: u32) -> Body {
        self.0.extend_from_slice(&v.to_le_bytes());
        self
    }
    fn u64(mut self, v: u64) -> Body {
        self.0.extend_from_slice(&v.to_le_bytes());
        self
    }
    fn i64(mut self, v: i64) -> Body {
        self.0.extend_from_slice(&v.to_le_bytes());
        self
    }
    fn u128(mut self, v: u128) -> Body {
        self.0.extend_from_slice(&v.to_le_bytes());
        self
    }
    fn bytes(mut self, b: &[u8]) -> Body {
        self.0.extend_from_slice(b);
        self
    }
    /// A recent room with a text `_id` (one no packing covers), in
    /// department `slot` with entry `entry`.
    fn room(self, id: &str, slot: u32, entry: i64) -> Body {
        self.u128(2 << 126).text(id).i64(0).u32(slot).i64(entry)
    }
    /// A recent room of packed key `key`, never counted.
    fn keyed(self, key: u128) -> Body {
        self.u128(key).i64(0).u32(u32::MAX).i64(0)
    }
    fn text(self, t: &str) -> Body {
        let mut b = self.u32(t.len() as u32);
        b.0.extend_from_slice(t.as_bytes());
        b
    }
    /// No sealed rooms.
    fn no_sealed(self) -> Body {
        self.bytes(&[0; 5]).i64(0).i64(0).u64(0)
    }
    /// A sealed part: `shape`, then `directory` and `records` as given.
    fn sealed(self, shape: Shape, directory: &[u32], records: &[u8]) -> Body {
        let mut b = self.bytes(&shape.widths).i64(shape.value_min).i64(shape.delta_min).u64(shape.records);
        for &d in directory {
            b = b.u32(d);
        }
        b.bytes(records)
    }
}

/// No list, no embedded names, one department "d" whose rooms without
/// `_id` have `entries`.
fn one_department(entries: &[i64]) -> Body {
    let mut b = Body::new().u8(0).u32(0).u32(1).u8(2).text("d").u64(entries.len() as u64);
    for &e in entries {
        b = b.i64(e);
    }
    b
}

/// No list, no embedded names, `count` departments without rooms
/// without `_id`, and no such rooms.
fn departments(count: u32) -> Body {
    departments_claiming(count).u64(0)
}

/// As [`departments`], up to the count of rooms without `_id`.
fn departments_claiming(count: u32) -> Body {
    let mut b = Body::new().u8(0).u32(0).u32(count);
    for d in 0..count {
        b = b.u8(2).text(&format!("d{d}")).u64(0);
    }
    b
}

/// Deletions leave the id table larger than its ids need; the snapshot
/// still comes back the same (its ids go in a table of the usual size).
#[test]
fn an_index_mostly_deleted_comes_back_the_same() {
    let mut index = ChatIndex::new(None);
    let rooms: Vec<String> = (0..60_000)
        .map(|i| {
            format!(r#"{{"_id":"r{i}","_updatedAt":{i},"t":"l","departmentId":"d{}","ts":{}}}"#, i % 7, 1_600_000_000_000u64 + i * 1_000)
        })
        .collect();
    index.add_json(format!("[{}]", rooms.join(",")).as_bytes(), &Utc).unwrap();
    let keep: Vec<String> = (0..60_000).step_by(7_000).map(|i| format!("r{i}")).collect();
    index.retain(keep.iter().map(String::as_str));
    let mut back = ChatIndex::from_bytes(&index.to_bytes()).unwrap();
    assert_eq!((back.size(), back.countable()), (keep.len() as u64, keep.len() as u64));
    let all = Params::from_pairs([("start", "2020"), ("end", "2021")]);
    assert_eq!(back.query(&all, &Utc), index.query(&all, &Utc));
    // Versions came back: a stale one is ignored, a newer one replaces.
    back.add_json(br#"[{"_id":"r0","_updatedAt":-1,"t":"l","departmentId":"zz","ts":1600000000000}]"#, &Utc).unwrap();
    assert_eq!(back.query(&all, &Utc), index.query(&all, &Utc));
    assert_eq!(back.remove(keep.iter().map(String::as_str)), keep.len() as u64);
}

#[test]
fn well_sealed_bodies_that_break_the_rules_are_refused() {
    let ok = one_department(&[20]).u64(1).no_sealed().u64(1).room("a b", 0, 41);
    let index = ChatIndex::from_bytes(&sealed(&ok.0)).expect("a valid body");
    assert_eq!((index.size(), index.countable()), (2, 2));
    let word = |len: u128, digits: u128| (digits << 5) | len;
    let shape = |widths: [u8; 5], records: u64| Shape { widths, value_min: 0, delta_min: 0, records };
    let cases: Vec<(&str, Body)> = vec![
        ("out of order", one_department(&[41, 20]).u64(2).no_sealed().u64(0)),
        ("time no Date can hold", one_department(&[i64::MAX]).u64(1).no_sealed().u64(0)),
        ("more entries of rooms without _id than such rooms", one_department(&[20, 41]).u64(1).no_sealed().u64(0)),
        ("a department that is not there", one_department(&[]).u64(0).no_sealed().u64(1).room("a b", 7, 20)),
        ("a time no Date can hold", one_department(&[]).u64(0).no_sealed().u64(1).room("a b", 0, i64::MIN)),
        ("appears twice", one_department(&[]).u64(0).no_sealed().u64(2).room("a b", 0, 20).room("a b", 0, 22)),
        // Keys no packing makes: digits above the length, a length over 18,
        // hex digits above 96 bits, a packable id as text, a Meteor key past
        // 55^17, a Meteor id spelled as a word.
        ("not one this library writes", one_department(&[]).u64(0).no_sealed().u64(1).keyed(word(1, 1 << 7))),
        ("not one this library writes", one_department(&[]).u64(0).no_sealed().u64(1).keyed(word(19, 1))),
        ("not one this library writes", one_department(&[]).u64(0).no_sealed().u64(1).keyed((1 << 126) | (1 << 96))),
        ("not one this library writes", one_department(&[]).u64(0).no_sealed().u64(1).room("a", u32::MAX, 0)),
        ("not one this library writes", one_department(&[]).u64(0).no_sealed().u64(1).keyed(3 << 126 | 55u128.pow(17))),
        ("not one this library writes", one_department(&[]).u64(0).no_sealed().u64(1).keyed(word(17, (0..17).fold(0, |n, _| n << 6 | 2)))),
        // The same id packed twice.
        ("appears twice", one_department(&[]).u64(0).no_sealed().u64(2).keyed(word(1, 36)).keyed(word(1, 36))),
        ("more than the bytes left can hold: recent rooms", one_department(&[]).u64(0).no_sealed().u64(u64::MAX)),
        // 2^64 − 1 rooms without `_id` (it wrapped to a size of 201), and
        // the first count JavaScript cannot hold exactly.
        ("more rooms without _id than an index can hold", departments_claiming(1).u64(u64::MAX).no_sealed().u64(0)),
        ("more rooms without _id than an index can hold", departments_claiming(1).u64(1 << 53).no_sealed().u64(0)),
        ("bytes after", one_department(&[]).u64(0).no_sealed().u64(0).u8(9)),
        (
            "a department appears twice",
            Body::new().u8(0).u32(0).u32(2).u8(2).text("d").u64(0).u8(2).text("d").u64(0).u64(0).no_sealed().u64(0),
        ),
        ("unknown departments list tag", Body::new().u8(7)),
        ("not UTF-8", Body::new().u8(0).u32(1).u32(1).u8(0xff).text("x")),
        ("a department appears twice: d", Body::new().u8(0).u32(2).text("d").text("A").text("d").text("B")),
        // Sealed parts of shapes no store has.
        ("key widths", departments(1).sealed(shape([20, 10, 1, 1, 0], 1), &[], &[])),
        ("key widths", departments(1).sealed(shape([107, 60, 1, 1, 0], 1), &[], &[])),
        ("wider than its value", departments(1).sealed(shape([107, 91, 33, 1, 0], 1), &[], &[])),
        ("wider than its value", departments(1).sealed(shape([107, 91, 1, 65, 0], 1), &[], &[])),
        ("too many records", departments(1).sealed(shape([107, 91, 1, 1, 0], 1 << 40), &[], &[])),
        ("the sealed rooms: truncated", departments(1).sealed(shape([107, 91, 1, 1, 0], 1 << 30), &[], &[])),
    ];
    for (expected, body) in cases {
        let error = ChatIndex::from_bytes(&sealed(&body.0)).map(|_| ()).unwrap_err();
        assert!(error.to_string().contains(expected), "{expected:?}: got {error}");
    }
    let mut header = sealed(&ok.0);
    let next = chats_per_department::internals::index::snapshot::VERSION + 1;
    header[8] = next as u8;
    assert!(ChatIndex::from_bytes(&header).unwrap_err().to_string().contains(&format!("version {next}; this library reads version")));
}

/// A real sealed part, damaged where a lookup or a count would go wrong:
/// each damage is refused, and the part itself loads.
#[test]
fn damaged_sealed_parts_are_refused() {
    let mut ids = RoomIds::default();
    for n in 0..300i64 {
        ids.insert(&format!("room{n}"), Held { updated_at: 5, entry: Some(((n % 2) as u32, 1_000 + n * 2)) });
    }
    ids.insert("a", Held { updated_at: 5, entry: Some((0, 10)) });
    ids.tidy();
    let (shape, directory, records) = ids.sealed_image();
    let records: &[u8] = &records.collect::<Vec<_>>().concat();
    assert_eq!(shape.records, 301, "every room sealed");
    let load = |slots: u32, directory: &[u32], records: &[u8], recent: Body| {
        let body = departments(slots).sealed(shape, directory, records).bytes(&recent.0);
        ChatIndex::from_bytes(&sealed(&body.0))
    };
    let index = load(2, directory, records, Body::new().u64(0)).expect("the sealed part loads");
    assert_eq!((index.size(), index.countable()), (301, 301));

    let refused = |slots: u32, directory: &[u32], records: &[u8], recent: Body, expected: &str| {
        let error = load(slots, directory, records, recent).map(|_| ()).unwrap_err();
        assert!(error.to_string().contains(expected), "{expected:?}: got {error}");
    };
    // A department the snapshot does not have.
    refused(1, directory, records, Body::new().u64(0), "department or time is not one");
    // A directory out of order, or not ending at the last record.
    let mut swapped = directory.to_vec();
    let b = (1..swapped.len() - 1).find(|&b| swapped[b] < swapped[b + 1]).unwrap();
    swapped.swap(b, b + 1);
    refused(2, &swapped, records, Body::new().u64(0), "directory is out of order");
    let mut short = directory.to_vec();
    *short.last_mut().unwrap() -= 1;
    refused(2, &short, records, Body::new().u64(0), "directory is out of order");
    // Records are `width` bits: the key's bits below its bucket first.
    let [_, rest, slot, value, delta] = shape.widths.map(usize::from);
    let width = rest + slot + value + delta;
    let set = |bits: &mut Vec<u8>, at: usize, count: usize| (at..at + count).for_each(|i| bits[i / 8] |= 1 << (i % 8));
    let bucket = (0..directory.len() - 1).find(|&b| directory[b + 1] - directory[b] >= 2).unwrap();
    let (first, last) = (directory[bucket] as usize, directory[bucket + 1] as usize - 1);
    // A bucket's second key made its first: the same key twice.
    let mut damaged = records.to_vec();
    for i in 0..rest {
        let (from, to) = (first * width + i, (first + 1) * width + i);
        let bit = (records[from / 8] >> (from % 8)) & 1;
        damaged[to / 8] = (damaged[to / 8] & !(1 << (to % 8))) | bit << (to % 8);
    }
    refused(2, directory, &damaged, Body::new().u64(0), "out of order or hold the same key");
    // A last key with a word length of 31: no id packs to it.
    let mut damaged = records.to_vec();
    set(&mut damaged, last * width, 5);
    refused(2, directory, &damaged, Body::new().u64(0), "_id, department or time is not one");
    // A sealed room listed again as a recent one ("a": digit 36, length 1).
    refused(2, directory, records, Body::new().u64(1).keyed((36 << 5) | 1), "appears twice");
    // Any truncation of the image is refused too.
    for cut in 0..records.len() {
        assert!(load(2, directory, &records[..cut], Body::new()).is_err(), "cut at {cut}");
    }
}
