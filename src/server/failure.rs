//! The server's 400 bodies: `{"success": false, "error": …}`, with an
//! `errorType` for schema errors (and this library's data errors), without
//! one for the handler's date errors.

use serde_json::to_string as json_string;

/// The `errorType` of a 400 body.
///
/// # Example
/// ```
/// use chats_per_department::internals::failure::ErrorType;
/// assert_eq!(ErrorType::InvalidRooms.as_str(), "invalid-rooms");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorType {
    /// The server's schema check (Ajv) failed.
    InvalidParams,
    /// The `rooms` argument is bad (this library's own check).
    InvalidRooms,
    /// The `departments` argument is bad (this library's own check).
    InvalidDepartments,
}

impl ErrorType {
    /// The text the body carries.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorType::InvalidParams => "invalid-params",
            ErrorType::InvalidRooms => "invalid-rooms",
            ErrorType::InvalidDepartments => "invalid-departments",
        }
    }
}

/// A 400 body.
///
/// # Example
/// ```
/// use chats_per_department::internals::failure::Failure;
/// use chats_per_department::internals::failure::ErrorType;
/// let f = Failure::new("must be string [invalid-params]", Some(ErrorType::InvalidParams));
/// assert_eq!(f.to_json(), r#"{"success":false,"error":"must be string [invalid-params]","errorType":"invalid-params"}"#);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// The message, word for word as the server writes it.
    pub error: String,
    /// Schema errors and this library's data errors carry one; the
    /// server's date errors do not.
    pub error_type: Option<ErrorType>,
}

impl Failure {
    /// A failure with the given message and error type.
    pub fn new(error: impl Into<String>, error_type: Option<ErrorType>) -> Self {
        Failure { error: error.into(), error_type }
    }

    /// The body as JSON text.
    pub fn to_json(&self) -> String {
        let mut out = format!(r#"{{"success":false,"error":{}"#, quote(&self.error));
        if let Some(kind) = self.error_type {
            out.push_str(&format!(r#","errorType":{}"#, quote(kind.as_str())));
        }
        out.push('}');
        out
    }
}

/// A JSON string literal with `JSON.stringify`'s escapes.
pub(crate) fn quote(text: &str) -> String {
    json_string(text).unwrap_or_else(|_| "\"\"".to_owned())
}
