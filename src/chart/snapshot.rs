//! Snapshots: a [`ChatIndex`] as bytes and back, so that a dashboard
//! reopened shows its chart without loading every room again.
//!
//! The format is this library's own, little-endian, versioned:
//!
//! ```text
//! snapshot   = magic "CPDINDEX" · version u32 (3) · reserved u32 (0)
//!              · body length u64 · checksum u64 · body
//! body       = listed · embedded · slots · anonymous u64 · table u64 · rooms
//! listed     = u8 0 (no list) | u8 1 · pairs | u8 2 · text (the list's error)
//! embedded   = pairs                          (names from rooms' `department`)
//! pairs      = count u32 · (text id · text body key)*
//! slots      = count u32 · (u8 1 (null) | u8 2 · text id) · column)*
//! column     = count u64 · entry i64*         (ts * 2 + open, ascending)
//! table      = the size of a hash table holding every `_id` (a power of
//!              two, at most three quarters full; 0 when no `_id` is held):
//!              checked against the rooms' count
//! rooms      = count u64 · (key u128 · [text _id] · _updatedAt i64 · slot u32 · position u32)*
//!              in the id store's order (its sealed rooms first, sorted
//!              as it seals them; slot u32::MAX: never counted,
//!              position 0; else position: the room's entry in its
//!              department's column)
//! checksum   = [`checksum`] of the body: four 64-bit lanes over its
//!              32-byte blocks, then its last bytes (version 3; version 2,
//!              otherwise the same, had one lane)
//! key        = the `_id` packed as the id store packs it (`room_ids/`);
//!              a text `_id` has the bare text tag, and its text follows
//! text       = length u32 · UTF-8
//! ```
//!
//! Why this shape (since version 2): loading is bound by memory latency, not by
//! parsing. Rooms listed in the id store's order are sealed again in one
//! pass over an already sorted list (the table order of versions 2 and 3
//! before the sealed store reads as well, sorted on the way); a room names
//! its column entry by position,
//! so checking that every identified room has its own entry is a bit per
//! entry, not a sort. Version 1 (ids as text, entries by value, any order)
//! loaded at 110–160 MB/s.
//!
//! Loading trusts nothing: the checksum catches accidents, and every rule
//! the index lives by is checked again (unique ids and departments, columns
//! in order, times a `Date` can hold, every identified room's entry
//! present in its column), so a corrupt, truncated or foreign snapshot is
//! an error naming what is wrong, never a panic or a wrong count.

use super::{ChatIndex, Slot};
use crate::chart::column::Column;
use crate::chart::room_ids::{Held, RoomIds};
use crate::records::department::Departments;
use crate::records::field::{DataError, DepartmentRef};
use crate::server::zone::MAX_TIME_MS;

const MAGIC: &[u8; 8] = b"CPDINDEX";
/// The format version this library writes and reads; a snapshot of
/// another version is refused, naming both.
///
/// # Example
/// ```
/// use chats_per_department::{chart::index::snapshot::VERSION, ChatIndex};
/// let bytes = ChatIndex::new(None).to_bytes();
/// assert_eq!(bytes[8..12], VERSION.to_le_bytes());
/// ```
pub const VERSION: u32 = 3;
const HEADER: usize = 8 + 4 + 4 + 8 + 8;
const NOT_COUNTED: u32 = u32::MAX;

impl ChatIndex {
    /// The index as a snapshot ([`ChatIndex::from_bytes`] reads it back).
    /// Pending changes are merged first.
    ///
    /// # Example
    /// ```
    /// use chats_per_department::{ChatIndex, Params, Utc};
    /// let mut index = ChatIndex::new(None);
    /// index.add_json(br#"[{"_id":"r1","t":"l","departmentId":"d","department":{"_id":"d","name":"Sales"},"ts":"2020-09-10T00:00:00Z"}]"#, &Utc).unwrap();
    /// let mut again = ChatIndex::from_bytes(&index.to_bytes()).unwrap();
    /// let params = Params::from_pairs([("start", "2020-09-01"), ("end", "2020-10-01")]);
    /// assert_eq!(again.query(&params, &Utc), index.query(&params, &Utc));
    /// assert_eq!(again.size(), 1);
    /// ```
    pub fn to_bytes(&mut self) -> Vec<u8> {
        self.settle();
        let mut body = Vec::with_capacity(64 + self.memory_bytes());
        match (&self.listed, &self.listed_error) {
            (_, Some(error)) => {
                body.push(2);
                put_text(&mut body, &error.message);
            }
            (Some(listed), None) => {
                body.push(1);
                put_pairs(&mut body, listed);
            }
            (None, None) => body.push(0),
        }
        put_pairs(&mut body, &self.embedded);
        put(&mut body, &(self.slots.len() as u32).to_le_bytes());
        // Each column decoded once: written here, searched below.
        let mut columns = Vec::with_capacity(self.slots.len());
        for slot in &mut self.slots {
            match &slot.department {
                DepartmentRef::Id(id) => {
                    body.push(2);
                    put_text(&mut body, id);
                }
                _ => body.push(1),
            }
            let entries = slot.rooms.entries();
            put(&mut body, &(entries.len() as u64).to_le_bytes());
            body.extend(entries.iter().flat_map(|entry| entry.to_le_bytes()));
            columns.push(entries);
        }
        put(&mut body, &self.anonymous.to_le_bytes());
        put(&mut body, &(self.ids.table_size() as u64).to_le_bytes());
        put(&mut body, &(self.ids.len() as u64).to_le_bytes());
        // Equal entries get successive positions: how many of each first
        // position are taken, per department.
        let mut taken: Vec<Vec<u32>> = columns.iter().map(|column| vec![0; column.len()]).collect();
        let slots = &self.slots;
        self.ids.for_each_in_order(|key, text, held| {
            put(&mut body, &key.to_le_bytes());
            if let Some(text) = text {
                put_text(&mut body, text);
            }
            put(&mut body, &held.updated_at.to_le_bytes());
            let (slot, position) = held
                .entry
                .and_then(|(slot, value)| {
                    // The column's directory says between which entries
                    // the entry's time lies (every entry of that time is
                    // there); the search is in the decoded column, one
                    // place in memory instead of two (1M rooms, native:
                    // 0.32 -> 0.18 s).
                    let column = &columns[slot as usize];
                    let (from, to) = slots[slot as usize].rooms.bracket(value >> 1);
                    let first = from + column.get(from..to)?.partition_point(|&entry| entry < value);
                    (column.get(first) == Some(&value)).then_some(())?;
                    let seen = &mut taken[slot as usize][first];
                    *seen += 1;
                    Some((slot, first as u32 + *seen - 1))
                })
                .unwrap_or((NOT_COUNTED, 0));
            put(&mut body, &slot.to_le_bytes());
            put(&mut body, &position.to_le_bytes());
        });
        let mut out = Vec::with_capacity(HEADER + body.len());
        put(&mut out, MAGIC);
        put(&mut out, &VERSION.to_le_bytes());
        put(&mut out, &0u32.to_le_bytes());
        put(&mut out, &(body.len() as u64).to_le_bytes());
        put(&mut out, &checksum(&body).to_le_bytes());
        put(&mut out, &body);
        out
    }

    /// An index from a snapshot made by [`ChatIndex::to_bytes`], checked
    /// through (see the [module](self)); the error says what is wrong.
    ///
    /// # Example
    /// ```
    /// use chats_per_department::ChatIndex;
    /// let mut bytes = ChatIndex::new(None).to_bytes();
    /// assert!(ChatIndex::from_bytes(&bytes).is_ok());
    /// *bytes.last_mut().unwrap() ^= 1;
    /// assert!(ChatIndex::from_bytes(&bytes).unwrap_err().message.contains("checksum"));
    /// assert!(ChatIndex::from_bytes(b"{}").unwrap_err().message.contains("not a ChatIndex snapshot"));
    /// ```
    pub fn from_bytes(bytes: &[u8]) -> Result<ChatIndex, DataError> {
        if bytes.len() < 8 || &bytes[..8] != MAGIC {
            return Err(DataError::new("snapshot: not a ChatIndex snapshot (it does not start with CPDINDEX)"));
        }
        if bytes.len() < HEADER {
            return Err(fail(bytes.len(), "truncated: shorter than the header", ""));
        }
        let mut header = Reader { bytes: &bytes[8..HEADER], at: 8 };
        let version = header.u32("the version")?;
        if version != VERSION {
            return Err(DataError::new(format!("snapshot: version {version}; this library reads version {VERSION}")));
        }
        if header.u32("the reserved word")? != 0 {
            return Err(DataError::new("snapshot: the reserved header word is not 0 (a newer or damaged snapshot)"));
        }
        let length = header.u64("the body length")?;
        let sum = header.u64("the checksum")?;
        let body = &bytes[HEADER..];
        if length != body.len() as u64 {
            let how = if (body.len() as u64) < length {
                "truncated: the header announces more bytes"
            } else {
                "followed by other bytes than the header announces"
            };
            return Err(fail(bytes.len(), how, ""));
        }
        if checksum(body) != sum {
            return Err(DataError::new("snapshot: corrupt: the checksum does not match the bytes"));
        }
        read_body(&mut Reader { bytes: body, at: HEADER })
    }
}

fn read_body(r: &mut Reader<'_>) -> Result<ChatIndex, DataError> {
    let mut index = ChatIndex::default();
    match r.u8("the departments list's tag")? {
        0 => {}
        1 => index.listed = Some(r.pairs("departments list")?),
        2 => index.listed_error = Some(DataError::new(r.text("the departments list's error")?)),
        _ => return Err(r.error("unknown departments list tag", "")),
    }
    index.embedded = r.pairs("embedded departments")?;
    let slots = r.count(false, "departments", 1)? as u32;
    for i in 0..slots {
        let department = match r.u8("a department's tag")? {
            1 => DepartmentRef::Null,
            2 => DepartmentRef::Id(r.text("a department id")?.to_owned()),
            _ => return Err(r.error("unknown department tag", "")),
        };
        if index.numbers.number(department.view()) != i {
            return Err(r.error("a department appears twice", ""));
        }
        let count = r.count(true, "column entries", 8)?;
        let mut entries = Vec::with_capacity(count);
        while entries.len() < count {
            let batch = (count - entries.len()).min(ROOMS_PER_CALL);
            read_entries(r, &mut entries, batch)?;
        }
        index.slots.push(Slot { department, rooms: Column::from_sorted(entries) });
    }
    index.anonymous = r.u64("the rooms without _id")?;
    let table = r.u64("the _id table's size")?;
    let rooms = r.count(true, "rooms", 32)?;
    index.ids = RoomIds::with_table(rooms, table as usize).ok_or_else(|| r.error("the _id table's size does not fit the rooms", ""))?;
    // A bit per column entry: taken by an identified room.
    let mut taken: Vec<Vec<u64>> = index.slots.iter().map(|slot| vec![0; (slot.rooms.len() as usize).div_ceil(64)]).collect();
    let mut identified = 0u64;
    // In batches, each a call: a browser runs a new module's code unoptimised
    // until it has been called a while, and never swaps the code of a call
    // already running, so one loop over a million rooms would run slowly
    // to its end (Chromium, 1M rooms: 300 ms cold in one loop, about 190 ms
    // in calls of 1,024; 90–130 ms warm).
    let mut left = rooms;
    while left > 0 {
        let batch = left.min(ROOMS_PER_CALL);
        identified += read_rooms(r, &mut index, &mut taken, batch)?;
        left -= batch;
    }
    if r.at != r.end() {
        return Err(r.error("bytes after the last room", ""));
    }
    if !index.ids.finish_reading() {
        return Err(r.error("a room's _id is not one this library writes, or appears twice", ""));
    }
    let entries: u64 = index.slots.iter().map(|slot| slot.rooms.len()).sum();
    if entries - identified > index.anonymous {
        return Err(DataError::new("snapshot: the columns hold more rooms than the rooms listed and the rooms without _id"));
    }
    Ok(index)
}

/// Appends `count` column entries, checked in order and valid.
#[inline(never)]
fn read_entries(r: &mut Reader<'_>, entries: &mut Vec<i64>, count: usize) -> Result<(), DataError> {
    let at = r.at;
    let bytes = r.take(count * 8, "a column entry")?;
    for (i, word) in bytes.chunks_exact(8).enumerate() {
        let entry = i64::from_le_bytes(word.try_into().unwrap_or_default());
        if entries.last().is_some_and(|&last| last > entry) || !valid_entry(entry) {
            return Err(fail(at + i * 8 + 8, "a column is out of order or holds a time no Date can hold", ""));
        }
        entries.push(entry);
    }
    Ok(())
}

/// Rooms (or column entries) read in one call (see `read_body`).
const ROOMS_PER_CALL: usize = 1024;

/// Reads `count` rooms into `index`; returns how many have an entry.
/// A room's fixed fields are read in two slices, not four calls (1M rooms,
/// native: 82 -> 66 ms). Tried and slower: a first pass looking up every
/// room's entry, then a second filling the `_id` table (86 ms); reading
/// entries from the snapshot's columns rather than the packed ones (100
/// ms: three times the bytes to miss in).
#[inline(never)]
fn read_rooms(r: &mut Reader<'_>, index: &mut ChatIndex, taken: &mut [Vec<u64>], count: usize) -> Result<u64, DataError> {
    let mut identified = 0;
    let word = |bytes: &[u8], at: usize| u64::from_le_bytes(bytes.get(at..at + 8).and_then(|b| b.try_into().ok()).unwrap_or_default());
    for _ in 0..count {
        let key = r.take(16, "a room's _id")?;
        let key = u128::from(word(key, 0)) | u128::from(word(key, 8)) << 64;
        let text = match RoomIds::is_text_key(key) {
            true => Some(r.text("a room's _id")?),
            false => None,
        };
        // `_updatedAt` i64, slot u32, position u32.
        let rest = r.take(16, "a room's _updatedAt, department and entry")?;
        let (updated_at, slot_position) = (word(rest, 0) as i64, word(rest, 8));
        let (slot, position) = (slot_position as u32, (slot_position >> 32) as usize);
        let entry = match (slot, index.slots.get(slot as usize)) {
            (NOT_COUNTED, _) => None,
            (_, Some(department)) => {
                let bits = &mut taken[slot as usize];
                let value = department.rooms.entry_at(position).filter(|_| bits[position / 64] & (1 << (position % 64)) == 0);
                let value = value.ok_or_else(|| r.error("a room names an entry that is not there or is another room's", ""))?;
                bits[position / 64] |= 1 << (position % 64);
                identified += 1;
                Some((slot, value))
            }
            _ => return Err(r.error("a room names a department that is not there", "")),
        };
        if !index.ids.add_packed(key, text, Held { updated_at, entry }) {
            return Err(r.error("a room's _id is not one this library writes, or appears twice", ""));
        }
    }
    Ok(identified)
}

/// A snapshot error at byte `at`: one formatting site for every message.
#[cold]
#[inline(never)]
fn fail(at: usize, what: &str, detail: &str) -> DataError {
    DataError::new(format!("snapshot: at byte {at}: {what}{detail}"))
}

/// `ts * 2 + open` with `ts` a time a JavaScript `Date` can hold.
fn valid_entry(entry: i64) -> bool {
    (entry >> 1).abs() <= MAX_TIME_MS
}

/// Appends bytes. Not inlined: a copy of `Vec`'s growth at every field
/// written would cost kilobytes of the module.
#[inline(never)]
fn put(out: &mut Vec<u8>, bytes: &[u8]) {
    out.extend_from_slice(bytes);
}

fn put_text(out: &mut Vec<u8>, text: &str) {
    put(out, &(text.len() as u32).to_le_bytes());
    put(out, text.as_bytes());
}

fn put_pairs(out: &mut Vec<u8>, departments: &Departments) {
    // In the map's order: sorting here would cost 4 KB of the module.
    put(out, &(departments.len() as u32).to_le_bytes());
    for (id, key) in departments.iter() {
        put_text(out, id);
        put_text(out, key);
    }
}

/// The body checksum of the header: 64 bits, eight bytes at a time
/// (multiply, rotate); fast, and for catching damage, not tampering.
///
/// # Example
/// ```
/// use chats_per_department::chart::index::snapshot::checksum;
/// assert_ne!(checksum(b"room"), checksum(b"roon"));
/// ```
pub fn checksum(bytes: &[u8]) -> u64 {
    let mut lanes = [bytes.len() as u64 ^ K; 4];
    let (whole, rest) = bytes.split_at(bytes.len() - bytes.len() % 32);
    // In calls of 64 KiB: a browser runs a new module's code unoptimised
    // until it has been called a while (see `read_body`).
    for chunk in whole.chunks(1 << 16) {
        checksum_blocks(&mut lanes, chunk);
    }
    let mut h = lanes.iter().fold(0, |h: u64, &lane| (h ^ lane).wrapping_mul(K).rotate_left(29));
    for &b in rest {
        h = (h ^ u64::from(b)).wrapping_mul(K).rotate_left(29);
    }
    h ^ (h >> 32)
}

const K: u64 = 0x9E37_79B9_7F4A_7C15;

/// Four independent lanes over 32-byte blocks, so that the
/// multiplications overlap (version 2's one lane waited on each).
#[inline(never)]
fn checksum_blocks(lanes: &mut [u64; 4], bytes: &[u8]) {
    for block in bytes.chunks_exact(32) {
        for (lane, word) in lanes.iter_mut().zip(block.chunks_exact(8)) {
            let w = u64::from_le_bytes(word.try_into().unwrap_or_default());
            *lane = (*lane ^ w).wrapping_mul(K).rotate_left(29);
        }
    }
}

/// Bounds-checked reading; `at` counts from the snapshot's first byte.
struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn end(&self) -> usize {
        self.at + self.bytes.len()
    }

    fn error(&self, what: &str, detail: &str) -> DataError {
        fail(self.at, what, detail)
    }

    // Not inlined: a copy at every field read would cost kilobytes of the module.
    #[inline(never)]
    fn take(&mut self, n: usize, what: &str) -> Result<&'a [u8], DataError> {
        if self.bytes.len() < n {
            return Err(self.error("truncated while reading ", what));
        }
        let (head, tail) = self.bytes.split_at(n);
        self.bytes = tail;
        self.at += n;
        Ok(head)
    }

    fn u8(&mut self, what: &str) -> Result<u8, DataError> {
        Ok(self.take(1, what)?[0])
    }

    #[inline(never)]
    fn u32(&mut self, what: &str) -> Result<u32, DataError> {
        Ok(u32::from_le_bytes(self.take(4, what)?.try_into().unwrap_or_default()))
    }

    #[inline(never)]
    fn u64(&mut self, what: &str) -> Result<u64, DataError> {
        Ok(u64::from_le_bytes(self.take(8, what)?.try_into().unwrap_or_default()))
    }

    /// A count (`u64` when `wide`, else `u32`) of items at least `size`
    /// bytes each: never more than the bytes left could hold, so a damaged
    /// count cannot allocate wildly.
    #[inline(never)]
    fn count(&mut self, wide: bool, what: &str, size: usize) -> Result<usize, DataError> {
        let count = if wide { self.u64(what)? } else { u64::from(self.u32(what)?) };
        if count > (self.bytes.len() / size) as u64 {
            return Err(self.error("more than the bytes left can hold: ", what));
        }
        Ok(count as usize)
    }

    #[inline(never)]
    fn text(&mut self, what: &str) -> Result<&'a str, DataError> {
        let length = self.u32(what)? as usize;
        let at = self.at;
        std::str::from_utf8(self.take(length, what)?).map_err(|_| fail(at, "not UTF-8: ", what))
    }

    #[inline(never)]
    fn pairs(&mut self, what: &str) -> Result<Departments, DataError> {
        let count = self.count(false, what, 8)?;
        let mut departments = Departments::default();
        for _ in 0..count {
            let id = self.text("a department id")?;
            let key = self.text("a department name")?;
            if !departments.insert_missing(id, key) {
                return Err(self.error("a department appears twice: ", id));
            }
        }
        Ok(departments)
    }
}
