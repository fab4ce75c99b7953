//! What one ticket's sync carries from round to round (at most `MAX_ROUNDS` while people
//! keep writing), and when a plan leaves a round with nothing to write.

use domain::sync::{SyncPlan, SyncState};
use domain::{ThreadInfo, Ticket};

/// What one ticket's sync carries from one round to the next.
pub(super) struct Round {
    /// The state recorded (or, before the first round, read from the ticket).
    pub(super) state: SyncState,
    /// Whether the thread is archived.
    pub(super) archived: bool,
    /// Whether the thread may hold messages after `state.message` not yet read.
    pub(super) unread: bool,
    /// The ticket as the last look fetched it, when that look found more to do.
    pub(super) fetched: Option<Ticket>,
}

impl Round {
    /// The first round on `thread`, from the state recorded with the ticket.
    pub(super) fn first(thread: &ThreadInfo, state: SyncState) -> Self {
        Self {
            state,
            archived: thread.archived,
            unread: thread.last_message_id.is_none() || thread.last_message_id > state.message,
            fetched: None,
        }
    }

    /// The round after this one carried out `decided` and recorded `state`; `unread` when
    /// someone wrote among the threader's posts.
    pub(super) fn after(&self, decided: &SyncPlan, state: SyncState, unread: bool) -> Self {
        let archived = match (decided.archive, decided.unarchive) {
            (true, _) => true,
            (false, true) => false,
            (false, false) => self.archived,
        };
        Self {
            state,
            archived,
            unread,
            fetched: None,
        }
    }
}

/// Whether a plan writes nothing to either side (its state aside).
pub(super) fn writes_nothing(decided: &SyncPlan) -> bool {
    !decided.unarchive
        && !decided.archive
        && decided.to_thread.is_empty()
        && decided.to_edit.is_empty()
        && decided.to_ticket.is_empty()
        && decided.blank.is_none()
}
