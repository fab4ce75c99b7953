//! The guild's scheduled events on Discord, against the fixture Discord: a ticket's due event
//! created external with its location and times, moved, deleted, and listed back.

use chrono::{DateTime, Utc};
use discord::{BotToken, DiscordChat};
use domain::due_event::{EventTimes, NewEvent};
use domain::GuildId;
use ports::chat::{ChatError, GuildEvents};
use testkit::discord::FakeDiscord;

const GUILD: u64 = 1000;
const BOT: u64 = 1_299_999_999_999_999_999;
const CHANNEL: u64 = 1_300_000_000_000_000_001;
const LINK: &str = "https://redmine.example.org/issues/42";

fn guild() -> GuildId {
    GuildId::new(GUILD).unwrap()
}

fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .unwrap()
        .with_timezone(&Utc)
}

fn times(start: &str, end: &str) -> EventTimes {
    EventTimes {
        start: at(start),
        end: at(end),
    }
}

#[tokio::test]
async fn a_due_event_is_created_external_then_moved_then_deleted() {
    let fake = FakeDiscord::start(GUILD, BOT, &[CHANNEL]).await;
    let chat = DiscordChat::connect(&BotToken::new("t"), Some(&fake.uri()));
    let created = chat
        .create_event(
            guild(),
            &NewEvent {
                name: "Ticket #42 due".into(),
                location: LINK.into(),
                times: times("2026-12-24T08:00:00Z", "2026-12-24T09:00:00Z"),
            },
        )
        .await
        .unwrap();
    let stored = fake.scheduled_events();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].id, created.id.get());
    assert_eq!(stored[0].entity_type, 3, "external");
    assert_eq!(stored[0].privacy_level, 2, "guild only");
    assert_eq!(stored[0].location.as_deref(), Some(LINK));
    assert_eq!(stored[0].start, "2026-12-24T08:00:00Z");
    assert_eq!(stored[0].end.as_deref(), Some("2026-12-24T09:00:00Z"));

    let moved = times("2026-12-31T08:00:00Z", "2026-12-31T09:00:00Z");
    chat.move_event(guild(), created.id, moved).await.unwrap();
    let listed = chat.scheduled_events(guild()).await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].name, "Ticket #42 due");
    assert_eq!(listed[0].location.as_deref(), Some(LINK));
    assert_eq!(listed[0].times, moved);

    chat.delete_event(guild(), created.id).await.unwrap();
    assert!(fake.scheduled_events().is_empty());
    assert!(matches!(
        chat.delete_event(guild(), created.id).await,
        Err(ChatError::NotFound { .. })
    ));
}

#[tokio::test]
async fn another_servers_events_are_not_found() {
    let fake = FakeDiscord::start(GUILD, BOT, &[CHANNEL]).await;
    let chat = DiscordChat::connect(&BotToken::new("t"), Some(&fake.uri()));
    let other = GuildId::new(7).unwrap();
    assert!(matches!(
        chat.scheduled_events(other).await,
        Err(ChatError::NotFound { .. })
    ));
}
