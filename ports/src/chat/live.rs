//! The chat's live side: events pushed as they happen (Discord's gateway), which the
//! threader acts on at once instead of waiting for its next pass.

use std::future::Future;
use std::time::Instant;

use domain::{ChannelId, ChatMessage, MessageId};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use super::ChatError;

/// One thing that happened in the chat, as the listener heard it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChatEvent {
    /// The connection is up. `resumed` is `false` for a new session: events may have been
    /// missed since the last one (or this is the first), so a catch-up over REST is due.
    /// `true` when the chat resumed the old session and replays what was missed.
    Connected {
        /// Whether the old session was resumed (nothing missed).
        resumed: bool,
    },
    /// The connection is lost (the listener reconnects on its own).
    Disconnected {
        /// Why, in a few words, for the operator.
        why: String,
    },
    /// A message was posted in `channel` (a thread among them).
    MessagePosted {
        /// Where.
        channel: ChannelId,
        /// The message, as `Chat::messages_after` would read it.
        message: ChatMessage,
    },
    /// A message's content was edited; `message` is the message as it now stands (an update
    /// that carries no content, such as an embed being added, is not reported).
    MessageEdited {
        /// Where.
        channel: ChannelId,
        /// The message as it now stands.
        message: ChatMessage,
    },
    /// A message was deleted.
    MessageDeleted {
        /// Where.
        channel: ChannelId,
        /// Which.
        message: MessageId,
    },
}

/// An event and when the listener heard it (for the event-to-note time).
#[derive(Debug, Clone)]
pub struct Heard {
    /// What happened.
    pub event: ChatEvent,
    /// When the listener received it.
    pub at: Instant,
}

impl Heard {
    /// `event`, heard now.
    #[must_use]
    pub fn now(event: ChatEvent) -> Self {
        Self {
            event,
            at: Instant::now(),
        }
    }
}

/// A connection that pushes the chat's events as they happen.
pub trait ChatListener: Send + Sync + 'static {
    /// Listens to the server's events until `stop` is cancelled, sending each to `events` in
    /// the order the chat delivered them. It reconnects on its own, as the chat documents,
    /// and reports every connection and loss ([`ChatEvent::Connected`],
    /// [`ChatEvent::Disconnected`]). Messages of the listener's own bot user are reported
    /// too (with `author_is_bot`), so that a thread's newest message is always known.
    ///
    /// # Errors
    /// [`ChatError`] when the connection cannot be made at all (a refused token, intents the
    /// bot may not use); losses after a first connection are reported as events instead.
    fn listen(
        &self,
        events: mpsc::Sender<Heard>,
        stop: CancellationToken,
    ) -> impl Future<Output = Result<(), ChatError>> + Send;
}
