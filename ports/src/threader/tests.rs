//! The threader's pass against mocked ports: what the executor writes (or, in a dry run,
//! does not), as whom, where the message mark goes, and that one ticket's failure is only
//! that ticket's.

#![cfg(test)]

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use domain::sync::ThreadLink;
use domain::{
    ChannelId, ChatMessage, DiscordUserId, GuildId, Journal, JournalId, Login, MessageId, Named,
    ProjectId, Status, StatusId, ThreadInfo, Ticket, TicketId, TicketLinks, User, UserId,
};

use super::{CancellationToken, PassReport, Threader, ThreaderSettings, WhoIsWho};
use crate::chat::MockChatWithFiles;
use crate::tracker::{MockTracker, ThreadedScope, TrackerError};

pub(super) const GUILD: u64 = 111;
pub(super) const CHANNEL: u64 = 222;
pub(super) const THREAD: u64 = 333;
pub(super) const BOT_USER: u64 = 9;
pub(super) const ALICE_MEMBER: u64 = 1001;

pub(super) fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-26T12:00:00Z")
        .unwrap()
        .with_timezone(&Utc)
}

pub(super) fn link(thread: u64) -> ThreadLink {
    ThreadLink {
        guild: GuildId::new(GUILD).unwrap(),
        thread: ChannelId::new(thread).unwrap(),
    }
}

/// Ticket `n` whose thread field holds `thread_field` and whose state is `state`.
pub(super) fn ticket(
    n: u64,
    thread_field: &str,
    state: Option<&str>,
    journals: Vec<Journal>,
) -> Ticket {
    Ticket {
        id: TicketId::new(n).unwrap(),
        subject: format!("ticket {n}"),
        description: "It broke.".into(),
        status: Named::new(1, "New"),
        priority: Named::new(2, "Normal"),
        tracker: Named::new(1, "Bug"),
        project: Named::new(ProjectId::new(1).unwrap(), "Network Operations"),
        category: None,
        assigned_to: None,
        author: "Bob Builder".into(),
        created_on: now(),
        updated_on: now(),
        url: format!("https://tracker.example.org/t/{n}"),
        journals,
        thread_field: Some(thread_field.into()),
        sync_state: state.map(str::to_owned),
        due_date: None,
        attachments: Vec::new(),
    }
}

pub(super) fn note(id: u64, text: &str) -> Journal {
    Journal {
        id: JournalId::new(id).unwrap(),
        author: "Bob Builder".into(),
        author_id: Some(UserId::new(5).unwrap()),
        created_on: now(),
        edited: None,
        text: text.into(),
        changes: Vec::new(),
    }
}

pub(super) fn message(id: u64, author: u64, is_bot: bool, content: &str) -> ChatMessage {
    ChatMessage {
        id: MessageId::new(id).unwrap(),
        author: DiscordUserId::new(author).unwrap(),
        author_name: if is_bot { "netbot" } else { "alice" }.into(),
        author_is_bot: is_bot,
        content: content.into(),
        attachments: Vec::new(),
        thread: None,
        mentioned: Default::default(),
    }
}

pub(super) fn thread(id: u64, last_message: u64) -> ThreadInfo {
    ThreadInfo {
        id: ChannelId::new(id).unwrap(),
        parent: Some(ChannelId::new(CHANNEL).unwrap()),
        name: String::from("thread"),
        archived: false,
        locked: false,
        last_message_id: MessageId::new(last_message).ok(),
    }
}

pub(super) fn settings(dry_run: bool) -> ThreaderSettings {
    ThreaderSettings {
        guild: GuildId::new(GUILD).unwrap(),
        channel: ChannelId::new(CHANNEL).unwrap(),
        routes: BTreeMap::new(),
        dry_run,
        only: None,
        stop: CancellationToken::new(),
        max_upload: domain::limits::DEFAULT_MAX_UPLOAD,
        due_events: None,
    }
}

/// Alice's member is linked to the login `alice`.
pub(super) fn people() -> WhoIsWho {
    WhoIsWho {
        members: BTreeMap::from([(
            DiscordUserId::new(ALICE_MEMBER).unwrap(),
            Login::new("alice").unwrap(),
        )]),
        ..WhoIsWho::default()
    }
}

/// A tracker listing `tickets` (every one changed by others), reading each back by id, and
/// answering the questions every pass asks. Writes are left to each test to expect.
pub(super) fn tracker(tickets: &[Ticket]) -> MockTracker {
    let mut tracker = MockTracker::new();
    tracker.expect_current_user().returning(|| {
        Box::pin(async {
            Ok(User {
                id: UserId::new(BOT_USER).unwrap(),
                login: Some("netbot".into()),
                name: "netbot".into(),
            })
        })
    });
    tracker.expect_statuses().returning(|| {
        Box::pin(async {
            Ok(vec![Status {
                id: StatusId::new(1).unwrap(),
                name: "New".into(),
                is_closed: false,
            }])
        })
    });
    tracker.expect_ticket_links().returning(|| {
        TicketLinks::new(
            "https://tracker.example.org/t/",
            "#c",
            "https://tracker.example.org/a/",
        )
    });
    let listed = tickets.to_vec();
    tracker
        .expect_threaded()
        .returning(move |_: ThreadedScope| {
            let listed = listed.clone();
            Box::pin(async move { Ok(listed) })
        });
    let by_id: BTreeMap<TicketId, Ticket> = tickets
        .iter()
        .map(|ticket| (ticket.id, ticket.clone()))
        .collect();
    tracker.expect_get().returning(move |id| {
        let found = by_id.get(&id).cloned();
        Box::pin(async move { found.ok_or(TrackerError::TicketNotFound(id)) })
    });
    tracker
}

/// Records every state the tracker is asked to write.
pub(super) fn record_states(tracker: &mut MockTracker) -> Arc<Mutex<Vec<(u64, String)>>> {
    let states = Arc::new(Mutex::new(Vec::new()));
    let written = Arc::clone(&states);
    tracker
        .expect_set_sync_fields()
        .returning(move |id, fields| {
            written
                .lock()
                .unwrap()
                .push((id.get(), fields.state.clone().unwrap_or_default()));
            Box::pin(async { Ok(()) })
        });
    states
}

/// A chat whose active threads are `active`; nothing is expected to be written.
pub(super) fn chat(active: Vec<ThreadInfo>) -> MockChatWithFiles {
    let mut chat = MockChatWithFiles::new();
    chat.expect_active_threads().returning(move |_| {
        let active = active.clone();
        Box::pin(async move { Ok(active) })
    });
    chat.expect_recent_messages()
        .returning(|_, _| Box::pin(async { Ok(Vec::new()) }));
    chat
}

async fn pass(tracker: MockTracker, chat: MockChatWithFiles, dry_run: bool) -> PassReport {
    Threader::new(tracker, chat, settings(dry_run))
        .pass(people())
        .await
        .expect("a pass")
}

#[tokio::test]
async fn a_dry_run_writes_nothing_and_reports_what_it_would_do() {
    let linked = link(THREAD).to_string();
    let tickets = [
        ticket(41, "yes", None, Vec::new()),
        ticket(
            42,
            &linked,
            Some("v1 j=10 m=100"),
            vec![note(11, "Cable checked.")],
        ),
    ];
    // No write is expected of either port: any write fails the test.
    let mut tracker = tracker(&tickets);
    tracker.expect_set_sync_fields().never();
    tracker.expect_add_note().never();
    tracker.expect_acting_as().never();
    let mut chat = chat(vec![thread(THREAD, 150)]);
    chat.expect_messages_after().returning(|_, _| {
        Box::pin(async { Ok(vec![message(150, ALICE_MEMBER, false, "On my way.")]) })
    });
    chat.expect_post().never();
    chat.expect_start_thread().never();
    chat.expect_set_archived().never();

    let report = pass(tracker, chat, true).await;

    assert_eq!(
        report.planned,
        [
            format!("#41: would open a thread in channel {CHANNEL}"),
            String::from("#42: would post to Discord: **Bob Builder** on [#42](<https://tracker.example.org/t/42#c11>)"),
            String::from("#42: would write a note as alice: On my way."),
        ]
    );
    assert_eq!(
        (report.threads_created, report.to_discord, report.to_redmine),
        (1, 1, 1)
    );
    assert!(report.failed.is_empty(), "{:?}", report.failed);
}

#[tokio::test]
async fn a_members_message_becomes_a_note_written_as_the_member() {
    let tickets = [ticket(
        42,
        &link(THREAD).to_string(),
        Some("v1 j=10 m=100"),
        Vec::new(),
    )];
    let mut tracker = tracker(&tickets);
    let states = record_states(&mut tracker);
    tracker.expect_add_note().never();
    tracker
        .expect_acting_as()
        .withf(|login| login.as_str() == "alice")
        .times(1)
        .returning(|_| {
            let mut alice = MockTracker::new();
            alice
                .expect_add_note()
                .withf(|id, text| id.get() == 42 && text.starts_with("On my way."))
                .times(1)
                .returning(|_, _| Box::pin(async { Ok(()) }));
            alice
        });
    let mut chat = chat(vec![thread(THREAD, 150)]);
    chat.expect_messages_after().returning(|_, _| {
        Box::pin(async { Ok(vec![message(150, ALICE_MEMBER, false, "On my way.")]) })
    });
    chat.expect_post().never();

    let report = pass(tracker, chat, false).await;

    assert_eq!(report.to_redmine, 1);
    assert_eq!(
        *states.lock().unwrap(),
        [(42, String::from("v1 j=10 m=150"))]
    );
}

#[tokio::test]
async fn a_member_the_tracker_will_not_let_write_is_written_for_by_the_threader_once() {
    let tickets = [ticket(
        42,
        &link(THREAD).to_string(),
        Some("v1 j=10 m=100"),
        Vec::new(),
    )];
    let mut tracker = tracker(&tickets);
    let states = record_states(&mut tracker);
    tracker
        .expect_acting_as()
        .withf(|login| login.as_str() == "alice")
        .times(1)
        .returning(|_| {
            let mut alice = MockTracker::new();
            alice.expect_add_note().times(1).returning(|_, _| {
                Box::pin(async {
                    Err(TrackerError::Forbidden {
                        action: "add a note to ticket 42".into(),
                    })
                })
            });
            alice
        });
    tracker
        .expect_add_note()
        .withf(|id, text| {
            id.get() == 42 && text.starts_with("alice on Discord wrote:\n\nOn my way.")
        })
        .times(1)
        .returning(|_, _| Box::pin(async { Ok(()) }));
    let mut chat = chat(vec![thread(THREAD, 150)]);
    chat.expect_messages_after().returning(|_, _| {
        Box::pin(async { Ok(vec![message(150, ALICE_MEMBER, false, "On my way.")]) })
    });
    chat.expect_post().never();

    let report = pass(tracker, chat, false).await;

    assert!(report.failed.is_empty(), "{:?}", report.failed);
    assert_eq!(report.to_redmine, 1);
    assert_eq!(
        *states.lock().unwrap(),
        [(42, String::from("v1 j=10 m=150"))]
    );
}

/// A sink for what the threader logs, as text.
#[derive(Clone, Default)]
struct Logged(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Logged {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn a_refused_member_is_warned_about_once_per_process_not_per_pass() {
    // The listing never moves on (a mock), so every pass writes the message again: the
    // refusal is met on each pass.
    let tickets = [ticket(
        42,
        &link(THREAD).to_string(),
        Some("v1 j=10 m=100"),
        Vec::new(),
    )];
    let mut tracker = tracker(&tickets);
    record_states(&mut tracker);
    tracker.expect_acting_as().times(3).returning(|_| {
        let mut alice = MockTracker::new();
        alice.expect_add_note().returning(|_, _| {
            Box::pin(async {
                Err(TrackerError::Forbidden {
                    action: "add a note to ticket 42".into(),
                })
            })
        });
        alice
    });
    tracker
        .expect_add_note()
        .times(3)
        .returning(|_, _| Box::pin(async { Ok(()) }));
    let mut chat = chat(vec![thread(THREAD, 150)]);
    chat.expect_messages_after().returning(|_, _| {
        Box::pin(async { Ok(vec![message(150, ALICE_MEMBER, false, "On my way.")]) })
    });
    let logged = Logged::default();
    let writer = logged.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    let threader = Threader::new(tracker, chat, settings(false));

    for _ in 0..3 {
        let report = threader.pass(people()).await.expect("a pass");
        assert!(report.failed.is_empty(), "{:?}", report.failed);
    }

    let log = String::from_utf8(logged.0.lock().unwrap().clone()).unwrap();
    let warnings: Vec<&str> = log
        .lines()
        .filter(|line| line.contains("does not let this member write notes"))
        .collect();
    assert_eq!(warnings.len(), 1, "{log}");
    assert!(
        warnings[0].contains("WARN") && warnings[0].contains("alice"),
        "{log}"
    );
}

#[tokio::test]
async fn another_refusal_of_a_members_note_still_fails_the_ticket() {
    let tickets = [ticket(
        42,
        &link(THREAD).to_string(),
        Some("v1 j=10 m=100"),
        Vec::new(),
    )];
    let mut tracker = tracker(&tickets);
    tracker.expect_set_sync_fields().never();
    tracker.expect_add_note().never();
    tracker.expect_acting_as().returning(|_| {
        let mut alice = MockTracker::new();
        alice.expect_add_note().returning(|_, _| {
            Box::pin(async {
                Err(TrackerError::Rejected {
                    action: "add a note".into(),
                    errors: vec!["Notes is too long".into()],
                })
            })
        });
        alice
    });
    let mut chat = chat(vec![thread(THREAD, 150)]);
    chat.expect_messages_after().returning(|_, _| {
        Box::pin(async { Ok(vec![message(150, ALICE_MEMBER, false, "On my way.")]) })
    });

    let report = pass(tracker, chat, false).await;

    let failed: Vec<u64> = report.failed.iter().map(|(id, _)| id.get()).collect();
    assert_eq!(failed, [42]);
}

#[tokio::test]
async fn role_and_channel_names_are_read_once_per_pass_and_only_when_mentioned() {
    let linked = |thread| link(thread).to_string();
    let tickets = [
        ticket(41, &linked(THREAD), Some("v1 j=10 m=100"), Vec::new()),
        ticket(42, &linked(444), Some("v1 j=10 m=100"), Vec::new()),
        ticket(43, &linked(555), Some("v1 j=10 m=100"), Vec::new()),
    ];
    let notes = Arc::new(Mutex::new(Vec::new()));
    let mut tracker = tracker(&tickets);
    record_states(&mut tracker);
    let written = Arc::clone(&notes);
    tracker.expect_add_note().returning(move |_, text| {
        written.lock().unwrap().push(text.to_owned());
        Box::pin(async { Ok(()) })
    });
    let mut chat = chat(vec![
        thread(THREAD, 150),
        thread(444, 150),
        thread(555, 150),
    ]);
    chat.expect_messages_after().returning(|channel, _| {
        let content = match channel.get() {
            THREAD => "<@&77> see <#444>",
            444 => "and <#88>",
            _ => "nothing named",
        };
        Box::pin(async move { Ok(vec![message(150, 4004, false, content)]) })
    });
    chat.expect_guild_names().times(1).returning(|_| {
        Box::pin(async {
            Ok(domain::GuildNames {
                roles: BTreeMap::from([(domain::RoleId::new(77).unwrap(), "net-ops".into())]),
                channels: BTreeMap::from([(ChannelId::new(88).unwrap(), "general".into())]),
            })
        })
    });

    let report = pass(tracker, chat, false).await;

    assert!(report.failed.is_empty(), "{:?}", report.failed);
    let notes = notes.lock().unwrap();
    let bodies: Vec<&str> = notes
        .iter()
        .map(|note| note.split("\n\n").nth(1).unwrap_or_default())
        .collect();
    assert_eq!(
        bodies,
        [
            "@\u{200B}net-ops see #thread",
            "and #general",
            "nothing named"
        ]
    );
}

#[tokio::test]
async fn a_bot_that_may_not_read_the_servers_names_asks_once_and_writes_the_mentions_as_unknown() {
    let tickets = [
        ticket(
            41,
            &link(THREAD).to_string(),
            Some("v1 j=10 m=100"),
            Vec::new(),
        ),
        ticket(
            42,
            &link(444).to_string(),
            Some("v1 j=10 m=100"),
            Vec::new(),
        ),
    ];
    let mut tracker = tracker(&tickets);
    record_states(&mut tracker);
    tracker
        .expect_add_note()
        .withf(|_, text| text.contains("\n\n@\u{200B}unknown-role, see #unknown-channel\n\n"))
        .times(2)
        .returning(|_, _| Box::pin(async { Ok(()) }));
    let mut chat = chat(vec![thread(THREAD, 150), thread(444, 150)]);
    chat.expect_messages_after().returning(|_, _| {
        Box::pin(async { Ok(vec![message(150, 4004, false, "<@&77>, see <#88>")]) })
    });
    chat.expect_guild_names().times(1).returning(|_| {
        Box::pin(async {
            Err(crate::ChatError::Forbidden {
                action: "read the roles".into(),
                detail: "Missing Access".into(),
            })
        })
    });

    let report = pass(tracker, chat, false).await;

    assert!(report.failed.is_empty(), "{:?}", report.failed);
    assert_eq!(report.to_redmine, 2);
}

/// Ticket 42 has a new note to mirror; the chat gives the mirror id 200 and answers the look
/// after posting with `after_posting`, then (the next round) with `later`.
async fn mirror_one_note(after_posting: Vec<ChatMessage>, later: Vec<ChatMessage>) -> Vec<String> {
    let tickets = [ticket(
        42,
        &link(THREAD).to_string(),
        Some("v1 j=10 m=100"),
        vec![note(11, "Cable checked.")],
    )];
    let mut tracker = tracker(&tickets);
    let states = record_states(&mut tracker);
    tracker.expect_acting_as().returning(|_| {
        let mut alice = MockTracker::new();
        alice
            .expect_add_note()
            .returning(|_, _| Box::pin(async { Ok(()) }));
        alice
    });
    let mut chat = chat(vec![thread(THREAD, 100)]);
    chat.expect_post()
        .times(1)
        .returning(|_, _, _| Box::pin(async { Ok(vec![MessageId::new(200).unwrap()]) }));
    let looks = AtomicUsize::new(0);
    chat.expect_messages_after().returning(move |_, _| {
        let answer = if looks.fetch_add(1, Ordering::SeqCst) == 0 {
            after_posting.clone()
        } else {
            later.clone()
        };
        Box::pin(async move { Ok(answer) })
    });

    let report = pass(tracker, chat, false).await;

    assert!(report.failed.is_empty(), "{:?}", report.failed);
    let states = states.lock().unwrap();
    states.iter().map(|(_, state)| state.clone()).collect()
}

#[tokio::test]
async fn our_own_post_moves_the_mark_when_nobody_wrote_in_between() {
    let ours = message(200, 7, true, "the mirror");
    let states = mirror_one_note(vec![ours], Vec::new()).await;
    assert_eq!(states, ["v1 j=11 m=200"]);
}

#[tokio::test]
async fn a_message_written_while_we_posted_holds_the_mark_until_it_is_read() {
    let theirs = message(150, ALICE_MEMBER, false, "On my way.");
    let ours = message(200, 7, true, "the mirror");
    let both = vec![theirs, ours];
    let states = mirror_one_note(both.clone(), both).await;
    assert_eq!(states, ["v1 j=11 m=100", "v1 j=11 m=200"]);
}

#[tokio::test]
async fn a_failing_ticket_does_not_stop_the_pass() {
    // Ticket 41's thread refuses the post of its note; ticket 42's takes it.
    let tickets = [
        ticket(
            41,
            &link(THREAD).to_string(),
            Some("v1 j=10 m=100"),
            vec![note(11, "Late.")],
        ),
        ticket(
            42,
            &link(444).to_string(),
            Some("v1 j=10 m=100"),
            vec![note(11, "Done.")],
        ),
    ];
    let mut tracker = tracker(&tickets);
    let states = record_states(&mut tracker);
    let mut chat = chat(vec![thread(THREAD, 100), thread(444, 100)]);
    chat.expect_post()
        .withf(|channel, _, _| channel.get() == THREAD)
        .times(1)
        .returning(|_, _, _| {
            Box::pin(async {
                Err(crate::ChatError::Rejected {
                    action: "post".into(),
                    detail: "refused".into(),
                })
            })
        });
    chat.expect_post()
        .withf(|channel, _, _| channel.get() == 444)
        .times(1)
        .returning(|_, _, _| Box::pin(async { Ok(vec![MessageId::new(200).unwrap()]) }));
    chat.expect_messages_after()
        .returning(|_, _| Box::pin(async { Ok(vec![message(200, 7, true, "the mirror")]) }));

    let report = pass(tracker, chat, false).await;

    assert_eq!(report.looked_at, 2);
    let failed: Vec<u64> = report.failed.iter().map(|(id, _)| id.get()).collect();
    assert_eq!(failed, [41]);
    assert_eq!(
        *states.lock().unwrap(),
        [(42, String::from("v1 j=11 m=200"))]
    );
    assert_eq!(report.to_discord, 1);
}

#[tokio::test]
async fn a_stopped_pass_looks_at_no_ticket() {
    let tickets = [ticket(41, "yes", None, Vec::new())];
    let mut chat = chat(Vec::new());
    chat.expect_post().never();
    let settings = settings(false);
    settings.stop.cancel();
    let report = Threader::new(tracker(&tickets), chat, settings)
        .pass(people())
        .await
        .expect("a pass");
    assert_eq!(report.looked_at, 0);
}

#[tokio::test]
async fn a_member_linked_to_two_logins_is_written_for_by_the_threader_and_one_login_in_two_cases_is_one(
) {
    let mut directory = crate::directory::MockDirectory::new();
    directory
        .expect_can_act_as_others()
        .returning(|| Box::pin(async { Ok(true) }));
    directory.expect_roster().returning(|| {
        let link = |member: u64, login: &str| crate::directory::Link {
            member: DiscordUserId::new(member).unwrap(),
            login: Login::new(login).unwrap(),
        };
        let roster = crate::directory::Roster {
            links: vec![
                link(ALICE_MEMBER, "Alice"),
                link(ALICE_MEMBER, "alice"),
                link(2002, "bob"),
                link(2002, "carol"),
            ],
            people: Vec::new(),
        };
        Box::pin(async move { Ok(roster) })
    });

    let people = WhoIsWho::from_directory(&directory).await.unwrap();

    assert_eq!(
        people.members,
        BTreeMap::from([(
            DiscordUserId::new(ALICE_MEMBER).unwrap(),
            Login::new("Alice").unwrap()
        )])
    );
}

/// Ticket 42 whose note 11 now says "Cable wet.", and a thread whose newest messages hold its
/// mirror (message 150) saying "Cable dry.".
fn an_edited_note() -> (MockTracker, MockChatWithFiles) {
    let tickets = [ticket(
        42,
        &link(THREAD).to_string(),
        Some("v1 j=11 m=150"),
        vec![note(11, "Cable wet.")],
    )];
    let mut chat = MockChatWithFiles::new();
    chat.expect_active_threads()
        .returning(|_| Box::pin(async { Ok(vec![thread(THREAD, 150)]) }));
    chat.expect_recent_messages()
        .withf(|channel, limit| channel.get() == THREAD && *limit == 100)
        .times(1)
        .returning(|_, _| {
            let mirror =
                "**Bob Builder** on [#42](<https://tracker.example.org/t/42#c11>)\nCable dry.";
            Box::pin(async move { Ok(vec![message(150, 7, true, mirror)]) })
        });
    chat.expect_messages_after().never();
    chat.expect_post().never();
    (tracker(&tickets), chat)
}

#[tokio::test]
async fn a_dry_run_records_the_mirror_it_would_rewrite() {
    let (mut tracker, mut chat) = an_edited_note();
    tracker.expect_set_sync_fields().never();
    chat.expect_edit().never();

    let report = pass(tracker, chat, true).await;

    assert_eq!(
        report.planned,
        [String::from("#42: would edit message 150 in Discord (note 11 edited in Redmine): **Bob Builder** on [#42](<https://tracker.example.org/t/42#c11>)")]
    );
    assert_eq!(report.rewritten, 1);
}

#[tokio::test]
async fn a_note_edited_in_the_tracker_rewrites_its_mirror_in_place_with_one_look() {
    let (mut tracker, mut chat) = an_edited_note();
    tracker.expect_set_sync_fields().never();
    chat.expect_edit()
        .withf(|channel, message, text| {
            channel.get() == THREAD && message.get() == 150 && text.ends_with("\nCable wet.")
        })
        .times(1)
        .returning(|_, _, _| Box::pin(async { Ok(()) }));

    let report = pass(tracker, chat, false).await;

    assert!(report.failed.is_empty(), "{:?}", report.failed);
    assert_eq!((report.rewritten, report.to_discord), (1, 0));
    assert!(report
        .summary()
        .contains("0 notes to Discord (1 rewritten)"));
}

#[tokio::test]
async fn a_mirror_that_cannot_be_edited_is_left_and_the_ticket_still_syncs() {
    let (mut tracker, mut chat) = an_edited_note();
    tracker.expect_set_sync_fields().never();
    chat.expect_edit().times(1).returning(|_, _, _| {
        Box::pin(async {
            Err(crate::ChatError::Forbidden {
                action: "edit".into(),
                detail: "Cannot edit a message authored by another user (code 50005)".into(),
            })
        })
    });

    let report = pass(tracker, chat, false).await;

    assert!(report.failed.is_empty(), "{:?}", report.failed);
    assert_eq!(report.rewritten, 0);
}

/// Alice's message 150 with two files, for ticket 42 whose thread is synced up to 100.
fn message_with_files() -> ChatMessage {
    let file = |name: &str| domain::Attachment {
        name: name.into(),
        url: format!("https://cdn.example/{name}"),
        size: 3,
        content_type: Some("image/png".into()),
    };
    let mut said = message(150, ALICE_MEMBER, false, "Photos.");
    said.attachments = vec![file("a.png"), file("b.png")];
    said
}

#[tokio::test]
async fn a_failed_upload_writes_no_note_and_uploads_each_file_at_most_once_per_pass() {
    let tickets = [ticket(
        42,
        &link(THREAD).to_string(),
        Some("v1 j=10 m=100"),
        Vec::new(),
    )];
    let mut tracker = tracker(&tickets);
    let states = record_states(&mut tracker);
    let uploads = Arc::new(AtomicUsize::new(0));
    let counted = Arc::clone(&uploads);
    tracker.expect_acting_as().returning(move |_| {
        let counted = Arc::clone(&counted);
        let mut alice = MockTracker::new();
        alice.expect_upload().returning(move |file| {
            let n = counted.fetch_add(1, Ordering::SeqCst);
            Box::pin(async move {
                if n == 0 {
                    Ok(crate::tracker::Uploaded {
                        token: String::from("1.a"),
                        name: file.name,
                        content_type: file.content_type,
                    })
                } else {
                    Err(TrackerError::Timeout {
                        host: String::from("tracker"),
                        seconds: 1,
                    })
                }
            })
        });
        alice.expect_add_note().never();
        alice.expect_add_note_with_files().never();
        alice
    });
    let mut chat = chat(vec![thread(THREAD, 150)]);
    chat.expect_messages_after()
        .returning(|_, _| Box::pin(async { Ok(vec![message_with_files()]) }));
    chat.expect_download()
        .times(2)
        .returning(|_| Box::pin(async { Ok(b"png".to_vec()) }));

    let report = pass(tracker, chat, false).await;

    assert_eq!(report.failed.len(), 1, "{report:?}");
    assert_eq!(report.to_redmine, 0);
    assert_eq!(uploads.load(Ordering::SeqCst), 2, "each file once");
    assert!(
        states.lock().unwrap().is_empty(),
        "the mark stays: the next pass redoes it"
    );
}

#[tokio::test]
async fn a_file_the_tracker_refuses_is_named_and_the_others_are_attached_with_the_note() {
    let tickets = [ticket(
        42,
        &link(THREAD).to_string(),
        Some("v1 j=10 m=100"),
        Vec::new(),
    )];
    let mut tracker = tracker(&tickets);
    let states = record_states(&mut tracker);
    tracker.expect_acting_as().returning(|_| {
        let mut alice = MockTracker::new();
        alice.expect_upload().returning(|file| {
            Box::pin(async move {
                if file.name == "a.png" {
                    Err(TrackerError::Rejected {
                        action: String::from("upload"),
                        errors: Vec::new(),
                    })
                } else {
                    Ok(crate::tracker::Uploaded {
                        token: String::from("2.b"),
                        name: file.name,
                        content_type: file.content_type,
                    })
                }
            })
        });
        alice
            .expect_add_note_with_files()
            .withf(|id, text, files| {
                id.get() == 42
                    && text.contains("(not kept: a.png, 3 B, over Redmine's limit)")
                    && files.len() == 1
                    && files[0].token == "2.b"
            })
            .times(1)
            .returning(|_, _, _| Box::pin(async { Ok(()) }));
        alice
    });
    let mut chat = chat(vec![thread(THREAD, 150)]);
    chat.expect_messages_after()
        .returning(|_, _| Box::pin(async { Ok(vec![message_with_files()]) }));
    chat.expect_download()
        .returning(|_| Box::pin(async { Ok(b"png".to_vec()) }));

    let report = pass(tracker, chat, false).await;

    assert!(report.failed.is_empty(), "{report:?}");
    assert_eq!(report.to_redmine, 1);
    assert_eq!(
        *states.lock().unwrap(),
        [(42, String::from("v1 j=10 m=150"))]
    );
}

#[tokio::test]
async fn a_member_the_tracker_will_not_let_write_has_their_files_uploaded_and_attached_by_the_threader_once(
) {
    let tickets = [ticket(
        42,
        &link(THREAD).to_string(),
        Some("v1 j=10 m=100"),
        Vec::new(),
    )];
    let mut tracker = tracker(&tickets);
    let states = record_states(&mut tracker);
    tracker
        .expect_acting_as()
        .withf(|login| login.as_str() == "alice")
        .times(1)
        .returning(|_| {
            let mut alice = MockTracker::new();
            alice.expect_upload().times(2).returning(|file| {
                Box::pin(async move {
                    Ok(crate::tracker::Uploaded {
                        token: format!("alice.{}", file.name),
                        name: file.name,
                        content_type: file.content_type,
                    })
                })
            });
            alice
                .expect_add_note_with_files()
                .times(1)
                .returning(|_, _, _| {
                    Box::pin(async {
                        Err(TrackerError::Forbidden {
                            action: "add a note to ticket 42".into(),
                        })
                    })
                });
            alice.expect_add_note().never();
            alice
        });
    tracker.expect_upload().times(2).returning(|file| {
        Box::pin(async move {
            Ok(crate::tracker::Uploaded {
                token: format!("threader.{}", file.name),
                name: file.name,
                content_type: file.content_type,
            })
        })
    });
    tracker
        .expect_add_note_with_files()
        .withf(|id, text, files| {
            let tokens: Vec<&str> = files.iter().map(|file| file.token.as_str()).collect();
            id.get() == 42
                && text.starts_with("alice on Discord wrote:\n\nPhotos.")
                && tokens == ["threader.a.png", "threader.b.png"]
        })
        .times(1)
        .returning(|_, _, _| Box::pin(async { Ok(()) }));
    tracker.expect_add_note().never();
    let mut chat = chat(vec![thread(THREAD, 150)]);
    chat.expect_messages_after()
        .returning(|_, _| Box::pin(async { Ok(vec![message_with_files()]) }));
    chat.expect_download()
        .times(4)
        .returning(|_| Box::pin(async { Ok(b"png".to_vec()) }));

    let report = pass(tracker, chat, false).await;

    assert!(report.failed.is_empty(), "{:?}", report.failed);
    assert_eq!(report.to_redmine, 1);
    assert_eq!(
        *states.lock().unwrap(),
        [(42, String::from("v1 j=10 m=150"))]
    );
}
