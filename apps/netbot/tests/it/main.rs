//! The `netbot` binary end to end: real process, real adapter, fixture NetBox.

#![allow(clippy::unwrap_used, clippy::panic, missing_docs)]

mod bot;
mod check;
mod discord_flow;
mod run;
mod sites;
mod who_is_who;

pub use testkit::process::Run;

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
    testkit::process::run(env!("CARGO_BIN_EXE_netbot"), args, env).await
}
