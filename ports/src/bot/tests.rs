//! The bot's use cases against mocked ports: who may act, and what members read.
#![cfg(test)]

use chrono::{DateTime, Utc};
use domain::{DiscordUserId, Named, Site, Ticket, TicketId};

use super::*;
use crate::directory::{Link, MockDirectory, Roster};
use crate::inventory::MockInventory;
use crate::tracker::MockTracker;
use crate::tracker::TrackerError;

const GUILD: u64 = 1000;
const ADMIN_ROLE: u64 = 77;
const ALICE: u64 = 123_456_789_012_345_678;
const STRANGER: u64 = 999_999_999_999_999_999;

fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-26T12:00:00Z")
        .unwrap()
        .with_timezone(&Utc)
}

fn settings(reader_login: Option<&str>) -> BotSettings {
    BotSettings {
        guild_id: GuildId::new(GUILD).unwrap(),
        admin_role: Some(RoleId::new(ADMIN_ROLE).unwrap()),
        reader_login: reader_login.map(|login| Login::new(login).unwrap()),
        default_project: "netops".into(),
        status_names: StatusNames::default(),
        timeout_seconds: 8,
        queries: BTreeMap::new(),
        time_zone: domain::due_event::Tz::UTC,
        stale: BTreeMap::new(),
    }
}

fn member(id: u64) -> Member {
    Member {
        id: DiscordUserId::new(id).unwrap(),
        guild_id: Some(GuildId::new(GUILD).unwrap()),
        role_ids: Vec::new(),
    }
}

fn ticket(id: u64) -> Ticket {
    Ticket {
        id: TicketId::new(id).unwrap(),
        subject: "Othello rooftop node offline".into(),
        description: String::new(),
        status: Named::new(1, "New"),
        priority: Named::new(2, "Normal"),
        tracker: Named::new(1, "Bug"),
        project: Named::new(domain::ProjectId::new(1).unwrap(), "Network Operations"),
        assigned_to: None,
        author: "Bob Builder".into(),
        created_on: now(),
        updated_on: now(),
        url: format!("https://redmine.example.org/issues/{id}"),
        journals: Vec::new(),
        thread_field: None,
        category: None,
        sync_state: None,
        due_date: None,
        attachments: Vec::new(),
    }
}

/// A tracker that must never act for anyone.
fn tracker_refusing_to_act() -> MockTracker {
    let mut tracker = MockTracker::new();
    tracker.expect_acting_as().never();
    tracker
}

fn link(member: u64, login: &str) -> Link {
    Link {
        member: DiscordUserId::new(member).unwrap(),
        login: Login::new(login).unwrap(),
    }
}

/// An admin-keyed directory holding these links, which must not be written to.
fn directory_of(links: &[(u64, &str)]) -> MockDirectory {
    let links: Vec<Link> = links
        .iter()
        .map(|(member, login)| link(*member, login))
        .collect();
    let mut directory = MockDirectory::new();
    directory
        .expect_can_act_as_others()
        .returning(|| Box::pin(async { Ok(true) }));
    directory.expect_roster().returning(move || {
        let links = links.clone();
        Box::pin(async move {
            Ok(Roster {
                links,
                people: Vec::new(),
            })
        })
    });
    directory.expect_link().never();
    directory
}

async fn bot_with(
    tracker: MockTracker,
    directory: MockDirectory,
    reader: Option<&str>,
) -> Bot<MockTracker, MockInventory, MockDirectory> {
    let bot = Bot::new(tracker, MockInventory::new(), directory, settings(reader));
    bot.refresh_identities().await.unwrap();
    bot
}

async fn bot(
    tracker: MockTracker,
    reader: Option<&str>,
) -> Bot<MockTracker, MockInventory, MockDirectory> {
    bot_with(tracker, directory_of(&[(ALICE, "alice")]), reader).await
}

#[tokio::test]
async fn another_server_is_refused_before_anything_is_asked() {
    let bot = bot(tracker_refusing_to_act(), None).await;
    let elsewhere = Member {
        guild_id: Some(GuildId::new(42).unwrap()),
        ..member(ALICE)
    };
    let reply = bot.tickets(&elsewhere, "", now()).await;
    assert_eq!(
        reply,
        Reply::private("This bot only answers in its own Discord server.")
    );
    let direct_message = Member {
        guild_id: None,
        ..member(ALICE)
    };
    assert!(bot.site(&direct_message, "").await.ephemeral);
}

#[tokio::test]
async fn an_unlinked_member_cannot_change_a_ticket_and_is_told_how_to_link() {
    let bot = bot(tracker_refusing_to_act(), Some("reader")).await;
    for reply in [
        bot.ticket(
            &crate::chat::MockChatWithFiles::new(),
            &member(STRANGER),
            "42",
            TicketAction::Resolve,
            None,
            None,
            now(),
        )
        .await,
        bot.ticket(
            &crate::chat::MockChatWithFiles::new(),
            &member(STRANGER),
            "42",
            TicketAction::Assign,
            None,
            None,
            now(),
        )
        .await,
        bot.tickets(&member(STRANGER), "42 progress", now()).await,
        bot.new_ticket(&member(STRANGER), "Down", "", now()).await,
    ] {
        assert!(reply.ephemeral);
        assert!(
            reply
                .text
                .starts_with("You are not linked to a Redmine user yet"),
            "{}",
            reply.text
        );
    }
}

#[tokio::test]
async fn an_unlinked_member_reads_as_the_reader_login_when_configured() {
    let mut tracker = MockTracker::new();
    tracker
        .expect_acting_as()
        .withf(|login| login.as_str() == "reader")
        .times(1)
        .returning(|_| {
            let mut reader = MockTracker::new();
            reader
                .expect_get()
                .returning(|id| Box::pin(async move { Ok(ticket(id.get())) }));
            reader
        });
    let bot = bot_with(tracker, directory_of(&[]), Some("reader")).await;
    let reply = bot.tickets(&member(STRANGER), "42", now()).await;
    assert!(!reply.ephemeral, "{}", reply.text);
    assert!(reply.text.starts_with("**[#42]"), "{}", reply.text);
}

#[tokio::test]
async fn without_a_reader_login_unlinked_members_cannot_read() {
    let bot = bot(tracker_refusing_to_act(), None).await;
    let reply = bot.tickets(&member(STRANGER), "rooftop", now()).await;
    assert!(
        reply.text.starts_with("You are not linked"),
        "{}",
        reply.text
    );
}

#[tokio::test]
async fn a_linked_member_acts_as_their_own_redmine_user() {
    let mut tracker = MockTracker::new();
    tracker
        .expect_acting_as()
        .withf(|login| login.as_str() == "alice")
        .times(1)
        .returning(|_| {
            let mut alice = MockTracker::new();
            alice
                .expect_create()
                .withf(|project, subject, _| project == "netops" && subject == "AP down")
                .returning(|_, _, _| Box::pin(async { Ok(ticket(800)) }));
            alice
        });
    let bot = bot(tracker, None).await;
    let reply = bot.new_ticket(&member(ALICE), " AP down ", "", now()).await;
    assert_eq!(reply.text, "**[#800](<https://redmine.example.org/issues/800>)** Othello rooftop node offline - Normal - a moment old");
}

#[tokio::test]
async fn only_the_admin_role_may_link_members() {
    let bot = bot(tracker_refusing_to_act(), None).await;
    let reply = bot
        .link(
            &member(ALICE),
            DiscordUserId::new(STRANGER).unwrap(),
            "stranger",
        )
        .await;
    assert_eq!(
        reply,
        Reply::private("Only members with the netbot admin role may /link.")
    );
}

#[tokio::test]
async fn an_admin_links_a_member_and_the_link_takes_effect_at_once() {
    let mut directory = directory_of(&[]);
    directory.checkpoint();
    directory
        .expect_can_act_as_others()
        .returning(|| Box::pin(async { Ok(true) }));
    directory
        .expect_roster()
        .returning(|| Box::pin(async { Ok(Roster::default()) }));
    directory
        .expect_link()
        .withf(|member, login| member.get() == STRANGER && login.as_str() == "carol")
        .times(1)
        .returning(|_, login| {
            let login = login.clone();
            Box::pin(async move { Ok(login) })
        });
    let mut tracker = MockTracker::new();
    tracker
        .expect_acting_as()
        .withf(|login| login.as_str() == "carol")
        .times(1)
        .returning(|_| {
            let mut carol = MockTracker::new();
            carol
                .expect_list_mine()
                .returning(|| Box::pin(async { Ok(vec![]) }));
            carol
                .expect_web_link()
                .returning(|_| String::from("https://redmine.example.org/issues"));
            carol
        });
    let bot = bot_with(tracker, directory, None).await;
    let admin = Member {
        role_ids: vec![RoleId::new(ADMIN_ROLE).unwrap()],
        ..member(ALICE)
    };
    let linked = bot
        .link(&admin, DiscordUserId::new(STRANGER).unwrap(), " carol ")
        .await;
    assert!(linked.ephemeral);
    assert_eq!(
        linked.text,
        format!("Linked <@{STRANGER}> to the Redmine user `carol`.")
    );
    assert_eq!(
        bot.tickets(&member(STRANGER), "", now()).await.text,
        "No tickets."
    );
}

#[tokio::test]
async fn a_key_that_is_no_longer_an_admins_refuses_to_act_for_anyone_and_says_why() {
    let mut directory = MockDirectory::new();
    let mut admin = vec![true, false].into_iter();
    directory.expect_can_act_as_others().returning(move || {
        let answer = admin.next().unwrap_or(false);
        Box::pin(async move { Ok(answer) })
    });
    directory
        .expect_roster()
        .times(1)
        .returning(|| Box::pin(async { Ok(Roster::default()) }));
    let bot = bot_with(tracker_refusing_to_act(), directory, Some("reader")).await;
    assert!(matches!(
        bot.refresh_identities().await,
        Err(DirectoryError::NotAdmin)
    ));
    for reply in [
        bot.ticket(
            &crate::chat::MockChatWithFiles::new(),
            &member(ALICE),
            "42",
            TicketAction::Resolve,
            None,
            None,
            now(),
        )
        .await,
        bot.new_ticket(&member(ALICE), "Down", "", now()).await,
        bot.tickets(&member(STRANGER), "", now()).await,
    ] {
        assert_eq!(
            reply,
            Reply::private(
                "I cannot act as you right now: my Redmine key is no longer allowed to act \
                 for members, and I will not act in someone else's name. Please tell a \
                 netbot admin."
            )
        );
    }
}

#[tokio::test]
async fn before_the_first_refresh_nobody_is_acted_for() {
    let bot = Bot::new(
        tracker_refusing_to_act(),
        MockInventory::new(),
        directory_of(&[(ALICE, "alice")]),
        settings(None),
    );
    let reply = bot.tickets(&member(ALICE), "", now()).await;
    assert!(
        reply.text.starts_with("I cannot act as you"),
        "{}",
        reply.text
    );
}

#[tokio::test]
async fn a_member_on_two_redmine_users_is_told_and_not_acted_for() {
    let bot = bot_with(
        tracker_refusing_to_act(),
        directory_of(&[(ALICE, "alice"), (ALICE, "alice2")]),
        None,
    )
    .await;
    let reply = bot
        .ticket(
            &crate::chat::MockChatWithFiles::new(),
            &member(ALICE),
            "42",
            TicketAction::Assign,
            None,
            None,
            now(),
        )
        .await;
    assert_eq!(
        reply.text,
        "Your Discord account is linked to several Redmine users (`alice`, `alice2`): ask an \
         admin to keep only one."
    );
}

#[tokio::test]
async fn person_choices_come_from_the_snapshot_without_asking_the_tracker() {
    let mut directory = MockDirectory::new();
    directory
        .expect_can_act_as_others()
        .times(1)
        .returning(|| Box::pin(async { Ok(true) }));
    directory.expect_roster().times(1).returning(|| {
        Box::pin(async {
            Ok(Roster {
                links: Vec::new(),
                people: (0..40)
                    .map(|n| {
                        domain::Principal::User(domain::User {
                            id: domain::UserId::new(n + 1).unwrap(),
                            login: Some(format!("user{n:02}")),
                            name: format!("Person {n:02}"),
                        })
                    })
                    .collect(),
            })
        })
    });
    // The tracker mock panics on any call: autocomplete must not reach it.
    let bot = bot_with(MockTracker::new(), directory, None).await;
    let choices = bot.complete_person("person");
    assert_eq!(choices.len(), MAX_CHOICES);
    assert_eq!(choices[0], ("Person 00".to_owned(), "Person 00".to_owned()));
    assert_eq!(bot.complete_person("USER39").len(), 1);
}

#[tokio::test]
async fn relinking_a_login_says_whom_it_replaced_and_a_linked_member_is_refused() {
    let mut directory = directory_of(&[(ALICE, "alice"), (STRANGER, "stranger")]);
    directory.checkpoint();
    directory
        .expect_can_act_as_others()
        .returning(|| Box::pin(async { Ok(true) }));
    directory.expect_roster().returning(|| {
        Box::pin(async {
            Ok(Roster {
                links: vec![link(ALICE, "alice"), link(STRANGER, "stranger")],
                people: Vec::new(),
            })
        })
    });
    directory.expect_link().times(1).returning(|_, login| {
        let login = login.clone();
        Box::pin(async move { Ok(login) })
    });
    let bot = bot_with(tracker_refusing_to_act(), directory, None).await;
    let admin = Member {
        role_ids: vec![RoleId::new(ADMIN_ROLE).unwrap()],
        ..member(ALICE)
    };
    let newcomer = DiscordUserId::new(42).unwrap();
    assert_eq!(
        bot.link(&admin, newcomer, "stranger").await.text,
        format!(
            "Linked <@42> to the Redmine user `stranger`; it was linked to <@{STRANGER}>, \
             who is no longer linked."
        )
    );
    assert_eq!(
        bot.link(&admin, newcomer, "alice").await.text,
        "<@42> is already linked to the Redmine user `stranger`: to move them, remove their \
         Discord id from that user in Redmine first."
    );
    assert_eq!(
        bot.link(&admin, newcomer, "two words").await.text,
        "'two words' is not a valid login."
    );
}

#[tokio::test]
async fn a_timeout_reads_as_redmine_did_not_answer_in_8_s() {
    let mut tracker = MockTracker::new();
    tracker.expect_acting_as().returning(|_| {
        let mut alice = MockTracker::new();
        alice.expect_list_mine().returning(|| {
            Box::pin(async {
                Err(TrackerError::Timeout {
                    host: "redmine.example.org".into(),
                    seconds: 8,
                })
            })
        });
        alice
    });
    let bot = bot(tracker, None).await;
    let reply = bot.tickets(&member(ALICE), "", now()).await;
    assert_eq!(
        reply,
        Reply::private("Redmine did not answer in 8 s, try again.")
    );
}

#[tokio::test]
async fn a_bad_ticket_number_is_refused_before_redmine_is_asked() {
    let bot = bot(tracker_refusing_to_act(), None).await;
    let reply = bot
        .ticket(
            &crate::chat::MockChatWithFiles::new(),
            &member(ALICE),
            "#abc",
            TicketAction::Show,
            None,
            None,
            now(),
        )
        .await;
    assert_eq!(
        reply.text,
        "'#abc' is not a ticket number (expected a positive number such as 42 or #42)."
    );
}

#[tokio::test]
async fn site_autocomplete_offers_at_most_25_choices() {
    let mut inventory = MockInventory::new();
    inventory.expect_sites().returning(|| {
        let sites: std::sync::Arc<[Site]> = (0..40)
            .map(|n| Site {
                id: n,
                slug: format!("site-{n:02}"),
                name: format!("Site {n:02}"),
                status: "Active".into(),
                region: None,
                tenant: None,
                facility: None,
                physical_address: None,
                coordinates: None,
                description: None,
                url: String::new(),
            })
            .collect();
        Box::pin(async move { Ok(sites) })
    });
    inventory.expect_site_details().never();
    let bot = Bot::new(
        tracker_refusing_to_act(),
        inventory,
        directory_of(&[]),
        settings(None),
    );
    let choices = bot.complete_site("site").await;
    assert_eq!(choices.len(), MAX_CHOICES);
    assert_eq!(choices[0], ("Site 00".to_owned(), "site-00".to_owned()));
}

/// What the bot logs while `work` runs, as text lines.
async fn logged<F: std::future::Future<Output = Reply>>(work: F) -> (Reply, String) {
    #[derive(Clone, Default)]
    struct Buffer(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);
    impl std::io::Write for Buffer {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let buffer = Buffer::default();
    let writer = buffer.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_ansi(false)
        .with_max_level(tracing::Level::INFO)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    let reply = work.await;
    let text = String::from_utf8(buffer.0.lock().unwrap().clone()).unwrap();
    (reply, text)
}

/// A bot whose member alice's listing fails with `error`.
async fn bot_failing_with(
    error: fn() -> TrackerError,
) -> Bot<MockTracker, MockInventory, MockDirectory> {
    let mut tracker = MockTracker::new();
    tracker.expect_acting_as().returning(move |_| {
        let mut alice = MockTracker::new();
        alice
            .expect_list_mine()
            .returning(move || Box::pin(async move { Err(error()) }));
        alice
    });
    bot(tracker, None).await
}

#[tokio::test]
async fn a_rejected_key_tells_the_member_the_operator_knows_and_logs_the_detail_as_an_error() {
    let bot = bot_failing_with(|| TrackerError::Unauthorized).await;
    let (reply, log) = logged(bot.tickets(&member(ALICE), "", now())).await;
    assert_eq!(
        reply,
        Reply::private(
            "Redmine did not accept my key: the bot's operator has the details in the log."
        )
    );
    assert!(log.contains("ERROR"), "{log}");
    assert!(log.contains("the tracker rejected the API key"), "{log}");
}

#[tokio::test]
async fn an_odd_answer_shows_the_member_no_host_or_status_code_and_the_log_has_both() {
    let bot = bot_failing_with(|| TrackerError::Unexpected {
        host: "redmine.internal:3000".into(),
        action: "list my open tickets".into(),
        detail: "HTTP 502".into(),
    })
    .await;
    let (reply, log) = logged(bot.tickets(&member(ALICE), "", now())).await;
    assert_eq!(
        reply.text,
        "Redmine gave an answer I do not understand: try again later; the bot's operator has \
         the details in the log."
    );
    assert!(log.contains("WARN"), "{log}");
    assert!(
        log.contains("redmine.internal:3000") && log.contains("HTTP 502"),
        "{log}"
    );
}

#[tokio::test]
async fn an_unreachable_redmine_reads_as_try_again_later() {
    let bot = bot_failing_with(|| TrackerError::Unreachable {
        host: "redmine.internal".into(),
        cause: "Connection refused (os error 111)".into(),
    })
    .await;
    let reply = bot.tickets(&member(ALICE), "", now()).await;
    assert_eq!(
        reply.text,
        "I cannot reach Redmine right now: try again in a few minutes."
    );
}

#[tokio::test]
async fn a_missing_status_tells_the_member_nothing_of_settings() {
    let bot = bot_failing_with(|| TrackerError::UnknownStatus {
        name: "Done".into(),
        known: "New, Resolved".into(),
        role: crate::tracker::StatusRole::Resolved,
    })
    .await;
    let (reply, log) = logged(bot.tickets(&member(ALICE), "", now())).await;
    assert_eq!(
        reply.text,
        "Redmine is not set up for this yet: the bot's operator has the details in the log."
    );
    assert!(log.contains("ERROR") && log.contains("Resolved"), "{log}");
}

#[tokio::test(start_paused = true)]
async fn one_command_has_one_deadline_however_many_requests_it_makes() {
    // Each request takes 5 s, under the 8 s timeout; the assignment makes several.
    let slow = || tokio::time::sleep(std::time::Duration::from_secs(5));
    let mut tracker = MockTracker::new();
    tracker.expect_acting_as().returning(move |_| {
        let mut alice = MockTracker::new();
        alice.expect_find_person().returning(move |_| {
            Box::pin(async move {
                slow().await;
                Ok(Some(domain::Principal::User(domain::User {
                    id: domain::UserId::new(5).unwrap(),
                    login: Some("bob".into()),
                    name: "Bob".into(),
                })))
            })
        });
        alice.expect_update().returning(move |_, _| {
            Box::pin(async move {
                slow().await;
                Ok(())
            })
        });
        alice.expect_get().returning(move |id| {
            Box::pin(async move {
                slow().await;
                Ok(ticket(id.get()))
            })
        });
        alice
    });
    let bot = bot(tracker, None).await;
    let started = tokio::time::Instant::now();
    let reply = bot
        .ticket(
            &crate::chat::MockChatWithFiles::new(),
            &member(ALICE),
            "42",
            TicketAction::Assign,
            Some("bob"),
            None,
            now(),
        )
        .await;
    assert_eq!(
        reply,
        Reply::private("Redmine did not answer in 8 s, try again.")
    );
    assert_eq!(started.elapsed(), std::time::Duration::from_secs(8));
}

#[tokio::test]
async fn hours_without_a_ticket_where_no_thread_field_exists_ask_for_the_ticket() {
    let mut tracker = MockTracker::new();
    tracker.expect_acting_as().times(1).returning(|_| {
        let mut alice = MockTracker::new();
        alice.expect_log_time().never();
        alice
    });
    tracker
        .expect_threaded()
        .times(1)
        .returning(|_| Box::pin(async { Err(TrackerError::NoSuchField("Discord thread".into())) }));
    let bot = bot(tracker, None).await;
    let channel = domain::ChannelId::new(5).ok();

    let reply = bot
        .hours(&member(ALICE), channel, "1h", None, None, None)
        .await;

    assert_eq!(reply, domain::bot::replies::hours_need_ticket());
}
