//! The recent part of the id store: an open-addressing table of fixed
//! 40-byte records, quick to change. It holds the rooms added since the
//! store was last sealed, and the rooms the sealed part cannot hold (text
//! ids, rooms never counted).

use super::{mix, Held, Key, TAG_SHIFT, TAG_TEXT};

/// One held room. The key is stored as two `u64` halves rather than a
/// `u128`, whose 16-byte alignment would pad the record from 40 to 48 bytes.
#[derive(Debug, Clone, Copy)]
struct Record {
    key: [u64; 2],
    updated_at: i64,
    entry_value: i64,
    /// `u32::MAX`: not countable.
    entry_slot: u32,
}

impl Record {
    fn key(&self) -> Key {
        (u128::from(self.key[0]) << 64) | u128::from(self.key[1])
    }
}

const fn halves(key: Key) -> [u64; 2] {
    [(key >> 64) as u64, key as u64]
}

const NO_SLOT: u32 = u32::MAX;
const EMPTY: u32 = u32::MAX;

/// Ids in a hash table: records kept dense, a `u32` slot array over them.
#[derive(Debug, Default)]
pub(super) struct Table {
    records: Vec<Record>,
    /// Open addressing, linear probing: record numbers, `EMPTY` for free.
    slots: Vec<u32>,
    /// Ids of no packable shape; `None` where one was removed.
    texts: Vec<Option<Box<str>>>,
    free_texts: Vec<u32>,
}

impl Table {
    pub(super) fn len(&self) -> usize {
        self.records.len()
    }

    pub(super) fn held(&self, number: u32) -> Held {
        held(&self.records[number as usize])
    }

    /// `(slot position, record number)` of a packed key, or (with `text`)
    /// of a text id.
    pub(super) fn find_key(&self, key: Key, text: Option<&str>) -> Option<(usize, u32)> {
        if self.slots.is_empty() {
            return None;
        }
        let key = text.is_none().then_some(key);
        let id = text.unwrap_or("");
        let mut at = self.home(key.map_or_else(|| hash_text(id), mix));
        loop {
            let number = self.slots[at];
            if number == EMPTY {
                return None;
            }
            let record = &self.records[number as usize];
            let same = match key {
                Some(key) => record.key() == key,
                None => record.key() >> TAG_SHIFT == TAG_TEXT && self.texts[record.key() as u32 as usize].as_deref() == Some(id),
            };
            if same {
                return Some((at, number));
            }
            at = (at + 1) & (self.slots.len() - 1);
        }
    }

    /// Puts `held` in record `number`; returns what it held.
    pub(super) fn overwrite(&mut self, number: u32, held: Held) -> Held {
        let record = &mut self.records[number as usize];
        let old = self::held(record);
        record.updated_at = held.updated_at;
        (record.entry_slot, record.entry_value) = held.entry.map_or((NO_SLOT, 0), |(s, v)| (s, v));
        old
    }

    /// Adds a record for a packed key (with its text for `TAG_TEXT`), not held.
    pub(super) fn append_key(&mut self, key: Key, text: Option<&str>, held: Held) {
        let (entry_slot, entry_value) = held.entry.map_or((NO_SLOT, 0), |(s, v)| (s, v));
        if (self.records.len() + 1) * 4 > self.slots.len() * 3 {
            self.rehash((self.slots.len() * 2).max(16));
        }
        let key = match text {
            None => key,
            Some(id) => {
                let text = Some(Box::from(id));
                let at = match self.free_texts.pop() {
                    Some(at) => {
                        self.texts[at as usize] = text;
                        at
                    }
                    None => {
                        self.texts.push(text);
                        (self.texts.len() - 1) as u32
                    }
                };
                (TAG_TEXT << TAG_SHIFT) | u128::from(at)
            }
        };
        // Grow by a quarter, not by doubling: wasm memory never shrinks.
        if self.records.len() == self.records.capacity() {
            self.records.reserve_exact((self.records.len() / 4).max(16));
        }
        let number = self.records.len() as u32;
        self.records.push(Record { key: halves(key), updated_at: held.updated_at, entry_value, entry_slot });
        let mut at = self.home(self.hash_key(key));
        while self.slots[at] != EMPTY {
            at = (at + 1) & (self.slots.len() - 1);
        }
        self.slots[at] = number;
    }

    /// Removes record `number`, found at slot position `at`.
    pub(super) fn forget(&mut self, at: usize, number: u32) -> Held {
        let removed = self.records[number as usize];
        self.vacate(at);
        if removed.key() >> TAG_SHIFT == TAG_TEXT {
            let text = removed.key() as u32;
            self.texts[text as usize] = None;
            self.free_texts.push(text);
        }
        // Keep records dense: the last one takes the removed one's place.
        let last = (self.records.len() - 1) as u32;
        if number != last {
            let moved = self.records[last as usize];
            let moved_at = self.slot_of_record(moved.key(), last);
            self.slots[moved_at] = number;
        }
        self.records.swap_remove(number as usize);
        held(&removed)
    }

    /// Forgets every id `keep` refuses (given its packed key, its text for
    /// a text id, and the version held); returns the versions forgotten.
    pub(super) fn retain(&mut self, keep: impl Fn(Key, Option<&str>, Held) -> bool, forgotten: &mut Vec<Held>) {
        // From the last record down: forgetting one moves the last record
        // into its place, and that one has been looked at already.
        for number in (0..self.records.len() as u32).rev() {
            let record = &self.records[number as usize];
            let (key, version) = (record.key(), held(record));
            let kept = match self.text_of(key) {
                Some(text) => keep(TAG_TEXT << TAG_SHIFT, Some(text), version),
                None => keep(key, None, version),
            };
            if !kept {
                let at = self.slot_of_record(key, number);
                forgotten.push(self.forget(at, number));
            }
        }
    }

    /// The text of a `TAG_TEXT` key (`None` for packed keys).
    fn text_of(&self, key: Key) -> Option<&str> {
        (key >> TAG_SHIFT == TAG_TEXT).then(|| self.texts[key as u32 as usize].as_deref().unwrap_or(""))
    }

    /// Bytes held (capacities).
    pub(super) fn bytes(&self) -> usize {
        use std::mem::size_of;
        self.records.capacity() * size_of::<Record>()
            + self.slots.capacity() * size_of::<u32>()
            + self.texts.capacity() * size_of::<Option<Box<str>>>()
            + self.texts.iter().flatten().map(|t| t.len()).sum::<usize>()
            + self.free_texts.capacity() * size_of::<u32>()
    }

    /// Makes room for `additional` ids in an empty table at once: exact
    /// capacity and no table rebuilt on the way.
    pub(super) fn reserve(&mut self, additional: usize) {
        if !self.records.is_empty() {
            return;
        }
        self.records.reserve_exact(additional);
        let size = slots_for(additional).max(self.slots.len());
        if size > self.slots.len() {
            self.rehash(size);
        }
    }

    /// Every record, as `(key, text, version)`:
    /// for a text id the bare text tag, and the text beside it.
    pub(super) fn for_each(&self, mut f: impl FnMut(Key, Option<&str>, Held)) {
        // In the records' order, not the slots': in sequence through memory
        // (10M rooms: a miss per room through a 480 MB table otherwise).
        for record in &self.records {
            match self.text_of(record.key()) {
                Some(text) => f(TAG_TEXT << TAG_SHIFT, Some(text), held(record)),
                None => f(record.key(), None, held(record)),
            }
        }
    }

    /// Empties the table: each record that `seal` maps to a value leaves
    /// as that value, in the records' own memory when the value is a
    /// record's size (Rust collects a mapped `vec::IntoIter` in place), so
    /// sealing stages nothing beside the table; the others (`None`) stay.
    /// The slots stay, emptied: see [`Table::recycle`].
    pub(super) fn drain<T>(&mut self, mut seal: impl FnMut(Key, Option<&str>, Held) -> Option<T>) -> Vec<T> {
        let (records, texts) = (std::mem::take(&mut self.records), std::mem::take(&mut self.texts));
        self.free_texts.clear();
        self.slots.fill(EMPTY);
        records
            .into_iter()
            .filter_map(|record| {
                let text = (record.key() >> TAG_SHIFT == TAG_TEXT).then(|| texts[record.key() as u32 as usize].as_deref().unwrap_or(""));
                let (key, held) = (if text.is_some() { TAG_TEXT << TAG_SHIFT } else { record.key() }, held(&record));
                let sealed = seal(key, text, held);
                if sealed.is_none() {
                    self.append_key(key, text, held);
                }
                sealed
            })
            .collect()
    }

    /// Takes back the memory [`Table::drain`] gave out (`spent`, emptied
    /// by then): the next rooms of a load fill the same records without
    /// growing a new table step by step, which in a wasm memory that never
    /// shrinks leaves a hole at each step. [`Table::shrink`] gives it up
    /// when the load is done.
    pub(super) fn recycle<T>(&mut self, mut spent: Vec<T>) {
        spent.clear();
        // Collected in place: the allocation is `spent`'s (a `T` is a
        // record's size).
        let mut records: Vec<Record> = spent.into_iter().filter_map(|_| None).collect();
        if records.capacity() > self.records.capacity() {
            // The records kept are numbered from 0 in both.
            records.extend_from_slice(&self.records);
            self.records = records;
        }
    }

    /// Gives up the capacity beyond the records held (for a store at rest).
    pub(super) fn shrink(&mut self) {
        self.records.shrink_to_fit();
        if slots_for(self.records.len()) < self.slots.len() {
            self.rehash(slots_for(self.records.len()));
        }
    }

    /// Every held version (in no particular order).
    pub(super) fn values(&self) -> impl Iterator<Item = Held> + '_ {
        self.records.iter().map(held)
    }

    fn home(&self, hash: u64) -> usize {
        (hash as usize) & (self.slots.len() - 1)
    }

    /// The slot position holding record `number` (whose key is `key`).
    fn slot_of_record(&self, key: Key, number: u32) -> usize {
        let mut at = self.home(self.hash_key(key));
        while self.slots[at] != number {
            at = (at + 1) & (self.slots.len() - 1);
        }
        at
    }

    fn hash_key(&self, key: Key) -> u64 {
        match key >> TAG_SHIFT {
            TAG_TEXT => hash_text(self.texts[key as u32 as usize].as_deref().unwrap_or("")),
            _ => mix(key),
        }
    }

    /// Empties slot `at`, shifting later members of its run back (linear
    /// probing's deletion, which needs no tombstones).
    fn vacate(&mut self, mut at: usize) {
        let mask = self.slots.len() - 1;
        self.slots[at] = EMPTY;
        let mut next = (at + 1) & mask;
        while self.slots[next] != EMPTY {
            let number = self.slots[next];
            let home = self.home(self.hash_key(self.records[number as usize].key()));
            // Move it back if its home is not within (at, next].
            let distance_home = next.wrapping_sub(home) & mask;
            let distance_at = next.wrapping_sub(at) & mask;
            if distance_home >= distance_at {
                self.slots[at] = number;
                self.slots[next] = EMPTY;
                at = next;
            }
            next = (next + 1) & mask;
        }
    }

    /// A slot table of `size` (a power of two) holding every record.
    fn rehash(&mut self, size: usize) {
        self.slots = vec![EMPTY; size];
        for number in 0..self.records.len() {
            let mut at = self.home(self.hash_key(self.records[number].key()));
            while self.slots[at] != EMPTY {
                at = (at + 1) & (size - 1);
            }
            self.slots[at] = number as u32;
        }
    }
}

/// The slot table's size for `count` records: a power of two, at least 16,
/// at most three quarters full.
fn slots_for(count: usize) -> usize {
    let mut size = 16;
    while count * 4 > size * 3 {
        size *= 2;
    }
    size
}

fn held(record: &Record) -> Held {
    let entry = (record.entry_slot != NO_SLOT).then_some((record.entry_slot, record.entry_value));
    Held { updated_at: record.updated_at, entry }
}

/// FNV-1a with a final mix (linear probing wants the low bits spread).
fn hash_text(text: &str) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in text.as_bytes() {
        hash = (hash ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
    }
    hash ^= hash >> 29;
    hash = hash.wrapping_mul(0xbf58_476d_1ce4_e5b9);
    hash ^ (hash >> 32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_record_is_40_bytes() {
        // Memory per room held is the product's number: keep the padding out.
        assert_eq!(std::mem::size_of::<Record>(), 40);
    }
}
