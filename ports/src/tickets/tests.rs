//! The `tickets` use case against a mocked tracker: what a query lists, and that a change is
//! confirmed, refused by name or reported as skipped.
#![cfg(test)]

use chrono::NaiveDate;
use chrono::{DateTime, Utc};
use domain::{
    AssigneeChange, Named, Principal, Status, StatusId, Team, Ticket, TicketId, TicketQuery, User,
    UserId,
};
use mockall::predicate::eq;

use super::{ensure_acting_as, run, Outcome};
use crate::tracker::MockTracker;
use crate::tracker::{StatusNames, TrackerError};

fn id(n: u64) -> TicketId {
    TicketId::new(n).unwrap()
}

fn user_id(n: u64) -> UserId {
    UserId::new(n).unwrap()
}

fn ticket(n: u64, status: &Status, assignee: Option<u64>) -> Ticket {
    let time = DateTime::parse_from_rfc3339("2026-11-20T10:00:00Z")
        .unwrap()
        .with_timezone(&Utc);
    Ticket {
        id: id(n),
        subject: format!("ticket {n}"),
        description: String::new(),
        status: Named::new(status.id.get(), status.name.clone()),
        priority: Named::new(2, "Normal"),
        tracker: Named::new(1, "Bug"),
        project: Named::new(domain::ProjectId::new(1).unwrap(), "Network Operations"),
        assigned_to: assignee.map(|who| {
            Principal::User(User {
                id: user_id(who),
                login: None,
                name: format!("user {who}"),
            })
        }),
        author: "Bob Builder".into(),
        created_on: time,
        updated_on: time,
        url: format!("https://redmine.example.org/issues/{n}"),
        journals: Vec::new(),
        thread_field: None,
        category: None,
        sync_state: None,
        due_date: None,
        attachments: Vec::new(),
    }
}

fn statuses() -> Vec<Status> {
    ["New", "In Progress", "Resolved"]
        .iter()
        .zip(1..)
        .map(|(name, n)| Status {
            id: StatusId::new(n).unwrap(),
            name: (*name).into(),
            is_closed: false,
        })
        .collect()
}

fn status(name: &str) -> Status {
    statuses().into_iter().find(|s| s.name == name).unwrap()
}

fn alice() -> User {
    User {
        id: user_id(5),
        login: Some("alice".into()),
        name: "Alice Liddell".into(),
    }
}

fn query(words: &str) -> TicketQuery {
    TicketQuery::parse(&words.split(' ').collect::<Vec<_>>()).unwrap()
}

async fn run_query(tracker: &MockTracker, words: &str) -> Result<Outcome, TrackerError> {
    run(tracker, &query(words), &StatusNames::default(), today()).await
}

#[tokio::test]
async fn acting_as_someone_the_tracker_ignored_is_refused() {
    let mut tracker = MockTracker::new();
    tracker
        .expect_current_user()
        .returning(|| Box::pin(async { Ok(alice()) }));
    assert!(ensure_acting_as(&tracker, "ALICE").await.is_ok());
    let error = ensure_acting_as(&tracker, "bob").await.unwrap_err();
    assert!(matches!(error, TrackerError::CannotActAs { ref login } if login == "bob"));
}

#[tokio::test]
async fn no_words_lists_my_tickets() {
    let mut tracker = MockTracker::new();
    tracker
        .expect_list_mine()
        .times(1)
        .returning(|| Box::pin(async { Ok(vec![]) }));
    assert_eq!(
        run_query(&tracker, "").await.unwrap(),
        Outcome::List(vec![])
    );
}

#[tokio::test]
async fn a_name_that_is_a_person_lists_their_tickets_rather_than_searching() {
    let mut tracker = MockTracker::new();
    let team = Principal::Team(Team {
        id: user_id(9),
        name: "Field Team".into(),
    });
    let found = team.clone();
    tracker
        .expect_find_person()
        .with(eq("field team"))
        .returning(move |_| {
            let found = found.clone();
            Box::pin(async move { Ok(Some(found)) })
        });
    tracker
        .expect_list_assigned()
        .withf(move |who| who.id() == user_id(9))
        .times(1)
        .returning(|_| Box::pin(async { Ok(vec![]) }));
    tracker.expect_search().never();
    run_query(&tracker, "field team").await.unwrap();
}

#[tokio::test]
async fn words_that_name_nobody_are_a_search() {
    let mut tracker = MockTracker::new();
    tracker
        .expect_find_person()
        .returning(|_| Box::pin(async { Ok(None) }));
    tracker
        .expect_search()
        .withf(|words| words == ["rooftop", "node"])
        .times(1)
        .returning(|_| Box::pin(async { Ok(vec![]) }));
    run_query(&tracker, "rooftop node").await.unwrap();
}

#[tokio::test]
async fn assigning_to_nobody_known_names_the_person() {
    let mut tracker = MockTracker::new();
    tracker
        .expect_find_person()
        .returning(|_| Box::pin(async { Ok(None) }));
    tracker.expect_update().never();
    let error = run_query(&tracker, "42 assign zed").await.unwrap_err();
    assert_eq!(error.to_string(), "no user or team named 'zed'");
}

#[tokio::test]
async fn progress_assigns_to_me_and_sets_in_progress_by_name() {
    let mut tracker = MockTracker::new();
    tracker
        .expect_current_user()
        .returning(|| Box::pin(async { Ok(alice()) }));
    tracker
        .expect_statuses()
        .returning(|| Box::pin(async { Ok(statuses()) }));
    let mut sequence = mockall::Sequence::new();
    tracker
        .expect_update()
        .withf(|ticket, update| {
            ticket.get() == 42
                && update.assignee == AssigneeChange::Keep
                && update.status.as_ref().map(|s| s.name.as_str()) == Some("In Progress")
        })
        .times(1)
        .in_sequence(&mut sequence)
        .returning(|_, _| Box::pin(async { Ok(()) }));
    tracker
        .expect_get()
        .times(1)
        .in_sequence(&mut sequence)
        .returning(|n| Box::pin(async move { Ok(ticket(n.get(), &status("In Progress"), None)) }));
    tracker
        .expect_update()
        .withf(|_, update| {
            update.assignee == AssigneeChange::Set(user_id(5)) && update.status.is_none()
        })
        .times(1)
        .in_sequence(&mut sequence)
        .returning(|_, _| Box::pin(async { Ok(()) }));
    tracker
        .expect_get()
        .times(1)
        .in_sequence(&mut sequence)
        .returning(|n| {
            Box::pin(async move { Ok(ticket(n.get(), &status("In Progress"), Some(5))) })
        });
    let outcome = run_query(&tracker, "42 progress").await.unwrap();
    assert!(matches!(outcome, Outcome::Changed(t) if t.status.name == "In Progress"));
}

#[tokio::test]
async fn unassign_clears_the_assignee_and_sets_new() {
    let mut tracker = MockTracker::new();
    tracker
        .expect_statuses()
        .returning(|| Box::pin(async { Ok(statuses()) }));
    tracker
        .expect_update()
        .withf(|_, update| {
            update.assignee == AssigneeChange::Keep
                && update.status.as_ref().map(|s| s.id.get()) == Some(1)
        })
        .times(1)
        .returning(|_, _| Box::pin(async { Ok(()) }));
    tracker
        .expect_update()
        .withf(|_, update| update.assignee == AssigneeChange::Clear && update.status.is_none())
        .times(1)
        .returning(|_, _| Box::pin(async { Ok(()) }));
    tracker
        .expect_get()
        .returning(|n| Box::pin(async move { Ok(ticket(n.get(), &status("New"), None)) }));
    run_query(&tracker, "42 unassign").await.unwrap();
}

#[tokio::test]
async fn a_skipped_status_leaves_the_assignee_alone() {
    let mut tracker = MockTracker::new();
    tracker
        .expect_current_user()
        .returning(|| Box::pin(async { Ok(alice()) }));
    tracker
        .expect_statuses()
        .returning(|| Box::pin(async { Ok(statuses()) }));
    tracker
        .expect_update()
        .withf(|_, update| update.assignee == AssigneeChange::Keep)
        .times(1)
        .returning(|_, _| Box::pin(async { Ok(()) }));
    tracker
        .expect_get()
        .returning(|n| Box::pin(async move { Ok(ticket(n.get(), &status("New"), None)) }));
    let error = run_query(&tracker, "42 progress").await.unwrap_err();
    assert_eq!(
        error.to_string(),
        "the tracker did not apply the status 'In Progress' to ticket 42: its workflow may not allow it"
    );
}

#[tokio::test]
async fn a_status_change_the_tracker_skipped_is_an_error() {
    let mut tracker = MockTracker::new();
    tracker
        .expect_statuses()
        .returning(|| Box::pin(async { Ok(statuses()) }));
    tracker
        .expect_update()
        .returning(|_, _| Box::pin(async { Ok(()) }));
    tracker
        .expect_get()
        .returning(|n| Box::pin(async move { Ok(ticket(n.get(), &status("New"), None)) }));
    let error = run_query(&tracker, "42 resolve").await.unwrap_err();
    assert_eq!(
        error.to_string(),
        "the tracker did not apply the status 'Resolved' to ticket 42: its workflow may not allow it"
    );
}

#[tokio::test]
async fn a_configured_status_the_tracker_lacks_lists_the_known_ones() {
    let mut tracker = MockTracker::new();
    tracker
        .expect_statuses()
        .returning(|| Box::pin(async { Ok(statuses()) }));
    tracker.expect_update().never();
    let names = StatusNames {
        resolved: "Done".into(),
        ..StatusNames::default()
    };
    let error = run(&tracker, &query("42 resolve"), &names, today())
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "the tracker has no status named 'Done' (known: New, In Progress, Resolved)"
    );
}

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 27).unwrap()
}

fn priorities() -> Vec<Named> {
    ["Low", "Normal", "High", "Urgent"]
        .iter()
        .zip(1..)
        .map(|(name, n)| Named::new(n, *name))
        .collect()
}

#[tokio::test]
async fn a_priority_is_set_by_name_and_confirmed() {
    let mut tracker = MockTracker::new();
    tracker
        .expect_priorities()
        .returning(|| Box::pin(async { Ok(priorities()) }));
    tracker
        .expect_update()
        .withf(|_, update| {
            update.priority == Some(Named::new(4, "Urgent"))
                && update.status.is_none()
                && update.assignee == AssigneeChange::Keep
        })
        .times(1)
        .returning(|_, _| Box::pin(async { Ok(()) }));
    tracker.expect_get().returning(|n| {
        Box::pin(async move {
            let mut changed = ticket(n.get(), &status("New"), None);
            changed.priority = Named::new(4, "Urgent");
            Ok(changed)
        })
    });
    let outcome = run_query(&tracker, "42 priority urgent").await.unwrap();
    assert!(matches!(outcome, Outcome::Changed(t) if t.priority.name == "Urgent"));
}

#[tokio::test]
async fn an_unknown_priority_names_the_closest_ones_and_changes_nothing() {
    let mut tracker = MockTracker::new();
    tracker
        .expect_priorities()
        .returning(|| Box::pin(async { Ok(priorities()) }));
    tracker.expect_update().never();
    let error = run_query(&tracker, "42 priority urgnt").await.unwrap_err();
    assert_eq!(
        error.to_string(),
        "there is no priority named 'urgnt' (closest: Urgent, High, Normal)"
    );
}

#[tokio::test]
async fn a_status_by_name_that_the_workflow_skipped_is_an_error() {
    let mut tracker = MockTracker::new();
    tracker
        .expect_statuses()
        .returning(|| Box::pin(async { Ok(statuses()) }));
    tracker
        .expect_update()
        .returning(|_, _| Box::pin(async { Ok(()) }));
    tracker
        .expect_get()
        .returning(|n| Box::pin(async move { Ok(ticket(n.get(), &status("New"), None)) }));
    let error = run_query(&tracker, "42 status resolved").await.unwrap_err();
    assert!(matches!(error, TrackerError::NotApplied { .. }), "{error}");
}

#[tokio::test]
async fn watch_without_a_name_adds_me() {
    let mut tracker = MockTracker::new();
    tracker
        .expect_current_user()
        .returning(|| Box::pin(async { Ok(alice()) }));
    tracker
        .expect_add_watcher()
        .with(eq(id(42)), eq(user_id(5)))
        .times(1)
        .returning(|_, _| Box::pin(async { Ok(()) }));
    tracker
        .expect_get()
        .returning(|n| Box::pin(async move { Ok(ticket(n.get(), &status("New"), None)) }));
    run_query(&tracker, "42 watch").await.unwrap();
}

#[tokio::test]
async fn unwatch_of_nobody_known_names_the_person() {
    let mut tracker = MockTracker::new();
    tracker
        .expect_find_person()
        .returning(|_| Box::pin(async { Ok(None) }));
    tracker.expect_remove_watcher().never();
    let error = run_query(&tracker, "42 unwatch zed").await.unwrap_err();
    assert_eq!(error.to_string(), "no user or team named 'zed'");
}

#[tokio::test]
async fn a_note_is_added_and_the_ticket_read_back() {
    let mut tracker = MockTracker::new();
    tracker
        .expect_add_note()
        .with(eq(id(42)), eq("swapped the injector"))
        .times(1)
        .returning(|_, _| Box::pin(async { Ok(()) }));
    tracker
        .expect_get()
        .times(1)
        .returning(|n| Box::pin(async move { Ok(ticket(n.get(), &status("New"), None)) }));
    run_query(&tracker, "42 note swapped the injector")
        .await
        .unwrap();
}

#[tokio::test]
async fn a_due_date_is_read_against_today() {
    let mut tracker = MockTracker::new();
    tracker
        .expect_update()
        .withf(|_, update| {
            update.due
                == Some(domain::DueChange::Set(
                    NaiveDate::from_ymd_opt(2026, 12, 2).unwrap(),
                ))
        })
        .times(1)
        .returning(|_, _| Box::pin(async { Ok(()) }));
    tracker
        .expect_get()
        .returning(|n| Box::pin(async move { Ok(ticket(n.get(), &status("New"), None)) }));
    run_query(&tracker, "42 due in 5 days").await.unwrap();
}
