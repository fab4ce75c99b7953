//! The chat's live side on Discord's gateway: serenity's client holds the connection
//! (heartbeats, resumes, a new session after an invalid one), and [`DiscordGateway`] turns
//! what it hears into the port's [`ChatEvent`]s, messages mapped exactly as the REST path
//! maps them.
//!
//! serenity hands each event to its handler in a task of its own. On a runtime with several
//! threads two tasks may run in either order, so a burst of messages could be reported out of
//! order. The client therefore runs on a thread of its own with a single-threaded runtime,
//! whose tasks run in the order they were spawned (the order Discord sent the events), and
//! every handler reports before its first `.await`.
//!
//! Around a reconnection: a loss serenity sees (a reset, a failed heartbeat, a failed
//! resume) is reported as [`ChatEvent::Disconnected`] when seen (the shard's stage is also
//! checked every second); one serenity resumes at once without changing stage (Discord's
//! close frame or RECONNECT) is reported just before the `Connected` that follows. A resumed
//! session's missed events are replayed by Discord *before* RESUMED, so they arrive before
//! `Connected { resumed: true }`. A connection that dies silently is noticed by serenity's
//! heartbeat (Discord asks for one about every 41 s).
//!
//! Memory stays low: serenity's cache keeps no messages, guilds, channels or users.

use std::future::Future;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use domain::{ChannelId, GuildId, MessageId};
use ports::chat::{ChatError, ChatEvent, ChatListener, Heard};
use serenity::all::{
    ClientBuilder, ConnectionStage, Context, EventHandler, GatewayIntents, Message,
    MessageUpdateEvent, Ready, ResumedEvent, ShardManager, ShardStageUpdateEvent,
};
use serenity::cache::Settings as CacheSettings;
use serenity::gateway::GatewayError;
use serenity::http::HttpError;
use tokio::sync::{mpsc, oneshot};
use tokio_util::sync::CancellationToken;
use tracing::warn;

use crate::{BotToken, DiscordError};

/// How often the shard's stage is checked for a loss serenity reports no event for (a resume
/// attempt that failed, a shard being restarted).
const WATCH_EVERY: Duration = Duration::from_secs(1);

/// What the listener asks Discord for: guilds, their messages, and the messages' text.
fn intents() -> GatewayIntents {
    GatewayIntents::GUILDS | GatewayIntents::GUILD_MESSAGES | GatewayIntents::MESSAGE_CONTENT
}

/// The [`ChatListener`] on Discord's gateway, for one guild: events of other guilds (and
/// direct messages) are not reported.
#[derive(Debug, Clone)]
pub struct DiscordGateway {
    token: BotToken,
    api_url: Option<String>,
    guild: GuildId,
}

impl DiscordGateway {
    /// The listener for `guild`; `api_url` as for [`crate::http`] (`DISCORD_API_URL`): the
    /// gateway's address is asked of it (`GET /gateway/bot`), else of discord.com. Nothing is
    /// connected until [`ChatListener::listen`].
    #[must_use]
    pub fn new(token: &BotToken, api_url: Option<&str>, guild: GuildId) -> Self {
        Self {
            token: token.clone(),
            api_url: api_url.map(str::to_owned),
            guild,
        }
    }
}

impl ChatListener for DiscordGateway {
    fn listen(
        &self,
        events: mpsc::Sender<Heard>,
        stop: CancellationToken,
    ) -> impl Future<Output = Result<(), ChatError>> + Send {
        let gateway = self.clone();
        async move {
            let (heard, mut to_forward) = mpsc::unbounded_channel();
            let (done, mut finished) = oneshot::channel();
            // Ends the client when `stop` is cancelled, or when nobody receives the events.
            let ending = stop.child_token();
            let client_stop = ending.clone();
            std::thread::Builder::new()
                .name(String::from("discord-gateway"))
                .spawn(move || {
                    match tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()
                    {
                        Ok(runtime) => {
                            let result = runtime.block_on(gateway.run(heard, client_stop));
                            // `listen` may be gone already: nobody to tell.
                            let _ = done.send(result);
                            // serenity's leftover tasks (a shard queuer, a pending resolve)
                            // are dropped without being waited for.
                            runtime.shutdown_background();
                        }
                        Err(error) => {
                            let _ = done.send(Err(unreachable(error)));
                        }
                    }
                })
                .map_err(unreachable)?;
            loop {
                tokio::select! {
                    biased;
                    Some(event) = to_forward.recv() => {
                        if events.send(event).await.is_err() {
                            ending.cancel();
                        }
                    }
                    result = &mut finished => {
                        while let Ok(event) = to_forward.try_recv() {
                            if events.send(event).await.is_err() {
                                break;
                            }
                        }
                        return result.unwrap_or_else(|_| {
                            Err(unreachable(std::io::Error::other("the gateway's thread ended")))
                        });
                    }
                }
            }
        }
    }
}

impl DiscordGateway {
    /// The client, on the gateway's own runtime, until `stop` or a fatal error.
    async fn run(
        self,
        heard: mpsc::UnboundedSender<Heard>,
        stop: CancellationToken,
    ) -> Result<(), ChatError> {
        let http = crate::http(&self.token, self.api_url.as_deref(), None);
        // Asked first so that a refused token is told before any connection, and so that
        // the gateway's address is the one the API (or `DISCORD_API_URL`) gives.
        let gateway = tokio::select! {
            answer = http.get_bot_gateway() => answer.map_err(|error| refused_at_start(&error))?,
            () = stop.cancelled() => return Ok(()),
        };
        let reporter = Arc::new(Reporter {
            out: heard,
            connected: Mutex::new(false),
        });
        let handler = Handler {
            guild: serenity::all::GuildId::new(self.guild.get()),
            reporter: Arc::clone(&reporter),
        };
        let mut client = ClientBuilder::new_with_http(http, intents())
            .cache_settings(cache_settings())
            .event_handler(handler)
            .await
            .map_err(|error| gateway_failed(&error))?;
        *client.ws_url.lock().await = gateway.url;
        let manager = Arc::clone(&client.shard_manager);
        let watcher = tokio::spawn(watch_losses(Arc::clone(&manager), reporter));
        let result = tokio::select! {
            result = client.start() => result.map_err(|error| gateway_failed(&error)),
            () = stop.cancelled() => {
                manager.shutdown_all().await;
                Ok(())
            }
        };
        watcher.abort();
        result
    }
}

/// serenity's cache, kept to nothing: the listener reads every event whole.
fn cache_settings() -> CacheSettings {
    let mut settings = CacheSettings::default();
    settings.max_messages = 0;
    settings.cache_guilds = false;
    settings.cache_channels = false;
    settings.cache_users = false;
    settings.time_to_live = Duration::from_secs(60);
    settings
}

/// Reports connections and losses once each, and everything in order (one runtime thread).
#[derive(Debug)]
struct Reporter {
    out: mpsc::UnboundedSender<Heard>,
    /// Whether the last connection event told was `Connected`.
    connected: Mutex<bool>,
}

impl Reporter {
    fn tell(&self, event: ChatEvent) {
        // `listen` may have returned already; then nobody is listening.
        let _ = self.out.send(Heard::now(event));
    }

    /// A session is up: new (`resumed: false`) or resumed. A loss nothing reported before
    /// (serenity resumed at once) is reported first.
    fn connected(&self, resumed: bool) {
        let mut connected = self
            .connected
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if *connected {
            self.tell(ChatEvent::Disconnected {
                why: String::from("the gateway connection was lost"),
            });
        }
        *connected = true;
        self.tell(ChatEvent::Connected { resumed });
    }

    /// The connection is lost: reported once, until the next connection.
    fn lost(&self, why: String) {
        let mut connected = self
            .connected
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if *connected {
            *connected = false;
            self.tell(ChatEvent::Disconnected { why });
        }
    }
}

/// Checks the shard's stage every [`WATCH_EVERY`]: serenity reports no stage change when a
/// resume fails before the stage was seen to change, or while a shard is being restarted.
async fn watch_losses(manager: Arc<ShardManager>, reporter: Arc<Reporter>) {
    let mut every = tokio::time::interval(WATCH_EVERY);
    loop {
        every.tick().await;
        let stage = manager
            .runners
            .lock()
            .await
            .values()
            .next()
            .map(|runner| runner.stage);
        // No `.await` between reading the stage and reporting: on this thread nothing else
        // runs in between, so a connection reported meanwhile cannot be overtaken.
        match stage {
            Some(ConnectionStage::Connected) => {}
            Some(stage) => reporter.lost(format!(
                "the gateway connection was lost ({})",
                words(stage)
            )),
            None => reporter.lost(String::from(
                "the gateway connection was lost (reconnecting)",
            )),
        }
    }
}

/// A stage in a few words.
fn words(stage: ConnectionStage) -> &'static str {
    match stage {
        ConnectionStage::Connected => "connected",
        ConnectionStage::Connecting | ConnectionStage::Handshake => "reconnecting",
        ConnectionStage::Identifying => "starting a new session",
        ConnectionStage::Resuming => "resuming",
        _ => "disconnected",
    }
}

/// serenity's handler: each method reports before its first `.await` (there is none), so the
/// events keep the order their tasks were spawned in.
struct Handler {
    guild: serenity::all::GuildId,
    reporter: Arc<Reporter>,
}

impl Handler {
    fn ours(&self, guild: Option<serenity::all::GuildId>) -> bool {
        guild == Some(self.guild)
    }

    /// A message as the REST path reads it; `None` (logged) when it cannot be read, and for
    /// system messages.
    fn read(json: Result<serde_json::Value, serde_json::Error>) -> Option<domain::ChatMessage> {
        match json
            .map_err(Into::into)
            .and_then(crate::chat::pushed_message)
        {
            Ok(message) => message,
            Err(error) => {
                warn!(%error, "a message from the gateway could not be read");
                None
            }
        }
    }
}

fn channel_id(channel: serenity::all::ChannelId) -> Option<ChannelId> {
    ChannelId::new(channel.get()).ok()
}

#[serenity::async_trait]
impl EventHandler for Handler {
    async fn ready(&self, _: Context, _: Ready) {
        self.reporter.connected(false);
    }

    async fn resume(&self, _: Context, _: ResumedEvent) {
        self.reporter.connected(true);
    }

    async fn shard_stage_update(&self, _: Context, event: ShardStageUpdateEvent) {
        if event.new != ConnectionStage::Connected {
            self.reporter.lost(format!(
                "the gateway connection was lost ({})",
                words(event.new)
            ));
        }
    }

    async fn message(&self, _: Context, message: Message) {
        if !self.ours(message.guild_id) {
            return;
        }
        let Some(channel) = channel_id(message.channel_id) else {
            return;
        };
        if let Some(message) = Self::read(serde_json::to_value(&message)) {
            self.reporter
                .tell(ChatEvent::MessagePosted { channel, message });
        }
    }

    async fn message_update(
        &self,
        _: Context,
        _: Option<Message>,
        _: Option<Message>,
        event: MessageUpdateEvent,
    ) {
        // An update without content (an embed unfurled, a pin) is not an edit; one with
        // content carries the whole message, author included.
        if !self.ours(event.guild_id) || event.content.is_none() || event.author.is_none() {
            return;
        }
        let Some(channel) = channel_id(event.channel_id) else {
            return;
        };
        if let Some(message) = Self::read(serde_json::to_value(&event)) {
            self.reporter
                .tell(ChatEvent::MessageEdited { channel, message });
        }
    }

    async fn message_delete(
        &self,
        _: Context,
        channel: serenity::all::ChannelId,
        message: serenity::all::MessageId,
        guild: Option<serenity::all::GuildId>,
    ) {
        if !self.ours(guild) {
            return;
        }
        if let (Some(channel), Ok(message)) = (channel_id(channel), MessageId::new(message.get())) {
            self.reporter
                .tell(ChatEvent::MessageDeleted { channel, message });
        }
    }

    async fn message_delete_bulk(
        &self,
        _: Context,
        channel: serenity::all::ChannelId,
        messages: Vec<serenity::all::MessageId>,
        guild: Option<serenity::all::GuildId>,
    ) {
        if !self.ours(guild) {
            return;
        }
        let Some(channel) = channel_id(channel) else {
            return;
        };
        for message in messages {
            if let Ok(message) = MessageId::new(message.get()) {
                self.reporter
                    .tell(ChatEvent::MessageDeleted { channel, message });
            }
        }
    }
}

/// What to connect to could not be asked (`GET /gateway/bot`).
fn refused_at_start(error: &serenity::Error) -> ChatError {
    let action = String::from("connect to Discord's gateway");
    match error {
        serenity::Error::Http(HttpError::UnsuccessfulRequest(response))
            if response.status_code.as_u16() == 401 =>
        {
            ChatError::Forbidden {
                action,
                detail: String::from("Discord refused the bot token (401 Unauthorized)"),
            }
        }
        serenity::Error::Http(HttpError::Request(_)) => ChatError::Unreachable {
            cause: Box::new(DiscordError::from(error)),
        },
        other => ChatError::Rejected {
            action,
            detail: DiscordError::from(other).to_string(),
        },
    }
}

/// Why the client stopped for good.
fn gateway_failed(error: &serenity::Error) -> ChatError {
    let action = String::from("connect to Discord's gateway");
    match error {
        serenity::Error::Gateway(GatewayError::InvalidAuthentication) => ChatError::Forbidden {
            action,
            detail: String::from("Discord refused the bot token (close code 4004)"),
        },
        serenity::Error::Gateway(GatewayError::DisallowedGatewayIntents) => ChatError::Forbidden {
            action,
            detail: String::from(
                "the bot may not use the intents it asks for (close code 4014): turn on the \
                 Message Content intent under Bot > Privileged Gateway Intents in Discord's \
                 developer portal",
            ),
        },
        serenity::Error::Gateway(GatewayError::InvalidGatewayIntents) => ChatError::Rejected {
            action,
            detail: String::from("Discord refused the intents as invalid (close code 4013)"),
        },
        serenity::Error::Gateway(other) => ChatError::Rejected {
            action,
            detail: other.to_string(),
        },
        serenity::Error::Http(HttpError::Request(_)) => ChatError::Unreachable {
            cause: Box::new(DiscordError::from(error)),
        },
        other => ChatError::Rejected {
            action,
            detail: DiscordError::from(other).to_string(),
        },
    }
}

/// The gateway's thread or runtime could not be started.
fn unreachable(error: std::io::Error) -> ChatError {
    ChatError::Unreachable {
        cause: Box::new(error),
    }
}
