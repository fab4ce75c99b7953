//! The `tickets` use case: one query of the grammar in, one outcome out.

use domain::ticket::status_named;
use domain::{Action, AssigneeChange, Status, Ticket, TicketId, TicketQuery, TicketUpdate};

use crate::tracker::{StatusNames, TicketTracker, TrackerError};

/// What a query produced, for the caller to render.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// A list of open tickets (possibly empty).
    List(Vec<Ticket>),
    /// One ticket with its notes.
    Details(Ticket),
    /// A ticket as it is after a change.
    Changed(Ticket),
}

/// Runs one query of the `tickets` grammar against a tracker.
///
/// # Errors
/// [`TrackerError`] from the tracker, [`TrackerError::UnknownPerson`] for an assignee nobody
/// matches, [`TrackerError::UnknownStatus`] for a configured status the tracker lacks and
/// [`TrackerError::NotApplied`] when the tracker silently skipped a change.
pub async fn run<T: TicketTracker>(
    tracker: &T,
    query: &TicketQuery,
    status_names: &StatusNames,
) -> Result<Outcome, TrackerError> {
    match query {
        TicketQuery::Mine => Ok(Outcome::List(tracker.list_mine().await?)),
        TicketQuery::Show(id) => Ok(Outcome::Details(tracker.get(*id).await?)),
        TicketQuery::NameOrSearch(words) => {
            // A word that is both a user and a search term is a user.
            match tracker.find_person(&words.join(" ")).await? {
                Some(person) => Ok(Outcome::List(tracker.list_assigned(&person).await?)),
                None => Ok(Outcome::List(tracker.search(words).await?)),
            }
        }
        TicketQuery::Act(id, action) => act(tracker, *id, action, status_names).await,
    }
}

async fn status<T: TicketTracker>(
    tracker: &T,
    name: &str,
    setting: &str,
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
            setting: setting.to_owned(),
        })
}

async fn act<T: TicketTracker>(
    tracker: &T,
    id: TicketId,
    action: &Action,
    names: &StatusNames,
) -> Result<Outcome, TrackerError> {
    let update = match action {
        Action::Assign(name) => {
            let person = tracker
                .find_person(name)
                .await?
                .ok_or_else(|| TrackerError::UnknownPerson(name.clone()))?;
            TicketUpdate {
                assignee: AssigneeChange::Set(person.id()),
                status: None,
            }
        }
        Action::Unassign => TicketUpdate {
            assignee: AssigneeChange::Clear,
            status: Some(status(tracker, &names.new, "REDMINE_STATUS_NEW").await?),
        },
        Action::Progress => {
            let me = tracker.current_user().await?;
            TicketUpdate {
                assignee: AssigneeChange::Set(me.id),
                status: Some(
                    status(tracker, &names.in_progress, "REDMINE_STATUS_IN_PROGRESS").await?,
                ),
            }
        }
        Action::Resolve => TicketUpdate {
            assignee: AssigneeChange::Keep,
            status: Some(status(tracker, &names.resolved, "REDMINE_STATUS_RESOLVED").await?),
        },
    };
    tracker.update(id, &update).await?;
    let ticket = tracker.get(id).await?;
    match update.unapplied_part(&ticket) {
        Some(what) => Err(TrackerError::NotApplied { id, what }),
        None => Ok(Outcome::Changed(ticket)),
    }
}
