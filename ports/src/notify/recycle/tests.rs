//! Recycling inside the notifier, against mocked ports: one listing of the idle tickets, the
//! status and team set then the note written, a dry run that writes nothing, a refusal that is
//! its ticket's failure only, and a ticket the change left updated not handed back again.

#![cfg(test)]

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, TimeDelta, Utc};
use domain::notify::{NotifyRules, Ping, RecycleRule, Route};
use domain::{
    AssigneeChange, ChannelId, Named, Principal, ProjectId, Status, StatusId, Team, Ticket,
    TicketId, TicketLinks, User, UserId,
};

use crate::chat::MockChat;
use crate::notify::Notifier;
use crate::tracker::{MockTracker, TrackerError};

fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-26T12:00:00Z")
        .unwrap()
        .with_timezone(&Utc)
}

fn field_team() -> Team {
    Team {
        id: UserId::new(7).unwrap(),
        name: "Field Team".into(),
    }
}

/// Ticket `n` in project 1, In Progress with Alice, idle `days` days.
fn ticket(n: u64, days: i64) -> Ticket {
    Ticket {
        id: TicketId::new(n).unwrap(),
        subject: format!("ticket {n}"),
        description: String::new(),
        status: Named::new(2, "In Progress"),
        priority: Named::new(2, "Normal"),
        tracker: Named::new(1, "Bug"),
        project: Named::new(ProjectId::new(1).unwrap(), "Network Operations"),
        category: None,
        assigned_to: Some(Principal::User(User {
            id: UserId::new(5).unwrap(),
            login: Some("alice".into()),
            name: "Alice Liddell".into(),
        })),
        author: "Bob Builder".into(),
        created_on: now() - TimeDelta::days(90),
        updated_on: now() - TimeDelta::days(days),
        url: format!("https://tracker.example.org/t/{n}"),
        journals: Vec::new(),
        thread_field: None,
        sync_state: None,
        attachments: Vec::new(),
        due_date: None,
    }
}

/// Project 1's tickets go to the Field Team after 21 idle days, set back to New.
fn rules() -> NotifyRules {
    NotifyRules {
        intake: ChannelId::new(300).unwrap(),
        window: TimeDelta::days(1),
        routes: vec![Route {
            project: Some(ProjectId::new(1).unwrap()),
            tracker: None,
            category: None,
            assignee: None,
            channel: ChannelId::new(301).unwrap(),
            ping: Ping::Nobody,
            team: Some(field_team()),
        }],
        stale: BTreeMap::new(),
        digest: None,
        recycle: Some(RecycleRule {
            after: TimeDelta::days(21),
            status: Status {
                id: StatusId::new(1).unwrap(),
                name: "New".into(),
                is_closed: false,
            },
            skip_priorities: Vec::new(),
        }),
    }
}

/// A tracker with no new tickets whose idle listing (asked for 21 days back) is `idle`.
fn tracker(idle: Vec<Ticket>) -> MockTracker {
    let mut tracker = MockTracker::new();
    tracker
        .expect_newest()
        .returning(|_| Box::pin(async { Ok(Vec::new()) }));
    tracker.expect_ticket_links().returning(|| {
        TicketLinks::new(
            "https://tracker.example.org/t/",
            "#c",
            "https://tracker.example.org/a/",
        )
    });
    tracker
        .expect_idle_since()
        .withf(|until| *until == now() - TimeDelta::days(21))
        .times(1)
        .returning(move |_| {
            let idle = idle.clone();
            Box::pin(async move { Ok(idle) })
        });
    tracker
}

async fn pass(tracker: &MockTracker, dry_run: bool) -> crate::notify::NotifyReport {
    let mut chat = MockChat::new();
    chat.expect_post().never();
    let rules = rules();
    Notifier::new(tracker, &chat, &rules, dry_run)
        .pass(now(), &BTreeMap::new())
        .await
        .expect("a pass")
}

#[tokio::test]
async fn an_idle_ticket_is_set_back_assigned_to_its_team_and_noted_with_why() {
    let mut tracker = tracker(vec![ticket(42, 22), ticket(43, 3)]);
    let writes = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::clone(&writes);
    tracker
        .expect_update()
        .times(1)
        .returning(move |id, update| {
            assert_eq!(
                update.assignee,
                AssigneeChange::Set(UserId::new(7).unwrap())
            );
            assert_eq!(
                update.status.as_ref().map(|status| status.name.as_str()),
                Some("New")
            );
            seen.lock().unwrap().push(format!("update #{id}"));
            Box::pin(async { Ok(()) })
        });
    let seen = Arc::clone(&writes);
    tracker
        .expect_add_note()
        .times(1)
        .returning(move |id, text| {
            seen.lock().unwrap().push(format!("note #{id}: {text}"));
            Box::pin(async { Ok(()) })
        });

    let report = pass(&tracker, false).await;

    assert_eq!(report.recycled, 1);
    assert_eq!(
        *writes.lock().unwrap(),
        [
            String::from("update #42"),
            String::from("note #42: Handed back to Field Team and set to New: no update for 3 weeks while with Alice Liddell in In Progress."),
        ]
    );
}

#[tokio::test]
async fn a_dry_run_writes_nothing_and_says_whom_it_would_hand_back_to() {
    let mut tracker = tracker(vec![ticket(42, 22)]);
    tracker.expect_update().never();
    tracker.expect_add_note().never();
    let report = pass(&tracker, true).await;
    assert_eq!(report.planned, ["#42: would hand back to Field Team (New)"]);
    assert_eq!(report.recycled, 1);
}

#[tokio::test]
async fn a_refused_change_is_its_tickets_failure_and_writes_no_note() {
    let mut tracker = tracker(vec![ticket(42, 22), ticket(44, 30)]);
    tracker.expect_update().times(2).returning(|id, _| {
        let result = if id.get() == 42 {
            Err(TrackerError::Forbidden {
                action: String::from("update ticket 42"),
            })
        } else {
            Ok(())
        };
        Box::pin(async move { result })
    });
    tracker
        .expect_add_note()
        .withf(|id, _| id.get() == 44)
        .times(1)
        .returning(|_, _| Box::pin(async { Ok(()) }));
    let report = pass(&tracker, false).await;
    assert_eq!(report.recycled, 1);
    assert_eq!(report.failed.len(), 1);
    assert_eq!(report.failed[0].0, TicketId::new(42).unwrap());
}

#[tokio::test]
async fn a_ticket_the_change_left_updated_is_not_handed_back_on_the_next_pass() {
    // What the tracker lists once the change made it with the team, updated just now: the
    // change ended the idle spell.
    let mut recycled = ticket(42, 0);
    recycled.assigned_to = Some(Principal::Team(field_team()));
    let mut tracker = tracker(vec![recycled]);
    tracker.expect_update().never();
    tracker.expect_add_note().never();
    assert_eq!(pass(&tracker, false).await.recycled, 0);
}
