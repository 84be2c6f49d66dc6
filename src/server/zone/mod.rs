//! The local time zone, as far as `Date.parse` needs it.
//!
//! ECMAScript reads date-time strings without an offset
//! (`"2020-09-10T10:00"`, `"Sep 10 2020 10:00"`) as *local* time. The server
//! runs on Node.js, so "local" is the server host's zone; in a browser it is
//! the user's, unless the caller names the server's zone. Every reader is
//! handed a [`LocalZone`]: [`Utc`], a [`FixedOffset`], the operating
//! system's zone through chrono ([`SystemZone`], native builds), or in wasm
//! the JavaScript host's own zone and any IANA zone through `Intl`
//! (`host::HostZone`, `host::NamedZone`).

#[cfg(target_arch = "wasm32")]
pub mod host;

/// Milliseconds in a day.
pub(crate) const MS_PER_DAY: i64 = 86_400_000;

/// The largest absolute time value a JavaScript `Date` can hold (±8.64e15 ms).
pub const MAX_TIME_MS: i64 = 8_640_000_000_000_000;

/// A source of UTC offsets: what local clocks read at a given instant.
///
/// Only one question is asked, "what is the offset at this UTC instant", so
/// that any zone database (ICU behind V8, the OS, a fixed offset) can answer.
/// Local-to-UTC conversion is derived from it by [`local_to_utc`].
///
/// # Example
/// ```
/// use chats_per_department::internals::zone::{FixedOffset, LocalZone};
/// let kolkata = FixedOffset::from_minutes(330);
/// assert_eq!(kolkata.offset_ms(0), 19_800_000);
/// ```
pub trait LocalZone {
    /// Offset of local time from UTC, in milliseconds, at `utc_ms`
    /// (positive east of Greenwich). `utc_ms` is always within ±8.64e15.
    fn offset_ms(&self, utc_ms: i64) -> i64;
}

/// Coordinated Universal Time: offset zero everywhere.
///
/// # Example
/// ```
/// use chats_per_department::internals::zone::{Utc, LocalZone};
/// assert_eq!(Utc.offset_ms(1_600_000_000_000), 0);
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct Utc;

impl LocalZone for Utc {
    fn offset_ms(&self, _utc_ms: i64) -> i64 {
        0
    }
}

/// A zone with one offset at every instant (no daylight saving time).
///
/// # Example
/// ```
/// use chats_per_department::internals::zone::{FixedOffset, LocalZone};
/// assert_eq!(FixedOffset::from_minutes(-180).offset_ms(0), -10_800_000);
/// ```
#[derive(Debug, Clone, Copy)]
pub struct FixedOffset {
    offset_ms: i64,
}

impl FixedOffset {
    /// A zone `minutes` east of UTC (negative for west).
    pub fn from_minutes(minutes: i32) -> Self {
        Self { offset_ms: i64::from(minutes) * 60_000 }
    }
}

impl LocalZone for FixedOffset {
    fn offset_ms(&self, _utc_ms: i64) -> i64 {
        self.offset_ms
    }
}

/// The operating system's zone (the `TZ` variable or `/etc/localtime`),
/// through chrono. Native builds only: in wasm the bindings use the JS host.
///
/// # Example
/// ```
/// use chats_per_department::internals::zone::{SystemZone, LocalZone};
/// let offset = SystemZone.offset_ms(0);
/// assert!(offset.abs() < 86_400_000);
/// ```
#[cfg(not(target_arch = "wasm32"))]
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemZone;

#[cfg(not(target_arch = "wasm32"))]
impl LocalZone for SystemZone {
    fn offset_ms(&self, utc_ms: i64) -> i64 {
        use chrono::{Offset, TimeZone};
        // chrono's calendar stops at year ±262143; JS dates go to ±275760.
        // The clamp only matters past chrono's range, where zone rules are
        // extrapolated anyway.
        const CHRONO_LIMIT_MS: i64 = 8_210_266_876_799_999;
        let clamped = utc_ms.clamp(-CHRONO_LIMIT_MS, CHRONO_LIMIT_MS);
        match chrono::Local.timestamp_millis_opt(clamped) {
            chrono::LocalResult::Single(t) | chrono::LocalResult::Ambiguous(t, _) => i64::from(t.offset().fix().local_minus_utc()) * 1000,
            chrono::LocalResult::None => 0,
        }
    }
}

/// Converts a local wall-clock time (milliseconds since the epoch, counted
/// as if local time were UTC) to a UTC instant, as ECMAScript's `UTC(t)` and
/// V8's `DateCache::ToUTC` do.
///
/// Why this shape: around a transition a wall-clock time can be ambiguous
/// (clocks go back: two instants) or skipped (clocks go forward: none). The
/// specification and V8 (ICU's `UCAL_TZ_LOCAL_FORMER`) both take the offset
/// in force *before* the transition: the earlier instant when ambiguous, and
/// for a skipped time the instant the old offset gives.
///
/// # Example
/// ```
/// use chats_per_department::internals::zone::{local_to_utc, FixedOffset};
/// // 05:30 in Kolkata is midnight UTC.
/// assert_eq!(local_to_utc(19_800_000, &FixedOffset::from_minutes(330)), 0);
/// ```
pub fn local_to_utc(local_ms: i64, zone: &dyn LocalZone) -> i64 {
    let probe = |t: i64| zone.offset_ms(t.clamp(-MAX_TIME_MS, MAX_TIME_MS));
    // Offsets are well under a day, and transitions are days apart, so the
    // offsets a day either side bracket the one (or two) that apply.
    let before = probe(local_ms - MS_PER_DAY);
    let after = probe(local_ms + MS_PER_DAY);
    let fits = |offset: i64| probe(local_ms - offset) == offset;
    match (fits(before), fits(after)) {
        (true, true) => (local_ms - before).min(local_ms - after),
        (true, false) => local_ms - before,
        (false, true) => local_ms - after,
        (false, false) => local_ms - before,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A zone with one transition at `at` from `from` to `to` (ms offsets).
    struct Transition {
        at: i64,
        from: i64,
        to: i64,
    }

    impl LocalZone for Transition {
        fn offset_ms(&self, utc_ms: i64) -> i64 {
            if utc_ms < self.at {
                self.from
            } else {
                self.to
            }
        }
    }

    const HOUR: i64 = 3_600_000;

    #[test]
    fn fixed_offsets_subtract() {
        assert_eq!(local_to_utc(0, &Utc), 0);
        assert_eq!(local_to_utc(0, &FixedOffset::from_minutes(-180)), 3 * HOUR);
    }

    #[test]
    fn skipped_local_time_uses_the_offset_before() {
        // Clocks jump from -3h to -2h at 03:00 UTC (00:00 local -> 01:00).
        let zone = Transition { at: 3 * HOUR, from: -3 * HOUR, to: -2 * HOUR };
        // 00:30 local does not exist; the old offset (-3h) reads it as 03:30 UTC.
        assert_eq!(local_to_utc(HOUR / 2, &zone), 3 * HOUR + HOUR / 2);
    }

    #[test]
    fn ambiguous_local_time_takes_the_earlier_instant() {
        // Clocks fall back from -2h to -3h at 02:00 UTC (00:00 local -> 23:00).
        let zone = Transition { at: 2 * HOUR, from: -2 * HOUR, to: -3 * HOUR };
        // 23:30 local happens at 01:30 UTC and again at 02:30 UTC.
        assert_eq!(local_to_utc(-HOUR / 2, &zone), HOUR + HOUR / 2);
    }

    #[cfg(not(target_arch = "wasm32"))]
    #[test]
    fn system_zone_answers_without_panicking_at_the_edges() {
        for t in [-MAX_TIME_MS, 0, MAX_TIME_MS] {
            assert!(SystemZone.offset_ms(t).abs() < MS_PER_DAY);
        }
    }
}
