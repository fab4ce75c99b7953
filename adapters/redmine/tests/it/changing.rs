//! Changing tickets: the exact bodies sent.

use domain::{AssigneeChange, Status, TicketId, TicketUpdate};
use ports::{Tickets, Watchers};
use testkit::requests::received;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::redmine;

async fn server_accepting_updates() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .and(path("/issues/42.json"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    server
}

fn resolved() -> Status {
    Status {
        id: domain::StatusId::new(3).unwrap(),
        name: "Resolved".into(),
        is_closed: false,
    }
}

#[tokio::test]
async fn unassigning_sends_an_empty_assignee_because_redmine_ignores_null() {
    let server = server_accepting_updates().await;
    let update = TicketUpdate {
        assignee: AssigneeChange::Clear,
        status: Some(Status {
            id: domain::StatusId::new(1).unwrap(),
            name: "New".into(),
            is_closed: false,
        }),
        ..TicketUpdate::default()
    };

    redmine(&server)
        .update(TicketId::new(42).unwrap(), &update)
        .await
        .unwrap();

    insta::assert_debug_snapshot!(received(&server).await, @r#"
    [
        "PUT /issues/42.json {\"issue\":{\"assigned_to_id\":\"\",\"status_id\":1}}",
    ]
    "#);
}

#[tokio::test]
async fn assigning_sends_the_assignees_id_and_leaves_the_status_alone() {
    let server = server_accepting_updates().await;
    let update = TicketUpdate {
        assignee: AssigneeChange::Set(domain::UserId::new(7).unwrap()),
        status: None,
        ..TicketUpdate::default()
    };

    redmine(&server)
        .update(TicketId::new(42).unwrap(), &update)
        .await
        .unwrap();

    insta::assert_debug_snapshot!(received(&server).await, @r#"
    [
        "PUT /issues/42.json {\"issue\":{\"assigned_to_id\":7}}",
    ]
    "#);
}

#[tokio::test]
async fn resolving_sends_only_the_status() {
    let server = server_accepting_updates().await;
    let update = TicketUpdate {
        assignee: AssigneeChange::Keep,
        status: Some(resolved()),
        ..TicketUpdate::default()
    };

    redmine(&server)
        .update(TicketId::new(42).unwrap(), &update)
        .await
        .unwrap();

    insta::assert_debug_snapshot!(received(&server).await, @r#"
    [
        "PUT /issues/42.json {\"issue\":{\"status_id\":3}}",
    ]
    "#);
}

#[tokio::test]
async fn a_note_is_sent_as_the_issues_notes() {
    let server = server_accepting_updates().await;

    redmine(&server)
        .add_note(TicketId::new(42).unwrap(), "Back online \"for now\"")
        .await
        .unwrap();

    insta::assert_debug_snapshot!(received(&server).await, @r#"
    [
        "PUT /issues/42.json {\"issue\":{\"notes\":\"Back online \\\"for now\\\"\"}}",
    ]
    "#);
}

#[tokio::test]
async fn the_field_actions_send_redmines_own_field_names() {
    let server = server_accepting_updates().await;
    let update = TicketUpdate {
        priority: Some(domain::Named::new(4, "Urgent")),
        tracker: Some(domain::Named::new(2, "Feature")),
        subject: Some("Rooftop link down".into()),
        description: Some("Line one\nline two".into()),
        parent: Some(domain::ParentChange::Set(TicketId::new(7).unwrap())),
        ..TicketUpdate::default()
    };

    redmine(&server)
        .update(TicketId::new(42).unwrap(), &update)
        .await
        .unwrap();

    insta::assert_debug_snapshot!(received(&server).await, @r#"
    [
        "PUT /issues/42.json {\"issue\":{\"description\":\"Line one\\nline two\",\"parent_issue_id\":7,\"priority_id\":4,\"subject\":\"Rooftop link down\",\"tracker_id\":2}}",
    ]
    "#);
}

#[tokio::test]
async fn clearing_the_parent_sends_an_empty_parent() {
    let server = server_accepting_updates().await;
    let update = TicketUpdate {
        parent: Some(domain::ParentChange::Clear),
        ..TicketUpdate::default()
    };

    redmine(&server)
        .update(TicketId::new(42).unwrap(), &update)
        .await
        .unwrap();

    insta::assert_debug_snapshot!(received(&server).await, @r#"
    [
        "PUT /issues/42.json {\"issue\":{\"parent_issue_id\":\"\"}}",
    ]
    "#);
}

#[tokio::test]
async fn watchers_are_added_and_removed_through_their_own_resource() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/issues/42/watchers.json"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path("/issues/42/watchers/6.json"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    let redmine = redmine(&server);
    let bob = domain::UserId::new(6).unwrap();

    redmine
        .add_watcher(TicketId::new(42).unwrap(), bob)
        .await
        .unwrap();
    redmine
        .remove_watcher(TicketId::new(42).unwrap(), bob)
        .await
        .unwrap();

    insta::assert_debug_snapshot!(received(&server).await, @r#"
    [
        "POST /issues/42/watchers.json {\"user_id\":6}",
        "DELETE /issues/42/watchers/6.json",
    ]
    "#);
}

#[tokio::test]
async fn priorities_are_read_from_the_enumeration_without_the_inactive_ones() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/enumerations/issue_priorities.json"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "issue_priorities": [
                { "id": 1, "name": "Low", "is_default": false, "active": true },
                { "id": 2, "name": "Normal", "is_default": true, "active": true },
                { "id": 9, "name": "Someday", "is_default": false, "active": false }
            ]
        })))
        .mount(&server)
        .await;

    let priorities = ports::Catalog::priorities(&redmine(&server)).await.unwrap();

    let names: Vec<&str> = priorities.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["Low", "Normal"]);
}

#[tokio::test]
async fn a_due_date_is_sent_as_a_day_and_cleared_with_an_empty_one() {
    let server = server_accepting_updates().await;
    let redmine = redmine(&server);
    for due in [
        domain::DueChange::Set(chrono::NaiveDate::from_ymd_opt(2026, 12, 24).unwrap()),
        domain::DueChange::Clear,
    ] {
        let update = TicketUpdate {
            due: Some(due),
            ..TicketUpdate::default()
        };
        redmine
            .update(TicketId::new(42).unwrap(), &update)
            .await
            .unwrap();
    }

    insta::assert_debug_snapshot!(received(&server).await, @r#"
    [
        "PUT /issues/42.json {\"issue\":{\"due_date\":\"2026-12-24\"}}",
        "PUT /issues/42.json {\"issue\":{\"due_date\":\"\"}}",
    ]
    "#);
}

#[tokio::test]
async fn the_issue_field_ids_are_read_once_even_by_callers_that_come_together() {
    let server = server_accepting_updates().await;
    Mock::given(method("GET"))
        .and(path("/custom_fields.json"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(serde_json::json!({ "custom_fields": [
                    { "id": 7, "name": "Discord sync", "customized_type": "issue" },
                ] }))
                .set_delay(std::time::Duration::from_millis(200)),
        )
        .expect(1)
        .mount(&server)
        .await;
    let tracker = redmine(&server).with_issue_fields(redmine::IssueFieldNames {
        thread: Some("discord sync".into()),
        state: None,
    });
    let fields = ports::SyncFields {
        thread: Some("yes".into()),
        state: None,
    };
    let id = TicketId::new(42).unwrap();

    let (first, second) = tokio::join!(
        ports::SyncStore::set_sync_fields(&tracker, id, &fields),
        ports::SyncStore::set_sync_fields(&tracker, id, &fields),
    );
    first.unwrap();
    second.unwrap();
    ports::SyncStore::set_sync_fields(&tracker, id, &fields)
        .await
        .unwrap();

    let puts = received(&server)
        .await
        .into_iter()
        .filter(|request| request.starts_with("PUT"))
        .count();
    assert_eq!(puts, 3);
}

#[tokio::test]
async fn time_is_logged_in_decimal_hours_with_the_activity_and_comment_only_when_given() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/time_entries.json"))
        .respond_with(ResponseTemplate::new(201).set_body_json(serde_json::json!({
            "time_entry": { "id": 1 }
        })))
        .expect(2)
        .mount(&server)
        .await;
    let redmine = redmine(&server);
    let entry = ports::TimeEntry {
        ticket: TicketId::new(42).unwrap(),
        hours: domain::Hours::parse("1h30").unwrap(),
        activity: Some(9),
        comment: " spliced ".into(),
    };

    ports::TimeLog::log_time(&redmine, &entry).await.unwrap();
    let bare = ports::TimeEntry {
        activity: None,
        comment: String::new(),
        hours: domain::Hours::parse("45m").unwrap(),
        ..entry
    };
    ports::TimeLog::log_time(&redmine, &bare).await.unwrap();

    insta::assert_debug_snapshot!(received(&server).await, @r#"
    [
        "POST /time_entries.json {\"time_entry\":{\"activity_id\":9,\"comments\":\"spliced\",\"hours\":1.5,\"issue_id\":42}}",
        "POST /time_entries.json {\"time_entry\":{\"hours\":0.75,\"issue_id\":42}}",
    ]
    "#);
}

#[tokio::test]
async fn activities_are_read_from_the_enumeration_without_the_inactive_ones() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/enumerations/time_entry_activities.json"))
        .respond_with(ResponseTemplate::new(200).set_body_string(include_str!(
            "../../../../fixtures/redmine/enumerations__time_entry_activities.json"
        )))
        .mount(&server)
        .await;

    let activities = ports::TimeLog::activities(&redmine(&server)).await.unwrap();

    let names: Vec<&str> = activities.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(names, ["Design", "Development", "Field work"]);
}
