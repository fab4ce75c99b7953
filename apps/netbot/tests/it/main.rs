//! The `netbot` binary end to end: real process, real adapter, fixture NetBox.

#![allow(clippy::unwrap_used, clippy::panic, missing_docs)]

mod bot;
mod check;
mod discord_flow;
mod health;
mod help;
mod logs;
mod run;
mod sites;
mod status;
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

/// A log writer into a shared buffer.
#[derive(Clone)]
pub struct Captured(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Every log line at every level (`trace` included) of this thread, through the binaries'
/// own subscriber, into a buffer, until the guard is dropped. Tests run on a current-thread runtime, so the whole test is seen.
pub fn capture_logs() -> (
    tracing::subscriber::DefaultGuard,
    std::sync::Arc<std::sync::Mutex<Vec<u8>>>,
) {
    let buffer = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let writer = Captured(std::sync::Arc::clone(&buffer));
    let subscriber = appkit::logging::subscriber("trace", false, false, move || writer.clone());
    (tracing::subscriber::set_default(subscriber), buffer)
}
