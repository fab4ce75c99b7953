//! `GET /healthz`: 200 `ok` while healthy, else 503 and one line saying why, from the state
//! at the time of the request.

use std::time::Duration;

use health::{Health, Needs};
use ports::vitals::Vitals as _;

use crate::{ask, get, served};

const TOOK: Duration = Duration::from_millis(1200);

#[tokio::test]
async fn before_any_pass_the_threader_is_starting() {
    let health = Health::for_threader();
    let (addr, _stop) = served(&health).await;

    let answer = get(addr, "/healthz").await;

    assert_eq!(answer.status, 503);
    assert_eq!(answer.body, "starting: no pass yet\n");
}

#[tokio::test]
async fn after_an_ok_pass_with_the_chat_connected_the_threader_is_healthy() {
    let health = Health::for_threader();
    let (addr, _stop) = served(&health).await;
    health.chat_connection(true, None);
    health.pass_ended(true, TOOK, None);

    let answer = get(addr, "/healthz").await;

    assert_eq!(answer.status, 200);
    assert_eq!(answer.body, "ok\n");
    assert!(
        answer.head.contains("content-type: text/plain"),
        "{}",
        answer.head
    );
}

#[tokio::test]
async fn an_ok_pass_is_not_enough_while_the_chat_was_never_connected() {
    let health = Health::for_threader();
    let (addr, _stop) = served(&health).await;
    health.pass_ended(true, TOOK, None);

    let answer = get(addr, "/healthz").await;

    assert_eq!(answer.status, 503);
    assert_eq!(answer.body, "chat: not connected (connecting)\n");
}

#[tokio::test]
async fn after_a_failed_pass_the_answer_says_why_in_one_line() {
    let health = Health::for_threader();
    let (addr, _stop) = served(&health).await;
    health.chat_connection(true, None);
    health.pass_ended(true, TOOK, None);
    health.pass_ended(
        false,
        TOOK,
        Some("Redmine is unreachable\n(connection refused)"),
    );

    let answer = get(addr, "/healthz").await;

    assert_eq!(answer.status, 503);
    assert_eq!(
        answer.body,
        "last pass failed: Redmine is unreachable (connection refused)\n"
    );
}

#[tokio::test]
async fn the_next_pass_that_runs_makes_it_healthy_again() {
    let health = Health::for_threader();
    let (addr, _stop) = served(&health).await;
    health.chat_connection(true, None);
    health.pass_ended(false, TOOK, Some("Redmine is unreachable"));
    health.pass_ended(true, TOOK, None);

    assert_eq!(get(addr, "/healthz").await.status, 200);
}

#[tokio::test]
async fn right_after_the_connection_is_lost_the_answer_is_503_and_says_why() {
    let health = Health::for_threader();
    let (addr, _stop) = served(&health).await;
    health.chat_connection(true, None);
    health.pass_ended(true, TOOK, None);
    assert_eq!(get(addr, "/healthz").await.status, 200);

    health.chat_connection(false, Some("gateway closed (1006)"));
    let answer = get(addr, "/healthz").await;

    assert_eq!(answer.status, 503);
    assert_eq!(answer.body, "chat: not connected (gateway closed (1006))\n");
}

#[tokio::test]
async fn a_lost_connection_is_said_before_a_failed_pass() {
    let health = Health::for_threader();
    health.pass_ended(false, TOOK, Some("Redmine is unreachable"));
    health.chat_connection(false, None);

    assert_eq!(
        health.verdict(),
        Err(String::from("chat: not connected (lost)"))
    );
}

#[tokio::test]
async fn the_bot_is_healthy_while_connected_and_needs_no_pass() {
    let health = Health::for_bot();
    let (addr, _stop) = served(&health).await;
    assert_eq!(
        get(addr, "/healthz").await.body,
        "chat: not connected (connecting)\n"
    );

    health.chat_connection(true, None);
    assert_eq!(get(addr, "/healthz").await.status, 200);

    health.chat_connection(false, Some("gateway stage: resuming"));
    assert_eq!(
        get(addr, "/healthz").await.body,
        "chat: not connected (gateway stage: resuming)\n"
    );
}

#[tokio::test]
async fn a_process_that_needs_only_passes_ignores_the_chat() {
    let health = Health::new(Needs {
        chat_connection: false,
        passes: true,
    });
    health.chat_connection(false, None);
    health.pass_ended(true, TOOK, None);

    assert_eq!(health.verdict(), Ok(()));
}

#[tokio::test]
async fn other_paths_are_not_found_and_never_echoed() {
    let health = Health::for_bot();
    let (addr, _stop) = served(&health).await;

    let answer = get(addr, "/admin/echo-me").await;

    assert_eq!(answer.status, 404);
    assert!(!answer.body.contains("echo-me"), "{}", answer.body);
    assert!(!answer.head.contains("echo-me"), "{}", answer.head);
}

#[tokio::test]
async fn only_get_and_head_are_answered() {
    let health = Health::for_bot();
    health.chat_connection(true, None);
    let (addr, _stop) = served(&health).await;

    let posted = ask(addr, "POST", "/healthz").await;
    let head = ask(addr, "HEAD", "/healthz").await;

    assert_eq!(posted.status, 405);
    assert!(posted.head.contains("allow: get, head"), "{}", posted.head);
    assert_eq!(head.status, 200);
    assert_eq!(head.body, "", "HEAD has no body");
}

#[tokio::test]
async fn once_stopped_nothing_answers() {
    let health = Health::for_bot();
    let (addr, stop) = served(&health).await;
    stop.cancel();
    tokio::time::sleep(Duration::from_millis(50)).await;

    assert!(tokio::net::TcpStream::connect(addr).await.is_err());
}

#[tokio::test]
async fn an_address_in_use_is_refused_naming_it() {
    let health = Health::for_bot();
    let (addr, _stop) = served(&health).await;

    let error = health
        .serve(addr, tokio_util::sync::CancellationToken::new())
        .await
        .unwrap_err();

    assert_eq!(error.to_string(), format!("cannot listen on {addr}"));
}
