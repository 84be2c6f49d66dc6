//! Snapshots: any index, however it was built (pages, replacements,
//! removals, rooms without `_id`, a departments list, a bad one, embedded
//! names), comes back from its bytes answering every query the same, with
//! the same size and the same bytes again. And no damaged snapshot loads:
//! every truncation, every single-byte change, and well-sealed bodies that
//! break the index's rules are errors, never panics.

use chats_per_department::chart::index::snapshot::checksum;
use chats_per_department::chart::index::ChatIndex;
use chats_per_department::server::params::Params;
use chats_per_department::server::zone::Utc;

mod common;
use common::{empty_index, Rng};

const T0: i64 = 1_600_000_000_000;

fn room(r: &mut Rng) -> String {
    let id = match r.below(8) {
        0 => String::new(),
        1 => format!(r#""_id":"odd id {}","#, r.below(50)),
        2 => format!(r#""_id":"{:024x}","#, r.below(60)),
        _ => format!(r#""_id":"r{}","#, r.below(80)),
    };
    let open = ["", r#","open":true"#, r#","open":false"#][r.below(3) as usize];
    let department = match r.below(6) {
        0 => String::new(),
        1 => r#","departmentId":null"#.to_owned(),
        k => format!(r#","departmentId":"d{k}","department":{{"_id":"d{k}","name":"E{k}"}}"#),
    };
    let t = ["l", "l", "l", "c"][r.below(4) as usize];
    // A quarter of the rooms share three creation times, open and closed
    // alike: equal entries, which a snapshot names by successive positions.
    let ts = if r.below(4) == 0 { T0 + r.below(3) as i64 } else { T0 + r.below(40 * 86_400_000) as i64 };
    format!(r#"{{{id}"_updatedAt":{},"t":"{t}"{open}{department},"ts":{ts}}}"#, r.below(5))
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
    assert!(ChatIndex::from_bytes(&longer).unwrap_err().message.contains("followed by other bytes"));
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
    out.extend_from_slice(&chats_per_department::chart::index::snapshot::VERSION.to_le_bytes());
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
    /// A room with a text `_id` (one no packing covers), in department
    /// `slot` at `position` of its column.
    fn room(self, id: &str, slot: u32, position: u32) -> Body {
        self.u128(2 << 126).text(id).i64(0).u32(slot).u32(position)
    }
    fn text(self, t: &str) -> Body {
        let mut b = self.u32(t.len() as u32);
        b.0.extend_from_slice(t.as_bytes());
        b
    }
}

/// No list, no embedded names, one department "d" with `entries`.
fn one_department(entries: &[i64]) -> Body {
    let mut b = Body::new().u8(0).u32(0).u32(1).u8(2).text("d").u64(entries.len() as u64);
    for &e in entries {
        b = b.i64(e);
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
    let ok = one_department(&[20, 41]).u64(1).u64(16).u64(1).room("a b", 0, 1);
    let index = ChatIndex::from_bytes(&sealed(&ok.0)).expect("a valid body");
    assert_eq!((index.size(), index.countable()), (2, 2));
    let word = |len: u128, digits: u128| (digits << 5) | len;
    let cases: Vec<(&str, Body)> = vec![
        ("out of order", one_department(&[41, 20]).u64(2).u64(16).u64(0)),
        ("time no Date can hold", one_department(&[i64::MAX]).u64(1).u64(16).u64(0)),
        ("not there or is another room's", one_department(&[20]).u64(0).u64(16).u64(1).room("a b", 0, 5)),
        ("not there or is another room's", one_department(&[20, 41]).u64(0).u64(16).u64(2).room("a b", 0, 1).room("c d", 0, 1)),
        ("more rooms", one_department(&[20, 41]).u64(0).u64(16).u64(1).room("a b", 0, 1)),
        ("appears twice", one_department(&[20, 41]).u64(0).u64(16).u64(2).room("a b", 0, 1).room("a b", 0, 0)),
        ("a department that is not there", one_department(&[20]).u64(0).u64(16).u64(1).room("a b", 7, 0)),
        ("table's size", one_department(&[]).u64(0).u64(17).u64(0)),
        ("table's size", one_department(&[]).u64(0).u64(0).u64(1).room("a b", u32::MAX, 0)),
        // Keys no packing makes: digits above the length, a length over 18,
        // hex digits above 96 bits, a packable id as text, the unused tag.
        ("not one this library writes", one_department(&[]).u64(0).u64(16).u64(1).u128(word(1, 1 << 7)).i64(0).u32(u32::MAX).u32(0)),
        ("not one this library writes", one_department(&[]).u64(0).u64(16).u64(1).u128(word(19, 1)).i64(0).u32(u32::MAX).u32(0)),
        ("not one this library writes", one_department(&[]).u64(0).u64(16).u64(1).u128((1 << 126) | (1 << 96)).i64(0).u32(u32::MAX).u32(0)),
        ("not one this library writes", one_department(&[]).u64(0).u64(16).u64(1).room("a", u32::MAX, 0)),
        ("not one this library writes", one_department(&[]).u64(0).u64(16).u64(1).u128(3 << 126).i64(0).u32(u32::MAX).u32(0)),
        ("more than the bytes left can hold: rooms", one_department(&[]).u64(0).u64(16).u64(u64::MAX)),
        ("bytes after", one_department(&[]).u64(0).u64(16).u64(0).u8(9)),
        ("a department appears twice", Body::new().u8(0).u32(0).u32(2).u8(2).text("d").u64(0).u8(2).text("d").u64(0).u64(0).u64(16).u64(0)),
        ("unknown departments list tag", Body::new().u8(7)),
        ("not UTF-8", Body::new().u8(0).u32(1).u32(1).u8(0xff).text("x")),
        ("a department appears twice: d", Body::new().u8(0).u32(2).text("d").text("A").text("d").text("B")),
    ];
    for (expected, body) in cases {
        let error = ChatIndex::from_bytes(&sealed(&body.0)).map(|_| ()).unwrap_err();
        assert!(error.message.contains(expected), "{expected:?}: got {:?}", error.message);
    }
    // The same id packed and as text is one id: the packed key of "a"
    // (digit 36, length 1) then "a" as text would be refused above; packed
    // twice, it appears twice.
    let twice = one_department(&[])
        .u64(0)
        .u64(16)
        .u64(2)
        .u128(word(1, 36))
        .i64(0)
        .u32(u32::MAX)
        .u32(0)
        .u128(word(1, 36))
        .i64(1)
        .u32(u32::MAX)
        .u32(0);
    assert!(ChatIndex::from_bytes(&sealed(&twice.0)).unwrap_err().message.contains("appears twice"));
    let mut header = sealed(&ok.0);
    let next = chats_per_department::chart::index::snapshot::VERSION + 1;
    header[8] = next as u8;
    assert!(ChatIndex::from_bytes(&header).unwrap_err().message.contains(&format!("version {next}; this library reads version")));
}
