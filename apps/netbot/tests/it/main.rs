//! The `netbot` binary end to end: real process, real adapter, fixture NetBox.

#![allow(clippy::unwrap_used, clippy::panic, missing_docs)]

mod sites;

use std::process::Stdio;

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

/// Snapshots a value with fixture servers' random ports redacted.
#[macro_export]
macro_rules! assert_run {
    ($value:expr) => {
        let value = $value;
        insta::with_settings!({ filters => vec![(r"(https?)://(127\.0\.0\.1|localhost):\d+", "$1://[netbox]")] }, {
            insta::assert_snapshot!(value)
        })
    };
}

/// Runs `netbot ARGS` with a clean environment plus `env`, in an empty directory (no `.env`).
pub async fn netbot(args: &[&str], env: &[(&str, &str)]) -> Run {
    let dir = std::env::temp_dir().join(format!("netbot-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_netbot"));
    command
        .args(args)
        .current_dir(&dir)
        .env_clear()
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
