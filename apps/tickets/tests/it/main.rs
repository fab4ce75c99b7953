//! The `tickets` binary end to end: real process, real adapter, fixture Redmine.

#![allow(clippy::unwrap_used, clippy::panic, missing_docs)]

mod cli;
mod demo;

use std::process::Stdio;

use testkit::redmine::DemoRedmine;

/// Snapshots a value with the fixture server's random port redacted.
#[macro_export]
macro_rules! assert_run {
    ($value:expr) => {
        insta::with_settings!({ filters => vec![(r"http://127\.0\.0\.1:\d+", "http://[redmine]")] }, {
            insta::assert_snapshot!($value)
        })
    };
}

/// What one run of the binary produced.
#[derive(Debug)]
pub struct Run {
    /// Exit status.
    pub code: i32,
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
}

impl Run {
    /// Both streams and the status, for a snapshot.
    pub fn transcript(&self) -> String {
        format!(
            "exit: {}\n--- stdout\n{}--- stderr\n{}",
            self.code, self.stdout, self.stderr
        )
    }
}

/// Runs `tickets ARGS` with a clean environment plus `env`, in an empty directory (no `.env`).
pub async fn tickets(args: &[&str], env: &[(&str, &str)]) -> Run {
    let dir = std::env::temp_dir().join(format!("tickets-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_tickets"));
    command
        .args(args)
        .current_dir(&dir)
        .env_clear()
        .env("TICKETS_NOW", "2026-11-27T12:00:00Z")
        .env("NO_COLOR", "1")
        .stdin(Stdio::null());
    for (name, value) in env {
        command.env(name, value);
    }
    let output = command.output().await.unwrap();
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// Runs `tickets ARGS` against a fresh fixture Redmine, configured the way a user would.
pub async fn against_fixture(args: &[&str]) -> (Run, DemoRedmine) {
    let redmine = DemoRedmine::start().await;
    let url = redmine.url();
    let run = tickets(
        args,
        &[("REDMINE_URL", &url), ("REDMINE_TOKEN", "fixture-key-123")],
    )
    .await;
    (run, redmine)
}
