//! The chat port over Discord's REST API: threads, messages that ping nobody unless asked,
//! history read to the end, and 429s waited out here so that callers never see a transient
//! rate limit.
//!
//! Requests are built with serenity's routes (base URL, `DISCORD_API_URL`'s proxy, the
//! `Authorization: Bot …` header) but their answers are read here: serenity turns an error
//! answer into a message and drops the `retry_after` a 429 carries. With serenity's rate
//! limiter on (talking to discord.com), requests go through it, so its buckets still apply.

mod wire;

use std::sync::Arc;
use std::time::Duration;

use domain::{
    split_message, Attachment, ChannelId, ChatMessage, GuildId, GuildNames, Mentions, MessageId,
    ThreadInfo,
};
use ports::chat::{Chat, ChatError, CARRIED_FILE_LIMIT, MESSAGE_LIMIT, THREAD_NAME_LIMIT};
use ports::NewFile;
use serde::de::DeserializeOwned;
use serde_json::{json, Value};
use serenity::all::Http;
use serenity::http::{HttpError, LightMethod, Request, Route, StatusCode};
use tracing::warn;

use crate::{redacted, BotToken};

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

/// How long to wait when a 429 says neither in its body nor in `Retry-After`.
const DEFAULT_RETRY_AFTER: Duration = Duration::from_secs(1);

/// How 429 answers are waited out before [`ChatError::RateLimited`] is returned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimitPolicy {
    /// Retries of one request after a 429.
    pub retries: u32,
    /// The longest single wait accepted; a longer `retry_after` is returned at once.
    pub longest_wait: Duration,
}

impl Default for RateLimitPolicy {
    /// Three retries, none waiting more than a minute.
    fn default() -> Self {
        Self {
            retries: 3,
            longest_wait: Duration::from_secs(60),
        }
    }
}

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

/// An answer read in full: status, `Retry-After` in seconds, body.
struct Answer {
    status: StatusCode,
    retry_after_header: Option<f64>,
    body: String,
}

/// What a request is for, to word its errors.
struct Purpose {
    /// "post in channel 1", for Forbidden, RateLimited and Rejected.
    action: String,
    /// "channel 1", for NotFound.
    what: String,
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
                reason: ports::with_causes(error),
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

    /// Sends `request`, waiting out 429s, and decodes a successful answer's JSON.
    async fn call<T: DeserializeOwned>(
        &self,
        purpose: &Purpose,
        request: Request<'_>,
    ) -> Result<T, ChatError> {
        let body = self.send(purpose, request).await?;
        let body = if body.is_empty() { "null" } else { &body };
        serde_json::from_str(body).map_err(|error| ChatError::Rejected {
            action: purpose.action.clone(),
            detail: format!("unexpected answer from Discord: {error}"),
        })
    }

    /// Sends `request` and returns a successful answer's body; 429s are waited out.
    async fn send(&self, purpose: &Purpose, request: Request<'_>) -> Result<String, ChatError> {
        let mut retries = 0;
        loop {
            let answer = tokio::time::timeout(self.timeout, self.once(purpose, request.clone()))
                .await
                .map_err(|_| ChatError::Unreachable {
                    reason: format!("Discord did not answer within {:?}", self.timeout),
                })??;
            if answer.status == StatusCode::TOO_MANY_REQUESTS {
                let wait = retry_after(&answer);
                if retries >= self.rate_limits.retries || wait > self.rate_limits.longest_wait {
                    return Err(ChatError::RateLimited {
                        action: purpose.action.clone(),
                        retry_after: wait,
                    });
                }
                retries += 1;
                warn!(
                    action = %purpose.action,
                    wait_ms = wait.as_millis(),
                    retry = retries,
                    "rate limited by Discord; waiting"
                );
                tokio::time::sleep(wait).await;
                continue;
            }
            return refusal(purpose, answer);
        }
    }

    /// One attempt: through serenity's rate limiter when it is on, else straight to the
    /// (proxied) base URL with the bot's token.
    async fn once(&self, purpose: &Purpose, request: Request<'_>) -> Result<Answer, ChatError> {
        let response = match &self.http.ratelimiter {
            Some(limiter) => limiter
                .perform(request)
                .await
                .map_err(|error| serenity_failure(purpose, &error))?,
            None => request
                .build(
                    self.client()?,
                    self.http.token(),
                    self.http.proxy.as_deref(),
                )
                .map_err(|error| serenity_failure(purpose, &error))?
                .timeout(self.timeout)
                .send()
                .await
                .map_err(|error| unreachable(&error))?,
        };
        let status = response.status();
        let retry_after_header = response
            .headers()
            .get("retry-after")
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.trim().parse::<f64>().ok());
        let body = read_body(purpose, response).await?;
        Ok(Answer {
            status,
            retry_after_header,
            body,
        })
    }

    /// `GET /api/v10{path}` for `netbot check`: the JSON of a success, `None` for a 401 (the
    /// token rejected), the error of any other answer. Straight to the (proxied) base URL:
    /// a handful of reads, some with no serenity route (`/applications/@me`).
    pub(crate) async fn probe(&self, action: &str, path: &str) -> Result<Option<Value>, ChatError> {
        let purpose = Purpose {
            action: action.to_owned(),
            what: action.trim_start_matches("read ").to_owned(),
        };
        let base = self
            .http
            .proxy
            .as_deref()
            .unwrap_or("https://discord.com")
            .trim_end_matches('/');
        let request = self
            .client()?
            .get(format!("{base}/api/v10{path}"))
            .header(reqwest::header::AUTHORIZATION, self.http.token())
            .timeout(self.timeout);
        let response = request.send().await.map_err(|error| unreachable(&error))?;
        let status = response.status();
        let body = read_body(&purpose, response).await?;
        if status == StatusCode::UNAUTHORIZED {
            return Ok(None);
        }
        let body = refusal(
            &purpose,
            Answer {
                status,
                retry_after_header: None,
                body,
            },
        )?;
        serde_json::from_str(&body)
            .map(Some)
            .map_err(|error| ChatError::Rejected {
                action: purpose.action,
                detail: format!("unexpected answer from Discord: {error}"),
            })
    }

    /// One page of a channel's messages, as Discord returns it (newest first).
    async fn page(
        &self,
        purpose: &Purpose,
        channel: ChannelId,
        params: Vec<(&'static str, String)>,
    ) -> Result<Vec<wire::MessageDto>, ChatError> {
        let request = Request::new(
            Route::ChannelMessages {
                channel_id: serenity_channel(channel),
            },
            LightMethod::Get,
        )
        .params(Some(params));
        self.call(purpose, request).await
    }
}

/// The body of an answer, read up to httpkit's cap.
async fn read_body(purpose: &Purpose, response: reqwest::Response) -> Result<String, ChatError> {
    httpkit::body_text(response)
        .await
        .map_err(|error| match error {
            httpkit::BodyError::Transport(error) => unreachable(&error),
            too_large @ httpkit::BodyError::TooLarge => ChatError::Rejected {
                action: purpose.action.clone(),
                detail: too_large.to_string(),
            },
        })
}

/// A successful answer's body, or the error its status means.
fn refusal(purpose: &Purpose, answer: Answer) -> Result<String, ChatError> {
    let status = answer.status;
    if status.is_success() {
        return Ok(answer.body);
    }
    let message = serde_json::from_str::<Value>(&answer.body)
        .ok()
        .and_then(|body| {
            let message = body["message"].as_str()?.to_owned();
            Some(match body["code"].as_u64() {
                Some(code) if code != 0 => format!("{message} (code {code})"),
                _ => message,
            })
        })
        .unwrap_or_else(|| String::from("no explanation"));
    Err(match status {
        StatusCode::NOT_FOUND => ChatError::NotFound {
            what: purpose.what.clone(),
        },
        StatusCode::FORBIDDEN => ChatError::Forbidden {
            action: purpose.action.clone(),
            detail: message,
        },
        _ => ChatError::Rejected {
            action: purpose.action.clone(),
            detail: format!("Discord answered {}: {message}", status.as_u16()),
        },
    })
}

/// How long a 429 asks to wait: the body's `retry_after` (seconds, fractional), else the
/// `Retry-After` header, else a second.
fn retry_after(answer: &Answer) -> Duration {
    serde_json::from_str::<Value>(&answer.body)
        .ok()
        .and_then(|body| body["retry_after"].as_f64())
        .or(answer.retry_after_header)
        .and_then(|seconds| Duration::try_from_secs_f64(seconds).ok())
        .unwrap_or(DEFAULT_RETRY_AFTER)
}

/// A network failure, told by its innermost cause (reqwest's own text names the URL).
fn unreachable(error: &reqwest::Error) -> ChatError {
    if error.is_timeout() {
        return ChatError::Unreachable {
            reason: String::from("Discord did not answer in time"),
        };
    }
    ChatError::Unreachable {
        reason: crate::network_reason(error),
    }
}

/// A failure inside serenity (building the request, or its rate limiter's request).
fn serenity_failure(purpose: &Purpose, error: &serenity::Error) -> ChatError {
    match error {
        serenity::Error::Http(HttpError::Request(request)) => unreachable(request),
        other => ChatError::Rejected {
            action: purpose.action.clone(),
            detail: redacted(other),
        },
    }
}

/// A mapping failure of Discord's answer.
fn bad_answer(purpose: &Purpose, error: &wire::BadId) -> ChatError {
    ChatError::Rejected {
        action: purpose.action.clone(),
        detail: error.to_string(),
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

    /// The text's earlier pieces as [`Chat::post`]; the last with the files, as Discord's
    /// multipart form (`payload_json` and `files[N]`), straight to the (proxied) base URL
    /// like [`DiscordChat::probe`]. The bytes are held once (shared, not copied, by a retry
    /// after a 429).
    async fn post_with_files(
        &self,
        channel: ChannelId,
        text: &str,
        files: Vec<NewFile>,
        mentions: &Mentions,
    ) -> Result<Vec<MessageId>, ChatError> {
        let purpose = Purpose {
            action: format!("post files in channel {channel}"),
            what: format!("channel {channel}"),
        };
        let mut pieces = split_message(text, MESSAGE_LIMIT);
        let last = pieces.pop().unwrap_or_default();
        let mut sent = Vec::new();
        if !pieces.is_empty() {
            sent.extend(self.post(channel, &pieces.join("\n"), mentions).await?);
        }
        let files: Vec<(String, String, bytes::Bytes)> = files
            .into_iter()
            .map(|file| {
                let kind = file
                    .content_type
                    .unwrap_or_else(|| String::from("application/octet-stream"));
                (file.name, kind, bytes::Bytes::from(file.bytes))
            })
            .collect();
        let attachments: Vec<Value> = files
            .iter()
            .enumerate()
            .map(|(n, (name, _, _))| json!({ "id": n, "filename": name }))
            .collect();
        let payload = json!({
            "content": last,
            "allowed_mentions": allowed_mentions(mentions),
            "attachments": attachments,
        })
        .to_string();
        let base = self
            .http
            .proxy
            .as_deref()
            .unwrap_or("https://discord.com")
            .trim_end_matches('/');
        let url = format!("{base}/api/v10/channels/{channel}/messages");
        let mut retries = 0;
        loop {
            let mut form = reqwest::multipart::Form::new().text("payload_json", payload.clone());
            for (n, (name, kind, bytes)) in files.iter().enumerate() {
                let part = reqwest::multipart::Part::stream(reqwest::Body::from(bytes.clone()))
                    .file_name(name.clone())
                    .mime_str(kind)
                    .or_else(|_| {
                        reqwest::multipart::Part::stream(reqwest::Body::from(bytes.clone()))
                            .file_name(name.clone())
                            .mime_str("application/octet-stream")
                    })
                    .map_err(|error| unreachable(&error))?;
                form = form.part(format!("files[{n}]"), part);
            }
            let response = self
                .client()?
                .post(&url)
                .header(reqwest::header::AUTHORIZATION, self.http.token())
                .multipart(form)
                .timeout(self.timeout)
                .send()
                .await
                .map_err(|error| unreachable(&error))?;
            let status = response.status();
            let retry_after_header = response
                .headers()
                .get("retry-after")
                .and_then(|value| value.to_str().ok())
                .and_then(|value| value.trim().parse::<f64>().ok());
            let body = read_body(&purpose, response).await?;
            let answer = Answer {
                status,
                retry_after_header,
                body,
            };
            if status == StatusCode::TOO_MANY_REQUESTS {
                let wait = retry_after(&answer);
                if retries >= self.rate_limits.retries || wait > self.rate_limits.longest_wait {
                    return Err(ChatError::RateLimited {
                        action: purpose.action,
                        retry_after: wait,
                    });
                }
                retries += 1;
                tokio::time::sleep(wait).await;
                continue;
            }
            // A server error is no refusal of the files: the message is tried again next
            // pass, files and all, rather than posted with links.
            if status.is_server_error() {
                return Err(ChatError::Unreachable {
                    reason: format!("Discord answered {}", status.as_u16()),
                });
            }
            let body = refusal(&purpose, answer)?;
            let message: wire::MessageDto =
                serde_json::from_str(&body).map_err(|error| ChatError::Rejected {
                    action: purpose.action.clone(),
                    detail: format!("unexpected answer from Discord: {error}"),
                })?;
            let id = MessageId::new(message.id.0)
                .map_err(|_| bad_answer(&purpose, &wire::BadId("message id")))?;
            sent.push(id);
            return Ok(sent);
        }
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

    /// A plain `GET` of the address Discord gave (its CDN signs it; no bot token is sent
    /// there), read once up to [`CARRIED_FILE_LIMIT`].
    async fn download(&self, file: &Attachment) -> Result<Vec<u8>, ChatError> {
        let purpose = Purpose {
            action: format!("download the file {}", file.name),
            what: format!("file {}", file.name),
        };
        let url = reqwest::Url::parse(&file.url)
            .ok()
            .filter(|url| matches!(url.scheme(), "http" | "https"))
            .ok_or_else(|| ChatError::Rejected {
                action: purpose.action.clone(),
                detail: String::from("the file's address is not an http(s) URL"),
            })?;
        let response = self
            .client()?
            .get(url)
            .timeout(self.timeout)
            .send()
            .await
            .map_err(|error| unreachable(&error))?;
        let status = response.status();
        // A link that expired or a file deleted reads as gone (the note names it); a server
        // error or a rate limit is tried again next pass.
        if status.is_client_error() && status != StatusCode::TOO_MANY_REQUESTS {
            return Err(ChatError::NotFound { what: purpose.what });
        }
        if !status.is_success() {
            return Err(ChatError::Unreachable {
                reason: format!("the file's server answered {}", status.as_u16()),
            });
        }
        let limit = usize::try_from(CARRIED_FILE_LIMIT).unwrap_or(usize::MAX);
        httpkit::body_bytes(response, limit)
            .await
            .map_err(|error| match error {
                httpkit::BodyError::Transport(error) => unreachable(&error),
                too_large @ httpkit::BodyError::TooLarge => ChatError::Rejected {
                    action: purpose.action.clone(),
                    detail: too_large.to_string(),
                },
            })
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
