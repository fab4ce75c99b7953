//! Changing tickets: the exact bodies sent.

use domain::{AssigneeChange, Status, TicketId, TicketUpdate};
use ports::Tickets;
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
