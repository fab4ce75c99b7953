//! `netbot run` with `NETBOT_HEALTH_ADDR` serves `/healthz` and `/metrics` while it runs, and
//! `netbot health` probes it: exit 0 healthy, 1 not (with the line saying why), 2 unset.

use std::time::{Duration, Instant};

use testkit::netbox::{DemoNetbox, DEMO_TOKEN};
use testkit::redmine::DemoRedmine;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use wiremock::matchers::{method, path_regex};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::netbot;

/// A loopback address nothing listens on (the port was free a moment ago).
async fn free_addr() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    listener.local_addr().unwrap().to_string()
}

/// `GET PATH` on `addr`: the status and the body, or `None` while nothing answers.
async fn get(addr: &str, path: &str) -> Option<(u16, String)> {
    let mut stream = tokio::net::TcpStream::connect(addr).await.ok()?;
    let request = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.ok()?;
    let mut answer = String::new();
    stream.read_to_string(&mut answer).await.ok()?;
    let (head, body) = answer.split_once("\r\n\r\n")?;
    let status = head.split_whitespace().nth(1)?.parse().ok()?;
    Some((status, body.to_owned()))
}

#[tokio::test]
async fn netbot_run_serves_health_that_says_the_gateway_is_not_connected() {
    let redmine = DemoRedmine::start_admin().await;
    let netbox = DemoNetbox::start().await;
    let discord = MockServer::start().await;
    // Nothing listens on the gateway address given: the bot never connects.
    let gateway = serde_json::json!({
        "url": "ws://127.0.0.1:9",
        "shards": 1,
        "session_start_limit": {"total": 1000, "remaining": 999, "reset_after": 0, "max_concurrency": 1}
    });
    Mock::given(method("GET"))
        .and(path_regex("^/api/v10/gateway(/bot)?$"))
        .respond_with(ResponseTemplate::new(200).set_body_json(gateway))
        .mount(&discord)
        .await;
    let addr = free_addr().await;
    let mut bot = tokio::process::Command::new(env!("CARGO_BIN_EXE_netbot"))
        .arg("run")
        .env_clear()
        .env("DISCORD_GUILD_ID", "1000")
        .env("DISCORD_TOKEN", "secret-discord-token")
        .env("DISCORD_API_URL", discord.uri())
        .env("REDMINE_URL", redmine.url())
        .env("REDMINE_TOKEN", "admin-key")
        .env("NETBOX_URL", netbox.url())
        .env("NETBOX_TOKEN", DEMO_TOKEN)
        .env("NETBOT_HEALTH_ADDR", &addr)
        .current_dir(std::env::temp_dir())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .unwrap();

    let started = Instant::now();
    let healthz = loop {
        if let Some(answer) = get(&addr, "/healthz").await {
            break answer;
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "nothing served health on {addr}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let metrics = get(&addr, "/metrics").await.unwrap();
    let probed = netbot(&["health"], &[("NETBOT_HEALTH_ADDR", &addr)]).await;
    bot.kill().await.unwrap();

    assert_eq!(healthz.0, 503);
    assert!(
        healthz.1.starts_with("chat: not connected ("),
        "{}",
        healthz.1
    );
    assert_eq!(metrics.0, 200);
    assert!(
        metrics
            .1
            .lines()
            .any(|line| line == "netbot_chat_connected 0"),
        "{}",
        metrics.1
    );
    assert_eq!(probed.code, 1, "{}", probed.transcript());
    assert!(
        probed.stdout.starts_with("chat: not connected ("),
        "{}",
        probed.transcript()
    );
}

#[tokio::test]
async fn netbot_health_without_the_address_is_a_usage_error_naming_it() {
    let run = netbot(&["health"], &[]).await;

    assert_eq!(run.code, 2, "{}", run.transcript());
    assert!(
        run.stderr
            .starts_with("netbot: error: NETBOT_HEALTH_ADDR is not set"),
        "{}",
        run.transcript()
    );
}

#[tokio::test]
async fn netbot_health_with_nothing_listening_is_unhealthy() {
    let addr = free_addr().await;

    let run = netbot(&["health"], &[("NETBOT_HEALTH_ADDR", &addr)]).await;

    assert_eq!(run.code, 1, "{}", run.transcript());
    assert!(
        run.stdout
            .starts_with(&format!("nothing answers on {addr}")),
        "{}",
        run.transcript()
    );
}

#[tokio::test]
async fn netbot_run_with_a_bad_health_address_names_the_variable() {
    let redmine = DemoRedmine::start_admin().await;
    let netbox = DemoNetbox::start().await;
    let run = netbot(
        &["run"],
        &[
            ("DISCORD_GUILD_ID", "1000"),
            ("DISCORD_TOKEN", "t"),
            ("REDMINE_URL", &redmine.url()),
            ("REDMINE_TOKEN", "admin-key"),
            ("NETBOX_URL", &netbox.url()),
            ("NETBOX_TOKEN", DEMO_TOKEN),
            ("NETBOT_HEALTH_ADDR", "9464"),
        ],
    )
    .await;

    assert_eq!(run.code, 2, "{}", run.transcript());
    assert!(
        run.stderr
            .contains("NETBOT_HEALTH_ADDR must be an IP address and port"),
        "{}",
        run.transcript()
    );
}
