//! Property: every bucket of `ChatIndex::series` is exactly the chart the
//! server answers for that bucket's bounds (computed independently, by
//! `chats_per_department_json` over all the rooms), the buckets tile the
//! range without gap or overlap, and each one is a single local day or
//! week of the zone, including zones whose offset changes (at midnight too).

use chats_per_department::chats_per_department_json;
use chats_per_department::internals::body::Body;
use chats_per_department::internals::index::ChatIndex;
use chats_per_department::internals::json_input::read_departments;
use chats_per_department::internals::params::{ParamValue, Params};
use chats_per_department::internals::series::{Bucket, MAX_BUCKETS};
use chats_per_department::internals::zone::{FixedOffset, LocalZone, Utc};

mod common;
use common::{iso, Rng};

const T0: i64 = 1_600_000_000_000;
const HOUR: i64 = 3_600_000;
const DAY: i64 = 24 * HOUR;
const SPAN: u64 = 40 * DAY as u64;

/// A zone whose offset flips between -3 h and -2 h every 61 hours: its
/// transitions fall at every hour of the local day over a run, midnight
/// included (a skipped or repeated midnight).
struct Flipping;

impl LocalZone for Flipping {
    fn offset_ms(&self, utc_ms: i64) -> i64 {
        if (utc_ms.div_euclid(61 * HOUR)) % 2 == 0 {
            -3 * HOUR
        } else {
            -2 * HOUR
        }
    }
}

fn instant(r: &mut Rng) -> i64 {
    match r.below(3) {
        0 => T0 + (r.below(SPAN / HOUR as u64) as i64) * HOUR,
        1 => T0 + (r.below(SPAN / DAY as u64) as i64) * DAY - r.below(2) as i64,
        _ => T0 + r.below(SPAN) as i64,
    }
}

fn room(r: &mut Rng, n: usize) -> String {
    let open = match r.below(4) {
        0 => "",
        1 => r#","open":false"#,
        _ => r#","open":true"#,
    };
    let department = match r.below(8) {
        0 => String::new(),
        1 => r#","departmentId":null"#.into(),
        k => format!(r#","departmentId":"d{}""#, k % 4),
    };
    format!(r#"{{"_id":"r{n}","t":"l"{open}{department},"ts":"{}"}}"#, iso(instant(r)))
}

fn local_day(ms: i64, zone: &dyn LocalZone) -> i64 {
    (ms + zone.offset_ms(ms)).div_euclid(DAY)
}

fn check(zone: &dyn LocalZone, seed: u64) {
    let mut r = Rng(seed);
    let departments = r#"[{"_id":"d0","name":"Sales"},{"_id":"d1","name":"Support"},{"_id":"d2","name":"Sales"}]"#;
    let mut buckets_seen = 0;
    for case in 0..150 {
        let rooms = format!("[{}]", (0..r.below(300) as usize).map(|n| room(&mut r, n)).collect::<Vec<_>>().join(","));
        let with_list = r.below(2) == 0;
        let list = with_list.then_some(departments);
        let mut index = ChatIndex::new(list.map(|d| read_departments(d.as_bytes()).unwrap()));
        index.add_json(rooms.as_bytes(), zone).unwrap();
        let (start, end) = (instant(&mut r), instant(&mut r));
        let (start, end) = if r.below(10) == 0 { (end.max(start), end.min(start)) } else { (start.min(end), start.max(end)) };
        let department = match r.below(4) {
            0 => Some(format!("d{}", r.below(5))),
            1 => Some(String::new()),
            _ => None,
        };
        let with = |from: i64, to: i64| {
            let mut pairs = vec![("start".to_owned(), ParamValue::String(iso(from))), ("end".to_owned(), ParamValue::String(iso(to)))];
            if let Some(id) = &department {
                pairs.push(("departmentId".to_owned(), ParamValue::String(id.clone())));
            }
            Params::Object(pairs)
        };
        let bucket = if r.below(3) == 0 { Bucket::Week } else { Bucket::Day };
        let series = index.series(&with(start, end), bucket, zone, zone).unwrap_or_else(|e| panic!("case {case}: {e:?}"));
        if start > end {
            assert!(series.buckets.is_empty(), "case {case}: an inverted range has no buckets");
            continue;
        }
        let spans: Vec<_> = series.buckets.iter().map(|(span, _)| *span).collect();
        assert_eq!(spans.first().unwrap().start, start, "case {case}: the first bucket starts at start");
        assert_eq!(spans.last().unwrap().end, end, "case {case}: the last bucket ends at end");
        for pair in spans.windows(2) {
            assert_eq!(pair[0].end + 1, pair[1].start, "case {case}: buckets touch");
        }
        let days = if bucket == Bucket::Day { 1 } else { 7 };
        for span in &spans {
            let (first, last) = (local_day(span.start, zone), local_day(span.end, zone));
            assert!(span.start <= span.end && last - first < days, "case {case}: {span:?} is one bucket");
            if bucket == Bucket::Week {
                // Every bucket but a clipped first one starts on a Monday.
                assert!(span.start == start || (first + 3).rem_euclid(7) == 0, "case {case}: weeks start on Monday");
            }
        }
        let mut whole = Vec::new();
        for (span, departments_counted) in &series.buckets {
            let expected = chats_per_department_json(rooms.as_bytes(), list.map(str::as_bytes), &with(span.start, span.end), zone);
            assert_eq!(Body::Chart(departments_counted.clone()), expected, "case {case}: bucket {span:?}");
            whole.extend(departments_counted.iter().cloned());
            buckets_seen += 1;
        }
        // Summed over the buckets: the whole range's chart.
        let Body::Chart(all) = index.query(&with(start, end), zone) else { panic!("case {case}") };
        for department in &all {
            let (open, closed) = whole.iter().filter(|d| d.name == department.name).fold((0, 0), |(o, c), d| (o + d.open, c + d.closed));
            assert_eq!((open, closed), (department.open, department.closed), "case {case}: {} summed", department.name);
        }
    }
    assert!(buckets_seen > 1000, "{buckets_seen} buckets checked");
}

#[test]
fn buckets_are_the_servers_charts_in_utc() {
    check(&Utc, 1);
}

#[test]
fn buckets_are_the_servers_charts_at_fixed_offsets() {
    check(&FixedOffset::from_minutes(-180), 2);
    check(&FixedOffset::from_minutes(345), 3);
}

#[test]
fn buckets_follow_a_zone_whose_offset_changes() {
    check(&Flipping, 4);
}

#[test]
fn a_bad_request_gives_the_query_error_and_a_huge_range_is_refused() {
    let mut index = ChatIndex::new(None);
    let bad = Params::from_pairs([("start", "nope"), ("end", "2020")]);
    let Err(body) = index.series(&bad, Bucket::Day, &Utc, &Utc) else { panic!("accepted a bad start") };
    assert_eq!(body, index.query(&bad, &Utc));
    let wide = Params::from_pairs([("start", "1970-01-01T00:00:00Z"), ("end", "2100-01-01T00:00:00Z")]);
    let Err(Body::Failure(failure)) = index.series(&wide, Bucket::Day, &Utc, &Utc) else { panic!("accepted 47,482 days") };
    assert!(failure.error.contains("47483 days") && failure.error.contains(&MAX_BUCKETS.to_string()), "{}", failure.error);
    let ok = index.series(&wide, Bucket::Week, &Utc, &Utc).unwrap();
    assert_eq!(ok.buckets.len(), 6784);
}

/// Departments × buckets past the bound is a 400 body naming both; one
/// department of the same index over the same range answers, and only
/// buckets with chats hold departments.
#[test]
fn too_many_departments_times_buckets_is_refused_and_zeros_are_not_held() {
    use chats_per_department::internals::index::MAX_SERIES_CELLS;
    let mut index = ChatIndex::new(None);
    let rooms: Vec<String> = (0..2_001)
        .map(|d| {
            format!(
                r#"{{"t":"l","departmentId":"d{d}","department":{{"_id":"d{d}","name":"N{d}"}},"ts":{}}}"#,
                86_400_000i64 * (d % 50) + d
            )
        })
        .collect();
    index.add_json(format!("[{}]", rooms.join(",")).as_bytes(), &Utc).unwrap();
    // 10,000 days from 1970-01-01.
    let all = Params::from_pairs([("start", "1970-01-01T00:00:00Z"), ("end", "1997-05-18T23:59:59.999Z")]);
    let Err(Body::Failure(failure)) = index.series(&all, Bucket::Day, &Utc, &Utc) else { panic!("answered 2,001 × 10,000") };
    assert!(failure.error.contains("2001 departments × 10000 buckets"), "{}", failure.error);
    assert!(failure.error.contains(&MAX_SERIES_CELLS.to_string()), "{}", failure.error);
    let one = Params::from_pairs([("start", "1970-01-01T00:00:00Z"), ("end", "1997-05-18T23:59:59.999Z"), ("departmentId", "d7")]);
    let series = index.series(&one, Bucket::Day, &Utc, &Utc).unwrap();
    assert_eq!(series.buckets.len(), 10_000);
    let held: Vec<usize> = series.buckets.iter().enumerate().filter(|(_, (_, d))| !d.is_empty()).map(|(k, _)| k).collect();
    assert_eq!(held, vec![7]);
    let weeks = index.series(&all, Bucket::Week, &Utc, &Utc).unwrap();
    assert_eq!(weeks.buckets.iter().map(|(_, d)| d.len()).sum::<usize>(), 2_001, "each department in one week");
}
