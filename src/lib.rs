//! Rocket.Chat's "chats per department" chart, computed exactly as the
//! server computes it, without the server.
//!
//! The endpoint `GET /api/v1/livechat/analytics/dashboards/charts/chats-per-department`
//! takes `start`, `end` and an optional `departmentId`, and answers
//! `{"Sales": {"open": 0, "closed": 9}, …, "success": true}` or a 400 body.
//! This crate gives the same answer from the raw room and department
//! records, byte for byte, including the error bodies.
//!
//! The public API is small:
//!
//! - [`chats_per_department_json`] (and [`respond`], for rooms that come
//!   from elsewhere than JSON): the server's body for one request;
//! - [`ChatIndex`]: rooms loaded once, kept current (`add_json`, `remove`,
//!   `retain`, `merge`), queried in microseconds (`query`, `series` per
//!   [`Bucket`]), saved and reopened (`to_bytes`, `from_bytes`);
//! - [`Params`], the request's query; [`Body`], the answer (a chart of
//!   [`DepartmentCount`]s or a [`Failure`]); [`DataError`], what is wrong
//!   with the input (its [`DataErrorKind`]: the text, its shape, a record,
//!   a limit); [`SnapshotError`], why saved bytes cannot be reopened;
//! - the zones dates without an offset are read in: [`Utc`],
//!   [`FixedOffset`], or any [`LocalZone`].
//!
//! Inside, four layers (docs/architecture.md maps them): what JavaScript
//! and the server define (Ajv's parameter rules, V8's `Date.parse`, time
//! zones, the 400 bodies); reading records; the chart and its store; and,
//! in wasm32 builds only, the JavaScript boundary. They are not part of the
//! API; the crate's own tests reach them through a hidden `internals`
//! module.
//!
//! # Example
//! ```
//! use chats_per_department::{chats_per_department_json, Params, Utc};
//! let rooms = br#"[
//!   {"t":"l","open":true,"departmentId":"d1","ts":"2020-09-10T10:00:00.000Z"},
//!   {"t":"l","departmentId":"d1","ts":"2020-09-10T11:00:00.000Z"}
//! ]"#;
//! let departments = br#"[{"_id":"d1","name":"Sales"}]"#;
//! let params = Params::from_pairs([("start", "2020-09-10"), ("end", "2020-09-11")]);
//! let body = chats_per_department_json(rooms, Some(departments), &params, &Utc);
//! assert_eq!(body.to_json(), r#"{"Sales":{"open":1,"closed":1},"success":true}"#);
//! ```

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod chart;
mod records;
mod server;
#[cfg(test)]
mod test_rng;

#[cfg(target_arch = "wasm32")]
#[doc(hidden)]
pub mod bindings;

pub use chart::body::{Body, DepartmentCount};
pub use chart::index::snapshot::SnapshotError;
pub use chart::index::ChatIndex;
pub use chart::respond::{chats_per_department_json, respond};
pub use chart::series::{Bucket, Series, Span};
pub use records::field::{DataError, DataErrorKind};
pub use server::failure::Failure;
pub use server::params::Params;
pub use server::zone::{FixedOffset, LocalZone, Utc};

/// The crate's inner layers, for its own tests, fuzz targets and
/// benchmarks: not part of the public API, and free to change.
#[doc(hidden)]
pub mod internals {
    pub use crate::chart::store::{self, column, room_ids};
    pub use crate::chart::{body, counter, index, respond, series};
    pub use crate::records::{department, fast_json, field, json_input, room, scan, stream};
    pub use crate::server::{calendar, date_parse, failure, js_number, params, zone};
}
