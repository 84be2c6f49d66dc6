//! Property: for any rooms, split into any pages, and any parameters,
//! `ChatIndex::query` answers exactly what `chats_per_department_json`
//! answers for all the rooms at once, errors included, whether the rooms
//! came as pages or as a stream cut into arbitrary chunks.

use chats_per_department::chats_per_department_json;
use chats_per_department::internals::index::ChatIndex;
use chats_per_department::internals::json_input::read_departments;
use chats_per_department::internals::params::{ParamValue, Params};
use chats_per_department::internals::zone::{FixedOffset, LocalZone, Utc};

mod common;
use common::{iso, Rng};

const T0: i64 = 1_600_000_000_000;
const SPAN: u64 = 864_000_000;

fn room(r: &mut Rng, ids: &[String]) -> String {
    let mut fields = vec![format!(r#""_id":"r{}""#, r.next() % 100_000)];
    match r.below(10) {
        0 => fields.push(r#""t":"c""#.into()),
        1 => {}
        _ => fields.push(r#""t":"l""#.into()),
    }
    match r.below(10) {
        0..=4 => fields.push(r#""open":true"#.into()),
        5 => fields.push(format!(r#""open":{}"#, r.pick(&["false", "null"]))),
        _ => {}
    }
    match r.below(10) {
        0 => {}
        1 => fields.push(r#""departmentId":null"#.into()),
        2 => fields.push(r#""departmentId":"gone""#.into()),
        _ if !ids.is_empty() => {
            let id = &ids[r.below(ids.len() as u64) as usize];
            fields.push(format!(r#""departmentId":"{id}""#));
            if r.below(2) == 0 {
                fields.push(format!(r#""department":{{"_id":"{id}","name":"E{id}"}}"#));
            }
        }
        _ => {}
    }
    let ts = instant(r);
    match r.below(12) {
        0 => {}
        1 => fields.push(r#""ts":null"#.into()),
        2 => fields.push(format!(r#""ts":{{"$date":{{"$numberLong":"{ts}"}}}}"#)),
        3 => fields.push(format!(r#""ts":{ts}"#)),
        4 if r.below(20) == 0 => fields.push(r#""ts":"not a date""#.into()),
        _ => fields.push(format!(r#""ts":"{}""#, iso(ts))),
    }
    format!("{{{}}}", fields.join(","))
}

/// Times on an hourly grid (so that rooms sit exactly on `start` and `end`)
/// or anywhere.
fn instant(r: &mut Rng) -> i64 {
    if r.below(2) == 0 {
        T0 + (r.below(SPAN / 3_600_000) * 3_600_000) as i64
    } else {
        T0 + r.below(SPAN) as i64
    }
}

fn params(r: &mut Rng, ids: &[String]) -> Params {
    let start = instant(r);
    let end = if r.below(10) == 0 { start - 3_600_000 } else { instant(r).max(start) };
    let mut pairs = vec![("start".to_owned(), ParamValue::String(iso(start))), ("end".to_owned(), ParamValue::String(iso(end)))];
    if r.below(20) == 0 {
        pairs[0].1 = ParamValue::String(r.pick(&["bad", "Sep 10 2020", "2020-09-13T12:00"]).into());
    }
    match r.below(6) {
        0 => pairs.push(("departmentId".into(), ParamValue::String(r.pick(&["", "undefined", "gone"]).into()))),
        1 | 2 if !ids.is_empty() => {
            pairs.push(("departmentId".into(), ParamValue::String(ids[r.below(ids.len() as u64) as usize].clone())))
        }
        3 => pairs.push(("departmentId".into(), ParamValue::Null)),
        _ => {}
    }
    Params::Object(pairs)
}

fn check(zone: &dyn LocalZone, seed: u64) {
    let mut r = Rng(seed);
    for case in 0..400 {
        let ids: Vec<String> = (0..r.below(6)).map(|i| format!("d{i}")).collect();
        let names = ["Sales", "Support", "Sales", "success", "undefined", "__proto__"];
        let departments_json =
            format!("[{}]", ids.iter().map(|id| format!(r#"{{"_id":"{id}","name":"{}"}}"#, r.pick(&names))).collect::<Vec<_>>().join(","));
        let with_list = r.below(2) == 0;
        let pages: Vec<Vec<String>> = (0..r.below(5)).map(|_| (0..r.below(40)).map(|_| room(&mut r, &ids)).collect()).collect();

        let mut index = ChatIndex::new(with_list.then(|| read_departments(departments_json.as_bytes()).unwrap()));
        let mut accepted: Vec<String> = Vec::new();
        for page in &pages {
            // A page that fails is rejected whole; the one-shot side then
            // never sees it either.
            if index.add_json(format!("[{}]", page.join(",")).as_bytes(), zone).is_ok() {
                accepted.extend(page.iter().cloned());
            }
        }
        let distinct: std::collections::HashSet<&str> = accepted.iter().map(|room| &room[..room.find(',').unwrap_or(room.len())]).collect();
        assert_eq!(index.size(), distinct.len() as u64, "case {case}");
        let all = format!("[{}]", accepted.join(","));
        // The same rooms streamed in random chunks, as an array, a REST page
        // or NDJSON.
        let mut streamed = ChatIndex::new(with_list.then(|| read_departments(departments_json.as_bytes()).unwrap()));
        let text = match r.below(3) {
            0 => all.clone(),
            1 => format!(r#"{{"count":{0},"rooms":{all},"total":{0}}}"#, accepted.len()),
            _ => accepted.join("\n"),
        };
        // Applied to the stream's own index every few rooms, or at its end.
        let mut stream = ChatIndex::begin_stream().applying_every([1, 2, 3, 7, 1 << 16][r.below(5) as usize]);
        let mut rest = text.as_bytes();
        while !rest.is_empty() {
            let (chunk, tail) = rest.split_at((1 + r.below(64) as usize).min(rest.len()));
            stream.push(chunk, zone).unwrap();
            rest = tail;
        }
        assert_eq!(streamed.finish_stream(stream, zone).unwrap(), accepted.len(), "case {case}");
        assert_eq!((streamed.size(), streamed.countable()), (index.size(), index.countable()), "case {case}");
        for _ in 0..5 {
            let params = params(&mut r, &ids);
            let expected = chats_per_department_json(all.as_bytes(), with_list.then_some(departments_json.as_bytes()), &params, zone);
            assert_eq!(index.query(&params, zone), expected, "case {case}, params {params:?}");
            assert_eq!(streamed.query(&params, zone), expected, "streamed, case {case}, params {params:?}");
        }
    }
}

#[test]
fn index_answers_like_the_one_shot_path_in_utc() {
    check(&Utc, 0x9E37_79B9_7F4A_7C15);
}

#[test]
fn index_answers_like_the_one_shot_path_in_a_local_zone() {
    check(&FixedOffset::from_minutes(-180), 0xD1B5_4A32_D192_ED03);
}

/// Pending changes are bounded by the index's size, not by how long it has
/// gone without a query: one-room updates and repeated merges of a shard
/// leave an index holding about what it holds settled, and answering the
/// same.
#[test]
fn updates_and_merges_without_queries_hold_memory_bounded_by_the_index() {
    let page = |k: usize, i: usize| {
        let open = if k.is_multiple_of(2) { r#","open":true"# } else { "" };
        format!(
            r#"[{{"_id":"r{i}","_updatedAt":{k},"t":"l"{open},"departmentId":"d{}","ts":{}}}]"#,
            k % 20,
            1_600_000_000_000u64 + i as u64 * 1000
        )
    };
    let mut index = ChatIndex::new(None);
    let all: Vec<String> = (0..2_000).map(|i| page(0, i)[1..].trim_end_matches(']').to_owned()).collect();
    index.add_json(format!("[{}]", all.join(",")).as_bytes(), &Utc).unwrap();
    index.settle();
    let settled = index.memory_bytes();
    let mut most = 0;
    for k in 1..=60_000 {
        index.add_json(page(k, k % 2_000).as_bytes(), &Utc).unwrap();
        most = most.max(index.memory_bytes());
    }
    assert!(most < settled * 4 + 64 * 1024, "settled {settled} bytes; {most} after 60,000 updates");
    let params = Params::from_pairs([("start", "2020"), ("end", "2021")]);
    let mut fresh = ChatIndex::new(None);
    let body = index.query(&params, &Utc);
    // The same rooms, each at its last version, added at once.
    let newest: Vec<String> = (0..2_000)
        .map(|i| {
            let k = (1..=60_000).rev().find(|k| k % 2_000 == i).unwrap();
            page(k, i)[1..].trim_end_matches(']').to_owned()
        })
        .collect();
    fresh.add_json(format!("[{}]", newest.join(",")).as_bytes(), &Utc).unwrap();
    assert_eq!(body, fresh.query(&params, &Utc));

    let mut merged = ChatIndex::new(None);
    let mut most = 0;
    for _ in 0..200 {
        let mut shard = ChatIndex::new(None);
        shard.add_json(format!("[{}]", all.join(",")).as_bytes(), &Utc).unwrap();
        merged.merge(shard);
        most = most.max(merged.memory_bytes());
    }
    assert!(most < settled * 4 + 64 * 1024, "settled {settled} bytes; {most} during 200 merges of one shard");
    assert_eq!(merged.size(), 2_000);
}
