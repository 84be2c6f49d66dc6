//! One department's rooms, as the query reads them: creation times,
//! sorted, with the open/closed state in the low bit.
//!
//! Each entry is `ts * 2 + open`, so open and closed rooms share one column
//! and a query needs two searches per department, not four. `fences` holds
//! every `BLOCK`-th sorted entry and `opens_before` the number of open
//! rooms before each block: a search first finds the block among the
//! fences (a small array that stays in cache), then the position within
//! one block of 512 bytes; the open rooms up to a position are the block's
//! prefix plus a population count of the block's `open_masks` word (bit
//! `i`: entry `i` of the block is open) below the position, so counting
//! never reads the block a second time.
//!
//! Changes are pending until they are worth a merge: added entries wait in
//! `added`, removed ones in `removed` (each names one entry of the sorted
//! part or of `added`). A query counts `sorted + added − removed`, scanning
//! the two short lists; once they outgrow a block, the column is merged in
//! one pass. So a live update costs a few pushes, not a copy of the column.

use std::mem::size_of;

/// Entries per fence; also the pending changes a query scans before it
/// merges them.
const BLOCK: usize = 64;
// One `open_masks` word per block.
const _: () = assert!(BLOCK == u64::BITS as usize);

/// A department's column of `ts * 2 + open` entries.
///
/// # Example
/// ```
/// use chats_per_department::chart::column::Column;
/// let mut column = Column::default();
/// column.add(10 * 2 + 1); // open, ts 10
/// column.add(12 * 2); // closed, ts 12
/// column.remove(10 * 2 + 1);
/// assert_eq!(column.count(0, 20), (0, 1));
/// ```
#[derive(Debug, Default)]
pub struct Column {
    sorted: Vec<i64>,
    fences: Vec<i64>,
    opens_before: Vec<u32>,
    open_masks: Vec<u64>,
    added: Vec<i64>,
    removed: Vec<i64>,
}

impl Column {
    /// Adds an entry.
    pub fn add(&mut self, entry: i64) {
        self.added.push(entry);
    }

    /// Removes one entry equal to `entry`, which must be held (added and
    /// not yet removed).
    pub fn remove(&mut self, entry: i64) {
        self.removed.push(entry);
    }

    /// `(open, closed)` rooms created within `start..=end`.
    pub fn count(&mut self, start: i64, end: i64) -> (u64, u64) {
        if self.added.len() + self.removed.len() > BLOCK {
            self.settle();
        }
        if start > end {
            return (0, 0);
        }
        let (low, high) = (start * 2, end * 2 + 2);
        let from = self.rank(low);
        let to = self.rank(high);
        let mut open = (self.opens_up_to(to) - self.opens_up_to(from)) as i64;
        let mut all = (to - from) as i64;
        for (list, sign) in [(&self.added, 1), (&self.removed, -1)] {
            for &e in list.iter().filter(|&&e| e >= low && e < high) {
                all += sign;
                open += sign * (e & 1);
            }
        }
        (open as u64, (all - open) as u64)
    }

    /// Merges pending changes into the sorted part, in place (no second
    /// copy of the column: wasm memory never shrinks, so peaks count), and
    /// rebuilds the fences.
    pub fn settle(&mut self) {
        if self.added.is_empty() && self.removed.is_empty() {
            return;
        }
        self.added.sort_unstable();
        self.removed.sort_unstable();
        // An entry added and removed while pending cancels out.
        cancel(&mut self.added, &mut self.removed);
        if !self.removed.is_empty() {
            let mut removed = self.removed.iter().peekable();
            self.sorted.retain(|e| {
                if removed.peek() == Some(&e) {
                    removed.next();
                    false
                } else {
                    true
                }
            });
            self.removed = Vec::new();
        }
        self.merge_added();
        self.fences = self.sorted.iter().step_by(BLOCK).copied().collect();
        self.open_masks = self
            .sorted
            .chunks(BLOCK)
            .map(|block| block.iter().enumerate().fold(0u64, |mask, (i, &e)| mask | (((e & 1) as u64) << i)))
            .collect();
        let mut opens = 0u32;
        self.opens_before = self
            .open_masks
            .iter()
            .map(|mask| {
                let before = opens;
                opens += mask.count_ones();
                before
            })
            .collect();
    }

    /// Entries held (sorted, plus added, minus removed).
    pub fn len(&self) -> u64 {
        (self.sorted.len() + self.added.len() - self.removed.len()) as u64
    }

    /// `true` when no entry is held.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The first and last creation time held, merging pending changes first.
    pub fn extent(&mut self) -> Option<(i64, i64)> {
        self.settle();
        Some((self.sorted.first()? >> 1, self.sorted.last()? >> 1))
    }

    /// A column of these entries, which must be sorted (snapshots).
    pub fn from_sorted(entries: Vec<i64>) -> Column {
        let mut column = Column { added: entries, ..Column::default() };
        column.settle();
        column
    }

    /// Every entry held, sorted (pending changes merged first).
    pub fn entries(&mut self) -> &[i64] {
        self.settle();
        &self.sorted
    }

    /// Bytes held (capacities).
    pub fn bytes(&self) -> usize {
        (self.sorted.capacity() + self.added.capacity() + self.removed.capacity() + self.fences.capacity()) * size_of::<i64>()
            + self.opens_before.capacity() * size_of::<u32>()
            + self.open_masks.capacity() * size_of::<u64>()
    }

    fn merge_added(&mut self) {
        if self.added.is_empty() {
            return;
        }
        if self.sorted.is_empty() {
            self.sorted = std::mem::take(&mut self.added);
            self.sorted.shrink_to_fit();
            return;
        }
        let (old, new) = (self.sorted.len(), self.added.len());
        self.sorted.reserve_exact(new);
        self.sorted.resize(old + new, 0);
        let (mut i, mut j, mut write) = (old, new, old + new);
        while j > 0 {
            write -= 1;
            if i > 0 && self.sorted[i - 1] > self.added[j - 1] {
                self.sorted[write] = self.sorted[i - 1];
                i -= 1;
            } else {
                self.sorted[write] = self.added[j - 1];
                j -= 1;
            }
        }
        self.added = Vec::new();
    }

    /// How many sorted entries are below `bound`.
    #[inline]
    fn rank(&self, bound: i64) -> usize {
        let block = self.fences.partition_point(|&e| e < bound);
        if block == 0 {
            return 0;
        }
        let lo = (block - 1) * BLOCK;
        let hi = (lo + BLOCK).min(self.sorted.len());
        lo + self.sorted[lo..hi].partition_point(|&e| e < bound)
    }

    /// Open rooms among the first `position` sorted entries.
    #[inline]
    fn opens_up_to(&self, position: usize) -> u64 {
        let (block, within) = (position / BLOCK, position % BLOCK);
        match (self.opens_before.get(block), self.open_masks.get(block)) {
            (Some(&before), Some(&mask)) => u64::from(before) + u64::from((mask & ((1u64 << within) - 1)).count_ones()),
            // `position` is the column's end and ends a whole block.
            _ => match (self.opens_before.last(), self.open_masks.last()) {
                (Some(&before), Some(&mask)) => u64::from(before) + u64::from(mask.count_ones()),
                _ => 0,
            },
        }
    }
}

/// Removes from two sorted lists the entries they share (as multisets).
fn cancel(added: &mut Vec<i64>, removed: &mut Vec<i64>) {
    if added.is_empty() || removed.is_empty() {
        return;
    }
    let (mut a, mut r) = (0, 0);
    let (mut keep_a, mut keep_r) = (Vec::with_capacity(added.len()), Vec::new());
    while a < added.len() && r < removed.len() {
        match added[a].cmp(&removed[r]) {
            std::cmp::Ordering::Less => {
                keep_a.push(added[a]);
                a += 1;
            }
            std::cmp::Ordering::Greater => {
                keep_r.push(removed[r]);
                r += 1;
            }
            std::cmp::Ordering::Equal => {
                a += 1;
                r += 1;
            }
        }
    }
    keep_a.extend_from_slice(&added[a..]);
    keep_r.extend_from_slice(&removed[r..]);
    *added = keep_a;
    *removed = keep_r;
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The column against a plain multiset, through random adds, removals,
    /// settles and queries.
    #[test]
    fn counts_like_a_scan_through_changes() {
        for size in [0usize, 1, 63, 64, 65, 128, 3000] {
            let mut column = Column::default();
            let mut model: Vec<i64> = Vec::new();
            let mut x: u64 = 7 + size as u64;
            let mut next = || {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                x
            };
            for step in 0..size * 3 + 50 {
                let r = next();
                if r % 4 == 0 && !model.is_empty() {
                    let entry = model.swap_remove((r / 4) as usize % model.len());
                    column.remove(entry);
                } else {
                    let entry = ((r % 3000) as i64) * 2 + i64::from(r % 3 == 0);
                    model.push(entry);
                    column.add(entry);
                }
                if step % 97 == 0 {
                    column.settle();
                }
                if step % 13 == 0 {
                    let start = (next() % 3100) as i64 - 10;
                    let end = start + (next() % 400) as i64 - 50;
                    let within = |e: &&i64| **e >= start * 2 && **e < end * 2 + 2;
                    let open = model.iter().filter(within).filter(|e| **e & 1 == 1).count() as u64;
                    let all = model.iter().filter(within).count() as u64;
                    let expected = if start > end { (0, 0) } else { (open, all - open) };
                    assert_eq!(column.count(start, end), expected, "{size}: {start}..={end}");
                }
            }
        }
    }
}
