//! Snapshots: a [`ChatIndex`] as bytes and back, so that a dashboard
//! reopened shows its chart without loading every room again.
//!
//! The format is this library's own, little-endian, versioned:
//!
//! ```text
//! snapshot   = magic "CPDINDEX" · version u32 (5) · reserved u32 (0)
//!              · body length u64 · checksum u64 · body
//! body       = listed · embedded · slots · anonymous u64 · sealed · recent
//! listed     = u8 0 (no list) | u8 1 · pairs | u8 2 · text (the list's error)
//! embedded   = pairs                          (names from rooms' `department`)
//! pairs      = count u32 · (text id · text body key)*
//! slots      = count u32 · ((u8 1 (null) | u8 2 · text id) · without)*
//! without    = count u64 · entry i64*         (the entries `ts * 2 + open` of
//!              the department's rooms without `_id`, ascending)
//! anonymous  = the rooms without `_id`, counted or not
//! sealed     = widths u8×5 · entry min i64 · delta min i64 · records u64
//!              · directory u32* · record bytes
//!              (the id store's sealed part as it is held, `room_ids/sealed.rs`:
//!              2^(key − rest widths) + 1 directory entries and
//!              ⌈records × width / 8⌉ bytes when there are records)
//! recent     = count u64 · (key u128 · [text _id] · _updatedAt i64
//!              · slot u32 · entry i64)*       (slot u32::MAX: never counted)
//! checksum   = [`checksum`] of the body: four 64-bit lanes over its
//!              32-byte blocks, then its last bytes
//! key        = the `_id` packed as the id store packs it (`room_ids/`);
//!              a text `_id` has the bare text tag, and its text follows
//! text       = length u32 · UTF-8
//! ```
//!
//! Why this shape: loading is bound by memory, not by parsing. The sealed
//! rooms (most of them) are copied as they are held, about 16 bytes a
//! room, instead of being listed and sealed again (more than twice the
//! bytes, and a sort on load). The columns are not written: each is
//! rebuilt from the entries its rooms hold, identified or not, so every
//! identified room has its own entry by construction and nothing needs
//! matching. The earlier versions are in the changelog.
//!
//! Loading trusts nothing: the checksum catches accidents, and every rule
//! the index lives by is checked again (unique ids and departments, keys
//! in the order a lookup expects, times a `Date` can hold, departments
//! that exist), so a corrupt, truncated or foreign snapshot is an error
//! naming what is wrong, never a panic or a wrong count.

use super::{ChatIndex, Slot};
use crate::chart::store::column::Column;
use crate::chart::store::room_ids::SealedDamage;
use crate::chart::store::room_ids::{Held, RoomIds, Shape};
use crate::records::department::Departments;
use crate::records::field::{DataError, DepartmentRef};
use crate::server::zone::MAX_TIME_MS;
use std::fmt;

const MAGIC: &[u8; 8] = b"CPDINDEX";
/// The format version this library writes and reads; a snapshot of
/// another version is refused, naming both.
///
/// # Example
/// ```
/// use chats_per_department::{internals::index::snapshot::VERSION, ChatIndex};
/// let bytes = ChatIndex::new(None).to_bytes();
/// assert_eq!(bytes[8..12], VERSION.to_le_bytes());
/// ```
pub const VERSION: u32 = 5;
const HEADER: usize = 8 + 4 + 4 + 8 + 8;
const NOT_COUNTED: u32 = u32::MAX;
/// 2^53 − 1: the largest count a JavaScript number holds exactly.
const MAX_SAFE_INTEGER: u64 = (1 << 53) - 1;

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
        let without = self.entries_without_id();
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
        for (slot, entries) in self.slots.iter().zip(&without) {
            match &slot.department {
                DepartmentRef::Id(id) => {
                    body.push(2);
                    put_text(&mut body, id);
                }
                _ => body.push(1),
            }
            put(&mut body, &(entries.len() as u64).to_le_bytes());
            body.extend(entries.iter().flat_map(|entry| entry.to_le_bytes()));
        }
        put(&mut body, &self.anonymous.to_le_bytes());
        let (shape, directory, records) = self.ids.sealed_image();
        put(&mut body, &shape.widths);
        put(&mut body, &shape.value_min.to_le_bytes());
        put(&mut body, &shape.delta_min.to_le_bytes());
        put(&mut body, &shape.records.to_le_bytes());
        body.extend(directory.iter().flat_map(|d| d.to_le_bytes()));
        records.for_each(|chunk| put(&mut body, chunk));
        let (count_at, mut count) = (body.len(), 0u64);
        put(&mut body, &0u64.to_le_bytes());
        self.ids.for_each_recent(|key, text, held| {
            put(&mut body, &key.to_le_bytes());
            if let Some(text) = text {
                put_text(&mut body, text);
            }
            put(&mut body, &held.updated_at.to_le_bytes());
            let (slot, value) = held.entry.unwrap_or((NOT_COUNTED, 0));
            put(&mut body, &slot.to_le_bytes());
            put(&mut body, &value.to_le_bytes());
            count += 1;
        });
        body[count_at..count_at + 8].copy_from_slice(&count.to_le_bytes());
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
    /// assert!(ChatIndex::from_bytes(&bytes).unwrap_err().to_string().contains("checksum"));
    /// assert!(ChatIndex::from_bytes(b"{}").unwrap_err().to_string().contains("not a ChatIndex snapshot"));
    /// ```
    pub fn from_bytes(bytes: &[u8]) -> Result<ChatIndex, SnapshotError> {
        let sum = check_header(&bytes[..bytes.len().min(HEADER)], bytes.len() as u64)?;
        let body = &bytes[HEADER..];
        if checksum(body) != sum {
            return Err(SnapshotError::Checksum);
        }
        read_body(&mut Reader { bytes: body, at: HEADER })
    }
}

/// The bytes of a snapshot's header: a caller holding the snapshot
/// outside this crate (in JavaScript, say) checks them before copying
/// the rest.
pub const HEADER_BYTES: usize = HEADER;

/// Checks a snapshot's header (its first [`HEADER_BYTES`], or all of it
/// when shorter) against the snapshot's whole length, before any of the
/// body is read or copied: the magic, the version, and the body length
/// the header announces. Returns the body checksum announced.
///
/// # Example
/// ```
/// use chats_per_department::internals::index::snapshot::{check_header, HEADER_BYTES};
/// use chats_per_department::ChatIndex;
/// let bytes = ChatIndex::new(None).to_bytes();
/// assert!(check_header(&bytes[..HEADER_BYTES], bytes.len() as u64).is_ok());
/// let error = check_header(&bytes[..HEADER_BYTES], 1 << 32).unwrap_err();
/// assert!(error.to_string().contains("followed by other bytes"));
/// ```
pub fn check_header(head: &[u8], total: u64) -> Result<u64, SnapshotError> {
    if head.len() < 8 || &head[..8] != MAGIC {
        return Err(SnapshotError::NotASnapshot);
    }
    if head.len() < HEADER || total < HEADER as u64 {
        return Err(SnapshotError::At(total as usize, Damage::ShorterThanHeader));
    }
    let mut header = Reader { bytes: &head[8..HEADER], at: 8 };
    let version = header.u32("the version")?;
    if version != VERSION {
        return Err(SnapshotError::Version(version));
    }
    if header.u32("the reserved word")? != 0 {
        return Err(SnapshotError::ReservedWord);
    }
    let length = header.u64("the body length")?;
    let body = total - HEADER as u64;
    if length != body {
        let damage = if body < length { Damage::LengthShort } else { Damage::LengthLong };
        return Err(SnapshotError::At(total as usize, damage));
    }
    header.u64("the checksum")
}

fn read_body(r: &mut Reader<'_>) -> Result<ChatIndex, SnapshotError> {
    let mut index = ChatIndex::default();
    match r.u8("the departments list's tag")? {
        0 => {}
        1 => index.listed = Some(r.pairs("departments list")?),
        2 => index.listed_error = Some(DataError::new(r.text("the departments list's error")?)),
        _ => return Err(r.error(Damage::ListTag)),
    }
    index.embedded = r.pairs("embedded departments")?;
    let slots = r.count(false, "departments", 9)?;
    // Each department's entries, of rooms without `_id` first, then of
    // the identified rooms as they are read; sorted into its column last.
    let mut entries: Vec<Vec<i64>> = Vec::with_capacity(slots);
    let mut without = 0;
    for i in 0..slots {
        let department = match r.u8("a department's tag")? {
            1 => DepartmentRef::Null,
            2 => DepartmentRef::Id(r.text("a department id")?.to_owned()),
            _ => return Err(r.error(Damage::DepartmentTag)),
        };
        if index.numbers.number(department.view()) as usize != i {
            return Err(r.error(Damage::DepartmentTwice(None)));
        }
        let count = r.count(true, "entries of rooms without _id", 8)?;
        let mut column = Vec::with_capacity(count);
        while column.len() < count {
            let batch = (count - column.len()).min(ROOMS_PER_CALL);
            read_entries(r, &mut column, batch)?;
        }
        without += count as u64;
        entries.push(column);
        index.slots.push(Slot { department, rooms: Column::default() });
    }
    index.anonymous = r.u64("the rooms without _id")?;
    // A size JavaScript cannot hold exactly is no index's: a forged count.
    if index.anonymous > MAX_SAFE_INTEGER {
        return Err(r.error(Damage::Anonymous));
    }
    if without > index.anonymous {
        return Err(r.error(Damage::AnonymousEntries));
    }
    let shape = r.take(5 + 8 + 8 + 8, "the sealed rooms' shape")?;
    let word = |at: usize| i64::from_le_bytes(shape[at..at + 8].try_into().unwrap_or_default());
    let shape = Shape {
        widths: [shape[0], shape[1], shape[2], shape[3], shape[4]],
        value_min: word(5),
        delta_min: word(13),
        records: word(21) as u64,
    };
    let claim = |slot: u32, value: i64| valid_entry(value) && entries.get_mut(slot as usize).map(|column| column.push(value)).is_some();
    let (ids, taken) = RoomIds::open(shape, r.bytes, slots, claim).map_err(|damage| r.error(Damage::Sealed(damage)))?;
    r.take(taken, "the sealed rooms")?;
    index.ids = ids;
    let recent = r.count(true, "recent rooms", 36)?;
    // In batches, each a call: a browser runs a new module's code unoptimised
    // until it has been called a while, and never swaps the code of a call
    // already running, so one loop over a million rooms would run slowly
    // to its end (Chromium, 1M rooms: 300 ms cold in one loop, about 190 ms
    // in calls of 1,024; 90–130 ms warm).
    let mut left = recent;
    while left > 0 {
        let batch = left.min(ROOMS_PER_CALL);
        read_recent(r, &mut index.ids, &mut entries, batch)?;
        left -= batch;
    }
    if r.at != r.end() {
        return Err(r.error(Damage::Trailing));
    }
    for (slot, mut column) in index.slots.iter_mut().zip(entries) {
        column.sort_unstable();
        slot.rooms = Column::from_sorted(column);
    }
    Ok(index)
}

/// Appends `count` entries of rooms without `_id`, checked in order and
/// valid.
#[inline(never)]
fn read_entries(r: &mut Reader<'_>, entries: &mut Vec<i64>, count: usize) -> Result<(), SnapshotError> {
    let at = r.at;
    let bytes = r.take(count * 8, "a column entry")?;
    for (i, word) in bytes.chunks_exact(8).enumerate() {
        let entry = i64::from_le_bytes(word.try_into().unwrap_or_default());
        if entries.last().is_some_and(|&last| last > entry) || !valid_entry(entry) {
            return Err(SnapshotError::At(at + i * 8 + 8, Damage::Entries));
        }
        entries.push(entry);
    }
    Ok(())
}

/// Rooms (or entries) read in one call (see `read_body`).
const ROOMS_PER_CALL: usize = 1024;

/// Reads `count` recent rooms into `ids`, their entries into `entries`.
#[inline(never)]
fn read_recent(r: &mut Reader<'_>, ids: &mut RoomIds, entries: &mut [Vec<i64>], count: usize) -> Result<(), SnapshotError> {
    let word = |bytes: &[u8], at: usize| u64::from_le_bytes(bytes.get(at..at + 8).and_then(|b| b.try_into().ok()).unwrap_or_default());
    for _ in 0..count {
        let key = r.take(16, "a room's _id")?;
        let key = u128::from(word(key, 0)) | u128::from(word(key, 8)) << 64;
        let text = match RoomIds::is_text_key(key) {
            true => Some(r.text("a room's _id")?),
            false => None,
        };
        // `_updatedAt` i64, slot u32, entry i64.
        let rest = r.take(20, "a room's _updatedAt, department and entry")?;
        let (updated_at, slot, value) = (word(rest, 0) as i64, word(rest, 8) as u32, word(rest, 12) as i64);
        let entry = match entries.get_mut(slot as usize) {
            _ if slot == NOT_COUNTED => None,
            Some(column) if valid_entry(value) => {
                column.push(value);
                Some((slot, value))
            }
            _ => return Err(r.error(Damage::RoomEntry)),
        };
        if !ids.add_recent(key, text, Held { updated_at, entry }) {
            return Err(r.error(Damage::RoomId));
        }
    }
    Ok(())
}

/// Why a snapshot cannot be read: it is not one, it is of another
/// version, or it is damaged at a byte. The message (`Display`) names what
/// and where; [`ChatIndex::from_bytes`]' callers in JavaScript get it as
/// an `Error`'s message.
///
/// # Example
/// ```
/// use chats_per_department::{ChatIndex, SnapshotError};
/// assert_eq!(ChatIndex::from_bytes(b"{}").map(|_| ()), Err(SnapshotError::NotASnapshot));
/// let bytes = ChatIndex::new(None).to_bytes();
/// let error = ChatIndex::from_bytes(&bytes[..20]).map(|_| ()).unwrap_err();
/// assert_eq!(error.to_string(), "snapshot: at byte 20: truncated: shorter than the header");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SnapshotError {
    /// The bytes do not start with `CPDINDEX`.
    NotASnapshot,
    /// A snapshot of this format version, which this library does not read.
    Version(u32),
    /// The header's reserved word is not 0: a newer or damaged snapshot.
    ReservedWord,
    /// The body's checksum does not match the header's.
    Checksum,
    /// Damage found at this byte, counted from the snapshot's first.
    At(usize, Damage),
}

/// What is damaged at a byte of a snapshot.
///
/// # Example
/// ```
/// use chats_per_department::internals::index::snapshot::Damage;
/// assert_eq!(Damage::Truncated("a room's _id").to_string(), "truncated while reading a room's _id");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Damage {
    /// Shorter than the header.
    ShorterThanHeader,
    /// Shorter than the header announces.
    LengthShort,
    /// Longer than the header announces.
    LengthLong,
    /// Ends while reading this part.
    Truncated(&'static str),
    /// This part's count is more than the bytes left could hold.
    Overcount(&'static str),
    /// This part's text is not UTF-8.
    NotUtf8(&'static str),
    /// A department listed twice (with its id, when it is text).
    DepartmentTwice(Option<String>),
    /// A departments list tag this library does not write.
    ListTag,
    /// A department tag this library does not write.
    DepartmentTag,
    /// More rooms without `_id` than JavaScript counts exactly.
    Anonymous,
    /// More entries of rooms without `_id` than such rooms.
    AnonymousEntries,
    /// Entries out of order, or a time no `Date` can hold.
    Entries,
    /// A recent room in no department, or at a time no `Date` can hold.
    RoomEntry,
    /// A recent room's `_id` is not one this library writes, or repeats.
    RoomId,
    /// The sealed rooms are damaged.
    Sealed(SealedDamage),
    /// Bytes after the last room.
    Trailing,
}

impl fmt::Display for SnapshotError {
    // Cold: the messages are built only when a snapshot is refused.
    #[cold]
    #[inline(never)]
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("snapshot: ")?;
        match self {
            SnapshotError::NotASnapshot => f.write_str("not a ChatIndex snapshot (it does not start with CPDINDEX)"),
            SnapshotError::Version(version) => write!(f, "version {version}; this library reads version {VERSION}"),
            SnapshotError::ReservedWord => f.write_str("the reserved header word is not 0 (a newer or damaged snapshot)"),
            SnapshotError::Checksum => f.write_str("corrupt: the checksum does not match the bytes"),
            SnapshotError::At(at, damage) => write!(f, "at byte {at}: {damage}"),
        }
    }
}

impl fmt::Display for Damage {
    #[cold]
    #[inline(never)]
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (what, detail) = match self {
            Damage::ShorterThanHeader => ("truncated: shorter than the header", ""),
            Damage::LengthShort => ("truncated: the header announces more bytes", ""),
            Damage::LengthLong => ("followed by other bytes than the header announces", ""),
            Damage::Truncated(part) => ("truncated while reading ", *part),
            Damage::Overcount(part) => ("more than the bytes left can hold: ", *part),
            Damage::NotUtf8(part) => ("not UTF-8: ", *part),
            Damage::DepartmentTwice(None) => ("a department appears twice", ""),
            Damage::DepartmentTwice(Some(id)) => ("a department appears twice: ", id.as_str()),
            Damage::ListTag => ("unknown departments list tag", ""),
            Damage::DepartmentTag => ("unknown department tag", ""),
            Damage::Anonymous => ("more rooms without _id than an index can hold", ""),
            Damage::AnonymousEntries => ("more entries of rooms without _id than such rooms", ""),
            Damage::Entries => ("entries are out of order or hold a time no Date can hold", ""),
            Damage::RoomEntry => ("a room names a department that is not there, or a time no Date can hold", ""),
            Damage::RoomId => ("a room's _id is not one this library writes, or appears twice", ""),
            Damage::Sealed(damage) => return write!(f, "the sealed rooms: {damage}"),
            Damage::Trailing => ("bytes after the last room", ""),
        };
        f.write_str(what)?;
        f.write_str(detail)
    }
}

impl std::error::Error for SnapshotError {}

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
/// use chats_per_department::internals::index::snapshot::checksum;
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
/// multiplications overlap (with one lane each waits on the last).
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

    fn error(&self, damage: Damage) -> SnapshotError {
        SnapshotError::At(self.at, damage)
    }

    // Not inlined: a copy at every field read would cost kilobytes of the module.
    #[inline(never)]
    fn take(&mut self, n: usize, what: &'static str) -> Result<&'a [u8], SnapshotError> {
        if self.bytes.len() < n {
            return Err(self.error(Damage::Truncated(what)));
        }
        let (head, tail) = self.bytes.split_at(n);
        self.bytes = tail;
        self.at += n;
        Ok(head)
    }

    fn u8(&mut self, what: &'static str) -> Result<u8, SnapshotError> {
        Ok(self.take(1, what)?[0])
    }

    #[inline(never)]
    fn u32(&mut self, what: &'static str) -> Result<u32, SnapshotError> {
        Ok(u32::from_le_bytes(self.take(4, what)?.try_into().unwrap_or_default()))
    }

    #[inline(never)]
    fn u64(&mut self, what: &'static str) -> Result<u64, SnapshotError> {
        Ok(u64::from_le_bytes(self.take(8, what)?.try_into().unwrap_or_default()))
    }

    /// A count (`u64` when `wide`, else `u32`) of items at least `size`
    /// bytes each: never more than the bytes left could hold, so a damaged
    /// count cannot allocate wildly.
    #[inline(never)]
    fn count(&mut self, wide: bool, what: &'static str, size: usize) -> Result<usize, SnapshotError> {
        let count = if wide { self.u64(what)? } else { u64::from(self.u32(what)?) };
        if count > (self.bytes.len() / size) as u64 {
            return Err(self.error(Damage::Overcount(what)));
        }
        Ok(count as usize)
    }

    #[inline(never)]
    fn text(&mut self, what: &'static str) -> Result<&'a str, SnapshotError> {
        let length = self.u32(what)? as usize;
        let at = self.at;
        std::str::from_utf8(self.take(length, what)?).map_err(|_| SnapshotError::At(at, Damage::NotUtf8(what)))
    }

    #[inline(never)]
    fn pairs(&mut self, what: &'static str) -> Result<Departments, SnapshotError> {
        let count = self.count(false, what, 8)?;
        let mut departments = Departments::default();
        for _ in 0..count {
            let id = self.text("a department id")?;
            let key = self.text("a department name")?;
            if !departments.insert_missing(id, key) {
                return Err(self.error(Damage::DepartmentTwice(Some(id.to_owned()))));
            }
        }
        Ok(departments)
    }
}
