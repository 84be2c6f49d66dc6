//! The sealed part of the id store: most rooms' ids and versions, sorted
//! and bit-packed, about 18 bytes a room where the table takes 48.
//!
//! Each room is one record of `width` bits, records sorted by scrambled
//! key. Keys are scrambled first ([`scramble`], a bijection of the 114-bit
//! key space) so that they spread evenly whatever their shape: ObjectIds
//! begin with their creation second, Meteor ids with a letter. The top
//! `bucket_bits` bits of a scrambled key choose its bucket in `directory`
//! and are not stored (the bucket says them: quotienting); a record keeps
//! the rest of the key, its department slot, its column entry
//! `ts * 2 + open`, and its `_updatedAt` as the difference from `ts`, each
//! field at the fewest bits the sealed rooms need (frame of reference:
//! a year of rooms takes 36 bits of entry, and rooms updated a fixed while
//! after creation take none for `_updatedAt`).
//!
//! A change marks the record dead (slot code 0) and goes to the table.
//! Sealing again (see `RoomIds::tidy`) builds the widths anew.

use super::Held;
use crate::chart::store::bits::{read, read_wide, width_of, write, write_wide, PADDING};

/// Bits of a key as the sealed part reads it (`super::squeeze`).
pub(super) const KEY_BITS: u32 = 114;
#[cfg(test)]
const KEY_MASK: u128 = (1 << KEY_BITS) - 1;

/// Rooms per bucket, about: a lookup searches one bucket.
const BUCKET_ROOMS: usize = 16;

/// A room as the sealed part holds it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Room {
    /// The key, squeezed (`super::squeeze`).
    pub key: u128,
    pub slot: u32,
    /// `ts * 2 + open`.
    pub value: i64,
    /// `_updatedAt − ts`, wrapping (`_updatedAt` may be `i64::MIN`: none).
    pub delta: i64,
}

impl Room {
    /// The room for a squeezed key, if it can be sealed: only rooms some
    /// query can count have an entry to keep.
    pub(super) fn new(key: u128, held: Held) -> Option<Room> {
        let (slot, value) = held.entry?;
        (slot < u32::MAX).then_some(Room { key, slot, value, delta: held.updated_at.wrapping_sub(value >> 1) })
    }

    pub(super) fn held(&self) -> Held {
        Held { updated_at: (self.value >> 1).wrapping_add(self.delta), entry: Some((self.slot, self.value)) }
    }
}

/// Field widths and origins, chosen when sealing.
#[derive(Debug, Default, Clone, Copy)]
struct Layout {
    /// Bits of the widest key: the space [`scramble`] permutes.
    key_bits: u32,
    /// `key_bits − bucket bits`: the key bits a record stores.
    rest_bits: u32,
    /// Slot codes: 0 dead, else slot + 1.
    slot_bits: u32,
    value_bits: u32,
    delta_bits: u32,
    width: u32,
    value_min: i64,
    delta_min: i64,
}

/// A sealed part as a snapshot records it: field widths and origins, and
/// how many records (dead ones included) follow.
///
/// # Example
/// ```
/// use chats_per_department::internals::room_ids::{RoomIds, Shape};
/// let ids = RoomIds::default();
/// let (shape, directory, records) = ids.sealed_image();
/// assert_eq!((shape, directory.len(), records.len()), (Shape::default(), 0, 0));
/// ```
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Shape {
    /// Bits of the key space, then of a record's key, slot code, entry
    /// and `_updatedAt`.
    pub widths: [u8; 5],
    /// The smallest entry `ts * 2 + open`: stored entries are above it.
    pub value_min: i64,
    /// The smallest `_updatedAt − ts`.
    pub delta_min: i64,
    /// Records, dead ones included.
    pub records: u64,
}

impl Shape {
    /// The directory's entries and the records' bytes that follow this
    /// shape in a snapshot, or what is wrong with it.
    /// Nothing here can overflow, whatever the bytes said.
    fn sizes(&self) -> Result<(usize, usize), SealedDamage> {
        let [key_bits, rest_bits, slot_bits, value_bits, delta_bits] = self.widths.map(u32::from);
        if self.records == 0 {
            return Ok((0, 0));
        }
        if !(32..=KEY_BITS).contains(&key_bits) || rest_bits > key_bits || key_bits - rest_bits > 24 {
            return Err(SealedDamage::KeyWidths);
        }
        if slot_bits > 32 || value_bits > 64 || delta_bits > 64 || self.records > u64::from(u32::MAX) {
            return Err(SealedDamage::Widths);
        }
        let width = u64::from(rest_bits + slot_bits + value_bits + delta_bits);
        Ok(((1 << (key_bits - rest_bits)) + 1, (self.records * width).div_ceil(8) as usize))
    }

    fn layout(&self) -> Layout {
        let [key_bits, rest_bits, slot_bits, value_bits, delta_bits] = self.widths.map(u32::from);
        let width = rest_bits + slot_bits + value_bits + delta_bits;
        Layout { key_bits, rest_bits, slot_bits, value_bits, delta_bits, width, value_min: self.value_min, delta_min: self.delta_min }
    }
}

/// What is wrong with a snapshot's sealed rooms.
///
/// # Example
/// ```
/// use chats_per_department::internals::room_ids::SealedDamage;
/// assert_eq!(SealedDamage::Truncated.to_string(), "truncated");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SealedDamage {
    /// Key widths this library does not write.
    KeyWidths,
    /// A field wider than its value, or more records than a store holds.
    Widths,
    /// Fewer bytes than the shape announces.
    Truncated,
    /// The bucket directory is out of order.
    Directory,
    /// Two records out of order, or with the same key.
    Order,
    /// A record whose `_id`, department or time this library does not write.
    Record,
}

impl std::fmt::Display for SealedDamage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            SealedDamage::KeyWidths => "the key widths are not ones this library writes",
            SealedDamage::Widths => "a field is wider than its value or there are too many records",
            SealedDamage::Truncated => "truncated",
            SealedDamage::Directory => "the directory is out of order",
            SealedDamage::Order => "two records are out of order or hold the same key",
            SealedDamage::Record => "a record's _id, department or time is not one this library writes",
        })
    }
}

/// The sealed rooms.
#[derive(Debug, Default)]
pub(super) struct Sealed {
    /// Records, `layout.width` bits each, little-endian bit order; then
    /// `PADDING` zeros.
    bits: Vec<u8>,
    /// Records, dead ones included.
    len: usize,
    dead: usize,
    /// `directory[b]`: the first record of bucket `b`; one more at the end.
    directory: Vec<u32>,
    layout: Layout,
}

impl Sealed {
    /// Seals `rooms` (in any order; scrambled and sorted here, so they are
    /// left changed) with the live records of `old`, which goes.
    ///
    /// When `old`'s key width holds every key, its records are already in
    /// order: only `rooms` are sorted, and both are written in one ordered
    /// merge that reads `old` front to back, so a room already sealed is
    /// never laid out at 48 bytes to be sorted again, and sealing often
    /// (see `RoomIds::tidy`) stays cheap. A wider key scrambles every key
    /// anew: then `old`'s rooms join `rooms`, and all are sorted.
    pub(super) fn build(old: Sealed, mut rooms: Vec<Room>) -> Sealed {
        let key_max = rooms.iter().map(|room| room.key).max().unwrap_or(0);
        // Meteor ids take 107 bits, ObjectIds 114 (with the tag).
        let mut key_bits = (u128::BITS - key_max.leading_zeros()).max(32);
        if old.live() > 0 {
            if key_bits > old.layout.key_bits {
                rooms.extend(old.rooms());
                return Sealed::build(Sealed::default(), rooms);
            }
            key_bits = old.layout.key_bits;
        }
        // The fields' ranges over both the new rooms and the live sealed ones.
        let (mut slot_max, mut value_min, mut value_max, mut delta_min, mut delta_max) = (0, i64::MAX, i64::MIN, i64::MAX, i64::MIN);
        let old_rooms = (0..old.len).filter(|&i| old.slot_code(i) != 0).map(|i| old.fields(i, 0));
        for room in rooms.iter().copied().chain(old_rooms) {
            slot_max = slot_max.max(room.slot);
            (value_min, value_max) = (value_min.min(room.value), value_max.max(room.value));
            (delta_min, delta_max) = (delta_min.min(room.delta), delta_max.max(room.delta));
        }
        let len = rooms.len() + old.live();
        if len == 0 {
            return Sealed::default();
        }
        let rest_bits = key_bits - width_of((len / BUCKET_ROOMS) as u64);
        let slot_bits = width_of(u64::from(slot_max) + 1);
        // `max − min` as u64 is exact: the difference of two i64 is below 2^64.
        let value_bits = width_of(value_max.wrapping_sub(value_min) as u64);
        let delta_bits = width_of(delta_max.wrapping_sub(delta_min) as u64);
        let width = rest_bits + slot_bits + value_bits + delta_bits;
        let layout = Layout { key_bits, rest_bits, slot_bits, value_bits, delta_bits, width, value_min, delta_min };
        for room in rooms.iter_mut() {
            room.key = scramble(room.key, key_bits);
        }
        let (mut order, starts) = by_bucket(&rooms, rest_bits, key_bits - rest_bits);
        let directory = vec![0; starts.len()];
        let mut sealed = Sealed { bits: vec![0; (len * width as usize).div_ceil(8) + PADDING], len: 0, dead: 0, directory, layout };
        let mut before = old.live_in_order().peekable();
        // Each bucket sorted, then written at once, while its rooms are in
        // cache: one miss per room in all (10M rooms are 480 MB).
        let key = |i: u32| rooms[i as usize].key;
        for b in 0..starts.len() - 1 {
            let bucket = &mut order[starts[b] as usize..starts[b + 1] as usize];
            if bucket.len() <= 32 {
                insertion_sort(bucket, key);
            } else {
                heapsort(bucket, key);
            }
            for &i in bucket.iter() {
                while let Some(room) = before.next_if(|room| room.key < key(i)) {
                    sealed.push(room);
                }
                sealed.push(rooms[i as usize]);
            }
        }
        before.for_each(|room| sealed.push(room));
        // A bucket nothing was written to starts where the one before ends.
        for b in 1..sealed.directory.len() {
            sealed.directory[b] = sealed.directory[b].max(sealed.directory[b - 1]);
        }
        sealed
    }

    /// Writes `room` (its key scrambled) after the last record, which it
    /// follows in key order, and ends its bucket there.
    fn push(&mut self, room: Room) {
        let Layout { rest_bits, width, .. } = self.layout;
        let at = self.len * width as usize;
        write_wide(&mut self.bits, at, rest_bits, room.key);
        self.write_fields(at, room);
        self.len += 1;
        self.directory[(room.key >> rest_bits) as usize + 1] = self.len as u32;
    }

    /// The live records in key order, keys scrambled as held.
    fn live_in_order(&self) -> impl Iterator<Item = Room> + '_ {
        let Layout { rest_bits, width, .. } = self.layout;
        let mut bucket = 0;
        (0..self.len).filter_map(move |i| {
            while self.directory[bucket + 1] as usize <= i {
                bucket += 1;
            }
            let key = (bucket as u128) << rest_bits | read_wide(&self.bits, i * width as usize, rest_bits);
            (self.slot_code(i) != 0).then(|| self.fields(i, key))
        })
    }

    /// The sealed part as a snapshot holds it: its shape, directory and
    /// records (without the padding).
    pub(super) fn image(&self) -> (Shape, &[u32], &[u8]) {
        let Layout { key_bits, rest_bits, slot_bits, value_bits, delta_bits, width, value_min, delta_min } = self.layout;
        let widths = [key_bits, rest_bits, slot_bits, value_bits, delta_bits].map(|w| w as u8);
        let shape = Shape { widths, value_min, delta_min, records: self.len as u64 };
        (shape, &self.directory, &self.bits[..(self.len * width as usize).div_ceil(8)])
    }

    /// The sealed part a snapshot holds at the start of `bytes` (its
    /// directory, `u32` little-endian, then its records), checked
    /// through: the directory in order, each bucket's keys strictly
    /// ascending (so a key is there once, where [`Sealed::find`] looks),
    /// and every live record accepted by `live`. Returns it and the bytes
    /// it took.
    pub(super) fn open(shape: Shape, bytes: &[u8], mut live: impl FnMut(Room) -> bool) -> Result<(Sealed, usize), SealedDamage> {
        let (entries, length) = shape.sizes()?;
        let Some((directory, records)) =
            bytes.split_at_checked(entries.saturating_mul(4)).and_then(|(d, rest)| Some((d, rest.get(..length)?)))
        else {
            return Err(SealedDamage::Truncated);
        };
        let len = shape.records as usize;
        if len == 0 {
            return Ok((Sealed::default(), 0));
        }
        let directory: Vec<u32> = directory.chunks_exact(4).map(|d| u32::from_le_bytes(d.try_into().unwrap_or_default())).collect();
        if directory[0] != 0 || directory[entries - 1] != len as u32 || directory.windows(2).any(|w| w[0] > w[1]) {
            return Err(SealedDamage::Directory);
        }
        let mut bits = Vec::with_capacity(length + PADDING);
        bits.extend_from_slice(records);
        bits.resize(length + PADDING, 0);
        let mut sealed = Sealed { bits, len, dead: 0, directory, layout: shape.layout() };
        // In calls of about 1,024 records (see `snapshot::read_body`).
        for from in (0..entries - 1).step_by(64) {
            sealed.check_buckets(from, (from + 64).min(entries - 1), &mut live)?;
        }
        Ok((sealed, entries * 4 + length))
    }

    #[inline(never)]
    fn check_buckets(&mut self, from: usize, to: usize, live: &mut impl FnMut(Room) -> bool) -> Result<(), SealedDamage> {
        let Layout { key_bits, rest_bits, width, .. } = self.layout;
        for bucket in from..to {
            let mut previous = None;
            for i in self.directory[bucket] as usize..self.directory[bucket + 1] as usize {
                let rest = read_wide(&self.bits, i * width as usize, rest_bits);
                if Some(rest) <= previous {
                    return Err(SealedDamage::Order);
                }
                previous = Some(rest);
                if self.slot_code(i) == 0 {
                    self.dead += 1;
                } else if !live(self.fields(i, unscramble((bucket as u128) << rest_bits | rest, key_bits))) {
                    return Err(SealedDamage::Record);
                }
            }
        }
        Ok(())
    }

    /// Records held, dead ones included.
    pub(super) fn len(&self) -> usize {
        self.len
    }

    pub(super) fn dead(&self) -> usize {
        self.dead
    }

    pub(super) fn live(&self) -> usize {
        self.len - self.dead
    }

    pub(super) fn bytes(&self) -> usize {
        self.bits.capacity() + self.directory.capacity() * std::mem::size_of::<u32>()
    }

    /// The live record of a squeezed key.
    pub(super) fn find(&self, key: u128) -> Option<usize> {
        let Layout { key_bits, rest_bits, width, .. } = self.layout;
        if self.live() == 0 || key >> key_bits != 0 {
            return None;
        }
        let key = scramble(key, key_bits);
        let bucket = (key >> rest_bits) as usize;
        let rest = key & ((1 << rest_bits) - 1);
        let (mut low, mut high) = (*self.directory.get(bucket)? as usize, *self.directory.get(bucket + 1)? as usize);
        while low < high {
            let middle = (low + high) / 2;
            let stored = read_wide(&self.bits, middle * width as usize, rest_bits);
            match stored.cmp(&rest) {
                std::cmp::Ordering::Less => low = middle + 1,
                std::cmp::Ordering::Greater => high = middle,
                std::cmp::Ordering::Equal => return (self.slot_code(middle) != 0).then_some(middle),
            }
        }
        None
    }

    /// The version held in live record `i` (its key is not read).
    pub(super) fn held(&self, i: usize) -> Held {
        self.fields(i, 0).held()
    }

    /// Marks live record `i` dead.
    pub(super) fn kill(&mut self, i: usize) {
        let at = i * self.layout.width as usize + self.layout.rest_bits as usize;
        write(&mut self.bits, at, self.layout.slot_bits, 0);
        self.dead += 1;
    }

    /// The live rooms, in key order. (The same walk as
    /// `live_in_order`, written out: mapping that one through `unscramble`
    /// took 1 KB more of the gzipped module.)
    pub(super) fn rooms(&self) -> impl Iterator<Item = Room> + '_ {
        let mut bucket = 0;
        (0..self.len).filter_map(move |i| {
            while self.directory[bucket + 1] as usize <= i {
                bucket += 1;
            }
            (self.slot_code(i) != 0).then(|| self.room(i, bucket))
        })
    }

    /// Kills every live record whose key `keep` refuses; their versions go
    /// to `forgotten`.
    pub(super) fn retain(&mut self, keep: impl Fn(u128, Held) -> bool, forgotten: &mut Vec<Held>) {
        let mut bucket = 0;
        for i in 0..self.len {
            while self.directory[bucket + 1] as usize <= i {
                bucket += 1;
            }
            if self.slot_code(i) != 0 {
                let room = self.room(i, bucket);
                if !keep(room.key, room.held()) {
                    forgotten.push(room.held());
                    self.kill(i);
                }
            }
        }
    }

    fn slot_code(&self, i: usize) -> u64 {
        read(&self.bits, i * self.layout.width as usize + self.layout.rest_bits as usize, self.layout.slot_bits)
    }

    /// Record `i` (in `bucket`) as a room; a dead one has slot `u32::MAX`.
    fn room(&self, i: usize, bucket: usize) -> Room {
        let Layout { key_bits, rest_bits, width, .. } = self.layout;
        let key = unscramble(((bucket as u128) << rest_bits) | read_wide(&self.bits, i * width as usize, rest_bits), key_bits);
        self.fields(i, key)
    }

    /// Record `i`'s slot, value and delta, with `key` for its key.
    // Not inlined, as the codec's `read_wide` and `write` are not: copies
    // in each caller cost more module size than the calls cost time.
    #[inline(never)]
    fn fields(&self, i: usize, key: u128) -> Room {
        let Layout { rest_bits, slot_bits, value_bits, delta_bits, value_min, delta_min, width, .. } = self.layout;
        let mut at = i * width as usize + rest_bits as usize;
        let slot = (read(&self.bits, at, slot_bits) as u32).wrapping_sub(1);
        at += slot_bits as usize;
        let value = value_min.wrapping_add(read(&self.bits, at, value_bits) as i64);
        at += value_bits as usize;
        let delta = delta_min.wrapping_add(read(&self.bits, at, delta_bits) as i64);
        Room { key, slot, value, delta }
    }

    /// Writes a room's slot, value and delta in the record at bit `at`
    /// (which they fit).
    fn write_fields(&mut self, at: usize, room: Room) {
        let Layout { rest_bits, slot_bits, value_bits, delta_bits, value_min, delta_min, .. } = self.layout;
        let mut at = at + rest_bits as usize;
        write(&mut self.bits, at, slot_bits, u64::from(room.slot) + 1);
        at += slot_bits as usize;
        write(&mut self.bits, at, value_bits, room.value.wrapping_sub(value_min) as u64);
        at += value_bits as usize;
        write(&mut self.bits, at, delta_bits, room.delta.wrapping_sub(delta_min) as u64);
    }
}

/// The rooms' positions by bucket (the keys' bits above `rest_bits`),
/// and where each bucket starts, with one more entry: the end. A counting
/// sort: each position written straight to its bucket's next place
/// (positions, not rooms: moving the 48-byte rooms took three times as
/// long). Each bucket of about `BUCKET_ROOMS` is then sorted by insertion,
/// or by heapsort when it is large, which stays `n log n` even for ids made
/// to share a bucket.
fn by_bucket(rooms: &[Room], rest_bits: u32, bucket_bits: u32) -> (Vec<u32>, Vec<u32>) {
    let bucket = |room: &Room| (room.key >> rest_bits) as usize;
    let buckets = 1 << bucket_bits;
    let mut starts = vec![0u32; buckets + 1];
    for room in rooms {
        starts[bucket(room) + 1] += 1;
    }
    for b in 0..buckets {
        starts[b + 1] += starts[b];
    }
    let mut next = starts[..buckets].to_vec();
    let mut order = vec![0u32; rooms.len()];
    for (i, room) in rooms.iter().enumerate() {
        let place = &mut next[bucket(room)];
        order[*place as usize] = i as u32;
        *place += 1;
    }
    (order, starts)
}

/// Quick for a bucket's usual handful of rooms.
fn insertion_sort(order: &mut [u32], key: impl Fn(u32) -> u128) {
    for i in 1..order.len() {
        let mut j = i;
        while j > 0 && key(order[j - 1]) > key(order[j]) {
            order.swap(j - 1, j);
            j -= 1;
        }
    }
}

fn heapsort(order: &mut [u32], key: impl Fn(u32) -> u128 + Copy) {
    let n = order.len();
    for root in (0..n / 2).rev() {
        sift_down(order, root, n, key);
    }
    for end in (1..n).rev() {
        order.swap(0, end);
        sift_down(order, 0, end, key);
    }
}

fn sift_down(order: &mut [u32], mut root: usize, end: usize, key: impl Fn(u32) -> u128) {
    loop {
        let mut child = 2 * root + 1;
        if child >= end {
            return;
        }
        if child + 1 < end && key(order[child]) < key(order[child + 1]) {
            child += 1;
        }
        if key(order[root]) >= key(order[child]) {
            return;
        }
        order.swap(root, child);
        root = child;
    }
}

/// A bijection of `0..2^bits` (`bits` ≥ 32) whose top 24 bits (the ones
/// that choose a bucket) are spread evenly: they are xored with a hash of
/// the others, which it leaves as they are, so the same step undoes it.
/// Why: an ObjectId's top bits are its creation second (a few values for a
/// day of rooms) and its middle ones its server process (one value).
fn scramble(x: u128, bits: u32) -> u128 {
    let kept = bits - 24;
    x ^ u128::from(super::mix(x & ((1 << kept) - 1)) >> 40) << kept
}

fn unscramble(x: u128, bits: u32) -> u128 {
    scramble(x, bits)
}

#[cfg(test)]
mod tests {
    use super::super::xorshift;
    use super::*;

    #[test]
    fn scrambling_is_undone_and_spreads_sequential_keys() {
        let mut x = 7;
        for _ in 0..10_000 {
            let key = (u128::from(xorshift(&mut x)) << 64 | u128::from(xorshift(&mut x))) & KEY_MASK;
            assert_eq!(unscramble(scramble(key, KEY_BITS), KEY_BITS), key);
            assert!(scramble(key, KEY_BITS) <= KEY_MASK);
        }
        // ObjectId-like keys, one second apart and counting: 256 buckets
        // each get about their share.
        let mut buckets = [0u32; 256];
        for n in 0..65_536u128 {
            let key = (1 << 113) | (0x6500_0000 + n / 64) << 64 | 0xabcdef << 24 | n;
            buckets[(scramble(key, KEY_BITS) >> (KEY_BITS - 8)) as usize] += 1;
        }
        assert!(buckets.iter().all(|&b| (180..=340).contains(&b)), "{buckets:?}");
    }

    /// Sealing again merges the sealed rooms with new ones: every field of
    /// both comes back, whether the new rooms' fields are narrower (the
    /// widths must still hold the sealed ones) or their keys wider (then
    /// everything is sorted anew).
    #[test]
    fn sealing_again_keeps_every_room() {
        let mut x = 5;
        let mut rooms = |count: usize, key_mask: u128, spread: u64, slots: u64| -> Vec<Room> {
            (0..count)
                .map(|_| Room {
                    key: (u128::from(xorshift(&mut x)) << 64 | u128::from(xorshift(&mut x))) & key_mask,
                    slot: (xorshift(&mut x) % slots) as u32,
                    value: (xorshift(&mut x) % spread) as i64 - (spread / 2) as i64,
                    delta: (xorshift(&mut x) % spread) as i64,
                })
                // A room without `_updatedAt` (see `Room::new`), now and then.
                .map(|room| match room.key % 7 {
                    0 => Room { delta: i64::MIN.wrapping_sub(room.value >> 1), ..room },
                    _ => room,
                })
                .collect()
        };
        let wide = rooms(700, KEY_MASK, 1 << 41, 40);
        let narrow = rooms(300, KEY_MASK, 1_000, 1);
        let short_keys = rooms(200, (1 << 40) - 1, 1 << 20, 3);
        for (first, second) in [(&wide, &narrow), (&narrow, &wide), (&short_keys, &wide)] {
            let mut sealed = Sealed::build(Sealed::default(), first.clone());
            // Some sealed rooms die on the way.
            for room in first.iter().step_by(5) {
                let i = sealed.find(room.key).unwrap();
                sealed.kill(i);
            }
            let sealed = Sealed::build(sealed, second.clone());
            let mut expected: Vec<Room> =
                first.iter().enumerate().filter(|(n, _)| n % 5 != 0).map(|(_, r)| *r).chain(second.iter().copied()).collect();
            let key_bits = sealed.layout.key_bits;
            expected.sort_unstable_by_key(|r| scramble(r.key, key_bits));
            assert_eq!(sealed.rooms().collect::<Vec<_>>(), expected);
            assert_eq!((sealed.len(), sealed.dead()), (expected.len(), 0));
        }
    }

    #[test]
    fn sealed_rooms_are_found_changed_and_killed() {
        let mut x = 11;
        for count in [0usize, 1, 15, 16, 17, 300, 5_000] {
            let mut rooms: Vec<Room> = (0..count)
                .map(|_| Room {
                    key: (u128::from(xorshift(&mut x)) << 64 | u128::from(xorshift(&mut x))) & KEY_MASK,
                    slot: (xorshift(&mut x) % 40) as u32,
                    value: (xorshift(&mut x) % 1_000_000) as i64 - 3,
                    delta: 700_000,
                })
                .collect();
            let sealed = Sealed::build(Sealed::default(), rooms.clone());
            let key_bits = sealed.layout.key_bits;
            rooms.sort_unstable_by_key(|r| scramble(r.key, key_bits));
            assert_eq!(sealed.rooms().collect::<Vec<_>>(), rooms);
            let mut sealed = sealed;
            for room in &rooms {
                let i = sealed.find(room.key).unwrap();
                assert_eq!(sealed.held(i), room.held());
                let other = room.key ^ 1;
                let held = rooms.binary_search_by_key(&other, |r| r.key).is_ok();
                assert_eq!(sealed.find(other).is_some(), held);
            }
            for (n, room) in rooms.iter().enumerate() {
                let i = sealed.find(room.key).unwrap();
                if n % 3 == 0 {
                    sealed.kill(i);
                    assert_eq!(sealed.find(room.key), None);
                }
            }
            assert_eq!(sealed.live(), count - count.div_ceil(3));
            assert_eq!(sealed.dead(), count.div_ceil(3));
        }
    }
}
