//! Calendar arithmetic of ECMAScript's `MakeDay` / `MakeTime` / `MakeDate`,
//! over the full range a JavaScript `Date` can hold.
//!
//! chrono does the Gregorian arithmetic. Its calendar ends at year ±262143
//! while JavaScript's reaches ±275760, so years are first moved into
//! chrono's range by whole 400-year cycles (each exactly 146097 days).

use chrono::NaiveDate;

/// Days in one 400-year Gregorian cycle.
const DAYS_PER_CYCLE: i64 = 146_097;
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
    let year = year + month0.div_euclid(12);
    let month0 = month0.rem_euclid(12);
    // Bring the year into chrono's range, remembering the whole cycles moved.
    let cycles = year.div_euclid(400);
    let year_in_cycle = year.rem_euclid(400) + 2000;
    let first = NaiveDate::from_ymd_opt(year_in_cycle as i32, month0 as u32 + 1, 1)?;
    let epoch = NaiveDate::from_ymd_opt(1970, 1, 1)?;
    let shifted = first.signed_duration_since(epoch).num_days();
    Some(shifted + (cycles - 5) * DAYS_PER_CYCLE + day - 1)
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

    #[test]
    fn month_and_day_overflow_roll_over() {
        assert_eq!(make_day(2019, 12, 1), make_day(2020, 0, 1));
        assert_eq!(make_day(2021, 1, 29), make_day(2021, 2, 1));
        assert_eq!(make_day(2021, 0, 32), make_day(2021, 1, 1));
    }

    #[test]
    fn cycle_shift_agrees_with_chrono_inside_its_range() {
        let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap();
        for year in [-262_000_i64, -4001, -1, 0, 1, 399, 400, 1600, 2024, 99_999, 262_000] {
            for month0 in 0..12 {
                let date = NaiveDate::from_ymd_opt(year as i32, month0 as u32 + 1, 1).unwrap();
                let expected = date.signed_duration_since(epoch).num_days();
                assert_eq!(make_day(year, month0, 1), Some(expected), "{year}-{month0}");
            }
        }
    }
}
