//! Every failure becomes one sentence a person can act on, never with the key in it.

use std::time::Duration;

use domain::{AssigneeChange, TicketId, TicketUpdate};
use ports::{Tickets, TrackerError};
use redmine::{ApiKey, Redmine, RedmineConfig};
use testkit::redmine::error;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::redmine;

const KEY: &str = "test-key-0123456789";

async fn answering(status: u16) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(status))
        .mount(&server)
        .await;
    server
}

fn id(n: u64) -> TicketId {
    TicketId::new(n).unwrap()
}

/// The message, with the fixture server's random port replaced.
fn message(error: &TrackerError, server: &MockServer) -> String {
    let text = error.to_string();
    assert!(!text.contains(KEY), "the key leaked: {text}");
    assert!(
        !format!("{error:?}").contains(KEY),
        "the key leaked: {error:?}"
    );
    text.replace(&server.address().to_string(), "[server]")
}

#[tokio::test]
async fn a_rejected_key_says_to_check_the_token() {
    let server = answering(401).await;
    let error = redmine(&server).list_mine().await.unwrap_err();
    insta::assert_snapshot!(message(&error, &server), @"the tracker rejected the API key");
}

#[tokio::test]
async fn a_forbidden_action_names_the_action() {
    let server = answering(403).await;
    let error = redmine(&server).get(id(7)).await.unwrap_err();
    insta::assert_snapshot!(message(&error, &server), @"not allowed to read ticket 7: ask a tracker admin for the permission");
}

#[tokio::test]
async fn a_missing_ticket_names_the_ticket() {
    let server = answering(404).await;
    let error = redmine(&server).get(id(999)).await.unwrap_err();
    insta::assert_snapshot!(message(&error, &server), @"ticket 999 not found");
}

#[tokio::test]
async fn an_unknown_login_to_act_as_names_the_login() {
    let server = answering(412).await;
    let error = redmine(&server)
        .acting_as("mallory")
        .list_mine()
        .await
        .unwrap_err();
    insta::assert_snapshot!(message(&error, &server), @"cannot act as 'mallory': no such active user, or the API key is not an admin's");
}

#[tokio::test]
async fn a_refused_change_carries_redmines_own_reasons() {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .and(path("/issues/42.json"))
        .respond_with(error(422, &["Assignee is invalid", "Status is invalid"]))
        .mount(&server)
        .await;
    let update = TicketUpdate {
        assignee: AssigneeChange::Set(domain::UserId::new(99).unwrap()),
        status: None,
        ..TicketUpdate::default()
    };
    let error = redmine(&server).update(id(42), &update).await.unwrap_err();
    insta::assert_snapshot!(message(&error, &server), @"the tracker refused to update ticket 42: Assignee is invalid; Status is invalid");
}

#[tokio::test]
async fn a_server_error_names_the_host_and_the_status() {
    let server = answering(502).await;
    let error = redmine(&server).list_mine().await.unwrap_err();
    insta::assert_snapshot!(message(&error, &server), @"unexpected answer from the tracker at [server] to list my open tickets: HTTP 502");
}

#[tokio::test]
async fn an_answer_that_is_not_redmine_json_says_so() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_string("<html>login</html>"))
        .mount(&server)
        .await;
    let error = redmine(&server).list_mine().await.unwrap_err();
    let text = message(&error, &server);
    assert!(text.starts_with("unexpected answer from the tracker at [server] to list my open tickets: unreadable JSON"), "{text}");
}

#[tokio::test]
async fn a_slow_server_times_out_with_the_host_and_the_limit() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(5)))
        .mount(&server)
        .await;
    let slow = Redmine::new(RedmineConfig {
        url: server.uri(),
        key: ApiKey::new(KEY),
        act_as: None,
        timeout: Duration::from_secs(1),
    })
    .unwrap();
    let error = slow.list_mine().await.unwrap_err();
    insta::assert_snapshot!(message(&error, &server), @"the tracker at [server] did not answer in 1 s, try again");
}

#[tokio::test]
async fn an_unreachable_server_names_the_host() {
    // A port that was just free: nothing listens there.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let gone = Redmine::new(RedmineConfig {
        url: format!("http://127.0.0.1:{port}"),
        key: ApiKey::new(KEY),
        act_as: None,
        timeout: Duration::from_secs(2),
    })
    .unwrap();
    let error = gone.list_mine().await.unwrap_err();
    let text = ports::with_causes(&error).replace(&port.to_string(), "[port]");
    assert!(!text.contains(KEY));
    insta::assert_snapshot!(text, @"cannot reach the tracker at 127.0.0.1:[port]: Connection refused (os error 111)");
}
