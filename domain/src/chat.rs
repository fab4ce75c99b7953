//! Chat-side values: who asked, and what the bot answers.

/// A Discord member invoking a command: who, from which server, with which roles.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    /// The member's Discord user id (a snowflake), never the changeable username.
    pub id: u64,
    /// The server the command came from; `None` in a direct message.
    pub guild_id: Option<u64>,
    /// The member's role ids in that server.
    pub role_ids: Vec<u64>,
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
    use super::Reply;

    #[test]
    fn errors_read_as_one_private_sentence() {
        let reply = Reply::error("ticket 9 not found");
        assert_eq!(reply.text, "Ticket 9 not found.");
        assert!(reply.ephemeral);
        assert_eq!(Reply::error("try again?").text, "Try again?");
    }
}
