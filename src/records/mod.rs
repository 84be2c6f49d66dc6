//! Reading records: rooms and departments from JSON text, byte streams or
//! field values, each turned into the facts the chart needs, with errors
//! that name the record and the field.

pub mod department;
pub mod fast_json;
pub mod field;
pub mod json_input;
pub mod room;
pub mod scan;
pub mod stream;
