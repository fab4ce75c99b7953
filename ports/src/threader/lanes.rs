//! Which ticket a thread is, and one lane per ticket: a pass and the live path take a
//! ticket's lane before they touch it, so they never sync one ticket at once.

use std::sync::{Arc, PoisonError};

use domain::{ChannelId, TicketId};

use super::Threader;

impl<T, C> Threader<T, C> {
    /// The tracker the threader writes with.
    pub fn tracker(&self) -> &T {
        &self.tracker
    }

    /// The chat the threader writes to.
    pub fn chat(&self) -> &C {
        &self.chat
    }

    /// The ticket whose thread `thread` is, as the passes found it.
    pub fn ticket_of(&self, thread: ChannelId) -> Option<TicketId> {
        self.routes
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&thread)
            .copied()
    }

    /// Remembers that `thread` is `ticket`'s.
    pub(super) fn route(&self, thread: ChannelId, ticket: TicketId) {
        self.routes
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(thread, ticket);
    }

    /// Waits for ticket `id`'s lane: held, nothing else syncs the ticket.
    pub(super) async fn lane(&self, id: TicketId) -> tokio::sync::OwnedMutexGuard<()> {
        let lane = Arc::clone(
            self.lanes
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .entry(id)
                .or_default(),
        );
        lane.lock_owned().await
    }
}
