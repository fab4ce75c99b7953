//! What can go wrong talking to the tracker, in words a person can act on: one error for
//! every tracker role, kept apart from the role traits that return it.

use domain::TicketId;
use thiserror::Error;

/// What went wrong talking to the tracker, in terms a person can act on.
///
/// Messages never contain the API key; they name the host, the ticket or the person instead.
#[derive(Debug, Error)]
pub enum TrackerError {
    /// The key was not accepted.
    #[error("the tracker rejected the API key")]
    Unauthorized,
    /// The key's user may not do this.
    #[error("not allowed to {action}: ask a tracker admin for the permission")]
    Forbidden {
        /// What was attempted, e.g. "update ticket 42".
        action: String,
    },
    /// No such ticket, or it is hidden from the acting user.
    #[error("ticket {0} not found")]
    TicketNotFound(TicketId),
    /// The tracker cannot act as this login: nobody active has it, or the key may not act
    /// for others.
    #[error("cannot act as '{login}': no such active user, or the API key is not an admin's")]
    CannotActAs {
        /// The login asked for.
        login: String,
    },
    /// The tracker refused the change and said why.
    #[error("the tracker refused to {action}: {}", errors.join("; "))]
    Rejected {
        /// What was attempted.
        action: String,
        /// The tracker's own reasons.
        errors: Vec<String>,
    },
    /// A status, priority or tracker name the tracker does not have.
    #[error("there is no {kind} named '{name}' (closest: {})", closest.join(", "))]
    UnknownName {
        /// What kind of name: "status", "priority" or "tracker".
        kind: &'static str,
        /// What was typed.
        name: String,
        /// The closest names the tracker has, best first.
        closest: Vec<String>,
    },
    /// A name matched no user or team.
    #[error("no user or team named '{0}'")]
    UnknownPerson(String),
    /// A name matched several different people equally well.
    #[error("'{name}' matches several people ({}): use a login or a full name", matches.join(", "))]
    Ambiguous {
        /// What was typed.
        name: String,
        /// Who it matched.
        matches: Vec<String>,
    },
    /// A configured status name does not exist in the tracker.
    #[error("the tracker has no status named '{name}' (known: {known})")]
    UnknownStatus {
        /// The configured name.
        name: String,
        /// The names the tracker has.
        known: String,
        /// Which configured status it is: the app names the setting that chose it.
        role: StatusRole,
    },
    /// The tracker accepted the update but did not apply it (a workflow forbids the transition).
    #[error("the tracker did not apply {what} to ticket {id}: its workflow may not allow it")]
    NotApplied {
        /// The ticket.
        id: TicketId,
        /// What did not change.
        what: String,
    },
    /// A ticket field the configuration names does not exist in the tracker.
    #[error(
        "the tracker has no ticket field named '{0}': create it (see the README's threader setup)"
    )]
    NoSuchField(String),
    /// The first part of a change was applied and confirmed, the rest failed.
    #[error("ticket {id} got {applied}, but not the rest of the change: {error}")]
    PartlyApplied {
        /// The ticket.
        id: TicketId,
        /// What was applied, e.g. "the status 'In Progress'".
        applied: String,
        /// Why the rest was not (in the message rather than a `#[source]`: the bot shows
        /// only the message, and the CLI's chain would say it twice).
        error: Box<TrackerError>,
    },
    /// No answer in time.
    #[error("the tracker at {host} did not answer in {seconds} s, try again")]
    Timeout {
        /// Host of the tracker URL.
        host: String,
        /// The timeout that ran out.
        seconds: u64,
    },
    /// Could not connect at all.
    #[error("cannot reach the tracker at {host}")]
    Unreachable {
        /// Host of the tracker URL.
        host: String,
        /// What the network said (the adapter's error, shown as its innermost message).
        #[source]
        cause: crate::Cause,
    },
    /// The tracker answered with a redirect that was not followed (to another server or
    /// scheme): the configured base URL is likely not the tracker's own. The app names the
    /// setting to check.
    #[error("unexpected answer from the tracker at {host} to {action}: {refused}")]
    Redirected {
        /// Host of the tracker URL.
        host: String,
        /// What was attempted.
        action: String,
        /// Where the redirect led, and why it was not followed.
        refused: String,
    },
    /// Any other answer the adapter cannot make sense of.
    #[error("unexpected answer from the tracker at {host} to {action}: {detail}")]
    Unexpected {
        /// Host of the tracker URL.
        host: String,
        /// What was attempted.
        action: String,
        /// What was wrong with the answer, in the adapter's words.
        detail: String,
    },
}

/// Which of the configured statuses a name is for (the CLI reads them from its environment,
/// the bot from `netbot.toml`: each words its own setting).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusRole {
    /// The status `unassign` sets.
    New,
    /// The status `progress` sets.
    InProgress,
    /// The status `resolve` sets.
    Resolved,
}
