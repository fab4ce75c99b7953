//! Tickets as netbot understands them, whatever tracker they come from.

use std::fmt;

use chrono::{DateTime, Utc};
use thiserror::Error;

use crate::ids::{JournalId, ProjectId, StatusId, UserId};
use crate::people::Principal;

/// A ticket number: a positive integer, written `42` or `#42`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TicketId(u64);

/// Why a text is not a ticket number.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("'{0}' is not a ticket number (expected a positive number such as 42 or #42)")]
pub struct InvalidTicketId(pub String);

impl TicketId {
    /// Accepts `42` and `#42`; refuses zero, signs, spaces and anything else.
    ///
    /// # Errors
    /// [`InvalidTicketId`] when the text is not a positive decimal number.
    pub fn parse(text: &str) -> Result<Self, InvalidTicketId> {
        let digits = text.strip_prefix('#').unwrap_or(text);
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(InvalidTicketId(text.to_owned()));
        }
        match digits.parse::<u64>() {
            Ok(0) | Err(_) => Err(InvalidTicketId(text.to_owned())),
            Ok(n) => Ok(Self(n)),
        }
    }

    /// A ticket number the tracker itself handed out.
    ///
    /// # Errors
    /// [`InvalidTicketId`] for zero, which no tracker uses.
    pub fn new(n: u64) -> Result<Self, InvalidTicketId> {
        if n == 0 {
            Err(InvalidTicketId(n.to_string()))
        } else {
            Ok(Self(n))
        }
    }

    /// The number itself.
    #[must_use]
    pub fn get(self) -> u64 {
        self.0
    }
}

impl fmt::Display for TicketId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// A named value the tracker identifies by number: a status, priority, tracker or project.
/// `Id` is the number's type where one exists (`Named<ProjectId>`), a bare `u64` otherwise.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Named<Id = u64> {
    /// The tracker's own id; looked up by name, never hard-coded.
    pub id: Id,
    /// What people read.
    pub name: String,
}

impl<Id> Named<Id> {
    /// A named value.
    #[must_use]
    pub fn new(id: Id, name: impl Into<String>) -> Self {
        Self {
            id,
            name: name.into(),
        }
    }
}

/// A ticket status, with whether the tracker counts it as closed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    /// The tracker's id for the status.
    pub id: StatusId,
    /// "New", "In Progress", "Resolved", …
    pub name: String,
    /// Whether tickets in this status are closed.
    pub is_closed: bool,
}

/// One entry of a ticket's history: a note, property changes, or both.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Journal {
    /// The tracker's id for the entry; ids grow across all tickets, so the threader syncs by
    /// them instead of by clock times.
    pub id: JournalId,
    /// Who wrote it (display name).
    pub author: String,
    /// Who wrote it (the tracker's user id), `None` for an anonymous entry.
    pub author_id: Option<UserId>,
    /// When it was written.
    pub created_on: DateTime<Utc>,
    /// Whether its note was edited since it was written, where the tracker tells: Redmine
    /// 6's journals do (`updated_by` once edited, `updated_on`), 5.0's do not (`None`).
    pub edited: Option<bool>,
    /// The note's text, as written; empty for an entry with changes only.
    pub text: String,
    /// What the entry changed besides the note.
    pub changes: Vec<Change>,
}

impl Journal {
    /// Whether the entry may have been changed since it was written: `true` when the tracker
    /// says it was edited or does not say (Redmine 5.0), `false` when it says it was not.
    #[must_use]
    pub fn may_be_edited(&self) -> bool {
        self.edited != Some(false)
    }

    /// Whether the entry carries a note (not only changes).
    #[must_use]
    pub fn has_note(&self) -> bool {
        !self.text.trim().is_empty()
    }
}

/// One change recorded in a journal, as tracker ids (names are looked up when rendered).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// The status changed (status ids).
    Status {
        /// The status before, by id.
        from: Option<u64>,
        /// The status after, by id.
        to: Option<u64>,
    },
    /// The assignee changed (user or group ids).
    Assignee {
        /// Assigned before.
        from: Option<u64>,
        /// Assigned after.
        to: Option<u64>,
    },
    /// A file was attached.
    Attachment {
        /// The tracker's id for the file.
        id: u64,
        /// Its name.
        name: String,
    },
    /// Anything else (another field, a custom field); only its presence matters.
    Other,
}

/// A file attached to a ticket (by its description or by a journal).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TicketFile {
    /// The tracker's id for the file.
    pub id: u64,
    /// Its name.
    pub name: String,
    /// Its size in bytes.
    pub size: u64,
    /// Its media type, when the tracker knows it.
    pub content_type: Option<String>,
}

/// One trouble ticket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ticket {
    /// Its number.
    pub id: TicketId,
    /// One-line summary.
    pub subject: String,
    /// Longer text; empty when the ticket has none.
    pub description: String,
    /// Where it stands.
    pub status: Named,
    /// How urgent it is.
    pub priority: Named,
    /// Bug, Feature, Support, …
    pub tracker: Named,
    /// The project it belongs to.
    pub project: Named<ProjectId>,
    /// Its category within the project, if any.
    pub category: Option<Named>,
    /// Who it is assigned to: a user, a team, or nobody.
    pub assigned_to: Option<Principal>,
    /// Who opened it (display name).
    pub author: String,
    /// When it was opened.
    pub created_on: DateTime<Utc>,
    /// When it last changed.
    pub updated_on: DateTime<Utc>,
    /// The ticket's page in the tracker's web UI.
    pub url: String,
    /// Its history, oldest first; empty in listings, filled in by a single-ticket read.
    pub journals: Vec<Journal>,
    /// Its files; empty in listings, filled in by a single-ticket read.
    pub attachments: Vec<TicketFile>,
    /// The value of the issue field that asks for a Discord thread and then holds its link.
    pub thread_field: Option<String>,
    /// The value of the issue field that holds the threader's own state.
    pub sync_state: Option<String>,
    /// The day it is due, if any.
    pub due_date: Option<chrono::NaiveDate>,
}

impl Ticket {
    /// The journals that carry a note, oldest first.
    pub fn notes(&self) -> impl DoubleEndedIterator<Item = &Journal> {
        self.journals.iter().filter(|journal| journal.has_note())
    }
}

/// What to do to the assignee in an update.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum AssigneeChange {
    /// Leave as it is.
    #[default]
    Keep,
    /// Assign to this user or team.
    Set(UserId),
    /// Nobody.
    Clear,
}

/// What to do to the parent ticket in an update.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParentChange {
    /// Make it a subtask of this ticket.
    Set(TicketId),
    /// No parent.
    Clear,
}

/// A change to apply to a ticket: the value the tracker adapter turns into one request.
/// `None` (and [`AssigneeChange::Keep`]) leaves a field as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TicketUpdate {
    /// The assignee change.
    pub assignee: AssigneeChange,
    /// The new status, if any.
    pub status: Option<Status>,
    /// The new priority, if any.
    pub priority: Option<Named>,
    /// The new tracker (ticket kind), if any.
    pub tracker: Option<Named>,
    /// The new subject, if any.
    pub subject: Option<String>,
    /// The new description (replacing the old one, which the tracker's history keeps), if any.
    pub description: Option<String>,
    /// The parent change, if any.
    pub parent: Option<ParentChange>,
    /// The due date change, if any.
    pub due: Option<crate::due::DueChange>,
}

impl TicketUpdate {
    /// What of this update the ticket, read back afterwards, does not show: trackers may
    /// accept a change and silently skip it when a workflow forbids the transition.
    #[must_use]
    pub fn unapplied_part(&self, ticket: &Ticket) -> Option<String> {
        if let Some(status) = &self.status {
            if ticket.status.id != status.id.get() {
                return Some(format!("the status '{}'", status.name));
            }
        }
        if let Some(priority) = &self.priority {
            if ticket.priority.id != priority.id {
                return Some(format!("the priority '{}'", priority.name));
            }
        }
        if let Some(tracker) = &self.tracker {
            if ticket.tracker.id != tracker.id {
                return Some(format!("the tracker '{}'", tracker.name));
            }
        }
        if let Some(subject) = &self.subject {
            if ticket.subject.trim() != subject.trim() {
                return Some(String::from("the subject"));
            }
        }
        let assignee = ticket.assigned_to.as_ref().map(Principal::id);
        match self.assignee {
            AssigneeChange::Set(id) if assignee != Some(id) => Some(String::from("the assignee")),
            AssigneeChange::Clear if assignee.is_some() => Some(String::from("the unassignment")),
            _ => None,
        }
    }
}

/// The status with this name, ignoring case and surrounding spaces.
#[must_use]
pub fn status_named<'a>(statuses: &'a [Status], name: &str) -> Option<&'a Status> {
    let name = name.trim();
    statuses
        .iter()
        .find(|status| status.name.trim().eq_ignore_ascii_case(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn check(input: &str, expect: Option<u64>) {
        assert_eq!(
            TicketId::parse(input).ok().map(TicketId::get),
            expect,
            "{input:?}"
        );
    }

    #[test]
    fn ticket_numbers_parse_with_or_without_a_hash() {
        check("42", Some(42));
        check("#42", Some(42));
        check("#0", None);
        check("0", None);
        check("", None);
        check("#", None);
        check("-3", None);
        check("+3", None);
        check("4 2", None);
        check("42a", None);
        check("99999999999999999999999", None);
    }

    #[test]
    fn an_invalid_ticket_number_names_the_text() {
        let err = TicketId::parse("#x").unwrap_err();
        assert_eq!(
            err.to_string(),
            "'#x' is not a ticket number (expected a positive number such as 42 or #42)"
        );
    }
}
