//! The one-shot count: the server's two aggregations over rooms read once,
//! for one known query.
//!
//! The server runs one aggregation for open rooms and one for closed rooms
//! (`$match` → `$lookup` department → `$group` by department `_id` and
//! `name`), then writes `result[name] = {open, closed}` group by group.
//! When two groups share a name (two departments called "Sales", or a
//! nameless department next to rooms of deleted departments, both
//! `"undefined"`), the server keeps whichever group MongoDB returned last,
//! an order it does not define. This library adds their counts instead:
//! deterministic, and no chat goes uncounted.
//!
//! A room is identified by its `_id`: the same `_id` twice in one input is
//! one room, the version with the newest `_updatedAt` (the later one on a
//! tie), as in a collection where `_id` is unique.
//!
//! Departments come out sorted by name (Unicode code point order).

use crate::chart::body::{by_name, DepartmentCount};
use crate::chart::store::room_ids::{Held, RoomIds};
use crate::records::department::{DepartmentNumbers, Departments, UNDEFINED_KEY};
use crate::records::field::{DepartmentRef, DepartmentView};
use crate::records::room::{RoomSink, RoomView, State};
use crate::server::params::Query;

/// Whether `room` passes the server's `$match` for its state, date range
/// and department filter (see [`classify`](crate::records::room::classify)
/// for the state).
///
/// # Example
/// ```
/// use chats_per_department::internals::counter::matches_view;
/// use chats_per_department::internals::room::{DepartmentView, RoomView, State};
/// use chats_per_department::internals::params::Query;
/// let query = Query { start: 0, end: 10, department_id: None };
/// let room = RoomView { state: State::Open, department: DepartmentView::Null, ts: Some(10), ..RoomView::EMPTY };
/// assert!(matches_view(room, &query)); // both ends inclusive
/// ```
pub fn matches_view(room: RoomView<'_>, query: &Query) -> bool {
    let Some(ts) = room.countable_ts() else {
        return false;
    };
    if ts < query.start || ts > query.end {
        return false;
    }
    match (room.department, &query.department_id) {
        (_, None) => true,
        (DepartmentView::Id(id), Some(wanted)) => id == wanted,
        _ => false,
    }
}

/// Counts rooms for one known query as they are read: a count per
/// department id, plus the state of each room that has an `_id` (so a
/// repeated room counts once). O(rooms) time; memory O(departments) for
/// rooms without `_id`, O(identified rooms) otherwise.
///
/// # Example
/// ```
/// use chats_per_department::internals::counter::Counter;
/// use chats_per_department::internals::room::{DepartmentView, RoomSink, RoomView, State};
/// use chats_per_department::internals::params::Query;
/// let query = Query { start: 0, end: 10, department_id: None };
/// let mut counter = Counter::new(&query);
/// counter.embedded("d", "Sales");
/// let room = RoomView { id: Some("r1"), state: State::Open, department: DepartmentView::Id("d"), ts: Some(3), ..RoomView::EMPTY };
/// counter.room(room);
/// counter.room(RoomView { state: State::Closed, ..room }); // the same room, closed later
/// let chart = counter.finish(None);
/// assert_eq!((chart[0].name.as_str(), chart[0].open, chart[0].closed), ("Sales", 0, 1));
/// ```
#[derive(Debug)]
pub struct Counter<'q> {
    query: &'q Query,
    /// Departments counted so far, each with a slot in `counts`.
    slots: DepartmentNumbers,
    /// `[open, closed]` per slot.
    counts: Vec<[u64; 2]>,
    embedded: Departments,
    /// The version of each identified room that counts: its `_updatedAt`
    /// (`i64::MIN` for none, older than any date) and, if it matches, its
    /// slot and state as the entry `(slot, 1 if open else 0)`. The index's
    /// own id table: ids packed, no string allocated per room (a map of
    /// `String` keys cost about a third more time).
    identified: RoomIds,
}

impl<'q> Counter<'q> {
    /// A counter for `query`.
    pub fn new(query: &'q Query) -> Self {
        Counter {
            query,
            slots: DepartmentNumbers::default(),
            counts: Vec::new(),
            embedded: Departments::default(),
            identified: RoomIds::default(),
        }
    }

    /// The counts by name, with names from `listed` or, without a list,
    /// from the rooms' embedded departments.
    pub fn finish(mut self, listed: Option<&Departments>) -> Vec<DepartmentCount> {
        for held in self.identified.values() {
            if let Some((slot, open)) = held.entry {
                self.counts[slot as usize][usize::from(open == 0)] += 1;
            }
        }
        let departments = listed.unwrap_or(&self.embedded);
        let mut totals = Totals::default();
        for (department, [open, closed]) in self.slots.refs().iter().zip(&self.counts) {
            let key = match department {
                DepartmentRef::Id(id) => departments.key_of_id(id),
                _ => None,
            };
            let key = key.unwrap_or(UNDEFINED_KEY);
            totals.add(key, *open, *closed);
        }
        totals.into_counts()
    }

    /// The slot of the department a matching room counts under.
    fn slot(&mut self, department: DepartmentView<'_>) -> u32 {
        let slot = self.slots.number(department);
        if slot as usize == self.counts.len() {
            self.counts.push([0, 0]);
        }
        slot
    }
}

impl RoomSink for Counter<'_> {
    fn room(&mut self, room: RoomView<'_>) {
        let counted = matches_view(room, self.query).then(|| (self.slot(room.department), room.state == State::Open));
        let Some(id) = room.id else {
            if let Some((slot, open)) = counted {
                self.counts[slot as usize][usize::from(!open)] += 1;
            }
            return;
        };
        // Newer or equal replaces (a tie: the later record wins).
        let entry = counted.map(|(slot, open)| (slot, i64::from(open)));
        self.identified.offer(id, Held { updated_at: room.updated_at.unwrap_or(i64::MIN), entry });
    }

    fn embedded(&mut self, id: &str, key: &str) {
        self.embedded.insert_missing(id, key);
    }

    fn reset(&mut self) {
        *self = Counter::new(self.query);
    }
}

/// Open and closed counts per body key, merged by name (the library's rule
/// for groups that share a name) and listed in name order.
///
/// # Example
/// ```
/// use chats_per_department::internals::counter::Totals;
/// let mut totals = Totals::default();
/// totals.add("Sales", 1, 0);
/// totals.add("Sales", 0, 2);
/// let counts = totals.into_counts();
/// assert_eq!((counts[0].open, counts[0].closed), (1, 2));
/// ```
#[derive(Debug, Default)]
pub struct Totals<'a> {
    by_name: Vec<(&'a str, (u64, u64))>,
}

impl<'a> Totals<'a> {
    /// Adds counts under `name`.
    pub fn add(&mut self, name: &'a str, open: u64, closed: u64) {
        let entry = by_name(&mut self.by_name, name);
        entry.0 += open;
        entry.1 += closed;
    }

    /// The counts, by name; names whose counts are all zero are left out.
    pub fn into_counts(self) -> Vec<DepartmentCount> {
        self.by_name
            .into_iter()
            .filter(|(_, (open, closed))| open + closed > 0)
            .map(|(name, (open, closed))| DepartmentCount { name: name.to_owned(), open, closed })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::records::department::DepartmentFields;
    use crate::records::field::Field;

    fn room(id: Option<&'static str>, updated_at: Option<i64>, state: State, department: &'static str, ts: i64) -> RoomView<'static> {
        RoomView { id, updated_at, state, department: DepartmentView::Id(department), ts: Some(ts) }
    }

    fn departments(pairs: &[(&str, &str)]) -> Departments {
        let records: Vec<DepartmentFields> =
            pairs.iter().map(|(id, name)| DepartmentFields { id: Field::Text((*id).into()), name: Field::Text((*name).into()) }).collect();
        Departments::from_records(&records).unwrap()
    }

    fn count(rooms: &[RoomView<'_>], table: &Departments, query: &Query) -> Vec<DepartmentCount> {
        let mut counter = Counter::new(query);
        for &r in rooms {
            counter.room(r);
        }
        counter.finish(Some(table))
    }

    fn all(start: i64, end: i64) -> Query {
        Query { start, end, department_id: None }
    }

    #[test]
    fn same_name_departments_add_up() {
        let table = departments(&[("a", "Sales"), ("b", "Sales")]);
        let rooms = [room(None, None, State::Open, "a", 1), room(None, None, State::Open, "b", 1), room(None, None, State::Closed, "b", 1)];
        assert_eq!(count(&rooms, &table, &all(0, 1)), vec![DepartmentCount { name: "Sales".into(), open: 2, closed: 1 }]);
    }

    #[test]
    fn filter_and_range() {
        let table = departments(&[("a", "A"), ("b", "B")]);
        let rooms =
            [room(None, None, State::Open, "a", 0), room(None, None, State::Open, "b", 5), room(None, None, State::Closed, "a", 11)];
        let only_a = Query { start: 0, end: 10, department_id: Some("a".into()) };
        assert_eq!(count(&rooms, &table, &only_a), vec![DepartmentCount { name: "A".into(), open: 1, closed: 0 }]);
        assert!(count(&rooms, &table, &all(10, 0)).is_empty());
    }

    #[test]
    fn absent_department_id_never_counts() {
        let rooms = [RoomView { state: State::Open, ts: Some(0), ..RoomView::EMPTY }];
        assert!(count(&rooms, &Departments::default(), &all(0, 0)).is_empty());
    }

    #[test]
    fn a_room_counts_once_in_its_newest_version() {
        let table = departments(&[("a", "A"), ("b", "B")]);
        let rooms = [
            room(Some("r"), Some(5), State::Open, "a", 1),
            room(Some("r"), Some(9), State::Closed, "b", 1), // transferred and closed
            room(Some("r"), Some(7), State::Open, "a", 1),   // a stale copy arriving late
            room(Some("s"), None, State::Open, "a", 1),
            room(Some("s"), None, State::Closed, "a", 1), // tie: the later wins
        ];
        assert_eq!(
            count(&rooms, &table, &all(0, 1)),
            vec![DepartmentCount { name: "A".into(), open: 0, closed: 1 }, DepartmentCount { name: "B".into(), open: 0, closed: 1 }]
        );
    }
}
