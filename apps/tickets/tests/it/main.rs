//! The `tickets` binary end to end: real process, real adapter, fixture Redmine.

#![allow(clippy::unwrap_used, clippy::panic, missing_docs)]

mod cli;
mod demo;
mod hostile;
mod status;

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

pub use testkit::process::Run;

/// Runs `tickets ARGS` with a clean environment plus `env`, in an empty directory (no `.env`),
/// at a fixed "now" so that ages are reproducible.
pub async fn tickets(args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut env = env.to_vec();
    env.push(("TICKETS_NOW", "2026-11-27T12:00:00Z"));
    testkit::process::run(env!("CARGO_BIN_EXE_tickets"), args, &env).await
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
