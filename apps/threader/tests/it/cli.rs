//! The binary: configuration errors, exit statuses, the summary line, a dry run.

use std::process::Command;

use serde_json::json;

use crate::{World, CHANNEL, GUILD};

fn threader() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_threader"));
    command
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .current_dir(std::env::temp_dir());
    command
}

/// `threader` configured for the world's fixture servers, with `config` as its netbot.toml.
fn against(world: &World, config: &tempfile_path::Path) -> Command {
    let mut command = threader();
    command
        .env("NETBOT_CONFIG", &config.0)
        .env("REDMINE_URL", world.redmine.url())
        .env("REDMINE_TOKEN", testkit::redmine::DEMO_ADMIN_KEY)
        .env("DISCORD_TOKEN", "test-token")
        .env("DISCORD_GUILD_ID", GUILD.to_string())
        .env("DISCORD_API_URL", world.discord.uri());
    command
}

fn config_file(text: &str) -> tempfile_path::Path {
    tempfile_path::Path::with(text)
}

/// A small named file in the temp dir, removed on drop.
mod tempfile_path {
    pub struct Path(pub std::path::PathBuf);
    impl Path {
        pub fn with(text: &str) -> Self {
            static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
            let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            let path = std::env::temp_dir().join(format!(
                "netbot-threader-test-{}-{n}.toml",
                std::process::id()
            ));
            std::fs::write(&path, text).expect("write the config");
            Self(path)
        }
    }
    impl Drop for Path {
        fn drop(&mut self) {
            let _ = std::fs::remove_file(&self.0);
        }
    }
}

#[test]
fn a_missing_variable_is_named_with_exit_status_2() {
    let config = config_file(&format!("[threader]\nchannel = {CHANNEL}\n"));
    let output = threader()
        .env("NETBOT_CONFIG", &config.0)
        .output()
        .expect("run threader");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("DISCORD_GUILD_ID is not set"), "{stderr}");
}

#[test]
fn a_config_without_a_threader_section_says_what_to_add() {
    let config = config_file("admin_role = 1\n");
    let output = threader()
        .env("NETBOT_CONFIG", &config.0)
        .output()
        .expect("run threader");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("no [threader] section"), "{stderr}");
}

#[test]
fn a_bad_duration_is_a_usage_error() {
    let output = threader().args(["--every", "soon"]).output().expect("run");
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("'soon' is not a duration"));
}

#[tokio::test]
async fn one_pass_prints_its_summary_and_a_dry_run_writes_nothing() {
    let world = World::new().await;
    let ticket = world.redmine.open_ticket(
        "alice",
        "Mast light out",
        "Seen from the road.",
        Some("yes"),
    );
    assert!(world
        .redmine
        .change_as("bob", ticket, &json!({ "notes": "Bulb ordered." })));
    let config = config_file(&format!("[threader]\nchannel = {CHANNEL}\n"));
    let run = |dry_run: bool| {
        let mut command = against(&world, &config);
        if dry_run {
            command.arg("--dry-run");
        }
        tokio::process::Command::from(command).output()
    };

    let dry = run(true).await.expect("run threader");
    let stdout = String::from_utf8_lossy(&dry.stdout);
    assert_eq!(
        dry.status.code(),
        Some(0),
        "{stdout} {}",
        String::from_utf8_lossy(&dry.stderr)
    );
    assert!(
        stdout.contains(&format!("#{ticket}: would open a thread")),
        "{stdout}"
    );
    assert!(
        world.discord.threads().is_empty(),
        "a dry run opened a thread"
    );
    assert!(world
        .discord
        .requests()
        .iter()
        .all(|request| request.method == "GET"));
    assert!(world
        .redmine
        .received()
        .await
        .iter()
        .all(|line| line.starts_with("GET")));

    let real = run(false).await.expect("run threader");
    let stdout = String::from_utf8_lossy(&real.stdout);
    assert_eq!(
        real.status.code(),
        Some(0),
        "{stdout} {}",
        String::from_utf8_lossy(&real.stderr)
    );
    assert_eq!(
        stdout.trim(),
        "threader: 1 ticket looked at, 2 notes to Discord, 0 notes to Redmine, 1 thread created, 0 failed"
    );
    assert_eq!(world.discord.threads().len(), 1);
}

#[tokio::test]
async fn a_pass_logs_json_lines_with_its_summary_and_no_secret_even_at_trace() {
    const REDMINE_KEY: &str = "redmine-key-QX7Zsecret";
    const DISCORD_TOKEN: &str = "discord-token-VB93secret";
    let world = World::new().await;
    let ticket = world
        .redmine
        .open_ticket("alice", "Mast light out", "Seen.", Some("yes"));
    assert!(world
        .redmine
        .change_as("bob", ticket, &json!({ "notes": "Bulb ordered." })));
    let config = config_file(&format!("[threader]\nchannel = {CHANNEL}\n# logs\n"));
    let mut command = threader();
    command
        .env("NETBOT_CONFIG", &config.0)
        .env("REDMINE_URL", world.redmine.url())
        .env("REDMINE_TOKEN", REDMINE_KEY)
        .env("DISCORD_TOKEN", DISCORD_TOKEN)
        .env("DISCORD_GUILD_ID", GUILD.to_string())
        .env("DISCORD_API_URL", world.discord.uri())
        .env("RUST_LOG", "trace")
        .env("NETBOT_LOG_FORMAT", "json");
    let output = tokio::process::Command::from(command)
        .output()
        .await
        .expect("run threader");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(!world.discord.threads().is_empty(), "the pass did nothing");
    for secret in [REDMINE_KEY, DISCORD_TOKEN] {
        assert!(!stderr.contains(secret), "{secret} logged:\n{stderr}");
    }
    let lines: Vec<serde_json::Value> = stderr
        .lines()
        .map(|line| {
            serde_json::from_str(line).unwrap_or_else(|_| panic!("not a JSON line: {line}"))
        })
        .collect();
    assert!(lines.len() > 10, "trace logs little: {stderr}");
    let summaries: Vec<&serde_json::Value> = lines
        .iter()
        .filter(|line| {
            line["fields"]["message"]
                .as_str()
                .is_some_and(|message| message.starts_with("threader: "))
        })
        .collect();
    assert_eq!(summaries.len(), 1, "{stderr}");
    assert_eq!(summaries[0]["level"], "INFO");
    assert!(summaries[0]["fields"]["elapsed_ms"].is_u64(), "{stderr}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_pass_while_one_runs_exits_at_once_and_sigterm_ends_the_loop() {
    let world = World::new().await;
    world
        .redmine
        .open_ticket("alice", "Mast light out", "", Some("yes"));
    let config = config_file(&format!("[threader]\nchannel = {CHANNEL}\n"));
    let command = |args: &[&str]| {
        let mut command = against(&world, &config);
        command.args(args).stdout(std::process::Stdio::piped());
        tokio::process::Command::from(command)
    };
    let mut looping = command(&["--every", "1h"]).spawn().expect("start the loop");
    // Wait until the loop's first pass is done (its thread exists).
    for _ in 0..100 {
        if !world.discord.threads().is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(
        world.discord.threads().len(),
        1,
        "the loop's first pass ran"
    );

    let second = command(&[]).output().await.expect("a second pass");
    let stdout = String::from_utf8_lossy(&second.stdout);
    assert_eq!(second.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains("another pass is running"), "{stdout}");

    let pid = looping.id().expect("the loop's pid");
    let killed = std::process::Command::new("kill")
        .args(["-TERM", &pid.to_string()])
        .status()
        .expect("kill");
    assert!(killed.success());
    let status = tokio::time::timeout(std::time::Duration::from_secs(10), looping.wait())
        .await
        .expect("the loop ends within 10 s of SIGTERM")
        .expect("its status");
    assert_eq!(status.code(), Some(0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn notify_settings_are_checked_at_start_naming_the_key() {
    let world = World::new().await;
    let run = |toml: String| {
        let config = config_file(&toml);
        let command = against(&world, &config);
        async move {
            let output = tokio::process::Command::from(command)
                .output()
                .await
                .expect("run threader");
            drop(config);
            output
        }
    };
    let cases = [
        (
            "[notify.stale]\n\"Waiting\" = \"2d\"",
            "notify.stale.\"Waiting\": Redmine has no status named 'Waiting'",
        ),
        (
            "[[notify.route]]\ntracker = \"Bugz\"\nchannel = 661720259379724293",
            "notify.route[1].tracker: Redmine has no tracker named 'Bugz'",
        ),
        (
            "[[notify.route]]\nproject = \"netops\"\ncategory = \"Roof\"\nchannel = 661720259379724293",
            "notify.route[1].category: project 'netops' has no category named 'Roof'",
        ),
        (
            "[[notify.route]]\nassignee = \"nobody-here\"\nchannel = 661720259379724293",
            "notify.route[1].assignee: no Redmine user or group named 'nobody-here'",
        ),
        ("", "notify.intake = 42: no such channel"),
    ];
    for (notify, expected) in cases {
        let toml = format!("[threader]\nchannel = {CHANNEL}\n[notify]\nintake = 42\n{notify}\n");
        // The intake is unknown in every case; the other mistakes are found first.
        let output = run(toml).await;
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{notify}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(stderr.contains(expected), "{notify}: {stderr}");
    }
}

#[test]
fn the_demo_syncs_both_ways_with_no_credentials() {
    let output = threader()
        .arg("--demo")
        .output()
        .expect("run threader --demo");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains("1 thread created"), "{stdout}");
    assert!(stdout.contains("1 note to Redmine"), "{stdout}");
    assert!(stdout.contains("carol on Discord wrote:"), "{stdout}");
    assert!(stdout.contains("Checked the cable: dry."), "{stdout}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_loop_outlives_a_redmine_that_is_down() {
    let world = World::new().await;
    let config = config_file(&format!("[threader]\nchannel = {CHANNEL}\n"));
    // A port nobody listens on.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").expect("a port");
    let down = format!("http://{}", closed.local_addr().expect("its address"));
    drop(closed);
    let mut command = threader();
    command
        .args(["--every", "5s"])
        .env("NETBOT_CONFIG", &config.0)
        .env("REDMINE_URL", &down)
        .env("REDMINE_TOKEN", testkit::redmine::DEMO_ADMIN_KEY)
        .env("DISCORD_TOKEN", "test-token")
        .env("DISCORD_GUILD_ID", GUILD.to_string())
        .env("DISCORD_API_URL", world.discord.uri())
        .stderr(std::process::Stdio::piped());
    let looping = tokio::process::Command::from(command)
        .spawn()
        .expect("start the loop");
    tokio::time::sleep(std::time::Duration::from_secs(2)).await;
    let pid = looping.id().expect("still running after a failed pass");
    let killed = std::process::Command::new("kill")
        .args(["-TERM", &pid.to_string()])
        .status()
        .expect("kill");
    assert!(killed.success());
    let output = tokio::time::timeout(
        std::time::Duration::from_secs(10),
        looping.wait_with_output(),
    )
    .await
    .expect("ends after SIGTERM")
    .expect("its output");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("trying again next pass"), "{stderr}");
}
