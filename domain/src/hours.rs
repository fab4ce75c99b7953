//! Time spent on a ticket, as a member types it (`1.5`, `1h30`, `90m`): parsed once here into
//! whole minutes, so the bot and the CLI read it the same way.
//!
//! A small parser rather than `humantime`: humantime reads `90m` and `1h 30m` but neither a
//! bare decimal (`1.5`, Redmine's own form) nor `1h30`, the two forms people type most.

use std::fmt;

use thiserror::Error;

/// The most one entry may log: a day. More is a typo (`150` for `1.50`), not a day's work.
const MAX_MINUTES: u32 = 24 * 60;

/// Time spent, in whole minutes, more than zero and at most a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Hours {
    minutes: u32,
}

/// Why a text is not an amount of time.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum HoursError {
    /// Not one of the forms `1.5`, `1h30`, `1h`, `90m`.
    #[error("'{0}' is not an amount of time: write 1.5, 1h30 or 90m")]
    Unreadable(String),
    /// Zero, or less than a minute.
    #[error("'{0}' is no time at all: log at least a minute")]
    Zero(String),
    /// More than a day in one entry.
    #[error("'{0}' is more than a day: log at most 24h in one entry")]
    TooMuch(String),
}

impl Hours {
    /// Reads `1.5` (hours), `1h30`, `1h 30m`, `1h`, `90m` or `90min` (any case, spaces
    /// around allowed).
    ///
    /// # Errors
    /// [`HoursError`] when the text is none of those, is zero, or is more than a day.
    pub fn parse(text: &str) -> Result<Self, HoursError> {
        let typed = text.trim();
        let minutes = minutes_of(&typed.to_lowercase())
            .ok_or_else(|| HoursError::Unreadable(typed.into()))?;
        if minutes == 0 {
            return Err(HoursError::Zero(typed.into()));
        }
        if minutes > MAX_MINUTES {
            return Err(HoursError::TooMuch(typed.into()));
        }
        Ok(Self { minutes })
    }

    /// Whole minutes.
    #[must_use]
    pub fn minutes(self) -> u32 {
        self.minutes
    }

    /// Decimal hours, as trackers store them (`1.5`).
    #[must_use]
    pub fn as_decimal(self) -> f64 {
        f64::from(self.minutes) / 60.0
    }
}

impl fmt::Display for Hours {
    /// `1h30`, `2h`, `45m`: the form people read back.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (hours, minutes) = (self.minutes / 60, self.minutes % 60);
        match (hours, minutes) {
            (0, m) => write!(f, "{m}m"),
            (h, 0) => write!(f, "{h}h"),
            (h, m) => write!(f, "{h}h{m:02}"),
        }
    }
}

/// Minutes in a lowercased, trimmed text, or `None` when it is not a form we read.
fn minutes_of(typed: &str) -> Option<u32> {
    if let Some(minutes) = typed
        .strip_suffix("min")
        .or_else(|| typed.strip_suffix('m'))
        .filter(|rest| !rest.contains('h'))
    {
        return whole(minutes.trim());
    }
    if let Some((hours, rest)) = typed.split_once('h') {
        let hours = whole(hours.trim())?;
        let rest = rest.trim();
        let rest = rest
            .strip_suffix("min")
            .or_else(|| rest.strip_suffix('m'))
            .unwrap_or(rest);
        let minutes = if rest.is_empty() {
            0
        } else {
            whole(rest.trim())?
        };
        if minutes >= 60 {
            return None;
        }
        return hours.checked_mul(60)?.checked_add(minutes);
    }
    decimal_hours(typed)
}

/// A number of plain digits (no sign), capped well above a day so it cannot overflow.
fn whole(digits: &str) -> Option<u32> {
    if digits.is_empty() || digits.len() > 6 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

/// `1.5`, `1,5`, `2`, `.25` as hours, rounded to the nearest minute.
fn decimal_hours(typed: &str) -> Option<u32> {
    let typed = typed.replace(',', ".");
    let (whole_part, fraction) = typed.split_once('.').unwrap_or((&typed, ""));
    if whole_part.is_empty() && fraction.is_empty() {
        return None;
    }
    let hours = if whole_part.is_empty() {
        0
    } else {
        whole(whole_part)?
    };
    let fraction_minutes = if fraction.is_empty() {
        0
    } else {
        if fraction.len() > 4 || !fraction.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        // fraction / 10^len hours, in minutes, rounded half up, in integers.
        let scale = 10u32.pow(u32::try_from(fraction.len()).ok()?);
        let numerator: u32 = fraction.parse().ok()?;
        (numerator * 60 * 2 + scale) / (scale * 2)
    };
    hours.checked_mul(60)?.checked_add(fraction_minutes)
}

#[cfg(test)]
mod tests {
    use super::{Hours, HoursError};

    #[track_caller]
    fn check(typed: &str, expect: Result<u32, HoursError>) {
        assert_eq!(Hours::parse(typed).map(Hours::minutes), expect, "{typed:?}");
    }

    #[test]
    fn the_forms_people_type_read_as_minutes() {
        check("1.5", Ok(90));
        check("1,5", Ok(90));
        check("2", Ok(120));
        check(".25", Ok(15));
        check("0.1", Ok(6));
        check("1h30", Ok(90));
        check("1h 30m", Ok(90));
        check("1H30M", Ok(90));
        check("1h", Ok(60));
        check("1h05", Ok(65));
        check("90m", Ok(90));
        check("90 min", Ok(90));
        check(" 45m ", Ok(45));
        check("24h", Ok(24 * 60));
    }

    #[test]
    fn text_that_is_not_time_is_refused_with_what_was_typed() {
        for typed in [
            "", "abc", "1h75", "h30", "1.5h", "-1", "1.2.3", "m", "1 h 30 x", "1e3",
        ] {
            assert_eq!(
                Hours::parse(typed),
                Err(HoursError::Unreadable(typed.trim().into())),
                "{typed:?}"
            );
        }
    }

    #[test]
    fn no_time_and_more_than_a_day_are_refused() {
        check("0", Err(HoursError::Zero("0".into())));
        check("0m", Err(HoursError::Zero("0m".into())));
        check("0.001", Err(HoursError::Zero("0.001".into())));
        check("25", Err(HoursError::TooMuch("25".into())));
        check("1441m", Err(HoursError::TooMuch("1441m".into())));
    }

    #[test]
    fn an_amount_reads_back_short_and_as_decimal_hours() {
        let shown = |typed: &str| Hours::parse(typed).map(|h| (h.to_string(), h.as_decimal()));
        assert_eq!(shown("1.5"), Ok(("1h30".into(), 1.5)));
        assert_eq!(shown("2"), Ok(("2h".into(), 2.0)));
        assert_eq!(shown("45m"), Ok(("45m".into(), 0.75)));
        assert_eq!(shown("1h05"), Ok(("1h05".into(), 65.0 / 60.0)));
    }
}
