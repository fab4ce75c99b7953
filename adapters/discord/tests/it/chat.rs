//! The chat port on Discord, against the fixture Discord (`testkit::discord`) and, for
//! answers the fake does not give, plain wiremock mocks.

use std::time::{Duration, Instant};

use discord::{BotToken, DiscordChat, RateLimitPolicy};
use domain::{ChannelId, DiscordUserId, GuildId, Mentions, MessageId, RoleId, ThreadInfo};
use ports::chat::{Chat, ChatError, ChatFiles};
use serde_json::{json, Value};
use testkit::discord::FakeDiscord;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const TOKEN: &str = "bot-token-for-chat-tests";
const GUILD: u64 = 1000;
const BOT: u64 = 1_299_999_999_999_999_999;
const CHANNEL: u64 = 1_300_000_000_000_000_001;
const MEMBER: u64 = 1_200_000_000_000_000_007;

fn channel(id: u64) -> ChannelId {
    ChannelId::new(id).unwrap()
}

/// Opens a thread the way the threader and `/thread` do: a starter message in the channel,
/// then a thread started from it.
async fn open(chat: &DiscordChat, name: &str) -> ThreadInfo {
    let sent = chat
        .post(channel(CHANNEL), name, &Mentions::none())
        .await
        .unwrap();
    chat.start_thread(channel(CHANNEL), sent[0], name)
        .await
        .unwrap()
}

fn chat_at(uri: &str) -> DiscordChat {
    DiscordChat::connect(&BotToken::new(TOKEN), Some(uri))
}

async fn fake() -> (FakeDiscord, DiscordChat) {
    let fake = FakeDiscord::start(GUILD, BOT, &[CHANNEL]).await;
    let chat = chat_at(&fake.uri());
    (fake, chat)
}

/// Each request as `METHOD path?query`.
fn lines(fake: &FakeDiscord) -> Vec<String> {
    fake.requests()
        .iter()
        .map(|request| request.line())
        .collect()
}

#[tokio::test]
async fn a_long_text_is_posted_as_messages_of_at_most_2000_characters_that_ping_nobody() {
    let (fake, chat) = fake().await;
    // 90 lines of 50 characters with their newlines: 4500 characters.
    let text: String = (0..90)
        .map(|n| format!("{:<49}\n", format!("line {n:02} @everyone <@{MEMBER}>")))
        .collect();
    assert_eq!(text.chars().count(), 4500);

    let sent = chat
        .post(channel(CHANNEL), &text, &Mentions::none())
        .await
        .unwrap();

    let posted = fake.messages(CHANNEL);
    assert_eq!(sent.len(), 3);
    assert_eq!(
        sent.iter().map(|id| id.get()).collect::<Vec<_>>(),
        posted.iter().map(|message| message.id).collect::<Vec<_>>()
    );
    assert!(posted
        .iter()
        .all(|message| message.content.chars().count() <= 2000));
    assert!(posted
        .iter()
        .all(|message| message.bot && message.author == BOT));
    let rejoined: Vec<&str> = posted
        .iter()
        .map(|message| message.content.as_str())
        .collect();
    assert_eq!(
        rejoined.join("\n"),
        text,
        "nothing lost but the newlines split at"
    );
    assert_eq!(
        fake.allowed_mentions_seen(),
        vec![json!({ "parse": [] }); 3]
    );
    let expected = format!("POST /api/v10/channels/{CHANNEL}/messages");
    assert_eq!(lines(&fake), vec![expected; 3]);
    assert!(fake
        .requests()
        .iter()
        .all(|request| request.authorization.as_deref() == Some(&format!("Bot {TOKEN}")[..])));
}

#[tokio::test]
async fn deliberate_mentions_allow_exactly_the_named_users_and_roles() {
    let (fake, chat) = fake().await;
    let mentions = Mentions {
        users: vec![
            DiscordUserId::new(MEMBER).unwrap(),
            DiscordUserId::new(8).unwrap(),
        ],
        roles: vec![RoleId::new(9).unwrap()],
    };

    chat.post(
        channel(CHANNEL),
        &format!("<@{MEMBER}> please look"),
        &mentions,
    )
    .await
    .unwrap();

    assert_eq!(
        fake.allowed_mentions_seen(),
        [json!({ "parse": [], "users": [MEMBER.to_string(), "8"], "roles": ["9"] })]
    );
}

#[tokio::test]
async fn nothing_is_sent_for_a_blank_text() {
    let (fake, chat) = fake().await;

    let sent = chat
        .post(channel(CHANNEL), " \n\n ", &Mentions::none())
        .await
        .unwrap();

    assert!(sent.is_empty());
    assert_eq!(fake.request_count(), 0);
}

#[tokio::test]
async fn a_thread_started_from_a_message_has_its_name_cut_to_100_characters() {
    let (fake, chat) = fake().await;
    let name = format!("#42 {}", "é".repeat(150));
    let sent = chat
        .post(channel(CHANNEL), "**#42**", &Mentions::none())
        .await
        .unwrap();

    let thread = chat
        .start_thread(channel(CHANNEL), sent[0], &name)
        .await
        .unwrap();

    let request = &fake.requests()[1];
    let sent_name = request.body["name"].as_str().unwrap();
    assert_eq!(sent_name.chars().count(), 100);
    assert!(name.starts_with(sent_name));
    assert_eq!(thread.parent, Some(channel(CHANNEL)));
    assert_eq!(thread.name, sent_name);
    assert!(!thread.archived && !thread.locked);
    assert_eq!(fake.threads()[0].id, thread.id.get());
}

#[tokio::test]
async fn a_thread_started_from_a_message_takes_the_message_id() {
    let (fake, chat) = fake().await;
    let sent = chat
        .post(
            channel(CHANNEL),
            "**#42** Othello rooftop node offline",
            &Mentions::none(),
        )
        .await
        .unwrap();

    let thread = chat
        .start_thread(
            channel(CHANNEL),
            sent[0],
            "#42 Othello rooftop node offline",
        )
        .await
        .unwrap();

    assert_eq!(thread.id.get(), sent[0].get());
    assert_eq!(thread.parent, Some(channel(CHANNEL)));
    let request = &fake.requests()[1];
    assert_eq!(
        request.line(),
        format!(
            "POST /api/v10/channels/{CHANNEL}/messages/{}/threads",
            sent[0]
        )
    );
    assert_eq!(
        request.body,
        json!({ "name": "#42 Othello rooftop node offline" })
    );
    let starter = chat.messages_after(channel(CHANNEL), None).await.unwrap();
    assert_eq!(starter[0].thread, Some(thread.id));
}

#[tokio::test]
async fn messages_after_read_every_page_oldest_first() {
    let (fake, chat) = fake().await;
    let ids: Vec<u64> = (0..250)
        .map(|n| fake.member_says(CHANNEL, MEMBER, "Alice", &format!("message {n}")))
        .collect();

    let messages = chat.messages_after(channel(CHANNEL), None).await.unwrap();

    assert_eq!(
        messages
            .iter()
            .map(|message| message.id.get())
            .collect::<Vec<_>>(),
        ids
    );
    assert_eq!(messages[0].content, "message 0");
    assert_eq!(messages[0].author_name, "Alice");
    assert_eq!(messages[0].author, DiscordUserId::new(MEMBER).unwrap());
    assert!(!messages[0].author_is_bot);
    let base = format!("GET /api/v10/channels/{CHANNEL}/messages?");
    assert_eq!(
        lines(&fake),
        [
            format!("{base}&after=0&limit=100"),
            format!("{base}&after={}&limit=100", ids[99]),
            format!("{base}&after={}&limit=100", ids[199]),
        ]
    );

    let tail = chat
        .messages_after(channel(CHANNEL), Some(MessageId::new(ids[239]).unwrap()))
        .await
        .unwrap();
    assert_eq!(
        tail.iter()
            .map(|message| message.id.get())
            .collect::<Vec<_>>(),
        ids[240..]
    );
}

#[tokio::test]
async fn a_message_carries_its_attachments_and_its_authors_display_name() {
    let server = MockServer::start().await;
    let page = json!([
        {
            "id": "1400000000000000002", "type": 0, "content": "the photo",
            "author": { "id": "7", "username": "bob_42", "global_name": null },
            "attachments": [{ "id": "1", "filename": "roof.jpg", "url": "https://cdn.example/roof.jpg" }]
        },
        {
            "id": "1400000000000000001", "type": 0, "content": "hello",
            "author": { "id": "8", "username": "carol_99", "global_name": "Carol", "bot": false },
            "attachments": []
        },
        {
            "id": "1400000000000000003", "type": 6, "content": "",
            "author": { "id": "8", "username": "carol_99" }, "attachments": []
        }
    ]);
    Mock::given(method("GET"))
        .and(path(format!("/api/v10/channels/{CHANNEL}/messages")))
        .respond_with(ResponseTemplate::new(200).set_body_json(page))
        .mount(&server)
        .await;

    let messages = chat_at(&server.uri())
        .recent_messages(channel(CHANNEL), 5)
        .await
        .unwrap();

    assert_eq!(
        messages.len(),
        2,
        "the pin notice (type 6) is not a message: {messages:?}"
    );
    assert_eq!(messages[0].author_name, "Carol");
    assert_eq!(messages[1].author_name, "bob_42");
    assert_eq!(messages[1].attachments[0].name, "roof.jpg");
    assert_eq!(
        messages[1].attachments[0].url,
        "https://cdn.example/roof.jpg"
    );
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests[0].url.query(), Some("&limit=5"));
}

#[tokio::test]
async fn recent_messages_are_the_newest_oldest_first() {
    let (fake, chat) = fake().await;
    let ids: Vec<u64> = (0..10)
        .map(|n| fake.member_says(CHANNEL, MEMBER, "Alice", &format!("message {n}")))
        .collect();

    let recent = chat.recent_messages(channel(CHANNEL), 3).await.unwrap();

    assert_eq!(
        recent
            .iter()
            .map(|message| message.id.get())
            .collect::<Vec<_>>(),
        ids[7..]
    );
}

#[tokio::test]
async fn a_rate_limit_is_waited_out_and_the_request_retried() {
    let (fake, chat) = fake().await;
    fake.rate_limit_next(0.05);

    let started = Instant::now();
    let sent = chat
        .post(channel(CHANNEL), "hello", &Mentions::none())
        .await
        .unwrap();

    assert!(started.elapsed() >= Duration::from_millis(50));
    assert_eq!(sent.len(), 1);
    assert_eq!(fake.request_count(), 2);
    assert_eq!(fake.messages(CHANNEL).len(), 1);
}

#[tokio::test]
async fn a_rate_limit_that_lasts_is_returned_with_its_wait_after_three_retries() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(429).set_body_json(json!({
            "message": "You are being rate limited.", "retry_after": 0.01, "global": false
        })))
        .expect(4)
        .mount(&server)
        .await;

    let error = chat_at(&server.uri()).thread(channel(5)).await.unwrap_err();

    match error {
        ChatError::RateLimited { retry_after, .. } => {
            assert_eq!(retry_after, Duration::from_millis(10));
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn a_wait_longer_than_the_policy_allows_is_returned_at_once() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "120"))
        .expect(1)
        .mount(&server)
        .await;

    let error = chat_at(&server.uri()).thread(channel(5)).await.unwrap_err();

    assert!(
        matches!(error, ChatError::RateLimited { retry_after, .. } if retry_after == Duration::from_secs(120)),
        "{error:?}"
    );
}

#[tokio::test]
async fn the_retry_after_header_is_read_when_the_body_has_none() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "0.02"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(testkit::fixture("discord/thread.json")),
        )
        .mount(&server)
        .await;
    let chat = chat_at(&server.uri()).with_rate_limits(RateLimitPolicy {
        retries: 1,
        longest_wait: Duration::from_secs(1),
    });

    let thread = chat
        .thread(channel(1_320_000_000_000_000_000))
        .await
        .unwrap()
        .unwrap();

    assert_eq!(thread.name, "thread");
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}

#[tokio::test]
async fn a_deleted_thread_reads_as_none_and_is_not_found_for_everything_else() {
    let (fake, chat) = fake().await;
    let thread = open(&chat, "#42").await;
    fake.delete_thread(thread.id.get());

    assert_eq!(chat.thread(thread.id).await.unwrap(), None);
    let posted = chat
        .post(thread.id, "hello", &Mentions::none())
        .await
        .unwrap_err();
    assert!(matches!(posted, ChatError::NotFound { .. }), "{posted:?}");
    assert_eq!(
        posted.to_string(),
        format!("channel {} not found", thread.id)
    );
    let read = chat.messages_after(thread.id, None).await.unwrap_err();
    assert!(matches!(read, ChatError::NotFound { .. }), "{read:?}");
    let archived = chat.set_archived(thread.id, true).await.unwrap_err();
    assert!(
        matches!(archived, ChatError::NotFound { .. }),
        "{archived:?}"
    );
}

#[tokio::test]
async fn a_missing_permission_is_forbidden_with_discords_reason() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(403)
                .set_body_json(json!({ "message": "Missing Permissions", "code": 50013 })),
        )
        .mount(&server)
        .await;

    let error = chat_at(&server.uri())
        .start_thread(channel(CHANNEL), MessageId::new(7).unwrap(), "#42")
        .await
        .unwrap_err();

    assert!(matches!(error, ChatError::Forbidden { .. }), "{error:?}");
    assert_eq!(
        error.to_string(),
        format!(
            "not allowed to start a thread from message 7 in channel {CHANNEL}: Missing Permissions (code 50013)"
        )
    );
}

#[tokio::test]
async fn other_refusals_and_network_failures_name_neither_url_nor_token() {
    let server = MockServer::start().await;
    Mock::given(method("PATCH"))
        .respond_with(ResponseTemplate::new(500).set_body_string("<html>oops</html>"))
        .mount(&server)
        .await;
    let refused = chat_at(&server.uri())
        .set_archived(channel(5), true)
        .await
        .unwrap_err();
    assert!(matches!(refused, ChatError::Rejected { .. }), "{refused:?}");
    assert_eq!(
        refused.to_string(),
        "the chat refused to archive thread 5: Discord answered 500: no explanation"
    );

    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = closed.local_addr().unwrap();
    drop(closed);
    let unreachable = chat_at(&format!("http://{address}"))
        .post(channel(CHANNEL), "hello", &Mentions::none())
        .await
        .unwrap_err();
    assert!(
        matches!(unreachable, ChatError::Unreachable { .. }),
        "{unreachable:?}"
    );

    assert!(
        ports::with_causes(&unreachable).starts_with("cannot reach the chat: Connection refused"),
        "{unreachable:?}"
    );
    for error in [refused, unreachable] {
        let text = format!("{} {error:?}", ports::with_causes(&error));
        assert!(
            !text.contains("127.0.0.1") && !text.contains(TOKEN),
            "{text}"
        );
    }
}

#[tokio::test]
async fn a_server_that_does_not_answer_in_time_is_unreachable() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(5)))
        .mount(&server)
        .await;

    let error = chat_at(&server.uri())
        .with_timeout(Duration::from_millis(100))
        .thread(channel(5))
        .await
        .unwrap_err();

    assert!(matches!(error, ChatError::Unreachable { .. }), "{error:?}");
    assert_eq!(error.to_string(), "cannot reach the chat");
    assert_eq!(
        ports::with_causes(&error),
        "cannot reach the chat: Discord did not answer in time"
    );
}

#[tokio::test]
async fn active_threads_are_listed_with_their_newest_message() {
    let (fake, chat) = fake().await;
    let opened = open(&chat, "#42").await;
    let sent = chat
        .post(opened.id, "first note", &Mentions::none())
        .await
        .unwrap();
    let quiet = open(&chat, "#43").await;
    let archived = open(&chat, "#44").await;
    fake.archive(archived.id.get());

    let active = chat
        .active_threads(GuildId::new(GUILD).unwrap())
        .await
        .unwrap();

    assert_eq!(
        active
            .iter()
            .map(|thread| (thread.id, thread.last_message_id))
            .collect::<Vec<_>>(),
        [(opened.id, Some(sent[0])), (quiet.id, None)]
    );
    assert_eq!(
        lines(&fake).last().unwrap(),
        &format!("GET /api/v10/guilds/{GUILD}/threads/active")
    );
}

#[tokio::test]
async fn a_thread_is_archived_and_unarchived() {
    let (fake, chat) = fake().await;
    let thread = open(&chat, "#42").await;

    chat.set_archived(thread.id, true).await.unwrap();
    assert!(chat.thread(thread.id).await.unwrap().unwrap().archived);
    assert!(fake.thread(thread.id.get()).unwrap().archived);

    chat.set_archived(thread.id, false).await.unwrap();
    assert!(!chat.thread(thread.id).await.unwrap().unwrap().archived);

    let patches: Vec<(String, Value)> = fake
        .requests()
        .into_iter()
        .filter(|request| request.method == "PATCH")
        .map(|request| (request.path, request.body))
        .collect();
    let path = format!("/api/v10/channels/{}", thread.id);
    assert_eq!(
        patches,
        [
            (path.clone(), json!({ "archived": true })),
            (path, json!({ "archived": false }))
        ]
    );
}

#[tokio::test]
async fn posting_in_an_archived_thread_unarchives_it_but_a_locked_one_refuses() {
    let (fake, chat) = fake().await;
    let thread = open(&chat, "#42").await;
    fake.archive(thread.id.get());

    chat.post(thread.id, "a new note", &Mentions::none())
        .await
        .unwrap();
    assert!(!chat.thread(thread.id).await.unwrap().unwrap().archived);

    fake.lock(thread.id.get());
    let read = chat.thread(thread.id).await.unwrap().unwrap();
    assert!(read.archived && read.locked);
    let refused = chat
        .post(thread.id, "another", &Mentions::none())
        .await
        .unwrap_err();
    assert!(matches!(refused, ChatError::Rejected { .. }), "{refused:?}");
}

#[tokio::test]
async fn an_injected_write_failure_is_rejected_and_changes_nothing() {
    let (fake, chat) = fake().await;
    fake.fail_nth_write(2, 500);
    let text = format!("{}\n{}", "a".repeat(1500), "b".repeat(1500));

    let error = chat
        .post(channel(CHANNEL), &text, &Mentions::none())
        .await
        .unwrap_err();

    assert!(matches!(error, ChatError::Rejected { .. }), "{error:?}");
    assert_eq!(
        fake.messages(CHANNEL).len(),
        1,
        "the first piece was posted"
    );
    chat.post(channel(CHANNEL), "and now it works", &Mentions::none())
        .await
        .unwrap();
    assert_eq!(fake.messages(CHANNEL).len(), 2);
}

#[tokio::test]
async fn a_thread_reads_members_files_and_the_bots_own_posts() {
    let (fake, chat) = fake().await;
    let thread = fake.member_opens_thread(CHANNEL, MEMBER, "the roof at Othello");
    fake.member_says_with_files(
        thread,
        MEMBER,
        "Alice",
        "see the photo",
        &[("roof.jpg", "https://cdn.example/roof.jpg")],
    );
    chat.post(channel(thread), "noted", &Mentions::none())
        .await
        .unwrap();

    let messages = chat.messages_after(channel(thread), None).await.unwrap();

    assert_eq!(messages.len(), 2);
    assert_eq!(messages[0].author_name, "Alice");
    assert!(!messages[0].author_is_bot);
    assert_eq!(messages[0].attachments[0].name, "roof.jpg");
    assert_eq!(
        messages[0].attachments[0].url,
        "https://cdn.example/roof.jpg"
    );
    assert_eq!(messages[1].author, DiscordUserId::new(BOT).unwrap());
    assert!(messages[1].author_is_bot);
    let active = chat
        .active_threads(GuildId::new(GUILD).unwrap())
        .await
        .unwrap();
    assert_eq!(active[0].id.get(), thread);
    assert_eq!(active[0].last_message_id, Some(messages[1].id));
}

#[tokio::test]
async fn injected_failures_count_writes_on_every_path() {
    let (fake, chat) = fake().await;
    let thread = open(&chat, "#42").await;
    fake.fail_nth_write(2, 503);

    chat.set_archived(thread.id, true).await.unwrap();
    chat.thread(thread.id).await.unwrap();
    let error = chat
        .post(thread.id, "hello", &Mentions::none())
        .await
        .unwrap_err();

    assert!(
        error
            .to_string()
            .ends_with("Discord answered 503: failure injected by the fixture Discord"),
        "{error}"
    );
    assert!(fake.messages(thread.id.get()).is_empty());
    assert!(
        fake.thread(thread.id.get()).unwrap().archived,
        "the failed post unarchived nothing"
    );
}

#[tokio::test]
async fn a_check_answer_larger_than_the_body_cap_is_refused_unread() {
    let server = MockServer::start().await;
    let huge = "x".repeat(httpkit::MAX_BODY_BYTES + 1);
    Mock::given(method("GET"))
        .and(path("/api/v10/users/@me"))
        .respond_with(ResponseTemplate::new(200).set_body_string(huge))
        .mount(&server)
        .await;

    let error = chat_at(&server.uri()).bot_user().await.unwrap_err();

    assert!(matches!(error, ChatError::Rejected { .. }), "{error:?}");
    assert_eq!(
        error.to_string(),
        "the chat refused to read the bot's user: an answer larger than 32 MiB, not read"
    );
}

#[tokio::test]
async fn a_message_names_the_members_it_mentions() {
    let (fake, chat) = fake().await;
    let thread = open(&chat, "mentions").await;
    fake.add_member(MEMBER + 1, "Dave Smith");
    fake.member_says(
        thread.id.get(),
        MEMBER,
        "alice",
        &format!("<@{}> and <@!{}> and <@42>", MEMBER + 1, MEMBER + 1),
    );

    let messages = chat.messages_after(thread.id, None).await.unwrap();

    let said = messages.last().unwrap();
    assert_eq!(
        said.mentioned.iter().collect::<Vec<_>>(),
        [(
            &DiscordUserId::new(MEMBER + 1).unwrap(),
            &String::from("Dave Smith")
        )]
    );
}

#[tokio::test]
async fn the_servers_role_and_channel_names_are_read_and_a_server_out_of_reach_is_forbidden() {
    let (fake, chat) = fake().await;
    fake.add_role(77, "net-ops");

    let names = chat
        .guild_names(GuildId::new(GUILD).unwrap())
        .await
        .unwrap();

    assert_eq!(
        names
            .roles
            .get(&RoleId::new(77).unwrap())
            .map(String::as_str),
        Some("net-ops")
    );
    assert_eq!(
        names.channels.get(&channel(CHANNEL)).map(String::as_str),
        Some(format!("channel-{CHANNEL}").as_str())
    );
    assert!(lines(&fake).contains(&format!("GET /api/v10/guilds/{GUILD}/roles")));
    fake.remove_bot_from_guild();
    assert!(matches!(
        chat.guild_names(GuildId::new(GUILD).unwrap()).await,
        Err(ChatError::Forbidden { .. })
    ));
}

#[tokio::test]
async fn the_bots_own_message_is_edited_in_place_pinging_nobody_and_anothers_is_refused() {
    let (fake, chat) = fake().await;
    let thread = open(&chat, "#42").await;
    let posted = chat
        .post(thread.id, "Cable dry.", &Mentions::none())
        .await
        .unwrap();

    chat.edit(thread.id, posted[0], "Cable wet. @everyone")
        .await
        .unwrap();

    let messages = fake.messages(thread.id.get());
    assert_eq!(messages.len(), 1, "edited, not posted again");
    assert_eq!(messages[0].content, "Cable wet. @everyone");
    let patch = fake
        .requests()
        .into_iter()
        .find(|request| request.method == "PATCH")
        .unwrap();
    assert_eq!(
        patch.path,
        format!("/api/v10/channels/{}/messages/{}", thread.id, posted[0])
    );
    assert_eq!(patch.body["allowed_mentions"], json!({ "parse": [] }));

    let theirs = fake.member_says(thread.id.get(), 7, "alice", "mine");
    let refused = chat
        .edit(thread.id, MessageId::new(theirs).unwrap(), "not yours")
        .await
        .unwrap_err();
    assert!(
        matches!(refused, ChatError::Forbidden { .. }),
        "{refused:?}"
    );
    let gone = chat
        .edit(thread.id, MessageId::new(theirs + 1000).unwrap(), "nothing")
        .await
        .unwrap_err();
    assert!(matches!(gone, ChatError::NotFound { .. }), "{gone:?}");
}

/// Bytes no text encoding would keep as they are.
const PNG: &[u8] = &[
    0x89, b'P', b'N', b'G', 0, 0xff, 0xfe, b'\r', b'\n', b'-', b'-',
];

#[tokio::test]
async fn a_members_file_is_downloaded_from_the_address_discord_gave_without_the_bot_token() {
    let (fake, chat) = fake().await;
    let thread = fake.member_opens_thread(CHANNEL, MEMBER, "the roof at Othello");
    fake.member_posts_files(
        thread,
        MEMBER,
        "Alice",
        "see the photo",
        &[("roof.png", "image/png", PNG)],
    );
    let messages = chat.messages_after(channel(thread), None).await.unwrap();
    let file = &messages[0].attachments[0];
    assert_eq!(file.size, PNG.len() as u64);
    assert_eq!(file.content_type.as_deref(), Some("image/png"));
    assert!(file.url.starts_with(&fake.uri()), "{}", file.url);

    let bytes = chat.download(file).await.unwrap();

    assert_eq!(bytes, PNG);
    let download = fake
        .requests()
        .into_iter()
        .find(|request| request.path.starts_with("/attachments/"))
        .expect("the download");
    assert_eq!(
        download.authorization, None,
        "no bot token to a file's host"
    );
    fake.expire_files();
    let gone = chat.download(file).await.unwrap_err();
    assert!(matches!(gone, ChatError::NotFound { .. }), "{gone:?}");
}

#[tokio::test]
async fn files_are_posted_with_their_message_as_a_form_that_pings_nobody() {
    let (fake, chat) = fake().await;
    let thread = open(&chat, "#42").await;
    let files = vec![
        ports::NewFile {
            name: "mast.png".into(),
            content_type: Some("image/png".into()),
            bytes: PNG.to_vec(),
        },
        ports::NewFile {
            name: "notes.txt".into(),
            content_type: None,
            bytes: b"a\r\nb".to_vec(),
        },
    ];

    let sent = chat
        .post_with_files(thread.id, "Photo <@1234>", files, &Mentions::none())
        .await
        .unwrap();

    assert_eq!(sent.len(), 1);
    let posted = fake.messages(thread.id.get()).pop().expect("the message");
    assert_eq!(posted.content, "Photo <@1234>");
    assert_eq!(
        fake.files_of(&posted),
        [
            ("mast.png".to_owned(), "image/png".to_owned(), PNG.to_vec()),
            (
                "notes.txt".to_owned(),
                "application/octet-stream".to_owned(),
                b"a\r\nb".to_vec()
            ),
        ]
    );
    assert_eq!(
        fake.allowed_mentions_seen().last(),
        Some(&json!({ "parse": [] }))
    );
}

#[tokio::test]
async fn files_discord_refuses_are_a_rejection_and_a_server_error_is_not() {
    let (fake, chat) = fake().await;
    let thread = open(&chat, "#42").await;
    let file = || {
        vec![ports::NewFile {
            name: "mast.png".into(),
            content_type: Some("image/png".into()),
            bytes: PNG.to_vec(),
        }]
    };
    fake.set_upload_limit(4);
    let refused = chat
        .post_with_files(thread.id, "Photo", file(), &Mentions::none())
        .await
        .unwrap_err();
    assert!(matches!(refused, ChatError::Rejected { .. }), "{refused:?}");

    fake.set_upload_limit(1024);
    fake.fail_nth_write(1, 502);
    let failed = chat
        .post_with_files(thread.id, "Photo", file(), &Mentions::none())
        .await
        .unwrap_err();
    assert!(
        matches!(failed, ChatError::Unreachable { .. }),
        "{failed:?}"
    );
    assert_eq!(fake.messages(thread.id.get()).len(), 0);
}

#[tokio::test]
async fn an_answer_that_is_not_json_is_unexpected_and_keeps_why_as_its_cause() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_string("<html>hello</html>"))
        .mount(&server)
        .await;

    let error = chat_at(&server.uri())
        .post(channel(CHANNEL), "hello", &Mentions::none())
        .await
        .unwrap_err();

    assert!(matches!(error, ChatError::Unexpected { .. }), "{error:?}");
    assert_eq!(
        error.to_string(),
        format!("unexpected answer from the chat to post in channel {CHANNEL}")
    );
    let text = ports::with_causes(&error);
    assert!(
        text.starts_with(&format!(
            "unexpected answer from the chat to post in channel {CHANNEL}: expected value"
        )),
        "{text}"
    );
}

#[tokio::test]
async fn files_that_cannot_travel_keep_why_as_the_cause_and_name_neither_url_nor_token() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = closed.local_addr().unwrap();
    drop(closed);
    let chat = chat_at(&format!("http://{address}"));
    let file = || {
        vec![ports::NewFile {
            name: "mast.png".into(),
            content_type: Some("image/png".into()),
            bytes: PNG.to_vec(),
        }]
    };

    let posted = chat
        .post_with_files(channel(CHANNEL), "Photo", file(), &Mentions::none())
        .await
        .unwrap_err();
    let attachment = domain::Attachment {
        name: "roof.png".into(),
        url: format!("http://{address}/attachments/1/2/roof.png"),
        size: 3,
        content_type: None,
    };
    let downloaded = chat.download(&attachment).await.unwrap_err();

    for error in [posted, downloaded] {
        assert!(matches!(error, ChatError::Unreachable { .. }), "{error:?}");
        assert!(std::error::Error::source(&error).is_some(), "{error:?}");
        let text = format!("{} {error:?}", ports::with_causes(&error));
        assert!(
            text.starts_with("cannot reach the chat: Connection refused"),
            "{text}"
        );
        assert!(
            !text.contains("127.0.0.1") && !text.contains(TOKEN),
            "{text}"
        );
    }
}

#[tokio::test]
async fn a_server_error_on_a_file_is_unreachable_with_the_status_as_its_cause() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    let attachment = domain::Attachment {
        name: "roof.png".into(),
        url: format!("{}/attachments/1/2/roof.png", server.uri()),
        size: 3,
        content_type: None,
    };

    let error = chat_at(&server.uri())
        .download(&attachment)
        .await
        .unwrap_err();

    assert!(matches!(error, ChatError::Unreachable { .. }), "{error:?}");
    assert_eq!(
        ports::with_causes(&error),
        "cannot reach the chat: the file's server answered 503"
    );
}
