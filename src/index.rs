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

use crate::aggregate::Totals;
use crate::body::{Body, Failure};
use crate::department::Departments;
use crate::json_input::{read_room_record, read_rooms_into, RoomTarget};
use crate::stream::RecordSplitter;
use crate::params::{validate, Params, Query};
use crate::room::{DataError, DepartmentRef, Room, RoomFields, State};
use crate::zone::LocalZone;
use crate::{data_failure, INVALID_DEPARTMENTS, INVALID_ROOMS};
use std::collections::HashMap;
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
    slot_of: HashMap<DepartmentRef, u32>,
    /// Every room added, countable or not.
    held: usize,
}

#[derive(Debug)]
struct Slot {
    department: DepartmentRef,
    open: Column,
    closed: Column,
}

/// Creation times of one department and state: a sorted part and an
/// unsorted tail of recent additions.
#[derive(Debug, Default)]
struct Column {
    sorted: Vec<i64>,
    tail: Vec<i64>,
}

impl Column {
    /// Merges the tail into the sorted part, in place (no second copy of
    /// the column: wasm memory never shrinks, so peaks count).
    fn settle(&mut self) {
        if self.tail.is_empty() {
            return;
        }
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

    /// Adds staged times, moving the vector when the tail is empty.
    fn take_tail(&mut self, times: Vec<i64>) {
        if self.tail.is_empty() {
            self.tail = times;
        } else {
            self.tail.extend_from_slice(&times);
        }
    }

    /// Times within `start..=end` (call `settle` first).
    fn count(&self, start: i64, end: i64) -> u64 {
        if start > end {
            return 0;
        }
        let from = self.sorted.partition_point(|&t| t < start);
        let to = self.sorted.partition_point(|&t| t <= end);
        (to - from) as u64
    }

    fn bytes(&self) -> usize {
        (self.sorted.capacity() + self.tail.capacity()) * size_of::<i64>()
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
        self.slots.iter().map(|s| s.open.bytes() + s.closed.bytes()).sum::<usize>() + self.slots.capacity() * size_of::<Slot>()
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
        Body::Chart(self.count(&query).into_counts())
    }

    /// Counts for an already validated query (call `settle` first).
    fn count(&self, query: &Query) -> Totals<'_> {
        let departments = self.listed.as_ref().unwrap_or(&self.embedded);
        let mut totals = Totals::default();
        let mut add = |slot: &Slot| {
            let open = slot.open.count(query.start, query.end);
            let closed = slot.closed.count(query.start, query.end);
            if open + closed > 0 {
                totals.add(departments.key_for(&slot.department), open, closed);
            }
        };
        match &query.department_id {
            Some(id) => {
                if let Some(&slot) = self.slot_of.get(&DepartmentRef::Id(id.clone())) {
                    add(&self.slots[slot as usize]);
                }
            }
            None => self.slots.iter().for_each(add),
        }
        totals
    }

    /// Merges every column's recent additions (done by `query`; call it
    /// after loading to move the cost out of the first query).
    pub fn settle(&mut self) {
        for slot in &mut self.slots {
            slot.open.settle();
            slot.closed.settle();
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
            let target = self.slot(&slot.department) as usize;
            let target = &mut self.slots[target];
            target.open.take_tail(slot.open.tail);
            target.closed.take_tail(slot.closed.tail);
        }
        self.embedded.merge_missing(staging.embedded);
        self.held += added;
        Ok(added)
    }

    fn slot(&mut self, department: &DepartmentRef) -> u32 {
        if let Some(&slot) = self.slot_of.get(department) {
            return slot;
        }
        let slot = self.slots.len() as u32;
        self.slots.push(Slot { department: department.clone(), open: Column::default(), closed: Column::default() });
        self.slot_of.insert(department.clone(), slot);
        slot
    }
}

/// A page being added to a [`ChatIndex`]: remembers how to undo itself.
pub struct Loader<'a> {
    index: &'a mut ChatIndex,
    slots_before: usize,
    /// Existing slots touched, with their tail lengths before the page.
    touched: Vec<(u32, usize, usize)>,
    touched_mark: Vec<bool>,
    embedded_added: Vec<String>,
    rooms: usize,
}

impl<'a> Loader<'a> {
    fn new(index: &'a mut ChatIndex) -> Self {
        let slots_before = index.slots.len();
        Loader { index, slots_before, touched: Vec::new(), touched_mark: vec![false; slots_before], embedded_added: Vec::new(), rooms: 0 }
    }

    /// Adds one interpreted room (and the department it embeds).
    pub fn add_room(&mut self, room: &Room) {
        self.rooms += 1;
        let ts = match (room.state, &room.department, room.ts) {
            (State::Neither, _, _) | (_, DepartmentRef::Absent, _) | (_, _, None) => return,
            (_, _, Some(ts)) => ts,
        };
        let slot = self.index.slot(&room.department) as usize;
        if slot < self.slots_before && !self.touched_mark[slot] {
            self.touched_mark[slot] = true;
            let s = &self.index.slots[slot];
            self.touched.push((slot as u32, s.open.tail.len(), s.closed.tail.len()));
        }
        let s = &mut self.index.slots[slot];
        match room.state {
            State::Open => s.open.tail.push(ts),
            _ => s.closed.tail.push(ts),
        }
    }

    fn commit(self) -> usize {
        self.index.held += self.rooms;
        self.rooms
    }

    fn rollback(self) {
        for slot in self.index.slots.drain(self.slots_before..) {
            self.index.slot_of.remove(&slot.department);
        }
        for (slot, open, closed) in self.touched {
            let s = &mut self.index.slots[slot as usize];
            s.open.tail.truncate(open);
            s.closed.tail.truncate(closed);
        }
        for id in &self.embedded_added {
            self.index.embedded.remove(id);
        }
    }
}

impl RoomTarget for Loader<'_> {
    fn accept(&mut self, fields: &RoomFields, index: usize, zone: &dyn LocalZone) -> Result<(), DataError> {
        let room = Room::from_fields(fields, index, zone)?;
        if let Some(embedded) = &fields.department {
            let added = self
                .index
                .embedded
                .add_embedded(embedded)
                .map_err(|problem| DataError::new(format!("rooms[{index}].department.{problem}")))?;
            if let Some(id) = added {
                self.embedded_added.push(id);
            }
        }
        self.add_room(&room);
        Ok(())
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
        self.splitter.push(chunk, &mut |record, index| {
            staging.load(|loader| read_room_record(record, index, zone, loader)).map(|_| ())
        })
    }

    /// Bytes of input held between chunks (at most one chunk and one record).
    pub fn buffered(&self) -> usize {
        self.splitter.buffered()
    }
}

/// A failed `add` as the body `chatsPerDepartment` would give for the page.
pub fn add_failure(error: DataError) -> Failure {
    match data_failure(error, INVALID_ROOMS) {
        Body::Failure(failure) => failure,
        Body::Chart(_) => Failure::new("", Some(INVALID_ROOMS)),
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
        assert_eq!(index.slots[0].closed.sorted, vec![0, 1, 2, 3, 4, 5, 7, 8, 9]);
        let query = Query { start: 2, end: 7, department_id: None };
        assert_eq!(index.count(&query).into_counts()[0].closed, 5);
    }

    #[test]
    fn bad_department_list_answers_after_params() {
        let mut index = ChatIndex::with_departments_error(DataError::new("departments[0]._id is missing"));
        assert!(index.query(&Params::from_pairs([("start", "x")]), &Utc).to_json().contains("invalid-params"));
        assert!(index.query(&params("2020", "2021"), &Utc).to_json().contains("departments[0]._id is missing [invalid-departments]"));
    }
}
