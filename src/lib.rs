//! Rocket.Chat's "chats per department" chart, computed exactly as the
//! server computes it, without the server.
//!
//! The endpoint `GET /api/v1/livechat/analytics/dashboards/charts/chats-per-department`
//! takes `start`, `end` and an optional `departmentId`, and answers
//! `{"Sales": {"open": 0, "closed": 9}, …, "success": true}` or a 400 body.
//! This crate gives the same answer from the raw room and department
//! records, byte for byte, including the error bodies.
//!
//! The layers, each a folder, in the order a request flows through them:
//!
//! - [`server`]: what JavaScript and the server define: Ajv's parameter
//!   rules, V8's `Date.parse`, local time zones, the 400 bodies;
//! - [`records`]: rooms and departments, read from JSON (a hand-written
//!   reader for the hot path, serde for everything else), from streams, or
//!   field by field, with errors that name the record and field;
//! - [`chart`]: the counts (one-shot [`chart::counter`] or the reusable
//!   [`chart::index::ChatIndex`]), the response body, and the request's
//!   order of checks ([`chart::respond`]);
//! - `bindings` (wasm32 only): conversions at the JavaScript boundary and
//!   nothing else.
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

pub mod chart;
pub mod records;
pub mod server;

#[cfg(target_arch = "wasm32")]
pub mod bindings;

pub use chart::body::Body;
pub use chart::index::ChatIndex;
pub use chart::respond::{chats_per_department_json, respond};
pub use server::params::Params;
pub use server::zone::Utc;
