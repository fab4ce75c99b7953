//! A change to one ticket: the action turned into an update, sent in confirmed steps (a
//! workflow may silently skip a status), so a skipped step is an error rather than a success.

use chrono::NaiveDate;
use domain::{Action, AssigneeChange, Ticket, TicketId, TicketUpdate};

use super::fields::{by_name, person_or_me, status, status_by_name};
use super::Outcome;
use crate::tracker::{Catalog, People, StatusNames, StatusRole, Tickets, TrackerError, Watchers};

pub(super) async fn act<T: Tickets + Watchers + People + Catalog>(
    tracker: &T,
    id: TicketId,
    action: &Action,
    names: &StatusNames,
    today: NaiveDate,
) -> Result<Outcome, TrackerError> {
    let update = match action {
        Action::Assign(name) => {
            let person = tracker
                .find_person(name)
                .await?
                .ok_or_else(|| TrackerError::UnknownPerson(name.clone()))?;
            TicketUpdate {
                assignee: AssigneeChange::Set(person.id()),
                ..TicketUpdate::default()
            }
        }
        Action::Unassign => TicketUpdate {
            assignee: AssigneeChange::Clear,
            status: Some(status(tracker, &names.new, StatusRole::New).await?),
            ..TicketUpdate::default()
        },
        Action::Progress => {
            let me = tracker.current_user().await?;
            TicketUpdate {
                assignee: AssigneeChange::Set(me.id),
                status: Some(status(tracker, &names.in_progress, StatusRole::InProgress).await?),
                ..TicketUpdate::default()
            }
        }
        Action::Resolve => TicketUpdate {
            status: Some(status(tracker, &names.resolved, StatusRole::Resolved).await?),
            ..TicketUpdate::default()
        },
        Action::Status(name) => TicketUpdate {
            status: Some(status_by_name(tracker, name).await?),
            ..TicketUpdate::default()
        },
        Action::Priority(name) => TicketUpdate {
            priority: Some(by_name("priority", &tracker.priorities().await?, name)?),
            ..TicketUpdate::default()
        },
        Action::Tracker(name) => TicketUpdate {
            tracker: Some(by_name("tracker", &tracker.trackers().await?, name)?),
            ..TicketUpdate::default()
        },
        Action::Subject(text) => TicketUpdate {
            subject: Some(text.trim().to_owned()),
            ..TicketUpdate::default()
        },
        Action::Description(text) => TicketUpdate {
            description: Some(text.clone()),
            ..TicketUpdate::default()
        },
        Action::Parent(change) => TicketUpdate {
            parent: Some(*change),
            ..TicketUpdate::default()
        },
        Action::Due(text) => TicketUpdate {
            due: Some(
                domain::due::parse(text, today).map_err(|bad| TrackerError::Rejected {
                    action: format!("set the due date of ticket {id}"),
                    errors: vec![bad.to_string()],
                })?,
            ),
            ..TicketUpdate::default()
        },
        Action::Watch(name) => {
            let watcher = person_or_me(tracker, name.as_deref()).await?;
            tracker.add_watcher(id, watcher).await?;
            return Ok(Outcome::Changed(tracker.get(id).await?));
        }
        Action::Unwatch(name) => {
            let watcher = person_or_me(tracker, name.as_deref()).await?;
            tracker.remove_watcher(id, watcher).await?;
            return Ok(Outcome::Changed(tracker.get(id).await?));
        }
        Action::Note(text) => {
            tracker.add_note(id, text).await?;
            return Ok(Outcome::Changed(tracker.get(id).await?));
        }
    };
    // A workflow may accept an update and silently skip its status: the status goes first
    // and is confirmed, so that a skipped one leaves the assignee as it was too.
    let steps = match (&update.status, update.assignee) {
        (Some(status), AssigneeChange::Set(_) | AssigneeChange::Clear) => vec![
            TicketUpdate {
                status: Some(status.clone()),
                ..TicketUpdate::default()
            },
            TicketUpdate {
                assignee: update.assignee,
                ..TicketUpdate::default()
            },
        ],
        _ => vec![update],
    };
    let mut applied: Option<String> = None;
    let mut changed = None;
    for step in steps {
        match (apply(tracker, id, &step).await, applied.take()) {
            (Ok(ticket), _) => {
                applied = step
                    .status
                    .map(|status| format!("the status '{}'", status.name));
                changed = Some(ticket);
            }
            (Err(error), None) => return Err(error),
            (Err(error), Some(applied)) => {
                return Err(TrackerError::PartlyApplied {
                    id,
                    applied,
                    error: Box::new(error),
                })
            }
        }
    }
    match changed {
        Some(ticket) => Ok(Outcome::Changed(ticket)),
        None => Ok(Outcome::Changed(tracker.get(id).await?)),
    }
}

/// Sends one update, reads the ticket back and checks the update shows.
async fn apply<T: Tickets>(
    tracker: &T,
    id: TicketId,
    update: &TicketUpdate,
) -> Result<Ticket, TrackerError> {
    tracker.update(id, update).await?;
    let ticket = tracker.get(id).await?;
    match update.unapplied_part(&ticket) {
        Some(what) => Err(TrackerError::NotApplied { id, what }),
        None => Ok(ticket),
    }
}
