//! What JavaScript and the server define, reproduced exactly: V8's
//! `Date.parse` and the local time zones it reads, JavaScript's number
//! formatting (Ajv's type coercion), Ajv's rules for the endpoint's
//! parameters, and the server's 400 bodies.

pub mod calendar;
pub mod date_parse;
pub mod failure;
pub mod js_number;
pub mod params;
pub mod zone;
