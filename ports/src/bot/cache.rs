//! What autocomplete reads without a request per keystroke: the tracker's names (statuses,
//! priorities, trackers, activities) and which ticket each thread belongs to, kept a few
//! minutes (moka; one read at a time: callers asking while it is read wait for it).

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use domain::sync::ThreadAsk;
use domain::{ChannelId, GuildId, Named, Status, Ticket, TicketId};

use super::Bot;
use crate::directory::Directory;
use crate::inventory::Inventory;
use crate::tracker::{SyncStore, ThreadedScope, TrackerError};

/// How long the tracker's names are kept: they change when an admin edits Redmine's
/// settings, which is rare, and a stale name only makes a hint stale (the command itself
/// reads the names afresh).
pub(super) const NAMES_FOR: Duration = Duration::from_secs(5 * 60);

/// How long the thread → ticket map is kept for autocomplete (commands read it afresh).
pub(super) const THREADS_FOR: Duration = Duration::from_secs(2 * 60);

/// Which list of names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum NameKind {
    Priority,
    Tracker,
    Activity,
}

/// A thread's ticket, as autocomplete offers it: its number and subject.
pub(super) type ThreadTickets = Arc<BTreeMap<ChannelId, (TicketId, String)>>;

/// The bot's caches.
#[derive(Debug)]
pub(super) struct Caches {
    pub(super) statuses: moka::future::Cache<(), Arc<[Status]>>,
    pub(super) names: moka::future::Cache<NameKind, Arc<[Named]>>,
    pub(super) threads: moka::future::Cache<(), ThreadTickets>,
}

impl Caches {
    pub(super) fn new() -> Self {
        Self {
            statuses: moka::future::Cache::builder()
                .time_to_live(NAMES_FOR)
                .build(),
            names: moka::future::Cache::builder()
                .time_to_live(NAMES_FOR)
                .build(),
            threads: moka::future::Cache::builder()
                .time_to_live(THREADS_FOR)
                .build(),
        }
    }
}

/// The threads of `guild` that tickets' thread fields link to: thread → (ticket, subject).
pub(super) fn thread_tickets(tickets: &[Ticket], guild: GuildId) -> ThreadTickets {
    Arc::new(
        tickets
            .iter()
            .filter_map(
                |ticket| match ThreadAsk::of(ticket.thread_field.as_deref()) {
                    ThreadAsk::Linked(link) if link.guild == guild => {
                        Some((link.thread, (ticket.id, ticket.subject.clone())))
                    }
                    _ => None,
                },
            )
            .collect(),
    )
}

impl<T: SyncStore, I: Inventory, D: Directory> Bot<T, I, D> {
    /// The ticket whose thread is `channel` in this server, if any, read afresh (one listing
    /// of the threaded tickets, as the threader reads them), which also refreshes what
    /// autocomplete offers.
    pub(super) async fn ticket_of_thread(
        &self,
        channel: Option<ChannelId>,
    ) -> Result<Option<TicketId>, TrackerError> {
        let Some(channel) = channel else {
            return Ok(None);
        };
        let threads = self.read_thread_tickets().await?;
        let found = threads.get(&channel).map(|(id, _)| *id);
        self.caches.threads.insert((), threads).await;
        Ok(found)
    }

    async fn read_thread_tickets(&self) -> Result<ThreadTickets, TrackerError> {
        // Without a thread field no ticket has a thread.
        match self.tracker.threaded(ThreadedScope::All).await {
            Err(TrackerError::NoSuchField(_)) => Ok(Arc::new(BTreeMap::new())),
            listed => Ok(thread_tickets(&listed?, self.settings.guild_id)),
        }
    }

    /// Ticket autocomplete (`/ticket`'s `id`, `/hours`'s `ticket`) in `channel`: in a
    /// ticket's thread that ticket first (`#42 subject`), when what was typed is empty or
    /// begins its number; then what was typed, when it is a ticket number. The thread → ticket
    /// map is kept [`THREADS_FOR`], so typing makes no request per keystroke.
    pub async fn complete_ticket(
        &self,
        channel: Option<ChannelId>,
        typed: &str,
    ) -> Vec<(String, String)> {
        let Some(channel) = channel else {
            return domain::bot::replies::ticket_choices(None, typed);
        };
        let threads = match self
            .caches
            .threads
            .try_get_with((), self.read_thread_tickets())
            .await
        {
            Ok(threads) => threads,
            Err(error) => {
                tracing::warn!(error = %crate::with_causes(&*error), "could not read the threaded tickets for autocomplete");
                return domain::bot::replies::ticket_choices(None, typed);
            }
        };
        let here = threads
            .get(&channel)
            .map(|(id, subject)| (*id, subject.as_str()));
        domain::bot::replies::ticket_choices(here, typed)
    }
}
