//! The chat port: what the threader, the notifications and `/thread` need from Discord (or
//! anything like it). Threads are found by id, never by name; nothing sent pings anyone
//! unless the caller passes deliberate [`Mentions`].

use std::future::Future;
use std::time::Duration;

use domain::{
    Attachment, ChannelId, ChatMessage, GuildId, GuildNames, Mentions, MessageId, ThreadInfo,
};
use thiserror::Error;

use crate::tracker::NewFile;

pub use domain::limits::{CARRIED_FILE_LIMIT, MESSAGE_LIMIT, THREAD_NAME_LIMIT};

pub mod live;
pub mod scheduled;
pub use live::{ChatEvent, ChatListener, Heard};
pub use scheduled::GuildEvents;

/// What went wrong talking to the chat, as something a caller can act on.
#[derive(Debug, Error)]
pub enum ChatError {
    /// The channel, thread or message does not exist (or was deleted).
    #[error("{what} not found")]
    NotFound {
        /// What was looked for, e.g. "thread 123".
        what: String,
    },
    /// The bot may not do this here (a missing permission or intent).
    #[error("not allowed to {action}: {detail}")]
    Forbidden {
        /// What was attempted.
        action: String,
        /// What the chat said.
        detail: String,
    },
    /// Still rate limited after waiting and retrying.
    #[error("rate limited while trying to {action}: retry after {retry_after:?}")]
    RateLimited {
        /// What was attempted.
        action: String,
        /// How long the chat asked to wait.
        retry_after: Duration,
    },
    /// The chat could not be reached, or did not answer in time.
    #[error("cannot reach the chat")]
    Unreachable {
        /// What the network said (the adapter's error, whose text never holds a URL: a URL
        /// may hold a token). Print the error with [`crate::with_causes`] to show it.
        #[source]
        cause: crate::Cause,
    },
    /// The chat answered, but with something that cannot be read as what was asked for.
    #[error("unexpected answer from the chat to {action}")]
    Unexpected {
        /// What was attempted.
        action: String,
        /// Why the answer could not be read (the adapter's error).
        #[source]
        cause: crate::Cause,
    },
    /// The chat refused the request or answered something unexpected.
    #[error("the chat refused to {action}: {detail}")]
    Rejected {
        /// What was attempted.
        action: String,
        /// Status and message from the chat.
        detail: String,
    },
}

/// A chat with channels and threads.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
pub trait Chat: Send + Sync + 'static {
    /// Posts `text` in a channel or thread, split at line boundaries into messages of at
    /// most [`MESSAGE_LIMIT`] characters; only `mentions` may be pinged. Returns the ids of
    /// the messages sent, in order.
    ///
    /// # Errors
    /// [`ChatError::NotFound`] for a deleted channel, [`ChatError::Forbidden`], or any other.
    fn post(
        &self,
        channel: ChannelId,
        text: &str,
        mentions: &Mentions,
    ) -> impl Future<Output = Result<Vec<MessageId>, ChatError>> + Send;

    /// Rewrites one of the bot's own messages in place with `text` (at most
    /// [`MESSAGE_LIMIT`] characters); it pings nobody.
    ///
    /// # Errors
    /// [`ChatError::NotFound`] for a deleted message or thread, [`ChatError::Forbidden`], or
    /// any other.
    fn edit(
        &self,
        channel: ChannelId,
        message: MessageId,
        text: &str,
    ) -> impl Future<Output = Result<(), ChatError>> + Send;

    /// Starts a public thread named `name` (clamped to [`THREAD_NAME_LIMIT`]) from a message
    /// already in `channel`: the thread's id is the message's id, which makes it findable
    /// again from the message.
    ///
    /// # Errors
    /// [`ChatError::NotFound`] for a deleted message, [`ChatError::Forbidden`], or any other.
    fn start_thread(
        &self,
        channel: ChannelId,
        message: MessageId,
        name: &str,
    ) -> impl Future<Output = Result<ThreadInfo, ChatError>> + Send;

    /// Messages of a channel or thread after `after` (all when `None`), oldest first, paging
    /// to the end.
    ///
    /// # Errors
    /// [`ChatError::NotFound`] for a deleted thread, [`ChatError::Forbidden`], or any other.
    fn messages_after(
        &self,
        channel: ChannelId,
        after: Option<MessageId>,
    ) -> impl Future<Output = Result<Vec<ChatMessage>, ChatError>> + Send;

    /// The newest `limit` (at most 100) messages of a channel, oldest first.
    ///
    /// # Errors
    /// [`ChatError::NotFound`], [`ChatError::Forbidden`], or any other.
    fn recent_messages(
        &self,
        channel: ChannelId,
        limit: u8,
    ) -> impl Future<Output = Result<Vec<ChatMessage>, ChatError>> + Send;

    /// Every active (not archived) thread of the guild, with its newest message id.
    ///
    /// # Errors
    /// [`ChatError`] when the guild cannot be read.
    fn active_threads(
        &self,
        guild: GuildId,
    ) -> impl Future<Output = Result<Vec<ThreadInfo>, ChatError>> + Send;

    /// One thread, archived or not; `None` when it was deleted.
    ///
    /// # Errors
    /// [`ChatError::Forbidden`] or any other failure but "not found".
    fn thread(
        &self,
        thread: ChannelId,
    ) -> impl Future<Output = Result<Option<ThreadInfo>, ChatError>> + Send;

    /// Archives (`true`) or unarchives (`false`) a thread.
    ///
    /// # Errors
    /// [`ChatError::Forbidden`] without *Manage Threads*, [`ChatError::NotFound`], or any other.
    fn set_archived(
        &self,
        thread: ChannelId,
        archived: bool,
    ) -> impl Future<Output = Result<(), ChatError>> + Send;

    /// The names of the server's roles and text channels (threads are not among them), for
    /// reading a message's `<@&ROLE>` and `<#CHANNEL>`.
    ///
    /// # Errors
    /// [`ChatError::Forbidden`] when the bot may not read the server, or any other.
    fn guild_names(
        &self,
        guild: GuildId,
    ) -> impl Future<Output = Result<GuildNames, ChatError>> + Send;
}

/// Files in the chat: the threader carries them between a thread and its ticket (a message
/// posted with files attached, a message's file read).
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
pub trait ChatFiles: Send + Sync + 'static {
    /// Posts `text` with files attached to its (last) message, as [`Chat::post`] otherwise;
    /// the files' bytes are moved into the request.
    ///
    /// # Errors
    /// [`ChatError::Rejected`] when the chat refuses the files (too large, too many): the
    /// caller may post the text alone; [`ChatError::NotFound`], [`ChatError::Forbidden`], or
    /// any other.
    fn post_with_files(
        &self,
        channel: ChannelId,
        text: &str,
        files: Vec<NewFile>,
        mentions: &Mentions,
    ) -> impl Future<Output = Result<Vec<MessageId>, ChatError>> + Send;

    /// The content of a message's file, from the address the chat gave in the message, read
    /// whole into memory once and at most [`CARRIED_FILE_LIMIT`] bytes.
    ///
    /// # Errors
    /// [`ChatError::NotFound`] when the chat no longer serves it (deleted, its link expired),
    /// [`ChatError::Rejected`] for a file over the limit, or any other.
    fn download(
        &self,
        file: &Attachment,
    ) -> impl Future<Output = Result<Vec<u8>, ChatError>> + Send;
}

#[cfg(any(test, feature = "mocks"))]
mod mock;
#[cfg(any(test, feature = "mocks"))]
pub use mock::MockChatWithFiles;
#[cfg(any(test, feature = "mocks"))]
pub use scheduled::MockGuildEvents;
