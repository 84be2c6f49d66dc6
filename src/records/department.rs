//! Departments: the names the chart is keyed by.
//!
//! The server joins each counted room with its department
//! (`$lookup` on `_id`), groups by the department's `_id` and `name`, and
//! writes `result[name]`. A room whose department is missing, and a
//! department without a name, both give the key `"undefined"` (JavaScript's
//! `String(undefined)`); a `null` name gives `"null"`.

use crate::records::field::{DataError, DepartmentRef, DepartmentView, Field};
use std::collections::HashMap;

/// FNV-1a: department ids are short and looked up once per room on the hot
/// path, where std's SipHash costs more than the rest of the work. (No
/// denial-of-service concern: the data is the user's own.)
#[derive(Default, Clone, Copy)]
pub struct IdHasher(u64);

impl std::hash::Hasher for IdHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut hash = if self.0 == 0 { 0xcbf2_9ce4_8422_2325 } else { self.0 };
        for &b in bytes {
            hash = (hash ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = hash;
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// A map keyed by department id.
pub type IdMap<V> = std::collections::HashMap<String, V, std::hash::BuildHasherDefault<IdHasher>>;

/// The key used when the server's join finds no department or no name.
pub const UNDEFINED_KEY: &str = "undefined";

/// A department's `name`, as far as the body key cares.
///
/// # Example
/// ```
/// use chats_per_department::internals::department::{body_key, Name};
/// assert_eq!(body_key(Name::Text("Sales")), "Sales");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Name<'a> {
    /// No `name` key (or `undefined`).
    Absent,
    /// `name: null`.
    Null,
    /// A string.
    Text(&'a str),
}

/// The body key of a department with this name: the one home of the rule.
///
/// The server writes `result[name]`, and JavaScript turns a property key
/// into a string: `String(undefined)` is `"undefined"` (a department
/// without a name, and the group of rooms whose department the join did
/// not find), `String(null)` is `"null"`.
///
/// # Example
/// ```
/// use chats_per_department::internals::department::{body_key, Name};
/// assert_eq!(body_key(Name::Absent), "undefined");
/// assert_eq!(body_key(Name::Null), "null");
/// ```
pub fn body_key(name: Name<'_>) -> &str {
    match name {
        Name::Text(name) => name,
        Name::Null => "null",
        Name::Absent => UNDEFINED_KEY,
    }
}

/// The two fields of a department record that matter.
///
/// # Example
/// ```
/// use chats_per_department::internals::department::DepartmentFields;
/// use chats_per_department::internals::field::Field;
/// let sales = DepartmentFields { id: Field::Text("d1".into()), name: Field::Text("Sales".into()) };
/// assert_eq!(sales.id, Field::Text("d1".into()));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct DepartmentFields {
    /// `_id`.
    pub id: Field,
    /// `name`.
    pub name: Field,
}

/// Department ids and the body key each one gives.
///
/// # Example
/// ```
/// use chats_per_department::internals::department::{Departments, DepartmentFields};
/// use chats_per_department::internals::field::{DepartmentRef, Field};
/// let records = vec![DepartmentFields { id: Field::Text("d1".into()), name: Field::Text("Sales".into()) }];
/// let departments = Departments::from_records(&records).unwrap();
/// assert_eq!(departments.key_for(&DepartmentRef::Id("d1".into())), "Sales");
/// assert_eq!(departments.key_for(&DepartmentRef::Id("gone".into())), "undefined");
/// assert_eq!(departments.key_for(&DepartmentRef::Null), "undefined");
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct Departments {
    keys: HashMap<String, String>,
}

/// Not inlined: each inlined copy set up the map's hasher again (82 bytes
/// of the gzipped module).
impl Default for Departments {
    #[inline(never)]
    fn default() -> Self {
        Departments { keys: HashMap::new() }
    }
}

/// Sorted by id, so that equal lists always print alike (tests compare
/// readers by their `Debug` output).
impl std::fmt::Debug for Departments {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let sorted: std::collections::BTreeMap<_, _> = self.keys.iter().collect();
        f.debug_struct("Departments").field("keys", &sorted).finish()
    }
}

impl Departments {
    /// Reads the `departments` list. `_id` must be a unique string; `name`
    /// a string, `null` or absent.
    pub fn from_records(records: &[DepartmentFields]) -> Result<Self, DataError> {
        let mut keys = HashMap::with_capacity(records.len());
        for (index, record) in records.iter().enumerate() {
            let at = |problem: &str| DataError::new(format!("departments[{index}]{problem}"));
            let (id, key) = record.entry().map_err(|field| at(&format!(".{field}")))?;
            if keys.insert(id, key).is_some() {
                // A real collection cannot hold two: the join would count
                // the room twice. Say so instead.
                return Err(at("._id is not unique"));
            }
        }
        Ok(Departments { keys })
    }

    /// Records `id` with body key `key` unless `id` is known; `true` if new.
    pub fn insert_missing(&mut self, id: &str, key: &str) -> bool {
        if self.keys.contains_key(id) {
            return false;
        }
        self.keys.insert(id.to_owned(), key.to_owned());
        true
    }

    /// Takes the departments of `other` whose ids are not known yet;
    /// `true` if any was new.
    pub fn merge_missing(&mut self, other: Departments) -> bool {
        let mut added = false;
        for (id, key) in other.keys {
            if let std::collections::hash_map::Entry::Vacant(slot) = self.keys.entry(id) {
                slot.insert(key);
                added = true;
            }
        }
        added
    }

    /// Forgets a department (undoing a failed load).
    pub fn remove(&mut self, id: &str) {
        self.keys.remove(id);
    }

    /// The body key for a room's department.
    pub fn key_for(&self, department: &DepartmentRef) -> &str {
        match department {
            DepartmentRef::Id(id) => self.keys.get(id).map_or(UNDEFINED_KEY, String::as_str),
            DepartmentRef::Null | DepartmentRef::Absent => UNDEFINED_KEY,
        }
    }

    /// The body key for a department id, if the department exists.
    pub fn key_of_id(&self, id: &str) -> Option<&str> {
        self.keys.get(id).map(String::as_str)
    }

    /// Every `(id, body key)`, in no particular order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.keys.iter().map(|(id, key)| (id.as_str(), key.as_str()))
    }

    /// How many departments are known.
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// `true` when no department is known.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }
}

impl DepartmentFields {
    /// `(id, body key)` of the record, or the faulty field and what is
    /// wrong with it.
    pub fn entry(&self) -> Result<(String, String), String> {
        entry(self)
    }
}

fn entry(record: &DepartmentFields) -> Result<(String, String), String> {
    let id = match &record.id {
        Field::Text(id) => id.clone(),
        Field::Absent => return Err("_id is missing".into()),
        _ => return Err("_id is not a string".into()),
    };
    let name = match &record.name {
        Field::Text(name) => Name::Text(name),
        Field::Null => Name::Null,
        Field::Absent => Name::Absent,
        _ => return Err("name is not a string or null".into()),
    };
    Ok((id, body_key(name).to_owned()))
}

/// Dense numbers for the departments rooms point at (each id, and `null`),
/// in order of first appearance: how counters, pages and the index keep
/// one slot per department.
///
/// # Example
/// ```
/// use chats_per_department::internals::department::DepartmentNumbers;
/// use chats_per_department::internals::field::{DepartmentRef, DepartmentView};
/// let mut numbers = DepartmentNumbers::default();
/// assert_eq!(numbers.number(DepartmentView::Id("d")), 0);
/// assert_eq!(numbers.number(DepartmentView::Null), 1);
/// assert_eq!(numbers.number(DepartmentView::Id("d")), 0);
/// assert_eq!(numbers.refs()[1], DepartmentRef::Null);
/// ```
#[derive(Debug, Default)]
pub struct DepartmentNumbers {
    of_id: IdMap<u32>,
    null: Option<u32>,
    refs: Vec<DepartmentRef>,
}

impl DepartmentNumbers {
    /// The number of `department`, assigning the next one if it is new.
    pub fn number(&mut self, department: DepartmentView<'_>) -> u32 {
        if let Some(number) = self.get(department) {
            return number;
        }
        let number = self.refs.len() as u32;
        match department {
            DepartmentView::Id(id) => {
                self.of_id.insert(id.to_owned(), number);
            }
            _ => self.null = Some(number),
        }
        self.refs.push(department.to_owned_ref());
        number
    }

    /// The number of `department`, if it has one.
    pub fn get(&self, department: DepartmentView<'_>) -> Option<u32> {
        match department {
            DepartmentView::Id(id) => self.of_id.get(id).copied(),
            _ => self.null,
        }
    }

    /// The departments, by number.
    pub fn refs(&self) -> &[DepartmentRef] {
        &self.refs
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(id: Field, name: Field) -> DepartmentFields {
        DepartmentFields { id, name }
    }

    fn text(s: &str) -> Field {
        Field::Text(s.into())
    }

    #[test]
    fn names_null_and_missing() {
        let table = Departments::from_records(&[
            record(text("a"), text("Sales")),
            record(text("b"), Field::Null),
            record(text("c"), Field::Absent),
        ])
        .unwrap();
        assert_eq!(table.key_for(&DepartmentRef::Id("a".into())), "Sales");
        assert_eq!(table.key_for(&DepartmentRef::Id("b".into())), "null");
        assert_eq!(table.key_for(&DepartmentRef::Id("c".into())), "undefined");
    }

    #[test]
    fn errors_name_the_record() {
        let err = Departments::from_records(&[record(text("a"), text("A")), record(Field::Number(1.0), text("B"))]).unwrap_err();
        assert_eq!(err.message, "departments[1]._id is not a string");
        let err = Departments::from_records(&[record(text("a"), text("A")), record(text("a"), text("B"))]).unwrap_err();
        assert_eq!(err.message, "departments[1]._id is not unique");
        let err = Departments::from_records(&[record(text("a"), Field::Array)]).unwrap_err();
        assert_eq!(err.message, "departments[0].name is not a string or null");
    }

    #[test]
    fn embedded_first_name_wins() {
        let mut table = Departments::default();
        assert!(table.insert_missing("d", "First"));
        assert!(!table.insert_missing("d", "Second"));
        assert_eq!(table.key_for(&DepartmentRef::Id("d".into())), "First");
        assert_eq!(record(Field::Absent, text("x")).entry(), Err("_id is missing".into()));
    }
}
