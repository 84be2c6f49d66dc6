//! Room identities: which rooms a [`ChatIndex`](crate::chart::index::ChatIndex)
//! holds, by `_id`, with the version held and where it is counted.
//!
//! Why not a `HashMap<String, _>`: at a million rooms it costs about 90
//! bytes per room. Rocket.Chat's ids have two shapes, Meteor's 17
//! characters of its 55-letter alphabet (`Random.id()`), which pack into
//! 99 bits as two base-55 numbers, and MongoDB ObjectIds (24 hex digits, 96
//! bits); other short alphanumeric ids pack at 6 bits a character
//! ([`pack`]). Any other id is kept as text. Two different ids never share
//! a key: packing is injective, and text ids are compared as text, so
//! exactness never rests on a hash.
//!
//! The store has two parts. Most rooms are *sealed* ([`sealed`]): sorted,
//! bit-packed, about 16 bytes a room. Rooms added since are *recent*
//! ([`table`]): a hash table of 40-byte records, quick to change. A room is
//! in exactly one part. [`RoomIds::tidy`] and [`RoomIds::settle`] say when
//! the recent rooms are sealed, so a million rooms take about 16 bytes
//! each and a live update still costs a table insert.

mod sealed;
mod table;

use sealed::{Room, Sealed, KEY_BITS};
pub use sealed::{SealedDamage, Shape};
use table::Table;

/// A packed `_id`: bits 126–127 say how the rest is to be read.
type Key = u128;

const TAG_SHIFT: u32 = 126;
/// Up to 18 characters of `[0-9A-Za-z_-]`, 6 bits each, length in bits
/// 0–4 (other than a Meteor id's).
const TAG_WORD: u128 = 0;
/// Exactly 24 lowercase hex digits, 4 bits each.
const TAG_HEX: u128 = 1;
/// Any other text: bits 0–31 index the table's texts.
const TAG_TEXT: u128 = 2;
/// Exactly [`METEOR_LEN`] characters of [`METEOR_DIGITS`], each half read
/// as a base-55 number (first character most significant): the first ten
/// above bit [`METEOR_LOW_BITS`] (below 55^10 < 2^58), the last seven
/// below it (55^7 < 2^41), 99 bits in all. Two `u64`s: no 128-bit
/// arithmetic per character.
const TAG_METEOR: u128 = 3;

/// Meteor's `Random.id()` alphabet, its `UNMISTAKABLE_CHARS`: no `0`,
/// `1`, `I`, `O`, `U`, `V` or `l`.
const METEOR_DIGITS: &[u8; 55] = b"23456789ABCDEFGHJKLMNPQRSTWXYZabcdefghijkmnopqrstuvwxyz";
/// The length of a Meteor id, and of its low part.
const METEOR_LEN: usize = 17;
const METEOR_LOW_LEN: usize = 7;
const METEOR_LOW_BITS: u32 = 41;
const _: () = assert!(55u64.pow(METEOR_LOW_LEN as u32) < 1 << METEOR_LOW_BITS && 55u64.pow(10) < 1 << (99 - METEOR_LOW_BITS));
/// Each ASCII byte's value in [`METEOR_DIGITS`], 55 for those not in it.
const METEOR_VALUE: [u8; 128] = {
    let mut values = [55; 128];
    let mut digit = 0;
    while digit < METEOR_DIGITS.len() {
        values[METEOR_DIGITS[digit] as usize] = digit as u8;
        digit += 1;
    }
    values
};
/// The 64 characters a word id packs, 6 bits each (`pack` computes the
/// position arithmetically).
const WORD_DIGITS: &[u8; 64] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_-";
/// Bit `d` set when word digit `d` is a Meteor character: a word key of
/// 17 such digits is not one [`pack`] makes (that id is a Meteor key).
const METEOR_WORD_DIGITS: u64 = {
    let mut mask = 0;
    let mut digit = 0;
    while digit < WORD_DIGITS.len() {
        if METEOR_VALUE[WORD_DIGITS[digit] as usize] < 55 {
            mask |= 1 << digit;
        }
        digit += 1;
    }
    mask
};
const _: () = assert!(METEOR_WORD_DIGITS.count_ones() == 55);

/// Where each shape lies among squeezed keys ([`squeeze`]): Meteor keys
/// below 2^99, hex keys from 2^99 (96 bits, so below 2^100), word keys
/// from 2^100 (113 bits, so below 2^114). A store of Meteor ids alone
/// then holds 99-bit keys, and one of ObjectIds alone 100-bit keys.
const HEX_BASE: u128 = 1 << 99;
const WORD_BASE: u128 = 1 << 100;
const _: () = assert!(WORD_BASE + (1 << 113) <= 1 << KEY_BITS);

/// Sealing waits for at least this many recent rooms (and an eighth of
/// the store), so small indexes seal too, and the tests see both parts.
const SEAL_AT: usize = 64;

/// Sealing never waits for more recent rooms than this (40 bytes each in
/// the table, which is also where they are sorted when sealed), so a load
/// holds a few megabytes beside its index however large the store; fewer
/// would mean more passes over the sealed part.
const SEAL_MOST: usize = 1 << 16;

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

/// A held room: its `_updatedAt` (`i64::MIN`: none) and, if some query can
/// count it, its department slot and column entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Held {
    /// `_updatedAt` in ms, `i64::MIN` when the room had none.
    pub updated_at: i64,
    /// `(slot, ts * 2 + open)` of the column entry, if countable.
    pub entry: Option<(u32, i64)>,
}

/// The identified rooms of an index.
///
/// # Example
/// ```
/// use chats_per_department::internals::room_ids::{Held, RoomIds};
/// let mut ids = RoomIds::default();
/// let held = Held { updated_at: 5, entry: Some((0, 42)) };
/// assert_eq!(ids.insert("6Hq2vQmXyZ3kLp9Ab", held), None);
/// assert_eq!(ids.get("6Hq2vQmXyZ3kLp9Ab"), Some(held));
/// assert_eq!(ids.remove("6Hq2vQmXyZ3kLp9Ab"), Some(held));
/// assert_eq!(ids.len(), 0);
/// ```
#[derive(Debug, Default)]
pub struct RoomIds {
    recent: Table,
    sealed: Sealed,
    /// Recent rooms that could not be sealed when the store was last sealed
    /// (text ids, rooms never counted).
    unsealable: usize,
}

impl RoomIds {
    /// How many rooms are held.
    pub fn len(&self) -> usize {
        self.recent.len() + self.sealed.live()
    }

    /// `true` when no room is held.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The version held for `id`.
    pub fn get(&self, id: &str) -> Option<Held> {
        let (key, text) = keyed(id);
        Some(match self.find(key, text)? {
            Place::Recent(_, number) => self.recent.held(number),
            Place::Sealed(i) => self.sealed.held(i),
        })
    }

    /// Holds `held` for `id`; returns the version it replaced.
    pub fn insert(&mut self, id: &str, held: Held) -> Option<Held> {
        let (key, text) = keyed(id);
        match self.find(key, text) {
            Some(Place::Recent(_, number)) => Some(self.recent.overwrite(number, held)),
            Some(Place::Sealed(i)) => Some(self.replace_sealed(i, key, self.sealed.held(i), held)),
            None => {
                self.recent.append_key(key, text, held);
                None
            }
        }
    }

    /// Holds `held` for `id` unless the version held is newer (the index's
    /// rule: newer or equal replaces, older is ignored), with one lookup.
    ///
    /// # Example
    /// ```
    /// use chats_per_department::internals::room_ids::{Held, Offer, RoomIds};
    /// let mut ids = RoomIds::default();
    /// let v = |updated_at| Held { updated_at, entry: None };
    /// assert_eq!(ids.offer("a", v(2)), Offer::Added);
    /// assert_eq!(ids.offer("a", v(1)), Offer::Stale);
    /// assert_eq!(ids.offer("a", v(2)), Offer::Replaced(v(2)));
    /// ```
    pub fn offer(&mut self, id: &str, held: Held) -> Offer {
        let (key, text) = keyed(id);
        self.offer_key(key, text, held)
    }

    /// [`RoomIds::offer`] for a packed key (with its text for a text id),
    /// as [`RoomIds::for_each_in_order`] gives them.
    pub(crate) fn offer_key(&mut self, key: Key, text: Option<&str>, held: Held) -> Offer {
        match self.find(key, text) {
            Some(Place::Recent(_, number)) if held.updated_at < self.recent.held(number).updated_at => Offer::Stale,
            Some(Place::Recent(_, number)) => Offer::Replaced(self.recent.overwrite(number, held)),
            Some(Place::Sealed(i)) => match self.sealed.held(i) {
                old if held.updated_at < old.updated_at => Offer::Stale,
                old => Offer::Replaced(self.replace_sealed(i, key, old, held)),
            },
            None => {
                self.recent.append_key(key, text, held);
                Offer::Added
            }
        }
    }

    /// Forgets `id`; returns the version that was held.
    pub fn remove(&mut self, id: &str) -> Option<Held> {
        let (key, text) = keyed(id);
        match self.find(key, text)? {
            Place::Recent(at, number) => Some(self.recent.forget(at, number)),
            Place::Sealed(i) => {
                let held = self.sealed.held(i);
                self.sealed.kill(i);
                Some(held)
            }
        }
    }

    /// Forgets every id that `keep` does not hold; returns the versions
    /// forgotten. For reconciling with a server's list of the ids it still
    /// has: whatever is held but no longer listed was deleted there.
    ///
    /// # Example
    /// ```
    /// use chats_per_department::internals::room_ids::{Held, RoomIds};
    /// let v = Held { updated_at: 1, entry: None };
    /// let (mut held, mut listed) = (RoomIds::default(), RoomIds::default());
    /// for id in ["a", "b", "odd id"] { held.insert(id, v); }
    /// for id in ["b", "odd id", "c"] { listed.insert(id, v); }
    /// assert_eq!(held.retain(&listed).len(), 1); // "a"
    /// assert_eq!((held.len(), held.get("a")), (2, None));
    /// ```
    pub fn retain(&mut self, keep: &RoomIds) -> Vec<Held> {
        self.retain_unless(keep, |_| false)
    }

    /// Forgets every id that neither `keep` holds nor `spared` accepts by
    /// its version; returns the versions forgotten. [`RoomIds::retain`]
    /// spares nothing; a repair of one creation range spares the rooms
    /// created outside it.
    ///
    /// # Example
    /// ```
    /// use chats_per_department::internals::room_ids::{Held, RoomIds};
    /// let (mut held, listed) = (RoomIds::default(), RoomIds::default());
    /// held.insert("a", Held { updated_at: 1, entry: Some((0, 10)) });
    /// held.insert("b", Held { updated_at: 1, entry: Some((0, 40)) });
    /// // Spare the rooms created after 10 (entries are `ts * 2 + open`).
    /// let forgotten = held.retain_unless(&listed, |h| h.entry.is_some_and(|(_, v)| v >> 1 > 10));
    /// assert_eq!((forgotten.len(), held.len()), (1, 1));
    /// ```
    pub fn retain_unless(&mut self, keep: &RoomIds, spared: impl Fn(Held) -> bool) -> Vec<Held> {
        let mut forgotten = Vec::new();
        self.recent.retain(|key, text, held| spared(held) || keep.find(key, text).is_some(), &mut forgotten);
        self.sealed.retain(|squeezed, held| spared(held) || keep.find(unsqueeze(squeezed), None).is_some(), &mut forgotten);
        forgotten
    }

    /// Seals the recent rooms when that is worth a pass over the store
    /// even in the middle of a load: once they are a quarter of the sealed
    /// ones or [`SEAL_MOST`], whichever is fewer, or once the sealed part's
    /// dead records (rooms changed since) are a sixteenth of it. The index
    /// calls it after each change; the rest waits for [`RoomIds::settle`],
    /// when the caller says a load is done.
    ///
    /// Why so often: wasm memory never shrinks, so what a load holds at
    /// its peak a dashboard's tab keeps, and a table that may grow to a
    /// share of the store (40 bytes a room) is held for good (figures in
    /// docs/performance.md, "Loading in bounded memory"). Sealing is a
    /// merge that copies the sealed records in runs, bit for bit, while
    /// their layout holds the new rooms (`Sealed::build`), so a pass costs
    /// about what reading the store's memory costs, and the table's memory
    /// serves from seal to seal (`Table::recycle`).
    ///
    /// # Example
    /// ```
    /// use chats_per_department::internals::room_ids::{Held, RoomIds};
    /// let mut ids = RoomIds::default();
    /// for n in 0..1000 {
    ///     ids.insert(&format!("room{n}"), Held { updated_at: 5, entry: Some((0, n * 2)) });
    /// }
    /// let before = ids.bytes();
    /// ids.tidy(); // sealed; the table's memory is kept for the next rooms
    /// assert_eq!(ids.get("room7"), Some(Held { updated_at: 5, entry: Some((0, 14)) }));
    /// ids.settle(); // at rest: given up
    /// assert!(ids.bytes() * 2 < before);
    /// ```
    pub fn tidy(&mut self) {
        self.seal_beyond((self.sealed.len() / 4).min(SEAL_MOST), self.sealed.len() / 16);
    }

    /// Seals the recent rooms (or drops the dead records) once they are a
    /// sixty-fourth of the store: for a store at rest, after a load.
    ///
    /// # Example
    /// ```
    /// use chats_per_department::internals::room_ids::{Held, RoomIds};
    /// let mut ids = RoomIds::default();
    /// let v = |n: i64| Held { updated_at: 5, entry: Some((0, n * 2)) };
    /// (0..1000).for_each(|n| { ids.insert(&format!("room{n}"), v(n)); });
    /// ids.tidy();
    /// (1000..1100).for_each(|n| { ids.insert(&format!("room{n}"), v(n)); });
    /// ids.tidy(); // a tenth more: not worth a pass in the middle of a load
    /// let before = ids.bytes();
    /// ids.settle();
    /// assert!(ids.bytes() < before);
    /// ```
    pub fn settle(&mut self) {
        self.seal_beyond(self.sealed.len() / 64, self.sealed.len() / 64);
        self.recent.shrink();
    }

    /// Seals when more than `fresh` rooms are recent or `dead` records dead
    /// (and at least `SEAL_AT` either way).
    fn seal_beyond(&mut self, fresh: usize, dead: usize) {
        if self.recent.len().saturating_sub(self.unsealable) >= SEAL_AT.max(fresh) || self.sealed.dead() >= SEAL_AT.max(dead) {
            self.seal();
        }
    }

    /// Bytes held (capacities).
    pub fn bytes(&self) -> usize {
        self.recent.bytes() + self.sealed.bytes()
    }

    /// Makes room for `additional` ids in an empty store at once (a first
    /// page): exact capacity and no table rebuilt on the way. Does nothing
    /// once ids are held: later pages are mostly replacements.
    pub fn reserve(&mut self, additional: usize) {
        if self.is_empty() {
            self.recent.reserve(additional);
        }
    }

    /// Every held version (in no particular order).
    pub fn values(&self) -> impl Iterator<Item = Held> + '_ {
        self.recent.values().chain(self.sealed.rooms().map(|room| room.held()))
    }

    /// Where `key` (with `text` for a text id) is held.
    fn find(&self, key: Key, text: Option<&str>) -> Option<Place> {
        if let Some((at, number)) = self.recent.find_key(key, text) {
            return Some(Place::Recent(at, number));
        }
        text.is_none().then(|| self.sealed_record(key)).flatten().map(Place::Sealed)
    }

    /// The live sealed record of a packed key.
    fn sealed_record(&self, key: Key) -> Option<usize> {
        self.sealed.find(squeeze(key)?)
    }

    /// Replaces sealed record `i` (of `key`, holding `old`) by `held`, in the table (a
    /// change written in place would rarely fit: a live room's new
    /// `_updatedAt` is later than any sealed one). Returns what was held.
    fn replace_sealed(&mut self, i: usize, key: Key, old: Held, held: Held) -> Held {
        // The same version again (a page read twice): nothing to move.
        if old != held {
            self.sealed.kill(i);
            self.recent.append_key(key, None, held);
        }
        old
    }

    /// Seals every recent room that can be, with the sealed ones, in one
    /// pass.
    fn seal(&mut self) {
        let mut rooms = self
            .recent
            .drain(|key, text, held| text.is_none().then(|| squeeze(key)).flatten().and_then(|squeezed| Room::new(squeezed, held)));
        self.unsealable = self.recent.len();
        // Each key is in one part only: none twice.
        self.sealed = Sealed::build(std::mem::take(&mut self.sealed), &mut rooms);
        self.recent.recycle(rooms);
    }
}

/// Where a room is held.
enum Place {
    /// Slot position and record number in the table.
    Recent(usize, u32),
    /// Record in the sealed part.
    Sealed(usize),
}

/// What snapshots need: the sealed part as it is, the recent rooms, and
/// both read back checked.
impl RoomIds {
    /// `true` when a packed key, as [`RoomIds::for_each_in_order`] gives
    /// it, stands for a text id (whose text comes beside it).
    pub(crate) fn is_text_key(key: u128) -> bool {
        key >> TAG_SHIFT == TAG_TEXT
    }

    /// Every id as `(key, text, version)`: the key packed (for a text id,
    /// the bare text tag, and the text beside it); sealed rooms first.
    pub(crate) fn for_each_in_order(&self, mut f: impl FnMut(u128, Option<&str>, Held)) {
        for room in self.sealed.rooms() {
            f(unsqueeze(room.key()), None, room.held());
        }
        self.recent.for_each(f);
    }

    /// The recent rooms, as [`RoomIds::for_each_in_order`] gives them.
    pub(crate) fn for_each_recent(&self, f: impl FnMut(u128, Option<&str>, Held)) {
        self.recent.for_each(f);
    }

    /// The sealed part as it is held: its shape, directory and records,
    /// which [`RoomIds::open`] takes back.
    pub fn sealed_image(&self) -> (Shape, &[u32], impl Iterator<Item = &[u8]> + '_) {
        self.sealed.image()
    }

    /// A store of a snapshot's sealed part of `shape`, at the start of
    /// `bytes` (see [`RoomIds::sealed_image`]), checked through: each live
    /// room's key must be one [`pack`] makes, its slot below `slots`, and
    /// `claim(slot, entry)` must accept its entry. Returns the bytes it
    /// took too. Recent rooms follow with [`RoomIds::add_recent`].
    pub(crate) fn open(
        shape: Shape,
        bytes: &[u8],
        slots: usize,
        mut claim: impl FnMut(u32, i64) -> bool,
    ) -> Result<(RoomIds, usize), SealedDamage> {
        let (sealed, taken) = Sealed::open(shape, bytes, |room| {
            canonical(unsqueeze(room.key()), None) && (room.slot as usize) < slots && claim(room.slot, room.value)
        })?;
        Ok((RoomIds { sealed, ..RoomIds::default() }, taken))
    }

    /// Adds a recent room read from a snapshot: `false` when its key is
    /// not one [`pack`] makes (so two spellings of one id cannot both get
    /// in) or is held already.
    pub(crate) fn add_recent(&mut self, key: u128, text: Option<&str>, held: Held) -> bool {
        if !canonical(key, text) || self.find(key, text).is_some() {
            return false;
        }
        self.recent.append_key(key, text, held);
        self.unsealable += usize::from(text.is_some() || held.entry.is_none());
        true
    }
}

/// `true` when `key` (with `text` for a text id) is what [`keyed`] gives
/// for some id.
fn canonical(key: Key, text: Option<&str>) -> bool {
    let payload = key & ((1 << TAG_SHIFT) - 1);
    match (key >> TAG_SHIFT, text) {
        // Length ≤ 18, no digit bits above the length, and not a Meteor
        // id: seventeen digits, ten in the low 60 bits and seven above.
        (TAG_WORD, None) => {
            let (len, digits) = ((payload & 31) as u32, payload >> 5);
            len <= 18
                && digits >> (6 * len) == 0
                && !(len as usize == METEOR_LEN && meteor_digits(digits as u64, 10) && meteor_digits((digits >> 60) as u64, 7))
        }
        (TAG_HEX, None) => payload >> 96 == 0,
        (TAG_METEOR, None) => {
            let (high, low) = ((payload >> METEOR_LOW_BITS) as u64, payload as u64 & ((1 << METEOR_LOW_BITS) - 1));
            payload >> 99 == 0 && high < 55u64.pow(10) && low < 55u64.pow(METEOR_LOW_LEN as u32)
        }
        (TAG_TEXT, Some(text)) => key == TAG_TEXT << TAG_SHIFT && pack(text).is_none(),
        _ => false,
    }
}

/// Whether the `count` word digits in the low bits of `part` are all
/// Meteor characters. Not inlined: unrolled, it costs module size.
#[inline(never)]
fn meteor_digits(mut part: u64, count: u32) -> bool {
    (0..count).all(|_| {
        let digit = part & 63;
        part >>= 6;
        METEOR_WORD_DIGITS >> digit & 1 == 1
    })
}

/// The packed key of `id` and, for a text id, its text.
fn keyed(id: &str) -> (Key, Option<&str>) {
    match pack(id) {
        Some(key) => (key, None),
        None => (TAG_TEXT << TAG_SHIFT, Some(id)),
    }
}

/// A packed key in the sealed part's 114 bits, each shape in its own
/// range (see [`HEX_BASE`]); `None` for a text key.
fn squeeze(key: Key) -> Option<u128> {
    let payload = key & ((1 << TAG_SHIFT) - 1);
    match key >> TAG_SHIFT {
        TAG_METEOR => Some(payload),
        TAG_HEX => Some(HEX_BASE | payload),
        TAG_WORD => Some(WORD_BASE + payload),
        _ => None,
    }
}

fn unsqueeze(squeezed: u128) -> Key {
    match squeezed {
        ..HEX_BASE => TAG_METEOR << TAG_SHIFT | squeezed,
        HEX_BASE..WORD_BASE => TAG_HEX << TAG_SHIFT | (squeezed - HEX_BASE),
        _ => TAG_WORD << TAG_SHIFT | (squeezed - WORD_BASE),
    }
}

/// A packed key's hash: the two halves folded and mixed (SplitMix64's finaliser).
fn mix(key: Key) -> u64 {
    let mut hash = (key as u64) ^ ((key >> 64) as u64).rotate_left(29);
    hash = (hash ^ (hash >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    hash = (hash ^ (hash >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    hash ^ (hash >> 31)
}

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
    if bytes.len() == METEOR_LEN {
        if let Some(key) = meteor_key(bytes) {
            return Some((TAG_METEOR << TAG_SHIFT) | key);
        }
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

/// A Meteor id's key (see [`TAG_METEOR`]), if every byte is a Meteor
/// character.
fn meteor_key(bytes: &[u8]) -> Option<u128> {
    let (high, low) = bytes.split_at(METEOR_LEN - METEOR_LOW_LEN);
    Some(u128::from(base_55(high)?) << METEOR_LOW_BITS | u128::from(base_55(low)?))
}

/// `part` as a base-55 number of Meteor characters. Not inlined: unrolled,
/// it costs module size.
#[inline(never)]
fn base_55(part: &[u8]) -> Option<u64> {
    let mut value = 0;
    for &b in part {
        let digit = *METEOR_VALUE.get(usize::from(b))?;
        if digit == 55 {
            return None;
        }
        value = value * 55 + u64::from(digit);
    }
    Some(value)
}

/// The id text of a packed key (not for `TAG_TEXT`).
#[cfg(test)]
fn unpack(key: Key) -> String {
    if key >> TAG_SHIFT == TAG_METEOR {
        let spell = |mut value: u64, len: usize| {
            let mut digits = vec![0; len];
            for at in digits.iter_mut().rev() {
                *at = METEOR_DIGITS[(value % 55) as usize];
                value /= 55;
            }
            String::from_utf8(digits).unwrap()
        };
        let low = key as u64 & ((1 << METEOR_LOW_BITS) - 1);
        return spell((key >> METEOR_LOW_BITS) as u64, METEOR_LEN - METEOR_LOW_LEN) + &spell(low, METEOR_LOW_LEN);
    }
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
    use crate::test_rng::xorshift;
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
    fn retain_forgets_exactly_the_unlisted_ids() {
        let mut x: u64 = 0x2545_F491_4F6C_DD1D;
        let mut next = || xorshift(&mut x);
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
                if step % 50 == 49 {
                    ids.tidy();
                }
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
            xorshift(&mut x);
            let id = shapes(x >> 8);
            let held = Held { updated_at: step, entry: (!x.is_multiple_of(3)).then_some(((x % 7) as u32, step * 2)) };
            match x % 5 {
                0 | 1 => assert_eq!(ids.remove(&id), model.remove(&id), "remove {id}"),
                _ => assert_eq!(ids.insert(&id, held), model.insert(id.clone(), held), "insert {id}"),
            }
            assert_eq!(ids.len(), model.len());
            if step % 211 == 0 {
                ids.tidy();
            }
            if step % 997 == 0 {
                for (id, held) in &model {
                    assert_eq!(ids.get(id), Some(*held));
                }
            }
        }
    }

    #[test]
    fn meteor_ids_pack_as_base_55_and_only_they_do() {
        for id in ["22222222222222222", "zzzzzzzzzzzzzzzzz", "yHdjRzTW9QFAW5PnH", "6Hq2vQmXyZ3kLp9Ab"] {
            let key = pack(id).unwrap();
            assert_eq!(key >> TAG_SHIFT, TAG_METEOR, "{id}");
            assert_eq!(unpack(key), id);
            assert!(canonical(key, None));
            // The word spelling of the same id is one no packing makes.
            let word = id.bytes().fold(0u128, |n, b| n << 6 | WORD_DIGITS.iter().position(|&d| d == b).unwrap() as u128) << 5 | 17;
            assert!(!canonical(word, None), "{id}");
        }
        assert_eq!(pack("22222222222222222"), Some(TAG_METEOR << TAG_SHIFT));
        let top = (55u128.pow(10) - 1) << METEOR_LOW_BITS | (55u128.pow(7) - 1);
        assert_eq!(pack("zzzzzzzzzzzzzzzzz"), Some(TAG_METEOR << TAG_SHIFT | top));
        // Either part past its digits' reach, or bits above 99.
        for beyond in [55u128.pow(10) << METEOR_LOW_BITS, 55u128.pow(7), 1 << 99] {
            assert!(!canonical(TAG_METEOR << TAG_SHIFT | beyond, None), "{beyond:#x}");
        }
        // One character outside the alphabet, or another length: a word.
        for id in [
            "yHdjRzTW9QFAW5Pn0",
            "1HdjRzTW9QFAW5PnH",
            "yHdjRzTWIQFAW5PnH",
            "yHdjRzTWOQFAW5PnH",
            "yHdjRzTWlQFAW5PnH",
            "yHdjRzTW-QFAW5PnH",
            "yHdjRzTW9QFAW5Pn",
            "yHdjRzTW9QFAW5PnHH",
        ] {
            let key = pack(id).unwrap();
            assert_eq!(key >> TAG_SHIFT, TAG_WORD, "{id}");
            assert_eq!(unpack(key), id);
            assert!(canonical(key, None), "{id}");
        }
        // Every character: in the alphabet or not, at either half's end.
        for b in 0..=255u8 {
            for at in [0, 8, 9, 16] {
                let mut id = *b"yHdjRzTW9QFAW5PnH";
                id[at] = b;
                let Ok(id) = std::str::from_utf8(&id) else { continue };
                let meteor = METEOR_DIGITS.contains(&b);
                assert_eq!(
                    pack(id).map(|key| key >> TAG_SHIFT == TAG_METEOR),
                    Some(meteor).filter(|_| meteor || b.is_ascii_alphanumeric() || b == b'_' || b == b'-'),
                    "{id}"
                );
                if meteor {
                    assert_eq!(unpack(pack(id).unwrap()), id);
                }
            }
        }
    }

    #[test]
    fn meteor_ids_alone_seal_at_99_bits_and_object_ids_at_100() {
        let mut x: u64 = 0x1234_5678_9ABC_DEF1;
        for (shape, bits) in [(0, 99), (1, 100)] {
            let mut ids = RoomIds::default();
            for n in 0..500 {
                let id: String = if shape == 0 {
                    (0..METEOR_LEN).map(|_| char::from(METEOR_DIGITS[(xorshift(&mut x) % 55) as usize])).collect()
                } else {
                    format!("{:024x}", u128::from(xorshift(&mut x)) << 32 | n)
                };
                ids.insert(&id, Held { updated_at: 5, entry: Some((0, 1_000)) });
            }
            ids.tidy();
            let (shape, _, _) = ids.sealed_image();
            assert_eq!((shape.records, shape.widths[0]), (500, bits));
        }
    }

    #[test]
    fn squeezing_keeps_every_packed_key() {
        for (id, range) in [
            ("", WORD_BASE..1 << KEY_BITS),
            ("a", WORD_BASE..1 << KEY_BITS),
            ("zzzzzzzzzzzzzzzzzz", WORD_BASE..1 << KEY_BITS),
            ("------------------", WORD_BASE..1 << KEY_BITS),
            ("6Hq2vQmXyZ3kLp9Ab", 0..HEX_BASE),
            ("zzzzzzzzzzzzzzzzz", 0..HEX_BASE),
            ("507f1f77bcf86cd799439011", HEX_BASE..WORD_BASE),
            ("ffffffffffffffffffffffff", HEX_BASE..WORD_BASE),
        ] {
            let key = pack(id).unwrap();
            let squeezed = squeeze(key).unwrap();
            assert!(range.contains(&squeezed), "{id}");
            assert_eq!(unsqueeze(squeezed), key, "{id}");
        }
        assert_eq!(squeeze(TAG_TEXT << TAG_SHIFT), None);
    }

    /// The store as a snapshot writes it and reads it back.
    fn reopen(ids: &RoomIds) -> Result<RoomIds, String> {
        let (shape, directory, records) = ids.sealed_image();
        let mut bytes: Vec<u8> = directory.iter().flat_map(|d| d.to_le_bytes()).collect();
        records.for_each(|chunk| bytes.extend_from_slice(chunk));
        let (mut back, taken) = RoomIds::open(shape, &bytes, 300, |_, _| true).map_err(|damage| damage.to_string())?;
        assert_eq!(taken, bytes.len());
        let mut ok = true;
        ids.for_each_recent(|key, text, held| ok &= back.add_recent(key, text, held));
        ok.then_some(back).ok_or_else(|| "a recent room refused".to_owned())
    }

    /// Sealed rooms, changed, move to the table, removed, die; a snapshot's
    /// image reads back into the same store.
    #[test]
    fn sealed_and_recent_rooms_behave_as_one_map() {
        let mut x: u64 = 0x1234_5678_9ABC_DEF1;
        let mut next = || xorshift(&mut x);
        let shapes = |n: u64| match n % 5 {
            0 => format!("{:024x}", n % 2000),
            1 => format!("odd id {}", n % 2000),
            _ => format!("r{}", n % 2000),
        };
        let (mut ids, mut model) = (RoomIds::default(), HashMap::new());
        for step in 0..40_000i64 {
            let r = next();
            let id = shapes(r >> 8);
            // Mostly in one department and a narrow range, sometimes far out.
            let entry = match r % 7 {
                0 => None,
                1 => Some(((r >> 3) as u32 % 300, -(step * 1_000_003))),
                _ => Some(((r >> 3) as u32 % 3, 1_600_000_000_000 + step * 2)),
            };
            let updated_at = if r % 11 == 0 { i64::MIN } else { 1_600_000_000_000 + step };
            let held = Held { updated_at, entry };
            match r % 6 {
                0 => assert_eq!(ids.remove(&id), model.remove(&id), "remove {id}"),
                1 => {
                    let expected = match model.get(&id) {
                        Some(old) if held.updated_at < old.updated_at => Offer::Stale,
                        Some(old) => Offer::Replaced(*old),
                        None => Offer::Added,
                    };
                    if expected != Offer::Stale {
                        model.insert(id.clone(), held);
                    }
                    assert_eq!(ids.offer(&id, held), expected, "offer {id}");
                }
                _ => assert_eq!(ids.insert(&id, held), model.insert(id.clone(), held), "insert {id}"),
            }
            assert_eq!(ids.len(), model.len());
            if step % 101 == 0 {
                ids.tidy();
            }
            if step % 3001 == 0 {
                assert!(ids.sealed.live() > 0 || step < 1000);
                for (id, held) in &model {
                    assert_eq!(ids.get(id), Some(*held), "get {id}");
                }
                let mut values: Vec<Held> = ids.values().collect();
                let mut expected: Vec<Held> = model.values().copied().collect();
                values.sort_by_key(|h| (h.updated_at, h.entry));
                expected.sort_by_key(|h| (h.updated_at, h.entry));
                assert_eq!(values, expected);
                // As a snapshot writes and reads it.
                let back = reopen(&ids).unwrap();
                assert_eq!(back.len(), model.len());
                for (id, held) in &model {
                    assert_eq!(back.get(id), Some(*held), "reread {id}");
                }
                // Each id once: a second copy of a recent one is refused.
                let mut again = reopen(&ids).unwrap();
                ids.for_each_recent(|key, text, held| assert!(!again.add_recent(key, text, held)));
            }
        }
    }
}
