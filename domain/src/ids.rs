//! Ids that would be mixed up as bare numbers: Discord users, channels, messages, guilds and
//! roles, tracker journals, users, statuses and projects, and logins. Four kinds of `u64` in
//! one function is a bug waiting; each kind here is its own type.

use std::fmt;

use chrono::{DateTime, Utc};

use thiserror::Error;

/// Why a text or number is not a valid id.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("'{text}' is not a valid {kind}")]
pub struct InvalidId {
    /// What kind of id was expected.
    pub kind: &'static str,
    /// What was given.
    pub text: String,
}

macro_rules! snowflake {
    ($(#[$doc:meta])* $name:ident, $kind:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(u64);

        impl $name {
            /// The id, refusing zero (never handed out).
            ///
            /// # Errors
            /// [`InvalidId`] for zero.
            pub fn new(n: u64) -> Result<Self, InvalidId> {
                if n == 0 {
                    Err(InvalidId { kind: $kind, text: n.to_string() })
                } else {
                    Ok(Self(n))
                }
            }

            /// Parses a decimal id, surrounding spaces ignored.
            ///
            /// # Errors
            /// [`InvalidId`] when the text is not a positive decimal number.
            pub fn parse(text: &str) -> Result<Self, InvalidId> {
                let trimmed = text.trim();
                if trimmed.is_empty() || !trimmed.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(InvalidId { kind: $kind, text: text.to_owned() });
                }
                trimmed
                    .parse::<u64>()
                    .ok()
                    .and_then(|n| Self::new(n).ok())
                    .ok_or_else(|| InvalidId { kind: $kind, text: text.to_owned() })
            }

            /// The number itself.
            #[must_use]
            pub fn get(self) -> u64 {
                self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}", self.0)
            }
        }
    };
}

snowflake!(
    /// A Discord user (a snowflake), never the changeable username.
    DiscordUserId,
    "Discord user id"
);
snowflake!(
    /// A Discord server (guild).
    GuildId,
    "Discord server id"
);
snowflake!(
    /// A Discord channel; a thread is a channel too.
    ChannelId,
    "Discord channel id"
);
snowflake!(
    /// A Discord message. Snowflakes grow with time, so they order messages.
    MessageId,
    "Discord message id"
);
/// Discord's epoch (2015-01-01T00:00:00Z), in milliseconds since the Unix epoch: a
/// snowflake's top 42 bits count milliseconds from it.
const DISCORD_EPOCH_MS: u64 = 1_420_070_400_000;

impl MessageId {
    /// When the message was written, read from its id (a snowflake's top 42 bits are the
    /// milliseconds since Discord's epoch): pure, no clock and no request.
    #[must_use]
    pub fn created_at(self) -> DateTime<Utc> {
        i64::try_from((self.0 >> 22) + DISCORD_EPOCH_MS)
            .ok()
            .and_then(DateTime::from_timestamp_millis)
            .unwrap_or_default()
    }
}

snowflake!(
    /// A Discord role.
    RoleId,
    "Discord role id"
);
snowflake!(
    /// A tracker journal (a note or a change); ids grow with time across all tickets.
    JournalId,
    "journal id"
);
snowflake!(
    /// A tracker user or group (they share one id space in Redmine).
    UserId,
    "user id"
);
snowflake!(
    /// A tracker ticket status, by the tracker's own number (looked up by name, never
    /// hard-coded).
    StatusId,
    "status id"
);
snowflake!(
    /// A tracker project, by the tracker's own number (people name it by its identifier).
    ProjectId,
    "project id"
);

/// A tracker login: non-empty, no surrounding spaces.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Login(String);

impl Login {
    /// A login as the tracker spells it.
    ///
    /// # Errors
    /// [`InvalidId`] for an empty login or one with spaces or control characters.
    pub fn new(text: &str) -> Result<Self, InvalidId> {
        let trimmed = text.trim();
        if trimmed.is_empty() || trimmed.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(InvalidId {
                kind: "login",
                text: text.to_owned(),
            });
        }
        Ok(Self(trimmed.to_owned()))
    }

    /// The login as text.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Login {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_message_id_tells_when_the_message_was_written() {
        // Discord's documented example: 175928847299117063 was made 2016-04-30 11:18:25.796 UTC.
        let message = MessageId::new(175_928_847_299_117_063).unwrap();
        assert_eq!(
            message.created_at().to_rfc3339(),
            "2016-04-30T11:18:25.796+00:00"
        );
        // The smallest id is Discord's epoch itself.
        assert_eq!(
            MessageId::new(1).unwrap().created_at().to_rfc3339(),
            "2015-01-01T00:00:00+00:00"
        );
    }

    #[test]
    fn ids_refuse_zero_and_non_numbers() {
        assert_eq!(MessageId::parse(" 42 ").map(MessageId::get), Ok(42));
        assert!(MessageId::parse("0").is_err());
        assert!(ChannelId::parse("-1").is_err());
        assert!(ChannelId::parse("abc").is_err());
        assert!(ChannelId::parse("99999999999999999999999").is_err());
        assert_eq!(
            JournalId::new(0).unwrap_err().to_string(),
            "'0' is not a valid journal id"
        );
        assert_eq!(
            StatusId::parse("0").unwrap_err().to_string(),
            "'0' is not a valid status id"
        );
        assert_eq!(ProjectId::parse(" 7 ").map(ProjectId::get), Ok(7));
        assert!(ProjectId::new(0).is_err());
    }

    #[test]
    fn logins_refuse_blanks_and_spaces() {
        assert_eq!(
            Login::new(" alice ").map(|l| l.to_string()),
            Ok("alice".into())
        );
        assert!(Login::new("").is_err());
        assert!(Login::new("a b").is_err());
    }
}
