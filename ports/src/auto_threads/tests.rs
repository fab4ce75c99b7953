//! Automatic threads against a mocked tracker: one listing since the last look, the ask
//! written only on new tickets with an empty field, a dry run that writes nothing, and a
//! failure that is its ticket's only and tried again next look.

#![cfg(test)]

use chrono::{DateTime, TimeDelta, Utc};
use domain::auto_threads::{Since, ASK};
use domain::{Named, ProjectId, Ticket, TicketId};

use super::AutoThreads;
use crate::tracker::{ArrivalFilter, MockTracker, TrackerError};

fn start() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-27T12:00:00Z")
        .unwrap()
        .with_timezone(&Utc)
}

fn ticket(n: u64, seconds: i64, thread: Option<&str>) -> Ticket {
    Ticket {
        id: TicketId::new(n).unwrap(),
        subject: format!("ticket {n}"),
        description: String::new(),
        status: Named::new(1, "New"),
        priority: Named::new(2, "Normal"),
        tracker: Named::new(4, "Mutual-Aid-Action"),
        project: Named::new(ProjectId::new(1).unwrap(), "Network Operations"),
        category: None,
        assigned_to: None,
        author: "Bob Builder".into(),
        created_on: start() + TimeDelta::seconds(seconds),
        updated_on: start() + TimeDelta::seconds(seconds),
        url: format!("https://tracker.example.org/t/{n}"),
        journals: Vec::new(),
        thread_field: thread.map(str::to_owned),
        sync_state: None,
        attachments: Vec::new(),
        due_date: None,
    }
}

fn id(n: u64) -> TicketId {
    TicketId::new(n).unwrap()
}

fn filter() -> ArrivalFilter {
    ArrivalFilter {
        trackers: vec![4],
        projects: Vec::new(),
    }
}

/// A tracker listing `listed` once, for a look from `start()`, with this filter.
fn listing(listed: Vec<Ticket>) -> MockTracker {
    let mut tracker = MockTracker::new();
    tracker
        .expect_created_since()
        .withf(|since, filter| *since == start() && *filter == super::tests::filter())
        .times(1)
        .return_once(move |_, _| Box::pin(async move { Ok(listed) }));
    tracker
}

fn from_start() -> Since {
    Since {
        at: start(),
        seen: std::collections::BTreeSet::new(),
        first: false,
    }
}

#[tokio::test]
async fn new_tickets_with_an_empty_thread_field_are_asked_a_thread_for() {
    let mut tracker = listing(vec![
        ticket(5, 1, None),
        ticket(6, 2, Some("https://discord.com/channels/1/2")),
        ticket(7, 3, None),
    ]);
    tracker
        .expect_set_sync_fields()
        .withf(|id, fields| {
            [5, 7].contains(&id.get())
                && fields.thread.as_deref() == Some(ASK)
                && fields.state.is_none()
        })
        .times(2)
        .returning(|_, _| Box::pin(async { Ok(()) }));
    let filter = filter();
    let report = AutoThreads::new(&tracker, &filter, false)
        .pass(&from_start())
        .await
        .unwrap();
    assert_eq!(report.asked, [id(5), id(7)]);
    assert!(report.failed.is_empty());
    assert_eq!(report.next.at, start() + TimeDelta::seconds(3));
    assert_eq!(report.next.seen, [id(7)].into_iter().collect());
}

#[tokio::test]
async fn a_dry_run_writes_nothing_and_says_what_it_would_ask() {
    let tracker = listing(vec![ticket(5, 1, None)]);
    let filter = filter();
    let report = AutoThreads::new(&tracker, &filter, true)
        .pass(&from_start())
        .await
        .unwrap();
    assert!(report.asked.is_empty());
    assert_eq!(report.planned, ["#5: would ask for a thread (new ticket)"]);
}

#[tokio::test]
async fn a_field_that_cannot_be_written_is_its_tickets_failure_and_tried_again_next_look() {
    let mut tracker = listing(vec![ticket(5, 1, None), ticket(6, 2, None)]);
    tracker.expect_set_sync_fields().returning(|id, _| {
        let result = if id.get() == 5 {
            Err(TrackerError::Forbidden {
                action: String::from("record the Discord thread of ticket 5"),
            })
        } else {
            Ok(())
        };
        Box::pin(async move { result })
    });
    let filter = filter();
    let report = AutoThreads::new(&tracker, &filter, false)
        .pass(&from_start())
        .await
        .unwrap();
    assert_eq!(report.asked, [id(6)]);
    assert_eq!(report.failed.len(), 1);
    assert_eq!(report.next.at, start() + TimeDelta::seconds(1));
    assert_eq!(report.next.seen, [id(6)].into_iter().collect());
}

#[tokio::test]
async fn a_listing_that_fails_stops_the_look_and_writes_nothing() {
    let mut tracker = MockTracker::new();
    tracker
        .expect_created_since()
        .return_once(|_, _| Box::pin(async { Err(TrackerError::Unauthorized) }));
    let filter = filter();
    let error = AutoThreads::new(&tracker, &filter, false)
        .pass(&from_start())
        .await
        .unwrap_err();
    assert!(matches!(error, TrackerError::Unauthorized));
}
