//! The vocabulary every reader shares: a raw field value, a data error, and
//! a reference to a department. Rooms and departments both build on it, so
//! neither needs the other's module for these.

/// A raw field value, from JSON or from a JavaScript object, before any
/// rule has looked at it.
///
/// # Example
/// ```
/// use chats_per_department::internals::field::Field;
/// let ts = Field::ExtendedDate(Box::new(Field::NumberLong("0".into())));
/// assert!(matches!(ts, Field::ExtendedDate(_)));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub enum Field {
    /// The key is not there (or is `undefined` in JavaScript).
    Absent,
    /// `null`.
    Null,
    /// `true` / `false`.
    Bool(bool),
    /// A number.
    Number(f64),
    /// A string.
    Text(String),
    /// A JavaScript `Date`'s time value (`NaN` for an invalid date).
    Date(f64),
    /// Extended JSON `{"$date": …}`.
    ExtendedDate(Box<Field>),
    /// Extended JSON `{"$numberLong": "…"}`.
    NumberLong(String),
    /// Extended JSON `{"$oid": "…"}` (a MongoDB ObjectId, as `mongoexport`
    /// writes one).
    ObjectId(String),
    /// An array (contents not kept).
    Array,
    /// Any other object (contents not kept).
    Object,
}

/// A data error: which record, which field, what is wrong.
///
/// Its message is built where the error is found, which is only ever on
/// the error path; the 400 body carries it as it is. Its [`kind`] says
/// what sort of error it is, for a caller that handles them apart.
///
/// [`kind`]: DataError::kind
///
/// # Example
/// ```
/// use chats_per_department::internals::field::{DataError, DataErrorKind};
/// let e = DataError::new("rooms[17].ts is not a date");
/// assert_eq!((e.message.as_str(), e.kind), ("rooms[17].ts is not a date", DataErrorKind::Record));
/// assert_eq!(DataError::limit("rooms: too many").kind, DataErrorKind::Limit);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataError {
    /// `rooms[17].ts is not a date`, `departments[2]._id is not a string`…
    pub message: String,
    /// What sort of error.
    pub kind: DataErrorKind,
}

/// What sort of data error.
///
/// # Example
/// ```
/// use chats_per_department::{chats_per_department_json, DataErrorKind};
/// # use chats_per_department::internals::json_input::read_rooms;
/// # use chats_per_department::Utc;
/// assert_eq!(read_rooms(b"[{", &Utc).unwrap_err().kind, DataErrorKind::Syntax);
/// assert_eq!(read_rooms(br#"[{"ts": true}]"#, &Utc).unwrap_err().kind, DataErrorKind::Record);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DataErrorKind {
    /// The text is not JSON (serde_json's message, with line and column).
    Syntax,
    /// The input is not an array of records, a REST page or JSON.
    Shape,
    /// A record, or one of its fields, is not what the server stores.
    Record,
    /// The input is larger than one call or one record may be.
    Limit,
}

impl DataError {
    /// A record's error with this message.
    pub fn new(message: impl Into<String>) -> Self {
        DataError { message: message.into(), kind: DataErrorKind::Record }
    }

    /// An error of `kind` with this message.
    pub fn of(kind: DataErrorKind, message: impl Into<String>) -> Self {
        DataError { message: message.into(), kind }
    }

    /// A limit's error with this message.
    pub fn limit(message: impl Into<String>) -> Self {
        DataError::of(DataErrorKind::Limit, message)
    }
}

impl std::fmt::Display for DataError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for DataError {}

/// The department a room points at (its `departmentId`), owned.
///
/// # Example
/// ```
/// use chats_per_department::internals::field::DepartmentRef;
/// assert_ne!(DepartmentRef::Null, DepartmentRef::Absent);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum DepartmentRef {
    /// No `departmentId` key: the server's `$exists: true` excludes the room.
    Absent,
    /// `departmentId: null`: counted, under `"undefined"`.
    Null,
    /// A department id.
    Id(String),
}

/// [`DepartmentRef`], borrowed: what readers hand over without allocating.
///
/// # Example
/// ```
/// use chats_per_department::internals::field::DepartmentView;
/// assert_ne!(DepartmentView::Null, DepartmentView::Absent);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DepartmentView<'a> {
    /// No `departmentId` key.
    Absent,
    /// `departmentId: null`.
    Null,
    /// A department id.
    Id(&'a str),
}

impl DepartmentRef {
    /// This reference, borrowed.
    ///
    /// # Example
    /// ```
    /// use chats_per_department::internals::field::{DepartmentRef, DepartmentView};
    /// assert_eq!(DepartmentRef::Id("d".into()).view(), DepartmentView::Id("d"));
    /// ```
    pub fn view(&self) -> DepartmentView<'_> {
        match self {
            DepartmentRef::Absent => DepartmentView::Absent,
            DepartmentRef::Null => DepartmentView::Null,
            DepartmentRef::Id(id) => DepartmentView::Id(id),
        }
    }
}

impl DepartmentView<'_> {
    /// This reference, owned.
    ///
    /// # Example
    /// ```
    /// use chats_per_department::internals::field::{DepartmentRef, DepartmentView};
    /// assert_eq!(DepartmentView::Null.to_owned_ref(), DepartmentRef::Null);
    /// ```
    pub fn to_owned_ref(self) -> DepartmentRef {
        match self {
            DepartmentView::Absent => DepartmentRef::Absent,
            DepartmentView::Null => DepartmentRef::Null,
            DepartmentView::Id(id) => DepartmentRef::Id(id.to_owned()),
        }
    }
}
