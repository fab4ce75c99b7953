//! Due dates as people type them (`2026-12-24`, `12/24`, `tomorrow`, `in 5 days`,
//! `next friday`, `none`), read against a given today with the `interim` crate.

use chrono::{NaiveDate, NaiveTime, TimeZone, Utc};
use thiserror::Error;

/// What to do to a ticket's due date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DueChange {
    /// Due on this day.
    Set(NaiveDate),
    /// No due date.
    Clear,
}

/// Why a text is no due date.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("'{text}' is not a date: {reason} (try 2026-12-24, 12/24, tomorrow, in 5 days, next friday or none)")]
pub struct BadDue {
    /// What was typed.
    pub text: String,
    /// What the date reader said.
    pub reason: String,
}

/// Reads a due date against `today` (month/day in the US order; `next friday` is the coming
/// Friday; `in 5 days` and `5 days` count from today).
///
/// # Errors
/// [`BadDue`] for text that is no date.
pub fn parse(text: &str, today: NaiveDate) -> Result<DueChange, BadDue> {
    let trimmed = text.trim();
    if trimmed.eq_ignore_ascii_case("none") {
        return Ok(DueChange::Clear);
    }
    // interim reads "5 days" but not the "in" people put before it.
    let words = match trimmed.get(..3) {
        Some(prefix) if prefix.eq_ignore_ascii_case("in ") => trimmed[3..].trim(),
        _ => trimmed,
    };
    let bad = |reason: String| BadDue {
        text: trimmed.to_owned(),
        reason,
    };
    if words.is_empty() {
        return Err(bad(String::from("nothing was given")));
    }
    let noon = Utc.from_utc_datetime(&today.and_time(NaiveTime::MIN + chrono::Duration::hours(12)));
    interim::parse_date_string(words, noon, interim::Dialect::Us)
        .map(|when| DueChange::Set(when.date_naive()))
        .map_err(|error| bad(error.to_string()))
}

/// Why the text reads as no due date on any day, or `None` when it is one (usage errors are
/// found before any request; the date itself is read against the real today when the change
/// is made).
#[must_use]
pub fn unreadable(text: &str) -> Option<BadDue> {
    let reference = NaiveDate::from_ymd_opt(2000, 1, 3).unwrap_or_default();
    parse(text, reference).err()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[track_caller]
    fn check(text: &str, expect: Option<DueChange>) {
        // 2026-11-27 is a Friday.
        assert_eq!(parse(text, day(2026, 11, 27)).ok(), expect, "{text:?}");
    }

    #[test]
    fn every_documented_form_reads_as_a_day() {
        check("2026-12-24", Some(DueChange::Set(day(2026, 12, 24))));
        check("12/24", Some(DueChange::Set(day(2026, 12, 24))));
        check("tomorrow", Some(DueChange::Set(day(2026, 11, 28))));
        check("in 5 days", Some(DueChange::Set(day(2026, 12, 2))));
        check("5 days", Some(DueChange::Set(day(2026, 12, 2))));
        check("next friday", Some(DueChange::Set(day(2026, 12, 4))));
        check("None", Some(DueChange::Clear));
    }

    #[test]
    fn anything_else_is_refused_with_the_forms_that_work() {
        check("soon", None);
        check("in", None);
        let error = parse("soon", day(2026, 11, 27)).unwrap_err();
        assert!(
            error.to_string().starts_with("'soon' is not a date: "),
            "{error}"
        );
        assert!(unreadable("soon").is_some());
        assert!(unreadable("next friday").is_none());
        check("IN 2 days", Some(DueChange::Set(day(2026, 11, 29))));
    }
}
