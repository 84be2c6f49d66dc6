//! The chart: the two counts (one-shot or indexed), the response body, and
//! the order in which a request is checked.

pub mod body;
pub mod counter;
pub mod index;
pub mod respond;
pub mod series;
pub mod store;
