//! The server's two counts and how it merges them into one body.
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
//! Departments come out sorted by name (Unicode code point order).

use crate::body::DepartmentCount;
use crate::department::{Departments, IdMap, UNDEFINED_KEY};
use crate::params::Query;
use crate::room::{DepartmentView, Room, RoomSink, RoomView, State};
use std::collections::BTreeMap;

/// Whether `room` passes the server's `$match` for its state, date range
/// and department filter.
///
/// # Example
/// ```
/// use chats_per_department::aggregate::matches;
/// use chats_per_department::params::Query;
/// use chats_per_department::room::{DepartmentRef, Room, State};
/// let query = Query { start: 0, end: 10, department_id: None };
/// let room = Room { state: State::Open, department: DepartmentRef::Null, ts: Some(10) };
/// assert!(matches(&room, &query)); // both ends inclusive
/// ```
pub fn matches(room: &Room, query: &Query) -> bool {
    matches_view(room.view(), query)
}

/// [`matches`] for a borrowed room.
pub fn matches_view(room: RoomView<'_>, query: &Query) -> bool {
    if room.state == State::Neither {
        return false;
    }
    let Some(ts) = room.ts else {
        return false;
    };
    if ts < query.start || ts > query.end {
        return false;
    }
    match (room.department, &query.department_id) {
        (DepartmentView::Absent, _) => false,
        (_, None) => true,
        (DepartmentView::Id(id), Some(wanted)) => id == wanted,
        (DepartmentView::Null, Some(_)) => false,
    }
}

/// Counts rooms for one known query as they are read, keeping nothing but
/// a count per department id: the one-shot path, O(rooms) time and
/// O(departments) memory.
///
/// # Example
/// ```
/// use chats_per_department::aggregate::Counter;
/// use chats_per_department::params::Query;
/// use chats_per_department::room::{DepartmentView, RoomSink, RoomView, State};
/// let query = Query { start: 0, end: 10, department_id: None };
/// let mut counter = Counter::new(&query);
/// counter.embedded("d", "Sales");
/// counter.room(RoomView { state: State::Open, department: DepartmentView::Id("d"), ts: Some(3) });
/// counter.room(RoomView { state: State::Closed, department: DepartmentView::Id("d"), ts: Some(11) });
/// let chart = counter.finish(None);
/// assert_eq!((chart[0].name.as_str(), chart[0].open, chart[0].closed), ("Sales", 1, 0));
/// ```
#[derive(Debug)]
pub struct Counter<'q> {
    query: &'q Query,
    by_id: IdMap<(u64, u64)>,
    null: (u64, u64),
    embedded: Departments,
}

impl<'q> Counter<'q> {
    /// A counter for `query`.
    pub fn new(query: &'q Query) -> Self {
        Counter { query, by_id: IdMap::default(), null: (0, 0), embedded: Departments::default() }
    }

    /// The counts by name, with names from `listed` or, without a list,
    /// from the rooms' embedded departments.
    pub fn finish(self, listed: Option<&Departments>) -> Vec<DepartmentCount> {
        let departments = listed.unwrap_or(&self.embedded);
        let mut totals = Totals::default();
        for (id, (open, closed)) in &self.by_id {
            totals.add(departments.key_of_id(id).unwrap_or(UNDEFINED_KEY), *open, *closed);
        }
        if self.null != (0, 0) {
            totals.add(UNDEFINED_KEY, self.null.0, self.null.1);
        }
        totals.into_counts()
    }
}

impl RoomSink for Counter<'_> {
    fn room(&mut self, room: RoomView<'_>) {
        if !matches_view(room, self.query) {
            return;
        }
        let entry = match room.department {
            DepartmentView::Id(id) => match self.by_id.get_mut(id) {
                Some(entry) => entry,
                None => self.by_id.entry(id.to_owned()).or_default(),
            },
            _ => &mut self.null,
        };
        if room.state == State::Open {
            entry.0 += 1;
        } else {
            entry.1 += 1;
        }
    }

    fn embedded(&mut self, id: &str, key: &str) {
        self.embedded.insert_missing(id, key);
    }

    fn reset(&mut self) {
        *self = Counter::new(self.query);
    }
}

/// Counts open and closed rooms per department name.
///
/// # Example
/// ```
/// use chats_per_department::aggregate::count;
/// use chats_per_department::department::Departments;
/// use chats_per_department::params::Query;
/// use chats_per_department::room::{DepartmentRef, Room, State};
/// let rooms = [
///     Room { state: State::Open, department: DepartmentRef::Null, ts: Some(5) },
///     Room { state: State::Closed, department: DepartmentRef::Id("gone".into()), ts: Some(6) },
/// ];
/// let query = Query { start: 0, end: 10, department_id: None };
/// let chart = count(&rooms, &Departments::default(), &query);
/// assert_eq!((chart[0].name.as_str(), chart[0].open, chart[0].closed), ("undefined", 1, 1));
/// ```
pub fn count<'a>(rooms: impl IntoIterator<Item = &'a Room>, departments: &Departments, query: &Query) -> Vec<DepartmentCount> {
    let mut totals = Totals::default();
    for room in rooms {
        if !matches(room, query) {
            continue;
        }
        let name = departments.key_for(&room.department);
        match room.state {
            State::Open => totals.add(name, 1, 0),
            State::Closed => totals.add(name, 0, 1),
            State::Neither => {}
        }
    }
    totals.into_counts()
}

/// Open and closed counts per body key, merged by name (the library's rule
/// for groups that share a name) and listed in name order.
///
/// # Example
/// ```
/// use chats_per_department::aggregate::Totals;
/// let mut totals = Totals::default();
/// totals.add("Sales", 1, 0);
/// totals.add("Sales", 0, 2);
/// let counts = totals.into_counts();
/// assert_eq!((counts[0].open, counts[0].closed), (1, 2));
/// ```
#[derive(Debug, Default)]
pub struct Totals<'a> {
    by_name: BTreeMap<&'a str, (u64, u64)>,
}

impl<'a> Totals<'a> {
    /// Adds counts under `name`.
    pub fn add(&mut self, name: &'a str, open: u64, closed: u64) {
        let entry = self.by_name.entry(name).or_default();
        entry.0 += open;
        entry.1 += closed;
    }

    /// The counts, by name.
    pub fn into_counts(self) -> Vec<DepartmentCount> {
        self.by_name
            .into_iter()
            .map(|(name, (open, closed))| DepartmentCount { name: name.to_owned(), open, closed })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::department::DepartmentFields;
    use crate::room::{DepartmentRef, Field};

    fn room(state: State, department: &str, ts: i64) -> Room {
        Room { state, department: DepartmentRef::Id(department.into()), ts: Some(ts) }
    }

    fn departments(pairs: &[(&str, &str)]) -> Departments {
        let records: Vec<DepartmentFields> = pairs
            .iter()
            .map(|(id, name)| DepartmentFields { id: Field::Text((*id).into()), name: Field::Text((*name).into()) })
            .collect();
        Departments::from_records(&records).unwrap()
    }

    #[test]
    fn same_name_departments_add_up() {
        let table = departments(&[("a", "Sales"), ("b", "Sales")]);
        let rooms = [room(State::Open, "a", 1), room(State::Open, "b", 1), room(State::Closed, "b", 1)];
        let chart = count(&rooms, &table, &Query { start: 0, end: 1, department_id: None });
        assert_eq!(chart, vec![DepartmentCount { name: "Sales".into(), open: 2, closed: 1 }]);
    }

    #[test]
    fn filter_and_range() {
        let table = departments(&[("a", "A"), ("b", "B")]);
        let rooms = [room(State::Open, "a", 0), room(State::Open, "b", 5), room(State::Closed, "a", 11)];
        let only_a = Query { start: 0, end: 10, department_id: Some("a".into()) };
        assert_eq!(count(&rooms, &table, &only_a), vec![DepartmentCount { name: "A".into(), open: 1, closed: 0 }]);
        let inverted = Query { start: 10, end: 0, department_id: None };
        assert!(count(&rooms, &table, &inverted).is_empty());
    }

    #[test]
    fn absent_department_id_never_counts() {
        let rooms = [Room { state: State::Open, department: DepartmentRef::Absent, ts: Some(0) }];
        assert!(count(&rooms, &Departments::default(), &Query { start: 0, end: 0, department_id: None }).is_empty());
    }
}
