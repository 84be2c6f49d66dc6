//! Staging: the rooms of one `add` (or one stream page) read into a
//! [`Page`] before any is applied, so that a page read with an error
//! changes nothing.

use super::MAX_RECORDS_PER_CALL;
use crate::records::department::{DepartmentNumbers, Departments};
use crate::records::room::{RoomSink, RoomView, State};

/// `department` of a staged room that no query can ever count.
pub(super) const NOT_COUNTABLE: u32 = u32::MAX;

/// A room read into a [`Page`], not yet applied.
#[derive(Debug, Clone, Copy)]
pub(super) struct StagedRoom {
    /// `_id` as a range of `Page::ids`.
    pub(super) id: Option<(u32, u32)>,
    /// `_updatedAt`, `i64::MIN` for none (older than any date).
    pub(super) updated_at: i64,
    /// Page-local department number, or `NOT_COUNTABLE`.
    pub(super) department: u32,
    /// The column entry: `ts * 2 + open`.
    pub(super) value: i64,
}

/// Rooms read but not yet applied to a [`ChatIndex`](super::ChatIndex): what makes every
/// change all or nothing.
///
/// # Example
/// ```
/// use chats_per_department::{ChatIndex, Utc};
/// let mut index = ChatIndex::new(None);
/// let error = index.load(|page| {
///     chats_per_department::internals::json_input::read_rooms_into(br#"[{"t":"l"},{"ts":"soon"}]"#, &Utc, page)
/// });
/// assert!(error.is_err());
/// assert_eq!(index.size(), 0); // the good first room was not applied either
/// ```
#[derive(Debug)]
pub struct Page {
    pub(super) rooms: Vec<StagedRoom>,
    /// Distinct departments of countable rooms.
    pub(super) departments: DepartmentNumbers,
    /// The page's `_id`s, end to end.
    pub(super) ids: String,
    /// Embedded department names, the first per id (as the index keeps them).
    pub(super) embedded: Departments,
    /// More than [`MAX_RECORDS_PER_CALL`] records were offered: the page
    /// stopped holding them and is refused when read.
    pub(super) overfull: bool,
}

/// Not inlined, as `ChatIndex`'s (223 bytes of the gzipped module).
impl Default for Page {
    #[inline(never)]
    fn default() -> Self {
        Page {
            rooms: Vec::new(),
            departments: DepartmentNumbers::default(),
            ids: String::new(),
            embedded: Departments::default(),
            overfull: false,
        }
    }
}

impl RoomSink for Page {
    fn room(&mut self, room: RoomView<'_>) {
        if self.rooms.len() >= MAX_RECORDS_PER_CALL {
            self.overfull = true;
            return;
        }
        let (department, value) = match room.countable_ts() {
            Some(ts) => (self.departments.number(room.department), ts * 2 + i64::from(room.state == State::Open)),
            None => (NOT_COUNTABLE, 0),
        };
        let id = room.id.map(|id| {
            let start = self.ids.len() as u32;
            self.ids.push_str(id);
            (start, self.ids.len() as u32)
        });
        self.rooms.push(StagedRoom { id, updated_at: room.updated_at.unwrap_or(i64::MIN), department, value });
    }

    fn embedded(&mut self, id: &str, key: &str) {
        self.embedded.insert_missing(id, key);
    }

    fn reset(&mut self) {
        *self = Page::default();
    }
}
