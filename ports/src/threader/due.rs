//! A due date set in the tracker gets its chat event on the threader's next look at the
//! ticket (`crate::due_events`, the same use case the bot calls after `/ticket ID due`): the
//! guild's events are listed once per pass, and only when a ticket someone changed is looked
//! at.

use chrono::Utc;
use domain::due_event::{EventStep, ScheduledEvent};
use domain::{Ticket, TicketId};
use tracing::{info, warn};

use super::Threader;
use crate::chat::{ChatError, GuildEvents};
use crate::due_events;

impl<T, C: GuildEvents> Threader<T, C> {
    /// Follows `ticket`'s due date into the guild's events (listed into `events` at the
    /// first call of a pass). A refusal is logged and leaves the ticket synced: the event is
    /// the chat's, the ticket's sync is not hostage to it.
    pub(super) async fn follow_due(
        &self,
        ticket: &Ticket,
        statuses: &[domain::Status],
        events: &mut Option<Vec<ScheduledEvent>>,
    ) {
        let Some(zone) = self.settings.due_events else {
            return;
        };
        let guild = self.settings.guild;
        let found = match events {
            Some(found) => found,
            None => match self.chat.scheduled_events(guild).await {
                Ok(listed) => events.insert(listed),
                Err(error) => {
                    refused(ticket.id, &error);
                    // Not listed: no ticket of this pass follows (nothing is created twice).
                    *events = Some(Vec::new());
                    return;
                }
            },
        };
        let followed =
            due_events::follow_among(&self.chat, guild, ticket, statuses, zone, Utc::now(), found)
                .await;
        match followed {
            Ok(steps) if steps.is_empty() => {}
            Ok(steps) => {
                // What this ticket's event now is, for the rest of the pass.
                for step in &steps {
                    if let EventStep::Delete(id) | EventStep::Move(id, _) = step {
                        found.retain(|event| event.id != *id);
                    }
                }
                info!(ticket = %ticket.id, steps = steps.len(), "due date followed into the server's events");
            }
            Err(error) => refused(ticket.id, &error),
        }
    }
}

/// A due event the chat would not make, move or delete: said, not fatal.
fn refused(ticket: TicketId, error: &ChatError) {
    let error = crate::with_causes(error);
    warn!(%ticket, %error, "the due date's event could not follow (the bot needs Manage Events)");
}
