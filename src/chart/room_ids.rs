//! Room identities: which rooms a [`ChatIndex`](crate::chart::index::ChatIndex)
//! holds, by `_id`, with the version held and where it is counted.
//!
//! Why not a `HashMap<String, _>`: at a million rooms it costs about 90
//! bytes per room. Rocket.Chat's ids have two shapes, Meteor's 17
//! characters (`Random.id()`, alphanumerics) and MongoDB ObjectIds (24 hex
//! digits); both pack losslessly into a `u128`, so the table holds fixed
//! 32-byte records and a `u32` open-addressing slot array. Any other id is
//! kept as text beside the records. Two different ids never share a key:
//! packing is injective, and text ids are compared as text, so exactness
//! never rests on a hash.

/// A packed `_id`: bits 126–127 say how the rest is to be read.
type Key = u128;

const TAG_SHIFT: u32 = 126;
/// Up to 18 characters of `[0-9A-Za-z_-]`, 6 bits each, length in bits 0–4.
const TAG_WORD: u128 = 0;
/// Exactly 24 lowercase hex digits, 4 bits each.
const TAG_HEX: u128 = 1;
/// Any other text: bits 0–31 index `texts`.
const TAG_TEXT: u128 = 2;

/// What [`RoomIds::offer`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Offer {
    /// The id was not held; now it is.
    Added,
    /// The version held was replaced; here it is.
    Replaced(Held),
    /// The version held is newer: nothing changed.
    Stale,
}

/// A held room: its packed id, its `_updatedAt` (`i64::MIN`: none) and,
/// if some query can count it, its department slot and column entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Held {
    /// `_updatedAt` in ms, `i64::MIN` when the room had none.
    pub updated_at: i64,
    /// `(slot, ts * 2 + open)` of the column entry, if countable.
    pub entry: Option<(u32, i64)>,
}

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

/// The identified rooms of an index.
///
/// # Example
/// ```
/// use chats_per_department::chart::room_ids::{Held, RoomIds};
/// let mut ids = RoomIds::default();
/// let held = Held { updated_at: 5, entry: Some((0, 42)) };
/// assert_eq!(ids.insert("6Hq2vQmXyZ3kLp9Ab", held), None);
/// assert_eq!(ids.get("6Hq2vQmXyZ3kLp9Ab"), Some(held));
/// assert_eq!(ids.remove("6Hq2vQmXyZ3kLp9Ab"), Some(held));
/// assert_eq!(ids.len(), 0);
/// ```
#[derive(Debug, Default)]
pub struct RoomIds {
    records: Vec<Record>,
    /// Open addressing, linear probing: record numbers, `EMPTY` for free.
    slots: Vec<u32>,
    /// Ids of no packable shape; `None` where one was removed.
    texts: Vec<Option<Box<str>>>,
    free_texts: Vec<u32>,
}

impl RoomIds {
    /// How many rooms are held.
    pub fn len(&self) -> usize {
        self.records.len()
    }

    /// `true` when no room is held.
    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    /// The version held for `id`.
    pub fn get(&self, id: &str) -> Option<Held> {
        self.find(id).map(|(_, record)| held(&self.records[record as usize]))
    }

    /// Holds `held` for `id`; returns the version it replaced.
    pub fn insert(&mut self, id: &str, held: Held) -> Option<Held> {
        match self.find(id) {
            Some((_, number)) => Some(self.overwrite(number, held)),
            None => {
                self.append(id, held);
                None
            }
        }
    }

    /// Holds `held` for `id` unless the version held is newer (the index's
    /// rule: newer or equal replaces, older is ignored), with one lookup.
    ///
    /// # Example
    /// ```
    /// use chats_per_department::chart::room_ids::{Held, Offer, RoomIds};
    /// let mut ids = RoomIds::default();
    /// let v = |updated_at| Held { updated_at, entry: None };
    /// assert_eq!(ids.offer("a", v(2)), Offer::Added);
    /// assert_eq!(ids.offer("a", v(1)), Offer::Stale);
    /// assert_eq!(ids.offer("a", v(2)), Offer::Replaced(v(2)));
    /// ```
    pub fn offer(&mut self, id: &str, held: Held) -> Offer {
        match pack(id) {
            Some(key) => self.offer_key(key, None, held),
            None => self.offer_key(TAG_TEXT << TAG_SHIFT, Some(id), held),
        }
    }

    /// [`RoomIds::offer`] for a packed key (with its text for a text id),
    /// as [`RoomIds::for_each_in_table`] gives them.
    pub(crate) fn offer_key(&mut self, key: Key, text: Option<&str>, held: Held) -> Offer {
        match self.find_key(key, text) {
            Some((_, number)) if held.updated_at < self.records[number as usize].updated_at => Offer::Stale,
            Some((_, number)) => Offer::Replaced(self.overwrite(number, held)),
            None => {
                self.append_key(key, text, held);
                Offer::Added
            }
        }
    }

    /// Puts `held` in record `number`; returns what it held.
    fn overwrite(&mut self, number: u32, held: Held) -> Held {
        let record = &mut self.records[number as usize];
        let old = self::held(record);
        record.updated_at = held.updated_at;
        (record.entry_slot, record.entry_value) = held.entry.map_or((NO_SLOT, 0), |(s, v)| (s, v));
        old
    }

    /// Adds a record for `id`, which is not held.
    fn append(&mut self, id: &str, held: Held) {
        match pack(id) {
            Some(key) => self.append_key(key, None, held),
            None => self.append_key(TAG_TEXT << TAG_SHIFT, Some(id), held),
        }
    }

    /// Adds a record for a packed key (with its text for `TAG_TEXT`), not held.
    fn append_key(&mut self, key: Key, text: Option<&str>, held: Held) {
        let (entry_slot, entry_value) = held.entry.map_or((NO_SLOT, 0), |(s, v)| (s, v));
        if (self.records.len() + 1) * 4 > self.slots.len() * 3 {
            self.grow();
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
        // Grow by a quarter, not by doubling: records are the bulk of the
        // memory with ids, and wasm memory never shrinks.
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

    /// Forgets `id`; returns the version that was held.
    pub fn remove(&mut self, id: &str) -> Option<Held> {
        let (at, number) = self.find(id)?;
        Some(self.forget(at, number))
    }

    /// Removes record `number`, found at slot position `at`.
    fn forget(&mut self, at: usize, number: u32) -> Held {
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

    /// Forgets every id that `keep` does not hold; returns the versions
    /// forgotten. For reconciling with a server's list of the ids it still
    /// has: whatever is held but no longer listed was deleted there.
    ///
    /// # Example
    /// ```
    /// use chats_per_department::chart::room_ids::{Held, RoomIds};
    /// let v = Held { updated_at: 1, entry: None };
    /// let (mut held, mut listed) = (RoomIds::default(), RoomIds::default());
    /// for id in ["a", "b", "odd id"] { held.insert(id, v); }
    /// for id in ["b", "odd id", "c"] { listed.insert(id, v); }
    /// assert_eq!(held.retain(&listed).len(), 1); // "a"
    /// assert_eq!((held.len(), held.get("a")), (2, None));
    /// ```
    pub fn retain(&mut self, keep: &RoomIds) -> Vec<Held> {
        let mut forgotten = Vec::new();
        // From the last record down: forgetting one moves the last record
        // into its place, and that one has been looked at already.
        for number in (0..self.records.len() as u32).rev() {
            let key = self.records[number as usize].key();
            if keep.find_key(key, self.text_of(key)).is_none() {
                let at = self.slot_of_record(key, number);
                forgotten.push(self.forget(at, number));
            }
        }
        forgotten
    }

    /// The text of a `TAG_TEXT` key (`None` for packed keys).
    fn text_of(&self, key: Key) -> Option<&str> {
        (key >> TAG_SHIFT == TAG_TEXT).then(|| self.texts[key as u32 as usize].as_deref().unwrap_or(""))
    }

    /// Bytes held (capacities).
    pub fn bytes(&self) -> usize {
        use std::mem::size_of;
        self.records.capacity() * size_of::<Record>()
            + self.slots.capacity() * size_of::<u32>()
            + self.texts.capacity() * size_of::<Option<Box<str>>>()
            + self.texts.iter().flatten().map(|t| t.len()).sum::<usize>()
            + self.free_texts.capacity() * size_of::<u32>()
    }

    /// Makes room for `additional` ids in an empty table at once (a first
    /// page, a snapshot): exact capacity and no table rebuilt on the way.
    /// Does nothing once ids are held: later pages are mostly replacements,
    /// and growth is then gradual (see `append`).
    pub fn reserve(&mut self, additional: usize) {
        if !self.records.is_empty() {
            return;
        }
        self.records.reserve_exact(additional);
        let mut size = self.slots.len().max(16);
        while additional * 4 > size * 3 {
            size *= 2;
        }
        if size > self.slots.len() {
            self.rehash(size);
        }
    }

    /// Every held version (in no particular order).
    pub fn values(&self) -> impl Iterator<Item = Held> + '_ {
        self.records.iter().map(held)
    }

    fn home(&self, hash: u64) -> usize {
        (hash as usize) & (self.slots.len() - 1)
    }

    /// `(slot position, record number)` of `id`.
    fn find(&self, id: &str) -> Option<(usize, u32)> {
        match pack(id) {
            Some(key) => self.find_key(key, None),
            None => self.find_key(TAG_TEXT << TAG_SHIFT, Some(id)),
        }
    }

    /// `find` for a packed key, or (with `text`) for a text id.
    fn find_key(&self, key: Key, text: Option<&str>) -> Option<(usize, u32)> {
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

    fn grow(&mut self) {
        self.rehash((self.slots.len() * 2).max(16));
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

/// What snapshots need: the table's own order and size, and adding
/// packed keys read back without unpacking them.
impl RoomIds {
    /// `true` when a packed key, as [`RoomIds::for_each_in_table`] gives
    /// it, stands for a text id (whose text comes beside it).
    pub(crate) fn is_text_key(key: u128) -> bool {
        key >> TAG_SHIFT == TAG_TEXT
    }

    /// The slot table's size (a power of two, or 0).
    pub(crate) fn table_size(&self) -> usize {
        self.slots.len()
    }

    /// Every record in slot-table order, as `(key, text, version)`: the key
    /// packed (for a text id, the bare text tag, and the text beside it).
    /// Added again in this order to a table of the same size, they fill it
    /// front to back, so loading touches memory in sequence.
    pub(crate) fn for_each_in_table(&self, mut f: impl FnMut(u128, Option<&str>, Held)) {
        for &number in self.slots.iter().filter(|&&n| n != EMPTY) {
            let record = &self.records[number as usize];
            match self.text_of(record.key()) {
                Some(text) => f(TAG_TEXT << TAG_SHIFT, Some(text), held(record)),
                None => f(record.key(), None, held(record)),
            }
        }
    }

    /// An empty table for `count` ids, of `size` slots as the snapshot's
    /// table had (then its order fills the table front to back), or `None`
    /// when no table could have had that size (not a power of two, or too
    /// small for `count`). A table left much larger than its ids by
    /// deletions is not rebuilt that large: the ids go in a table of the
    /// usual size, in a less friendly order.
    pub(crate) fn with_table(count: usize, size: usize) -> Option<RoomIds> {
        let mut ids = RoomIds::default();
        if size == 0 && count == 0 {
            return Some(ids); // never held an id
        }
        // `size` comes from the bytes: no arithmetic on it may overflow.
        if !size.is_power_of_two() || size < 16 || count > size / 4 * 3 {
            return None;
        }
        if size <= count.saturating_mul(64).max(1 << 16) {
            ids.records = Vec::with_capacity(count);
            ids.slots = vec![EMPTY; size];
        } else {
            ids.reserve(count);
        }
        Some(ids)
    }

    /// Adds `key` (with `text` when its tag is text) as read from a
    /// snapshot: `false` when the key is not one [`pack`] makes (so two
    /// spellings of one id cannot both get in) or is held already.
    pub(crate) fn add_packed(&mut self, key: u128, text: Option<&str>, held: Held) -> bool {
        let canonical = match (key >> TAG_SHIFT, text) {
            // Length ≤ 18, and no digit bits above the length.
            (TAG_WORD, None) => (key & 31) <= 18 && (key >> 5) >> (6 * (key & 31) as u32) == 0,
            (TAG_HEX, None) => (key & ((1u128 << TAG_SHIFT) - 1)) >> 96 == 0,
            (TAG_TEXT, Some(text)) => key == TAG_TEXT << TAG_SHIFT && pack(text).is_none(),
            _ => false,
        };
        if !canonical || self.find_key(key, text).is_some() {
            return false;
        }
        self.append_key(key, text, held);
        true
    }
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

/// A packed key's hash: the two halves folded and mixed (SplitMix64's finaliser).
fn mix(key: Key) -> u64 {
    let mut hash = (key as u64) ^ ((key >> 64) as u64).rotate_left(29);
    hash = (hash ^ (hash >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    hash = (hash ^ (hash >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    hash ^ (hash >> 31)
}

/// The 64 characters a word id packs, 6 bits each (`pack` computes the
/// position arithmetically; `unpack` reads it here).
#[cfg(test)]
const WORD_DIGITS: &[u8; 64] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_-";

/// The packed key of an id of a packable shape.
fn pack(id: &str) -> Option<Key> {
    let bytes = id.as_bytes();
    if bytes.len() == 24 && bytes.iter().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(b)) {
        let mut key: u128 = 0;
        for &b in bytes {
            let nibble = if b.is_ascii_digit() { b - b'0' } else { b - b'a' + 10 };
            key = (key << 4) | u128::from(nibble);
        }
        return Some((TAG_HEX << TAG_SHIFT) | key);
    }
    if bytes.len() > 18 {
        return None;
    }
    let mut key: u128 = 0;
    for &b in bytes {
        // The position of `b` in `WORD_DIGITS`.
        let digit = match b {
            b'0'..=b'9' => b - b'0',
            b'A'..=b'Z' => b - b'A' + 10,
            b'a'..=b'z' => b - b'a' + 36,
            b'_' => 62,
            b'-' => 63,
            _ => return None,
        };
        key = (key << 6) | u128::from(digit);
    }
    Some((TAG_WORD << TAG_SHIFT) | (key << 5) | bytes.len() as u128)
}

/// The id text of a packed key (not for `TAG_TEXT`).
#[cfg(test)]
fn unpack(key: Key) -> String {
    if key >> TAG_SHIFT == TAG_HEX {
        return (0..24).rev().map(|i| char::from(b"0123456789abcdef"[((key >> (i * 4)) & 15) as usize])).collect();
    }
    let len = (key & 31) as usize;
    let digits = key >> 5;
    (0..len).rev().map(|i| char::from(WORD_DIGITS[((digits >> (i * 6)) & 63) as usize])).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    #[test]
    fn packing_round_trips_and_never_merges_ids() {
        for id in ["", "a", "6Hq2vQmXyZ3kLp9Ab", "507f1f77bcf86cd799439011", "0", "00", "-_", "zzzzzzzzzzzzzzzzzz"] {
            let key = pack(id).unwrap();
            assert_eq!(unpack(key), id);
        }
        // Same digits, other lengths or shapes: other keys.
        assert_ne!(pack("0"), pack("00"));
        assert_ne!(pack("507f1f77bcf86cd799439011"), pack("507F1F77BCF86CD799439011"));
        for id in ["with space", "ünï", "1234567890123456789", "a.b"] {
            assert_eq!(pack(id), None, "{id}");
        }
    }

    #[test]
    fn a_record_is_40_bytes() {
        // Memory per room held is the product's number: keep the padding out.
        assert_eq!(std::mem::size_of::<Record>(), 40);
    }

    #[test]
    fn retain_forgets_exactly_the_unlisted_ids() {
        let mut x: u64 = 0x2545_F491_4F6C_DD1D;
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        for round in 0..40 {
            let shape = |n: u64| match n % 3 {
                0 => format!("{:024x}", n % 500),
                1 => format!("w{}", n % 500),
                _ => format!("text id {}", n % 500),
            };
            let (mut ids, mut model) = (RoomIds::default(), HashMap::new());
            for step in 0..(round * 37) {
                let id = shape(next());
                let held = Held { updated_at: step, entry: None };
                ids.insert(&id, held);
                model.insert(id, held);
            }
            let listed: Vec<String> = (0..round * 20).map(|_| shape(next())).collect();
            let mut keep = RoomIds::default();
            for id in &listed {
                keep.insert(id, Held { updated_at: 0, entry: None });
            }
            let mut forgotten = ids.retain(&keep);
            let mut expected: Vec<Held> = model.iter().filter(|(id, _)| !listed.contains(id)).map(|(_, h)| *h).collect();
            model.retain(|id, _| listed.contains(id));
            forgotten.sort_by_key(|h| h.updated_at);
            expected.sort_by_key(|h| h.updated_at);
            assert_eq!(forgotten, expected);
            assert_eq!(ids.len(), model.len());
            for (id, held) in &model {
                assert_eq!(ids.get(id), Some(*held));
            }
        }
    }

    #[test]
    fn behaves_like_a_map_under_random_operations() {
        let mut ids = RoomIds::default();
        let mut model: HashMap<String, Held> = HashMap::new();
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        let shapes = |n: u64| match n % 4 {
            0 => format!("{:024x}", n % 300),
            1 => format!("id{}", n % 300),
            2 => format!("odd id {}", n % 300),
            _ => format!("{}", n % 300),
        };
        for step in 0..60_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let id = shapes(x >> 8);
            let held = Held { updated_at: step, entry: (!x.is_multiple_of(3)).then_some(((x % 7) as u32, step * 2)) };
            match x % 5 {
                0 | 1 => assert_eq!(ids.remove(&id), model.remove(&id), "remove {id}"),
                _ => assert_eq!(ids.insert(&id, held), model.insert(id.clone(), held), "insert {id}"),
            }
            assert_eq!(ids.len(), model.len());
            if step % 997 == 0 {
                for (id, held) in &model {
                    assert_eq!(ids.get(id), Some(*held));
                }
            }
        }
    }
}
