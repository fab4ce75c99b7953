//! `netbot run` refuses to start on bad settings, naming the variable or key, before it
//! connects anywhere.

use testkit::netbox::{DemoNetbox, DEMO_TOKEN};
use testkit::redmine::DemoRedmine;

use crate::{assert_run, netbot};

#[tokio::test]
async fn a_missing_discord_token_names_the_variable() {
    let run = netbot(&["run"], &[("DISCORD_GUILD_ID", "1000")]).await;
    assert_run!(run.transcript());
}

#[tokio::test]
async fn a_guild_id_that_is_not_a_number_names_the_variable() {
    let run = netbot(
        &["run"],
        &[("DISCORD_GUILD_ID", "my server"), ("DISCORD_TOKEN", "t")],
    )
    .await;
    assert_run!(run.transcript());
}

#[tokio::test]
async fn a_misspelt_key_in_netbot_toml_is_named() {
    let dir = std::env::temp_dir().join(format!("netbot-toml-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("netbot.toml");
    std::fs::write(&file, "admin_rol = 5\n").unwrap();
    let file = file.to_string_lossy().into_owned();
    let run = netbot(
        &["run"],
        &[
            ("NETBOT_CONFIG", &file),
            ("DISCORD_GUILD_ID", "1000"),
            ("DISCORD_TOKEN", "t"),
        ],
    )
    .await;
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("is invalid: unknown field `admin_rol`"),
        "{}",
        run.stderr
    );
}

#[tokio::test]
async fn a_named_netbot_toml_that_does_not_exist_is_an_error() {
    let run = netbot(
        &["run"],
        &[
            ("NETBOT_CONFIG", "/nonexistent/netbot.toml"),
            ("DISCORD_GUILD_ID", "1000"),
            ("DISCORD_TOKEN", "t"),
        ],
    )
    .await;
    assert_run!(run.transcript());
}

#[tokio::test]
async fn a_redmine_key_that_is_not_an_admins_stops_the_start() {
    let redmine = DemoRedmine::start().await;
    let netbox = DemoNetbox::start().await;
    let run = netbot(
        &["run"],
        &[
            ("DISCORD_GUILD_ID", "1000"),
            ("DISCORD_TOKEN", "secret-discord-token"),
            ("REDMINE_URL", &redmine.url()),
            ("REDMINE_TOKEN", "member-key"),
            ("NETBOX_URL", &netbox.url()),
            ("NETBOX_TOKEN", DEMO_TOKEN),
        ],
    )
    .await;
    assert!(!run.stderr.contains("secret-discord-token"));
    assert_run!(run.transcript());
}

#[tokio::test]
async fn with_discord_api_url_every_discord_call_goes_to_that_server() {
    use std::time::{Duration, Instant};
    use wiremock::matchers::{method, path_regex};
    use wiremock::{Mock, MockServer, ResponseTemplate};

    let redmine = DemoRedmine::start_admin().await;
    let netbox = DemoNetbox::start().await;
    let discord = MockServer::start().await;
    // Nothing listens on the gateway address given, so the bot gets no further than asking.
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
        .env("RUST_LOG", "info")
        .current_dir(std::env::temp_dir())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();

    let started = Instant::now();
    let asked = loop {
        let requests = discord.received_requests().await.unwrap_or_default();
        if !requests.is_empty() || started.elapsed() > Duration::from_secs(30) {
            break requests;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    bot.kill().await.unwrap();
    let output = bot.wait_with_output().await.unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);

    assert!(
        !asked.is_empty(),
        "the bot never asked the local Discord; stderr:\n{stderr}"
    );
    assert!(
        asked[0].url.path().starts_with("/api/v10/gateway"),
        "{}",
        asked[0].url
    );
    assert_eq!(
        asked[0].headers.get("authorization").unwrap(),
        "Bot secret-discord-token"
    );
    assert!(
        stderr.contains("members linked to Redmine users"),
        "{stderr}"
    );
    assert!(
        !stderr.contains("secret-discord-token"),
        "the token leaked into the log:\n{stderr}"
    );
    assert!(redmine
        .received()
        .await
        .iter()
        .any(|line| line.starts_with("GET /users.json")));
}

#[tokio::test]
async fn netbot_run_says_the_per_request_timeouts_give_way_to_backend_timeout() {
    let redmine = DemoRedmine::start().await;
    let netbox = DemoNetbox::start().await;
    let run = netbot(
        &["run"],
        &[
            ("DISCORD_GUILD_ID", "1000"),
            ("DISCORD_TOKEN", "t"),
            ("REDMINE_URL", &redmine.url()),
            ("REDMINE_TOKEN", "member-key"),
            ("REDMINE_TIMEOUT", "30"),
            ("NETBOX_URL", &netbox.url()),
            ("NETBOX_TOKEN", DEMO_TOKEN),
            ("NETBOX_TIMEOUT", "30"),
        ],
    )
    .await;
    for variable in ["REDMINE_TIMEOUT", "NETBOX_TIMEOUT"] {
        assert!(
            run.stderr.contains(&format!(
                "{variable} is ignored here: backend_timeout in netbot.toml sets every Redmine \
                 and NetBox request and each command's deadline"
            )),
            "{}",
            run.stderr
        );
    }
}
