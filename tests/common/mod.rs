//! Helpers shared by the property tests.
#![allow(dead_code)]

/// xorshift64*: deterministic, dependency-free case generation.
pub struct Rng(pub u64);
impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    pub fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len() as u64) as usize]
    }
}

/// An instant as `Date.prototype.toISOString` writes it (years 0–9999).
pub fn iso(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms).unwrap().format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

/// Twelve chart queries: each starts within `days` days from `from` (ms)
/// and lasts up to `span_days` days; a quarter each filtered by `d2`, `d3`
/// and a department no room has.
pub fn chart_queries(r: &mut Rng, from: i64, days: u64, span_days: u64) -> Vec<chats_per_department::internals::params::Params> {
    (0..12)
        .map(|_| {
            let start = from + r.below(days * 86_400_000) as i64;
            let end = start + r.below(span_days * 86_400_000) as i64;
            let department = ["", "d2", "d3", "gone"][r.below(4) as usize];
            let mut pairs = vec![("start", iso(start)), ("end", iso(end))];
            if !department.is_empty() {
                pairs.push(("departmentId", department.to_owned()));
            }
            chats_per_department::internals::params::Params::from_pairs(pairs.iter().map(|(k, v)| (*k, v.as_str())))
        })
        .collect()
}

/// An empty index of one of the kinds the property tests build: 0, with a
/// departments list (two names shared, one department nameless); 1, with
/// a bad list; else without one.
pub fn empty_index(kind: u64) -> chats_per_department::ChatIndex {
    use chats_per_department::internals::{field::DataError, json_input::read_departments};
    use chats_per_department::ChatIndex;
    match kind {
        0 => ChatIndex::new(Some(read_departments(br#"[{"_id":"d2","name":"Sales"},{"_id":"d3","name":"Sales"},{"_id":"d4"}]"#).unwrap())),
        1 => ChatIndex::with_departments_error(DataError::new("departments[0]._id is missing")),
        _ => ChatIndex::new(None),
    }
}

/// A Meteor id (`Random.id()`: 17 characters of its 55-letter alphabet)
/// for `n`, the same for the same `n`.
pub fn meteor_id(n: u64) -> String {
    const METEOR: &[u8] = b"23456789ABCDEFGHJKLMNPQRSTWXYZabcdefghijkmnopqrstuvwxyz";
    let mut x = n.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    (0..17)
        .map(|_| {
            x ^= x >> 29;
            x = x.wrapping_mul(0xBF58_476D_1CE4_E5B9);
            char::from(METEOR[(x >> 32) as usize % METEOR.len()])
        })
        .collect()
}

/// A room record as the REST API gives it, for the property tests that
/// build indexes (snapshots, merges): an `_id` of each kind the id store
/// packs differently (none, text with a space, a 24-digit ObjectId, a
/// Meteor id, a short word) drawn from about `ids` values, so that ids repeat; `open`
/// absent, true or false; a department with an embedded name, `null`, or
/// none (`names_vary`: the same department sometimes under two names); a
/// quarter of the rooms at one of three creation times (equal entries);
/// `_updatedAt` from a few values, absent now and then when
/// `updated_may_be_absent`.
pub fn room_record(r: &mut Rng, ids: u64, t0: i64, updated_may_be_absent: bool, names_vary: bool) -> String {
    let id = match r.below(8) {
        0 => String::new(),
        1 => format!(r#""_id":"odd id {}","#, r.below(ids / 2)),
        2 => format!(r#""_id":"{:024x}","#, r.below(ids * 3 / 4)),
        3 => format!(r#""_id":"{}","#, meteor_id(r.below(ids))),
        _ => format!(r#""_id":"r{}","#, r.below(ids)),
    };
    let open = ["", r#","open":true"#, r#","open":false"#][r.below(3) as usize];
    let department = match r.below(6) {
        0 => String::new(),
        1 => r#","departmentId":null"#.to_owned(),
        k => {
            let suffix = if names_vary { r.below(2).to_string() } else { String::new() };
            format!(r#","departmentId":"d{k}","department":{{"_id":"d{k}","name":"E{k}{suffix}"}}"#)
        }
    };
    let t = ["l", "l", "l", "c"][r.below(4) as usize];
    let ts = if r.below(4) == 0 { t0 + r.below(3) as i64 } else { t0 + r.below(40 * 86_400_000) as i64 };
    let updated = if updated_may_be_absent && r.below(6) == 0 { String::new() } else { format!(r#""_updatedAt":{},"#, r.below(5)) };
    format!(r#"{{{id}{updated}"t":"{t}"{open}{department},"ts":{ts}}}"#)
}
