//! An in-memory chat for `threader --demo`: channels, threads and messages kept in memory,
//! answering the `Chat` port like Discord where the threader leans on it (ids that grow, a
//! thread started from a message takes its id, posting in an archived thread that is not
//! locked unarchives it, messages split at Discord's limit).

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use domain::due_event::{EventTimes, NewEvent, ScheduledEvent, ScheduledEventId};
use domain::{
    split_message, ChannelId, ChatMessage, DiscordUserId, GuildId, GuildNames, Mentions, MessageId,
    ThreadInfo,
};
use ports::chat::GuildEvents;
use ports::chat::{MESSAGE_LIMIT, THREAD_NAME_LIMIT};
use ports::{Chat, ChatError, ChatFiles};

/// The first id handed out: a plausible snowflake of late 2026 (as the test kit's fake Discord).
const FIRST_ID: u64 = 1_450_000_000_000_000_000;

#[derive(Debug, Default)]
struct State {
    next_id: u64,
    /// Messages by channel or thread id, oldest first; a key for every channel and thread.
    messages: BTreeMap<u64, Vec<ChatMessage>>,
    threads: BTreeMap<u64, ThreadInfo>,
    /// The guild's scheduled events (due dates), by id.
    events: BTreeMap<u64, ScheduledEvent>,
}

/// The demo's chat: a guild with some channels, the bot as the only writer. Clones share
/// the state.
#[derive(Debug, Clone)]
pub struct MemoryChat {
    bot: DiscordUserId,
    bot_name: String,
    state: Arc<Mutex<State>>,
}

fn not_found(what: impl std::fmt::Display) -> ChatError {
    ChatError::NotFound {
        what: what.to_string(),
    }
}

fn id<T>(made: Result<T, domain::ids::InvalidId>) -> Result<T, ChatError> {
    made.map_err(|error| ChatError::Rejected {
        action: String::from("make an id"),
        detail: error.to_string(),
    })
}

impl MemoryChat {
    /// A chat with these channels, where the bot is `bot` named `bot_name`.
    #[must_use]
    pub fn new(bot: DiscordUserId, bot_name: &str, channels: &[ChannelId]) -> Self {
        let state = State {
            next_id: FIRST_ID,
            messages: channels
                .iter()
                .map(|channel| (channel.get(), Vec::new()))
                .collect(),
            threads: BTreeMap::new(),
            events: BTreeMap::new(),
        };
        Self {
            bot,
            bot_name: bot_name.to_owned(),
            state: Arc::new(Mutex::new(state)),
        }
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Every thread, oldest first.
    #[must_use]
    pub fn threads(&self) -> Vec<ThreadInfo> {
        self.state().threads.values().cloned().collect()
    }

    /// A member writes `content` in a channel or thread; returns the message's id, or `None`
    /// for a channel or thread the chat does not have.
    pub fn member_says(
        &self,
        channel: ChannelId,
        member: DiscordUserId,
        name: &str,
        content: &str,
    ) -> Option<MessageId> {
        let mut state = self.state();
        if !state.messages.contains_key(&channel.get()) {
            return None;
        }
        let id = MessageId::new(state.new_id()).ok()?;
        let message = ChatMessage {
            id,
            author: member,
            author_name: name.to_owned(),
            author_is_bot: false,
            content: content.to_owned(),
            attachments: Vec::new(),
            thread: None,
            mentioned: Default::default(),
        };
        state.messages.get_mut(&channel.get())?.push(message);
        if let Some(thread) = state.threads.get_mut(&channel.get()) {
            thread.last_message_id = Some(id);
            thread.archived = false;
        }
        Some(id)
    }

    /// The messages of a channel or thread, oldest first.
    #[must_use]
    pub fn messages(&self, channel: ChannelId) -> Vec<ChatMessage> {
        self.state()
            .messages
            .get(&channel.get())
            .cloned()
            .unwrap_or_default()
    }
}

impl State {
    fn new_id(&mut self) -> u64 {
        let id = self.next_id;
        self.next_id += 1;
        id
    }

    fn thread_from(
        &mut self,
        channel: ChannelId,
        id: u64,
        name: &str,
    ) -> Result<ThreadInfo, ChatError> {
        let thread = ThreadInfo {
            id: crate::chat::id(ChannelId::new(id))?,
            parent: Some(channel),
            name: name.chars().take(THREAD_NAME_LIMIT).collect(),
            archived: false,
            locked: false,
            last_message_id: None,
        };
        self.threads.insert(id, thread.clone());
        self.messages.insert(id, Vec::new());
        Ok(thread)
    }
}

impl Chat for MemoryChat {
    async fn post(
        &self,
        channel: ChannelId,
        text: &str,
        _mentions: &Mentions,
    ) -> Result<Vec<MessageId>, ChatError> {
        let mut state = self.state();
        if !state.messages.contains_key(&channel.get()) {
            return Err(not_found(format_args!("channel {}", channel.get())));
        }
        if let Some(thread) = state.threads.get_mut(&channel.get()) {
            if thread.archived && thread.locked {
                return Err(ChatError::Forbidden {
                    action: String::from("post in a locked thread"),
                    detail: String::from("the thread is locked"),
                });
            }
            thread.archived = false;
        }
        let mut ids = Vec::new();
        for piece in split_message(text, MESSAGE_LIMIT) {
            let message = id(MessageId::new(state.new_id()))?;
            let posted = ChatMessage {
                id: message,
                author: self.bot,
                author_name: self.bot_name.clone(),
                author_is_bot: true,
                content: piece,
                attachments: Vec::new(),
                thread: None,
                mentioned: Default::default(),
            };
            state
                .messages
                .entry(channel.get())
                .or_default()
                .push(posted);
            if let Some(thread) = state.threads.get_mut(&channel.get()) {
                thread.last_message_id = Some(message);
            }
            ids.push(message);
        }
        Ok(ids)
    }

    async fn edit(
        &self,
        channel: ChannelId,
        message: MessageId,
        text: &str,
    ) -> Result<(), ChatError> {
        let mut state = self.state();
        let found = state
            .messages
            .get_mut(&channel.get())
            .and_then(|messages| messages.iter_mut().find(|known| known.id == message))
            .filter(|known| known.author == self.bot);
        match found {
            Some(known) => {
                text.clone_into(&mut known.content);
                Ok(())
            }
            None => Err(not_found(format_args!(
                "message {message} in channel {channel}"
            ))),
        }
    }

    async fn start_thread(
        &self,
        channel: ChannelId,
        message: MessageId,
        name: &str,
    ) -> Result<ThreadInfo, ChatError> {
        let mut state = self.state();
        let starter = state
            .messages
            .get_mut(&channel.get())
            .and_then(|messages| messages.iter_mut().find(|known| known.id == message))
            .ok_or_else(|| not_found(format_args!("message {}", message.get())))?;
        if starter.thread.is_some() {
            return Err(ChatError::Rejected {
                action: String::from("start a thread"),
                detail: String::from("a thread has already been created for this message"),
            });
        }
        starter.thread = Some(id(ChannelId::new(message.get()))?);
        state.thread_from(channel, message.get(), name)
    }

    async fn messages_after(
        &self,
        channel: ChannelId,
        after: Option<MessageId>,
    ) -> Result<Vec<ChatMessage>, ChatError> {
        let state = self.state();
        let messages = state
            .messages
            .get(&channel.get())
            .ok_or_else(|| not_found(format_args!("channel {}", channel.get())))?;
        Ok(messages
            .iter()
            .filter(|message| after.is_none_or(|after| message.id > after))
            .cloned()
            .collect())
    }

    async fn recent_messages(
        &self,
        channel: ChannelId,
        limit: u8,
    ) -> Result<Vec<ChatMessage>, ChatError> {
        let state = self.state();
        let messages = state
            .messages
            .get(&channel.get())
            .ok_or_else(|| not_found(format_args!("channel {}", channel.get())))?;
        let limit = usize::from(limit.min(100));
        Ok(messages[messages.len().saturating_sub(limit)..].to_vec())
    }

    async fn active_threads(&self, _guild: GuildId) -> Result<Vec<ThreadInfo>, ChatError> {
        Ok(self
            .state()
            .threads
            .values()
            .filter(|thread| !thread.archived)
            .cloned()
            .collect())
    }

    async fn thread(&self, thread: ChannelId) -> Result<Option<ThreadInfo>, ChatError> {
        Ok(self.state().threads.get(&thread.get()).cloned())
    }

    async fn set_archived(&self, thread: ChannelId, archived: bool) -> Result<(), ChatError> {
        let mut state = self.state();
        let known = state
            .threads
            .get_mut(&thread.get())
            .ok_or_else(|| not_found(format_args!("thread {}", thread.get())))?;
        known.archived = archived;
        Ok(())
    }

    /// The demo's server has no roles, and its channels are named by their ids.
    async fn guild_names(&self, _guild: GuildId) -> Result<GuildNames, ChatError> {
        let state = self.state();
        let channels = state
            .messages
            .keys()
            .filter(|channel| !state.threads.contains_key(channel))
            .filter_map(|&channel| {
                Some((ChannelId::new(channel).ok()?, format!("channel-{channel}")))
            })
            .collect();
        Ok(GuildNames {
            roles: Default::default(),
            channels,
        })
    }
}

impl ChatFiles for MemoryChat {
    /// The demo's chat keeps no files: the text is posted, the files dropped.
    async fn post_with_files(
        &self,
        channel: ChannelId,
        text: &str,
        _files: Vec<ports::NewFile>,
        mentions: &Mentions,
    ) -> Result<Vec<MessageId>, ChatError> {
        self.post(channel, text, mentions).await
    }

    /// The demo's chat holds no files: members of the demo post text only.
    async fn download(&self, file: &domain::Attachment) -> Result<Vec<u8>, ChatError> {
        Err(not_found(format_args!("file {}", file.name)))
    }
}

/// The guild's scheduled events, kept in memory like the rest (the demo's due dates).
impl GuildEvents for MemoryChat {
    async fn scheduled_events(&self, _guild: GuildId) -> Result<Vec<ScheduledEvent>, ChatError> {
        Ok(self.state().events.values().cloned().collect())
    }

    async fn create_event(
        &self,
        _guild: GuildId,
        event: &NewEvent,
    ) -> Result<ScheduledEvent, ChatError> {
        let mut state = self.state();
        state.next_id += 1;
        let made = ScheduledEvent {
            id: id(ScheduledEventId::new(state.next_id))?,
            name: event.name.clone(),
            location: Some(event.location.clone()),
            times: event.times,
        };
        state.events.insert(made.id.get(), made.clone());
        Ok(made)
    }

    async fn move_event(
        &self,
        _guild: GuildId,
        event: ScheduledEventId,
        times: EventTimes,
    ) -> Result<(), ChatError> {
        let mut state = self.state();
        let found = state
            .events
            .get_mut(&event.get())
            .ok_or_else(|| not_found(format!("event {}", event.get())))?;
        found.times = times;
        Ok(())
    }

    async fn delete_event(
        &self,
        _guild: GuildId,
        event: ScheduledEventId,
    ) -> Result<(), ChatError> {
        self.state()
            .events
            .remove(&event.get())
            .map(|_| ())
            .ok_or_else(|| not_found(format!("event {}", event.get())))
    }
}
