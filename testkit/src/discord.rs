//! A fixture Discord: a small stateful fake of the REST endpoints the chat port uses, for the
//! adapter's tests and the threader's end-to-end tests.
//!
//! It keeps channels, threads and messages in memory and answers like Discord where the
//! threader leans on it: snowflake ids that grow with time, a thread started from a message
//! takes the message's id (and the message gets `thread`), posting in an archived thread that
//! is not locked unarchives it, a deleted thread answers 404, pages of messages come newest
//! first, and a thread opened without a message leaves a "started a thread" system message
//! (type 18) in its channel. Failures are injected on demand: a 429 with Discord's body and
//! header, or any status on the n-th write.
//!
//! Endpoints (under `/api/v10`): `POST`/`GET /channels/{id}/messages`,
//! `PATCH`/`DELETE /channels/{id}/messages/{id}` (the bot edits only its own messages, not in
//! an archived thread; both are kept in [`FakeDiscord::edits`] and
//! [`FakeDiscord::deleted_messages`]),
//! `POST /channels/{id}/threads`, `POST /channels/{id}/messages/{id}/threads`,
//! `GET`/`PATCH`/`DELETE /channels/{id}`, `GET /guilds/{id}/threads/active`; and for
//! `netbot check`: `GET /users/@me`, `/applications/@me` (flags), `/guilds/{id}` (with its
//! roles), `/guilds/{id}/roles`, `/guilds/{id}/members/{bot}`, and channels'
//! `permission_overwrites`, all settable; `GET /guilds/{id}/channels` (text channels are
//! named `channel-ID`). A message's `mentions` lists the guild's members its text mentions, as
//! Discord fills it in. Outside `/api/v10`, `GET` of the files members attached
//! ([`FakeDiscord::member_posts_files`]), as Discord's CDN serves them. Anything else answers
//! 404 and stays in the request log. With [`FakeDiscord::require_token`], another token
//! answers 401.
//!
//! The gateway (`testkit::gateway`, started by the first `GET /gateway` or `/gateway/bot` or
//! gateway control): every message added (a member's, the bot's through REST, a thread's
//! system message) is dispatched as `MESSAGE_CREATE` to its sessions, the bot's edits and
//! deletions through REST and [`FakeDiscord::edit_message`] / [`FakeDiscord::delete_message`]
//! as `MESSAGE_UPDATE` / `MESSAGE_DELETE`; connections can be dropped, resumes refused, the
//! gateway taken down ([`FakeDiscord::drop_gateway`], [`FakeDiscord::refuse_resume`],
//! [`FakeDiscord::gateway_down`]).
//!
//! Not emulated: permissions on requests (every request is allowed, whatever the roles say), private threads' membership, the
//! thread starter message (type 21) inside a thread started from a message, THREAD_CREATE and
//! reactions.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use serde_json::{json, Value};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

use crate::gateway::FakeGateway;

/// The first id the fake hands out: a plausible snowflake of late 2026.
const FIRST_ID: u64 = 1_450_000_000_000_000_000;

/// Discord's limit on one message's length, in characters. The fake keeps its own copy of
/// Discord's limits, not `domain::limits`: it stands for Discord, so a wrong limit in the code
/// under test is refused here rather than agreed with.
const MESSAGE_LIMIT: usize = 2000;

/// Discord's limit on a thread's name, in characters.
const THREAD_NAME_LIMIT: usize = 100;

/// Discord's upload limit for a server without boosts: 10 MiB for one message's files.
pub const UPLOAD_LIMIT: usize = 10 * 1024 * 1024;

/// A timestamp for every message: the fake keeps no clock.
const TIMESTAMP: &str = "2026-11-26T21:00:00.000000+00:00";

/// A message as the fake stores it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FakeMessage {
    /// Its id.
    pub id: u64,
    /// The channel or thread it is in.
    pub channel: u64,
    /// Who wrote it.
    pub author: u64,
    /// The author's name (sent as `username` and `global_name`).
    pub author_name: String,
    /// Written by a bot (the fake's bot user, or a member marked as one).
    pub bot: bool,
    /// Its text.
    pub content: String,
    /// Discord's message type: 0 for a message, 18 for "started a thread".
    pub kind: u8,
    /// Attached files as (name, url).
    pub attachments: Vec<(String, String)>,
    /// The thread started from this message.
    pub thread: Option<u64>,
}

/// A thread as the fake stores it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FakeThread {
    /// Its id.
    pub id: u64,
    /// The channel it lives in.
    pub parent: u64,
    /// Its name.
    pub name: String,
    /// Archived.
    pub archived: bool,
    /// Locked (only moderators may unarchive; the bot's posts are refused while archived).
    pub locked: bool,
    /// Deleted: every request about it answers 404.
    pub deleted: bool,
    /// Its newest message.
    pub last_message_id: Option<u64>,
}

/// One request the fake received.
#[derive(Debug, Clone, PartialEq)]
pub struct FakeRequest {
    /// `GET`, `POST`, …
    pub method: String,
    /// The path, e.g. `/api/v10/channels/1/messages`.
    pub path: String,
    /// The query string, without `?` (empty when none).
    pub query: String,
    /// The JSON body (`Null` when none).
    pub body: Value,
    /// The `Authorization` header.
    pub authorization: Option<String>,
}

impl FakeRequest {
    /// `METHOD path` with the query, e.g. `GET /api/v10/channels/1/messages?limit=5`.
    #[must_use]
    pub fn line(&self) -> String {
        if self.query.is_empty() {
            format!("{} {}", self.method, self.path)
        } else {
            format!("{} {}?{}", self.method, self.path, self.query)
        }
    }
}

#[derive(Debug)]
struct State {
    guild: u64,
    bot_user: u64,
    next_id: u64,
    /// Text channels: id → newest message.
    channels: BTreeMap<u64, Option<u64>>,
    threads: BTreeMap<u64, FakeThread>,
    /// Messages by channel or thread, oldest first.
    messages: BTreeMap<u64, Vec<FakeMessage>>,
    /// Pending failures: writes still to come before it fires, and the status.
    failures: Vec<(usize, u16)>,
    /// The next request answers 429 with this `retry_after`.
    rate_limit: Option<f64>,
    allowed_mentions: Vec<Value>,
    /// Messages the bot edited: (channel, message, new content), in order.
    edits: Vec<(u64, u64, String)>,
    /// Messages deleted: (channel, message), in order.
    deleted_messages: Vec<(u64, u64)>,
    log: Vec<FakeRequest>,
    /// The guild's members by id: their display name (learnt when they write, or added).
    members: BTreeMap<u64, String>,
    /// Files members attached, served from the fake's own address: path → (media type, bytes).
    files: BTreeMap<String, (String, Vec<u8>)>,
    /// The files' links expired: messages still name them, nothing serves them.
    files_expired: bool,
    /// The most bytes of files one message may carry (Discord's upload limit).
    upload_limit: usize,
    /// What `netbot check` reads: the guild's roles, the bot's, overwrites, the app's flags.
    setup: Setup,
    /// The gateway, started by the first `GET /gateway` or gateway control (until then a
    /// fake nobody listens to costs nothing).
    gateway: Option<FakeGateway>,
    /// The guild's scheduled events (see the block at the end of this file).
    scheduled: ScheduledEvents,
}

/// The guild's and the application's settings `netbot check` reads.
#[derive(Debug)]
struct Setup {
    /// When set, only `Authorization: Bot TOKEN` is accepted; anything else answers 401.
    token: Option<String>,
    /// The application's flags (`GET /applications/@me`).
    application_flags: u64,
    /// Role id → permissions; the guild's id is `@everyone`.
    roles: BTreeMap<u64, u64>,
    /// The bot's roles; `None`: the bot is not in the guild.
    bot_roles: Option<Vec<u64>>,
    /// Role id → name (a role without one is named "role").
    role_names: BTreeMap<u64, String>,
    /// Channel id → its permission overwrites, as Discord sends them.
    overwrites: BTreeMap<u64, Vec<Value>>,
    /// Channels of another guild: id → that guild.
    foreign_channels: BTreeMap<u64, u64>,
}

/// The permissions `@everyone` has in the fake's guild by default: view, send, read history,
/// create public threads, send in threads.
pub const EVERYONE_PERMISSIONS: u64 = (1 << 10) | (1 << 11) | (1 << 16) | (1 << 35) | (1 << 38);

/// Manage Threads (1 << 34): what the bot's role has by default.
pub const MANAGE_THREADS: u64 = 1 << 34;

/// The id of the bot's role in the fake's guild.
pub const BOT_ROLE: u64 = 1_400_000_000_000_000_001;

/// `GATEWAY_MESSAGE_CONTENT_LIMITED` (1 << 19): the Message Content intent of a bot in fewer
/// than 100 servers, on by default in the fake.
pub const MESSAGE_CONTENT_LIMITED: u64 = 1 << 19;

impl State {
    /// The gateway, started on first use.
    fn gateway(&mut self) -> &FakeGateway {
        let (guild, bot_user, flags) = (self.guild, self.bot_user, self.setup.application_flags);
        let gateway = self
            .gateway
            .get_or_insert_with(|| FakeGateway::start(guild, bot_user, flags));
        if let Some(token) = &self.setup.token {
            gateway.require_token(token);
        }
        gateway
    }

    /// Tells the gateway's sessions, if anyone ever connected.
    fn dispatch(&self, kind: &str, data: &Value) {
        if let Some(gateway) = &self.gateway {
            gateway.dispatch(kind, data);
        }
    }

    /// `MESSAGE_CREATE` or `MESSAGE_UPDATE` of a stored message, as the gateway sends it: the
    /// message with `guild_id` and its author's partial `member`.
    fn dispatch_message(&self, kind: &str, channel: u64, id: u64) {
        if self.gateway.is_none() {
            return;
        }
        let Some(message) = self.find_message(channel, id) else {
            return;
        };
        let mut data = self.message_json_as_sent(message);
        data["member"] = json!({
            "nick": null, "roles": [], "joined_at": TIMESTAMP, "deaf": false, "mute": false,
            "flags": 0,
        });
        if kind == "MESSAGE_UPDATE" {
            data["edited_timestamp"] = json!(TIMESTAMP);
        }
        self.dispatch(kind, &data);
    }

    fn dispatch_deletion(&self, channel: u64, id: u64) {
        self.dispatch(
            "MESSAGE_DELETE",
            &json!({
                "id": id.to_string(),
                "channel_id": channel.to_string(),
                "guild_id": self.guild.to_string(),
            }),
        );
    }

    fn new_id(&mut self) -> u64 {
        let id = self.next_id;
        self.next_id += 1;
        id
    }

    fn is_channel_or_live_thread(&self, id: u64) -> bool {
        self.channels.contains_key(&id) || self.threads.get(&id).is_some_and(|t| !t.deleted)
    }

    fn add_message(&mut self, mut message: FakeMessage) -> u64 {
        let id = self.new_id();
        message.id = id;
        if let Some(newest) = self.channels.get_mut(&message.channel) {
            *newest = Some(id);
        }
        if let Some(thread) = self.threads.get_mut(&message.channel) {
            thread.last_message_id = Some(id);
            if !thread.locked {
                thread.archived = false;
            }
        }
        self.messages
            .entry(message.channel)
            .or_default()
            .push(message);
        id
    }

    fn message_json(&self, message: &FakeMessage) -> Value {
        // Without the Message Content intent Discord sends other people's messages with empty
        // content and no attachments (the bot still sees its own).
        let intent = self.setup.application_flags & ((1 << 18) | MESSAGE_CONTENT_LIMITED) != 0;
        if !intent && !message.bot {
            let blanked = FakeMessage {
                content: String::new(),
                attachments: Vec::new(),
                ..message.clone()
            };
            return self.message_json_as_sent(&blanked);
        }
        self.message_json_as_sent(message)
    }

    fn message_json_as_sent(&self, message: &FakeMessage) -> Value {
        let mut body = json!({
            "id": message.id.to_string(),
            "type": message.kind,
            "channel_id": message.channel.to_string(),
            "guild_id": self.guild.to_string(),
            "author": {
                "id": message.author.to_string(),
                "username": message.author_name,
                "discriminator": "0",
                "global_name": message.author_name,
                "avatar": null,
                "bot": message.bot,
            },
            "content": message.content,
            "timestamp": TIMESTAMP,
            "edited_timestamp": null,
            "tts": false,
            "mention_everyone": false,
            "mentions": self.mentions_json(&message.content),
            "mention_roles": [],
            "attachments": message.attachments.iter().enumerate().map(|(n, (name, url))| {
                let served = reqwest::Url::parse(url)
                    .ok()
                    .and_then(|url| self.files.get(url.path()));
                let mut attachment = json!({
                    "id": (message.id + n as u64).to_string(),
                    "filename": name,
                    "size": served.map_or(1024, |(_, bytes)| bytes.len()),
                    "url": url,
                    "proxy_url": url,
                });
                if let Some((content_type, _)) = served {
                    attachment["content_type"] = json!(content_type);
                }
                attachment
            }).collect::<Vec<_>>(),
            "embeds": [],
            "pinned": false,
            "flags": 0,
        });
        if let Some(thread) = message.thread.and_then(|id| self.threads.get(&id)) {
            body["thread"] = self.thread_json(thread);
        }
        body
    }

    /// The members a text mentions (`<@ID>`, `<@!ID>`), as Discord lists them: each once,
    /// with the user and the partial member; ids of nobody in the guild are left out.
    fn mentions_json(&self, content: &str) -> Vec<Value> {
        let mut seen = Vec::new();
        for piece in content.split("<@").skip(1) {
            let piece = piece.strip_prefix('!').unwrap_or(piece);
            let Some((digits, _)) = piece.split_once('>') else {
                continue;
            };
            if let Ok(user) = digits.parse::<u64>() {
                if self.members.contains_key(&user) && !seen.contains(&user) {
                    seen.push(user);
                }
            }
        }
        seen.iter()
            .map(|user| {
                let name = &self.members[user];
                json!({
                    "id": user.to_string(), "username": name.to_lowercase(), "discriminator": "0",
                    "global_name": name, "avatar": null,
                    "member": { "nick": null, "roles": [], "joined_at": TIMESTAMP },
                })
            })
            .collect()
    }

    fn thread_json(&self, thread: &FakeThread) -> Value {
        json!({
            "id": thread.id.to_string(),
            "type": 11,
            "guild_id": self.guild.to_string(),
            "parent_id": thread.parent.to_string(),
            "owner_id": self.bot_user.to_string(),
            "name": thread.name,
            "last_message_id": thread.last_message_id.map(|id| id.to_string()),
            "rate_limit_per_user": 0,
            "message_count": self.messages.get(&thread.id).map_or(0, Vec::len),
            "member_count": 1,
            "thread_metadata": {
                "archived": thread.archived,
                "auto_archive_duration": 1440,
                "archive_timestamp": TIMESTAMP,
                "locked": thread.locked,
            },
            "flags": 0,
        })
    }

    fn channel_json(&self, id: u64, newest: Option<u64>) -> Value {
        json!({
            "id": id.to_string(),
            "type": 0,
            "guild_id": self.guild.to_string(),
            "name": format!("channel-{id}"),
            "position": 0,
            "parent_id": null,
            "last_message_id": newest.map(|id| id.to_string()),
            "rate_limit_per_user": 0,
            "nsfw": false,
            "permission_overwrites": self.setup.overwrites.get(&id).cloned().unwrap_or_default(),
            "flags": 0,
        })
    }

    fn guild_json(&self) -> Value {
        let roles: Vec<Value> = self
            .setup
            .roles
            .iter()
            .map(|(id, permissions)| {
                json!({
                    "id": id.to_string(),
                    "name": if *id == self.guild {
                        "@everyone"
                    } else {
                        self.setup.role_names.get(id).map_or("role", String::as_str)
                    },
                    "permissions": permissions.to_string(),
                    "position": 0, "color": 0, "hoist": false, "managed": false,
                    "mentionable": false, "flags": 0,
                })
            })
            .collect();
        json!({
            "id": self.guild.to_string(),
            "name": "Fixture server",
            "owner_id": "1",
            "roles": roles,
        })
    }

    fn setup_answer(&mut self, segments: &[&str]) -> Option<ResponseTemplate> {
        let answer = match segments {
            ["gateway"] => {
                ResponseTemplate::new(200).set_body_json(json!({ "url": self.gateway().url() }))
            }
            ["gateway", "bot"] => ResponseTemplate::new(200).set_body_json(json!({
                "url": self.gateway().url(),
                "shards": 1,
                "session_start_limit": {
                    "total": 1000, "remaining": 999, "reset_after": 14_400_000, "max_concurrency": 1,
                },
            })),
            ["users", "@me"] => ResponseTemplate::new(200).set_body_json(json!({
                "id": self.bot_user.to_string(), "username": "netbot", "discriminator": "0",
                "global_name": null, "avatar": null, "bot": true,
            })),
            ["applications", "@me"] => ResponseTemplate::new(200).set_body_json(json!({
                "id": self.bot_user.to_string(), "name": "netbot",
                "flags": self.setup.application_flags,
            })),
            ["guilds", guild] if id(guild) == self.guild && self.setup.bot_roles.is_some() => {
                ResponseTemplate::new(200).set_body_json(self.guild_json())
            }
            ["guilds", guild, "roles"]
                if id(guild) == self.guild && self.setup.bot_roles.is_some() =>
            {
                ResponseTemplate::new(200).set_body_json(self.guild_json()["roles"].clone())
            }
            ["guilds", guild, "channels"]
                if id(guild) == self.guild && self.setup.bot_roles.is_some() =>
            {
                let channels: Vec<Value> = self
                    .channels
                    .iter()
                    .map(|(id, newest)| self.channel_json(*id, *newest))
                    .collect();
                ResponseTemplate::new(200).set_body_json(channels)
            }
            ["guilds", _] | ["guilds", _, "roles" | "channels"] => {
                discord_error(403, 50001, "Missing Access")
            }
            ["guilds", guild, "members", user] if id(guild) == self.guild => {
                match &self.setup.bot_roles {
                    Some(roles) if id(user) == self.bot_user => {
                        let roles: Vec<String> = roles.iter().map(ToString::to_string).collect();
                        ResponseTemplate::new(200).set_body_json(json!({
                            "user": { "id": self.bot_user.to_string(), "username": "netbot" },
                            "roles": roles,
                            "joined_at": TIMESTAMP,
                        }))
                    }
                    Some(_) => discord_error(404, 10007, "Unknown Member"),
                    None => discord_error(403, 50001, "Missing Access"),
                }
            }
            ["channels", channel] => {
                let guild = self.setup.foreign_channels.get(&id(channel))?;
                let mut body = self.channel_json(id(channel), None);
                body["guild_id"] = json!(guild.to_string());
                ResponseTemplate::new(200).set_body_json(body)
            }
            _ => return None,
        };
        Some(answer)
    }

    fn respond(
        &mut self,
        method: &str,
        segments: &[&str],
        query: &Query,
        body: &Value,
    ) -> ResponseTemplate {
        if method == "GET" {
            if let Some(answer) = self.setup_answer(segments) {
                return answer;
            }
        }
        match (method, segments) {
            ("POST", ["channels", channel, "messages"]) => {
                self.post_message(id(channel), body, true)
            }
            ("GET", ["channels", channel, "messages"]) => self.list_messages(id(channel), query),
            ("PATCH", ["channels", channel, "messages", message]) => {
                self.edit_message(id(channel), id(message), body)
            }
            ("DELETE", ["channels", channel, "messages", message]) => {
                self.delete_message(id(channel), id(message))
            }
            ("POST", ["channels", channel, "threads"]) => self.open_thread(id(channel), body),
            ("POST", ["channels", channel, "messages", message, "threads"]) => {
                self.start_thread(id(channel), id(message), body)
            }
            ("GET", ["channels", channel]) => self.get_channel(id(channel)),
            ("PATCH", ["channels", channel]) => self.patch_thread(id(channel), body),
            ("DELETE", ["channels", channel]) => self.delete(id(channel)),
            ("GET", ["guilds", guild, "threads", "active"]) if id(guild) == self.guild => {
                let threads: Vec<Value> = self
                    .threads
                    .values()
                    .filter(|thread| !thread.deleted && !thread.archived)
                    .map(|thread| self.thread_json(thread))
                    .collect();
                ResponseTemplate::new(200)
                    .set_body_json(json!({ "threads": threads, "members": [] }))
            }
            ("GET", ["guilds", _, "threads", "active"]) => {
                discord_error(404, 10004, "Unknown Guild")
            }
            (_, ["guilds", guild, "scheduled-events", rest @ ..]) => {
                let guild = id(guild);
                if guild != self.guild {
                    return discord_error(404, 10004, "Unknown Guild");
                }
                let id = self.next_id;
                let answer = self.scheduled.respond(guild, id, method, rest, body);
                if self.scheduled.events.contains_key(&id) {
                    self.next_id += 1;
                }
                answer
            }
            _ => discord_error(404, 0, "404: Not Found"),
        }
    }

    /// `POST /channels/{id}/messages` as a form with files: the message, its files kept
    /// and served from the fake's own address, and over [`UPLOAD_LIMIT`] together a 413
    /// as Discord answers.
    fn post_message_with_files(
        &mut self,
        segments: &[&str],
        body: &Value,
        files: Vec<(String, String, Vec<u8>)>,
        origin: &str,
    ) -> ResponseTemplate {
        let ["channels", channel, "messages"] = segments else {
            return discord_error(404, 0, "404: Not Found");
        };
        let total: usize = files.iter().map(|(_, _, bytes)| bytes.len()).sum();
        if total > self.upload_limit {
            return discord_error(413, 40005, "Request entity too large");
        }
        let channel = id(channel);
        let answer = self.post_message(channel, body, false);
        let Some(id) = self
            .messages
            .get(&channel)
            .and_then(|messages| messages.last())
            .filter(|message| message.bot)
            .map(|message| message.id)
        else {
            return answer;
        };
        let mut attached = Vec::new();
        for (name, kind, bytes) in files {
            let path = format!("/attachments/{channel}/{}/{name}", self.files.len() + 1);
            attached.push((name, format!("{origin}{path}")));
            self.files.insert(path, (kind, bytes));
        }
        if let Some(message) = self.find_message_mut(channel, id) {
            message.attachments = attached;
        }
        self.dispatch_message("MESSAGE_CREATE", channel, id);
        match self.find_message(channel, id).cloned() {
            Some(message) => ResponseTemplate::new(200).set_body_json(self.message_json(&message)),
            None => answer,
        }
    }

    /// `POST /channels/{id}/messages`; `announce`: send `MESSAGE_CREATE` to the gateway now
    /// (a message with files is announced once they are attached).
    fn post_message(&mut self, channel: u64, body: &Value, announce: bool) -> ResponseTemplate {
        if !self.is_channel_or_live_thread(channel) {
            return unknown_channel();
        }
        if self
            .threads
            .get(&channel)
            .is_some_and(|t| t.archived && t.locked)
        {
            return discord_error(400, 50083, "Thread is archived");
        }
        let content = body["content"].as_str().unwrap_or_default();
        let length = content.chars().count();
        if content.trim().is_empty() || length > MESSAGE_LIMIT {
            return invalid_form_body("content", "Must be between 1 and 2000 in length.");
        }
        self.allowed_mentions.push(body["allowed_mentions"].clone());
        let id = self.add_message(FakeMessage {
            id: 0,
            channel,
            author: self.bot_user,
            author_name: String::from("netbot"),
            bot: true,
            content: content.to_owned(),
            kind: 0,
            attachments: Vec::new(),
            thread: None,
        });
        if announce {
            self.dispatch_message("MESSAGE_CREATE", channel, id);
        }
        let message = self.find_message(channel, id).cloned();
        match message {
            Some(message) => ResponseTemplate::new(200).set_body_json(self.message_json(&message)),
            None => discord_error(500, 0, "the fake lost a message"),
        }
    }

    fn edit_message(&mut self, channel: u64, message: u64, body: &Value) -> ResponseTemplate {
        if !self.is_channel_or_live_thread(channel) {
            return unknown_channel();
        }
        if self.threads.get(&channel).is_some_and(|t| t.archived) {
            return discord_error(400, 50083, "Thread is archived");
        }
        let bot_user = self.bot_user;
        let Some(found) = self.find_message(channel, message) else {
            return discord_error(404, 10008, "Unknown Message");
        };
        if found.author != bot_user {
            return discord_error(403, 50005, "Cannot edit a message authored by another user");
        }
        let Some(content) = body["content"].as_str() else {
            return ResponseTemplate::new(200).set_body_json(self.message_json(found));
        };
        if content.trim().is_empty() || content.chars().count() > MESSAGE_LIMIT {
            return invalid_form_body("content", "Must be between 1 and 2000 in length.");
        }
        self.allowed_mentions.push(body["allowed_mentions"].clone());
        self.edits.push((channel, message, content.to_owned()));
        let edited = self.find_message_mut(channel, message).map(|found| {
            content.clone_into(&mut found.content);
            found.clone()
        });
        self.dispatch_message("MESSAGE_UPDATE", channel, message);
        match edited {
            Some(edited) => ResponseTemplate::new(200).set_body_json(self.message_json(&edited)),
            None => discord_error(500, 0, "the fake lost a message"),
        }
    }

    fn delete_message(&mut self, channel: u64, message: u64) -> ResponseTemplate {
        if !self.is_channel_or_live_thread(channel) {
            return unknown_channel();
        }
        let Some(messages) = self.messages.get_mut(&channel) else {
            return discord_error(404, 10008, "Unknown Message");
        };
        let before = messages.len();
        messages.retain(|known| known.id != message);
        if messages.len() == before {
            return discord_error(404, 10008, "Unknown Message");
        }
        self.deleted_messages.push((channel, message));
        self.dispatch_deletion(channel, message);
        ResponseTemplate::new(204)
    }

    fn list_messages(&self, channel: u64, query: &Query) -> ResponseTemplate {
        if !self.is_channel_or_live_thread(channel) {
            return unknown_channel();
        }
        let limit = query.number("limit").unwrap_or(50);
        if !(1..=100).contains(&limit) {
            return invalid_form_body("limit", "Int value should be between 1 and 100.");
        }
        let limit = usize::try_from(limit).unwrap_or(100);
        let all = self.messages.get(&channel).map_or(&[][..], Vec::as_slice);
        let mut page: Vec<&FakeMessage> = if let Some(after) = query.number("after") {
            // The `limit` messages right after `after`…
            all.iter().filter(|m| m.id > after).take(limit).collect()
        } else {
            let before = query.number("before").unwrap_or(u64::MAX);
            let older: Vec<&FakeMessage> = all.iter().filter(|m| m.id < before).collect();
            older[older.len().saturating_sub(limit)..].to_vec()
        };
        // …and, like Discord, every page newest first.
        page.reverse();
        let page: Vec<Value> = page.into_iter().map(|m| self.message_json(m)).collect();
        ResponseTemplate::new(200).set_body_json(page)
    }

    fn open_thread(&mut self, channel: u64, body: &Value) -> ResponseTemplate {
        if !self.channels.contains_key(&channel) {
            return if self.threads.contains_key(&channel) {
                discord_error(400, 50024, "Cannot execute action on this channel type")
            } else {
                unknown_channel()
            };
        }
        let Some(name) = thread_name(body) else {
            return invalid_form_body("name", "Must be between 1 and 100 in length.");
        };
        if body["type"] != json!(11) {
            // Discord makes a private thread when the type is missing; the fake has none.
            return invalid_form_body("type", "The fake opens public threads (type 11) only.");
        }
        let id = self.new_id();
        let thread = FakeThread {
            id,
            parent: channel,
            name: name.clone(),
            archived: false,
            locked: false,
            deleted: false,
            last_message_id: None,
        };
        self.threads.insert(id, thread.clone());
        let starter = self.add_message(FakeMessage {
            id: 0,
            channel,
            author: self.bot_user,
            author_name: String::from("netbot"),
            bot: true,
            content: name,
            kind: 18,
            attachments: Vec::new(),
            thread: None,
        });
        self.dispatch_message("MESSAGE_CREATE", channel, starter);
        ResponseTemplate::new(201).set_body_json(self.thread_json(&thread))
    }

    fn start_thread(&mut self, channel: u64, message: u64, body: &Value) -> ResponseTemplate {
        if !self.channels.contains_key(&channel) {
            return unknown_channel();
        }
        let Some(name) = thread_name(body) else {
            return invalid_form_body("name", "Must be between 1 and 100 in length.");
        };
        let Some(starter) = self.find_message(channel, message) else {
            return discord_error(404, 10008, "Unknown Message");
        };
        if starter.thread.is_some() {
            return discord_error(
                400,
                160_004,
                "A thread has already been created for this message",
            );
        }
        let thread = FakeThread {
            id: message,
            parent: channel,
            name,
            archived: false,
            locked: false,
            deleted: false,
            last_message_id: None,
        };
        self.threads.insert(message, thread.clone());
        if let Some(starter) = self.find_message_mut(channel, message) {
            starter.thread = Some(message);
        }
        ResponseTemplate::new(201).set_body_json(self.thread_json(&thread))
    }

    fn get_channel(&self, id: u64) -> ResponseTemplate {
        if let Some(newest) = self.channels.get(&id) {
            return ResponseTemplate::new(200).set_body_json(self.channel_json(id, *newest));
        }
        match self.threads.get(&id) {
            Some(thread) if !thread.deleted => {
                ResponseTemplate::new(200).set_body_json(self.thread_json(thread))
            }
            _ => unknown_channel(),
        }
    }

    fn patch_thread(&mut self, id: u64, body: &Value) -> ResponseTemplate {
        let Some(thread) = self.threads.get_mut(&id).filter(|thread| !thread.deleted) else {
            return if self.channels.contains_key(&id) {
                discord_error(400, 0, "the fake edits threads only")
            } else {
                unknown_channel()
            };
        };
        if let Some(archived) = body["archived"].as_bool() {
            thread.archived = archived;
        }
        if let Some(locked) = body["locked"].as_bool() {
            thread.locked = locked;
        }
        if let Some(name) = body["name"].as_str() {
            thread.name = name.to_owned();
        }
        let thread = thread.clone();
        ResponseTemplate::new(200).set_body_json(self.thread_json(&thread))
    }

    fn delete(&mut self, id: u64) -> ResponseTemplate {
        match self.threads.get_mut(&id) {
            Some(thread) if !thread.deleted => {
                thread.deleted = true;
                let thread = thread.clone();
                ResponseTemplate::new(200).set_body_json(self.thread_json(&thread))
            }
            _ => unknown_channel(),
        }
    }

    fn find_message(&self, channel: u64, id: u64) -> Option<&FakeMessage> {
        self.messages.get(&channel)?.iter().find(|m| m.id == id)
    }

    fn find_message_mut(&mut self, channel: u64, id: u64) -> Option<&mut FakeMessage> {
        self.messages
            .get_mut(&channel)?
            .iter_mut()
            .find(|m| m.id == id)
    }
}

/// A path segment as an id (0, which no id is, when it is not a number).
fn id(segment: &str) -> u64 {
    segment.parse().unwrap_or(0)
}

fn thread_name(body: &Value) -> Option<String> {
    body["name"]
        .as_str()
        .filter(|name| !name.trim().is_empty() && name.chars().count() <= THREAD_NAME_LIMIT)
        .map(str::to_owned)
}

/// Discord's error body: `{"message": …, "code": …}`.
fn discord_error(status: u16, code: u64, message: &str) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_json(json!({ "message": message, "code": code }))
}

fn unknown_channel() -> ResponseTemplate {
    discord_error(404, 10003, "Unknown Channel")
}

fn invalid_form_body(field: &str, message: &str) -> ResponseTemplate {
    ResponseTemplate::new(400).set_body_json(json!({
        "message": "Invalid Form Body",
        "code": 50035,
        "errors": { field: { "_errors": [{ "code": "BASE_TYPE_BAD_LENGTH", "message": message }] } },
    }))
}

/// The query string's parameters (serenity writes `?&after=…&limit=…`).
struct Query(BTreeMap<String, String>);

impl Query {
    fn number(&self, name: &str) -> Option<u64> {
        self.0.get(name)?.parse().ok()
    }
}

fn is_write(method: &str) -> bool {
    matches!(method, "POST" | "PATCH" | "PUT" | "DELETE")
}

#[derive(Clone)]
struct Fake(Arc<Mutex<State>>);

impl Respond for Fake {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let mut state = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        let method = request.method.to_string();
        let (body, files) = match multipart_boundary(request) {
            Some(boundary) => read_multipart(&request.body, &boundary),
            None => (
                serde_json::from_slice(&request.body).unwrap_or(Value::Null),
                Vec::new(),
            ),
        };
        state.log.push(FakeRequest {
            method: method.clone(),
            path: request.url.path().to_owned(),
            query: request.url.query().unwrap_or_default().to_owned(),
            body: body.clone(),
            authorization: request
                .headers
                .get("authorization")
                .and_then(|value| value.to_str().ok())
                .map(str::to_owned),
        });
        // The CDN's files: no token, no rate limit, no injected failure (those are the API's).
        if method == "GET" && !state.files_expired {
            if let Some((content_type, bytes)) = state.files.get(request.url.path()) {
                return ResponseTemplate::new(200)
                    .set_body_raw(bytes.clone(), content_type.as_str());
            }
        }
        if let Some(token) = &state.setup.token {
            let sent = request
                .headers
                .get("authorization")
                .and_then(|value| value.to_str().ok());
            if sent != Some(format!("Bot {token}").as_str()) {
                return discord_error(401, 0, "401: Unauthorized");
            }
        }
        if let Some(retry_after) = state.rate_limit.take() {
            return ResponseTemplate::new(429)
                .insert_header("retry-after", format!("{}", retry_after.ceil()).as_str())
                .insert_header("x-ratelimit-scope", "user")
                .set_body_json(json!({
                    "message": "You are being rate limited.",
                    "retry_after": retry_after,
                    "global": false,
                }));
        }
        if is_write(&method) {
            let mut fired = None;
            for (remaining, status) in &mut state.failures {
                *remaining -= 1;
                if *remaining == 0 && fired.is_none() {
                    fired = Some(*status);
                }
            }
            state.failures.retain(|(remaining, _)| *remaining > 0);
            if let Some(status) = fired {
                return discord_error(status, 0, "failure injected by the fixture Discord");
            }
        }
        let Some(path) = request.url.path().strip_prefix("/api/v10/") else {
            return discord_error(404, 0, "404: Not Found");
        };
        let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
        let query = Query(
            request
                .url
                .query_pairs()
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect(),
        );
        if !files.is_empty() {
            let origin = request.url.origin().ascii_serialization();
            return state.post_message_with_files(&segments, &body, files, &origin);
        }
        state.respond(&method, &segments, &query, &body)
    }
}

/// The boundary of a `multipart/form-data` request.
fn multipart_boundary(request: &Request) -> Option<String> {
    let kind = request.headers.get("content-type")?.to_str().ok()?;
    if !kind.starts_with("multipart/form-data") {
        return None;
    }
    let boundary = kind.split("boundary=").nth(1)?.trim_matches('"');
    Some(boundary.to_owned())
}

/// A form's `payload_json` and its files as (name, media type, bytes).
fn read_multipart(body: &[u8], boundary: &str) -> (Value, Vec<(String, String, Vec<u8>)>) {
    let delimiter = format!("--{boundary}");
    let mut payload = Value::Null;
    let mut files = Vec::new();
    for part in split_bytes(body, delimiter.as_bytes()) {
        let part = part.strip_prefix(b"\r\n").unwrap_or(part);
        let Some(split) = find_bytes(part, b"\r\n\r\n") else {
            continue;
        };
        let headers = String::from_utf8_lossy(&part[..split]).to_string();
        let content = &part[split + 4..];
        let content = content.strip_suffix(b"\r\n").unwrap_or(content);
        let field = |name: &str| {
            headers
                .split(';')
                .map(str::trim)
                .find_map(|pair| pair.strip_prefix(&format!("{name}=\"")))
                .and_then(|rest| rest.split('"').next())
                .map(str::to_owned)
        };
        let kind = headers
            .lines()
            .find_map(|line| {
                let (name, value) = line.split_once(':')?;
                name.eq_ignore_ascii_case("content-type")
                    .then(|| value.trim().to_owned())
            })
            .unwrap_or_else(|| String::from("application/octet-stream"));
        match (field("name").as_deref(), field("filename")) {
            (Some("payload_json"), _) => {
                payload = serde_json::from_slice(content).unwrap_or(Value::Null);
            }
            (Some(_), Some(filename)) => files.push((filename, kind, content.to_vec())),
            _ => {}
        }
    }
    (payload, files)
}

fn find_bytes(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}

fn split_bytes<'a>(mut body: &'a [u8], delimiter: &[u8]) -> Vec<&'a [u8]> {
    let mut parts = Vec::new();
    while let Some(at) = find_bytes(body, delimiter) {
        parts.push(&body[..at]);
        body = &body[at + delimiter.len()..];
    }
    parts.push(body);
    parts
}

/// A running fixture Discord with one guild, its text channels, and the bot's user.
pub struct FakeDiscord {
    server: MockServer,
    state: Arc<Mutex<State>>,
}

impl FakeDiscord {
    /// Starts a fake Discord for `guild` with the text `channels`; the bot posts as `bot_user`.
    /// Ids it hands out grow, and are all above the ids given here.
    pub async fn start(guild: u64, bot_user: u64, channels: &[u64]) -> Self {
        let highest = channels
            .iter()
            .copied()
            .chain([guild, bot_user])
            .max()
            .unwrap_or(0);
        let state = Arc::new(Mutex::new(State {
            guild,
            bot_user,
            next_id: FIRST_ID.max(highest + 1),
            channels: channels.iter().map(|&id| (id, None)).collect(),
            threads: BTreeMap::new(),
            messages: BTreeMap::new(),
            failures: Vec::new(),
            rate_limit: None,
            allowed_mentions: Vec::new(),
            edits: Vec::new(),
            deleted_messages: Vec::new(),
            log: Vec::new(),
            members: BTreeMap::new(),
            files: BTreeMap::new(),
            files_expired: false,
            upload_limit: UPLOAD_LIMIT,
            gateway: None,
            setup: Setup {
                token: None,
                application_flags: MESSAGE_CONTENT_LIMITED,
                roles: [
                    (guild, EVERYONE_PERMISSIONS),
                    (BOT_ROLE, MANAGE_THREADS | MANAGE_EVENTS),
                ]
                .into_iter()
                .collect(),
                bot_roles: Some(vec![BOT_ROLE]),
                role_names: BTreeMap::new(),
                overwrites: BTreeMap::new(),
                foreign_channels: BTreeMap::new(),
            },
            scheduled: ScheduledEvents::default(),
        }));
        let server = MockServer::start().await;
        Mock::given(wiremock::matchers::any())
            .respond_with(Fake(Arc::clone(&state)))
            .mount(&server)
            .await;
        Self { server, state }
    }

    /// The base URL to give `DISCORD_API_URL` (serenity's proxy).
    #[must_use]
    pub fn uri(&self) -> String {
        self.server.uri()
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// A member writes `content` in a channel or thread (unarchiving a thread that is not
    /// locked, as Discord does); returns the message's id.
    ///
    /// # Panics
    /// When the channel is unknown or the thread deleted or locked: a broken test.
    pub fn member_says(&self, channel: u64, user: u64, name: &str, content: &str) -> u64 {
        self.member_says_with_files(channel, user, name, content, &[])
    }

    /// As [`Self::member_says`], with attached files as (name, url).
    ///
    /// # Panics
    /// When the channel is unknown or the thread deleted or locked: a broken test.
    #[allow(clippy::panic)]
    pub fn member_says_with_files(
        &self,
        channel: u64,
        user: u64,
        name: &str,
        content: &str,
        files: &[(&str, &str)],
    ) -> u64 {
        let mut state = self.state();
        assert!(
            state.is_channel_or_live_thread(channel),
            "the fixture Discord has no channel or live thread {channel}"
        );
        assert!(
            !state
                .threads
                .get(&channel)
                .is_some_and(|t| t.archived && t.locked),
            "thread {channel} is locked"
        );
        state.members.insert(user, name.to_owned());
        let id = state.add_message(FakeMessage {
            id: 0,
            channel,
            author: user,
            author_name: name.to_owned(),
            bot: false,
            content: content.to_owned(),
            kind: 0,
            attachments: files
                .iter()
                .map(|(name, url)| ((*name).to_owned(), (*url).to_owned()))
                .collect(),
            thread: None,
        });
        state.dispatch_message("MESSAGE_CREATE", channel, id);
        id
    }

    /// As [`Self::member_says`], with files as (name, media type, bytes): the fake serves
    /// each from its own address (`/attachments/CHANNEL/N/NAME`, as Discord's CDN would), and
    /// reports its real size and media type in the message.
    ///
    /// # Panics
    /// When the channel is unknown or the thread deleted or locked: a broken test.
    pub fn member_posts_files(
        &self,
        channel: u64,
        user: u64,
        name: &str,
        content: &str,
        files: &[(&str, &str, &[u8])],
    ) -> u64 {
        let base = self.uri();
        let mut urls = Vec::new();
        {
            let mut state = self.state();
            for (file, content_type, bytes) in files {
                let path = format!("/attachments/{channel}/{}/{file}", state.files.len() + 1);
                urls.push(format!("{base}{path}"));
                state
                    .files
                    .insert(path, ((*content_type).to_owned(), bytes.to_vec()));
            }
        }
        let attached: Vec<(&str, &str)> = files
            .iter()
            .zip(&urls)
            .map(|((file, _, _), url)| (*file, url.as_str()))
            .collect();
        self.member_says_with_files(channel, user, name, content, &attached)
    }

    /// The files members attached stop being served (their links expired, or Discord
    /// deleted them); messages still name them, with their size.
    pub fn expire_files(&self) {
        self.state().files_expired = true;
    }

    /// Sets the most bytes of files one message may carry (default [`UPLOAD_LIMIT`]).
    pub fn set_upload_limit(&self, bytes: usize) {
        self.state().upload_limit = bytes;
    }

    /// The files of a message as the fake serves them: (name, media type, bytes).
    #[must_use]
    pub fn files_of(&self, message: &FakeMessage) -> Vec<(String, String, Vec<u8>)> {
        let state = self.state();
        message
            .attachments
            .iter()
            .filter_map(|(name, url)| {
                let path = reqwest::Url::parse(url).ok()?.path().to_owned();
                let (kind, bytes) = state.files.get(&path)?;
                Some((name.clone(), kind.clone(), bytes.clone()))
            })
            .collect()
    }

    /// A member opens a thread in `channel` by hand; returns its id.
    ///
    /// # Panics
    /// When the channel is unknown: a broken test.
    pub fn member_opens_thread(&self, channel: u64, user: u64, name: &str) -> u64 {
        let mut state = self.state();
        assert!(
            state.channels.contains_key(&channel),
            "no channel {channel}"
        );
        let id = state.new_id();
        state.threads.insert(
            id,
            FakeThread {
                id,
                parent: channel,
                name: name.to_owned(),
                archived: false,
                locked: false,
                deleted: false,
                last_message_id: None,
            },
        );
        let starter = state.add_message(FakeMessage {
            id: 0,
            channel,
            author: user,
            author_name: String::from("member"),
            bot: false,
            content: name.to_owned(),
            kind: 18,
            attachments: Vec::new(),
            thread: None,
        });
        state.dispatch_message("MESSAGE_CREATE", channel, starter);
        id
    }

    /// Every message of a channel or thread (system messages included), oldest first.
    #[must_use]
    pub fn messages(&self, channel: u64) -> Vec<FakeMessage> {
        self.state()
            .messages
            .get(&channel)
            .cloned()
            .unwrap_or_default()
    }

    /// Every thread ever made, deleted ones included, oldest first.
    #[must_use]
    pub fn threads(&self) -> Vec<FakeThread> {
        self.state().threads.values().cloned().collect()
    }

    /// One thread, if it was ever made.
    #[must_use]
    pub fn thread(&self, id: u64) -> Option<FakeThread> {
        self.state().threads.get(&id).cloned()
    }

    /// Archives a thread, as Discord does after inactivity or a moderator by hand.
    pub fn archive(&self, thread: u64) {
        if let Some(thread) = self.state().threads.get_mut(&thread) {
            thread.archived = true;
        }
    }

    /// Archives and locks a thread: the bot can no longer post in it.
    pub fn lock(&self, thread: u64) {
        if let Some(thread) = self.state().threads.get_mut(&thread) {
            thread.archived = true;
            thread.locked = true;
        }
    }

    /// Deletes a thread: from now on every request about it answers 404.
    pub fn delete_thread(&self, thread: u64) {
        if let Some(thread) = self.state().threads.get_mut(&thread) {
            thread.deleted = true;
        }
    }

    /// The `n`-th write (POST, PATCH, PUT or DELETE, on any path) from now answers `status`
    /// once and changes nothing; `n = 1` is the next write. Requests answered 429 by
    /// [`Self::rate_limit_next`] do not count.
    pub fn fail_nth_write(&self, n: usize, status: u16) {
        self.state().failures.push((n.max(1), status));
    }

    /// The next request (of any kind) answers 429 with Discord's body
    /// `{"message": "You are being rate limited.", "retry_after": …, "global": false}` and a
    /// `Retry-After` header (whole seconds, rounded up), and changes nothing.
    pub fn rate_limit_next(&self, retry_after_seconds: f64) {
        self.state().rate_limit = Some(retry_after_seconds);
    }

    /// The `allowed_mentions` of each message the bot posted, in order (`Null` when absent).
    #[must_use]
    pub fn allowed_mentions_seen(&self) -> Vec<Value> {
        self.state().allowed_mentions.clone()
    }

    /// The bot's edits of its messages, in order: (channel, message, new content).
    #[must_use]
    pub fn edits(&self) -> Vec<(u64, u64, String)> {
        self.state().edits.clone()
    }

    /// Messages deleted through the API, in order: (channel, message).
    #[must_use]
    pub fn deleted_messages(&self) -> Vec<(u64, u64)> {
        self.state().deleted_messages.clone()
    }

    /// How many requests arrived, injected failures and 429s included.
    #[must_use]
    pub fn request_count(&self) -> usize {
        self.state().log.len()
    }

    /// Every request that arrived, in order.
    #[must_use]
    pub fn requests(&self) -> Vec<FakeRequest> {
        self.state().log.clone()
    }

    /// From now on only `token` is accepted (`Authorization: Bot TOKEN`); others get 401.
    pub fn require_token(&self, token: &str) {
        let mut state = self.state();
        state.setup.token = Some(token.to_owned());
        if let Some(gateway) = &state.gateway {
            gateway.require_token(token);
        }
    }

    /// Sets the application's flags (`GET /applications/@me`), e.g. 0 for no Message Content
    /// intent.
    pub fn set_application_flags(&self, flags: u64) {
        self.state().setup.application_flags = flags;
    }

    /// A member of the guild, named `name`, whom messages can mention before they write.
    pub fn add_member(&self, user: u64, name: &str) {
        self.state().members.insert(user, name.to_owned());
    }

    /// Adds a role named `name` (without permissions), which messages can mention.
    pub fn add_role(&self, role: u64, name: &str) {
        let mut state = self.state();
        state.setup.roles.entry(role).or_insert(0);
        state.setup.role_names.insert(role, name.to_owned());
    }

    /// Sets a role's permissions (the guild's id for `@everyone`).
    pub fn set_role_permissions(&self, role: u64, permissions: u64) {
        self.state().setup.roles.insert(role, permissions);
    }

    /// Removes the bot from the guild: the guild and its members answer 403.
    pub fn remove_bot_from_guild(&self) {
        self.state().setup.bot_roles = None;
    }

    /// Adds a channel permission overwrite: for a role (`role = true`, the guild's id for
    /// `@everyone`) or a member.
    pub fn add_overwrite(&self, channel: u64, role: bool, id: u64, allow: u64, deny: u64) {
        self.state()
            .setup
            .overwrites
            .entry(channel)
            .or_default()
            .push(json!({
                "id": id.to_string(),
                "type": if role { 0 } else { 1 },
                "allow": allow.to_string(),
                "deny": deny.to_string(),
            }));
    }

    /// Adds a text channel of another guild, which the bot can see.
    pub fn add_foreign_channel(&self, channel: u64, guild: u64) {
        self.state().setup.foreign_channels.insert(channel, guild);
    }

    /// Someone edits a message in Discord (a member their own, say): its text becomes
    /// `content` over REST, and the gateway's sessions get `MESSAGE_UPDATE` with the whole
    /// message. Not one of the bot's edits ([`Self::edits`]).
    ///
    /// # Panics
    /// When there is no such message: a broken test.
    #[allow(clippy::panic)]
    pub fn edit_message(&self, channel: u64, message: u64, content: &str) {
        let mut state = self.state();
        let Some(found) = state.find_message_mut(channel, message) else {
            panic!("the fixture Discord has no message {message} in {channel}");
        };
        content.clone_into(&mut found.content);
        state.dispatch_message("MESSAGE_UPDATE", channel, message);
    }

    /// Someone deletes a message in Discord: it is gone over REST, and the gateway's
    /// sessions get `MESSAGE_DELETE`. Not one of the bot's deletions
    /// ([`Self::deleted_messages`]).
    ///
    /// # Panics
    /// When there is no such message: a broken test.
    #[allow(clippy::panic)]
    pub fn delete_message(&self, channel: u64, message: u64) {
        let mut state = self.state();
        let messages = state.messages.entry(channel).or_default();
        let before = messages.len();
        messages.retain(|known| known.id != message);
        assert!(
            messages.len() < before,
            "the fixture Discord has no message {message} in {channel}"
        );
        state.dispatch_deletion(channel, message);
    }

    /// Sends any dispatch (`t` = `kind`, `d` = `data`) to the gateway's sessions, for events
    /// the helpers above do not make (another guild's message, an update without content).
    pub fn gateway_dispatch(&self, kind: &str, data: &Value) {
        self.with_gateway(|gateway| gateway.dispatch(kind, data));
    }

    /// Runs `control` on the gateway, starting it if nobody asked for it yet.
    fn with_gateway<T>(&self, control: impl FnOnce(&FakeGateway) -> T) -> T {
        control(self.state().gateway())
    }

    /// The gateway's URL (`ws://127.0.0.1:PORT`), as `GET /gateway/bot` answers it.
    #[must_use]
    pub fn gateway_url(&self) -> String {
        self.with_gateway(|gateway| gateway.url().to_owned())
    }

    /// HELLO announces this heartbeat interval from the next connection on (1 s by default).
    pub fn set_heartbeat_interval(&self, interval: std::time::Duration) {
        self.with_gateway(|gateway| gateway.set_heartbeat_interval(interval));
    }

    /// Closes every gateway connection abruptly; the sessions stay resumable, and a resume
    /// gets the dispatches missed meanwhile.
    pub fn drop_gateway(&self) {
        self.with_gateway(FakeGateway::drop_connections);
    }

    /// Refuses (`true`) every RESUME with INVALID_SESSION: a reconnect is a new session and
    /// nothing missed is replayed (the listener must catch up over REST).
    pub fn refuse_resume(&self, refuse: bool) {
        self.with_gateway(|gateway| gateway.refuse_resume(refuse));
    }

    /// Takes the gateway down (`true`): connections dropped, sessions forgotten, new
    /// connections refused until it is back (`false`). Messages posted meanwhile exist over
    /// REST only.
    pub fn gateway_down(&self, down: bool) {
        self.with_gateway(|gateway| gateway.set_down(down));
    }

    /// Every IDENTIFY from now on is closed with `code` (4004: authentication failed, 4014:
    /// disallowed intents); `None` accepts them again.
    pub fn refuse_identify(&self, code: Option<u16>) {
        self.with_gateway(|gateway| gateway.refuse_identify(code));
    }

    /// How many gateway sessions were started (IDENTIFYs answered with READY).
    #[must_use]
    pub fn gateway_sessions(&self) -> usize {
        self.with_gateway(FakeGateway::sessions)
    }

    /// How many IDENTIFYs the gateway received, refused ones included.
    #[must_use]
    pub fn gateway_identifies(&self) -> usize {
        self.with_gateway(FakeGateway::identifies)
    }

    /// How many RESUMEs the gateway received, refused ones included.
    #[must_use]
    pub fn gateway_resumes(&self) -> usize {
        self.with_gateway(FakeGateway::resumes)
    }

    /// The intents of the last IDENTIFY (bits, as Discord reads them).
    #[must_use]
    pub fn gateway_intents(&self) -> Option<u64> {
        self.with_gateway(FakeGateway::last_intents)
    }

    /// How many gateway connections are open and in a session.
    #[must_use]
    pub fn gateway_connections(&self) -> usize {
        self.with_gateway(FakeGateway::connected)
    }

    /// The query string of the last gateway connection (serenity sends `v=10`).
    #[must_use]
    pub fn gateway_query(&self) -> Option<String> {
        self.with_gateway(FakeGateway::last_query)
    }
}

// ---- Scheduled events (`/guilds/{id}/scheduled-events`): a block of its own. ----

/// Manage Events (1 << 33): the bot's role has it by default, for tickets' due events.
pub const MANAGE_EVENTS: u64 = 1 << 33;

/// A guild scheduled event as the fake stores it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FakeEvent {
    /// Its id.
    pub id: u64,
    /// Its name.
    pub name: String,
    /// `entity_metadata.location` (an external event's).
    pub location: Option<String>,
    /// `scheduled_start_time`, as sent.
    pub start: String,
    /// `scheduled_end_time`, as sent.
    pub end: Option<String>,
    /// `entity_type`: 3 external.
    pub entity_type: u64,
    /// `privacy_level`: 2 guild only.
    pub privacy_level: u64,
}

/// The guild's scheduled events, answered as Discord does: `GET` lists them, `POST` creates
/// one (an external event needs a location and an end, after its start; a name of 1 to 100
/// characters, a location of at most 100), `PATCH …/{id}` changes the fields sent, `DELETE
/// …/{id}` answers 204; an unknown event answers 404 (code 10070).
#[derive(Debug, Default)]
struct ScheduledEvents {
    events: BTreeMap<u64, FakeEvent>,
}

impl ScheduledEvents {
    fn json(&self, guild: u64, event: &FakeEvent) -> Value {
        json!({
            "id": event.id.to_string(),
            "guild_id": guild.to_string(),
            "channel_id": null,
            "creator_id": null,
            "name": event.name,
            "description": null,
            "scheduled_start_time": event.start,
            "scheduled_end_time": event.end,
            "privacy_level": event.privacy_level,
            "status": 1,
            "entity_type": event.entity_type,
            "entity_id": null,
            "entity_metadata": event.location.as_ref().map(|location| json!({ "location": location })),
        })
    }

    /// `new_id` is the id a created event takes.
    fn respond(
        &mut self,
        guild: u64,
        new_id: u64,
        method: &str,
        rest: &[&str],
        body: &Value,
    ) -> ResponseTemplate {
        match (method, rest) {
            ("GET", []) => {
                let events: Vec<Value> = self
                    .events
                    .values()
                    .map(|event| self.json(guild, event))
                    .collect();
                ResponseTemplate::new(200).set_body_json(events)
            }
            ("POST", []) => {
                let mut event = FakeEvent {
                    id: new_id,
                    name: String::new(),
                    location: None,
                    start: String::new(),
                    end: None,
                    entity_type: body["entity_type"].as_u64().unwrap_or(0),
                    privacy_level: body["privacy_level"].as_u64().unwrap_or(0),
                };
                if let Some(refusal) = Self::apply(&mut event, body) {
                    return refusal;
                }
                if event.privacy_level != 2 {
                    return invalid_form_body("privacy_level", "Value must be one of {2}.");
                }
                let answer = self.json(guild, &event);
                self.events.insert(new_id, event);
                ResponseTemplate::new(200).set_body_json(answer)
            }
            ("PATCH", [event]) => {
                let Some(mut changed) = self.events.get(&id(event)).cloned() else {
                    return discord_error(404, 10070, "Unknown Guild Scheduled Event");
                };
                if let Some(refusal) = Self::apply(&mut changed, body) {
                    return refusal;
                }
                let answer = self.json(guild, &changed);
                self.events.insert(changed.id, changed);
                ResponseTemplate::new(200).set_body_json(answer)
            }
            ("DELETE", [event]) => match self.events.remove(&id(event)) {
                Some(_) => ResponseTemplate::new(204),
                None => discord_error(404, 10070, "Unknown Guild Scheduled Event"),
            },
            _ => discord_error(404, 0, "404: Not Found"),
        }
    }

    /// Applies the fields of `body` to `event`, or Discord's refusal.
    fn apply(event: &mut FakeEvent, body: &Value) -> Option<ResponseTemplate> {
        if let Some(name) = body["name"].as_str() {
            event.name = name.to_owned();
        }
        if let Some(location) = body["entity_metadata"]["location"].as_str() {
            event.location = Some(location.to_owned());
        }
        if let Some(start) = body["scheduled_start_time"].as_str() {
            event.start = start.to_owned();
        }
        if let Some(end) = body["scheduled_end_time"].as_str() {
            event.end = Some(end.to_owned());
        }
        let count = event.name.chars().count();
        if count == 0 || count > 100 {
            return Some(invalid_form_body(
                "name",
                "Must be between 1 and 100 in length.",
            ));
        }
        let start = chrono_like(&event.start);
        if start.is_none() {
            return Some(invalid_form_body(
                "scheduled_start_time",
                "Invalid ISO8601 timestamp.",
            ));
        }
        if event.entity_type == 3 {
            match &event.location {
                Some(location) if !location.is_empty() && location.chars().count() <= 100 => {}
                _ => {
                    return Some(invalid_form_body(
                        "entity_metadata.location",
                        "Must be between 1 and 100 in length.",
                    ))
                }
            }
            match event.end.as_deref().map(chrono_like) {
                Some(Some(end)) if Some(end.clone()) > start => {}
                Some(Some(_)) => {
                    return Some(invalid_form_body(
                        "scheduled_end_time",
                        "Cannot be before the start time.",
                    ))
                }
                _ => {
                    return Some(invalid_form_body(
                        "scheduled_end_time",
                        "Required for external events.",
                    ))
                }
            }
        }
        None
    }
}

/// An RFC 3339 timestamp in UTC (`…Z` or `…+00:00`), as comparable text without its zone;
/// `None` when it is none.
fn chrono_like(text: &str) -> Option<String> {
    let trimmed = text
        .strip_suffix('Z')
        .or_else(|| text.strip_suffix("+00:00"))?;
    let valid = trimmed.len() >= 19
        && trimmed.as_bytes().get(10) == Some(&b'T')
        && trimmed
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '-' | ':' | 'T' | '.'));
    valid.then(|| trimmed.to_owned())
}

impl FakeDiscord {
    /// The guild's scheduled events, oldest first.
    #[must_use]
    pub fn scheduled_events(&self) -> Vec<FakeEvent> {
        self.state().scheduled.events.values().cloned().collect()
    }

    /// Adds a scheduled event as someone else made it (external, guild only); returns its id.
    pub fn add_scheduled_event(&self, name: &str, location: &str, start: &str, end: &str) -> u64 {
        let mut state = self.state();
        let id = state.new_id();
        state.scheduled.events.insert(
            id,
            FakeEvent {
                id,
                name: name.to_owned(),
                location: Some(location.to_owned()),
                start: start.to_owned(),
                end: Some(end.to_owned()),
                entity_type: 3,
                privacy_level: 2,
            },
        );
        id
    }
}
