//! The chart's store: what an index holds, packed for memory and for the
//! query's few cache lines.
//!
//! - [`column`]: one department's rooms as sorted `ts * 2 + open`
//!   entries, in blocks, with a directory of time steps.
//! - [`room_ids`]: every room with an `_id`: where it is counted, so that
//!   a newer version replaces it.
//! - [`bits`]: the bit-packing both use.
//!
//! A faster search goes in `column` (the query's only reader); a new field
//! a room must remember goes in `room_ids`' `Held` and the sealed
//! records' layout.

pub mod bits;
pub mod column;
pub mod room_ids;
