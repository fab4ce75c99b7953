//! Ages of tickets and notes, in the words people use ("3 days"), computed from a given `now`.

use chrono::{DateTime, TimeDelta, Utc};
use chrono_humanize::{Accuracy, HumanTime, Tense};

/// How long ago `since` was, seen from `now`, in rough words: "3 days", "an hour",
/// "a moment" (so that "… old" and "… ago" both read well).
///
/// A `since` in the future (clock skew between machines) reads as "a moment".
#[must_use]
pub fn age(since: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let elapsed = (now - since).max(TimeDelta::zero());
    let words = HumanTime::from(elapsed).to_text_en(Accuracy::Rough, Tense::Present);
    if words == "now" {
        String::from("a moment")
    } else {
        words
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn check(elapsed: TimeDelta, expect: &str) {
        let now = DateTime::parse_from_rfc3339("2026-11-26T12:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(age(now - elapsed, now), expect);
    }

    #[test]
    fn ages_read_as_rough_words() {
        check(TimeDelta::seconds(3), "a moment");
        check(TimeDelta::minutes(5), "5 minutes");
        check(TimeDelta::hours(1), "an hour");
        check(TimeDelta::hours(30), "a day");
        check(TimeDelta::days(3), "3 days");
        check(TimeDelta::days(45), "a month");
        check(TimeDelta::days(800), "2 years");
        check(TimeDelta::days(-2), "a moment");
    }
}
