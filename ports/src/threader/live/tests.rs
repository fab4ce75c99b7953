//! The live path against mocked ports: a member's message is a note at once, as the member,
//! reading nothing of the chat when the event is all there is; anything less certain takes
//! a whole look; an edit or a deletion follows into the note; a burst stays in order.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use arc_swap::ArcSwapOption;
use domain::{
    ChannelId, ChatMessage, JournalId, Login, MessageId, Status, StatusId, TicketId, UserId,
};

use super::super::tests::{
    link, message, note, people, record_states, settings, ticket, tracker, ALICE_MEMBER, BOT_USER,
    THREAD,
};
use super::{Applied, Dispatcher, Outcome};
use crate::chat::{ChatEvent, Heard, MockChatWithFiles};
use crate::threader::{Known, Threader};
use crate::tracker::{MockTracker, TrackerError};
use crate::vitals::Quiet;

const ALICE_USER: u64 = 7;

fn known() -> Known {
    let mut people = people();
    people.logins.insert(
        Login::new("alice").unwrap(),
        UserId::new(ALICE_USER).unwrap(),
    );
    Known {
        bot_user: UserId::new(BOT_USER).unwrap(),
        statuses: vec![Status {
            id: StatusId::new(1).unwrap(),
            name: "New".into(),
            is_closed: false,
        }],
        people,
    }
}

fn thread() -> ChannelId {
    ChannelId::new(THREAD).unwrap()
}

fn id(n: u64) -> MessageId {
    MessageId::new(n).unwrap()
}

/// Alice's tracker user, writing notes and recording their texts in order.
fn alice_writing(notes: &Arc<Mutex<Vec<String>>>) -> MockTracker {
    let notes = Arc::clone(notes);
    let mut alice = MockTracker::new();
    alice.expect_add_note().returning(move |_, text| {
        notes.lock().unwrap().push(text.to_owned());
        Box::pin(async { Ok(()) })
    });
    alice
}

/// A note Alice wrote (as herself) for message `message` of the thread.
fn alices_note(journal: u64, message: u64, text: &str) -> domain::Journal {
    let mut written = note(
        journal,
        &format!(
            "{text}\n\n{}",
            domain::render::mirror::message_marker(&link(THREAD), id(message))
        ),
    );
    written.author = "Alice".into();
    written.author_id = Some(UserId::new(ALICE_USER).unwrap());
    written
}

#[tokio::test]
async fn a_message_right_after_the_marked_one_is_a_note_at_once_and_the_chat_is_not_read() {
    let tickets = [ticket(
        42,
        &link(THREAD).to_string(),
        Some("v1 j=10 m=100"),
        Vec::new(),
    )];
    let mut tracker = tracker(&tickets);
    let states = record_states(&mut tracker);
    let notes = Arc::new(Mutex::new(Vec::new()));
    let written = Arc::clone(&notes);
    tracker
        .expect_acting_as()
        .withf(|login| login.as_str() == "alice")
        .returning(move |_| alice_writing(&written));
    // No expectation at all: any request to the chat fails the test.
    let chat = MockChatWithFiles::new();
    let threader = Threader::new(tracker, chat, settings(false));

    let applied = threader
        .apply_posted(
            &known(),
            TicketId::new(42).unwrap(),
            thread(),
            &[message(150, ALICE_MEMBER, false, "On my way.")],
            Some(id(100)),
        )
        .await
        .expect("applied");

    assert_eq!(
        applied,
        Applied {
            notes: 1,
            ..Applied::default()
        }
    );
    let notes = notes.lock().unwrap();
    assert_eq!(notes.len(), 1);
    assert!(notes[0].starts_with("On my way."), "{notes:?}");
    assert_eq!(
        *states.lock().unwrap(),
        [(42, String::from("v1 j=10 m=150"))]
    );
}

#[tokio::test]
async fn a_message_whose_predecessor_was_not_heard_takes_a_whole_look_and_loses_nothing() {
    let tickets = [ticket(
        42,
        &link(THREAD).to_string(),
        Some("v1 j=10 m=100"),
        Vec::new(),
    )];
    let mut tracker = tracker(&tickets);
    let states = record_states(&mut tracker);
    let notes = Arc::new(Mutex::new(Vec::new()));
    let written = Arc::clone(&notes);
    tracker
        .expect_acting_as()
        .returning(move |_| alice_writing(&written));
    let mut chat = MockChatWithFiles::new();
    let both = vec![
        message(120, ALICE_MEMBER, false, "Written while we were away."),
        message(150, ALICE_MEMBER, false, "On my way."),
    ];
    let recent = both.clone();
    chat.expect_recent_messages()
        .times(1)
        .returning(move |_, _| {
            let recent = recent.clone();
            Box::pin(async move { Ok(recent) })
        });
    chat.expect_messages_after().returning(move |_, _| {
        let both = both.clone();
        Box::pin(async move { Ok(both) })
    });
    let threader = Threader::new(tracker, chat, settings(false));

    let applied = threader
        .apply_posted(
            &known(),
            TicketId::new(42).unwrap(),
            thread(),
            &[message(150, ALICE_MEMBER, false, "On my way.")],
            Some(id(120)),
        )
        .await
        .expect("applied");

    assert!(applied.whole_look);
    assert_eq!(applied.notes, 2);
    let notes = notes.lock().unwrap();
    assert!(
        notes[0].starts_with("Written while we were away."),
        "{notes:?}"
    );
    assert!(notes[1].starts_with("On my way."), "{notes:?}");
    assert_eq!(
        states
            .lock()
            .unwrap()
            .last()
            .map(|(_, state)| state.clone()),
        Some(String::from("v1 j=10 m=150"))
    );
}

#[tokio::test]
async fn a_note_already_written_before_a_crash_is_not_written_again_only_marked() {
    // The note for message 150 exists, but the state was not recorded (killed in between).
    let tickets = [ticket(
        42,
        &link(THREAD).to_string(),
        Some("v1 j=10 m=100"),
        vec![alices_note(11, 150, "On my way.")],
    )];
    let mut tracker = tracker(&tickets);
    let states = record_states(&mut tracker);
    tracker.expect_acting_as().never();
    tracker.expect_add_note().never();
    let threader = Threader::new(tracker, MockChatWithFiles::new(), settings(false));

    let applied = threader
        .apply_posted(
            &known(),
            TicketId::new(42).unwrap(),
            thread(),
            &[message(150, ALICE_MEMBER, false, "On my way.")],
            Some(id(100)),
        )
        .await
        .expect("applied");

    assert_eq!(applied.notes, 0);
    assert_eq!(
        *states.lock().unwrap(),
        [(42, String::from("v1 j=11 m=150"))]
    );
}

#[tokio::test]
async fn the_threaders_own_posts_cost_one_read_and_write_nothing() {
    let tickets = [ticket(
        42,
        &link(THREAD).to_string(),
        Some("v1 j=10 m=100"),
        Vec::new(),
    )];
    let mut tracker = tracker(&tickets);
    tracker.expect_set_sync_fields().never();
    tracker.expect_acting_as().never();
    let threader = Threader::new(tracker, MockChatWithFiles::new(), settings(false));

    let applied = threader
        .apply_posted(
            &known(),
            TicketId::new(42).unwrap(),
            thread(),
            &[message(160, 77, true, "**Bob** on #42: mirrored")],
            Some(id(100)),
        )
        .await
        .expect("applied");

    assert_eq!(applied, Applied::default());
}

#[tokio::test]
async fn an_edited_message_edits_its_note_in_place_as_the_member() {
    let tickets = [ticket(
        42,
        &link(THREAD).to_string(),
        Some("v1 j=11 m=150"),
        vec![alices_note(11, 150, "On my way.")],
    )];
    let mut tracker = tracker(&tickets);
    let edits = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::clone(&edits);
    tracker
        .expect_acting_as()
        .withf(|login| login.as_str() == "alice")
        .times(1)
        .returning(move |_| {
            let seen = Arc::clone(&seen);
            let mut alice = MockTracker::new();
            alice
                .expect_edit_note()
                .returning(move |ticket, journal, text| {
                    seen.lock()
                        .unwrap()
                        .push((ticket.get(), journal.get(), text.to_owned()));
                    Box::pin(async { Ok(()) })
                });
            alice
        });
    tracker.expect_edit_note().never();
    let threader = Threader::new(tracker, MockChatWithFiles::new(), settings(false));

    let applied = threader
        .apply_edited(
            &known(),
            TicketId::new(42).unwrap(),
            thread(),
            &message(150, ALICE_MEMBER, false, "On my way, there in 10 minutes."),
        )
        .await
        .expect("applied");

    assert_eq!(applied.edited, 1);
    let edits = edits.lock().unwrap();
    assert_eq!(edits.len(), 1);
    let (ticket, journal, text) = &edits[0];
    assert_eq!((*ticket, *journal), (42, 11));
    assert!(
        text.starts_with("On my way, there in 10 minutes."),
        "{text}"
    );
    assert!(
        text.ends_with(&domain::render::mirror::message_marker(
            &link(THREAD),
            id(150)
        )),
        "the note keeps its message link: {text}"
    );
}

#[tokio::test]
async fn an_edit_the_member_may_not_make_is_made_as_the_threader() {
    let tickets = [ticket(
        42,
        &link(THREAD).to_string(),
        Some("v1 j=11 m=150"),
        vec![alices_note(11, 150, "On my way.")],
    )];
    let mut tracker = tracker(&tickets);
    tracker.expect_acting_as().times(1).returning(|_| {
        let mut alice = MockTracker::new();
        alice.expect_edit_note().returning(|_, _, _| {
            Box::pin(async {
                Err(TrackerError::Forbidden {
                    action: "edit note 11 of ticket 42".into(),
                })
            })
        });
        alice
    });
    tracker
        .expect_edit_note()
        .withf(|ticket, journal, text| {
            ticket.get() == 42 && journal.get() == 11 && text.starts_with("Later.")
        })
        .times(1)
        .returning(|_, _, _| Box::pin(async { Ok(()) }));
    let threader = Threader::new(tracker, MockChatWithFiles::new(), settings(false));

    let applied = threader
        .apply_edited(
            &known(),
            TicketId::new(42).unwrap(),
            thread(),
            &message(150, ALICE_MEMBER, false, "Later."),
        )
        .await
        .expect("applied");

    assert_eq!(applied.edited, 1);
}

#[tokio::test]
async fn a_deleted_message_leaves_its_note_without_its_text() {
    let tickets = [ticket(
        42,
        &link(THREAD).to_string(),
        Some("v1 j=11 m=150"),
        vec![alices_note(11, 150, "My phone number is 555-0100.")],
    )];
    let mut tracker = tracker(&tickets);
    let edits = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::clone(&edits);
    tracker.expect_acting_as().times(1).returning(move |_| {
        let seen = Arc::clone(&seen);
        let mut alice = MockTracker::new();
        alice.expect_edit_note().returning(move |_, journal, text| {
            seen.lock().unwrap().push((journal, text.to_owned()));
            Box::pin(async { Ok(()) })
        });
        alice
    });
    let threader = Threader::new(tracker, MockChatWithFiles::new(), settings(false));

    let applied = threader
        .apply_deleted(&known(), TicketId::new(42).unwrap(), thread(), id(150))
        .await
        .expect("applied");

    assert_eq!(applied.deleted, 1);
    let edits = edits.lock().unwrap();
    let (journal, text) = &edits[0];
    assert_eq!(*journal, JournalId::new(11).unwrap());
    assert!(!text.contains("555-0100"), "{text}");
    assert!(
        text.starts_with("A message Alice wrote on Discord at ")
            && text.contains("was deleted there."),
        "who and when are kept: {text}"
    );
    assert!(
        text.contains(&domain::render::mirror::message_marker(
            &link(THREAD),
            id(150)
        )),
        "{text}"
    );
}

#[tokio::test]
async fn a_burst_of_twenty_messages_becomes_twenty_notes_in_order_once_each() {
    let tickets = [ticket(
        42,
        &link(THREAD).to_string(),
        Some("v1 j=10 m=100"),
        Vec::new(),
    )];
    let mut tracker = tracker(&tickets);
    let states = record_states(&mut tracker);
    let notes = Arc::new(Mutex::new(Vec::new()));
    let written = Arc::clone(&notes);
    tracker
        .expect_acting_as()
        .returning(move |_| alice_writing(&written));
    let threader = Arc::new(Threader::new(
        tracker,
        MockChatWithFiles::new(),
        settings(false),
    ));
    threader.route(thread(), TicketId::new(42).unwrap());
    let known = Arc::new(ArcSwapOption::from_pointee(known()));
    let outcome = Arc::new(Outcome::default());
    let mut dispatcher = Dispatcher::new(
        Arc::clone(&threader),
        known,
        Arc::new(Quiet),
        Arc::clone(&outcome),
    );

    // The threader's own last post (the mark), then twenty messages in a row.
    let posted = |message: ChatMessage| {
        Heard::now(ChatEvent::MessagePosted {
            channel: thread(),
            message,
        })
    };
    dispatcher.dispatch(posted(message(100, 77, true, "mirror")));
    for n in 1..=20 {
        dispatcher.dispatch(posted(message(
            100 + n,
            ALICE_MEMBER,
            false,
            &format!("message {n}"),
        )));
    }
    for _ in 0..200 {
        if notes.lock().unwrap().len() >= 20 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    // Let anything that would write twice do so before looking.
    tokio::time::sleep(Duration::from_millis(50)).await;

    let notes = notes.lock().unwrap();
    let firsts: Vec<&str> = notes
        .iter()
        .map(|text| text.lines().next().unwrap_or_default())
        .collect();
    let expected: Vec<String> = (1..=20).map(|n| format!("message {n}")).collect();
    assert_eq!(firsts, expected);
    assert_eq!(
        states
            .lock()
            .unwrap()
            .last()
            .map(|(_, state)| state.clone()),
        Some(String::from("v1 j=10 m=120"))
    );
    assert!(!outcome.catch_up.load(std::sync::atomic::Ordering::SeqCst));
}
