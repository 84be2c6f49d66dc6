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
    /// In a first reading ([`Counter::unique_first`]): a fingerprint of
    /// each `_id`, its room counted at once as if no other room had it.
    fingerprints: Option<Vec<i64>>,
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
            fingerprints: None,
        }
    }

    /// A counter for a first reading that assumes every `_id` is unique:
    /// each room is counted as it comes and only a fingerprint of its `_id`
    /// is kept, where the exact counter keeps each id and its version.
    /// Afterwards [`Counter::repeats`] says whether two fingerprints are
    /// equal; only then can two rooms share an `_id`, and the rooms must be
    /// read again with [`Counter::new`]. Why: an export or a paged load
    /// rarely repeats an id, and keeping every id cost about 40 % of a
    /// one-shot count.
    ///
    /// # Example
    /// ```
    /// use chats_per_department::internals::counter::Counter;
    /// use chats_per_department::internals::room::{RoomSink, RoomView};
    /// use chats_per_department::internals::params::Query;
    /// let query = Query { start: 0, end: 10, department_id: None };
    /// let mut counter = Counter::unique_first(&query);
    /// counter.room(RoomView { id: Some("r1"), ..RoomView::EMPTY });
    /// counter.room(RoomView { id: Some("r2"), ..RoomView::EMPTY });
    /// assert!(!counter.repeats());
    /// counter.room(RoomView { id: Some("r1"), ..RoomView::EMPTY });
    /// assert!(counter.repeats());
    /// ```
    pub fn unique_first(query: &'q Query) -> Self {
        Counter { fingerprints: Some(Vec::new()), ..Counter::new(query) }
    }

    /// Whether two rooms read by a [`Counter::unique_first`] may share an
    /// `_id` (their fingerprints are equal): the count is then not exact,
    /// and the rooms must be read again with [`Counter::new`].
    pub fn repeats(&mut self) -> bool {
        let Some(fingerprints) = &mut self.fingerprints else {
            return false;
        };
        fingerprints.sort_unstable();
        fingerprints.windows(2).any(|pair| pair[0] == pair[1])
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
        let id = match (room.id, &mut self.fingerprints) {
            (Some(id), Some(fingerprints)) => {
                fingerprints.push(fingerprint(id));
                None
            }
            (id, _) => id,
        };
        let Some(id) = id else {
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
        let fingerprints = self.fingerprints.take().map(|mut f| {
            f.clear();
            f
        });
        *self = Counter { fingerprints, ..Counter::new(self.query) };
    }
}

/// A 64-bit fingerprint of an `_id`: equal ids have equal ones (a
/// multiply-and-shift over its bytes, eight at a time, and its length).
fn fingerprint(id: &str) -> i64 {
    let mut hash = id.len() as u64;
    for chunk in id.as_bytes().chunks(8) {
        let mut word = [0u8; 8];
        word[..chunk.len()].copy_from_slice(chunk);
        hash = (hash ^ u64::from_le_bytes(word)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        hash ^= hash >> 29;
    }
    hash as i64
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

    /// Through `respond`: unique ids are counted in one reading; a repeated
    /// id makes a second, exact one, whatever order the versions come in.
    #[test]
    fn respond_reads_again_only_when_an_id_repeats() {
        use crate::chart::respond::respond;
        use crate::server::params::Params;
        use crate::server::zone::Utc;
        let params = Params::from_pairs([("start", "1970-01-01"), ("end", "1970-01-02")]);
        let answer = |rooms: &[RoomView<'static>]| {
            let mut readings = 0;
            let body = respond(
                &params,
                &Utc,
                |_, sink| {
                    readings += 1;
                    rooms.iter().for_each(|&room| sink.room(room));
                    Ok(())
                },
                || Ok(Some(departments(&[("a", "A"), ("b", "B")]))),
            );
            (body.to_json(), readings)
        };
        let unique = [
            room(Some("r"), Some(5), State::Open, "a", 1),
            room(Some("s"), Some(9), State::Closed, "b", 1),
            room(None, None, State::Open, "a", 2),
        ];
        assert_eq!(answer(&unique), (r#"{"A":{"open":2,"closed":0},"B":{"open":0,"closed":1},"success":true}"#.to_owned(), 1));
        let repeated = [
            room(Some("r"), Some(9), State::Closed, "b", 1),
            room(Some("s"), Some(9), State::Closed, "b", 1),
            room(Some("r"), Some(5), State::Open, "a", 1),
        ];
        assert_eq!(answer(&repeated), (r#"{"B":{"open":0,"closed":2},"success":true}"#.to_owned(), 2));
    }

    #[test]
    fn equal_ids_have_equal_fingerprints_and_near_ids_differ() {
        let ids = [
            "",
            "a",
            "ab",
            "abcdefgh",
            "abcdefghi",
            "abcdefgi",
            "5f4dcc3b5aa765d61d8327de",
            "5f4dcc3b5aa765d61d8327df",
            "ZyXwVuTsRqPoNmLkJ",
        ];
        for (i, a) in ids.iter().enumerate() {
            let copy: String = (*a).into();
            assert_eq!(fingerprint(a), fingerprint(&copy));
            for b in &ids[i + 1..] {
                assert_ne!(fingerprint(a), fingerprint(b), "{a} {b}");
            }
        }
        // Lengths count: a trailing NUL is another id.
        assert_ne!(fingerprint("ab"), fingerprint("ab\0"));
    }
}
