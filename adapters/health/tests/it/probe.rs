//! `probe`, what the `health` subcommands run: Ok on 200, else the answer's line or that
//! nothing answers.

use std::time::Duration;

use health::{probe, Health};
use ports::vitals::Vitals as _;

use crate::served;

#[tokio::test]
async fn a_healthy_process_probes_ok() {
    let health = Health::for_bot();
    health.chat_connection(true, None);
    let (addr, _stop) = served(&health).await;

    assert_eq!(probe(addr).await, Ok(()));
}

#[tokio::test]
async fn an_unhealthy_process_probes_as_its_line() {
    let health = Health::for_threader();
    health.chat_connection(true, None);
    health.pass_ended(
        false,
        Duration::from_secs(1),
        Some("Discord is unreachable"),
    );
    let (addr, _stop) = served(&health).await;

    assert_eq!(
        probe(addr).await,
        Err(String::from("last pass failed: Discord is unreachable"))
    );
}

#[tokio::test]
async fn a_closed_port_probes_as_nothing_answering() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);

    let error = probe(addr).await.unwrap_err();

    assert!(
        error.starts_with(&format!("nothing answers on {addr} (")),
        "{error}"
    );
}

#[tokio::test]
async fn a_server_that_never_answers_probes_as_nothing_answering_within_the_timeout() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let started = std::time::Instant::now();

    let error = probe(addr).await.unwrap_err();

    assert!(
        error.starts_with(&format!("nothing answers on {addr} (no answer within")),
        "{error}"
    );
    assert!(started.elapsed() < health::PROBE_TIMEOUT + Duration::from_secs(2));
    drop(listener);
}
