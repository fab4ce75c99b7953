//! Logs: levels from `RUST_LOG` (also from `.env`), JSON lines with `NETBOT_LOG_FORMAT=json`,
//! and no secret at any level, `trace` included.

use std::process::Stdio;

use testkit::discord::FakeDiscord;
use testkit::netbox::{DemoNetbox, DEMO_TOKEN};
use testkit::redmine::DemoRedmine;

const REDMINE_KEY: &str = "redmine-key-QX7Zsecret";
const DISCORD_TOKEN: &str = "discord-token-VB93secret";
const GUILD: u64 = 1_300_000_000_000_000_001;
const BOT: u64 = 1_300_000_000_000_000_002;

/// Runs `netbot check` in a directory of its own holding `dotenv` as `.env`; returns stderr.
async fn check_with_dotenv(dotenv: &str, env: &[(&str, &str)]) -> (i32, String) {
    let dir = std::env::temp_dir().join(format!(
        "netbot-logs-{}-{}",
        std::process::id(),
        dotenv.len()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(".env"), dotenv).unwrap();
    let output = tokio::process::Command::new(env!("CARGO_BIN_EXE_netbot"))
        .arg("check")
        .current_dir(&dir)
        .env_clear()
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .output()
        .await
        .unwrap();
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[tokio::test]
async fn nothing_secret_is_logged_at_trace_and_rust_log_may_come_from_dotenv() {
    let redmine = DemoRedmine::start_admin().await;
    let netbox = DemoNetbox::start().await;
    let discord = FakeDiscord::start(GUILD, BOT, &[]).await;
    let guild = GUILD.to_string();
    let dotenv = format!(
        "RUST_LOG=trace\nREDMINE_URL={}\nREDMINE_TOKEN={REDMINE_KEY}\n",
        redmine.url()
    );
    let (code, stderr) = check_with_dotenv(
        &dotenv,
        &[
            ("DISCORD_TOKEN", DISCORD_TOKEN),
            ("DISCORD_GUILD_ID", &guild),
            ("DISCORD_API_URL", &discord.uri()),
            ("NETBOX_URL", &netbox.url()),
            ("NETBOX_TOKEN", DEMO_TOKEN),
        ],
    )
    .await;
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains("TRACE") && stderr.contains("redmine request"),
        "RUST_LOG from .env was not used:\n{stderr}"
    );
    assert!(stderr.contains("checked the deployment"), "{stderr}");
    for secret in [REDMINE_KEY, DISCORD_TOKEN, DEMO_TOKEN] {
        assert!(!stderr.contains(secret), "{secret} logged:\n{stderr}");
    }
    assert!(
        stderr.lines().all(|line| !line.starts_with('{')),
        "plain text by default"
    );
}

#[tokio::test]
async fn json_format_makes_every_line_a_json_object() {
    let (code, stderr) = check_with_dotenv(
        "RUST_LOG=debug\nNETBOT_LOG_FORMAT=json\n",
        &[
            ("REDMINE_URL", "http://127.0.0.1:9"),
            ("REDMINE_TOKEN", REDMINE_KEY),
        ],
    )
    .await;
    assert_eq!(code, 1, "{stderr}");
    let lines: Vec<serde_json::Value> = stderr
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|_| panic!("not JSON: {line}")))
        .collect();
    let summary = lines
        .iter()
        .find(|line| line["fields"]["message"] == "checked the deployment")
        .unwrap_or_else(|| panic!("no summary line: {stderr}"));
    assert_eq!(summary["level"], "INFO");
    assert!(summary["fields"]["elapsed_ms"].is_u64(), "{summary}");
    assert!(summary["fields"]["failed"].as_u64() > Some(0), "{summary}");
    assert!(!stderr.contains(REDMINE_KEY));
}
