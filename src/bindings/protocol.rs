//! The protocol between `read.js` and the Rust side, declared once: the
//! tags `raw` gives a JavaScript value, the bits of a room's facts byte
//! in the column hand-over, and the codes of its dates and departments.
//! `read.js` names the same constants with the same names in
//! SCREAMING_CASE; `tests/boundary/protocol.test.mjs` reads both files
//! and fails when a name or a value differs.

// Tags of `raw(value)`: `[tag, payload]`.
/// `undefined` or missing.
pub(crate) const ABSENT: i32 = 0;
/// `null`.
pub(crate) const NULL: i32 = 1;
/// A boolean.
pub(crate) const BOOL: i32 = 2;
/// A number.
pub(crate) const NUMBER: i32 = 3;
/// A string.
pub(crate) const STRING: i32 = 4;
/// A `Date` (payload: its time value).
pub(crate) const DATE: i32 = 5;
/// An array.
pub(crate) const ARRAY: i32 = 6;
/// Any other object (the decoder's fallback, so never matched by name).
#[allow(dead_code)]
pub(crate) const OBJECT: i32 = 7;
/// `{ $date: … }` (payload: the tagged inner value).
pub(crate) const EXTENDED_DATE: i32 = 8;
/// `{ $numberLong: "…" }`.
pub(crate) const NUMBER_LONG: i32 = 9;
/// `{ $oid: "…" }`.
pub(crate) const OBJECT_ID: i32 = 10;

// A room's facts byte in the column hand-over (`extractRooms`).
/// Bit 0: `t === "l"`.
pub(crate) const LIVECHAT: u8 = 1;
/// Bits 1-2 (`open`): 1 is `true`.
pub(crate) const OPEN_TRUE: u8 = 1 << 1;
/// Bits 1-2 (`open`): 2 is anything else present.
pub(crate) const OPEN_OTHER: u8 = 2 << 1;
/// Bits 3-4: the code of `ts` (a date code below).
pub(crate) const TS_SHIFT: u8 = 3;
/// Bits 5-6: the code of `_updatedAt`.
pub(crate) const UPDATED_SHIFT: u8 = 5;
/// Bit 7: `_id` is present (its text is in `ids`).
pub(crate) const HAS_ID: u8 = 1 << 7;

// Date codes (0: absent or null).
/// Milliseconds in the number column.
pub(crate) const DATE_MS: u8 = 1;
/// Text, next in the texts column.
pub(crate) const DATE_TEXT: u8 = 2;

// A room's department in the department column (else an index into
// `departmentIds`).
/// No `departmentId`.
pub(crate) const DEPARTMENT_ABSENT: i32 = -2;
/// `departmentId: null`.
pub(crate) const DEPARTMENT_NULL: i32 = -1;
