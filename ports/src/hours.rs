//! Logging hours on a ticket as the acting user: the activity looked up by name, the entry
//! written, and Redmine's "no default activity" refusal told apart so each app can word it.
//! Shared by `/hours` and `tickets N hours`.

use domain::{names, Hours, TicketId};
use thiserror::Error;

use crate::tracker::{TimeEntry, TimeLog, TrackerError};

/// What was logged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Logged {
    /// The ticket.
    pub ticket: TicketId,
    /// How long.
    pub hours: Hours,
    /// The activity's name as the tracker spells it; `None`: the tracker's default.
    pub activity: Option<String>,
}

/// Why time was not logged.
#[derive(Debug, Error)]
pub enum LogError {
    /// No activity was named and the tracker has no default one.
    #[error("the tracker has no default activity: name one ({})", known.join(", "))]
    ActivityNeeded {
        /// The activities there are.
        known: Vec<String>,
    },
    /// Anything else the tracker said.
    #[error(transparent)]
    Tracker(#[from] TrackerError),
}

/// Logs `hours` on `ticket` as `tracker`'s user, under the activity named `activity` (any
/// case) or the tracker's default.
///
/// # Errors
/// [`TrackerError::UnknownName`] (kind "activity") with the closest names when no activity
/// has that name; [`LogError::ActivityNeeded`] when none is named and the tracker has no
/// default; any other refusal as [`LogError::Tracker`].
pub async fn log_hours<T: TimeLog>(
    tracker: &T,
    ticket: TicketId,
    hours: Hours,
    activity: Option<&str>,
    comment: &str,
) -> Result<Logged, LogError> {
    let activity = activity.map(str::trim).filter(|typed| !typed.is_empty());
    let chosen = match activity {
        Some(typed) => {
            let known = tracker.activities().await?;
            let found = names::named(&known, typed).ok_or_else(|| TrackerError::UnknownName {
                kind: "activity",
                name: typed.to_owned(),
                closest: names::closest(known.iter().map(|value| value.name.as_str()), typed),
            })?;
            Some(found.clone())
        }
        None => None,
    };
    let entry = TimeEntry {
        ticket,
        hours,
        activity: chosen.as_ref().map(|named| named.id),
        comment: comment.trim().to_owned(),
    };
    match tracker.log_time(&entry).await {
        Ok(()) => Ok(Logged {
            ticket,
            hours,
            activity: chosen.map(|named| named.name),
        }),
        Err(TrackerError::Rejected { errors, .. })
            if chosen.is_none() && errors.iter().any(|error| error.starts_with("Activity")) =>
        {
            let known = tracker.activities().await.unwrap_or_default();
            Err(LogError::ActivityNeeded {
                known: known.into_iter().map(|named| named.name).collect(),
            })
        }
        Err(error) => Err(error.into()),
    }
}

#[cfg(test)]
mod tests {
    use domain::{Hours, Named, TicketId};

    use super::{log_hours, LogError};
    use crate::tracker::{MockTimeLog, TimeEntry, TrackerError};

    fn ticket() -> TicketId {
        TicketId::parse("42").expect("a ticket number")
    }

    fn hours() -> Hours {
        Hours::parse("1h30").expect("an amount")
    }

    fn activities() -> Vec<Named> {
        vec![Named::new(8, "Design"), Named::new(9, "Development")]
    }

    #[tokio::test]
    async fn an_activity_is_logged_under_its_id_found_by_name_in_any_case() {
        let mut tracker = MockTimeLog::new();
        tracker
            .expect_activities()
            .returning(|| Box::pin(async { Ok(activities()) }));
        tracker
            .expect_log_time()
            .withf(|entry: &TimeEntry| {
                entry.activity == Some(9)
                    && entry.hours.minutes() == 90
                    && entry.comment == "cabling"
            })
            .times(1)
            .returning(|_| Box::pin(async { Ok(()) }));
        let logged = log_hours(
            &tracker,
            ticket(),
            hours(),
            Some("development"),
            " cabling ",
        )
        .await
        .expect("logged");
        assert_eq!(logged.activity.as_deref(), Some("Development"));
    }

    #[tokio::test]
    async fn an_unknown_activity_is_answered_with_the_closest_names_and_nothing_is_logged() {
        let mut tracker = MockTimeLog::new();
        tracker
            .expect_activities()
            .returning(|| Box::pin(async { Ok(activities()) }));
        tracker.expect_log_time().never();
        let error = log_hours(&tracker, ticket(), hours(), Some("Desgn"), "")
            .await
            .expect_err("refused");
        assert!(
            matches!(&error, LogError::Tracker(TrackerError::UnknownName { kind: "activity", closest, .. }) if closest.first().map(String::as_str) == Some("Design")),
            "{error:?}"
        );
    }

    #[tokio::test]
    async fn without_an_activity_and_without_a_default_the_activities_are_named() {
        let mut tracker = MockTimeLog::new();
        tracker
            .expect_log_time()
            .withf(|entry: &TimeEntry| entry.activity.is_none())
            .returning(|_| {
                Box::pin(async {
                    Err(TrackerError::Rejected {
                        action: "log time on ticket 42".into(),
                        errors: vec!["Activity cannot be blank".into()],
                    })
                })
            });
        tracker
            .expect_activities()
            .returning(|| Box::pin(async { Ok(activities()) }));
        let error = log_hours(&tracker, ticket(), hours(), None, "")
            .await
            .expect_err("refused");
        assert!(
            matches!(&error, LogError::ActivityNeeded { known } if known == &["Design", "Development"]),
            "{error:?}"
        );
    }
}
