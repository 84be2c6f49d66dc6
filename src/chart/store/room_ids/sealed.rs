//! The sealed part of the id store: most rooms' ids and versions, sorted
//! and bit-packed, about 16 bytes a room where the table takes 48.
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
//! Sealing again (see `RoomIds::tidy`) merges the recent rooms in: while
//! the layout holds them, the sealed records are copied in runs, bit for
//! bit; otherwise they are first rewritten in a new layout.
//!
//! Records are held in chunks of `CHUNK_RECORDS`, not one buffer: a merge
//! frees the old part's chunks as it reads past them, so the old part and
//! the new one are never both held whole, and wasm memory (which never
//! shrinks) does not keep a second copy of the store after each seal.

use super::Held;
use crate::chart::store::bits::{copy, mask, read, read_wide, width_of, write, write_wide, PADDING};

/// Bits of a key as the sealed part reads it (`super::squeeze`).
pub(super) const KEY_BITS: u32 = 114;
#[cfg(test)]
const KEY_MASK: u128 = (1 << KEY_BITS) - 1;

/// Rooms per bucket, about: a lookup searches one bucket.
const BUCKET_ROOMS: usize = 16;

/// Records per chunk of a sealed part's storage. A power of two, so a
/// record's chunk is a shift away; a multiple of 8, so a full chunk is a
/// whole number of bytes and the chunks laid end to end are the records'
/// bit stream, which is what a snapshot holds.
const CHUNK_RECORDS: usize = 1 << 12;

/// A room as the sealed part holds it. The key is kept as two `u64`
/// halves, not a `u128` (whose alignment would pad a room to 48 bytes), so
/// a room is the size of a table record and sealing turns the table's
/// records into rooms in their own memory (`Table::drain`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Room {
    /// The key, squeezed (`super::squeeze`): high half, low half.
    halves: [u64; 2],
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
        (slot < u32::MAX).then_some(Room::of(key, slot, value, held.updated_at.wrapping_sub(value >> 1)))
    }

    pub(super) const fn of(key: u128, slot: u32, value: i64, delta: i64) -> Room {
        Room { halves: [(key >> 64) as u64, key as u64], slot, value, delta }
    }

    pub(super) const fn key(&self) -> u128 {
        (self.halves[0] as u128) << 64 | self.halves[1] as u128
    }

    fn set_key(&mut self, key: u128) {
        self.halves = [(key >> 64) as u64, key as u64];
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

impl Layout {
    /// The narrowest layout for `rooms` (keys not yet scrambled) and the
    /// live records of `old`, with `bucket_bits` of each key said by its
    /// bucket.
    fn of(key_bits: u32, bucket_bits: u32, rooms: &[Room], old: &Sealed) -> Layout {
        let (mut slot_max, mut value_min, mut value_max, mut delta_min, mut delta_max) = (0, i64::MAX, i64::MIN, i64::MAX, i64::MIN);
        let old_rooms = (0..old.len).filter(|&i| old.slot_code(i) != 0).map(|i| old.fields(i, 0));
        for room in rooms.iter().copied().chain(old_rooms) {
            slot_max = slot_max.max(room.slot);
            (value_min, value_max) = (value_min.min(room.value), value_max.max(room.value));
            (delta_min, delta_max) = (delta_min.min(room.delta), delta_max.max(room.delta));
        }
        let rest_bits = key_bits - bucket_bits;
        let slot_bits = width_of(u64::from(slot_max) + 1);
        // `max − min` as u64 is exact: the difference of two i64 is below 2^64.
        let value_bits = width_of(value_max.wrapping_sub(value_min) as u64);
        let delta_bits = width_of(delta_max.wrapping_sub(delta_min) as u64);
        let width = rest_bits + slot_bits + value_bits + delta_bits;
        Layout { key_bits, rest_bits, slot_bits, value_bits, delta_bits, width, value_min, delta_min }
    }

    /// `true` when `room`'s slot, value and delta fit this layout.
    fn holds(&self, room: &Room) -> bool {
        u64::from(room.slot) < mask(self.slot_bits)
            && room.value.wrapping_sub(self.value_min) as u64 <= mask(self.value_bits)
            && room.delta.wrapping_sub(self.delta_min) as u64 <= mask(self.delta_bits)
    }
}

/// A sealed part as a snapshot records it: field widths and origins, and
/// how many records (dead ones included) follow.
///
/// # Example
/// ```
/// use chats_per_department::internals::room_ids::{RoomIds, Shape};
/// let ids = RoomIds::default();
/// let (shape, directory, records) = ids.sealed_image();
/// assert_eq!((shape, directory.len(), records.count()), (Shape::default(), 0, 0));
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
    /// Records, `layout.width` bits each, little-endian bit order, in
    /// chunks of `CHUNK_RECORDS`, each followed by `PADDING` zeros. Chunks
    /// rather than one buffer so that sealing frees the old part's chunks
    /// as it reads past them (`copy_run`, `relayout`): the old part and the
    /// new one are never both held whole.
    chunks: Vec<Vec<u8>>,
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
    /// merge that reads `old` front to back, freeing its chunks as it
    /// goes, so a room already sealed is never sorted again and the old
    /// part and the new one are never both held whole. When moreover every
    /// new room fits `old`'s layout and its buckets are still about the
    /// right size, the layout is kept and the sealed records are copied
    /// bit for bit: no pass to find the fields' ranges, no decoding, which
    /// makes sealing often (see `RoomIds::tidy`) cheap. A wider key
    /// scrambles every key anew: then `old`'s rooms join `rooms`, and all
    /// are sorted.
    pub(super) fn build(mut old: Sealed, rooms: &mut Vec<Room>) -> Sealed {
        let key_max = rooms.iter().map(Room::key).max().unwrap_or(0);
        // Meteor ids take 107 bits, ObjectIds 114 (with the tag).
        let mut key_bits = (u128::BITS - key_max.leading_zeros()).max(32);
        if old.live() > 0 {
            if key_bits > old.layout.key_bits {
                rooms.extend(old.rooms());
                return Sealed::build(Sealed::default(), rooms);
            }
            key_bits = old.layout.key_bits;
        }
        let len = rooms.len() + old.live();
        if len == 0 {
            return Sealed::default();
        }
        let bucket_bits = width_of((len / BUCKET_ROOMS) as u64);
        // Buckets of a quarter to four times `BUCKET_ROOMS` rooms keep it.
        let old_bucket_bits = key_bits - old.layout.rest_bits;
        let kept = old.live() > 0
            && old.dead == 0
            && (old_bucket_bits.saturating_sub(1)..=old_bucket_bits + 1).contains(&bucket_bits)
            && rooms.iter().all(|room| old.layout.holds(room));
        if !kept {
            let layout = Layout::of(key_bits, bucket_bits, rooms, &old);
            old = old.relayout(layout);
        }
        let rest_bits = old.layout.rest_bits;
        for room in rooms.iter_mut() {
            room.set_key(scramble(room.key(), key_bits));
        }
        // The new rooms in order: by their keys' top bits (about one room
        // to a group), then each group sorted.
        let (mut order, starts) = by_bucket(rooms, key_bits - width_of(rooms.len() as u64), width_of(rooms.len() as u64));
        let key = |i: u32| rooms[i as usize].key();
        for group in starts.windows(2) {
            let group = &mut order[group[0] as usize..group[1] as usize];
            if group.len() <= 32 {
                insertion_sort(group, key);
            } else {
                heapsort(group, key);
            }
        }
        let mut sealed =
            Sealed { chunks: Vec::with_capacity(len.div_ceil(CHUNK_RECORDS)), len: 0, dead: 0, directory: Vec::new(), layout: old.layout };
        // The sealed records go over in runs, copied bit for bit between
        // the places the new rooms go: a pass at the speed of memory.
        // `old`'s directory becomes the new one as the buckets go by: each
        // bucket starts after the records before it, old and new.
        let (mut cursor, mut counted) = (0, 0);
        for (n, &i) in order.iter().enumerate() {
            let bucket = (key(i) >> rest_bits) as usize;
            // The bucket's first record, read before its entry is moved on
            // (a later room of the bucket goes after this one anyway).
            let low = if counted < bucket { old.directory[bucket] as usize } else { cursor };
            while counted < bucket {
                counted += 1;
                old.directory[counted] += n as u32;
            }
            let to = old.rank(key(i) & mask_wide(rest_bits), low.max(cursor), old.directory[bucket + 1] as usize);
            sealed.copy_run(&mut old, cursor, to, len);
            cursor = to;
            sealed.push(rooms[i as usize], len);
        }
        let end = old.len;
        sealed.copy_run(&mut old, cursor, end, len);
        sealed.directory = std::mem::take(&mut old.directory);
        sealed.directory[counted + 1..].iter_mut().for_each(|start| *start += order.len() as u32);
        sealed
    }

    /// This part's live records in `layout`, which must hold them, each
    /// chunk freed once read past (see `chunks`).
    #[inline(never)]
    fn relayout(mut self, layout: Layout) -> Sealed {
        let total = self.live();
        let directory = vec![0; (1 << (layout.key_bits - layout.rest_bits)) + 1];
        let mut part = Sealed { chunks: Vec::with_capacity(total.div_ceil(CHUNK_RECORDS)), len: 0, dead: 0, directory, layout };
        let (mut cursor, mut bucket) = (0, 0);
        while let Some((key, j)) = self.next_live(&mut cursor, &mut bucket) {
            // The chunks before this record's are read: they go.
            if let Some(read) = (j / CHUNK_RECORDS).checked_sub(1) {
                self.chunks[read] = Vec::new();
            }
            part.push(self.fields(j, key), total);
            // The record ends its bucket so far.
            part.directory[(key >> layout.rest_bits) as usize + 1] = part.len as u32;
        }
        // A bucket nothing was written to starts where the one before ends.
        for b in 1..part.directory.len() {
            part.directory[b] = part.directory[b].max(part.directory[b - 1]);
        }
        part
    }

    /// Copies records `from..to` of `old` (of this layout, none dead) after
    /// the last record, bit for bit, freeing `old`'s chunks it has read
    /// past.
    #[inline(never)]
    fn copy_run(&mut self, old: &mut Sealed, mut from: usize, to: usize, total: usize) {
        while from < to {
            self.grow(total);
            // Up to the end of the run, of `old`'s chunk, or of this one.
            let n = (to - from).min(CHUNK_RECORDS - from % CHUNK_RECORDS).min(CHUNK_RECORDS - self.len % CHUNK_RECORDS);
            let ((source, a), (_, b)) = (old.at(from, 0), self.at(self.len, 0));
            copy(source, a, &mut self.chunks[self.len / CHUNK_RECORDS], b, n * self.layout.width as usize);
            (from, self.len) = (from + n, self.len + n);
            if from.is_multiple_of(CHUNK_RECORDS) {
                old.chunks[from / CHUNK_RECORDS - 1] = Vec::new();
            }
        }
    }

    /// The position of the first record in `low..high` (all of one
    /// bucket) whose key's stored bits are not below `rest`: where the key
    /// is, or where it goes.
    fn rank(&self, rest: u128, mut low: usize, mut high: usize) -> usize {
        let rest_bits = self.layout.rest_bits;
        while low < high {
            let middle = (low + high) / 2;
            let (chunk, at) = self.at(middle, 0);
            if read_wide(chunk, at, rest_bits) < rest {
                low = middle + 1;
            } else {
                high = middle;
            }
        }
        low
    }

    /// Makes room for one more record: a new chunk when the last is full;
    /// `total`, the records the part will hold, keeps the last chunk no
    /// larger than they need.
    fn grow(&mut self, total: usize) {
        if self.len.is_multiple_of(CHUNK_RECORDS) {
            let records = (total - self.len).min(CHUNK_RECORDS);
            self.chunks.push(vec![0; (records * self.layout.width as usize).div_ceil(8) + PADDING]);
        }
    }

    /// Writes `room` (its key scrambled) after the last record, which it
    /// follows in key order (the directory is the caller's).
    #[inline(never)]
    fn push(&mut self, room: Room, total: usize) {
        self.grow(total);
        let (_, at) = self.at(self.len, 0);
        write_wide(&mut self.chunks[self.len / CHUNK_RECORDS], at, self.layout.rest_bits, room.key());
        self.write_fields(self.len, room);
        self.len += 1;
    }

    /// The chunk holding record `i`, and the bit where the record's field
    /// at `offset` starts in it.
    #[inline]
    fn at(&self, i: usize, offset: u32) -> (&[u8], usize) {
        (&self.chunks[i / CHUNK_RECORDS], (i % CHUNK_RECORDS) * self.layout.width as usize + offset as usize)
    }

    /// The next live record from `cursor` on (in `bucket` or later, as
    /// `cursor` and `bucket` leave off): its scrambled key and number.
    /// Every walk through the records in order is this one.
    #[inline(never)]
    fn next_live(&self, cursor: &mut usize, bucket: &mut usize) -> Option<(u128, usize)> {
        while *cursor < self.len {
            let i = *cursor;
            *cursor += 1;
            while self.directory[*bucket + 1] as usize <= i {
                *bucket += 1;
            }
            if self.slot_code(i) != 0 {
                let (chunk, at) = self.at(i, 0);
                return Some(((*bucket as u128) << self.layout.rest_bits | read_wide(chunk, at, self.layout.rest_bits), i));
            }
        }
        None
    }

    /// The sealed part as a snapshot holds it: its shape, directory and
    /// records (the chunks without their padding, which laid end to end
    /// are the records' bit stream).
    pub(super) fn image(&self) -> (Shape, &[u32], impl Iterator<Item = &[u8]> + '_) {
        let Layout { key_bits, rest_bits, slot_bits, value_bits, delta_bits, value_min, delta_min, .. } = self.layout;
        let widths = [key_bits, rest_bits, slot_bits, value_bits, delta_bits].map(|w| w as u8);
        let shape = Shape { widths, value_min, delta_min, records: self.len as u64 };
        (shape, &self.directory, self.chunks.iter().map(|chunk| &chunk[..chunk.len() - PADDING]))
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
        let layout = shape.layout();
        let chunk_bytes = CHUNK_RECORDS / 8 * layout.width as usize;
        let mut chunks = Vec::with_capacity(len.div_ceil(CHUNK_RECORDS));
        for bytes in records.chunks(chunk_bytes) {
            chunks.push([bytes, &[0; PADDING]].concat());
        }
        let mut sealed = Sealed { chunks, len, dead: 0, directory, layout };
        // In calls of about 1,024 records (see `snapshot::read_body`).
        for from in (0..entries - 1).step_by(64) {
            sealed.check_buckets(from, (from + 64).min(entries - 1), &mut live)?;
        }
        Ok((sealed, entries * 4 + length))
    }

    #[inline(never)]
    fn check_buckets(&mut self, from: usize, to: usize, live: &mut impl FnMut(Room) -> bool) -> Result<(), SealedDamage> {
        let Layout { key_bits, rest_bits, .. } = self.layout;
        for bucket in from..to {
            let mut previous = None;
            for i in self.directory[bucket] as usize..self.directory[bucket + 1] as usize {
                let (chunk, at) = self.at(i, 0);
                let rest = read_wide(chunk, at, rest_bits);
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
        // Every chunk but the last is full, so as large as the first.
        let chunks = self.chunks.first().map_or(0, |first| (self.chunks.len() - 1) * first.capacity());
        chunks + self.chunks.last().map_or(0, Vec::capacity) + self.directory.capacity() * std::mem::size_of::<u32>()
    }

    /// The live record of a squeezed key.
    pub(super) fn find(&self, key: u128) -> Option<usize> {
        let Layout { key_bits, rest_bits, .. } = self.layout;
        if self.live() == 0 || key >> key_bits != 0 {
            return None;
        }
        let key = scramble(key, key_bits);
        let bucket = (key >> rest_bits) as usize;
        let rest = key & mask_wide(rest_bits);
        let high = *self.directory.get(bucket + 1)? as usize;
        let i = self.rank(rest, *self.directory.get(bucket)? as usize, high);
        let (chunk, at) = (i < high).then(|| self.at(i, 0))?;
        (read_wide(chunk, at, rest_bits) == rest && self.slot_code(i) != 0).then_some(i)
    }

    /// The version held in live record `i` (its key is not read).
    pub(super) fn held(&self, i: usize) -> Held {
        self.fields(i, 0).held()
    }

    /// Marks live record `i` dead.
    pub(super) fn kill(&mut self, i: usize) {
        let (_, at) = self.at(i, self.layout.rest_bits);
        write(&mut self.chunks[i / CHUNK_RECORDS], at, self.layout.slot_bits, 0);
        self.dead += 1;
    }

    /// The live rooms, in key order.
    pub(super) fn rooms(&self) -> impl Iterator<Item = Room> + '_ {
        let (mut cursor, mut bucket) = (0, 0);
        std::iter::from_fn(move || {
            let (key, i) = self.next_live(&mut cursor, &mut bucket)?;
            Some(self.fields(i, unscramble(key, self.layout.key_bits)))
        })
    }

    /// Kills every live record whose key `keep` refuses; their versions go
    /// to `forgotten`.
    pub(super) fn retain(&mut self, keep: impl Fn(u128, Held) -> bool, forgotten: &mut Vec<Held>) {
        let (mut cursor, mut bucket) = (0, 0);
        while let Some((key, i)) = self.next_live(&mut cursor, &mut bucket) {
            let room = self.fields(i, unscramble(key, self.layout.key_bits));
            if !keep(room.key(), room.held()) {
                forgotten.push(room.held());
                self.kill(i);
            }
        }
    }

    fn slot_code(&self, i: usize) -> u64 {
        let (chunk, at) = self.at(i, self.layout.rest_bits);
        read(chunk, at, self.layout.slot_bits)
    }

    /// Record `i`'s slot, value and delta, with `key` for its key.
    // Not inlined, as the codec's `read_wide` and `write` are not: copies
    // in each caller cost more module size than the calls cost time.
    #[inline(never)]
    fn fields(&self, i: usize, key: u128) -> Room {
        let Layout { rest_bits, slot_bits, value_bits, delta_bits, value_min, delta_min, .. } = self.layout;
        let (chunk, mut at) = self.at(i, rest_bits);
        let slot = (read(chunk, at, slot_bits) as u32).wrapping_sub(1);
        at += slot_bits as usize;
        let value = value_min.wrapping_add(read(chunk, at, value_bits) as i64);
        at += value_bits as usize;
        let delta = delta_min.wrapping_add(read(chunk, at, delta_bits) as i64);
        Room::of(key, slot, value, delta)
    }

    /// Writes a room's slot, value and delta in record `i` (which they fit).
    fn write_fields(&mut self, i: usize, room: Room) {
        let Layout { rest_bits, slot_bits, value_bits, delta_bits, value_min, delta_min, .. } = self.layout;
        let (_, mut at) = self.at(i, rest_bits);
        let chunk = &mut self.chunks[i / CHUNK_RECORDS];
        write(chunk, at, slot_bits, u64::from(room.slot) + 1);
        at += slot_bits as usize;
        write(chunk, at, value_bits, room.value.wrapping_sub(value_min) as u64);
        at += value_bits as usize;
        write(chunk, at, delta_bits, room.delta.wrapping_sub(delta_min) as u64);
    }
}

/// The rooms' positions by bucket (the keys' bits above `rest_bits`),
/// and where each bucket starts, with one more entry: the end. A counting
/// sort: each position written straight to its bucket's next place
/// (positions, not rooms: moving whole rooms took three times as long).
/// The caller then sorts each bucket, of about one room: by insertion, or
/// by heapsort when it is large, which stays `n log n` even for ids made to
/// share a bucket.
fn by_bucket(rooms: &[Room], rest_bits: u32, bucket_bits: u32) -> (Vec<u32>, Vec<u32>) {
    let bucket = |room: &Room| (room.key() >> rest_bits) as usize;
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

/// The mask of the low `bits` bits of a key (below 128).
fn mask_wide(bits: u32) -> u128 {
    (1 << bits) - 1
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
    use super::*;
    use crate::test_rng::xorshift;

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
                .map(|_| {
                    Room::of(
                        (u128::from(xorshift(&mut x)) << 64 | u128::from(xorshift(&mut x))) & key_mask,
                        (xorshift(&mut x) % slots) as u32,
                        (xorshift(&mut x) % spread) as i64 - (spread / 2) as i64,
                        (xorshift(&mut x) % spread) as i64,
                    )
                })
                // A room without `_updatedAt` (see `Room::new`), now and then.
                .map(|room| match room.key() % 7 {
                    0 => Room { delta: i64::MIN.wrapping_sub(room.value >> 1), ..room },
                    _ => room,
                })
                .collect()
        };
        let many = rooms(2 * CHUNK_RECORDS + 100, KEY_MASK, 1 << 36, 20);
        let wide = rooms(700, KEY_MASK, 1 << 41, 40);
        let narrow = rooms(300, KEY_MASK, 1_000, 1);
        let short_keys = rooms(200, (1 << 40) - 1, 1 << 20, 3);
        for (first, second) in [(&wide, &narrow), (&narrow, &wide), (&short_keys, &wide), (&many, &wide), (&wide, &many)] {
            let mut sealed = Sealed::build(Sealed::default(), &mut first.clone());
            // Some sealed rooms die on the way.
            for room in first.iter().step_by(5) {
                let i = sealed.find(room.key()).unwrap();
                sealed.kill(i);
            }
            let sealed = Sealed::build(sealed, &mut second.clone());
            let mut expected: Vec<Room> =
                first.iter().enumerate().filter(|(n, _)| n % 5 != 0).map(|(_, r)| *r).chain(second.iter().copied()).collect();
            let key_bits = sealed.layout.key_bits;
            expected.sort_unstable_by_key(|r| scramble(r.key(), key_bits));
            assert_eq!(sealed.rooms().collect::<Vec<_>>(), expected);
            assert_eq!((sealed.len(), sealed.dead()), (expected.len(), 0));
        }
    }

    /// A part of several chunks, written as a snapshot writes it (the
    /// chunks end to end) and opened again, holds the same records.
    #[test]
    fn an_image_of_many_chunks_opens_as_the_same_part() {
        let mut x = 3;
        let rooms: Vec<Room> = (0..3 * CHUNK_RECORDS + 77)
            .map(|n| {
                let key = (u128::from(xorshift(&mut x)) << 64 | u128::from(xorshift(&mut x))) & KEY_MASK;
                Room::of(key, (n % 7) as u32, (xorshift(&mut x) % (1 << 33)) as i64, (n % 1000) as i64)
            })
            .collect();
        let mut sealed = Sealed::build(Sealed::default(), &mut rooms.clone());
        sealed.kill(CHUNK_RECORDS + 3);
        let (shape, directory, chunks) = sealed.image();
        let mut bytes: Vec<u8> = directory.iter().flat_map(|d| d.to_le_bytes()).collect();
        let records: Vec<u8> = chunks.flatten().copied().collect();
        assert_eq!(records.len(), (sealed.len() * sealed.layout.width as usize).div_ceil(8));
        bytes.extend(records);
        let (back, taken) = Sealed::open(shape, &bytes, |_| true).unwrap();
        assert_eq!(taken, bytes.len());
        assert_eq!((back.len(), back.dead()), (sealed.len(), 1));
        assert!(back.rooms().eq(sealed.rooms()));
    }

    #[test]
    fn sealed_rooms_are_found_changed_and_killed() {
        let mut x = 11;
        for count in [0usize, 1, 15, 16, 17, 300, 5_000, 3 * CHUNK_RECORDS + 5] {
            let mut rooms: Vec<Room> = (0..count)
                .map(|_| {
                    let key = (u128::from(xorshift(&mut x)) << 64 | u128::from(xorshift(&mut x))) & KEY_MASK;
                    Room::of(key, (xorshift(&mut x) % 40) as u32, (xorshift(&mut x) % 1_000_000) as i64 - 3, 700_000)
                })
                .collect();
            let sealed = Sealed::build(Sealed::default(), &mut rooms.clone());
            let key_bits = sealed.layout.key_bits;
            rooms.sort_unstable_by_key(|r| scramble(r.key(), key_bits));
            assert_eq!(sealed.rooms().collect::<Vec<_>>(), rooms);
            let mut sealed = sealed;
            for room in &rooms {
                let i = sealed.find(room.key()).unwrap();
                assert_eq!(sealed.held(i), room.held());
                let other = room.key() ^ 1;
                let held = rooms.binary_search_by_key(&other, |r| r.key()).is_ok();
                assert_eq!(sealed.find(other).is_some(), held);
            }
            for (n, room) in rooms.iter().enumerate() {
                let i = sealed.find(room.key()).unwrap();
                if n % 3 == 0 {
                    sealed.kill(i);
                    assert_eq!(sealed.find(room.key()), None);
                }
            }
            assert_eq!(sealed.live(), count - count.div_ceil(3));
            assert_eq!(sealed.dead(), count.div_ceil(3));
        }
    }
}
