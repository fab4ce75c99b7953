//! Automatic threads (`[threader] auto_trackers`, `auto_projects`), decided as values: which
//! newly listed tickets get their thread field set to the ask, and where the next look starts.
//!
//! Each ticket is considered once: every look lists only the tickets created since the
//! previous one, so a ticket whose thread field a person cleared later is never asked for
//! again. Where a look starts is a [`Since`]: an instant of the tracker's own clock (a
//! ticket's `created_on`), plus the tickets created at that very instant that were already
//! considered (the listing's filter is "at or after", and two tickets can share a second).

use std::collections::BTreeSet;

use chrono::{DateTime, TimeDelta, Utc};

use crate::sync::ThreadAsk;
use crate::ticket::{Ticket, TicketId};

/// The thread field's value that asks for a thread, as a person would write it: any value
/// that is not a thread's link is an ask ([`ThreadAsk::Wanted`]).
pub const ASK: &str = "yes";

/// How far back the first look after a start reaches.
pub const FIRST_LOOK: TimeDelta = TimeDelta::hours(1);

/// Where a look starts: tickets created at or after `at`, but for those in `seen`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Since {
    /// The instant (the tracker's clock: a ticket's `created_on`).
    pub at: DateTime<Utc>,
    /// Tickets created at or after `at` that were already considered.
    pub seen: BTreeSet<TicketId>,
    /// A first look (after a start, or each run of a one-shot threader): the process cannot
    /// know what happened to the window's tickets before it, so only those nobody changed
    /// since they were created are asked for (one whose thread field a person cleared was
    /// changed).
    pub first: bool,
}

impl Since {
    /// The first look after a start: the tickets of the last [`FIRST_LOOK`].
    #[must_use]
    pub fn first_look(now: DateTime<Utc>) -> Self {
        Self {
            at: now - FIRST_LOOK,
            seen: BTreeSet::new(),
            first: true,
        }
    }
}

/// The listed tickets to consider: created at or after `since.at` and not yet seen.
fn fresh<'a>(listed: &'a [Ticket], since: &'a Since) -> impl Iterator<Item = &'a Ticket> + 'a {
    listed
        .iter()
        .filter(|ticket| ticket.created_on >= since.at && !since.seen.contains(&ticket.id))
}

/// The new tickets to ask a thread for, oldest first: those not yet considered whose thread
/// field is empty (one already asked for or linked is left as it is), and on a first look
/// only those nobody changed since they were created.
#[must_use]
pub fn to_ask(listed: &[Ticket], since: &Since) -> Vec<TicketId> {
    let mut asked: Vec<&Ticket> = fresh(listed, since)
        .filter(|ticket| ThreadAsk::of(ticket.thread_field.as_deref()) == ThreadAsk::None)
        .filter(|ticket| !since.first || ticket.updated_on == ticket.created_on)
        .collect();
    asked.sort_by_key(|ticket| (ticket.created_on, ticket.id));
    asked.into_iter().map(|ticket| ticket.id).collect()
}

/// Where the next look starts, once this look's tickets were considered and `failed` could
/// not be asked for: from the newest ticket listed (from `since` when none), or from the
/// oldest failure, so that a failure is tried again next look; what was considered at or
/// after that instant is `seen`.
#[must_use]
pub fn next_since(listed: &[Ticket], since: &Since, failed: &BTreeSet<TicketId>) -> Since {
    let in_window: Vec<&Ticket> = listed
        .iter()
        .filter(|ticket| ticket.created_on >= since.at)
        .collect();
    let oldest_failure = in_window
        .iter()
        .filter(|ticket| failed.contains(&ticket.id))
        .map(|ticket| ticket.created_on)
        .min();
    let newest = in_window.iter().map(|ticket| ticket.created_on).max();
    let at = oldest_failure.or(newest).unwrap_or(since.at).max(since.at);
    let mut seen: BTreeSet<TicketId> = in_window
        .iter()
        .filter(|ticket| ticket.created_on >= at && !failed.contains(&ticket.id))
        .map(|ticket| ticket.id)
        .collect();
    if at == since.at {
        // Seen before and perhaps not listed again (deleted, or moved out of the filter).
        seen.extend(since.seen.iter().filter(|id| !failed.contains(id)));
    }
    Since {
        at,
        seen,
        first: false,
    }
}
