//! Every input the fuzzers found (`fuzz/regressions/<target>/`), replayed
//! by plain `cargo test` on the stable toolchain: each must now pass the
//! property its target checks (`tests/fuzz_checks/`). Also a smoke run of
//! each property over a few thousand generated inputs, so the properties
//! themselves are exercised even where no finding is stored.

mod fuzz_checks;

use std::fs;
use std::path::Path;

fn replay(target: &str, check: fn(&[u8])) -> usize {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/regressions").join(target);
    let Ok(entries) = fs::read_dir(&dir) else { return 0 };
    let mut n = 0;
    for entry in entries {
        let path = entry.unwrap().path();
        check(&fs::read(&path).unwrap());
        n += 1;
    }
    n
}

/// Inputs in the fuzzers' style: bytes from a few interesting pieces.
fn generated(seed: u64, pieces: &[&str]) -> Vec<Vec<u8>> {
    let mut x = seed;
    let mut next = move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    (0..3000)
        .map(|_| {
            let n = next() % 8;
            let mut out = Vec::new();
            for _ in 0..n {
                let r = next();
                if r % 5 == 0 {
                    out.push((r >> 8) as u8);
                } else {
                    out.extend_from_slice(pieces[(r >> 8) as usize % pieces.len()].as_bytes());
                }
            }
            out
        })
        .collect()
}

const DATE_PIECES: &[&str] = &[
    "2020", "-09-10", "T", "10:00", ":00", ".123", "Z", "+05:30", " ", "Sep", "10", "GMT", "-", "+275760", "1970", "(", ")", "am", "pm",
    ",",
];
const JSON_PIECES: &[&str] = &[
    "[",
    "]",
    "{",
    "}",
    ",",
    ":",
    "\"rooms\"",
    "\"t\"",
    "\"l\"",
    "\"_id\"",
    "\"a\"",
    "\"ts\"",
    "\"2020-09-10T10:00:00.000Z\"",
    "\"departmentId\"",
    "\"d\"",
    "\"open\"",
    "true",
    "null",
    "1599732000000",
    "{\"$date\":",
    "\"_updatedAt\"",
    "\n",
    " ",
    "\\u0000",
    "\"department\"",
];

#[test]
fn params() {
    let n = replay("params", fuzz_checks::params);
    for input in generated(1, &["start", "end", "departmentId", "\u{0}", "2020", "x", "[]", "{", "}", "\"start\":", ","]) {
        fuzz_checks::params(&input);
    }
    println!("params: {n} stored findings replayed");
}

#[test]
fn date() {
    let n = replay("date", fuzz_checks::date);
    for input in generated(2, DATE_PIECES) {
        fuzz_checks::date(&input);
    }
    println!("date: {n} stored findings replayed");
}

#[test]
fn readers() {
    let n = replay("readers", fuzz_checks::readers);
    for input in generated(3, JSON_PIECES) {
        fuzz_checks::readers(&input);
    }
    println!("readers: {n} stored findings replayed");
}

#[test]
fn index() {
    let n = replay("index", fuzz_checks::index);
    for input in generated(4, JSON_PIECES) {
        fuzz_checks::index(&input);
    }
    println!("index: {n} stored findings replayed");
}

#[test]
fn stream() {
    let n = replay("stream", fuzz_checks::stream);
    let mut cases = 0;
    for (k, input) in generated(5, JSON_PIECES).into_iter().enumerate() {
        let mut data = (k as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15).to_le_bytes().to_vec();
        data.extend_from_slice(&input);
        fuzz_checks::stream(&data);
        cases += 1;
    }
    println!("stream: {n} stored findings replayed, {cases} generated inputs");
}

#[test]
fn snapshot() {
    let n = replay("snapshot", fuzz_checks::snapshot);
    let mut cases = 0;
    for (k, input) in generated(6, JSON_PIECES).into_iter().enumerate() {
        let mut data = vec![(k % 256) as u8, (k * 7 % 256) as u8];
        data.extend_from_slice(&input);
        fuzz_checks::snapshot(&data);
        cases += 1;
    }
    println!("snapshot: {n} stored findings replayed, {cases} generated inputs");
}
