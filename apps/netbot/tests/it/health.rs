//! `netbot run` with `NETBOT_HEALTH_ADDR` serves `/healthz` and `/metrics` while it runs, and
//! `netbot health` probes it: exit 0 healthy, 1 not (with the line saying why), 2 unset.

use std::time::{Duration, Instant};

use futures_util::{SinkExt as _, StreamExt as _};
use testkit::netbox::{DemoNetbox, DEMO_TOKEN};
use testkit::redmine::DemoRedmine;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpListener;
use tokio_tungstenite::tungstenite::Message;
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

/// The fixture servers a running bot needs, and a Discord whose gateway is at `gateway_url`.
struct World {
    redmine: DemoRedmine,
    netbox: DemoNetbox,
    discord: MockServer,
}

impl World {
    async fn new(gateway_url: &str) -> Self {
        let discord = MockServer::start().await;
        let gateway = serde_json::json!({
            "url": gateway_url,
            "shards": 1,
            "session_start_limit": {"total": 1000, "remaining": 999, "reset_after": 0, "max_concurrency": 1}
        });
        Mock::given(method("GET"))
            .and(path_regex("^/api/v10/gateway(/bot)?$"))
            .respond_with(ResponseTemplate::new(200).set_body_json(gateway))
            .mount(&discord)
            .await;
        // The commands registered in the server once connected.
        Mock::given(method("PUT"))
            .and(path_regex(
                "^/api/v10/applications/[0-9]+/guilds/1000/commands$",
            ))
            .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!([])))
            .mount(&discord)
            .await;
        Self {
            redmine: DemoRedmine::start_admin().await,
            netbox: DemoNetbox::start().await,
            discord,
        }
    }

    /// `netbot run` against the world, serving health on `addr`.
    fn bot(&self, addr: &str) -> tokio::process::Child {
        tokio::process::Command::new(env!("CARGO_BIN_EXE_netbot"))
            .arg("run")
            .env_clear()
            .env("DISCORD_GUILD_ID", "1000")
            .env("DISCORD_TOKEN", "secret-discord-token")
            .env("DISCORD_API_URL", self.discord.uri())
            .env("REDMINE_URL", self.redmine.url())
            .env("REDMINE_TOKEN", "admin-key")
            .env("NETBOX_URL", self.netbox.url())
            .env("NETBOX_TOKEN", DEMO_TOKEN)
            .env("NETBOT_HEALTH_ADDR", addr)
            .current_dir(std::env::temp_dir())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .unwrap()
    }
}

/// `/healthz` on `addr` once it answers as `until` wants, within `within`.
async fn healthz_until(
    addr: &str,
    within: Duration,
    until: impl Fn(&(u16, String)) -> bool,
) -> (u16, String) {
    let started = Instant::now();
    let mut last = None;
    while started.elapsed() < within {
        if let Some(answer) = get(addr, "/healthz").await {
            if until(&answer) {
                return answer;
            }
            last = Some(answer);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("/healthz on {addr} did not answer as expected within {within:?}; last: {last:?}");
}

/// A gateway as much as serenity needs to connect one shard: Hello, READY after the
/// Identify, heartbeats acknowledged; then, when `lose` fires, the connection dropped and
/// nothing listening any more (a Discord that went away).
async fn gateway(listener: TcpListener, lose: tokio::sync::oneshot::Receiver<()>) {
    let addr = listener.local_addr().unwrap();
    let (stream, _) = listener.accept().await.unwrap();
    let mut socket = tokio_tungstenite::accept_async(stream).await.unwrap();
    let hello = serde_json::json!({"op": 10, "d": {"heartbeat_interval": 45000}});
    socket.send(Message::text(hello.to_string())).await.unwrap();
    let ready = serde_json::json!({
        "op": 0, "s": 1, "t": "READY",
        "d": {
            "v": 10,
            "user": {"id": "900", "username": "netbot", "discriminator": "0", "avatar": null, "bot": true},
            "guilds": [{"id": "1000", "unavailable": true}],
            "session_id": "session-1",
            "resume_gateway_url": format!("ws://{addr}"),
            "application": {"id": "901", "flags": 0}
        }
    });
    let mut lose = lose;
    loop {
        tokio::select! {
            _ = &mut lose => break,
            message = socket.next() => {
                let Some(Ok(Message::Text(text))) = message else { continue };
                let payload: serde_json::Value = serde_json::from_str(&text).unwrap();
                let answer = match payload["op"].as_u64() {
                    Some(2) => ready.clone(),
                    Some(1) => serde_json::json!({"op": 11}),
                    _ => continue,
                };
                socket.send(Message::text(answer.to_string())).await.unwrap();
            }
        }
    }
    drop(socket);
    drop(listener);
}

#[tokio::test]
async fn netbot_run_is_healthy_while_its_gateway_is_connected_and_503_soon_after_the_loss() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let world = World::new(&format!("ws://{}", listener.local_addr().unwrap())).await;
    let (lose, lost) = tokio::sync::oneshot::channel();
    let gateway = tokio::spawn(gateway(listener, lost));
    let addr = free_addr().await;
    let mut bot = world.bot(&addr);

    let connected =
        healthz_until(&addr, Duration::from_secs(30), |(status, _)| *status == 200).await;
    let metrics = get(&addr, "/metrics").await.unwrap();
    let healthy = netbot(&["health"], &[("NETBOT_HEALTH_ADDR", &addr)]).await;
    lose.send(()).unwrap();
    gateway.await.unwrap();
    let lost_at = Instant::now();
    let after_loss =
        healthz_until(&addr, Duration::from_secs(10), |(status, _)| *status == 503).await;
    let noticed_in = lost_at.elapsed();
    let unhealthy = netbot(&["health"], &[("NETBOT_HEALTH_ADDR", &addr)]).await;
    bot.kill().await.unwrap();

    assert_eq!(connected.1, "ok\n");
    assert!(
        metrics
            .1
            .lines()
            .any(|line| line == "netbot_chat_connected 1"),
        "{}",
        metrics.1
    );
    assert_eq!(healthy.code, 0, "{}", healthy.transcript());
    assert_eq!(healthy.stdout, "ok\n");
    assert!(
        after_loss.1.starts_with("chat: not connected (gateway "),
        "{}",
        after_loss.1
    );
    assert!(noticed_in < Duration::from_secs(10), "{noticed_in:?}");
    assert_eq!(unhealthy.code, 1, "{}", unhealthy.transcript());
    assert!(
        unhealthy.stdout.starts_with("chat: not connected ("),
        "{}",
        unhealthy.transcript()
    );
}

#[tokio::test]
async fn netbot_run_serves_health_that_says_the_gateway_is_not_connected() {
    // Nothing listens on the gateway address given: the bot never connects.
    let world = World::new("ws://127.0.0.1:9").await;
    let addr = free_addr().await;
    let mut bot = world.bot(&addr);

    let healthz = healthz_until(&addr, Duration::from_secs(30), |_| true).await;
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
