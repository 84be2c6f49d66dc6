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

use serde_json::to_string as json_string;

/// The counts of one department (or of the `"undefined"` group).
///
/// # Example
/// ```
/// use chats_per_department::body::DepartmentCount;
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

/// A 400 body.
///
/// # Example
/// ```
/// use chats_per_department::body::Failure;
/// let f = Failure::new("must be string [invalid-params]", Some("invalid-params"));
/// assert_eq!(f.to_json(), r#"{"success":false,"error":"must be string [invalid-params]","errorType":"invalid-params"}"#);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// The message, word for word as the server writes it.
    pub error: String,
    /// `invalid-params` (schema), `invalid-rooms` / `invalid-departments`
    /// (this library's data errors), or none (the server's date errors).
    pub error_type: Option<&'static str>,
}

impl Failure {
    /// A failure with the given message and error type.
    pub fn new(error: impl Into<String>, error_type: Option<&'static str>) -> Self {
        Failure { error: error.into(), error_type }
    }

    /// The body as JSON text.
    pub fn to_json(&self) -> String {
        let mut out = format!(r#"{{"success":false,"error":{}"#, quote(&self.error));
        if let Some(kind) = self.error_type {
            out.push_str(&format!(r#","errorType":{}"#, quote(kind)));
        }
        out.push('}');
        out
    }
}

/// A whole response body: the chart or a failure.
///
/// # Example
/// ```
/// use chats_per_department::body::{Body, DepartmentCount};
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
        // The server assigns `success` last, into the same object: a
        // department named "success" keeps its place but becomes `true`.
        let mut entries: Vec<(&str, String)> = departments
            .iter()
            .map(|d| {
                let value = if d.name == "success" {
                    "true".to_owned()
                } else {
                    format!(r#"{{"open":{},"closed":{}}}"#, d.open, d.closed)
                };
                (d.name.as_str(), value)
            })
            .collect();
        if !departments.iter().any(|d| d.name == "success") {
            entries.push(("success", "true".to_owned()));
        }
        // JavaScript objects list array-index keys first, ascending.
        entries.sort_by_key(|(name, _)| array_index(name).map_or((1, 0), |i| (0, i)));
        let fields: Vec<String> = entries.iter().map(|(name, value)| format!("{}:{value}", quote(name))).collect();
        format!("{{{}}}", fields.join(","))
    }
}

/// The value of `key` as an array index (a canonical integer below 2³²−1).
fn array_index(key: &str) -> Option<u32> {
    let value: u32 = key.parse().ok()?;
    (value != u32::MAX && value.to_string() == key).then_some(value)
}

/// A JSON string literal with `JSON.stringify`'s escapes.
fn quote(text: &str) -> String {
    json_string(text).unwrap_or_else(|_| "\"\"".to_owned())
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
