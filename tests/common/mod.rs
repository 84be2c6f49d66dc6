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
pub fn chart_queries(r: &mut Rng, from: i64, days: u64, span_days: u64) -> Vec<chats_per_department::server::params::Params> {
    (0..12)
        .map(|_| {
            let start = from + r.below(days * 86_400_000) as i64;
            let end = start + r.below(span_days * 86_400_000) as i64;
            let department = ["", "d2", "d3", "gone"][r.below(4) as usize];
            let mut pairs = vec![("start", iso(start)), ("end", iso(end))];
            if !department.is_empty() {
                pairs.push(("departmentId", department.to_owned()));
            }
            chats_per_department::server::params::Params::from_pairs(pairs.iter().map(|(k, v)| (*k, v.as_str())))
        })
        .collect()
}

/// An empty index of one of the kinds the property tests build: 0, with a
/// departments list (two names shared, one department nameless); 1, with
/// a bad list; else without one.
pub fn empty_index(kind: u64) -> chats_per_department::ChatIndex {
    use chats_per_department::records::{field::DataError, json_input::read_departments};
    use chats_per_department::ChatIndex;
    match kind {
        0 => ChatIndex::new(Some(read_departments(br#"[{"_id":"d2","name":"Sales"},{"_id":"d3","name":"Sales"},{"_id":"d4"}]"#).unwrap())),
        1 => ChatIndex::with_departments_error(DataError::new("departments[0]._id is missing")),
        _ => ChatIndex::new(None),
    }
}
