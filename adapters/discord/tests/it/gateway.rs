//! The chat's live side through the real `DiscordGateway` (serenity's client) against the
//! fixture Discord's gateway (`testkit::gateway`): connections, messages as the REST path reads
//! them, edits, deletions, dropped connections, refused resumes, an outage, refusals and stop.
//!
//! Timeouts here only keep a broken test from hanging; they assert no speed.

use std::time::Duration;

use discord::{BotToken, DiscordChat, DiscordGateway};
use domain::{ChannelId, ChatMessage, GuildId, MessageId};
use ports::chat::{Chat, ChatError, ChatEvent, ChatListener, Heard};
use serde_json::json;
use testkit::discord::FakeDiscord;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

const TOKEN: &str = "bot-token-for-gateway-tests";
const GUILD: u64 = 1000;
const BOT: u64 = 1_299_999_999_999_999_999;
const CHANNEL: u64 = 1_300_000_000_000_000_001;
const MEMBER: u64 = 1_200_000_000_000_000_007;
const OTHER_MEMBER: u64 = 1_200_000_000_000_000_008;

/// Long enough for any reconnect serenity makes (a new session waits out its 5 s between
/// IDENTIFYs), short enough that a broken test fails rather than hangs.
const HANG_GUARD: Duration = Duration::from_secs(30);

/// `GUILDS | GUILD_MESSAGES | MESSAGE_CONTENT`, as Discord reads them.
const THREE_INTENTS: u64 = 1 | (1 << 9) | (1 << 15);

fn channel(id: u64) -> ChannelId {
    ChannelId::new(id).unwrap()
}

/// A running `listen`, its events and its stop.
struct Listening {
    events: mpsc::Receiver<Heard>,
    stop: CancellationToken,
    task: JoinHandle<Result<(), ChatError>>,
}

impl Listening {
    fn start(fake: &FakeDiscord, token: &str) -> Self {
        let gateway = DiscordGateway::new(
            &BotToken::new(token),
            Some(&fake.uri()),
            GuildId::new(GUILD).unwrap(),
        );
        let (sender, events) = mpsc::channel(64);
        let stop = CancellationToken::new();
        let task = tokio::spawn({
            let stop = stop.clone();
            async move { gateway.listen(sender, stop).await }
        });
        Self { events, stop, task }
    }

    /// The next event.
    async fn next(&mut self) -> ChatEvent {
        match tokio::time::timeout(HANG_GUARD, self.events.recv()).await {
            Ok(Some(heard)) => heard.event,
            Ok(None) => panic!("the listener ended"),
            Err(_) => panic!("no event within {HANG_GUARD:?}"),
        }
    }

    /// Events up to and including the first that `last` accepts.
    async fn until(&mut self, last: impl Fn(&ChatEvent) -> bool) -> Vec<ChatEvent> {
        let mut seen = Vec::new();
        loop {
            let event = self.next().await;
            let done = last(&event);
            seen.push(event);
            if done {
                return seen;
            }
        }
    }

    /// What `listen` returned.
    async fn ended(self) -> Result<(), ChatError> {
        match tokio::time::timeout(HANG_GUARD, self.task).await {
            Ok(result) => result.unwrap(),
            Err(_) => panic!("listen did not return within {HANG_GUARD:?}"),
        }
    }
}

/// A fake Discord and a listener connected to it (its first event seen).
async fn connected() -> (FakeDiscord, Listening) {
    let fake = FakeDiscord::start(GUILD, BOT, &[CHANNEL]).await;
    let mut listening = Listening::start(&fake, TOKEN);
    assert_eq!(
        listening.next().await,
        ChatEvent::Connected { resumed: false }
    );
    (fake, listening)
}

/// The message as the REST path (`Chat::messages_after`) reads it.
async fn over_rest(fake: &FakeDiscord, id: u64) -> ChatMessage {
    let chat = DiscordChat::connect(&BotToken::new(TOKEN), Some(&fake.uri()));
    chat.messages_after(channel(CHANNEL), None)
        .await
        .unwrap()
        .into_iter()
        .find(|message| message.id.get() == id)
        .unwrap()
}

fn posted(id: u64) -> impl Fn(&ChatEvent) -> bool {
    move |event| matches!(event, ChatEvent::MessagePosted { message, .. } if message.id.get() == id)
}

#[tokio::test]
async fn connecting_reports_a_new_session_and_identifies_with_exactly_three_intents() {
    let (fake, listening) = connected().await;

    assert_eq!(fake.gateway_intents(), Some(THREE_INTENTS));
    assert_eq!(fake.gateway_sessions(), 1);
    assert!(fake.gateway_query().unwrap().contains("v=10"));
    listening.stop.cancel();
    listening.ended().await.unwrap();
}

#[tokio::test]
async fn a_members_message_arrives_as_posted_with_files_and_mentions_as_the_rest_path_reads_it() {
    let (fake, mut listening) = connected().await;
    fake.add_member(OTHER_MEMBER, "Bob");

    let id = fake.member_posts_files(
        CHANNEL,
        MEMBER,
        "Alice",
        &format!("the switch is down, <@{OTHER_MEMBER}> knows"),
        &[("photo.png", "image/png", b"not really a png")],
    );

    let event = listening.next().await;
    let ChatEvent::MessagePosted {
        channel: at,
        message,
    } = event
    else {
        panic!("expected a message, got {event:?}");
    };
    assert_eq!(at, channel(CHANNEL));
    assert_eq!(message, over_rest(&fake, id).await);
    assert_eq!(message.id, MessageId::new(id).unwrap());
    assert_eq!(message.author.get(), MEMBER);
    assert_eq!(message.author_name, "Alice");
    assert!(!message.author_is_bot);
    assert_eq!(
        message.content,
        format!("the switch is down, <@{OTHER_MEMBER}> knows")
    );
    assert_eq!(message.attachments.len(), 1);
    assert_eq!(message.attachments[0].name, "photo.png");
    assert_eq!(message.attachments[0].size, 16);
    assert_eq!(
        message.attachments[0].content_type.as_deref(),
        Some("image/png")
    );
    assert_eq!(
        message
            .mentioned
            .iter()
            .map(|(id, name)| (id.get(), name.as_str()))
            .collect::<Vec<_>>(),
        [(OTHER_MEMBER, "Bob")]
    );
}

#[tokio::test]
async fn the_bots_own_messages_arrive_too_marked_as_a_bots() {
    let (fake, mut listening) = connected().await;
    let chat = DiscordChat::connect(&BotToken::new(TOKEN), Some(&fake.uri()));

    let sent = chat
        .post(
            channel(CHANNEL),
            "a note from Redmine",
            &domain::Mentions::none(),
        )
        .await
        .unwrap();

    let event = listening.next().await;
    let ChatEvent::MessagePosted { message, .. } = event else {
        panic!("expected a message, got {event:?}");
    };
    assert_eq!(message.id, sent[0]);
    assert!(message.author_is_bot);
    assert_eq!(message.content, "a note from Redmine");
}

#[tokio::test]
async fn a_burst_of_twenty_messages_arrives_in_order_once_each() {
    let (fake, mut listening) = connected().await;

    let ids: Vec<u64> = (1..=20)
        .map(|n| fake.member_says(CHANNEL, MEMBER, "Alice", &format!("message {n}")))
        .collect();

    let mut heard = Vec::new();
    for _ in 0..20 {
        match listening.next().await {
            ChatEvent::MessagePosted { message, .. } => heard.push(message.id.get()),
            other => panic!("expected a message, got {other:?}"),
        }
    }
    assert_eq!(heard, ids);
}

#[tokio::test]
async fn an_edited_message_arrives_as_edited_with_its_new_text() {
    let (fake, mut listening) = connected().await;
    let id = fake.member_says(CHANNEL, MEMBER, "Alice", "the switch is donw");
    listening.until(posted(id)).await;

    fake.edit_message(CHANNEL, id, "the switch is down");

    let event = listening.next().await;
    let ChatEvent::MessageEdited {
        channel: at,
        message,
    } = event
    else {
        panic!("expected an edit, got {event:?}");
    };
    assert_eq!(at, channel(CHANNEL));
    assert_eq!(message.content, "the switch is down");
    assert_eq!(message, over_rest(&fake, id).await);
}

#[tokio::test]
async fn a_deleted_message_arrives_as_deleted() {
    let (fake, mut listening) = connected().await;
    let id = fake.member_says(CHANNEL, MEMBER, "Alice", "oops, wrong channel");
    listening.until(posted(id)).await;

    fake.delete_message(CHANNEL, id);

    assert_eq!(
        listening.next().await,
        ChatEvent::MessageDeleted {
            channel: channel(CHANNEL),
            message: MessageId::new(id).unwrap(),
        }
    );
}

#[tokio::test]
async fn events_of_another_guild_and_updates_without_content_are_not_reported() {
    let (fake, mut listening) = connected().await;
    let id = fake.member_says(CHANNEL, MEMBER, "Alice", "see https://example.org");
    listening.until(posted(id)).await;
    let mut elsewhere = fake.messages(CHANNEL)[0].clone();
    elsewhere.id += 1000;

    fake.gateway_dispatch(
        "MESSAGE_CREATE",
        &json!({
            "id": elsewhere.id.to_string(), "channel_id": "77", "guild_id": "999", "type": 0,
            "author": { "id": MEMBER.to_string(), "username": "alice", "discriminator": "0" },
            "content": "in another server", "timestamp": "2026-11-26T21:00:00.000000+00:00",
            "edited_timestamp": null, "tts": false, "mention_everyone": false, "mentions": [],
            "mention_roles": [], "attachments": [], "embeds": [], "pinned": false,
        }),
    );
    fake.gateway_dispatch(
        "MESSAGE_UPDATE",
        &json!({
            "id": id.to_string(), "channel_id": CHANNEL.to_string(), "guild_id": GUILD.to_string(),
            "embeds": [{ "type": "link", "url": "https://example.org" }],
        }),
    );
    fake.gateway_dispatch(
        "MESSAGE_DELETE",
        &json!({ "id": "5", "channel_id": "77", "guild_id": "999" }),
    );
    let last = fake.member_says(CHANNEL, MEMBER, "Alice", "the next message");

    let event = listening.next().await;
    assert!(
        posted(last)(&event),
        "expected the next message, got {event:?}"
    );
}

#[tokio::test]
async fn events_are_read_whole_from_the_gateway_without_asking_the_api() {
    let (fake, mut listening) = connected().await;
    let id = fake.member_says(CHANNEL, MEMBER, "Alice", "first");
    fake.edit_message(CHANNEL, id, "first, edited");
    fake.delete_message(CHANNEL, id);

    listening
        .until(|event| matches!(event, ChatEvent::MessageDeleted { .. }))
        .await;

    let asked: Vec<String> = fake.requests().iter().map(|r| r.line()).collect();
    assert_eq!(asked, ["GET /api/v10/gateway/bot", "GET /api/v10/gateway"]);
}

#[tokio::test]
async fn a_thread_opened_by_hand_is_not_reported_as_a_message() {
    let (fake, mut listening) = connected().await;

    fake.member_opens_thread(CHANNEL, MEMBER, "a thread by hand");
    let id = fake.member_says(CHANNEL, MEMBER, "Alice", "after the thread");

    // The "started a thread" system message comes first, and is skipped as over REST.
    let event = listening.next().await;
    assert!(
        posted(id)(&event),
        "expected the member's message, got {event:?}"
    );
}

#[tokio::test]
async fn a_dropped_connection_is_resumed_and_the_missed_message_is_replayed_once() {
    let (fake, mut listening) = connected().await;

    fake.drop_gateway();
    let missed = fake.member_says(CHANNEL, MEMBER, "Alice", "written while reconnecting");

    let events = listening
        .until(|event| *event == ChatEvent::Connected { resumed: true })
        .await;
    assert!(
        matches!(events[0], ChatEvent::Disconnected { .. }),
        "the loss is reported first: {events:?}"
    );
    assert_eq!(
        events.iter().filter(|event| posted(missed)(event)).count(),
        1,
        "{events:?}"
    );
    assert_eq!(fake.gateway_sessions(), 1);
    assert!(fake.gateway_resumes() >= 1);
    // Nothing is replayed twice: the next message is the next event.
    let after = fake.member_says(CHANNEL, MEMBER, "Alice", "after the resume");
    let event = listening.next().await;
    assert!(
        posted(after)(&event),
        "expected the new message, got {event:?}"
    );
}

#[tokio::test]
async fn a_refused_resume_starts_a_new_session_without_replaying_what_was_missed() {
    let (fake, mut listening) = connected().await;
    fake.refuse_resume(true);

    fake.drop_gateway();
    let missed = fake.member_says(CHANNEL, MEMBER, "Alice", "written while reconnecting");

    let events = listening
        .until(|event| *event == ChatEvent::Connected { resumed: false })
        .await;
    assert!(
        matches!(events[0], ChatEvent::Disconnected { .. }),
        "{events:?}"
    );
    assert!(!events.iter().any(posted(missed)), "{events:?}");
    assert_eq!(fake.gateway_sessions(), 2);
    // The missed message exists over REST, for the catch-up.
    assert_eq!(
        over_rest(&fake, missed).await.content,
        "written while reconnecting"
    );
    let after = fake.member_says(CHANNEL, MEMBER, "Alice", "after the new session");
    let event = listening.next().await;
    assert!(
        posted(after)(&event),
        "expected the new message, got {event:?}"
    );
}

#[tokio::test]
async fn an_outage_is_reported_and_the_listener_reconnects_when_the_gateway_is_back() {
    let (fake, mut listening) = connected().await;

    fake.gateway_down(true);
    let event = listening.next().await;
    assert!(
        matches!(event, ChatEvent::Disconnected { .. }),
        "expected the loss, got {event:?}"
    );
    let missed = fake.member_says(CHANNEL, MEMBER, "Alice", "written during the outage");
    fake.gateway_down(false);

    let events = listening
        .until(|event| matches!(event, ChatEvent::Connected { .. }))
        .await;
    assert_eq!(events, [ChatEvent::Connected { resumed: false }]);
    assert!(!events.iter().any(posted(missed)));
}

#[tokio::test]
async fn a_token_the_gateway_refuses_ends_listen_with_an_error_naming_the_token() {
    let fake = FakeDiscord::start(GUILD, BOT, &[CHANNEL]).await;
    fake.refuse_identify(Some(4004));

    let error = Listening::start(&fake, TOKEN).ended().await.unwrap_err();

    assert!(matches!(error, ChatError::Forbidden { .. }), "{error:?}");
    assert!(error.to_string().contains("token"), "{error}");
    assert!(error.to_string().contains("4004"), "{error}");
    assert!(!error.to_string().contains(TOKEN), "{error}");
    assert_eq!(fake.gateway_identifies(), 1);
}

#[tokio::test]
async fn a_token_the_api_refuses_ends_listen_before_any_connection() {
    let fake = FakeDiscord::start(GUILD, BOT, &[CHANNEL]).await;
    fake.require_token("the-right-token");

    let error = Listening::start(&fake, TOKEN).ended().await.unwrap_err();

    assert!(error.to_string().contains("token"), "{error}");
    assert!(error.to_string().contains("401"), "{error}");
    assert_eq!(fake.gateway_identifies(), 0);
}

#[tokio::test]
async fn intents_the_bot_may_not_use_end_listen_with_an_error_naming_them() {
    let fake = FakeDiscord::start(GUILD, BOT, &[CHANNEL]).await;
    fake.refuse_identify(Some(4014));

    let error = Listening::start(&fake, TOKEN).ended().await.unwrap_err();

    assert!(error.to_string().contains("intent"), "{error}");
    assert!(error.to_string().contains("4014"), "{error}");
}

#[tokio::test]
async fn cancelling_stop_ends_listen_and_closes_the_connection() {
    let (fake, listening) = connected().await;

    listening.stop.cancel();

    listening.ended().await.unwrap();
    assert_eq!(fake.gateway_connections(), 0);
}
