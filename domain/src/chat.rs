//! Chat-side values: who asked, and what the bot answers.

use crate::ids::{DiscordUserId, GuildId, RoleId};

/// A Discord member invoking a command: who, from which server, with which roles.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    /// The member's Discord user id (a snowflake), never the changeable username.
    pub id: DiscordUserId,
    /// The server the command came from; `None` in a direct message.
    pub guild_id: Option<GuildId>,
    /// The member's role ids in that server.
    pub role_ids: Vec<RoleId>,
}

/// What the bot replies: a text (Discord markdown, within the message limit) shown to
/// everyone in the channel or only to the member who asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    /// The message.
    pub text: String,
    /// Only the member who asked sees it (errors, permission refusals).
    pub ephemeral: bool,
}

impl Reply {
    /// A reply the channel sees.
    #[must_use]
    pub fn public(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            ephemeral: false,
        }
    }

    /// A reply only the member sees.
    #[must_use]
    pub fn private(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            ephemeral: true,
        }
    }

    /// An error as one sentence for a person: capitalised, ending in a full stop.
    #[must_use]
    pub fn error(message: &str) -> Self {
        let mut chars = message.trim().chars();
        let mut text: String = chars
            .next()
            .map(|first| first.to_uppercase().chain(chars).collect())
            .unwrap_or_default();
        if !text.ends_with(['.', '!', '?']) {
            text.push('.');
        }
        Self::private(text)
    }
}

#[cfg(test)]
mod tests {
    use super::{split_message, Reply};

    #[test]
    fn long_text_splits_at_lines_and_loses_nothing() {
        let text = format!("{}\n{}\n{}", "a".repeat(6), "b".repeat(3), "c".repeat(4));
        assert_eq!(split_message(&text, 10), ["aaaaaa\nbbb", "cccc"]);
        assert_eq!(
            split_message(&"x".repeat(25), 10),
            ["x".repeat(10), "x".repeat(10), "x".repeat(5)]
        );
        assert_eq!(split_message("é".repeat(3).as_str(), 2), ["éé", "é"]);
        assert_eq!(split_message("", 10), Vec::<String>::new());
        let pieces = split_message(&"line of text\n".repeat(500), 2000);
        assert!(pieces.iter().all(|piece| piece.chars().count() <= 2000));
        assert_eq!(pieces.join("\n").matches("line of text").count(), 500);
    }

    #[test]
    fn errors_read_as_one_private_sentence() {
        let reply = Reply::error("ticket 9 not found");
        assert_eq!(reply.text, "Ticket 9 not found.");
        assert!(reply.ephemeral);
        assert_eq!(Reply::error("try again?").text, "Try again?");
    }
}

/// Chat-side records the threader and notifications read and write.
pub mod message {
    use std::collections::BTreeMap;

    use crate::ids::{ChannelId, DiscordUserId, MessageId, RoleId};

    /// A file attached to a chat message.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct Attachment {
        /// The file's name.
        pub name: String,
        /// Where it can be downloaded (the address the chat gives in the message).
        pub url: String,
        /// Its size in bytes, as the chat reports it.
        pub size: u64,
        /// Its media type, as the chat reports it (`image/png`), when it says one.
        pub content_type: Option<String>,
    }

    /// A message read from a channel or thread.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct ChatMessage {
        /// Its id (ids grow with time, so they order messages).
        pub id: MessageId,
        /// Who wrote it.
        pub author: DiscordUserId,
        /// The author's display name (server nickname, else global name, else username).
        pub author_name: String,
        /// Written by a bot or webhook (the threader's own messages among them).
        pub author_is_bot: bool,
        /// The text as written; empty when the bot lacks the Message Content intent.
        pub content: String,
        /// Attached files.
        pub attachments: Vec<Attachment>,
        /// The thread started from this message, if any.
        pub thread: Option<ChannelId>,
        /// Display names of the users the message mentions, as it carries them (server
        /// nickname, else global name, else username).
        pub mentioned: BTreeMap<DiscordUserId, String>,
    }

    /// The names of a server's roles and channels (threads among them), by id: what a
    /// message's `<@&ROLE>` and `<#CHANNEL>` read as elsewhere.
    #[derive(Debug, Clone, Default, PartialEq, Eq)]
    pub struct GuildNames {
        /// Role id → name.
        pub roles: BTreeMap<RoleId, String>,
        /// Channel or thread id → name.
        pub channels: BTreeMap<ChannelId, String>,
    }

    /// A thread as the chat reports it.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct ThreadInfo {
        /// The thread's id (a thread is a channel).
        pub id: ChannelId,
        /// The channel it lives in.
        pub parent: Option<ChannelId>,
        /// Its name.
        pub name: String,
        /// Archived: hidden from the channel until someone posts or it is unarchived.
        pub archived: bool,
        /// Locked: only moderators may unarchive it.
        pub locked: bool,
        /// The newest message, as the chat last reported it.
        pub last_message_id: Option<MessageId>,
    }

    /// Who a message may ping: nobody unless the caller names them deliberately.
    #[derive(Debug, Clone, Default, PartialEq, Eq)]
    pub struct Mentions {
        /// Users who may be pinged.
        pub users: Vec<DiscordUserId>,
        /// Roles that may be pinged.
        pub roles: Vec<RoleId>,
    }

    impl Mentions {
        /// Nobody: the default for everything the bot sends.
        #[must_use]
        pub fn none() -> Self {
            Self::default()
        }
    }
}

/// Splits `text` into pieces of at most `limit` characters, at line boundaries where it can
/// (a single line longer than the limit is cut at a character boundary). Nothing is dropped
/// but the newlines where it was split and pieces that are only blank.
#[must_use]
pub fn split_message(text: &str, limit: usize) -> Vec<String> {
    let limit = limit.max(1);
    let mut pieces: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut current_len = 0usize;
    let mut started = false;
    for line in text.split('\n') {
        let mut rest = line;
        let mut rest_len = rest.chars().count();
        while rest_len > limit {
            if started {
                pieces.push(std::mem::take(&mut current));
                current_len = 0;
                started = false;
            }
            let cut = rest
                .char_indices()
                .nth(limit)
                .map_or(rest.len(), |(index, _)| index);
            pieces.push(rest[..cut].to_owned());
            rest = &rest[cut..];
            rest_len -= limit;
        }
        if started && current_len + 1 + rest_len > limit {
            pieces.push(std::mem::take(&mut current));
            current_len = 0;
            started = false;
        }
        if started {
            current.push('\n');
            current_len += 1;
        }
        current.push_str(rest);
        current_len += rest_len;
        started = true;
    }
    if started {
        pieces.push(current);
    }
    pieces.retain(|piece| !piece.trim().is_empty());
    pieces
}
