//! What the threader knows before it looks at any ticket (its own user, the statuses, who is
//! who), read at start and again now and then rather than on every pass; and how much one
//! pass reads.

use domain::{Status, UserId};

use super::{PassError, Threader, WhoIsWho};
use crate::chat::{Chat, ChatFiles, GuildEvents};
use crate::tracker::{ActAs, Catalog, People, SyncStore, TicketFiles, Tickets};

/// What a pass knows before it looks at tickets.
#[derive(Debug, Clone)]
pub struct Known {
    /// The threader's own tracker user (its bookkeeping is not news).
    pub bot_user: UserId,
    /// The tracker's statuses (which close a ticket).
    pub statuses: Vec<Status>,
    /// Who is who.
    pub people: WhoIsWho,
}

/// How much one pass reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Every ticket that asks for a thread, and every active thread: the first pass, a
    /// one-shot run, and the catch-up after the chat's events may have been missed.
    Full,
    /// Only the tickets someone else changed in the tracker (one request when none did):
    /// while the live path hears every message, the chat needs no reading.
    TrackerOnly,
}

impl<
        T: Tickets + TicketFiles + People + Catalog + SyncStore + ActAs,
        C: Chat + ChatFiles + GuildEvents,
    > Threader<T, C>
{
    /// Reads what a pass knows before it looks at tickets: the threader's own user and the
    /// statuses (two requests), with `people` as read from the directory.
    ///
    /// # Errors
    /// [`PassError::Tracker`] when the tracker cannot be read.
    pub async fn know(&self, people: WhoIsWho) -> Result<Known, PassError> {
        let me = self.tracker.current_user().await?;
        let statuses = self.tracker.statuses().await?;
        Ok(Known {
            bot_user: me.id,
            statuses,
            people,
        })
    }
}
