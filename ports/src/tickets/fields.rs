//! The names a member gives a field action (a status, priority, tracker or person), looked up
//! among the tracker's own, with the closest names when none matches.

use domain::names;
use domain::ticket::status_named;
use domain::{Named, Status, UserId};

use crate::tracker::{Catalog, People, StatusRole, TrackerError};

pub(super) async fn status<T: Catalog>(
    tracker: &T,
    name: &str,
    role: StatusRole,
) -> Result<Status, TrackerError> {
    let statuses = tracker.statuses().await?;
    status_named(&statuses, name)
        .cloned()
        .ok_or_else(|| TrackerError::UnknownStatus {
            name: name.to_owned(),
            known: statuses
                .iter()
                .map(|status| status.name.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            role,
        })
}

/// A status a member named: the tracker's, or the closest names.
pub(super) async fn status_by_name<T: Catalog>(
    tracker: &T,
    name: &str,
) -> Result<Status, TrackerError> {
    let statuses = tracker.statuses().await?;
    status_named(&statuses, name)
        .cloned()
        .ok_or_else(|| TrackerError::UnknownName {
            kind: "status",
            name: name.to_owned(),
            closest: names::closest(statuses.iter().map(|status| status.name.as_str()), name),
        })
}

/// A priority or tracker a member named, among `known`: the tracker's, or the closest names.
pub(super) fn by_name(
    kind: &'static str,
    known: &[Named],
    name: &str,
) -> Result<Named, TrackerError> {
    names::named(known, name)
        .cloned()
        .ok_or_else(|| TrackerError::UnknownName {
            kind,
            name: name.to_owned(),
            closest: names::closest(known.iter().map(|value| value.name.as_str()), name),
        })
}

/// The person a name means, or the acting user for none.
pub(super) async fn person_or_me<T: People>(
    tracker: &T,
    name: Option<&str>,
) -> Result<UserId, TrackerError> {
    match name {
        None => Ok(tracker.current_user().await?.id),
        Some(name) => Ok(tracker
            .find_person(name)
            .await?
            .ok_or_else(|| TrackerError::UnknownPerson(name.to_owned()))?
            .id()),
    }
}
