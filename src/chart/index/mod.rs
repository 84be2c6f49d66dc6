//! `ChatIndex`: rooms loaded once, kept current as they change, and the
//! chart re-queried in microseconds.
//!
//! A dashboard recomputes the chart on every move of a date picker. A scan
//! of a million rooms per move is too slow, so rooms are stored the way the
//! query reads them: one sorted column of creation times per department
//! (see [`Column`](crate::chart::store::column::Column)). A query is two short
//! searches per department: O(departments × log rooms).
//!
//! Rooms are identified by `_id` ([`RoomIds`]): a room already held is
//! replaced by a version whose `_updatedAt` is newer or equal (equal: the
//! later one wins) and a stale version is ignored, so pages that overlap or
//! arrive late never count a room twice. Rooms without `_id` cannot be told
//! apart and are simply added. [`ChatIndex::remove`] forgets rooms.
//!
//! Every change goes through a [`Page`]: records are read into it first,
//! and only a page read without error is applied, in one step that cannot
//! fail. So a bad page (in `add` or a stream) leaves the index exactly as it
//! was, replacements included.

use crate::chart::body::{by_name, Body, DepartmentCount};
use crate::chart::respond::{checked, data_failure};
use crate::chart::series::{spans, Bucket, Series, Span};
use crate::chart::store::column::Column;
use crate::chart::store::room_ids::{Held, Offer, RoomIds};
use crate::records::department::{DepartmentNumbers, Departments};
use crate::records::field::{DataError, DepartmentRef, DepartmentView};
use crate::records::json_input::read_rooms_into;
use crate::records::stream::RoomStream;
use crate::server::failure::{ErrorType, Failure};
use crate::server::params::{Params, Query};
use crate::server::zone::LocalZone;
use std::mem::size_of;

mod merge;
mod page;
pub mod snapshot;
mod stream;

pub use page::Page;
use page::NOT_COUNTABLE;
pub use stream::StreamLoad;
use stream::STREAM_PAGE;

/// Rooms indexed for repeated chart queries; answers exactly what
/// [`respond`](crate::chart::respond::respond) answers for the rooms held.
///
/// # Example
/// ```
/// use chats_per_department::{ChatIndex, Params, Utc};
/// let mut index = ChatIndex::new(None);
/// index.add_json(br#"[{"_id":"r1","_updatedAt":1,"t":"l","open":true,"departmentId":"d","department":{"_id":"d","name":"Sales"},"ts":"2020-09-10T00:00:00Z"}]"#, &Utc).unwrap();
/// // The same room, closed later: it replaces the open version.
/// index.add_json(br#"{"rooms":[{"_id":"r1","_updatedAt":2,"t":"l","departmentId":"d","ts":"2020-09-10T00:00:00Z"}]}"#, &Utc).unwrap();
/// let body = index.query(&Params::from_pairs([("start", "2020-09-01"), ("end", "2020-10-01")]), &Utc);
/// assert_eq!(body.to_json(), r#"{"Sales":{"open":0,"closed":1},"success":true}"#);
/// assert_eq!(index.size(), 1);
/// ```
#[derive(Debug)]
pub struct ChatIndex {
    /// The departments list given at construction, if any.
    listed: Option<Departments>,
    /// A bad departments list: reported by every query, after the params.
    listed_error: Option<DataError>,
    /// Names from rooms' embedded `department` objects (used without a list).
    embedded: Departments,
    /// One entry per distinct `departmentId` value seen (null included),
    /// numbered by `numbers`.
    slots: Vec<Slot>,
    numbers: DepartmentNumbers,
    /// Identified rooms: the version held of each.
    ids: RoomIds,
    /// Rooms without `_id`.
    anonymous: u64,
    /// Slots grouped by body key, in key order: rebuilt when slots or
    /// names change, so a query only sums and writes.
    groups: Option<Vec<Group>>,
    /// Which group each slot belongs to (built with `groups`).
    group_of_slot: Vec<u32>,
    /// Bumped whenever `groups` is rebuilt, so callers can cache names.
    generation: u64,
}

/// An empty index without a departments list. Not inlined: each inlined
/// copy set up its empty maps again (229 bytes of the gzipped module).
impl Default for ChatIndex {
    #[inline(never)]
    fn default() -> Self {
        ChatIndex {
            listed: None,
            listed_error: None,
            embedded: Departments::default(),
            slots: Vec::new(),
            numbers: DepartmentNumbers::default(),
            ids: RoomIds::default(),
            anonymous: 0,
            groups: None,
            group_of_slot: Vec::new(),
            generation: 0,
        }
    }
}

/// The slots whose department has one body key.
#[derive(Debug)]
struct Group {
    name: String,
    slots: Vec<u32>,
}

/// The most departments × buckets one series answers: past it a
/// series is refused with a 400 body naming both numbers. 2,000
/// departments over 10,000 days (the most buckets) is within it.
pub const MAX_SERIES_CELLS: u64 = 20_000_000;

/// The cells of `spans` (numbered from `first`) for the group of `slots`:
/// a run of buckets without chats costs one count, so work follows the
/// buckets that have chats, not every bucket.
fn split_counts(all: &mut [Slot], slots: &[u32], spans: &[Span], first: usize, group: u32, cells: &mut Vec<SeriesCell>) {
    let (Some(head), Some(tail)) = (spans.first(), spans.last()) else { return };
    let (mut open, mut closed) = (0, 0);
    for &slot in slots {
        let (o, c) = all[slot as usize].rooms.count(head.start, tail.end);
        open += o;
        closed += c;
    }
    if open + closed == 0 {
        return;
    }
    if spans.len() == 1 {
        cells.push(SeriesCell { bucket: first as u32, group, open, closed });
        return;
    }
    let half = spans.len() / 2;
    split_counts(all, slots, &spans[..half], first, group, cells);
    split_counts(all, slots, &spans[half..], first + half, group, cells);
}

/// The most records one `add` (or one page) holds, 2^23: each record is
/// staged (about 50 bytes with the reader's own) before the page is
/// applied, so 50M records of `{}` (150 MB of JSON) would need 2.5 GB of
/// a wasm memory that holds 4 GiB and never shrinks. At the limit staging
/// takes about 420 MB. A stream applies pages far smaller than this.
pub const MAX_RECORDS_PER_CALL: usize = 1 << 23;

/// One bucket's counts for one department group in a series.
///
/// # Example
/// ```
/// use chats_per_department::internals::index::SeriesCell;
/// let cell = SeriesCell { bucket: 3, group: 0, open: 1, closed: 2 };
/// assert_eq!(cell.open + cell.closed, 3);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SeriesCell {
    /// The bucket's position among the series' spans.
    pub bucket: u32,
    /// The group's position in [`ChatIndex::group_names`].
    pub group: u32,
    /// Open chats.
    pub open: u64,
    /// Closed chats.
    pub closed: u64,
}

#[derive(Debug)]
struct Slot {
    department: DepartmentRef,
    rooms: Column,
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

    /// Replaces the departments list (`Err`: a bad list, reported by every
    /// query as at construction). The rooms held stay; only names change, as
    /// on the server, whose join reads the departments at query time.
    ///
    /// # Example
    /// ```
    /// use chats_per_department::{ChatIndex, Params, Utc};
    /// use chats_per_department::internals::json_input::read_departments;
    /// let mut index = ChatIndex::new(None);
    /// index.add_json(br#"[{"t":"l","departmentId":"d","ts":"2020-09-10T00:00:00Z"}]"#, &Utc).unwrap();
    /// index.set_departments(read_departments(br#"[{"_id":"d","name":"Renamed"}]"#).map(Some));
    /// let body = index.query(&Params::from_pairs([("start", "2020-09-01"), ("end", "2020-10-01")]), &Utc);
    /// assert_eq!(body.to_json(), r#"{"Renamed":{"open":0,"closed":1},"success":true}"#);
    /// ```
    pub fn set_departments(&mut self, departments: Result<Option<Departments>, DataError>) {
        (self.listed, self.listed_error) = match departments {
            Ok(listed) => (listed, None),
            Err(error) => (None, Some(error)),
        };
        self.groups = None;
    }

    /// Distinct rooms held, countable or not.
    pub fn size(&self) -> u64 {
        self.anonymous + self.ids.len() as u64
    }

    /// Bytes held by the index's rooms: columns and identities (capacity,
    /// not just length).
    pub fn memory_bytes(&self) -> usize {
        self.slots.iter().map(|s| s.rooms.bytes()).sum::<usize>() + self.slots.capacity() * size_of::<Slot>() + self.ids.bytes()
    }

    /// Adds a page of rooms given as JSON (array, REST page, or NDJSON).
    /// All or nothing: on error the index is unchanged. Returns the number
    /// of records the page held.
    pub fn add_json(&mut self, json: &[u8], zone: &dyn LocalZone) -> Result<usize, DataError> {
        self.load(|page| read_rooms_into(json, zone, page))
    }

    /// Adds rooms fed one by one by `feed` (for callers that read records
    /// themselves). All or nothing, like [`ChatIndex::add_json`].
    pub fn load(&mut self, feed: impl FnOnce(&mut Page) -> Result<(), DataError>) -> Result<usize, DataError> {
        Ok(self.apply(&mut Self::read_page(feed)?))
    }

    /// Reads a page without touching any index, to be applied later with
    /// [`ChatIndex::add_page`]. The bindings read the caller's objects this
    /// way, so that code the caller runs meanwhile (getters) finds the index
    /// free to use.
    ///
    /// # Example
    /// ```
    /// use chats_per_department::{ChatIndex, Utc};
    /// use chats_per_department::internals::json_input::read_rooms_into;
    /// let page = ChatIndex::read_page(|page| read_rooms_into(br#"[{"_id":"a","t":"l"}]"#, &Utc, page)).unwrap();
    /// let mut index = ChatIndex::new(None);
    /// assert_eq!(index.add_page(page), 1);
    /// assert_eq!(index.size(), 1);
    /// ```
    pub fn read_page(feed: impl FnOnce(&mut Page) -> Result<(), DataError>) -> Result<Page, DataError> {
        let mut page = Page::default();
        feed(&mut page)?;
        if page.overfull {
            return Err(DataError::limit(format!("rooms: more than {MAX_RECORDS_PER_CALL} records in one call; use ChatIndex.addStream")));
        }
        Ok(page)
    }

    /// Applies a page read by [`ChatIndex::read_page`]; cannot fail.
    /// Returns the number of records it held.
    pub fn add_page(&mut self, mut page: Page) -> usize {
        self.apply(&mut page)
    }

    /// Forgets the rooms with these `_id`s; returns how many were held
    /// (unknown ids are ignored).
    ///
    /// # Example
    /// ```
    /// use chats_per_department::{ChatIndex, Utc};
    /// let mut index = ChatIndex::new(None);
    /// index.add_json(br#"[{"_id":"a","t":"l"},{"_id":"b","t":"l"}]"#, &Utc).unwrap();
    /// assert_eq!(index.remove(["a", "nope"]), 1);
    /// assert_eq!(index.size(), 1);
    /// ```
    pub fn remove<'a>(&mut self, ids: impl IntoIterator<Item = &'a str>) -> u64 {
        let mut removed = 0;
        for id in ids {
            if let Some(held) = self.ids.remove(id) {
                removed += 1;
                if let Some((slot, value)) = held.entry {
                    self.slots[slot as usize].rooms.remove(value);
                }
            }
        }
        self.ids.tidy();
        removed
    }

    /// Keeps only the identified rooms whose `_id` is in `ids` (rooms
    /// without `_id` stay); returns how many were forgotten. A dashboard
    /// passes the ids a server still lists, so rooms deleted there go.
    ///
    /// # Example
    /// ```
    /// use chats_per_department::{ChatIndex, Utc};
    /// let mut index = ChatIndex::new(None);
    /// index.add_json(br#"[{"_id":"a","t":"l"},{"_id":"b","t":"l"},{"t":"l"}]"#, &Utc).unwrap();
    /// assert_eq!(index.retain(["b", "c"]), 1);
    /// assert_eq!(index.size(), 2);
    /// ```
    pub fn retain<'a>(&mut self, ids: impl IntoIterator<Item = &'a str>) -> u64 {
        self.retain_created(ids, i64::MIN, i64::MAX)
    }

    /// Like [`ChatIndex::retain`], but only among the rooms some query can
    /// count that were created from `start_ms` to `end_ms` (inclusive):
    /// every other room stays. A dashboard repairs one creation range with
    /// the ids the server lists there, without reading every id; rooms no
    /// query counts hold no creation time here, so they stay too (they
    /// change no chart).
    ///
    /// # Example
    /// ```
    /// use chats_per_department::{ChatIndex, Utc};
    /// let mut index = ChatIndex::new(None);
    /// index.add_json(br#"[{"_id":"a","t":"l","departmentId":"d","ts":5},{"_id":"b","t":"l","departmentId":"d","ts":50},{"_id":"c","t":"l","ts":6}]"#, &Utc).unwrap();
    /// // The server lists nothing from 0 to 10: "a" goes; "b" (created later) and "c" (never counted) stay.
    /// assert_eq!(index.retain_created(["x"], 0, 10), 1);
    /// assert_eq!(index.size(), 2);
    /// ```
    pub fn retain_created<'a>(&mut self, ids: impl IntoIterator<Item = &'a str>, start_ms: i64, end_ms: i64) -> u64 {
        let mut keep = RoomIds::default();
        for id in ids {
            keep.insert(id, Held { updated_at: 0, entry: None });
        }
        let whole = start_ms == i64::MIN && end_ms == i64::MAX;
        let outside = |held: Held| match held.entry {
            Some((_, value)) => !(start_ms..=end_ms).contains(&(value >> 1)),
            None => !whole,
        };
        let forgotten = self.ids.retain_unless(&keep, outside);
        for held in &forgotten {
            if let Some((slot, value)) = held.entry {
                self.slots[slot as usize].rooms.remove(value);
            }
        }
        self.ids.tidy();
        forgotten.len() as u64
    }

    /// The body the server would return for `params` over the rooms held.
    pub fn query(&mut self, params: &Params, zone: &dyn LocalZone) -> Body {
        match self.query_groups(params, zone) {
            Ok((_, counts)) => Body::Chart(self.named_counts(&counts)),
            Err(failure) => failure,
        }
    }

    /// For callers that build the body themselves (the wasm bindings build
    /// the JavaScript object directly): validates `params` and returns the
    /// grouping generation with `[open, closed]` per group, in the order of
    /// [`ChatIndex::group_names`], zeros included. Errors come as the body.
    pub fn query_groups(&mut self, params: &Params, zone: &dyn LocalZone) -> Result<(u64, Vec<u64>), Body> {
        let query = self.checked_query(params, zone)?;
        let mut counts = Vec::new();
        self.count_groups(query.start, query.end, query.department_id.as_deref(), &mut counts);
        Ok((self.generation, counts))
    }

    /// The counts [`ChatIndex::query`] answers for a range already parsed,
    /// for a dashboard that re-queries on every frame: no parameters to
    /// read, no body to build, the caller's buffer reused. `start..=end`
    /// are milliseconds, what the request's `start` and `end` parse to;
    /// `department_id` filters as the server's does (not when empty or
    /// `"undefined"`). `counts` is cleared and given `[open, closed]` per
    /// group, in [`ChatIndex::group_names`] order, zeros included. Returns
    /// the grouping's generation, which changes when the names do, or the
    /// 400 body `query` answers when the departments list was refused.
    ///
    /// # Example
    /// ```
    /// use chats_per_department::{ChatIndex, Params, Utc};
    /// let mut index = ChatIndex::new(None);
    /// index.add_json(br#"[{"t":"l","open":true,"departmentId":"d","department":{"_id":"d","name":"Sales"},"ts":"2020-09-10T10:00:00Z"}]"#, &Utc).unwrap();
    /// let mut counts = Vec::new();
    /// index.counts_between(1_599_696_000_000, 1_599_782_399_999, None, &mut counts).unwrap();
    /// assert_eq!((index.group_names(), counts), (vec!["Sales"], vec![1, 0]));
    /// ```
    pub fn counts_between(&mut self, start: i64, end: i64, department_id: Option<&str>, counts: &mut Vec<u64>) -> Result<u64, Body> {
        self.departments_checked().map_err(Body::Failure)?;
        let department_id = department_id.filter(|id| crate::server::params::filters_by(id));
        self.count_groups(start, end, department_id, counts);
        Ok(self.generation)
    }

    /// Chats over time: the chart per day or week of `zone` (see
    /// [`series`](crate::chart::series)). `params` are checked as for
    /// [`ChatIndex::query`] (read in `parse_zone`, the server's zone); each
    /// bucket answers what `query` answers for the bucket's bounds.
    ///
    /// # Example
    /// ```
    /// use chats_per_department::internals::series::Bucket;
    /// use chats_per_department::{ChatIndex, Params, Utc};
    /// let mut index = ChatIndex::new(None);
    /// index.add_json(br#"[{"t":"l","open":true,"departmentId":"d","department":{"_id":"d","name":"Sales"},"ts":"2020-09-10T10:00:00Z"}]"#, &Utc).unwrap();
    /// let params = Params::from_pairs([("start", "2020-09-09"), ("end", "2020-09-10T23:59:59.999Z")]);
    /// let series = index.series(&params, Bucket::Day, &Utc, &Utc).unwrap();
    /// assert_eq!(series.buckets.len(), 2);
    /// assert!(series.buckets[0].1.is_empty());
    /// assert_eq!(series.buckets[1].1[0].open, 1);
    /// ```
    pub fn series(
        &mut self,
        params: &Params,
        bucket: Bucket,
        parse_zone: &dyn LocalZone,
        bucket_zone: &dyn LocalZone,
    ) -> Result<Series, Body> {
        let (spans, cells) = self.series_counts(params, bucket, parse_zone, bucket_zone)?;
        let groups = self.groups.as_deref().unwrap_or_default();
        let mut buckets: Vec<(Span, Vec<DepartmentCount>)> = spans.into_iter().map(|span| (span, Vec::new())).collect();
        for cell in cells {
            let name = groups[cell.group as usize].name.clone();
            buckets[cell.bucket as usize].1.push(DepartmentCount { name, open: cell.open, closed: cell.closed });
        }
        Ok(Series { buckets })
    }

    /// [`ChatIndex::series`] for callers that build the bodies themselves
    /// (the wasm bindings): the spans, and a [`SeriesCell`] for each bucket
    /// and group with chats, by group (in the order of
    /// [`ChatIndex::group_names`]) and then by bucket. Zeros are never
    /// stored, so memory follows what is counted; more than
    /// [`MAX_SERIES_CELLS`] departments × buckets is refused.
    pub fn series_counts(
        &mut self,
        params: &Params,
        bucket: Bucket,
        parse_zone: &dyn LocalZone,
        bucket_zone: &dyn LocalZone,
    ) -> Result<(Vec<Span>, Vec<SeriesCell>), Body> {
        let query = self.checked_query(params, parse_zone)?;
        let spans = spans(query.start, query.end, bucket, bucket_zone).map_err(Body::Failure)?;
        self.ensure_groups();
        let groups = self.groups.as_deref().unwrap_or_default();
        // With a departmentId, its one slot (or none); else every group.
        let one = query.department_id.as_ref().map(|id| self.numbers.get(DepartmentView::Id(id)));
        let asked = one.map_or(groups.len(), |slot| usize::from(slot.is_some())) as u64 * spans.len() as u64;
        if asked > MAX_SERIES_CELLS {
            return Err(Body::Failure(crate::server::failure::Failure::new(
                format!(
                    "A series of {} departments × {} buckets: at most {MAX_SERIES_CELLS} counts; ask for fewer.",
                    groups.len(),
                    spans.len()
                ),
                None,
            )));
        }
        let mut cells = Vec::new();
        match one {
            Some(Some(slot)) => split_counts(&mut self.slots, &[slot], &spans, 0, self.group_of_slot[slot as usize], &mut cells),
            Some(None) => {}
            None => {
                for (group, members) in groups.iter().enumerate() {
                    split_counts(&mut self.slots, &members.slots, &spans, 0, group as u32, &mut cells);
                }
            }
        }
        Ok((spans, cells))
    }

    /// The first and last creation time (ms) of the rooms a query can
    /// count, or `None` when no room can be counted: what a dashboard fits
    /// its range to.
    ///
    /// # Example
    /// ```
    /// use chats_per_department::{ChatIndex, Utc};
    /// let mut index = ChatIndex::new(None);
    /// assert_eq!(index.time_range(), None);
    /// index.add_json(br#"[{"t":"l","departmentId":"d","ts":5},{"t":"l","departmentId":"e","ts":2},{"t":"x","departmentId":"d","ts":9}]"#, &Utc).unwrap();
    /// assert_eq!(index.time_range(), Some((2, 5)));
    /// ```
    pub fn time_range(&mut self) -> Option<(i64, i64)> {
        self.slots.iter_mut().filter_map(|slot| slot.rooms.extent()).reduce(|(a, b), (c, d)| (a.min(c), b.max(d)))
    }

    /// Rooms held that some query can count (livechat, open or closed, with
    /// a `departmentId` and a creation date); `size()` minus this is the
    /// rooms no query ever counts.
    ///
    /// # Example
    /// ```
    /// use chats_per_department::{ChatIndex, Utc};
    /// let mut index = ChatIndex::new(None);
    /// index.add_json(br#"[{"t":"l","departmentId":"d","ts":5},{"t":"l","ts":2},{"t":"l","open":false,"departmentId":"d","ts":9}]"#, &Utc).unwrap();
    /// assert_eq!((index.size(), index.countable()), (3, 1));
    /// ```
    pub fn countable(&self) -> u64 {
        self.slots.iter().map(|slot| slot.rooms.len()).sum()
    }

    /// The departments a dashboard can filter by, `(id, body key)` sorted
    /// by id: the list given at construction, or else those named by rooms'
    /// embedded `department` objects.
    ///
    /// # Example
    /// ```
    /// use chats_per_department::{ChatIndex, Utc};
    /// let mut index = ChatIndex::new(None);
    /// index.add_json(br#"[{"t":"l","departmentId":"d","department":{"_id":"d","name":"Sales"},"ts":1}]"#, &Utc).unwrap();
    /// assert_eq!(index.departments(), vec![("d".to_string(), "Sales".to_string())]);
    /// ```
    pub fn departments(&self) -> Vec<(String, String)> {
        let mut all: Vec<(String, String)> = self.departments_unordered().map(|(id, key)| (id.to_owned(), key.to_owned())).collect();
        all.sort_unstable();
        all
    }

    /// [`ChatIndex::departments`] in no particular order (the bindings
    /// leave sorting to the caller, which sorts by name: a sort here would
    /// cost 3 KB of the module).
    pub fn departments_unordered(&self) -> impl Iterator<Item = (&str, &str)> {
        self.listed.as_ref().unwrap_or(&self.embedded).iter()
    }

    /// The body keys of the groups, in body order (current generation).
    pub fn group_names(&mut self) -> Vec<&str> {
        self.ensure_groups();
        self.groups.as_deref().unwrap_or_default().iter().map(|g| g.name.as_str()).collect()
    }

    /// Merges every column's pending changes now (a query merges a column
    /// only once its pending changes outgrow a block), and seals the rooms
    /// added since the id store was last sealed once they are worth it
    /// ([`RoomIds::settle`]): for an index at rest, after a load.
    pub fn settle(&mut self) {
        for slot in &mut self.slots {
            slot.rooms.settle();
        }
        self.ids.settle();
    }

    /// Starts loading a byte stream (see [`StreamLoad`]).
    // Not inlined into the binding: 50 bytes of the gzipped module.
    #[inline(never)]
    pub fn begin_stream() -> StreamLoad {
        StreamLoad { rooms: RoomStream::default(), page: Page::default(), read: ChatIndex::default(), records: 0, page_rooms: STREAM_PAGE }
    }

    /// Ends a stream: checks the document was complete, then adds all its
    /// rooms at once, as [`ChatIndex::merge`] adds another index's. On
    /// error nothing is added. Returns the records the stream held.
    pub fn finish_stream(&mut self, stream: StreamLoad, zone: &dyn LocalZone) -> Result<usize, DataError> {
        let StreamLoad { rooms, mut page, mut read, records, .. } = stream;
        rooms.finish(zone, &mut page)?;
        let records = records + read.apply(&mut page);
        self.merge(read);
        Ok(records)
    }

    fn named_counts(&mut self, counts: &[u64]) -> Vec<DepartmentCount> {
        let groups = self.groups.as_deref().unwrap_or_default();
        groups
            .iter()
            .zip(counts.chunks(2))
            .filter(|(_, c)| c[0] + c[1] > 0)
            .map(|(group, c)| DepartmentCount { name: group.name.clone(), open: c[0], closed: c[1] })
            .collect()
    }

    /// `params` checked as the server checks them, then this index's
    /// departments list (a bad list fails every valid query).
    fn checked_query(&self, params: &Params, zone: &dyn LocalZone) -> Result<Query, Body> {
        checked(params, zone, |query| self.departments_checked().map(|()| query.clone()))
    }

    /// The failure every query answers when the departments list was refused.
    fn departments_checked(&self) -> Result<(), Failure> {
        match &self.listed_error {
            Some(error) => Err(data_failure(error.clone(), ErrorType::InvalidDepartments)),
            None => Ok(()),
        }
    }

    /// `[open, closed]` per group into `counts` (cleared and resized), in
    /// group (body) order, zeros included; `department_id` is one the
    /// server filters by.
    fn count_groups(&mut self, start: i64, end: i64, department_id: Option<&str>, counts: &mut Vec<u64>) {
        self.ensure_groups();
        let groups = self.groups.as_deref().unwrap_or_default();
        counts.clear();
        counts.resize(groups.len() * 2, 0);
        if start > end {
            return; // nothing is in the range (`chartNames` asks so)
        }
        let slots = &mut self.slots;
        if let Some(id) = department_id {
            if let Some(slot) = self.numbers.get(DepartmentView::Id(id)) {
                let (open, closed) = slots[slot as usize].rooms.count(start, end);
                let group = self.group_of_slot[slot as usize] as usize;
                counts[group * 2] = open;
                counts[group * 2 + 1] = closed;
            }
            return;
        }
        let group_of_slot = &self.group_of_slot;
        Column::count_each(
            slots,
            |slot| &mut slot.rooms,
            start,
            end,
            |slot, open, closed| {
                let group = group_of_slot[slot] as usize;
                counts[group * 2] += open;
                counts[group * 2 + 1] += closed;
            },
        );
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
        let mut groups: Vec<(&str, Vec<u32>)> = Vec::new();
        for (i, slot) in self.slots.iter().enumerate() {
            let key = match &slot.department {
                DepartmentRef::Id(id) => departments.key_of_id(id),
                _ => None,
            };
            by_name(&mut groups, key.unwrap_or(crate::records::department::UNDEFINED_KEY)).push(i as u32);
        }
        groups.into_iter().map(|(name, slots)| Group { name: name.to_owned(), slots }).collect()
    }

    /// Applies a page read without error, which it leaves empty: cannot
    /// fail. Returns its records.
    fn apply(&mut self, page: &mut Page) -> usize {
        let Page { rooms, departments, ids, embedded, .. } = page;
        // Page-local department numbers to slots.
        let slot_of_department: Vec<u32> = std::mem::take(departments).refs().iter().map(|d| self.slot(d.view())).collect();
        if self.embedded.merge_missing(std::mem::take(embedded)) {
            self.groups = None;
        }
        let records = rooms.len();
        if self.ids.is_empty() {
            // A first page: the id table at its size at once.
            self.ids.reserve(rooms.iter().filter(|room| room.id.is_some()).count());
        }
        for room in rooms.drain(..) {
            let entry = (room.department != NOT_COUNTABLE).then(|| (slot_of_department[room.department as usize], room.value));
            let held = Held { updated_at: room.updated_at, entry };
            let Some(id) = room.id.map(|(start, end)| &ids[start as usize..end as usize]) else {
                self.anonymous += 1;
                if let Some((slot, value)) = entry {
                    self.slots[slot as usize].rooms.add(value);
                }
                continue;
            };
            match self.ids.offer(id, held) {
                Offer::Stale => continue,
                Offer::Replaced(Held { entry: Some((slot, value)), .. }) => self.slots[slot as usize].rooms.remove(value),
                Offer::Replaced(_) | Offer::Added => {}
            }
            if let Some((slot, value)) = entry {
                self.slots[slot as usize].rooms.add(value);
            }
        }
        // The page's buffers stay for the next page: a stream's pages
        // would otherwise grow them anew each time, leaving holes in a
        // wasm memory that never shrinks.
        ids.clear();
        for &slot in &slot_of_department {
            self.slots[slot as usize].rooms.bound_pending();
        }
        self.ids.tidy();
        records
    }

    /// Each slot's column entries of rooms without `_id`, ascending: what
    /// is left of the column once every identified room's entry is taken
    /// out (the index keeps no other record of them).
    pub(super) fn entries_without_id(&mut self) -> Vec<Vec<i64>> {
        let mut identified: Vec<Vec<i64>> = vec![Vec::new(); self.slots.len()];
        for (slot, value) in self.ids.values().filter_map(|held| held.entry) {
            identified[slot as usize].push(value);
        }
        let columns = self.slots.iter_mut().map(|slot| slot.rooms.entries());
        columns
            .zip(identified)
            .map(|(entries, mut taken)| {
                taken.sort_unstable();
                let mut taken = taken.into_iter().peekable();
                entries.into_iter().filter(|value| taken.next_if_eq(value).is_none()).collect()
            })
            .collect()
    }

    /// The slot of a department (absent departments are never stored).
    fn slot(&mut self, department: DepartmentView<'_>) -> u32 {
        let slot = self.numbers.number(department);
        if slot as usize == self.slots.len() {
            self.groups = None;
            self.slots.push(Slot { department: department.to_owned_ref(), rooms: Column::default() });
        }
        slot
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::zone::Utc;

    fn params(start: &str, end: &str) -> Params {
        Params::from_pairs([("start", start), ("end", end)])
    }

    /// A stream applied to its own index as it goes, then added: the
    /// same index as the whole text given to `add_json`, into an empty
    /// index or one holding rooms, and nothing at all from a bad stream.
    #[test]
    fn a_stream_is_its_text_added() {
        let rooms: Vec<String> = (0..40)
            .map(|i| {
                let id = if i % 5 == 0 { String::new() } else { format!(r#""_id":"r{}","#, i % 13) };
                let department = if i % 7 == 0 { r#""department":{"_id":"b","name":"B"},"# } else { "" };
                format!(
                    r#"{{{id}{department}"_updatedAt":{},"t":"l","open":{},"departmentId":"{}","ts":{}}}"#,
                    i % 4,
                    i % 3 == 0,
                    ["a", "b"][i % 2],
                    1000 + i
                )
            })
            .collect();
        let text = format!("[{}]", rooms.join(","));
        let first = br#"[{"_id":"r1","_updatedAt":9,"t":"l","departmentId":"a","ts":5},{"t":"l","departmentId":"c","ts":6}]"#;
        for every in [1, 2, 3, 64] {
            for held in [&b"[]"[..], first] {
                let (mut added, mut streamed) = (ChatIndex::new(None), ChatIndex::new(None));
                added.add_json(held, &Utc).unwrap();
                streamed.add_json(held, &Utc).unwrap();
                added.add_json(text.as_bytes(), &Utc).unwrap();
                let mut stream = ChatIndex::begin_stream().applying_every(every);
                text.as_bytes().chunks(7).for_each(|chunk| stream.push(chunk, &Utc).unwrap());
                assert_eq!(streamed.finish_stream(stream, &Utc), Ok(40));
                assert_eq!((streamed.size(), streamed.countable()), (added.size(), added.countable()), "every {every}");
                assert_eq!(streamed.departments(), added.departments());
                assert_eq!(streamed.query(&params("1970", "1971"), &Utc), added.query(&params("1970", "1971"), &Utc));
                let mut bad = ChatIndex::begin_stream().applying_every(every);
                bad.push(text.as_bytes(), &Utc).unwrap();
                bad.push(b"x", &Utc).unwrap_or(());
                assert!(streamed.finish_stream(bad, &Utc).is_err());
                assert_eq!(streamed.size(), added.size());
            }
        }
    }

    #[test]
    fn failed_add_changes_nothing() {
        let mut index = ChatIndex::new(None);
        index
            .add_json(
                br#"[{"_id":"x","_updatedAt":1,"t":"l","open":true,"departmentId":"a","department":{"_id":"a","name":"A"},"ts":1000}]"#,
                &Utc,
            )
            .unwrap();
        let before = index.query(&params("1970", "1971"), &Utc);
        let bad = br#"[{"_id":"x","_updatedAt":2,"t":"l","departmentId":"a","ts":5},{"t":"l","departmentId":"b","department":{"_id":"b","name":"B"},"ts":6},{"ts":"no"}]"#;
        let err = index.add_json(bad, &Utc).unwrap_err();
        assert!(err.message.starts_with("rooms[2].ts is not a date"));
        assert_eq!(index.size(), 1);
        assert_eq!(index.query(&params("1970", "1971"), &Utc), before);
        assert_eq!(index.slots.len(), 1);
        assert_eq!(index.embedded.key_of_id("b"), None);
    }

    #[test]
    fn replacements_and_removals() {
        let mut index = ChatIndex::new(None);
        let room = |id: &str, updated: i64, open: bool, department: &str| {
            let open = if open { r#""open":true,"# } else { "" };
            format!(
                r#"{{"_id":"{id}","_updatedAt":{updated},"t":"l",{open}"departmentId":"{department}","department":{{"_id":"{department}","name":"{department}"}},"ts":10}}"#
            )
        };
        let page = |rooms: &[String]| format!("[{}]", rooms.join(","));
        index.add_json(page(&[room("a", 1, true, "S"), room("b", 1, true, "S")]).as_bytes(), &Utc).unwrap();
        // b closes and moves to T; a stale copy of a arrives late.
        index.add_json(page(&[room("b", 3, false, "T"), room("a", 0, false, "T")]).as_bytes(), &Utc).unwrap();
        let all = params("1970", "1971");
        assert_eq!(index.query(&all, &Utc).to_json(), r#"{"S":{"open":1,"closed":0},"T":{"open":0,"closed":1},"success":true}"#);
        assert_eq!(index.remove(["a", "zzz"]), 1);
        assert_eq!(index.size(), 1);
        assert_eq!(index.query(&all, &Utc).to_json(), r#"{"T":{"open":0,"closed":1},"success":true}"#);
    }

    /// Memory with ids is the product's number: a first page reserves the
    /// id table exactly, and later pages (replacements, a few new rooms)
    /// must not double it (an earlier version did).
    #[test]
    fn pages_after_the_first_keep_memory_near_the_records() {
        let room = |i: usize, updated: u32| {
            format!(
                r#"{{"_id":"r{i}","_updatedAt":{updated},"t":"l","departmentId":"d{}","ts":{}}}"#,
                i % 20,
                1_735_689_600_000u64 + (i as u64) * 31_536
            )
        };
        let page = |rooms: Vec<String>| format!("[{}]", rooms.join(","));
        let mut index = ChatIndex::new(None);
        index.add_json(page((0..100_000).map(|i| room(i, 1)).collect()).as_bytes(), &Utc).unwrap();
        for round in 0..5 {
            let changed =
                (0..1_000).map(|i| room(i * 97 % 100_000, 2 + round)).chain((0..10).map(|i| room(100_000 + round as usize * 10 + i, 1)));
            index.add_json(page(changed.collect()).as_bytes(), &Utc).unwrap();
        }
        index.settle();
        // Worst case by design: 40-byte records grown by a quarter (50), a
        // u32 slot table just over 3/8 full (10.7), packed columns (≤ 4).
        let per_room = index.memory_bytes() as f64 / index.size() as f64;
        assert!(per_room <= 40.0 * 1.25 + 4.0 * 8.0 / 3.0 + 4.0, "{per_room} B/room");
    }

    #[test]
    fn bad_department_list_answers_after_params() {
        let mut index = ChatIndex::with_departments_error(DataError::new("departments[0]._id is missing"));
        assert!(index.query(&Params::from_pairs([("start", "x")]), &Utc).to_json().contains("invalid-params"));
        assert!(index.query(&params("2020", "2021"), &Utc).to_json().contains("departments[0]._id is missing [invalid-departments]"));
    }
}
