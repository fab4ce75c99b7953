//! Recycling (`[notify.recycle]`): an open, assigned ticket idle for long is handed back to
//! its route's team, in the configured status, with a note saying why, decided as a value.
//!
//! Once per idle spell without state: the change itself is an update of the ticket, which
//! ends the spell; the ticket is recycled again only after another spell as long.

use chrono::{DateTime, TimeDelta, Utc};

use super::{route, NotifyRules};
use crate::age::age;
use crate::people::Team;
use crate::ticket::{Status, Ticket, TicketId};

/// `[notify.recycle]`, resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecycleRule {
    /// How long a ticket stays idle before it is handed back.
    pub after: TimeDelta,
    /// The status it is set back to (an open one).
    pub status: Status,
    /// Priorities (by name, any case) whose tickets are never recycled.
    pub skip_priorities: Vec<String>,
}

/// One ticket to hand back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recycle {
    /// The ticket.
    pub ticket: TicketId,
    /// The team it goes back to (its route's).
    pub team: Team,
    /// The status it is set to.
    pub status: Status,
    /// The note that says why.
    pub note: String,
}

/// Whether `ticket` is handed back now, and to whom: when recycling is configured, the ticket
/// is open (the caller lists open tickets), assigned, not of a skipped priority, idle for at
/// least `after`, and its route (the first that matches, as for its announcement) names a
/// team; not when it already sits with that team in that status. A ticket no team route
/// takes is left alone.
#[must_use]
pub fn recycle(ticket: &Ticket, rules: &NotifyRules, now: DateTime<Utc>) -> Option<Recycle> {
    let rule = rules.recycle.as_ref()?;
    let holder = ticket.assigned_to.as_ref()?;
    let idle = now - ticket.updated_on;
    if idle < rule.after
        || rule.skip_priorities.iter().any(|skipped| {
            skipped
                .trim()
                .eq_ignore_ascii_case(ticket.priority.name.trim())
        })
    {
        return None;
    }
    let team = rules
        .routes
        .get(route(ticket, rules).route?)?
        .team
        .clone()?;
    if holder.id() == team.id && ticket.status.id == rule.status.id.get() {
        return None;
    }
    let note = format!(
        "Handed back to {} and set to {}: no update for {} while with {} in {}.",
        team.name,
        rule.status.name,
        age(ticket.updated_on, now),
        holder.name(),
        ticket.status.name,
    );
    Some(Recycle {
        ticket: ticket.id,
        team,
        status: rule.status.clone(),
        note,
    })
}
