//! Property: a `ChatIndex` fed a live server's history (new rooms, closes,
//! transfers, deletions, pages re-sent, stale pages arriving late, in random
//! page splits and stream chunkings) answers exactly what the one-shot path
//! answers for the collection's final state.

use chats_per_department::internals::params::Params;
use chats_per_department::{chats_per_department_json, ChatIndex, Utc};
use std::collections::BTreeMap;

mod common;
use common::{iso, meteor_id, Rng};

const T0: i64 = 1_600_000_000_000;
const HOUR: i64 = 3_600_000;

/// One version of a room, as JSON.
fn version(r: &mut Rng, id: &str, updated_at: i64, ts: i64) -> String {
    let open = match r.below(3) {
        0 => "",
        1 => r#""open":true,"#,
        _ => r#""open":true,"onHold":true,"#,
    };
    let department = match r.below(6) {
        0 => r#""departmentId":null,"#.to_owned(),
        1 => String::new(),
        n => format!(r#""departmentId":"d{n}","department":{{"_id":"d{n}","name":"Dept {n}"}},"#),
    };
    let t = if r.below(10) == 0 { "c" } else { "l" };
    let updated = if r.below(2) == 0 { format!("{updated_at}") } else { format!(r#"{{"$date":{{"$numberLong":"{updated_at}"}}}}"#) };
    format!(r#"{{"_id":"{id}","_updatedAt":{updated},"t":"{t}",{open}{department}"ts":{ts}}}"#)
}

/// Room `n`'s id, in each shape the id store packs its own way: a Meteor
/// id, the same with a character outside Meteor's alphabet (a word), an
/// ObjectId, a short word, a text id.
fn room_id(n: u64) -> String {
    match n % 5 {
        0 => meteor_id(n),
        1 => meteor_id(n)[..16].to_owned() + "0",
        2 => format!("{:024x}", u128::from(n) * 0x1_0000_0001_0000_0001),
        3 => format!("room{n}"),
        _ => format!("room {n}"),
    }
}

#[test]
fn histories_end_where_the_collection_ends() {
    let mut r = Rng(0x5EED_1234);
    for case in 0..300 {
        let mut index = ChatIndex::new(None);
        // id -> (versions sent so far, current version or None if deleted)
        let mut sent: BTreeMap<String, Vec<String>> = BTreeMap::new();
        let mut current: BTreeMap<String, String> = BTreeMap::new();
        let mut clock = T0;
        // A third of the cases hold enough rooms for the id store to seal
        // most of them (see `RoomIds::tidy`): changes then meet sealed rooms.
        let (universe, page_size) = if case % 3 == 0 { (300, 150) } else { (40, 30) };
        for _ in 0..r.below(12) + 1 {
            // One page: new versions, re-sent current ones, stale ones.
            let mut page = Vec::new();
            for _ in 0..r.below(page_size) {
                // Versions of one room are strictly newer; a re-sent current
                // version ties with itself (the tie rule: the later wins).
                clock += 1 + r.below(3) as i64;
                let id = room_id(r.below(universe));
                match r.below(5) {
                    0 if sent.get(&id).is_some_and(|v| v.len() > 1) && current.contains_key(&id) => {
                        let versions = &sent[&id];
                        page.push(versions[r.below(versions.len() as u64 - 1) as usize].clone());
                        // stale
                    }
                    1 if current.contains_key(&id) => page.push(current[&id].clone()), // re-sent
                    _ => {
                        let ts = T0 + (r.below(48) as i64) * HOUR;
                        let v = version(&mut r, &id, clock, ts);
                        sent.entry(id.clone()).or_default().push(v.clone());
                        current.insert(id, v.clone());
                        page.push(v);
                    }
                }
            }
            let json = format!("[{}]", page.join(","));
            if r.below(3) == 0 {
                // The same page as a stream, cut anywhere.
                let mut stream = ChatIndex::begin_stream().applying_every(1 + r.below(20) as usize);
                let bytes = json.as_bytes();
                let mut at = 0;
                while at < bytes.len() {
                    let end = (at + 1 + r.below(40) as usize).min(bytes.len());
                    stream.push(&bytes[at..end], &Utc).unwrap();
                    at = end;
                }
                index.finish_stream(stream, &Utc).unwrap();
            } else {
                index.add_json(json.as_bytes(), &Utc).unwrap();
            }
            // Deletions between refreshes.
            // Deletions between refreshes: by id, or (as a dashboard's
            // reconciliation does) by retaining the ids the server still lists.
            let doomed: Vec<String> = current.keys().filter(|_| r.below(15) == 0).cloned().collect();
            let removed = if r.below(2) == 0 {
                index.remove(doomed.iter().map(String::as_str))
            } else {
                let listed: Vec<&str> = current.keys().filter(|id| !doomed.contains(id)).map(String::as_str).collect();
                index.retain(listed)
            };
            assert_eq!(removed, doomed.len() as u64, "case {case}");
            for id in &doomed {
                current.remove(id);
                sent.remove(id); // a deleted room's old versions are never re-sent
            }
            if r.below(2) == 0 {
                index.settle();
            }
        }
        assert_eq!(index.size(), current.len() as u64, "case {case}");
        let all = format!("[{}]", current.values().cloned().collect::<Vec<_>>().join(","));
        for _ in 0..10 {
            let start = T0 + (r.below(48) as i64 - 2) * HOUR;
            let end = start + (r.below(30) as i64) * HOUR;
            let mut pairs = vec![("start", iso(start)), ("end", iso(end))];
            if r.below(3) == 0 {
                pairs.push(("departmentId", format!("d{}", r.below(6))));
            }
            let params = Params::from_pairs(pairs.iter().map(|(k, v)| (*k, v.as_str())));
            let expected = chats_per_department_json(all.as_bytes(), None, &params, &Utc).to_json();
            assert_eq!(index.query(&params, &Utc).to_json(), expected, "case {case}");
        }
    }
}
