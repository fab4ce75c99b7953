//! A team's status against a mocked tracker: the team found by name or answered with the
//! closest names, its work listed once, and `[notify.stale]` read by status name.

#![cfg(test)]

use std::collections::BTreeMap;

use chrono::{DateTime, TimeDelta, Utc};
use domain::team_status::Bucket;
use domain::{Named, ProjectId, Status, StatusId, Team, Ticket, TicketId, UserId};

use super::{complete_team, find_team, status_of};
use crate::tracker::{MockTracker, TrackerError};

fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-26T12:00:00Z")
        .unwrap()
        .with_timezone(&Utc)
}

fn team(id: u64, name: &str) -> Team {
    Team {
        id: UserId::new(id).unwrap(),
        name: name.into(),
    }
}

fn teams() -> MockTracker {
    let mut tracker = MockTracker::new();
    tracker
        .expect_teams()
        .returning(|| Box::pin(async { Ok(vec![team(7, "Field Team"), team(8, "Fundraising")]) }));
    tracker
}

fn ticket(n: u64, status: (u64, &str), idle_days: i64) -> Ticket {
    Ticket {
        id: TicketId::new(n).unwrap(),
        subject: format!("ticket {n}"),
        description: String::new(),
        status: Named::new(status.0, status.1),
        priority: Named::new(2, "Normal"),
        tracker: Named::new(1, "Bug"),
        project: Named::new(ProjectId::new(1).unwrap(), "Network Operations"),
        category: None,
        assigned_to: None,
        author: "Bob Builder".into(),
        created_on: now() - TimeDelta::days(30),
        updated_on: now() - TimeDelta::days(idle_days),
        url: format!("https://tracker.example.org/t/{n}"),
        journals: Vec::new(),
        thread_field: None,
        sync_state: None,
        attachments: Vec::new(),
        due_date: None,
    }
}

#[tokio::test]
async fn a_team_is_found_by_name_in_any_case_or_answered_with_the_closest() {
    let tracker = teams();
    assert_eq!(
        find_team(&tracker, " field team ").await.unwrap(),
        team(7, "Field Team")
    );
    let error = find_team(&tracker, "Feld Team").await.unwrap_err();
    assert!(
        matches!(&error, TrackerError::UnknownName { kind: "team", closest, .. } if closest[0] == "Field Team"),
        "{error:?}"
    );
    assert_eq!(
        complete_team(&tracker, "f", 25).await.unwrap(),
        ["Field Team", "Fundraising"]
    );
}

#[tokio::test]
async fn the_teams_work_is_listed_once_and_stale_statuses_are_read_by_name() {
    let mut tracker = MockTracker::new();
    tracker
        .expect_open_work()
        .withf(|team| team.as_ref().is_some_and(|team| team.id.get() == 7))
        .times(1)
        .returning(|_| {
            Box::pin(async {
                Ok(vec![
                    ticket(1, (1, "New"), 10),
                    ticket(2, (2, "In Progress"), 10),
                ])
            })
        });
    tracker
        .expect_priorities()
        .times(1)
        .returning(|| Box::pin(async { Ok(vec![Named::new(1, "Low"), Named::new(2, "Normal")]) }));
    tracker.expect_statuses().times(1).returning(|| {
        Box::pin(async {
            Ok(vec![
                Status {
                    id: StatusId::new(1).unwrap(),
                    name: "New".into(),
                    is_closed: false,
                },
                Status {
                    id: StatusId::new(2).unwrap(),
                    name: "In Progress".into(),
                    is_closed: false,
                },
            ])
        })
    });
    // New goes stale after a week; "Waiting" is no status of the tracker's: left out.
    let stale = BTreeMap::from([
        (String::from("new"), TimeDelta::days(7)),
        (String::from("Waiting"), TimeDelta::days(1)),
    ]);

    let status = status_of(&tracker, Some(team(7, "Field Team")), &stale, now())
        .await
        .unwrap();

    assert_eq!(status.team.as_deref(), Some("Field Team"));
    assert_eq!(status.bucket(Bucket::Stale)[0].id.get(), 1);
    assert_eq!(status.bucket(Bucket::Normal)[0].id.get(), 2);
}

#[tokio::test]
async fn without_stale_thresholds_the_statuses_are_not_asked_for() {
    let mut tracker = MockTracker::new();
    tracker
        .expect_open_work()
        .withf(Option::is_none)
        .returning(|_| Box::pin(async { Ok(Vec::new()) }));
    tracker
        .expect_priorities()
        .returning(|| Box::pin(async { Ok(Vec::new()) }));
    tracker.expect_statuses().never();
    let status = status_of(&tracker, None, &BTreeMap::new(), now())
        .await
        .unwrap();
    assert_eq!(status.total(), 0);
}
