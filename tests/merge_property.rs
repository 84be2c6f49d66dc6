//! Merging: pages of rooms read into several indexes (shards, as workers
//! would read them) and merged in order answer every query exactly as one
//! index that read every page, whatever the pages hold: repeated `_id`s
//! with newer, equal and older `_updatedAt` across shards, rooms without
//! `_id`, rooms no query counts, equal creation times, embedded names, a
//! departments list or a bad one.

use chats_per_department::internals::index::ChatIndex;
use chats_per_department::internals::zone::Utc;

mod common;
use common::{empty_index, Rng};

/// The queries asked of each case: from a day before the rooms' first,
/// up to 30 days long.
fn queries(r: &mut Rng) -> Vec<chats_per_department::internals::params::Params> {
    common::chart_queries(r, T0 - 86_400_000, 40, 30)
}

const T0: i64 = 1_600_000_000_000;

fn room(r: &mut Rng) -> String {
    common::room_record(r, 60, T0, true, true)
}

#[test]
fn merged_shards_answer_as_one_index() {
    let mut r = Rng(23);
    for case in 0..400 {
        let kind = r.below(4);
        let pages: Vec<String> =
            (0..1 + r.below(8)).map(|_| format!("[{}]", (0..r.below(50)).map(|_| room(&mut r)).collect::<Vec<_>>().join(","))).collect();
        let mut whole = empty_index(kind);
        for page in &pages {
            whole.add_json(page.as_bytes(), &Utc).unwrap();
        }
        // Cut the pages into 1 to 4 shards of consecutive pages.
        let mut shards: Vec<ChatIndex> = Vec::new();
        for (i, page) in pages.iter().enumerate() {
            if i == 0 || r.below(2) == 0 {
                shards.push(empty_index(kind));
            }
            shards.last_mut().unwrap().add_json(page.as_bytes(), &Utc).unwrap();
        }
        let sizes: u64 = shards.iter().map(ChatIndex::size).sum();
        let mut shards = shards.into_iter();
        let mut merged = shards.next().unwrap();
        let mut offered = merged.size();
        for shard in shards {
            offered += merged.merge(shard);
        }
        assert_eq!(offered, sizes, "case {case}: merge returns each shard's size");
        assert_eq!(merged.size(), whole.size(), "case {case}");
        assert_eq!(merged.countable(), whole.countable(), "case {case}");
        assert_eq!(merged.departments(), whole.departments(), "case {case}");
        for params in queries(&mut r) {
            assert_eq!(merged.query(&params, &Utc), whole.query(&params, &Utc), "case {case}");
        }
        // And it goes on as an index: the same later page, then a removal.
        let page = format!("[{}]", (0..20).map(|_| room(&mut r)).collect::<Vec<_>>().join(","));
        merged.add_json(page.as_bytes(), &Utc).unwrap();
        whole.add_json(page.as_bytes(), &Utc).unwrap();
        let gone: Vec<String> = (0..r.below(10)).map(|_| format!("r{}", r.below(60))).collect();
        assert_eq!(merged.remove(gone.iter().map(String::as_str)), whole.remove(gone.iter().map(String::as_str)), "case {case}");
        for params in queries(&mut r) {
            assert_eq!(merged.query(&params, &Utc), whole.query(&params, &Utc), "case {case}, after a page and a removal");
        }
        // Through a snapshot, as a worker hands its index over.
        let mut again = ChatIndex::from_bytes(&merged.to_bytes()).unwrap();
        for params in queries(&mut r) {
            assert_eq!(again.query(&params, &Utc), whole.query(&params, &Utc), "case {case}, reopened");
        }
    }
}
