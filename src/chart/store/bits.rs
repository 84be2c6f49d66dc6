//! The one bit-packing codec of the store: unsigned fields of 0 to 128
//! bits at any bit position of a byte buffer, little-endian (a field's
//! bit `k` is bit `(at + k) % 8` of byte `(at + k) / 8`), the buffer
//! followed by [`PADDING`] zero bytes.
//!
//! Why one eight-byte load per field: a field of at most 56 bits, wherever
//! it starts, lies within the eight bytes from its first byte (`at % 8` is
//! at most 7, and `7 + 56 ≤ 64`). The padding makes that load possible for
//! the last field too. Wider fields are read in 56-bit (or 64-bit) parts.
//!
//! Both stores use it: a column's blocks (each room's time as an offset
//! from the block's first) and the sealed rooms' records (key, slot,
//! entry and `_updatedAt`, each at its own width).
//!
//! # Example
//! ```
//! use chats_per_department::internals::store::bits;
//! let mut buffer = vec![0u8; 4 + bits::PADDING];
//! bits::write(&mut buffer, 3, 20, 0xABCDE);
//! assert_eq!(bits::read(&buffer, 3, 20), 0xABCDE);
//! assert_eq!(bits::read(&buffer, 0, 3), 0);
//! assert_eq!(bits::width_of(0xABCDE), 20);
//! ```

/// Zero bytes after the last field, so that any field of at most 56 bits
/// is read with one eight-byte load.
pub const PADDING: usize = 8;

/// Bits that hold `x`: 0 for 0.
///
/// # Example
/// ```
/// use chats_per_department::internals::store::bits::width_of;
/// assert_eq!((width_of(0), width_of(1), width_of(255), width_of(u64::MAX)), (0, 1, 8, 64));
/// ```
pub fn width_of(x: u64) -> u32 {
    u64::BITS - x.leading_zeros()
}

/// The mask of a field of `width` bits, 0 to 64.
///
/// # Example
/// ```
/// use chats_per_department::internals::store::bits::mask;
/// assert_eq!((mask(0), mask(3), mask(64)), (0, 7, u64::MAX));
/// ```
pub const fn mask(width: u32) -> u64 {
    if width == 0 {
        0
    } else {
        u64::MAX >> (u64::BITS - width)
    }
}

/// The eight bytes from byte `byte`; zeros past the buffer's end, which
/// the padding keeps from being reached.
#[inline]
fn load(bits: &[u8], byte: usize) -> u64 {
    bits.get(byte..byte + 8).map_or(0, |b| u64::from_le_bytes(b.try_into().unwrap_or_default()))
}

/// The field at bit `at` under `mask`, in one load: the caller knows that
/// `at % 8` plus the field's width is at most 64 (any width up to 56, or a
/// byte-aligned 64). The search of a column reads this way, its mask
/// computed once per block.
///
/// # Example
/// ```
/// use chats_per_department::internals::store::bits::{mask, read_within, write};
/// let mut buffer = vec![0u8; 16];
/// write(&mut buffer, 8, 64, u64::MAX - 1);
/// assert_eq!(read_within(&buffer, 8, mask(64)), u64::MAX - 1);
/// ```
#[inline]
pub fn read_within(bits: &[u8], at: usize, mask: u64) -> u64 {
    (load(bits, at / 8) >> (at % 8)) & mask
}

/// The field of `width` bits (0 to 64) at bit `at`.
///
/// # Example
/// ```
/// use chats_per_department::internals::store::bits::{read, write};
/// let mut buffer = vec![0u8; 9 + 8];
/// write(&mut buffer, 5, 64, 0x8000_0000_0000_0001);
/// assert_eq!(read(&buffer, 5, 64), 0x8000_0000_0000_0001);
/// ```
#[inline]
pub fn read(bits: &[u8], at: usize, width: u32) -> u64 {
    if width <= 56 {
        read_within(bits, at, mask(width))
    } else {
        read_within(bits, at, mask(56)) | read_within(bits, at + 56, mask(width - 56)) << 56
    }
}

/// The field of `width` bits (0 to 128) at bit `at`.
///
/// # Example
/// ```
/// use chats_per_department::internals::store::bits::{read_wide, write_wide};
/// let mut buffer = vec![0u8; 15 + 8];
/// write_wide(&mut buffer, 6, 114, (1 << 113) | 5);
/// assert_eq!(read_wide(&buffer, 6, 114), (1 << 113) | 5);
/// ```
// Not inlined, nor is `write`: copies in each caller cost more module
// size than the call costs time.
#[inline(never)]
pub fn read_wide(bits: &[u8], at: usize, width: u32) -> u128 {
    if width <= 64 {
        u128::from(read(bits, at, width))
    } else {
        u128::from(read(bits, at, 64)) | u128::from(read(bits, at + 64, width - 64)) << 64
    }
}

/// Writes the low `width` bits of `value` (`width` 0 to 56) at bit `at`,
/// leaving the bits around them.
#[inline]
fn write_within(bits: &mut [u8], at: usize, width: u32, value: u64) {
    let (byte, shift) = (at / 8, at % 8);
    if let Some(bytes) = bits.get_mut(byte..byte + 8) {
        let mask = mask(width) << shift;
        let old = u64::from_le_bytes(bytes.try_into().unwrap_or_default());
        bytes.copy_from_slice(&((old & !mask) | ((value << shift) & mask)).to_le_bytes());
    }
}

/// Writes the low `width` bits of `value` (`width` 0 to 64) at bit `at`,
/// leaving the bits around them.
///
/// # Example
/// ```
/// use chats_per_department::internals::store::bits::{read, write};
/// let mut buffer = vec![0xFFu8; 2 + 8];
/// write(&mut buffer, 4, 8, 0);
/// assert_eq!((read(&buffer, 0, 4), read(&buffer, 4, 8), read(&buffer, 12, 4)), (15, 0, 15));
/// ```
#[inline(never)]
pub fn write(bits: &mut [u8], at: usize, width: u32, value: u64) {
    if width <= 56 {
        write_within(bits, at, width, value);
    } else {
        write_within(bits, at, 56, value);
        write_within(bits, at + 56, width - 56, value >> 56);
    }
}

/// Writes the low `width` bits of `value` (`width` 0 to 128) at bit `at`.
///
/// # Example
/// ```
/// use chats_per_department::internals::store::bits::{read_wide, write_wide};
/// let mut buffer = vec![0u8; 16 + 8];
/// write_wide(&mut buffer, 0, 128, u128::MAX);
/// assert_eq!(read_wide(&buffer, 0, 128), u128::MAX);
/// ```
pub fn write_wide(bits: &mut [u8], at: usize, width: u32, value: u128) {
    if width <= 64 {
        write(bits, at, width, value as u64);
    } else {
        write(bits, at, 64, value as u64);
        write(bits, at + 64, width - 64, (value >> 64) as u64);
    }
}

/// Copies `count` bits from bit `from` of `source` to bit `to` of
/// `target`, leaving the bits around them: a sealed part's records move
/// this way when it is sealed again, so it runs at the speed of memory
/// rather than of fields. The first few bits bring `to` to a byte; from
/// there whole bytes are written, eight at a time, each the next 64 bits
/// of `source`.
///
/// # Example
/// ```
/// use chats_per_department::internals::store::bits::{copy, read, write};
/// let (mut source, mut target) = (vec![0u8; 32 + 8], vec![0u8; 32 + 8]);
/// write(&mut source, 3, 64, 0x0123_4567_89ab_cdef);
/// copy(&source, 3, &mut target, 70, 64);
/// assert_eq!(read(&target, 70, 64), 0x0123_4567_89ab_cdef);
/// ```
pub fn copy(source: &[u8], mut from: usize, target: &mut [u8], mut to: usize, mut count: usize) {
    let head = (to.wrapping_neg() % 8).min(count);
    write(target, to, head as u32, read(source, from, head as u32));
    (from, to, count) = (from + head, to + head, count - head);
    let (whole, shift) = (count / 64 * 8, from % 8);
    if let (Some(out), Some(bytes)) = (target.get_mut(to / 8..to / 8 + whole), source.get(from / 8..from / 8 + whole + 8)) {
        for (k, word) in out.chunks_exact_mut(8).enumerate() {
            // The 64 bits from `from + 64 k`: eight bytes and one more
            // (within the padding at the end); `<< 1 <<` keeps a shift
            // of 0 from becoming one of 64.
            let low = u64::from_le_bytes(bytes[k * 8..k * 8 + 8].try_into().unwrap_or_default());
            word.copy_from_slice(&(low >> shift | u64::from(bytes[k * 8 + 8]) << 1 << (63 - shift)).to_le_bytes());
        }
        (from, to, count) = (from + whole * 8, to + whole * 8, count - whole * 8);
    }
    // Fewer than 64 bits left (the padding is what a whole step reads).
    write(target, to, count as u32, read(source, from, count as u32));
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs of every length up to 300 bits, from and to every bit offset,
    /// between neighbours of all ones: each is copied bit for bit, and the
    /// bits around it stay.
    #[test]
    fn copies_move_every_bit_and_spare_their_neighbours() {
        let source: Vec<u8> = (0..64u32).map(|n| (n.wrapping_mul(0x9E37_79B9) >> 24) as u8).collect();
        for count in 0..300 {
            for (from, to) in (0..16).flat_map(|from| (0..16).map(move |to| (from, to))) {
                let mut target = vec![0xFFu8; 64];
                copy(&source, from, &mut target, to, count);
                for bit in 0..(64 - 8) * 8 {
                    let expected = if (to..to + count).contains(&bit) { read(&source, from + bit - to, 1) } else { 1 };
                    assert_eq!(read(&target, bit, 1), expected, "{count} bits from {from} to {to}: bit {bit}");
                }
            }
        }
    }

    /// Fields of every width at every bit offset, written between
    /// neighbours of all ones: each reads back, and its neighbours keep
    /// their bits.
    #[test]
    fn every_width_at_every_offset_round_trips_and_spares_its_neighbours() {
        let mut seed = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for width in 0..=128u32 {
            for at in 0..16usize {
                let mut buffer = vec![0xFFu8; (at + width as usize).div_ceil(8) + 1 + PADDING];
                let value =
                    (u128::from(next()) << 64 | u128::from(next())) & (u128::MAX >> (128 - width).min(127) >> u32::from(width == 0));
                write_wide(&mut buffer, at, width, value);
                assert_eq!(read_wide(&buffer, at, width), value, "width {width} at {at}");
                assert_eq!(read_wide(&buffer, 0, at as u32), (1u128 << at) - 1, "before, width {width} at {at}");
                assert_eq!(read(&buffer, at + width as usize, 8), 0xFF, "after, width {width} at {at}");
                if width <= 56 || (width == 64 && at % 8 == 0) {
                    assert_eq!(u128::from(read_within(&buffer, at, mask(width))), value);
                }
            }
        }
    }
}
