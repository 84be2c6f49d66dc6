//! Native numbers for the core, so regressions show without a browser:
//! `cargo bench --bench core` (reads bench/data/rooms-100k.json; run
//! `node bench/data.mjs` first). Each line: median of repeated runs.

use chats_per_department::internals::counter::Counter;
use chats_per_department::internals::fast_json;
use chats_per_department::internals::index::ChatIndex;
use chats_per_department::internals::json_input::{read_departments, read_rooms_fully};
use chats_per_department::internals::params::{Params, Query};
use chats_per_department::internals::room::RoomBatch;
use chats_per_department::internals::zone::Utc;
use std::hint::black_box;
use std::time::{Duration, Instant};

fn median(mut runs: Vec<Duration>) -> Duration {
    runs.sort();
    runs[runs.len() / 2]
}

fn time<T>(runs: usize, mut f: impl FnMut() -> T) -> Duration {
    median(
        (0..runs)
            .map(|_| {
                let t0 = Instant::now();
                black_box(f());
                t0.elapsed()
            })
            .collect(),
    )
}

fn main() {
    let path = std::env::var("ROOMS").unwrap_or_else(|_| "bench/data/rooms-100k.json".into());
    let Ok(json) = std::fs::read(&path) else {
        eprintln!("{path} missing: run `node bench/data.mjs` first");
        return;
    };
    let departments = read_departments(&std::fs::read("bench/data/departments.json").unwrap()).unwrap();
    let mb = json.len() as f64 / 1e6;
    let query = Query { start: 1_740_000_000_000, end: 1_750_000_000_000, department_id: None };
    let report = |name: &str, d: Duration| println!("{name:<44} {:>10.2?}  {:>7.0} MB/s", d, mb / d.as_secs_f64());

    report(
        "fast reader -> Counter (one-shot)",
        time(9, || {
            let mut counter = Counter::new(&query);
            fast_json::read_rooms(&json, &Utc, &mut counter).unwrap();
            counter.finish(Some(&departments)).len()
        }),
    );
    report(
        "serde reader -> Counter",
        time(5, || {
            let mut counter = Counter::new(&query);
            read_rooms_fully(&json, &Utc, &mut counter).unwrap();
            counter.finish(Some(&departments)).len()
        }),
    );
    report(
        "fast reader -> RoomBatch",
        time(5, || {
            let mut batch = RoomBatch::default();
            fast_json::read_rooms(&json, &Utc, &mut batch).unwrap();
            batch.rooms.len()
        }),
    );
    report(
        "ChatIndex::add_json + settle",
        time(5, || {
            let mut index = ChatIndex::new(Some(departments.clone()));
            index.add_json(&json, &Utc).unwrap();
            index.settle();
            index.size()
        }),
    );
    let mut index = ChatIndex::new(Some(departments.clone()));
    index.add_json(&json, &Utc).unwrap();
    let params = Params::from_pairs([("start", "2025-03-01T00:00:00.000Z"), ("end", "2025-04-01T00:00:00.000Z")]);
    index.query(&params, &Utc);
    let d = time(2001, || index.query(&params, &Utc));
    println!("{:<44} {:>10.2?}", "ChatIndex::query (params to body)", d);

    // A dashboard's re-queries: 20,000 ranges of up to three months within
    // a year, each answered once (the caches see what a date picker gives).
    let mut seed = 7u64;
    let mut next = || {
        seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        (seed >> 33) as i64
    };
    let iso = |ms: i64| chrono::DateTime::from_timestamp_millis(ms).map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true));
    let ranges: Vec<Params> = (0..20_000)
        .filter_map(|_| {
            let start = 1_735_689_600_000 + next() % 31_536_000_000;
            let end = start + next() % 7_776_000_000;
            let (start, end) = (iso(start)?, iso(end)?);
            Some(Params::from_pairs([("start", start.as_str()), ("end", end.as_str())]))
        })
        .collect();
    let mut runs: Vec<Duration> = ranges
        .iter()
        .map(|params| {
            let t0 = Instant::now();
            black_box(index.query_groups(params, &Utc).ok());
            t0.elapsed()
        })
        .collect();
    runs.sort();
    println!("{:<44} {:>10.2?}  p99 {:.2?}", "ChatIndex::query_groups, varied ranges", runs[runs.len() / 2], runs[runs.len() * 99 / 100]);

    // Snapshots, both ways; MB/s of snapshot bytes.
    let snapshot = index.to_bytes();
    let snapshot_mb = snapshot.len() as f64 / 1e6;
    let both =
        |name: &str, d: Duration| println!("{name:<44} {:>10.2?}  {:>7.0} MB/s of {:.1} MB", d, snapshot_mb / d.as_secs_f64(), snapshot_mb);
    both("ChatIndex::to_bytes", time(9, || index.to_bytes().len()));
    both("ChatIndex::from_bytes", time(9, || ChatIndex::from_bytes(&snapshot).map(|i| i.size()).unwrap_or(0)));
}
