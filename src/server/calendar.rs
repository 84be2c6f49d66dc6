//! Calendar arithmetic of ECMAScript's `MakeDay` / `MakeTime` / `MakeDate`,
//! over the full range a JavaScript `Date` can hold.
//!
//! The day count is hand-written ([`days_from_civil`]) rather than taken
//! from chrono: every timestamp of a load goes through it, and there
//! chrono's date construction and difference were a measured share of the
//! cold path (docs/performance.md, "Where the cold path's time goes").
//! Tests check it against chrono over chrono's whole calendar.

/// V8's `MakeDay` gives up outside these years (the result would be far out
/// of the ±8.64e15 ms range anyway).
const MAX_ABS_YEAR: i64 = 1_000_000;

/// Days from 1970-01-01 to the first day of `month0` (0-based) of `year`,
/// plus `day - 1`: ECMAScript's `MakeDay`. Days past the end of the month
/// roll over (`Feb 31` is `Mar 2` or `Mar 3`), as in JavaScript.
///
/// Returns `None` where V8 returns NaN (years beyond ±1,000,000).
///
/// # Example
/// ```
/// use chats_per_department::internals::calendar::make_day;
/// assert_eq!(make_day(1970, 0, 1), Some(0));
/// assert_eq!(make_day(2020, 1, 31), make_day(2020, 2, 2)); // leap year
/// assert_eq!(make_day(2_000_000, 0, 1), None);
/// ```
pub fn make_day(year: i64, month0: i64, day: i64) -> Option<i64> {
    if year.abs() > MAX_ABS_YEAR {
        return None;
    }
    // Months beyond the year's (the parser allows none, but MakeDay does)
    // move the year; days roll over by plain addition.
    let first = days_from_civil(year + month0.div_euclid(12), month0.rem_euclid(12) + 1, 1);
    Some(first + day - 1)
}

/// Days from 1970-01-01 to `year-month-day` in the proleptic Gregorian
/// calendar (month 1–12; days past a month's end roll over, as in
/// [`make_day`]), for any year within ±2^50.
///
/// Howard Hinnant's `days_from_civil`
/// (<http://howardhinnant.github.io/date_algorithms.html>): years begin on
/// March 1, so that the leap day ends a year; each month from March has
/// `(153 × m + 2) / 5` days before it; a 400-year era is 146,097 days.
///
/// # Example
/// ```
/// use chats_per_department::internals::calendar::{days_from_civil, make_day};
/// assert_eq!(days_from_civil(1970, 1, 1), 0);
/// assert_eq!(days_from_civil(2024, 2, 30), make_day(2024, 1, 30).unwrap()); // March 1
/// ```
#[inline]
pub const fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    // Years from March: January and February count with the year before.
    let (year, from_march) = if month > 2 { (year, month - 3) } else { (year - 1, month + 9) };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let day_of_year = (153 * from_march + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    // 719,468 days from 0000-03-01 to 1970-01-01.
    era * 146_097 + day_of_era - 719_468
}

/// Milliseconds into a day from its parts: ECMAScript's `MakeTime` for
/// integral parts (hour 24 is allowed by the parser and simply adds a day).
///
/// # Example
/// ```
/// use chats_per_department::internals::calendar::make_time;
/// assert_eq!(make_time(1, 2, 3, 4), 3_723_004);
/// ```
pub fn make_time(hour: i64, minute: i64, second: i64, millisecond: i64) -> i64 {
    hour * 3_600_000 + minute * 60_000 + second * 1000 + millisecond
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_rng::xorshift;
    use chrono::NaiveDate;

    #[test]
    fn known_days() {
        assert_eq!(make_day(2000, 0, 1), Some(10_957));
        assert_eq!(make_day(1969, 11, 31), Some(-1));
        assert_eq!(make_day(0, 0, 1), Some(-719_528));
    }

    #[test]
    fn javascript_range_edges_are_reachable() {
        // new Date(8.64e15) is +275760-09-13, new Date(-8.64e15) is -271821-04-20.
        assert_eq!(make_day(275_760, 8, 13), Some(100_000_000));
        assert_eq!(make_day(-271_821, 3, 20), Some(-100_000_000));
    }

    /// chrono's count of days from 1970-01-01.
    fn chrono_days(year: i64, month: i64, day: i64) -> Option<i64> {
        let epoch = NaiveDate::from_ymd_opt(1970, 1, 1)?;
        Some(NaiveDate::from_ymd_opt(year as i32, month as u32, day as u32)?.signed_duration_since(epoch).num_days())
    }

    #[test]
    fn days_from_civil_is_chrono_for_four_digit_years() {
        for year in 0..=9999 {
            for month in 1..=12 {
                for day in [1, 28, 29, 30, 31] {
                    if let Some(days) = chrono_days(year, month, day) {
                        assert_eq!(days_from_civil(year, month, day), days, "{year}-{month}-{day}");
                    }
                }
            }
        }
    }

    #[test]
    fn days_from_civil_is_chrono_over_its_whole_calendar() {
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        for _ in 0..200_000 {
            xorshift(&mut x);
            let year = (x % 524_287) as i64 - 262_143;
            let (month, day) = ((x >> 20) % 12 + 1, (x >> 30) % 28 + 1);
            let expected = chrono_days(year, month as i64, day as i64).unwrap();
            assert_eq!(days_from_civil(year, month as i64, day as i64), expected, "{year}-{month}-{day}");
        }
    }

    #[test]
    fn month_and_day_overflow_roll_over() {
        assert_eq!(make_day(2019, 12, 1), make_day(2020, 0, 1));
        assert_eq!(make_day(2021, 1, 29), make_day(2021, 2, 1));
        assert_eq!(make_day(2021, 0, 32), make_day(2021, 1, 1));
    }

    #[test]
    fn make_day_agrees_with_chrono_inside_its_range() {
        for year in [-262_000_i64, -4001, -1, 0, 1, 399, 400, 1600, 2024, 99_999, 262_000] {
            for month0 in 0..12 {
                assert_eq!(make_day(year, month0, 1), chrono_days(year, month0 + 1, 1), "{year}-{month0}");
            }
        }
    }
}
