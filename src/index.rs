//! `ChatIndex`: rooms loaded once, the chart re-queried in microseconds.
//!
//! A dashboard recomputes the chart on every move of a date picker. A scan
//! of a million rooms per move is too slow, so rooms are stored the way the
//! query reads them: one sorted column of creation times per department and
//! state (open or closed). A query is then two binary searches per
//! department and state: O(departments × log rooms), about a microsecond.
//!
//! Rooms that can never be counted (other room types, `open: false`, no
//! `departmentId`, no `ts`) are counted in [`ChatIndex::size`] and not
//! stored. What is stored costs 8 bytes per room.
//!
//! Pages are added as they arrive. New times go to an unsorted tail per
//! column, merged into the sorted part on the next query, so loading N
//! pages and then querying costs one merge, not N rebuilds. An `add` that
//! fails leaves the index exactly as it was before the call.

use crate::body::{Body, DepartmentCount};
use crate::department::{Departments, IdMap};
use crate::json_input::{read_room_record, read_rooms_into};
use crate::stream::RecordSplitter;
use crate::params::{validate, Params, Query};
use crate::room::{DataError, DepartmentRef, DepartmentView, RoomSink, RoomView, State};
use crate::zone::LocalZone;
use crate::{data_failure, INVALID_DEPARTMENTS};
use std::collections::BTreeMap;
use std::mem::size_of;

/// Rooms indexed for repeated chart queries; answers exactly what
/// [`respond`](crate::respond) answers for the same rooms.
///
/// # Example
/// ```
/// use chats_per_department::index::ChatIndex;
/// use chats_per_department::params::Params;
/// use chats_per_department::zone::Utc;
/// let mut index = ChatIndex::new(None);
/// index.add_json(br#"[{"t":"l","open":true,"departmentId":"d","department":{"_id":"d","name":"Sales"},"ts":"2020-09-10T00:00:00Z"}]"#, &Utc).unwrap();
/// index.add_json(br#"{"rooms":[{"t":"l","departmentId":"d","ts":"2020-09-11T00:00:00Z"}]}"#, &Utc).unwrap();
/// let body = index.query(&Params::from_pairs([("start", "2020-09-01"), ("end", "2020-10-01")]), &Utc);
/// assert_eq!(body.to_json(), r#"{"Sales":{"open":1,"closed":1},"success":true}"#);
/// assert_eq!(index.size(), 2);
/// ```
#[derive(Debug, Default)]
pub struct ChatIndex {
    /// The departments list given at construction, if any.
    listed: Option<Departments>,
    /// A bad departments list: reported by every query, after the params.
    listed_error: Option<DataError>,
    /// Names from rooms' embedded `department` objects (used without a list).
    embedded: Departments,
    /// One entry per distinct `departmentId` value seen (null included).
    slots: Vec<Slot>,
    slot_of: IdMap<u32>,
    null_slot: Option<u32>,
    /// Every room added, countable or not.
    held: usize,
    /// Slots grouped by body key, in key order: rebuilt when slots or
    /// names change, so a query only sums and writes.
    groups: Option<Vec<Group>>,
    /// Which group each slot belongs to (built with `groups`).
    group_of_slot: Vec<u32>,
    /// Bumped whenever `groups` is rebuilt, so callers can cache names.
    generation: u64,
}

/// The slots whose department has one body key.
#[derive(Debug)]
struct Group {
    name: String,
    slots: Vec<u32>,
}

#[derive(Debug)]
struct Slot {
    department: DepartmentRef,
    rooms: Column,
}

impl Slot {
    fn push(&mut self, state: State, ts: i64) {
        self.rooms.tail.push(ts * 2 + i64::from(state == State::Open));
    }
}

/// The creation time of a room the chart can ever count; `None` for rooms
/// that are only counted in `size`.
fn countable(room: RoomView<'_>) -> Option<i64> {
    match (room.state, room.department) {
        (State::Neither, _) | (_, DepartmentView::Absent) => None,
        _ => room.ts,
    }
}

/// A stream's staging index takes rooms directly: a stream that fails is
/// dropped whole, so no per-record undo is needed.
impl RoomSink for ChatIndex {
    fn room(&mut self, room: RoomView<'_>) {
        self.held += 1;
        if let Some(ts) = countable(room) {
            let slot = self.slot(room.department) as usize;
            self.slots[slot].push(room.state, ts);
        }
    }

    fn embedded(&mut self, id: &str, key: &str) {
        if self.embedded.insert_missing(id, key) {
            self.groups = None;
        }
    }

    /// Empties the index's rooms (departments given at construction stay).
    fn reset(&mut self) {
        let listed = self.listed.take();
        let listed_error = self.listed_error.take();
        *self = ChatIndex { listed, listed_error, ..ChatIndex::default() };
    }
}

/// The rooms of one department: creation times, sorted, each stored as
/// `ts * 2 + open` (so open and closed rooms share one column and a query
/// needs two searches per department, not four), plus an unsorted tail of
/// recent additions.
///
/// `fences` holds every `BLOCK`-th sorted entry and `opens_before` the
/// number of open rooms before each block. A search first finds the block
/// among the fences (a small array that stays in cache), then the position
/// within one block of 512 bytes; the open rooms up to a position are the
/// block's prefix plus the low bits scanned within the block.
#[derive(Debug, Default)]
struct Column {
    sorted: Vec<i64>,
    tail: Vec<i64>,
    fences: Vec<i64>,
    opens_before: Vec<u32>,
}

/// Entries per fence (see [`Column`]); costs 12/64 bytes per room.
const BLOCK: usize = 64;

impl Column {
    /// Merges the tail into the sorted part, in place (no second copy of
    /// the column: wasm memory never shrinks, so peaks count), and rebuilds
    /// the fences.
    fn settle(&mut self) {
        if self.tail.is_empty() {
            return;
        }
        self.merge_tail();
        self.fences = self.sorted.iter().step_by(BLOCK).copied().collect();
        let mut opens = 0u32;
        self.opens_before = self
            .sorted
            .chunks(BLOCK)
            .map(|block| {
                let before = opens;
                opens += block.iter().map(|&e| (e & 1) as u32).sum::<u32>();
                before
            })
            .collect();
    }

    fn merge_tail(&mut self) {
        self.tail.sort_unstable();
        if self.sorted.is_empty() {
            self.sorted = std::mem::take(&mut self.tail);
            self.sorted.shrink_to_fit();
            return;
        }
        let (old, new) = (self.sorted.len(), self.tail.len());
        self.sorted.reserve_exact(new);
        self.sorted.resize(old + new, 0);
        let (mut i, mut j, mut write) = (old, new, old + new);
        while j > 0 {
            write -= 1;
            if i > 0 && self.sorted[i - 1] > self.tail[j - 1] {
                self.sorted[write] = self.sorted[i - 1];
                i -= 1;
            } else {
                self.sorted[write] = self.tail[j - 1];
                j -= 1;
            }
        }
        self.tail = Vec::new();
    }

    /// Adds staged entries, moving the vector when the tail is empty.
    fn take_tail(&mut self, entries: Vec<i64>) {
        if self.tail.is_empty() {
            self.tail = entries;
        } else {
            self.tail.extend_from_slice(&entries);
        }
    }

    /// `(open, closed)` rooms created within `start..=end` (call `settle`
    /// first).
    fn count(&self, start: i64, end: i64) -> (u64, u64) {
        if start > end {
            return (0, 0);
        }
        let from = self.rank(start * 2);
        let to = self.rank(end * 2 + 2);
        let open = self.opens_up_to(to) - self.opens_up_to(from);
        (open, (to - from) as u64 - open)
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
        let block = position / BLOCK;
        let Some(&before) = self.opens_before.get(block) else {
            // `position` is the column's end and ends a whole block.
            return self.opens_before.last().map_or(0, |&b| {
                let last = &self.sorted[(self.opens_before.len() - 1) * BLOCK..];
                u64::from(b) + last.iter().map(|&e| (e & 1) as u64).sum::<u64>()
            });
        };
        let within = &self.sorted[block * BLOCK..position];
        u64::from(before) + within.iter().map(|&e| (e & 1) as u64).sum::<u64>()
    }

    fn bytes(&self) -> usize {
        (self.sorted.capacity() + self.tail.capacity() + self.fences.capacity()) * size_of::<i64>()
            + self.opens_before.capacity() * size_of::<u32>()
    }
}

impl ChatIndex {
    /// An empty index. With `departments`, names come from that list (as
    /// the server's join); without, from rooms' embedded `department`.
    pub fn new(departments: Option<Departments>) -> Self {
        ChatIndex { listed: departments, ..ChatIndex::default() }
    }

    /// An index whose departments list was bad: every query (with valid
    /// parameters) answers this error, as `chatsPerDepartment` would.
    pub fn with_departments_error(error: DataError) -> Self {
        ChatIndex { listed_error: Some(error), ..ChatIndex::default() }
    }

    /// Rooms added so far, countable or not.
    pub fn size(&self) -> usize {
        self.held
    }

    /// Bytes held by the room columns (capacity, not just length).
    pub fn column_bytes(&self) -> usize {
        self.slots.iter().map(|s| s.rooms.bytes()).sum::<usize>() + self.slots.capacity() * size_of::<Slot>()
    }

    /// Adds a page of rooms given as JSON (array, REST page, or NDJSON).
    /// All or nothing: on error the index is unchanged. Returns the number
    /// of rooms the page held.
    pub fn add_json(&mut self, json: &[u8], zone: &dyn LocalZone) -> Result<usize, DataError> {
        self.load(|loader| read_rooms_into(json, zone, loader))
    }

    /// Adds rooms fed one by one by `feed` (for callers that read records
    /// themselves). All or nothing, like [`ChatIndex::add_json`].
    pub fn load(&mut self, feed: impl FnOnce(&mut Loader) -> Result<(), DataError>) -> Result<usize, DataError> {
        let mut loader = Loader::new(self);
        match feed(&mut loader) {
            Ok(()) => Ok(loader.commit()),
            Err(error) => {
                loader.rollback();
                Err(error)
            }
        }
    }

    /// The body the server would return for `params` over the rooms added.
    pub fn query(&mut self, params: &Params, zone: &dyn LocalZone) -> Body {
        let query = match validate(params, zone) {
            Ok(query) => query,
            Err(failure) => return Body::Failure(failure),
        };
        if let Some(error) = &self.listed_error {
            return data_failure(error.clone(), INVALID_DEPARTMENTS);
        }
        self.settle();
        Body::Chart(self.count(&query))
    }

    /// Counts for an already validated query (call `settle` first).
    fn count(&mut self, query: &Query) -> Vec<DepartmentCount> {
        let counts = self.group_counts(query);
        let groups = self.groups.as_deref().unwrap_or_default();
        groups
            .iter()
            .zip(counts.chunks(2))
            .filter(|(_, c)| c[0] + c[1] > 0)
            .map(|(group, c)| DepartmentCount { name: group.name.clone(), open: c[0], closed: c[1] })
            .collect()
    }

    /// `[open, closed]` per group, in group (body) order, zeros included.
    fn group_counts(&mut self, query: &Query) -> Vec<u64> {
        self.ensure_groups();
        let (start, end) = (query.start, query.end);
        let groups = self.groups.as_deref().unwrap_or_default();
        let mut counts = vec![0u64; groups.len() * 2];
        if let Some(id) = &query.department_id {
            if let Some(&slot) = self.slot_of.get(id.as_str()) {
                let (open, closed) = self.slots[slot as usize].rooms.count(start, end);
                let group = self.group_of_slot[slot as usize] as usize;
                counts[group * 2] = open;
                counts[group * 2 + 1] = closed;
            }
            return counts;
        }
        for (group, pair) in groups.iter().zip(counts.chunks_mut(2)) {
            for &slot in &group.slots {
                let (open, closed) = self.slots[slot as usize].rooms.count(start, end);
                pair[0] += open;
                pair[1] += closed;
            }
        }
        counts
    }

    /// For callers that build the body themselves (the wasm bindings build
    /// the JavaScript object directly): validates `params` and returns the
    /// grouping generation with `[open, closed]` per group, in the order of
    /// [`ChatIndex::group_names`], zeros included. Errors come as the body.
    pub fn query_groups(&mut self, params: &Params, zone: &dyn LocalZone) -> Result<(u64, Vec<u64>), Body> {
        let query = validate(params, zone).map_err(Body::Failure)?;
        if let Some(error) = &self.listed_error {
            return Err(data_failure(error.clone(), INVALID_DEPARTMENTS));
        }
        self.settle();
        let counts = self.group_counts(&query);
        Ok((self.generation, counts))
    }

    /// The body keys of the groups, in body order (current generation).
    pub fn group_names(&mut self) -> Vec<&str> {
        self.ensure_groups();
        self.groups.as_deref().unwrap_or_default().iter().map(|g| g.name.as_str()).collect()
    }

    fn ensure_groups(&mut self) {
        if self.groups.is_none() {
            let groups = self.build_groups();
            self.group_of_slot = vec![0; self.slots.len()];
            for (g, group) in groups.iter().enumerate() {
                for &slot in &group.slots {
                    self.group_of_slot[slot as usize] = g as u32;
                }
            }
            self.groups = Some(groups);
            self.generation += 1;
        }
    }

    fn build_groups(&self) -> Vec<Group> {
        let departments = self.listed.as_ref().unwrap_or(&self.embedded);
        let mut by_name: BTreeMap<&str, Vec<u32>> = BTreeMap::new();
        for (i, slot) in self.slots.iter().enumerate() {
            by_name.entry(departments.key_for(&slot.department)).or_default().push(i as u32);
        }
        by_name.into_iter().map(|(name, slots)| Group { name: name.to_owned(), slots }).collect()
    }

    /// Merges every column's recent additions (done by `query`; call it
    /// after loading to move the cost out of the first query).
    pub fn settle(&mut self) {
        for slot in &mut self.slots {
            slot.rooms.settle();
        }
    }

    /// Starts loading a byte stream (see [`StreamLoad`]).
    pub fn begin_stream() -> StreamLoad {
        StreamLoad { splitter: RecordSplitter::new("rooms"), staging: ChatIndex::default() }
    }

    /// Ends a stream: checks the document was complete, then takes all its
    /// rooms at once. On error nothing is added. Returns the rooms added.
    pub fn finish_stream(&mut self, stream: StreamLoad) -> Result<usize, DataError> {
        stream.splitter.finish()?;
        let staging = stream.staging;
        let added = staging.held;
        for slot in staging.slots {
            let view = match &slot.department {
                DepartmentRef::Id(id) => DepartmentView::Id(id),
                _ => DepartmentView::Null,
            };
            let target = self.slot(view) as usize;
            let target = &mut self.slots[target];
            target.rooms.take_tail(slot.rooms.tail);
        }
        self.embedded.merge_missing(staging.embedded);
        self.groups = None;
        self.held += added;
        Ok(added)
    }

    /// The slot of a department (absent departments are never stored).
    fn slot(&mut self, department: DepartmentView<'_>) -> u32 {
        let existing = match department {
            DepartmentView::Id(id) => self.slot_of.get(id).copied(),
            _ => self.null_slot,
        };
        if let Some(slot) = existing {
            return slot;
        }
        let slot = self.slots.len() as u32;
        self.groups = None;
        let department = match department {
            DepartmentView::Id(id) => {
                self.slot_of.insert(id.to_owned(), slot);
                DepartmentRef::Id(id.to_owned())
            }
            _ => {
                self.null_slot = Some(slot);
                DepartmentRef::Null
            }
        };
        self.slots.push(Slot { department, rooms: Column::default() });
        slot
    }

    /// Forgets the slots from `len` on (undoing a failed load).
    fn truncate_slots(&mut self, len: usize) {
        self.groups = None;
        for slot in self.slots.drain(len..) {
            match slot.department {
                DepartmentRef::Id(id) => {
                    self.slot_of.remove(&id);
                }
                _ => self.null_slot = None,
            }
        }
    }
}

/// A page being added to a [`ChatIndex`]: remembers how to undo itself.
pub struct Loader<'a> {
    index: &'a mut ChatIndex,
    slots_before: usize,
    /// Existing slots touched, with their tail lengths before the page.
    touched: Vec<(u32, usize)>,
    touched_mark: Vec<bool>,
    embedded_added: Vec<String>,
    rooms: usize,
}

impl<'a> Loader<'a> {
    fn new(index: &'a mut ChatIndex) -> Self {
        let slots_before = index.slots.len();
        Loader { index, slots_before, touched: Vec::new(), touched_mark: vec![false; slots_before], embedded_added: Vec::new(), rooms: 0 }
    }

    fn commit(self) -> usize {
        self.index.held += self.rooms;
        self.rooms
    }

    fn rollback(mut self) {
        self.reset();
    }
}

impl RoomSink for Loader<'_> {
    fn room(&mut self, room: RoomView<'_>) {
        self.rooms += 1;
        let Some(ts) = countable(room) else {
            return;
        };
        let slot = self.index.slot(room.department) as usize;
        if slot < self.slots_before && !self.touched_mark[slot] {
            self.touched_mark[slot] = true;
            self.touched.push((slot as u32, self.index.slots[slot].rooms.tail.len()));
        }
        self.index.slots[slot].push(room.state, ts);
    }

    fn embedded(&mut self, id: &str, key: &str) {
        if self.index.embedded.insert_missing(id, key) {
            self.index.groups = None;
            self.embedded_added.push(id.to_owned());
        }
    }

    fn reset(&mut self) {
        self.index.truncate_slots(self.slots_before);
        for (slot, len) in self.touched.drain(..) {
            self.index.slots[slot as usize].rooms.tail.truncate(len);
            self.touched_mark[slot as usize] = false;
        }
        for id in self.embedded_added.drain(..) {
            self.index.embedded.remove(&id);
            self.index.groups = None;
        }
        self.rooms = 0;
    }
}

/// A byte stream being loaded into a [`ChatIndex`]: records are parsed as
/// chunks arrive into a staging area that queries do not see, and join the
/// index only when [`ChatIndex::finish_stream`] succeeds.
///
/// # Example
/// ```
/// use chats_per_department::index::ChatIndex;
/// use chats_per_department::params::Params;
/// use chats_per_department::zone::Utc;
/// let mut index = ChatIndex::new(None);
/// let mut stream = ChatIndex::begin_stream();
/// stream.push(br#"[{"t":"l","open":true,"departmentId":null,"ts":"2020-01-0"#, &Utc).unwrap();
/// stream.push(br#"1T00:00:00Z"}]"#, &Utc).unwrap();
/// assert_eq!(index.finish_stream(stream).unwrap(), 1);
/// let body = index.query(&Params::from_pairs([("start", "2020"), ("end", "2021")]), &Utc);
/// assert_eq!(body.to_json(), r#"{"undefined":{"open":1,"closed":0},"success":true}"#);
/// ```
pub struct StreamLoad {
    splitter: RecordSplitter,
    staging: ChatIndex,
}

impl StreamLoad {
    /// Parses the records this chunk completes.
    pub fn push(&mut self, chunk: &[u8], zone: &dyn LocalZone) -> Result<(), DataError> {
        let staging = &mut self.staging;
        self.splitter.push(chunk, &mut |record, index| read_room_record(record, index, zone, staging))
    }

    /// Bytes of input held between chunks (at most one chunk and one record).
    pub fn buffered(&self) -> usize {
        self.splitter.buffered()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::zone::Utc;

    fn params(start: &str, end: &str) -> Params {
        Params::from_pairs([("start", start), ("end", end)])
    }

    #[test]
    fn failed_add_changes_nothing() {
        let mut index = ChatIndex::new(None);
        index.add_json(br#"[{"t":"l","open":true,"departmentId":"a","department":{"_id":"a","name":"A"},"ts":1000}]"#, &Utc).unwrap();
        let before = index.query(&params("1970", "1971"), &Utc);
        let bad = br#"[{"t":"l","departmentId":"a","ts":5},{"t":"l","departmentId":"b","department":{"_id":"b","name":"B"},"ts":6},{"ts":"no"}]"#;
        let err = index.add_json(bad, &Utc).unwrap_err();
        assert!(err.message.starts_with("rooms[2].ts is not a date"));
        assert_eq!(index.size(), 1);
        assert_eq!(index.query(&params("1970", "1971"), &Utc), before);
        assert_eq!(index.slots.len(), 1);
        assert_eq!(index.embedded.key_of_id("b"), None);
    }

    #[test]
    fn merges_keep_columns_sorted() {
        let mut index = ChatIndex::new(None);
        for page in [[5, 1, 9], [3, 7, 2], [8, 0, 4]] {
            let rooms: Vec<String> = page.iter().map(|t| format!(r#"{{"t":"l","departmentId":null,"ts":{t}}}"#)).collect();
            index.add_json(format!("[{}]", rooms.join(",")).as_bytes(), &Utc).unwrap();
            index.settle();
        }
        let times: Vec<i64> = index.slots[0].rooms.sorted.iter().map(|e| e / 2).collect();
        assert_eq!(times, vec![0, 1, 2, 3, 4, 5, 7, 8, 9]);
        assert_eq!(index.slots[0].rooms.fences, vec![0]);
        let query = Query { start: 2, end: 7, department_id: None };
        assert_eq!(index.count(&query)[0].closed, 5);
        assert_eq!(index.count(&query)[0].open, 0);
    }

    #[test]
    fn fenced_search_counts_like_a_scan() {
        for size in [0, 1, 63, 64, 65, 128, 5000] {
            let mut column = Column::default();
            let mut x: u64 = 7 + size as u64;
            let mut rooms = Vec::new();
            for _ in 0..size {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                let (ts, open) = ((x % 3000) as i64, x % 3 == 0);
                rooms.push((ts, open));
                column.tail.push(ts * 2 + i64::from(open));
            }
            column.settle();
            for start in (-10..3100).step_by(37) {
                for end in (start - 50..3100).step_by(91) {
                    let within = |&&(t, _): &&(i64, bool)| t >= start && t <= end;
                    let open = rooms.iter().filter(within).filter(|(_, o)| *o).count() as u64;
                    let closed = rooms.iter().filter(within).filter(|(_, o)| !*o).count() as u64;
                    assert_eq!(column.count(start, end), (open, closed), "{size} rooms, {start}..={end}");
                }
            }
        }
    }

    #[test]
    fn bad_department_list_answers_after_params() {
        let mut index = ChatIndex::with_departments_error(DataError::new("departments[0]._id is missing"));
        assert!(index.query(&Params::from_pairs([("start", "x")]), &Utc).to_json().contains("invalid-params"));
        assert!(index.query(&params("2020", "2021"), &Utc).to_json().contains("departments[0]._id is missing [invalid-departments]"));
    }
}
