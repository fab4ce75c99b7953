//! `threader health`: the probe a container healthcheck runs against a running threader's
//! `NETBOT_HEALTH_ADDR`; exit 0 healthy, 1 not (with the line saying why), 2 unset.

use std::time::Duration;

use health::Health;
use ports::threader::CancellationToken;
use ports::vitals::Vitals as _;
use testkit::process::Run;

async fn threader_health(env: &[(&str, &str)]) -> Run {
    testkit::process::run(env!("CARGO_BIN_EXE_threader"), &["health"], env).await
}

async fn served(health: &Health) -> (String, CancellationToken) {
    let stop = CancellationToken::new();
    let addr = health
        .serve(
            std::net::SocketAddr::from(([127, 0, 0, 1], 0)),
            stop.clone(),
        )
        .await
        .expect("a free loopback port");
    (addr.to_string(), stop)
}

#[tokio::test]
async fn a_healthy_threader_answers_ok_and_exit_0() {
    let health = Health::for_threader();
    health.chat_connection(true, None);
    health.pass_ended(true, Duration::from_secs(1), None);
    let (addr, _stop) = served(&health).await;

    let run = threader_health(&[("NETBOT_HEALTH_ADDR", &addr)]).await;

    assert_eq!(run.code, 0, "{}", run.transcript());
    assert_eq!(run.stdout, "ok\n");
}

#[tokio::test]
async fn a_threader_whose_last_pass_failed_prints_why_and_exits_1() {
    let health = Health::for_threader();
    health.chat_connection(true, None);
    health.pass_ended(
        false,
        Duration::from_secs(1),
        Some("Redmine is unreachable"),
    );
    let (addr, _stop) = served(&health).await;

    let run = threader_health(&[("NETBOT_HEALTH_ADDR", &addr)]).await;

    assert_eq!(run.code, 1, "{}", run.transcript());
    assert_eq!(run.stdout, "last pass failed: Redmine is unreachable\n");
}

#[tokio::test]
async fn nothing_listening_is_unhealthy() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    drop(listener);

    let run = threader_health(&[("NETBOT_HEALTH_ADDR", &addr)]).await;

    assert_eq!(run.code, 1, "{}", run.transcript());
    assert!(
        run.stdout
            .starts_with(&format!("nothing answers on {addr}")),
        "{}",
        run.transcript()
    );
}

#[tokio::test]
async fn an_unset_address_is_a_usage_error_naming_the_variable() {
    let run = threader_health(&[]).await;

    assert_eq!(run.code, 2, "{}", run.transcript());
    assert!(
        run.stderr
            .starts_with("threader: error: NETBOT_HEALTH_ADDR is not set"),
        "{}",
        run.transcript()
    );
}

#[tokio::test]
async fn a_bad_address_is_a_usage_error_naming_the_variable() {
    let run = threader_health(&[("NETBOT_HEALTH_ADDR", "localhost")]).await;

    assert_eq!(run.code, 2, "{}", run.transcript());
    assert_eq!(
        run.stderr,
        "threader: error: NETBOT_HEALTH_ADDR must be an IP address and port such as \
         127.0.0.1:9464, not 'localhost'\n"
    );
}

#[tokio::test]
async fn health_takes_none_of_the_passes_flags() {
    let run = testkit::process::run(
        env!("CARGO_BIN_EXE_threader"),
        &["--every", "30s", "health"],
        &[],
    )
    .await;

    assert_eq!(run.code, 2, "{}", run.transcript());
}
