//! Fuzz target: the `snapshot` property of tests/fuzz_checks/.
#![no_main]

#[path = "../../tests/fuzz_checks/mod.rs"]
mod fuzz_checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| fuzz_checks::snapshot(data));
