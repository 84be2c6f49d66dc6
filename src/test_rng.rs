//! The unit tests' random numbers: xorshift64 (13, 7, 17), deterministic
//! and dependency-free, one generator for every module's tests.

/// Steps `x` and returns its new value.
pub(crate) fn xorshift(x: &mut u64) -> u64 {
    *x ^= *x << 13;
    *x ^= *x >> 7;
    *x ^= *x << 17;
    *x
}
