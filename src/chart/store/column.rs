//! One department's rooms, as the query reads them: creation times,
//! sorted, with each room's open/closed state beside them.
//!
//! Rooms are held sorted by `ts * 2 + open` (closed before open at equal
//! times) in blocks of `BLOCK`. Each block's head keeps its first creation
//! time (its fence) and the block stores the others as offsets from it,
//! packed at the fewest bits that hold the block's span (frame-of-reference
//! coding, with the store's codec [`super::bits`]): at a million rooms over
//! a year, 26 bits a room instead of 64. An offset is found by its
//! position (bit `i × width`), so a search reads offsets in place. A directory of time
//! steps says between which entries a time lies, so a search takes a few
//! probes instead of a dozen. The open rooms up to a position are the
//! head's prefix (`opens_before`) plus a population count of the head's
//! `open_mask` below the position, so counting never decodes a block.
//!
//! Changes are pending until they are worth a merge: added entries wait in
//! `added`, removed ones in `removed` (each names one entry of the packed
//! part or of `added`). A query counts `packed + added − removed`, scanning
//! the two short lists; once they outgrow a block, the column is merged
//! and packed again in one pass that decodes a block at a time (never the
//! whole column at once). So a live update costs a few pushes, not a copy
//! of the column. The packed offsets are held in chunks of
//! [`CHUNK_BYTES`], and a merge frees each old chunk once it has read
//! past it: the old column and the new one are never both held whole.

use crate::chart::store::bits::{self, PADDING};
use std::mem::size_of;

/// Entries per block; also the pending changes a query scans before it
/// merges them.
const BLOCK: usize = 64;
// One `open_mask` word per block.
const _: () = assert!(BLOCK == u64::BITS as usize);
/// Pending changes a column always may hold before
/// [`Column::bound_pending`] merges them.
const PENDING_FLOOR: usize = 4 * BLOCK;
/// Entries per step of a column's directory, when times are spread evenly
/// (from 8 to 16, as a step is a power of two): a search then takes about
/// four probes, for 0.3 bytes a room.
const ENTRIES_PER_STEP: usize = 8;
/// Bytes per chunk of packed offsets: a wasm page, so that chunks freed by
/// one merge are the size the next one asks for. A head's `start` is the
/// chunk's number above [`CHUNK_SHIFT`] bits and the byte within it below.
const CHUNK_BYTES: usize = 1 << CHUNK_SHIFT;
const CHUNK_SHIFT: u32 = 16;

/// A department's column of `ts * 2 + open` entries.
///
/// # Example
/// ```
/// use chats_per_department::internals::column::Column;
/// let mut column = Column::default();
/// column.add(10 * 2 + 1); // open, ts 10
/// column.add(12 * 2); // closed, ts 12
/// column.remove(10 * 2 + 1);
/// assert_eq!(column.count(0, 20), (0, 1));
/// ```
#[derive(Debug, Default)]
pub struct Column {
    /// Entries in the packed part.
    len: usize,
    /// Per block, what a search and a count read of it, side by side.
    heads: Vec<BlockHead>,
    /// Where to look for a time: `directory[k]` is the number of entries
    /// created before `first + (k << shift)` (`first` the first entry's
    /// time), so a time's entries lie between two neighbouring entries
    /// (about `ENTRIES_PER_STEP` apart when rooms are spread evenly): a
    /// query reads two words here instead of ten steps of a binary search
    /// over the blocks' fences.
    directory: Vec<u32>,
    shift: u32,
    /// Offsets from the block's fence, its `width` bits each, little-endian
    /// bit order, each block starting on a byte and lying in one chunk,
    /// each chunk ending in `PADDING` zeros.
    packed: Vec<Vec<u8>>,
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
        self.bound_pending();
    }

    /// Merges pending changes once they outnumber an eighth of the packed
    /// entries (and [`PENDING_FLOOR`]): pending entries take 8 bytes each
    /// where packed ones take about 3, so a column loading page by page
    /// holds at most a third more than it needs, and a merge, a pass over
    /// the column, comes once per an eighth of it in changes. Called after
    /// each removal and by the index after each page, never per added
    /// entry, so a page loaded into an empty column is still sorted once.
    pub fn bound_pending(&mut self) {
        if self.added.len() + self.removed.len() > PENDING_FLOOR.max(self.len / 8) {
            self.settle();
        }
    }

    /// `(open, closed)` rooms created within `start..=end`.
    pub fn count(&mut self, start: i64, end: i64) -> (u64, u64) {
        self.bound_for_query();
        if start > end {
            return (0, 0);
        }
        let brackets = [self.bracket(start), self.bracket(end.saturating_add(1))];
        self.count_within(start, end, brackets)
    }

    /// Merges pending changes a query would scan once they outgrow a block.
    #[inline]
    fn bound_for_query(&mut self) {
        if self.added.len() + self.removed.len() > BLOCK {
            self.settle();
        }
    }

    /// [`Column::count`] of a non-empty range, given the brackets of
    /// `start` and `end + 1`, pending changes at most a block.
    #[inline]
    fn count_within(&self, start: i64, end: i64, [at_start, past_end]: [(usize, usize); 2]) -> (u64, u64) {
        // An entry is within the range when its time is: `ts * 2 + open`
        // is at least `start * 2` and below `end * 2 + 2`.
        // A time is at most 2^62 (`ts * 2 + open` is an i64), so `end + 1`
        // is exact.
        let from = self.rank_within(start, at_start);
        let to = self.rank_within(end.saturating_add(1), past_end);
        let mut open = (self.opens_up_to(to) - self.opens_up_to(from)) as i64;
        let mut all = (to - from) as i64;
        for (list, sign) in [(&self.added, 1), (&self.removed, -1)] {
            for &e in list.iter().filter(|&&e| (e >> 1) >= start && (e >> 1) <= end) {
                all += sign;
                open += sign * (e & 1);
            }
        }
        (open as u64, (all - open) as u64)
    }

    /// `(open, closed)` rooms created within `start..=end` in each column
    /// of `holders`, given to `each` with the holder's position.
    ///
    /// A search waits on its own loads (the directory gives a position,
    /// the position a head, the head a byte), so twenty columns searched
    /// one after another take their misses one after another: a query in
    /// a process whose heap is large finds few of their lines in the
    /// caches. Here each level is read for every column before the next,
    /// so a level's misses overlap, and the searches then run from the
    /// cache: the query waits about three times, not sixty.
    ///
    /// # Example
    /// ```
    /// use chats_per_department::internals::column::Column;
    /// let mut columns = [Column::from_sorted(vec![20, 41]), Column::from_sorted(vec![8])];
    /// let mut counts = Vec::new();
    /// Column::count_each(&mut columns, |column| column, 0, 30, |_, open, closed| counts.push((open, closed)));
    /// assert_eq!(counts, [(1, 1), (0, 1)]);
    /// ```
    pub fn count_each<T>(
        holders: &mut [T],
        column: impl Fn(&mut T) -> &mut Column,
        start: i64,
        end: i64,
        mut each: impl FnMut(usize, u64, u64),
    ) {
        // Columns a pass reads at once; more are read in further passes.
        const AT_ONCE: usize = 32;
        for (c, chunk) in holders.chunks_mut(AT_ONCE).enumerate() {
            for holder in chunk.iter_mut() {
                column(holder).bound_for_query();
            }
            if start > end {
                for k in 0..chunk.len() {
                    each(c * AT_ONCE + k, 0, 0);
                }
                continue;
            }
            // The directory: each time's step.
            let mut brackets = [[(0, 0); 2]; AT_ONCE];
            for (holder, at) in chunk.iter_mut().zip(&mut brackets) {
                let column = column(holder);
                *at = [column.bracket(start), column.bracket(end.saturating_add(1))];
            }
            // The heads at both ends of each step, and where their offsets
            // lie (a value made of each load keeps it from being optimised
            // away).
            let mut touched = 0;
            let mut bytes = [usize::MAX; AT_ONCE * 4];
            for ((holder, at), byte) in chunk.iter_mut().zip(&brackets).zip(bytes.chunks_exact_mut(4)) {
                let column = column(holder);
                let [(a, b), (c, d)] = *at;
                for (position, byte) in [a, b.saturating_sub(1), c, d.saturating_sub(1)].into_iter().zip(byte) {
                    if let Some(head) = column.heads.get(position / BLOCK) {
                        *byte = head.start as usize + (position % BLOCK) * head.width as usize / 8;
                        touched ^= head.open_mask;
                    }
                }
            }
            // The offsets: a load, not a decode (`PackedBlock::time` decodes).
            for (holder, byte) in chunk.iter_mut().zip(bytes.chunks_exact(4)) {
                let packed = &column(holder).packed;
                for &byte in byte {
                    let (chunk, at) = in_chunk(byte);
                    touched ^= u64::from(packed.get(chunk).and_then(|chunk| chunk.get(at)).copied().unwrap_or(0));
                }
            }
            std::hint::black_box(touched);
            for (k, (holder, at)) in chunk.iter_mut().zip(brackets).enumerate() {
                let (open, closed) = column(holder).count_within(start, end, at);
                each(c * AT_ONCE + k, open, closed);
            }
        }
    }

    /// Merges pending changes into the packed part and packs it again.
    pub fn settle(&mut self) {
        if self.added.is_empty() && self.removed.is_empty() {
            return;
        }
        self.added.sort_unstable();
        self.removed.sort_unstable();
        // An entry added and removed while pending cancels out.
        cancel(&mut self.added, &mut self.removed);
        self.pack();
    }

    /// The entries held, in order, pending changes merged: the packed
    /// ones, less those removed (which, once [`cancel`] has run, name
    /// packed entries), with those added. Decoded as they go, so a merge
    /// never holds the column as a list of `i64`s, and each chunk is freed
    /// once its blocks are decoded.
    fn into_merged(mut self) -> impl Iterator<Item = i64> {
        // Blocks are read in order, never through the directory.
        self.directory = Vec::new();
        let (mut i, mut a, mut r) = (0, 0, 0);
        // The block of packed entry `i`, decoded at once.
        let (mut block, mut decoded) = ([0i64; BLOCK], usize::MAX);
        std::iter::from_fn(move || loop {
            if i < self.len && i / BLOCK != decoded {
                decoded = i / BLOCK;
                let (packed, head) = (self.block(decoded), self.heads[decoded]);
                for (k, entry) in block.iter_mut().enumerate().take(self.len - i) {
                    *entry = packed.time(k) * 2 + ((head.open_mask >> k) & 1) as i64;
                }
                // Blocks are read in order: the chunk before this one's is done.
                if let Some(done) = (head.start as usize >> CHUNK_SHIFT).checked_sub(1) {
                    self.packed[done] = Vec::new();
                }
            }
            let added = self.added.get(a).copied();
            if i == self.len || added.is_some_and(|added| added < block[i % BLOCK]) {
                a += 1;
                return added;
            }
            let packed = block[i % BLOCK];
            i += 1;
            if self.removed.get(r) == Some(&packed) {
                r += 1;
            } else {
                return Some(packed);
            }
        })
    }

    /// Entries held (packed, plus added, minus removed).
    pub fn len(&self) -> u64 {
        (self.len + self.added.len() - self.removed.len()) as u64
    }

    /// `true` when no entry is held.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The first and last creation time held, merging pending changes first.
    pub fn extent(&mut self) -> Option<(i64, i64)> {
        self.settle();
        let last = self.len.checked_sub(1)?;
        Some((self.heads.first()?.fence, self.time_at(last)))
    }

    /// A column of these entries, which must be sorted (snapshots).
    pub fn from_sorted(entries: Vec<i64>) -> Column {
        let mut column = Column { added: entries, ..Column::default() };
        column.pack();
        column
    }

    /// Every entry held, sorted (pending changes merged first).
    pub fn entries(&mut self) -> Vec<i64> {
        self.settle();
        self.decode()
    }

    /// Bytes held (capacities).
    pub fn bytes(&self) -> usize {
        (self.added.capacity() + self.removed.capacity()) * size_of::<i64>()
            + self.heads.capacity() * size_of::<BlockHead>()
            + self.directory.capacity() * size_of::<u32>()
            + self.packed.iter().map(Vec::capacity).sum::<usize>()
            + self.packed.capacity() * size_of::<Vec<u8>>()
    }

    /// Packs the entries held ([`Column::into_merged`]) anew, pending
    /// changes merged, a block at a time in one pass, into chunks of
    /// [`CHUNK_BYTES`] as the old ones are freed; exact capacities at the
    /// end, since a column's memory is the product's number. So a merge
    /// holds the new heads and directory beside the old ones, and of the
    /// offsets a chunk more than either column.
    fn pack(&mut self) {
        // The last time held, or a later one when the last packed entry is
        // removed: then the directory has a step to spare, never one short.
        let last_packed = self.len.checked_sub(1).map(|i| self.time_at(i));
        let last = last_packed.max(self.added.last().map(|entry| entry >> 1)).unwrap_or(0);
        let held = self.len + self.added.len() - self.removed.len();
        let mut entries = std::mem::take(self).into_merged().peekable();
        let first = entries.peek().map_or(0, |entry| entry >> 1);
        let mut directory = Directory::new(first, last, held);
        let mut heads = Vec::with_capacity(held.div_ceil(BLOCK));
        // Chunks filled, and the one being filled.
        let (mut packed, mut chunk) = (Vec::new(), Vec::with_capacity(CHUNK_BYTES));
        let (mut block, mut n, mut len, mut opens) = ([0i64; BLOCK], 0, 0, 0u32);
        loop {
            let next = entries.next();
            if let Some(entry) = next {
                directory.add(len, entry >> 1);
                (block[n], n, len) = (entry, n + 1, len + 1);
            }
            if n == BLOCK || (next.is_none() && n > 0) {
                let fence = block[0] >> 1;
                // Above 56 bits an offset could straddle nine bytes: such a
                // block (a span of 2,284 years) takes whole words instead.
                let width = match bits::width_of((block[n - 1] >> 1).wrapping_sub(fence) as u64) {
                    57.. => 64,
                    width => width,
                };
                let bytes = (n * width as usize).div_ceil(8);
                // A chunk's length counts its padding: a block starts on it.
                if chunk.len() + bytes > CHUNK_BYTES {
                    packed.push(std::mem::replace(&mut chunk, Vec::with_capacity(CHUNK_BYTES)));
                }
                let start = chunk.len().saturating_sub(PADDING);
                chunk.resize(start + bytes + PADDING, 0);
                let mut open_mask = 0;
                for (k, entry) in block[..n].iter().enumerate() {
                    bits::write(&mut chunk[start..], k * width as usize, width, ((entry >> 1).wrapping_sub(fence)) as u64);
                    open_mask |= ((entry & 1) as u64) << k;
                }
                let start = packed.len() << CHUNK_SHIFT | start;
                heads.push(BlockHead { fence, open_mask, start: start as u32, opens_before: opens, width: width as u8 });
                (opens, n) = (opens.wrapping_add(open_mask.count_ones()), 0);
            }
            if next.is_none() {
                break;
            }
        }
        drop(entries);
        chunk.shrink_to_fit();
        packed.push(chunk);
        let (directory, shift) = directory.finish(len);
        *self = Column { len, heads, directory, shift, packed, added: Vec::new(), removed: Vec::new() };
    }

    /// The packed part, as sorted entries.
    fn decode(&self) -> Vec<i64> {
        (0..self.len).map(|i| self.entry(i)).collect()
    }

    /// Packed entry `i`: its time, and its open bit from the block's mask.
    #[inline]
    fn entry(&self, i: usize) -> i64 {
        self.time_at(i) * 2 + ((self.heads[i / BLOCK].open_mask >> (i % BLOCK)) & 1) as i64
    }

    /// The creation time of packed entry `i`.
    #[inline]
    fn time_at(&self, i: usize) -> i64 {
        self.block(i / BLOCK).time(i % BLOCK)
    }

    /// Block `b`'s offsets, read in place.
    #[inline]
    fn block(&self, b: usize) -> PackedBlock<'_> {
        let head = self.heads[b];
        let width = u32::from(head.width);
        let (chunk, start) = in_chunk(head.start as usize);
        PackedBlock { fence: head.fence, bytes: &self.packed[chunk][start..], width, mask: bits::mask(width) }
    }

    /// How many packed entries were created before `time`, given its
    /// bracket.
    ///
    /// The directory narrows the search to the entries between
    /// `first + (k << shift)` and the next step, where `time` falls: all
    /// entries before were created before `time`, none after.
    #[inline]
    fn rank_within(&self, time: i64, (from, to): (usize, usize)) -> usize {
        if from == to {
            return from;
        }
        // A step's entries mostly lie in one block: its head is then read
        // once, not at each probe.
        let (block, first) = (from / BLOCK, from / BLOCK * BLOCK);
        if (to - 1) / BLOCK == block {
            let packed = self.block(block);
            return first + lower_bound(from - first, to - first, |i| packed.time(i) < time);
        }
        lower_bound(from, to, |i| self.time_at(i) < time)
    }

    /// The packed entries between which `time`'s rank lies: all entries
    /// created in `time`'s step of the directory (all before were created
    /// before `time`, none after).
    #[inline]
    fn bracket(&self, time: i64) -> (usize, usize) {
        match self.heads.first().map(|head| head.fence) {
            Some(first) if time >= first => {
                let k = ((time as u64).wrapping_sub(first as u64) >> self.shift) as usize;
                match (self.directory.get(k), self.directory.get(k + 1)) {
                    (Some(&from), Some(&to)) => (from as usize, to as usize),
                    // Only a column of over 2^32 entries has none.
                    _ if self.directory.is_empty() => (0, self.len),
                    _ => (self.len, self.len),
                }
            }
            _ => (0, 0),
        }
    }

    /// Open rooms among the first `position` packed entries.
    #[inline]
    fn opens_up_to(&self, position: usize) -> u64 {
        let (block, within) = (position / BLOCK, position % BLOCK);
        match self.heads.get(block) {
            Some(head) => u64::from(head.opens_before) + u64::from((head.open_mask & ((1u64 << within) - 1)).count_ones()),
            // `position` is the column's end and ends a whole block.
            None => self.heads.last().map_or(0, |head| u64::from(head.opens_before) + u64::from(head.open_mask.count_ones())),
        }
    }
}

/// Where an address into `packed` (as a head's `start`) lies: its chunk,
/// and the byte within it.
#[inline]
fn in_chunk(address: usize) -> (usize, usize) {
    (address >> CHUNK_SHIFT, address % CHUNK_BYTES)
}

/// The first of `from..to` for which `before` is false (it must be true,
/// then false, along the range, which must not be empty): a lower bound
/// that halves the range each step, without a branch on the comparison.
#[inline(always)]
fn lower_bound(from: usize, to: usize, before: impl Fn(usize) -> bool) -> usize {
    let (mut at, mut size) = (from, to - from);
    while size > 1 {
        let half = size / 2;
        if before(at + half - 1) {
            at += half;
        }
        size -= half;
    }
    at + usize::from(before(at))
}

/// What a search and a count read of one block, in one place: a query
/// at twenty departments in a process whose heap is large finds little
/// in the caches, and one line per block beats five arrays of one field.
// Packed: 25 bytes a block, as the five arrays took, rather than 32 with
// padding (a column's bytes per room are the product's number).
#[derive(Debug, Clone, Copy)]
#[repr(C, packed)]
struct BlockHead {
    /// The creation time of its first entry.
    fence: i64,
    /// Bit `i` set when its entry `i` is open.
    open_mask: u64,
    /// Where its offsets start in `packed`: the chunk, then the byte.
    start: u32,
    /// Open rooms in the blocks before it.
    opens_before: u32,
    /// Bits per offset.
    width: u8,
}

/// One block of a column, its offsets read where they are packed.
struct PackedBlock<'a> {
    fence: i64,
    /// From the block's first byte to its chunk's end (padding included).
    bytes: &'a [u8],
    width: u32,
    mask: u64,
}

impl PackedBlock<'_> {
    /// Entry `i`'s creation time: its offset is `width` bits at bit
    /// `i × width`, in one load (a width is at most 56 bits, or 64 and
    /// then byte-aligned).
    #[inline]
    fn time(&self, i: usize) -> i64 {
        self.fence.wrapping_add(bits::read_within(self.bytes, i * self.width as usize, self.mask) as i64)
    }
}

/// A column's directory, built as its entries' times go by in order: the
/// smallest step (`1 << shift`) for which there are fewer steps than
/// entries over `ENTRIES_PER_STEP` (one step for a short column). Empty
/// past 2^32 entries, where positions outgrow it (the search is then over
/// all).
struct Directory {
    first: i64,
    shift: u32,
    /// Entry k counts the entries in steps before k (as `rank` finds a
    /// time's step); the last one counts them all.
    counts: Vec<u32>,
    used: bool,
}

impl Directory {
    /// For `len` entries created from `first` to `last`.
    fn new(first: i64, last: i64, len: usize) -> Directory {
        let limit = (len / ENTRIES_PER_STEP).max(1) as u64;
        let span = (last as u64).wrapping_sub(first as u64);
        let mut shift = 0;
        while span >> shift >= limit && shift < 63 {
            shift += 1;
        }
        let used = len > 0 && len <= u32::MAX as usize;
        let counts = Vec::with_capacity(if used { (span >> shift) as usize + 2 } else { 0 });
        Directory { first, shift, counts, used }
    }

    /// Entry `i` was created at `time`.
    fn add(&mut self, i: usize, time: i64) {
        let step = ((time as u64).wrapping_sub(self.first as u64) >> self.shift) as usize;
        while self.used && self.counts.len() <= step {
            self.counts.push(i as u32);
        }
    }

    fn finish(mut self, len: usize) -> (Vec<u32>, u32) {
        if !self.used {
            return (Vec::new(), 0);
        }
        self.counts.push(len as u32);
        (self.counts, self.shift)
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

    fn xorshift(seed: u64) -> impl FnMut() -> u64 {
        let mut x = seed;
        move || crate::test_rng::xorshift(&mut x)
    }

    /// The column against a plain multiset, through random adds, removals,
    /// settles and queries, with creation times spread over a few
    /// milliseconds, over JavaScript's whole time range (blocks of the
    /// widest offsets) and far beyond it (offsets of 60+ bits).
    #[test]
    fn counts_like_a_scan_through_changes() {
        for (scale, size) in
            [3000i64, 17_280_000_000_000_000, 1 << 62].into_iter().flat_map(|s| [0usize, 1, 63, 64, 65, 128, 3000].map(|n| (s, n)))
        {
            let mut column = Column::default();
            let mut model: Vec<i64> = Vec::new();
            let mut next = xorshift(7 + size as u64 + scale as u64);
            let time = |r: u64| (r % scale as u64) as i64 - scale / 2;
            for step in 0..size * 3 + 50 {
                let r = next();
                if r.is_multiple_of(4) && !model.is_empty() {
                    let entry = model.swap_remove((r / 4) as usize % model.len());
                    column.remove(entry);
                } else {
                    // Clustered times too, so that some blocks have one time.
                    let ts = if r.is_multiple_of(5) { time(r % 4) } else { time(r >> 3) };
                    let entry = ts * 2 + i64::from(r.is_multiple_of(3));
                    model.push(entry);
                    column.add(entry);
                }
                if step % 97 == 0 {
                    column.settle();
                }
                if step % 13 == 0 {
                    let start = time(next()).saturating_sub(10);
                    let end = start.saturating_add(time(next()) / 8);
                    let within = |e: &&i64| (**e >> 1) >= start && (**e >> 1) <= end;
                    let open = model.iter().filter(within).filter(|e| **e & 1 == 1).count() as u64;
                    let all = model.iter().filter(within).count() as u64;
                    let expected = if start > end { (0, 0) } else { (open, all - open) };
                    assert_eq!(column.count(start, end), expected, "{scale} {size}: {start}..={end}");
                }
            }
            let mut sorted = model.clone();
            sorted.sort_unstable();
            assert_eq!(column.entries(), sorted);
            assert_eq!(column.extent(), sorted.first().map(|first| (first >> 1, sorted[sorted.len() - 1] >> 1)));
        }
    }

    /// Counting many columns at once (in passes of 32) counts as each
    /// column alone, whatever its shape: empty, pending changes only, one
    /// entry, and times before and past its entries.
    #[test]
    fn counting_many_columns_counts_each() {
        let mut columns: Vec<Column> = (0..70).map(|n| Column::from_sorted((0..n * 37).map(|i| i * 6 + (i & 1)).collect())).collect();
        columns.push(Column::default());
        columns[3].add(5);
        for _ in 0..BLOCK {
            columns[4].add(9);
        }
        columns[5].remove(0);
        for (start, end) in [(i64::MIN, i64::MAX), (-5, 4_000), (10, 3), (i64::MAX - 1, i64::MAX), (0, 0), (600, 601), (2, 2)] {
            for n in [0, 1, 32, columns.len()] {
                let mut each = Vec::new();
                Column::count_each(&mut columns[..n], |column| column, start, end, |k, open, closed| each.push((k, open, closed)));
                let alone: Vec<_> = columns[..n]
                    .iter_mut()
                    .enumerate()
                    .map(|(k, column)| {
                        let (open, closed) = column.count(start, end);
                        (k, open, closed)
                    })
                    .collect();
                assert_eq!(each, alone, "{start}..={end}, {n} columns");
            }
        }
        let mut all = Vec::new();
        Column::count_each(&mut columns, |column| column, -5, 4_000, |_, open, closed| all.push((open, closed)));
        assert_eq!((all[2], all[3], all[4]), ((37, 37), (56, 56), (74 + BLOCK as u64, 74)));
    }

    /// Columns of many chunks, merged again and again: each merge reads
    /// the old chunks as it frees them.
    #[test]
    fn counts_across_chunks_through_merges() {
        let mut next = xorshift(11);
        let mut column = Column::default();
        let mut model: Vec<i64> = Vec::new();
        for round in 0..4 {
            // Times spread over 2^40: a few chunks or more.
            for _ in 0..60_000 {
                let entry = (next() % (1 << 41)) as i64;
                model.push(entry);
                column.add(entry);
            }
            for _ in 0..round * 10_000 {
                let entry = model.swap_remove(next() as usize % model.len());
                column.remove(entry);
            }
            column.settle();
            assert!(column.packed.len() >= 3, "{} chunks", column.packed.len());
            model.sort_unstable();
            for _ in 0..50 {
                let start = (next() % (1 << 40)) as i64;
                let end = start + (next() % (1 << 38)) as i64;
                let within = &model[model.partition_point(|e| e >> 1 < start)..model.partition_point(|e| e >> 1 <= end)];
                let open = within.iter().filter(|e| *e & 1 == 1).count() as u64;
                assert_eq!(column.count(start, end), (open, within.len() as u64 - open), "round {round}: {start}..={end}");
            }
            assert_eq!(column.entries(), model);
        }
    }

    /// The held size is the product's number: a department of 50,000 rooms
    /// created at random over a year (a million rooms in 20 departments)
    /// holds at most 4 bytes a room.
    #[test]
    fn a_room_takes_under_4_bytes() {
        let mut next = xorshift(99);
        let mut column = Column::default();
        for _ in 0..50_000 {
            let r = next();
            column.add(((1_735_689_600_000 + (r >> 8) % 31_536_000_000) as i64) * 2 + i64::from(r.is_multiple_of(10)));
        }
        column.settle();
        let per_room = column.bytes() as f64 / 50_000.0;
        assert!(per_room <= 4.0, "{per_room} B/room");
        // The directory is part of it (queries of such a column use it).
        assert!(column.directory.len() > 50_000 / 16, "{} steps", column.directory.len());
    }
}
