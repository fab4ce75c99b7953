//! What the threader remembers of a ticket and its thread between passes: the state it
//! records, the thread's link, what a ticket's thread field asks for, and where the message
//! mark stands after posting (kept apart from the plan, which only reads and returns them).

use std::collections::BTreeSet;
use std::fmt;

use crate::ids::{ChannelId, GuildId, JournalId, MessageId};

/// What the threader remembers of a ticket, kept in the ticket's state field as
/// `v1 j=JOURNAL m=MESSAGE` (plus `r` once a deleted thread was recreated).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SyncState {
    /// Every journal up to this one has been mirrored (or needs no mirroring).
    pub journal: Option<JournalId>,
    /// Every thread message up to this one has been mirrored (or needs no mirroring).
    pub message: Option<MessageId>,
    /// The thread was deleted once and recreated: a second deletion is reported, not repaired.
    pub recreated: bool,
}

impl SyncState {
    /// Reads a stored state; anything unreadable counts as no state (the origins on both
    /// sides still prevent doubles, the first look is only more expensive).
    #[must_use]
    pub fn parse(text: Option<&str>) -> Self {
        let mut state = Self::default();
        let Some(text) = text else { return state };
        let mut words = text.split_whitespace();
        if words.next() != Some("v1") {
            return state;
        }
        for word in words {
            match word.split_once('=') {
                Some(("j", id)) => state.journal = JournalId::parse(id).ok(),
                Some(("m", id)) => state.message = MessageId::parse(id).ok(),
                None if word == "r" => state.recreated = true,
                _ => {}
            }
        }
        state
    }
}

impl fmt::Display for SyncState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("v1")?;
        if let Some(journal) = self.journal {
            write!(f, " j={journal}")?;
        }
        if let Some(message) = self.message {
            write!(f, " m={message}")?;
        }
        if self.recreated {
            f.write_str(" r")?;
        }
        Ok(())
    }
}

/// A thread's address: `https://discord.com/channels/GUILD/THREAD`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ThreadLink {
    /// The server.
    pub guild: GuildId,
    /// The thread.
    pub thread: ChannelId,
}

impl ThreadLink {
    /// Reads a thread link (discord.com, also ptb., canary. and discordapp.com), `None` for
    /// anything else.
    #[must_use]
    pub fn parse(text: &str) -> Option<Self> {
        let text = text.trim().trim_start_matches('<').trim_end_matches('>');
        let rest = text
            .strip_prefix("https://")
            .or_else(|| text.strip_prefix("http://"))?;
        let (host, path) = rest.split_once('/')?;
        let host = host
            .trim_start_matches("ptb.")
            .trim_start_matches("canary.");
        if host != "discord.com" && host != "discordapp.com" {
            return None;
        }
        let mut parts = path.trim_end_matches('/').split('/');
        if parts.next()? != "channels" {
            return None;
        }
        let guild = GuildId::parse(parts.next()?).ok()?;
        let thread = ChannelId::parse(parts.next()?).ok()?;
        parts.next().is_none().then_some(Self { guild, thread })
    }

    /// The link of one message in the thread.
    #[must_use]
    pub fn message_url(&self, message: MessageId) -> String {
        format!("{self}/{message}")
    }
}

impl fmt::Display for ThreadLink {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "https://discord.com/channels/{}/{}",
            self.guild, self.thread
        )
    }
}

/// What a ticket's thread field asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ThreadAsk {
    /// Nothing: no thread wanted.
    None,
    /// A thread is wanted and has none yet (any value that is not a thread link).
    Wanted,
    /// The thread exists at this link.
    Linked(ThreadLink),
}

impl ThreadAsk {
    /// Reads the thread field's value.
    #[must_use]
    pub fn of(field: Option<&str>) -> Self {
        match field.map(str::trim).filter(|value| !value.is_empty()) {
            None => Self::None,
            Some(value) => ThreadLink::parse(value).map_or(Self::Wanted, Self::Linked),
        }
    }
}

/// Whether a linked ticket needs a look this pass: someone else changed it in the tracker,
/// its thread has a message newer than the last one handled, or it was never synced (a
/// thread just opened, or a state lost). Anything else is skipped without a request.
#[must_use]
pub fn needs_look(
    state: SyncState,
    changed_by_others: bool,
    newest_message: Option<MessageId>,
) -> bool {
    let never_synced = state.journal.is_none() && state.message.is_none();
    changed_by_others || never_synced || newest_message > state.message
}

/// Where the message mark stands after the threader posted in the thread, and whether the
/// thread may hold messages nobody has read yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MarkAfterPosting {
    /// The mark to record.
    pub message: Option<MessageId>,
    /// A person wrote among the threader's posts: the next round must read the thread again.
    pub unread: bool,
}

/// The rule for moving the message mark over the threader's own posts: they move it (to the
/// newest of them) only when nobody wrote in between, since a member's message older than
/// the threader's post must still be read. `mark` is the mark the plan records, `posted` the
/// messages this round posted, `newer` every message the thread has after `mark` now.
#[must_use]
pub fn mark_after_posting(
    mark: Option<MessageId>,
    posted: &BTreeSet<MessageId>,
    newer: &[MessageId],
) -> MarkAfterPosting {
    let (message, unread) = match posted.last() {
        None => (mark, false),
        Some(&newest) if newer.iter().all(|message| posted.contains(message)) => {
            (Some(newest), false)
        }
        Some(_) => (mark, true),
    };
    MarkAfterPosting { message, unread }
}
