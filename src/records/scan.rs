//! Where a JSON string's plain run ends: the scan that most of a room's
//! bytes go through, since most of them sit inside strings the chart skips
//! (ids, names, tokens, timestamps it does not read).
//!
//! Eight bytes at a time inside a `u64` (SWAR). A SIMD128 build of the
//! same scan (16 bytes per step, `core::arch::wasm32`, the whole crate
//! built with `+simd128`) was measured and not kept: on REST rooms it was
//! within noise of this one, for a second module to ship and choose at
//! `init` (the numbers are in the changelog). Strings
//! in rooms are short (ids of 17 characters, dates of 24): the time goes
//! to the branch at each string's end and to the work per member, not to
//! comparing bytes. SIMD would pay in a reader that finds every quote and
//! bracket of a block at once (simdjson's first stage), not in this scan.

/// Index of the first byte of `rest` that ends a plain string run: `"`,
/// `\`, or a control character (below 0x20, which JSON forbids raw in a
/// string, RFC 8259 §7). `None` when there is none.
///
/// # Example
/// ```
/// use chats_per_department::internals::scan::string_stop;
/// assert_eq!(string_stop(br#"department-00","ts":1"#), Some(13));
/// assert_eq!(string_stop(br"a\nb"), Some(1));
/// assert_eq!(string_stop(b"no end"), None);
/// ```
#[inline(always)]
pub fn string_stop(rest: &[u8]) -> Option<usize> {
    let mut k = 0;
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    // High bit set in each byte of `v` that is zero; exact up to the first.
    let zero_bytes = |v: u64| v.wrapping_sub(ONES) & !v & HIGHS;
    while let Some(word) = rest.get(k..k + 8) {
        let w = u64::from_le_bytes(word.try_into().ok()?);
        let hits = zero_bytes(w ^ (ONES * u64::from(b'"')))
            | zero_bytes(w ^ (ONES * u64::from(b'\\')))
            | (w.wrapping_sub(ONES * 0x20) & !w & HIGHS);
        if hits != 0 {
            return Some(k + (hits.trailing_zeros() / 8) as usize);
        }
        k += 8;
    }
    rest[k..].iter().position(|&c| c == b'"' || c == b'\\' || c < 0x20).map(|p| k + p)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_rng::xorshift;

    #[test]
    fn string_stop_finds_the_first_stop_byte() {
        let slow = |b: &[u8]| b.iter().position(|&c| c == b'"' || c == b'\\' || c < 0x20);
        let mut x: u64 = 88172645463325252;
        for _ in 0..20_000 {
            xorshift(&mut x);
            let len = (x % 40) as usize;
            let bytes: Vec<u8> =
                (0..len).map(|i| [b'a', b'"', b'\\', 0x1F, 0x20, 0x7F, 0xC3, 0x21, 0x00][((x >> (i % 50)) % 9) as usize]).collect();
            let plain: Vec<u8> = bytes.iter().map(|&b| if (x >> 7).is_multiple_of(3) { b } else { b.clamp(0x20, 0x21) }).collect();
            for b in [&bytes, &plain] {
                assert_eq!(string_stop(b), slow(b), "{b:?}");
            }
        }
    }
}
