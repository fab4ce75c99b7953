//! netbot's Discord adapter: serenity's HTTP client set up so that nothing the bot sends can
//! mention anyone, and the way every command answers an interaction: defer at once (Discord
//! drops an interaction not answered within 3 s), do the work, then deliver the reply. And
//! [`DiscordChat`], the chat port (threads and messages) for the threader and `/thread`, and
//! [`DiscordGateway`], its live side (the events Discord's gateway pushes).
//!
//! Only this crate and `apps/netbot` name serenity or poise.

mod chat;
pub mod gateway;
mod setup;

pub use chat::{ClientError, DiscordChat, RateLimitPolicy};
pub use gateway::DiscordGateway;
pub use setup::{BotUser, GuildAccess};

use std::future::Future;

use domain::Reply;
use secrecy::{ExposeSecret as _, SecretString};
use serenity::all::{
    ApplicationId, CreateAllowedMentions, CreateInteractionResponse,
    CreateInteractionResponseFollowup, CreateInteractionResponseMessage, EditInteractionResponse,
    Http, HttpBuilder, InteractionId,
};
use serenity::builder::Builder as _;
use tracing::{info, warn};

/// A bot token: a `SecretString`, shown as `[REDACTED]` by `Debug`.
#[derive(Clone, Debug)]
pub struct BotToken(SecretString);

impl BotToken {
    /// Wraps a token.
    #[must_use]
    pub fn new(token: impl Into<String>) -> Self {
        Self(SecretString::from(token.into().trim()))
    }

    /// The token itself, for the gateway client only.
    #[must_use]
    pub fn expose(&self) -> &str {
        self.0.expose_secret()
    }
}

/// No mentions at all: no `@everyone`, `@here`, role, user or replied-user ping.
pub fn no_mentions() -> CreateAllowedMentions {
    CreateAllowedMentions::new()
        .everyone(false)
        .all_users(false)
        .all_roles(false)
        .replied_user(false)
}

/// serenity's HTTP client with mentions off by default; with `api_url` (`DISCORD_API_URL`),
/// every REST call goes there instead of discord.com (a test server or a rate-limit proxy),
/// which serenity only honours with its own rate limiter disabled.
#[must_use]
pub fn http(token: &BotToken, api_url: Option<&str>, application_id: Option<u64>) -> Http {
    let mut builder = HttpBuilder::new(token.expose()).default_allowed_mentions(no_mentions());
    if let Some(url) = api_url {
        builder = builder
            .proxy(url.trim_end_matches('/'))
            .ratelimiter_disabled(true);
    }
    if let Some(id) = application_id {
        builder = builder.application_id(ApplicationId::new(id));
    }
    builder.build()
}

/// Which interaction to answer.
#[derive(Debug, Clone)]
pub struct InteractionRef {
    /// The interaction's id.
    pub id: InteractionId,
    /// Its token: a secret for 15 minutes, never logged (`Debug` shows `[REDACTED]`).
    pub token: SecretString,
}

/// A Discord failure, told without the request URL (which holds the interaction token): only
/// what Discord answered or what the network said is kept, never serenity's error itself.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DiscordError {
    /// Discord answered with an error status.
    #[error("Discord answered {status} to {method}: {message}")]
    Answered {
        /// The HTTP status.
        status: u16,
        /// The request's method.
        method: String,
        /// Discord's message.
        message: String,
    },
    /// The request brought no answer.
    #[error("cannot reach Discord: {reason}")]
    Unreachable {
        /// What the network said (the innermost cause, never a URL).
        reason: String,
    },
    /// Any other failure of serenity's HTTP client.
    #[error("Discord request failed: {detail}")]
    Request {
        /// serenity's words.
        detail: String,
    },
    /// serenity refused what was to be sent (a message too long, say).
    #[error("Discord refused the message: {detail}")]
    Model {
        /// serenity's words.
        detail: String,
    },
    /// Any other failure, by kind only: its text might carry a URL.
    #[error("Discord failed: {kind}")]
    Other {
        /// A short name for the kind of failure.
        kind: &'static str,
    },
}

impl From<&serenity::Error> for DiscordError {
    fn from(error: &serenity::Error) -> Self {
        use serenity::http::HttpError;
        match error {
            serenity::Error::Http(HttpError::UnsuccessfulRequest(response)) => Self::Answered {
                status: response.status_code.as_u16(),
                method: response.method.to_string(),
                message: response.error.message.clone(),
            },
            serenity::Error::Http(HttpError::Request(request)) => Self::Unreachable {
                reason: network_reason(request),
            },
            serenity::Error::Http(other) => Self::Request {
                detail: other.to_string(),
            },
            serenity::Error::Model(model) => Self::Model {
                detail: model.to_string(),
            },
            other => Self::Other { kind: kind(other) },
        }
    }
}

/// A Discord failure, told without the request URL (which holds the interaction token).
#[must_use]
pub fn redacted(error: &serenity::Error) -> String {
    DiscordError::from(error).to_string()
}

/// What the network said of a failed request: its innermost cause ("Connection refused (os
/// error 111)"), never reqwest's own text, which names the URL (and a URL may hold an
/// interaction token).
pub(crate) fn network_reason(error: &reqwest::Error) -> String {
    if std::error::Error::source(error).is_none() {
        String::from("the request failed")
    } else {
        httpkit::innermost(error)
    }
}

/// A short name for errors whose `Display` might carry a URL.
fn kind(error: &serenity::Error) -> &'static str {
    match error {
        serenity::Error::Gateway(_) => "gateway error",
        serenity::Error::Json(_) => "unreadable JSON",
        serenity::Error::Io(_) => "I/O error",
        _ => "unexpected error",
    }
}

/// Acknowledges the interaction at once ("netbot is thinking…"), before any slow work.
///
/// # Errors
/// The [`DiscordError`], without the interaction's token.
pub async fn defer(http: &Http, interaction: &InteractionRef) -> Result<(), DiscordError> {
    CreateInteractionResponse::Defer(
        CreateInteractionResponseMessage::new().allowed_mentions(no_mentions()),
    )
    .execute(http, (interaction.id, interaction.token.expose_secret()))
    .await
    .map_err(|error| DiscordError::from(&error))
}

/// Delivers a reply to a deferred interaction: a public reply replaces the "thinking…"
/// message; a private one (errors, refusals) removes it and follows up visible only to the
/// member, since a deferred message cannot become ephemeral afterwards.
///
/// # Errors
/// The [`DiscordError`], without the interaction's token.
pub async fn deliver(
    http: &Http,
    interaction: &InteractionRef,
    reply: &Reply,
) -> Result<(), DiscordError> {
    if reply.ephemeral {
        http.delete_original_interaction_response(interaction.token.expose_secret())
            .await
            .map_err(|error| DiscordError::from(&error))?;
        CreateInteractionResponseFollowup::new()
            .content(&reply.text)
            .ephemeral(true)
            .allowed_mentions(no_mentions())
            .execute(http, (None, interaction.token.expose_secret()))
            .await
            .map(drop)
            .map_err(|error| DiscordError::from(&error))
    } else {
        EditInteractionResponse::new()
            .content(&reply.text)
            .allowed_mentions(no_mentions())
            .execute(http, interaction.token.expose_secret())
            .await
            .map(drop)
            .map_err(|error| DiscordError::from(&error))
    }
}

/// The way every command answers: defer first, then do the work, then deliver its reply;
/// then one log line saying which command it was, how it was answered and how long it took.
/// Failures to talk to Discord are logged (redacted); there is no one left to tell.
pub async fn answer(
    http: &Http,
    interaction: &InteractionRef,
    command: &str,
    work: impl Future<Output = Reply>,
) {
    let started = std::time::Instant::now();
    if let Err(error) = defer(http, interaction).await {
        warn!(command, %error, "could not acknowledge an interaction");
        return;
    }
    let reply = work.await;
    let delivered = deliver(http, interaction, &reply).await;
    // A u64, which JSON logs write as a number (a u128 becomes a string).
    let elapsed_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
    match delivered {
        Ok(()) => info!(
            command,
            answer = if reply.ephemeral { "private" } else { "public" },
            elapsed_ms,
            "answered a command"
        ),
        Err(error) => warn!(command, %error, elapsed_ms, "could not deliver a reply"),
    }
}
