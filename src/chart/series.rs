//! Chats over time: the chart cut into days or weeks of the server's zone.
//!
//! Each bucket is one ordinary chart request whose `start` and `end` are the
//! bucket's first and last millisecond, clipped to the requested range, so
//! every bucket equals what the server answers for those bounds (the
//! property the tests check against `chats_per_department_json`). Days
//! start at local midnight read as V8 reads `"YYYY-MM-DDT00:00:00"` in the
//! zone (ECMA-262 §21.4.3.2 with `UTC(t)` taking the offset before a
//! transition), so a day with a skipped or repeated hour is 23 or 25 hours
//! long, as on the server's clock. Weeks start on Monday (ISO 8601).

use crate::chart::body::DepartmentCount;
use crate::server::failure::Failure;
use crate::server::zone::{local_to_utc, LocalZone, MAX_TIME_MS, MS_PER_DAY};
use std::fmt::Write;

/// The most buckets one series answers (27 years of days): a range wider
/// than that is a mistake in a dashboard, not a chart.
pub const MAX_BUCKETS: i64 = 10_000;

/// How long a bucket is.
///
/// # Example
/// ```
/// use chats_per_department::internals::series::Bucket;
/// assert_eq!(Bucket::from_name("week"), Some(Bucket::Week));
/// assert_eq!(Bucket::from_name("month"), None);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bucket {
    /// A local calendar day.
    Day,
    /// Seven local days from Monday.
    Week,
}

impl Bucket {
    /// `"day"` or `"week"`.
    pub fn from_name(name: &str) -> Option<Bucket> {
        match name {
            "day" => Some(Bucket::Day),
            "week" => Some(Bucket::Week),
            _ => None,
        }
    }

    fn days(self) -> i64 {
        match self {
            Bucket::Day => 1,
            Bucket::Week => 7,
        }
    }
}

/// The first and last millisecond of a bucket (both inclusive, as the
/// server's `start <= ts <= end`).
///
/// # Example
/// ```
/// use chats_per_department::internals::series::{spans, Bucket, Span};
/// use chats_per_department::internals::zone::Utc;
/// let day = 86_400_000;
/// // From noon on day 0 to noon on day 1: two clipped days.
/// let two = spans(day / 2, day + day / 2, Bucket::Day, &Utc).unwrap();
/// assert_eq!(two, vec![Span { start: day / 2, end: day - 1 }, Span { start: day, end: day + day / 2 }]);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    /// First millisecond counted.
    pub start: i64,
    /// Last millisecond counted.
    pub end: i64,
}

/// The buckets covering `start..=end` in `zone`: contiguous, in order, the
/// first and last clipped to the range. None when `start > end` (the server
/// counts nothing then). Too many buckets is an error naming the count.
pub fn spans(start: i64, end: i64, bucket: Bucket, zone: &dyn LocalZone) -> Result<Vec<Span>, Failure> {
    if start > end {
        return Ok(Vec::new());
    }
    let step = bucket.days();
    let first = align(local_day(start, zone), bucket);
    let last = align(local_day(end, zone), bucket);
    let count = (last - first) / step + 1;
    if count > MAX_BUCKETS {
        let unit = if bucket == Bucket::Day { "days" } else { "weeks" };
        return Err(Failure::new(format!("The range spans {count} {unit}; a series has at most {MAX_BUCKETS} buckets."), None));
    }
    let boundary = |day: i64| local_to_utc(day * MS_PER_DAY, zone).clamp(-MAX_TIME_MS, MAX_TIME_MS + 1);
    let mut out = Vec::with_capacity(count as usize);
    let mut from = start;
    for k in 0..count {
        let next = boundary(first + (k + 1) * step);
        let to = if k + 1 == count { end } else { (next - 1).min(end) };
        // A bucket emptied by a transition (possible only in theory, where
        // a zone jumps by more than a day) is skipped, never inverted.
        if from <= to {
            out.push(Span { start: from, end: to });
        }
        from = next.max(from);
    }
    Ok(out)
}

/// The local calendar day (days since 1970-01-01 on the zone's clock) of an
/// instant.
fn local_day(utc_ms: i64, zone: &dyn LocalZone) -> i64 {
    (utc_ms + zone.offset_ms(utc_ms)).div_euclid(MS_PER_DAY)
}

/// Back to the Monday of the day's week for weeks (1970-01-01 was a Thursday).
fn align(day: i64, bucket: Bucket) -> i64 {
    match bucket {
        Bucket::Day => day,
        Bucket::Week => day - (day + 3).rem_euclid(7),
    }
}

/// A series: per bucket, its span and the chart body's departments.
///
/// # Example
/// ```
/// use chats_per_department::internals::body::DepartmentCount;
/// use chats_per_department::internals::series::{Series, Span};
/// let series = Series { buckets: vec![(Span { start: 0, end: 9 }, vec![DepartmentCount { name: "Sales".into(), open: 1, closed: 2 }])] };
/// assert_eq!(series.to_json(), r#"{"buckets":[{"start":0,"end":9,"body":{"Sales":{"open":1,"closed":2},"success":true}}],"success":true}"#);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Series {
    /// Each bucket's span and the departments with chats in it (name order).
    pub buckets: Vec<(Span, Vec<DepartmentCount>)>,
}

impl Series {
    /// `{"buckets":[{"start":ms,"end":ms,"body":{…chart body…}}…],"success":true}`.
    pub fn to_json(&self) -> String {
        let mut out = String::from(r#"{"buckets":["#);
        for (i, (span, departments)) in self.buckets.iter().enumerate() {
            let body = crate::chart::body::Body::Chart(departments.clone()).to_json();
            let _ = write!(out, r#"{}{{"start":{},"end":{},"body":{body}}}"#, if i > 0 { "," } else { "" }, span.start, span.end);
        }
        out.push_str(r#"],"success":true}"#);
        out
    }
}
