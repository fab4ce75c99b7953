//! The notifier against mocked ports: a dry run sends nothing, every kind of notice is sent
//! (or recorded) and reported through one path, a notice that fails is its ticket's failure
//! only, and an error that stops the notifications says its cause once.

#![cfg(test)]

use std::collections::BTreeMap;

use chrono::{DateTime, TimeDelta, Utc};
use domain::notify::{DigestRule, NotifyRules};
use domain::{ChannelId, Named, ProjectId, Ticket, TicketId, TicketLinks};

use super::{Notifier, NotifyReport};
use crate::chat::{ChatError, MockChat};
use crate::tracker::{MockTracker, TrackerError};

const INTAKE: u64 = 300;

fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-26T12:00:00Z")
        .unwrap()
        .with_timezone(&Utc)
}

/// Ticket `n`, created and last updated `age` ago, in status 1.
fn ticket(n: u64, age: TimeDelta) -> Ticket {
    Ticket {
        id: TicketId::new(n).unwrap(),
        subject: format!("ticket {n}"),
        description: String::new(),
        status: Named::new(1, "New"),
        priority: Named::new(2, "Normal"),
        tracker: Named::new(1, "Bug"),
        project: Named::new(ProjectId::new(1).unwrap(), "Network Operations"),
        category: None,
        assigned_to: None,
        author: "Bob Builder".into(),
        created_on: now() - age,
        updated_on: now() - age,
        url: format!("https://tracker.example.org/t/{n}"),
        journals: Vec::new(),
        thread_field: None,
        sync_state: None,
        due_date: None,
        attachments: Vec::new(),
    }
}

/// Announce what is a day old at most; remind of tickets idle in status 1 for two days.
fn rules() -> NotifyRules {
    NotifyRules {
        intake: ChannelId::new(INTAKE).unwrap(),
        window: TimeDelta::days(1),
        routes: Vec::new(),
        stale: BTreeMap::from([(1, TimeDelta::days(2))]),
        digest: None,
        recycle: None,
    }
}

/// A tracker whose newest tickets are `newest` and whose status 1 holds `stale`.
fn tracker(newest: Vec<Ticket>, stale: Vec<Ticket>) -> MockTracker {
    let mut tracker = MockTracker::new();
    tracker.expect_newest().returning(move |_| {
        let newest = newest.clone();
        Box::pin(async move { Ok(newest) })
    });
    tracker.expect_in_status().returning(move |_| {
        let stale = stale.clone();
        Box::pin(async move { Ok(stale) })
    });
    tracker.expect_ticket_links().returning(|| {
        TicketLinks::new(
            "https://tracker.example.org/t/",
            "#c",
            "https://tracker.example.org/a/",
        )
    });
    tracker
}

/// A chat whose channels hold nothing yet.
fn chat() -> MockChat {
    let mut chat = MockChat::new();
    chat.expect_recent_messages()
        .returning(|_, _| Box::pin(async { Ok(Vec::new()) }));
    chat
}

async fn notify(
    tracker: &MockTracker,
    chat: &MockChat,
    rules: &NotifyRules,
    dry_run: bool,
) -> NotifyReport {
    Notifier::new(tracker, chat, rules, dry_run)
        .pass(now(), &BTreeMap::new())
        .await
        .expect("a notification pass")
}

#[tokio::test]
async fn a_dry_run_sends_nothing_and_reports_each_notice_it_would_send() {
    let tracker = tracker(
        vec![ticket(7, TimeDelta::hours(1))],
        vec![ticket(5, TimeDelta::days(3))],
    );
    let mut chat = chat();
    chat.expect_post().never();

    let report = notify(&tracker, &chat, &rules(), true).await;

    assert_eq!(
        report.planned,
        [
            format!("#7: would announce in channel {INTAKE}"),
            format!("#5: would remind in channel {INTAKE}"),
        ]
    );
    assert_eq!((report.announced, report.reminded), (1, 1));
}

#[tokio::test]
async fn a_dry_run_digest_is_recorded_with_the_number_of_its_tickets() {
    let tracker = tracker(
        Vec::new(),
        vec![ticket(5, TimeDelta::days(3)), ticket(6, TimeDelta::days(4))],
    );
    let mut chat = chat();
    chat.expect_post().never();
    let rules = NotifyRules {
        digest: Some(DigestRule::parse("00:00", None).unwrap()),
        recycle: None,
        ..rules()
    };

    let report = notify(&tracker, &chat, &rules, true).await;

    assert_eq!(
        report.planned,
        [format!(
            "would send the digest of 2 stale tickets to channel {INTAKE}"
        )]
    );
    assert_eq!(report.reminded, 2);
}

#[tokio::test]
async fn a_notice_that_cannot_be_sent_fails_only_its_ticket() {
    let tracker = tracker(
        vec![
            ticket(8, TimeDelta::hours(1)),
            ticket(7, TimeDelta::hours(2)),
        ],
        Vec::new(),
    );
    let mut chat = chat();
    chat.expect_post()
        .withf(|_, text, _| text.contains("[#7]"))
        .times(1)
        .returning(|_, _, _| {
            Box::pin(async {
                Err(ChatError::Rejected {
                    action: "post".into(),
                    detail: "refused".into(),
                })
            })
        });
    chat.expect_post()
        .withf(|_, text, _| text.contains("[#8]"))
        .times(1)
        .returning(|_, _, _| Box::pin(async { Ok(Vec::new()) }));

    let report = notify(&tracker, &chat, &rules(), false).await;

    let failed: Vec<u64> = report.failed.iter().map(|(id, _)| id.get()).collect();
    assert_eq!(failed, [7]);
    assert_eq!((report.announced, report.reminded), (1, 0));
    assert!(report.planned.is_empty());
}

#[tokio::test]
async fn a_notice_that_cannot_reach_the_chat_is_reported_with_the_networks_reason() {
    let tracker = tracker(vec![ticket(7, TimeDelta::hours(1))], Vec::new());
    let mut chat = chat();
    chat.expect_post().times(1).returning(|_, _, _| {
        Box::pin(async {
            Err(ChatError::Unreachable {
                cause: "Connection refused (os error 111)".into(),
            })
        })
    });

    let report = notify(&tracker, &chat, &rules(), false).await;

    let reasons: Vec<&str> = report.failed.iter().map(|(_, why)| why.as_str()).collect();
    assert_eq!(
        reasons,
        ["cannot reach the chat: Connection refused (os error 111)"]
    );
}

#[tokio::test]
async fn an_error_that_stops_the_notifications_says_its_cause_once() {
    let mut tracker = MockTracker::new();
    tracker.expect_newest().returning(|_| {
        Box::pin(async {
            Err(TrackerError::Unexpected {
                host: "tracker.example.org".into(),
                action: "list the newest tickets".into(),
                detail: "not JSON".into(),
            })
        })
    });
    let chat = chat();

    let error = Notifier::new(&tracker, &chat, &rules(), false)
        .pass(now(), &BTreeMap::new())
        .await
        .unwrap_err();

    assert_eq!(
        crate::with_causes(&error),
        "cannot list the tickets to notify about: unexpected answer from the tracker at \
         tracker.example.org to list the newest tickets: not JSON"
    );
}
