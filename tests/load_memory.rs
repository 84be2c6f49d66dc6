//! What a stream load, and a column's merge, cost in memory beyond what
//! the index then holds.
//!
//! Wasm memory never shrinks, so a load's peak is what a dashboard's tab
//! keeps for good. Every allocation of this test binary is counted (a
//! global allocator), so the peak is exact and the same on every run.

mod common;

use chats_per_department::internals::column::Column;
use chats_per_department::{ChatIndex, Utc};
use common::{iso, Rng};
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use std::sync::{Mutex, MutexGuard};

struct Counting;
static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

fn grew(by: usize) {
    PEAK.fetch_max(LIVE.fetch_add(by, Relaxed) + by, Relaxed);
}

// SAFETY: every call is passed on to `System` unchanged; only sizes are counted.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        grew(layout.size());
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, size: usize) -> *mut u8 {
        // A move holds both blocks for a moment: count the new one first.
        grew(size);
        LIVE.fetch_sub(layout.size(), Relaxed);
        unsafe { System.realloc(ptr, layout, size) }
    }
}

#[global_allocator]
static COUNTING: Counting = Counting;

/// The counters are the whole binary's: one test runs at a time.
fn one_at_a_time() -> MutexGuard<'static, ()> {
    static ONE: Mutex<()> = Mutex::new(());
    ONE.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Counts the peak from here; returns what is live now.
fn count_from_here() -> usize {
    let before = LIVE.load(Relaxed);
    PEAK.store(before, Relaxed);
    before
}

fn mb(bytes: usize) -> f64 {
    bytes as f64 / 1e6
}

/// `count` rooms as a REST page holds them: Meteor ids, 20 departments,
/// a year of creation times, updated a while after.
fn rooms(count: usize) -> Vec<u8> {
    let mut r = Rng(0x5eed);
    let alphabet = b"23456789ABCDEFGHJKLMNPQRSTWXYZabcdefghijkmnopqrstuvwxyz";
    let mut text = String::from("{\"rooms\":[");
    for n in 0..count {
        let id: String = (0..17).map(|_| alphabet[r.below(alphabet.len() as u64) as usize] as char).collect();
        let ts = 1_577_836_800_000 + r.below(365 * 86_400_000) as i64;
        let department = r.below(20);
        // Closing a room unsets `open`.
        let open = if r.below(5) == 0 { r#","open":true"# } else { "" };
        let comma = if n > 0 { "," } else { "" };
        text += &format!(
            r#"{comma}{{"_id":"{id}","t":"l","departmentId":"d{department}","ts":"{}","_updatedAt":"{}"{open}}}"#,
            iso(ts),
            iso(ts + 60_000 + r.below(3_600_000) as i64)
        );
    }
    text += "]}";
    text.into_bytes()
}

#[test]
fn a_stream_load_peaks_within_a_few_megabytes_of_what_the_index_holds() {
    let _one = one_at_a_time();
    let count = 600_000;
    let bytes = rooms(count);
    let before = count_from_here();
    let mut index = ChatIndex::new(None);
    let mut stream = ChatIndex::begin_stream();
    for chunk in bytes.chunks(64 * 1024) {
        stream.push(chunk, &Utc).unwrap();
    }
    assert_eq!(index.finish_stream(stream, &Utc).unwrap(), count);
    index.settle();
    let held = index.memory_bytes();
    let (live, peak) = (LIVE.load(Relaxed) - before, PEAK.load(Relaxed) - before);
    println!("{count} rooms: held {:.1} MB, live {:.1} MB, peak {:.1} MB", mb(held), mb(live), mb(peak));
    // The index accounts for what it holds (within the allocator's rounding).
    assert!(live.abs_diff(held) * 50 < held, "held {held}, live {live}");
    // What the load needs beyond that: a page being read, the recent rooms'
    // table, the columns' pending entries, a column's heads or a few chunks
    // being rewritten. Not a share of the store held twice.
    assert!(peak - held < 8_000_000, "held {:.1} MB, peak {:.1} MB", mb(held), mb(peak));
}

/// A merge reads the old column a block at a time and frees each chunk of
/// it once read, so it never holds the column twice: what it holds beyond
/// the merged column is the old blocks' heads and the changes merged, a
/// small share of the column.
#[test]
fn a_column_merge_holds_the_column_once() {
    let _one = one_at_a_time();
    let mut r = Rng(0xc01);
    let mut entry = || (1_577_836_800_000 + r.below(365 * 86_400_000) as i64) * 2 + r.below(2) as i64;
    let mut column = Column::default();
    (0..2_000_000).for_each(|_| column.add(entry()));
    column.settle();
    (0..100_000).for_each(|_| column.add(entry()));
    let before = count_from_here();
    column.settle();
    let (after, peak) = (LIVE.load(Relaxed), PEAK.load(Relaxed));
    let merged = column.bytes();
    println!(
        "column of {:.1} MB: live {:.1} MB before its merge, {:.1} MB after, peak {:.1} MB",
        mb(merged),
        mb(before),
        mb(after),
        mb(peak)
    );
    assert!((peak - after) * 3 < merged, "merged {:.1} MB, peak {:.1} MB above it", mb(merged), mb(peak - after));
}
