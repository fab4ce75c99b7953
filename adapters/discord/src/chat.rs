//! The chat port over Discord's REST API: threads, messages that ping nobody unless asked,
//! history read to the end, and 429s waited out here so that callers never see a transient
//! rate limit.
//!
//! Requests are built with serenity's routes (base URL, `DISCORD_API_URL`'s proxy, the
//! `Authorization: Bot …` header) but their answers are read here: serenity turns an error
//! answer into a message and drops the `retry_after` a 429 carries. With serenity's rate
//! limiter on (talking to discord.com), requests go through it, so its buckets still apply.

mod exchange;
mod files;
mod rate_limit;
mod scheduled;
mod wire;

use std::sync::Arc;
use std::time::Duration;

use domain::{
    split_message, Attachment, ChannelId, ChatMessage, GuildId, GuildNames, Mentions, MessageId,
    ThreadInfo,
};
use ports::chat::{Chat, ChatError, ChatFiles, MESSAGE_LIMIT, THREAD_NAME_LIMIT};
use ports::NewFile;
use serde_json::{json, Value};
use serenity::all::Http;
use serenity::http::{LightMethod, Request, Route};

use crate::BotToken;
use exchange::Purpose;

pub use rate_limit::RateLimitPolicy;
pub(crate) use wire::pushed_message;

/// Messages Discord returns per page at most.
const PAGE_SIZE: usize = 100;

/// Pages read before `messages_after` gives up: the server is not trusted to end the loop.
const MAX_PAGES: usize = 1000;

/// How long one request may take unless [`DiscordChat::with_timeout`] says otherwise.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// How long connecting may take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// The HTTP client could not be set up (its TLS backend did not start).
#[derive(Debug, Clone, thiserror::Error)]
#[error("cannot set up the HTTP client for Discord")]
pub struct ClientError(#[source] Arc<reqwest::Error>);

/// The [`Chat`] port on Discord.
///
/// Messages read are the ones someone wrote (default messages, replies, command answers);
/// system messages such as "started a thread" are skipped.
#[derive(Clone)]
pub struct DiscordChat {
    http: Arc<Http>,
    /// httpkit's client (its redirect policy), or why it could not be built.
    client: Result<reqwest::Client, ClientError>,
    rate_limits: RateLimitPolicy,
    timeout: Duration,
}

impl std::fmt::Debug for DiscordChat {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DiscordChat")
            .field("proxied", &self.http.proxy.is_some())
            .field("rate_limits", &self.rate_limits)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

impl DiscordChat {
    /// The chat over an HTTP client built by [`crate::http`] (the same one the bot's gateway
    /// client uses). Each request gets 30 s; 429s follow [`RateLimitPolicy::default`].
    ///
    /// # Errors
    /// [`ClientError`] when the HTTP client cannot be set up.
    pub fn try_new(http: Arc<Http>) -> Result<Self, ClientError> {
        let chat = Self::new(http);
        chat.client.clone().map(|_| chat)
    }

    /// As [`DiscordChat::try_new`], but a client that cannot be set up is told by every
    /// request that needs it ([`ChatError::Unreachable`]), rather than at once.
    #[must_use]
    pub fn new(http: Arc<Http>) -> Self {
        let client = httpkit::client(DEFAULT_TIMEOUT)
            .connect_timeout(CONNECT_TIMEOUT)
            .build()
            .map_err(|error| ClientError(Arc::new(error)));
        Self {
            http,
            client,
            rate_limits: RateLimitPolicy::default(),
            timeout: DEFAULT_TIMEOUT,
        }
    }

    /// The chat with its own HTTP client: `api_url` as for [`crate::http`] (`DISCORD_API_URL`).
    ///
    /// # Errors
    /// [`ClientError`] when the HTTP client cannot be set up.
    pub fn try_connect(token: &BotToken, api_url: Option<&str>) -> Result<Self, ClientError> {
        Self::try_new(Arc::new(crate::http(token, api_url, None)))
    }

    /// As [`DiscordChat::try_connect`], with a client that cannot be set up told by every
    /// request that needs it.
    #[must_use]
    pub fn connect(token: &BotToken, api_url: Option<&str>) -> Self {
        Self::new(Arc::new(crate::http(token, api_url, None)))
    }

    /// httpkit's client, or the error of a client that could not be set up.
    fn client(&self) -> Result<&reqwest::Client, ChatError> {
        self.client
            .as_ref()
            .map_err(|error| ChatError::Unreachable {
                cause: Box::new(error.clone()),
            })
    }

    /// Waits out 429s as `policy` says.
    #[must_use]
    pub fn with_rate_limits(mut self, policy: RateLimitPolicy) -> Self {
        self.rate_limits = policy;
        self
    }

    /// Gives each request (every retry anew) at most `timeout` to be answered.
    #[must_use]
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }
}

/// A mapping failure of Discord's answer.
fn bad_answer(purpose: &Purpose, error: &wire::BadId) -> ChatError {
    ChatError::Unexpected {
        action: purpose.action.clone(),
        cause: Box::new(*error),
    }
}

fn serenity_channel(channel: ChannelId) -> serenity::all::ChannelId {
    serenity::all::ChannelId::new(channel.get())
}

/// `allowed_mentions` for one message: nobody, or exactly the ids the caller named (never
/// `@everyone`, `@here` or all of a kind).
fn allowed_mentions(mentions: &Mentions) -> Value {
    if mentions.users.is_empty() && mentions.roles.is_empty() {
        return json!({ "parse": [] });
    }
    let users: Vec<String> = mentions.users.iter().map(ToString::to_string).collect();
    let roles: Vec<String> = mentions.roles.iter().map(ToString::to_string).collect();
    json!({ "parse": [], "users": users, "roles": roles })
}

/// A thread name within Discord's limit, cut at a character boundary.
fn thread_name(name: &str) -> String {
    name.trim().chars().take(THREAD_NAME_LIMIT).collect()
}

fn json_body(value: &Value) -> Option<Vec<u8>> {
    Some(value.to_string().into_bytes())
}

/// Messages someone wrote, oldest first, without duplicates.
fn written(purpose: &Purpose, page: Vec<wire::MessageDto>) -> Result<Vec<ChatMessage>, ChatError> {
    let mut messages = page
        .into_iter()
        .filter(|message| wire::is_written(message.kind))
        .map(wire::message)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|error| bad_answer(purpose, &error))?;
    messages.sort_by_key(|message| message.id);
    messages.dedup_by_key(|message| message.id);
    Ok(messages)
}

impl Chat for DiscordChat {
    async fn post(
        &self,
        channel: ChannelId,
        text: &str,
        mentions: &Mentions,
    ) -> Result<Vec<MessageId>, ChatError> {
        let purpose = Purpose {
            action: format!("post in channel {channel}"),
            what: format!("channel {channel}"),
        };
        let allowed = allowed_mentions(mentions);
        let mut sent = Vec::new();
        for piece in split_message(text, MESSAGE_LIMIT) {
            let body = json!({ "content": piece, "allowed_mentions": allowed });
            let request = Request::new(
                Route::ChannelMessages {
                    channel_id: serenity_channel(channel),
                },
                LightMethod::Post,
            )
            .body(json_body(&body));
            let message: wire::MessageDto = self.call(&purpose, request).await?;
            let id = MessageId::new(message.id.0)
                .map_err(|_| bad_answer(&purpose, &wire::BadId("message id")))?;
            sent.push(id);
        }
        Ok(sent)
    }

    async fn edit(
        &self,
        channel: ChannelId,
        message: MessageId,
        text: &str,
    ) -> Result<(), ChatError> {
        let purpose = Purpose {
            action: format!("edit message {message} in channel {channel}"),
            what: format!("message {message} in channel {channel}"),
        };
        let content: String = text.chars().take(MESSAGE_LIMIT).collect();
        let body = json!({
            "content": content,
            "allowed_mentions": allowed_mentions(&Mentions::none()),
        });
        let request = Request::new(
            Route::ChannelMessage {
                channel_id: serenity_channel(channel),
                message_id: serenity::all::MessageId::new(message.get()),
            },
            LightMethod::Patch,
        )
        .body(json_body(&body));
        self.send(&purpose, request).await.map(drop)
    }

    async fn start_thread(
        &self,
        channel: ChannelId,
        message: MessageId,
        name: &str,
    ) -> Result<ThreadInfo, ChatError> {
        let purpose = Purpose {
            action: format!("start a thread from message {message} in channel {channel}"),
            what: format!("message {message} in channel {channel}"),
        };
        let body = json!({ "name": thread_name(name) });
        let request = Request::new(
            Route::ChannelMessageThreads {
                channel_id: serenity_channel(channel),
                message_id: serenity::all::MessageId::new(message.get()),
            },
            LightMethod::Post,
        )
        .body(json_body(&body));
        let thread: wire::ChannelDto = self.call(&purpose, request).await?;
        wire::thread(thread).map_err(|error| bad_answer(&purpose, &error))
    }

    async fn messages_after(
        &self,
        channel: ChannelId,
        after: Option<MessageId>,
    ) -> Result<Vec<ChatMessage>, ChatError> {
        let purpose = Purpose {
            action: format!("read the messages of channel {channel}"),
            what: format!("channel {channel}"),
        };
        let mut cursor = after.map_or(0, MessageId::get);
        let mut raw = Vec::new();
        for _ in 0..MAX_PAGES {
            let params = vec![
                ("after", cursor.to_string()),
                ("limit", PAGE_SIZE.to_string()),
            ];
            // Discord returns the page newest first; only ids past the cursor are trusted.
            let page: Vec<wire::MessageDto> = self
                .page(&purpose, channel, params)
                .await?
                .into_iter()
                .filter(|message| message.id.0 > cursor)
                .collect();
            let full = page.len() >= PAGE_SIZE;
            let newest = page.iter().map(|message| message.id.0).max();
            raw.extend(page);
            match newest {
                Some(newest) if full => cursor = newest,
                _ => return written(&purpose, raw),
            }
        }
        Err(ChatError::Rejected {
            action: purpose.action,
            detail: format!(
                "more than {} messages; stopped reading",
                MAX_PAGES * PAGE_SIZE
            ),
        })
    }

    async fn recent_messages(
        &self,
        channel: ChannelId,
        limit: u8,
    ) -> Result<Vec<ChatMessage>, ChatError> {
        let purpose = Purpose {
            action: format!("read the messages of channel {channel}"),
            what: format!("channel {channel}"),
        };
        let limit = usize::from(limit).min(PAGE_SIZE);
        if limit == 0 {
            return Ok(Vec::new());
        }
        let page = self
            .page(&purpose, channel, vec![("limit", limit.to_string())])
            .await?;
        written(&purpose, page)
    }

    async fn active_threads(&self, guild: GuildId) -> Result<Vec<ThreadInfo>, ChatError> {
        let purpose = Purpose {
            action: format!("list the active threads of server {guild}"),
            what: format!("server {guild}"),
        };
        let request = Request::new(
            Route::GuildThreadsActive {
                guild_id: serenity::all::GuildId::new(guild.get()),
            },
            LightMethod::Get,
        );
        let active: wire::ActiveThreadsDto = self.call(&purpose, request).await?;
        active
            .threads
            .into_iter()
            .map(wire::thread)
            .collect::<Result<_, _>>()
            .map_err(|error| bad_answer(&purpose, &error))
    }

    async fn thread(&self, thread: ChannelId) -> Result<Option<ThreadInfo>, ChatError> {
        let purpose = Purpose {
            action: format!("read thread {thread}"),
            what: format!("thread {thread}"),
        };
        let request = Request::new(
            Route::Channel {
                channel_id: serenity_channel(thread),
            },
            LightMethod::Get,
        );
        match self.call::<wire::ChannelDto>(&purpose, request).await {
            Ok(channel) => wire::thread(channel)
                .map(Some)
                .map_err(|error| bad_answer(&purpose, &error)),
            Err(ChatError::NotFound { .. }) => Ok(None),
            Err(other) => Err(other),
        }
    }

    async fn set_archived(&self, thread: ChannelId, archived: bool) -> Result<(), ChatError> {
        let purpose = Purpose {
            action: format!(
                "{} thread {thread}",
                if archived { "archive" } else { "unarchive" }
            ),
            what: format!("thread {thread}"),
        };
        let request = Request::new(
            Route::Channel {
                channel_id: serenity_channel(thread),
            },
            LightMethod::Patch,
        )
        .body(json_body(&json!({ "archived": archived })));
        self.send(&purpose, request).await.map(drop)
    }

    async fn guild_names(&self, guild: GuildId) -> Result<GuildNames, ChatError> {
        let purpose = Purpose {
            action: format!("read the roles and channels of server {guild}"),
            what: format!("server {guild}"),
        };
        let guild_id = serenity::all::GuildId::new(guild.get());
        let roles = Request::new(Route::GuildRoles { guild_id }, LightMethod::Get);
        let roles: Vec<wire::RoleDto> = self.call(&purpose, roles).await?;
        let channels = Request::new(Route::GuildChannels { guild_id }, LightMethod::Get);
        let channels: Vec<wire::GuildChannelDto> = self.call(&purpose, channels).await?;
        Ok(wire::guild_names(roles, channels))
    }
}

impl ChatFiles for DiscordChat {
    /// The text's earlier pieces as [`Chat::post`]; the last with the files, as Discord's
    /// multipart form (see `chat/files.rs`).
    async fn post_with_files(
        &self,
        channel: ChannelId,
        text: &str,
        files: Vec<NewFile>,
        mentions: &Mentions,
    ) -> Result<Vec<MessageId>, ChatError> {
        let mut pieces = split_message(text, MESSAGE_LIMIT);
        let last = pieces.pop().unwrap_or_default();
        let mut sent = Vec::new();
        if !pieces.is_empty() {
            sent.extend(self.post(channel, &pieces.join("\n"), mentions).await?);
        }
        sent.push(self.post_files(channel, &last, files, mentions).await?);
        Ok(sent)
    }

    /// A plain `GET` of the address Discord gave (see `chat/files.rs`).
    async fn download(&self, file: &Attachment) -> Result<Vec<u8>, ChatError> {
        self.fetch_file(file).await
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn thread_names_are_cut_at_a_character_boundary() {
        assert_eq!(thread_name(&"é".repeat(150)).chars().count(), 100);
        assert_eq!(thread_name("  #42 Othello  "), "#42 Othello");
    }

    #[test]
    fn only_named_ids_may_be_pinged() {
        assert_eq!(allowed_mentions(&Mentions::none()), json!({ "parse": [] }));
        let mentions = Mentions {
            users: vec![domain::DiscordUserId::new(7).unwrap()],
            roles: Vec::new(),
        };
        assert_eq!(
            allowed_mentions(&mentions),
            json!({ "parse": [], "users": ["7"], "roles": [] })
        );
    }
}
