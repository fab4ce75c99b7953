//! Running a binary of the workspace end to end, as a person would, for tests.

use std::process::Stdio;

/// What one run of a binary produced.
#[derive(Debug)]
pub struct Run {
    /// Exit status (-1 when killed by a signal).
    pub code: i32,
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
}

impl Run {
    /// Both streams and the status, for a snapshot.
    #[must_use]
    pub fn transcript(&self) -> String {
        format!(
            "exit: {}\n--- stdout\n{}--- stderr\n{}",
            self.code, self.stdout, self.stderr
        )
    }
}

/// Runs `program ARGS` with a clean environment (plus `NO_COLOR=1` and `env`) in an empty
/// directory, so no `.env` and no setting of the developer's leaks in.
///
/// # Panics
/// When the binary cannot be started: a broken test, not a failure of the binary.
#[allow(clippy::expect_used)]
pub async fn run(program: &str, args: &[&str], env: &[(&str, &str)]) -> Run {
    let dir = std::env::temp_dir().join(format!("netbot-run-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a scratch directory");
    let mut command = tokio::process::Command::new(program);
    command
        .args(args)
        .current_dir(&dir)
        .env_clear()
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        // A test that gives up on a run (under a timeout) does not leave the binary behind.
        .kill_on_drop(true);
    for (name, value) in env {
        command.env(name, value);
    }
    let output = command.output().await.expect("the binary starts");
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}
