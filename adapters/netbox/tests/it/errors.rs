//! Every failure becomes one sentence a person can act on, never with the token in it.

use std::time::Duration;

use netbox::{Netbox, NetboxConfig, NetboxToken};
use ports::{Inventory, InventoryError};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::{config, netbox, V1_TOKEN};

fn message(error: &InventoryError, server: &MockServer) -> String {
    let text = error.to_string();
    assert!(!text.contains(V1_TOKEN), "the token leaked: {text}");
    assert!(
        !format!("{error:?}").contains(V1_TOKEN),
        "the token leaked: {error:?}"
    );
    text.replace(&server.address().to_string(), "[server]")
}

async fn answering(template: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(template)
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn an_invalid_token_says_to_check_the_token() {
    let server = answering(
        ResponseTemplate::new(403).set_body_json(serde_json::json!({"detail": "Invalid v1 token"})),
    )
    .await;
    let error = netbox(&server.uri()).sites().await.unwrap_err();
    insta::assert_snapshot!(message(&error, &server), @"NetBox refused the token");
}

#[tokio::test]
async fn a_missing_authentication_says_the_same() {
    let server = answering(ResponseTemplate::new(401)).await;
    let error = netbox(&server.uri()).sites().await.unwrap_err();
    insta::assert_snapshot!(message(&error, &server), @"NetBox rejected the token");
}

#[tokio::test]
async fn a_server_error_names_the_host_and_status() {
    let server = answering(ResponseTemplate::new(500)).await;
    let error = netbox(&server.uri()).site_details(3).await.unwrap_err();
    insta::assert_snapshot!(message(&error, &server), @"unexpected answer from NetBox at [server] to read site 3: HTTP 500");
}

#[tokio::test]
async fn an_answer_that_is_not_json_says_so() {
    let server = answering(ResponseTemplate::new(200).set_body_string("<html>login</html>")).await;
    let error = netbox(&server.uri()).sites().await.unwrap_err();
    assert!(message(&error, &server)
        .starts_with("unexpected answer from NetBox at [server] to list sites: unreadable JSON"));
}

#[tokio::test]
async fn a_slow_netbox_times_out_naming_the_host() {
    let server = answering(ResponseTemplate::new(200).set_delay(Duration::from_secs(5))).await;
    let mut settings = config(&server.uri());
    settings.timeout = Duration::from_secs(1);
    let error = Netbox::new(settings).unwrap().sites().await.unwrap_err();
    insta::assert_snapshot!(message(&error, &server), @"NetBox at [server] did not answer in 1 s, try again");
}

#[tokio::test]
async fn an_unreachable_netbox_names_the_host() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let error = netbox(&format!("http://127.0.0.1:{port}"))
        .sites()
        .await
        .unwrap_err();
    insta::assert_snapshot!(ports::with_causes(&error).replace(&port.to_string(), "[port]"), @"cannot reach NetBox at 127.0.0.1:[port]: Connection refused (os error 111)");
}

#[tokio::test]
async fn bad_settings_say_what_is_wrong_and_leave_the_settings_name_to_the_app() {
    let bad_url = Netbox::new(NetboxConfig {
        url: "netbox.example.org".into(),
        ..config("http://x")
    })
    .unwrap_err();
    insta::assert_snapshot!(bad_url, @"the NetBox URL 'netbox.example.org' is not an http(s) URL");
    let missing_ca = Netbox::new(NetboxConfig {
        ca_cert: Some("/nonexistent/ca.pem".into()),
        ..config("https://x")
    })
    .unwrap_err();
    insta::assert_snapshot!(missing_ca, @"the CA file '/nonexistent/ca.pem': No such file or directory (os error 2)");
    let bad_token = Netbox::new(NetboxConfig {
        token: NetboxToken::new("abc\ndef"),
        ..config("https://x")
    })
    .unwrap_err();
    insta::assert_snapshot!(bad_token, @"the NetBox token contains characters that cannot be sent in a header");
}
