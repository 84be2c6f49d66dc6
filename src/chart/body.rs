//! The response body, exactly as the endpoint sends it.
//!
//! Success: one key per department name, `{"open": n, "closed": n}`, then
//! `"success": true` (written last, so a department called `success` is
//! overwritten, as on the server). Failure: `{"success": false, "error": …}`
//! plus `"errorType"` for schema and data errors.
//!
//! The JSON text is what `JSON.stringify` gives for the object the server
//! builds, including JavaScript's key order: keys that are array indices
//! (`"0"`, `"2024"`) come first in numeric order, the rest in insertion order.

use crate::server::failure::quote;
pub use crate::server::failure::{ErrorType, Failure};

/// The counts of one department (or of the `"undefined"` group).
///
/// # Example
/// ```
/// use chats_per_department::internals::body::DepartmentCount;
/// let sales = DepartmentCount { name: "Sales".into(), open: 0, closed: 9 };
/// assert_eq!(sales.open + sales.closed, 9);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DepartmentCount {
    /// The key in the body: the department's name, `"undefined"` when the
    /// room's department is unknown or unnamed, `"null"` for a null name.
    pub name: String,
    /// Rooms with `open: true`.
    pub open: u64,
    /// Rooms without an `open` field (closing a room unsets it).
    pub closed: u64,
}

/// A whole response body: the chart or a failure.
///
/// # Example
/// ```
/// use chats_per_department::internals::body::{Body, DepartmentCount};
/// let body = Body::Chart(vec![DepartmentCount { name: "Sales".into(), open: 0, closed: 9 }]);
/// assert_eq!(body.to_json(), r#"{"Sales":{"open":0,"closed":9},"success":true}"#);
/// assert_eq!(Body::Chart(vec![]).to_json(), r#"{"success":true}"#);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Body {
    /// 200: counts per department, in the library's documented order
    /// (department name, ascending).
    Chart(Vec<DepartmentCount>),
    /// 400.
    Failure(Failure),
}

impl Body {
    /// `true` for a 200 body.
    pub fn is_success(&self) -> bool {
        matches!(self, Body::Chart(_))
    }

    /// The body as JSON text, byte for byte what `JSON.stringify` of the
    /// server's object would give for the same department order.
    pub fn to_json(&self) -> String {
        let departments = match self {
            Body::Failure(failure) => return failure.to_json(),
            Body::Chart(departments) => departments,
        };
        let mut out = String::with_capacity(20 + departments.len() * 48);
        out.push('{');
        // JavaScript objects list array-index keys first, ascending; the
        // rest keep their order.
        let mut indexed: Vec<(u32, &DepartmentCount)> = departments.iter().filter_map(|d| array_index(&d.name).map(|i| (i, d))).collect();
        // Insertion sort: such names are rare and few, and a library sort
        // would cost 5 KB of the module. Indices are distinct (names are).
        for at in 1..indexed.len() {
            let mut i = at;
            while i > 0 && indexed[i - 1].0 > indexed[i].0 {
                indexed.swap(i - 1, i);
                i -= 1;
            }
        }
        let rest = departments.iter().filter(|d| array_index(&d.name).is_none());
        for department in indexed.into_iter().map(|(_, d)| d).chain(rest) {
            write_entry(&mut out, department);
        }
        // The server assigns `success` last, into the same object: a
        // department named "success" keeps its place but becomes `true`.
        if !departments.iter().any(|d| d.name == "success") {
            out.push_str("\"success\":true,");
        }
        out.pop(); // the last comma
        out.push('}');
        out
    }
}

/// `"name":{"open":n,"closed":n},` (or `"success":true,`).
fn write_entry(out: &mut String, department: &DepartmentCount) {
    push_quoted(out, &department.name);
    if department.name == "success" {
        out.push_str(":true,");
        return;
    }
    out.push_str(":{\"open\":");
    out.push_str(&department.open.to_string());
    out.push_str(",\"closed\":");
    out.push_str(&department.closed.to_string());
    out.push_str("},");
}

/// Appends a JSON string literal, escaping only when needed.
fn push_quoted(out: &mut String, text: &str) {
    if text.bytes().any(|b| b == b'"' || b == b'\\' || b < 0x20) {
        out.push_str(&quote(text));
    } else {
        out.push('"');
        out.push_str(text);
        out.push('"');
    }
}

/// The value of `key` as an array index (a canonical integer below 2³²−1).
fn array_index(key: &str) -> Option<u32> {
    if !key.as_bytes().first()?.is_ascii_digit() {
        return None;
    }
    let value: u32 = key.parse().ok()?;
    (value != u32::MAX && value.to_string() == key).then_some(value)
}

/// The value under `name` in `list`, which is kept in name order (a
/// body's order), added as `V::default()` when missing.
///
/// A sorted list, not a `BTreeMap`: a chart has tens of departments, and
/// the map's code took 2.9 KB of the gzipped module. (Adding names
/// in random order costs `n²/4` moves: a quarter of a million for a
/// thousand departments.)
///
/// # Example
/// ```
/// use chats_per_department::internals::body::by_name;
/// let mut list: Vec<(&str, u32)> = Vec::new();
/// *by_name(&mut list, "Sales") += 1;
/// *by_name(&mut list, "Billing") += 2;
/// *by_name(&mut list, "Sales") += 3;
/// assert_eq!(list, [("Billing", 2), ("Sales", 4)]);
/// ```
pub fn by_name<'a, 'l, V: Default>(list: &'l mut Vec<(&'a str, V)>, name: &'a str) -> &'l mut V {
    let at = list.binary_search_by(|(key, _)| (*key).cmp(name)).unwrap_or_else(|at| {
        list.insert(at, (name, V::default()));
        at
    });
    &mut list[at].1
}

#[cfg(test)]
mod tests {
    use super::*;

    fn count(name: &str, open: u64, closed: u64) -> DepartmentCount {
        DepartmentCount { name: name.into(), open, closed }
    }

    #[test]
    fn department_named_success_is_overwritten_in_place() {
        let body = Body::Chart(vec![count("A", 1, 0), count("success", 2, 3), count("Z", 0, 1)]);
        assert_eq!(body.to_json(), r#"{"A":{"open":1,"closed":0},"success":true,"Z":{"open":0,"closed":1}}"#);
    }

    #[test]
    fn index_keys_come_first() {
        let body = Body::Chart(vec![count("B", 1, 0), count("10", 1, 1), count("2", 0, 1), count("01", 1, 1)]);
        assert_eq!(
            body.to_json(),
            r#"{"2":{"open":0,"closed":1},"10":{"open":1,"closed":1},"B":{"open":1,"closed":0},"01":{"open":1,"closed":1},"success":true}"#
        );
    }

    #[test]
    fn names_are_escaped() {
        let body = Body::Chart(vec![count("a\"b\\c\n\u{1}", 1, 0)]);
        assert_eq!(body.to_json(), r#"{"a\"b\\c\n\u0001":{"open":1,"closed":0},"success":true}"#);
    }

    #[test]
    fn failure_without_error_type() {
        let f = Failure::new("The \"end\" query parameter must be a valid date.", None);
        assert_eq!(f.to_json(), r#"{"success":false,"error":"The \"end\" query parameter must be a valid date."}"#);
    }
}
