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

fn ticket(status: u64, due: Option<chrono::NaiveDate>) -> domain::Ticket {
    domain::Ticket {
        id: domain::TicketId::new(42).unwrap(),
        subject: "Packet loss".into(),
        description: String::new(),
        status: domain::Named::new(status, "status"),
        priority: domain::Named::new(2, "Normal"),
        tracker: domain::Named::new(1, "Bug"),
        project: domain::Named::new(domain::ProjectId::new(1).unwrap(), "netops"),
        category: None,
        assigned_to: None,
        author: "Alice".into(),
        created_on: at("2026-11-01T00:00:00Z"),
        updated_on: at("2026-11-01T00:00:00Z"),
        url: LINK.into(),
        journals: Vec::new(),
        attachments: Vec::new(),
        thread_field: None,
        sync_state: None,
        due_date: due,
    }
}

/// What the threader does when it looks at a ticket whose due date was set in Redmine.
#[tokio::test]
async fn following_a_ticket_creates_moves_and_deletes_its_one_event() {
    let fake = FakeDiscord::start(GUILD, BOT, &[CHANNEL]).await;
    let chat = DiscordChat::connect(&BotToken::new("t"), Some(&fake.uri()));
    let statuses = [
        domain::Status {
            id: domain::StatusId::new(1).unwrap(),
            name: "New".into(),
            is_closed: false,
        },
        domain::Status {
            id: domain::StatusId::new(5).unwrap(),
            name: "Closed".into(),
            is_closed: true,
        },
    ];
    let zurich: domain::due_event::Tz = "Europe/Zurich".parse().unwrap();
    let now = at("2026-11-27T12:00:00Z");
    let day = |d| chrono::NaiveDate::from_ymd_opt(2026, 12, d).unwrap();
    let follow = |ticket| {
        let chat = chat.clone();
        let statuses = statuses.clone();
        async move {
            ports::due_events::follow(&chat, guild(), &ticket, &statuses, zurich, now)
                .await
                .unwrap()
        }
    };

    follow(ticket(1, Some(day(24)))).await;
    follow(ticket(1, Some(day(24)))).await;
    let events = fake.scheduled_events();
    assert_eq!(events.len(), 1, "never duplicated");
    assert_eq!(events[0].name, "Ticket #42 due");
    assert_eq!(events[0].start, "2026-12-24T08:00:00Z", "09:00 in Zurich");

    follow(ticket(1, Some(day(31)))).await;
    let moved = fake.scheduled_events();
    assert_eq!(moved.len(), 1);
    assert_eq!(moved[0].id, events[0].id);
    assert_eq!(moved[0].start, "2026-12-31T08:00:00Z");

    follow(ticket(5, Some(day(31)))).await;
    assert!(
        fake.scheduled_events().is_empty(),
        "a closed ticket has none"
    );
}
