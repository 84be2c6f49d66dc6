//! The query parameters `start`, `end`, `departmentId`, validated as the
//! server validates them.
//!
//! The server runs two checks, in this order:
//!
//! 1. Ajv 8 with the endpoint's JSON schema (`start` and `end` required
//!    strings, `departmentId` a nullable string, nothing else allowed) and
//!    the options `coerceTypes: true`, first error only. A failure is
//!    `"<ajv message> [invalid-params]"` with `errorType: "invalid-params"`.
//! 2. `isNaN(Date.parse(start))`, then the same for `end`: a failure is
//!    `The "start" query parameter must be a valid date.` with no
//!    `errorType`.
//!
//! Ajv checks keywords in a fixed order (`type`, `required`,
//! `additionalProperties`, then each property in schema order), and the
//! first failure wins, so the order below is part of the behaviour.

use crate::server::date_parse::date_parse;
use crate::server::failure::{ErrorType, Failure};
use crate::server::js_number::to_js_string;
use crate::server::zone::LocalZone;

/// One parameter value, as JavaScript would hold it.
///
/// # Example
/// ```
/// use chats_per_department::internals::params::ParamValue;
/// let start = ParamValue::from("2020-09-10T00:00:00Z");
/// assert_eq!(start, ParamValue::String("2020-09-10T00:00:00Z".into()));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub enum ParamValue {
    /// A key present with the value `undefined` (Ajv treats it as absent
    /// for `required`, but it still counts as an extra key).
    Undefined,
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// Any number, `NaN` and infinities included.
    Number(f64),
    /// A string.
    String(String),
    /// An array (a repeated key in a query string arrives as one).
    Array,
    /// Any other object.
    Object,
}

impl From<&str> for ParamValue {
    fn from(s: &str) -> Self {
        ParamValue::String(s.to_owned())
    }
}

/// The whole `params` argument: normally an object of keys and values.
///
/// # Example
/// ```
/// use chats_per_department::internals::params::Params;
/// let params = Params::from_pairs([("start", "2020-01-01"), ("end", "2021-01-01")]);
/// assert!(matches!(params, Params::Object(ref pairs) if pairs.len() == 2));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub enum Params {
    /// An object's own enumerable keys, in order, with their values.
    Object(Vec<(String, ParamValue)>),
    /// Anything that is not a plain object (null, an array, a string, …).
    NotAnObject,
}

impl Params {
    /// Builds an object of string values.
    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        Params::Object(pairs.into_iter().map(|(k, v)| (k.to_owned(), ParamValue::from(v))).collect())
    }

    /// Reads a JSON object (as a server would receive after query parsing).
    ///
    /// # Example
    /// ```
    /// use chats_per_department::internals::params::{Params, ParamValue};
    /// let p = Params::from_json(r#"{"start": 5, "end": null}"#).unwrap();
    /// let Params::Object(pairs) = p else { panic!("an object") };
    /// assert!(pairs.contains(&("start".into(), ParamValue::Number(5.0))));
    /// assert!(pairs.contains(&("end".into(), ParamValue::Null)));
    /// ```
    pub fn from_json(text: &str) -> Result<Self, serde_json::Error> {
        let value: serde_json::Value = serde_json::from_str(text)?;
        Ok(match value {
            serde_json::Value::Object(map) => Params::Object(
                map.into_iter()
                    .map(|(k, v)| {
                        let v = match v {
                            serde_json::Value::Null => ParamValue::Null,
                            serde_json::Value::Bool(b) => ParamValue::Bool(b),
                            serde_json::Value::Number(n) => ParamValue::Number(n.as_f64().unwrap_or(f64::NAN)),
                            serde_json::Value::String(s) => ParamValue::String(s),
                            serde_json::Value::Array(_) => ParamValue::Array,
                            serde_json::Value::Object(_) => ParamValue::Object,
                        };
                        (k, v)
                    })
                    .collect(),
            ),
            _ => Params::NotAnObject,
        })
    }
}

/// Validated parameters: the date range and the department filter.
///
/// # Example
/// ```
/// use chats_per_department::internals::params::{validate, Params};
/// use chats_per_department::internals::zone::Utc;
/// let params = Params::from_pairs([("start", "1970-01-01"), ("end", "1970-01-02"), ("departmentId", "")]);
/// let query = validate(&params, &Utc).unwrap();
/// assert_eq!((query.start, query.end), (0, 86_400_000));
/// assert_eq!(query.department_id, None); // "" does not filter
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    /// First instant counted (inclusive), ms since the epoch.
    pub start: i64,
    /// Last instant counted (inclusive). May be before `start`: then nothing matches.
    pub end: i64,
    /// Only rooms of this department, when the server would filter.
    pub department_id: Option<String>,
}

const KNOWN_KEYS: [&str; 3] = ["start", "end", "departmentId"];

/// Whether the server filters by this `departmentId`: not when it is
/// empty or `"undefined"` (both mean "all departments" to it).
///
/// # Example
/// ```
/// use chats_per_department::internals::params::filters_by;
/// assert!(filters_by("7") && !filters_by("") && !filters_by("undefined"));
/// ```
pub fn filters_by(department_id: &str) -> bool {
    !department_id.is_empty() && department_id != "undefined"
}

/// Validates `params` with the server's semantics and order of checks.
///
/// # Example
/// ```
/// use chats_per_department::internals::params::{validate, Params};
/// use chats_per_department::internals::zone::Utc;
/// let err = validate(&Params::from_pairs([("end", "2020-01-01")]), &Utc).unwrap_err();
/// assert_eq!(err.error, "must have required property 'start' [invalid-params]");
/// let err = validate(&Params::from_pairs([("start", "x"), ("end", "y")]), &Utc).unwrap_err();
/// assert_eq!(err.error, "The \"start\" query parameter must be a valid date.");
/// assert_eq!(err.error_type, None);
/// ```
pub fn validate(params: &Params, zone: &dyn LocalZone) -> Result<Query, Failure> {
    let Params::Object(pairs) = params else {
        return Err(schema_error("must be object"));
    };
    let get = |key: &str| pairs.iter().find(|(k, _)| k == key).map(|(_, v)| v).filter(|v| **v != ParamValue::Undefined);
    for key in ["start", "end"] {
        if get(key).is_none() {
            return Err(schema_error(&format!("must have required property '{key}'")));
        }
    }
    if pairs.iter().any(|(k, _)| !KNOWN_KEYS.contains(&k.as_str())) {
        return Err(schema_error("must NOT have additional properties"));
    }
    let start = coerce_to_string(get("start"), false)?.unwrap_or_default();
    let end = coerce_to_string(get("end"), false)?.unwrap_or_default();
    let department = coerce_to_string(get("departmentId"), true)?;

    let start = date_parse(&start, zone).ok_or_else(|| invalid_date("start"))?;
    let end = date_parse(&end, zone).ok_or_else(|| invalid_date("end"))?;
    // The server filters only on a truthy id that is not the text "undefined"
    // (what a client sends when it interpolates a missing value).
    let department_id = department.filter(|id| filters_by(id));
    Ok(Query { start, end, department_id })
}

/// Ajv's `type: "string"` with `coerceTypes: true`; `nullable` keeps null.
fn coerce_to_string(value: Option<&ParamValue>, nullable: bool) -> Result<Option<String>, Failure> {
    Ok(match value {
        None | Some(ParamValue::Undefined) => None,
        Some(ParamValue::String(s)) => Some(s.clone()),
        Some(ParamValue::Null) if nullable => None,
        Some(ParamValue::Null) => Some(String::new()),
        Some(ParamValue::Bool(b)) => Some(b.to_string()),
        Some(ParamValue::Number(n)) => Some(to_js_string(*n)),
        Some(ParamValue::Array | ParamValue::Object) => return Err(schema_error("must be string")),
    })
}

fn schema_error(message: &str) -> Failure {
    Failure::new(format!("{message} [invalid-params]"), Some(ErrorType::InvalidParams))
}

fn invalid_date(name: &str) -> Failure {
    Failure::new(format!("The \"{name}\" query parameter must be a valid date."), None)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::zone::Utc;

    fn object(pairs: Vec<(&str, ParamValue)>) -> Params {
        Params::Object(pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
    }

    fn error_of(params: Params) -> String {
        validate(&params, &Utc).unwrap_err().error
    }

    #[test]
    fn required_start_before_end() {
        assert_eq!(error_of(object(vec![])), "must have required property 'start' [invalid-params]");
        assert_eq!(
            error_of(object(vec![("start", ParamValue::Undefined), ("end", "x".into())])),
            "must have required property 'start' [invalid-params]"
        );
        assert_eq!(error_of(object(vec![("start", "x".into())])), "must have required property 'end' [invalid-params]");
    }

    #[test]
    fn extra_keys_before_types_and_dates() {
        let params = object(vec![("start", ParamValue::Array), ("end", "y".into()), ("foo", ParamValue::Undefined)]);
        assert_eq!(error_of(params), "must NOT have additional properties [invalid-params]");
    }

    #[test]
    fn arrays_and_objects_are_not_strings() {
        let params = object(vec![("start", "2020".into()), ("end", ParamValue::Object)]);
        assert_eq!(error_of(params), "must be string [invalid-params]");
        let params = object(vec![("start", "x".into()), ("end", "y".into()), ("departmentId", ParamValue::Array)]);
        assert_eq!(error_of(params), "must be string [invalid-params]");
    }

    #[test]
    fn coercion_of_scalars() {
        // 2020 -> "2020" (a date); true -> "true" (not one); null -> "" (not one).
        let params = object(vec![("start", ParamValue::Number(2020.0)), ("end", ParamValue::Bool(true))]);
        assert_eq!(error_of(params), "The \"end\" query parameter must be a valid date.");
        let params = object(vec![("start", ParamValue::Null), ("end", "2020".into())]);
        assert_eq!(error_of(params), "The \"start\" query parameter must be a valid date.");
        let params = object(vec![("start", "2020".into()), ("end", "2021".into()), ("departmentId", ParamValue::Number(7.0))]);
        assert_eq!(validate(&params, &Utc).unwrap().department_id.as_deref(), Some("7"));
    }

    #[test]
    fn department_filter_rules() {
        for (value, expected) in [
            (ParamValue::Null, None),
            (ParamValue::from(""), None),
            (ParamValue::from("undefined"), None),
            (ParamValue::from("null"), Some("null")),
            (ParamValue::from("dep1"), Some("dep1")),
            (ParamValue::Bool(false), Some("false")),
        ] {
            let params = object(vec![("start", "2020".into()), ("end", "2021".into()), ("departmentId", value.clone())]);
            assert_eq!(validate(&params, &Utc).unwrap().department_id.as_deref(), expected, "{value:?}");
        }
    }

    #[test]
    fn not_an_object() {
        assert_eq!(error_of(Params::NotAnObject), "must be object [invalid-params]");
    }

    #[test]
    fn inverted_range_is_valid() {
        let params = Params::from_pairs([("start", "2021"), ("end", "2020")]);
        let query = validate(&params, &Utc).unwrap();
        assert!(query.start > query.end);
    }
}
