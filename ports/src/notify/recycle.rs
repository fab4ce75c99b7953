//! Recycling inside the notifications' pass: each open ticket idle for `[notify.recycle]`'s
//! time (one listing) that `domain::notify::recycle` hands back is set to the status and
//! assigned to its route's team, then noted with why. The change is an update of the ticket,
//! which ends its idle spell: the next pass does not list it.

use chrono::{DateTime, Utc};
use domain::notify::{recycle, RecycleRule};
use domain::{AssigneeChange, TicketUpdate};
use tracing::{info, warn};

use super::{Notifier, NotifyError, NotifyReport};
use crate::chat::Chat;
use crate::tracker::{TicketFeed, Tickets};

impl<T: TicketFeed + Tickets, C: Chat> Notifier<'_, T, C> {
    /// Hands the idle tickets back (a dry run records each instead).
    pub(super) async fn recycle(
        &self,
        rule: &RecycleRule,
        now: DateTime<Utc>,
        report: &mut NotifyReport,
    ) -> Result<(), NotifyError> {
        let idle = self.tracker.idle_since(now - rule.after).await?;
        for ticket in &idle {
            let Some(handed) = recycle(ticket, self.rules, now) else {
                continue;
            };
            if self.dry_run {
                report.planned.push(format!(
                    "#{}: would hand back to {} ({})",
                    handed.ticket, handed.team.name, handed.status.name
                ));
                report.recycled += 1;
                continue;
            }
            let update = TicketUpdate {
                assignee: AssigneeChange::Set(handed.team.id),
                status: Some(handed.status.clone()),
                ..TicketUpdate::default()
            };
            let written = match self.tracker.update(handed.ticket, &update).await {
                Ok(()) => self.tracker.add_note(handed.ticket, &handed.note).await,
                Err(error) => Err(error),
            };
            match written {
                Ok(()) => {
                    info!(ticket = %handed.ticket, team = %handed.team.name, "handed back to its team");
                    report.recycled += 1;
                }
                Err(error) => {
                    let error = crate::with_causes(&error);
                    warn!(ticket = %handed.ticket, %error, "could not hand back to its team");
                    report.failed.push((handed.ticket, error));
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
