//! The Redmine adapter against fixture servers (wiremock) and, in `contract`, a real Redmine.

#![allow(clippy::unwrap_used, clippy::panic, missing_docs)]

mod changing;
mod contract;
mod contract_team_work;
mod directory;
mod errors;
mod files;
mod hostile;
mod journals;
mod listing;
mod people;
mod reading;
mod roles;

use std::time::Duration;

use redmine::{ApiKey, Redmine, RedmineConfig};
use wiremock::MockServer;

/// The adapter pointed at a fixture server, with a test key.
pub fn redmine(server: &MockServer) -> Redmine {
    Redmine::new(RedmineConfig {
        url: server.uri(),
        key: ApiKey::new("test-key-0123456789"),
        act_as: None,
        timeout: Duration::from_secs(2),
    })
    .expect("a valid fixture URL")
}
