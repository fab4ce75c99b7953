//! What `--demo` runs against, and nothing else: a fake Redmine and a fake NetBox served by a
//! small in-process HTTP server (so the demo goes through the real adapters), an in-memory
//! chat for the threader's demo, and only the few recorded fixtures they need.
//!
//! It exists so that the release binaries do not link the test kit (wiremock, rcgen, a second
//! TLS stack and every recorded fixture). `testkit` serves the same fakes on wiremock for the
//! tests, so the demo and the end-to-end tests meet the same Redmine.

pub mod chat;
pub mod netbox;
pub mod redmine;
pub mod server;

use serde_json::Value;

/// The recorded fixtures the demos need, embedded (a few kilobytes, not `fixtures/`).
const FIXTURES: &[(&str, &str)] = &[
    (
        "redmine/enumerations__issue_priorities.json",
        include_str!("../../fixtures/redmine/enumerations__issue_priorities.json"),
    ),
    (
        "redmine/enumerations__time_entry_activities.json",
        include_str!("../../fixtures/redmine/enumerations__time_entry_activities.json"),
    ),
    (
        "redmine/custom_fields.json",
        include_str!("../../fixtures/redmine/custom_fields.json"),
    ),
    (
        "redmine/groups.json",
        include_str!("../../fixtures/redmine/groups.json"),
    ),
    (
        "redmine/groups__7.json",
        include_str!("../../fixtures/redmine/groups__7.json"),
    ),
    (
        "redmine/issue__42.json",
        include_str!("../../fixtures/redmine/issue__42.json"),
    ),
    (
        "redmine/issue__created.json",
        include_str!("../../fixtures/redmine/issue__created.json"),
    ),
    (
        "redmine/issue_statuses.json",
        include_str!("../../fixtures/redmine/issue_statuses.json"),
    ),
    (
        "redmine/issues__open_all.json",
        include_str!("../../fixtures/redmine/issues__open_all.json"),
    ),
    (
        "redmine/projects.json",
        include_str!("../../fixtures/redmine/projects.json"),
    ),
    (
        "redmine/projects__netops__memberships.json",
        include_str!("../../fixtures/redmine/projects__netops__memberships.json"),
    ),
    (
        "redmine/users__current.json",
        include_str!("../../fixtures/redmine/users__current.json"),
    ),
    (
        "redmine/users__current_bob.json",
        include_str!("../../fixtures/redmine/users__current_bob.json"),
    ),
    (
        "redmine/users__list_with_discord.json",
        include_str!("../../fixtures/redmine/users__list_with_discord.json"),
    ),
    (
        "netbox/sites__demo.json",
        include_str!("../../fixtures/netbox/sites__demo.json"),
    ),
];

/// One of the embedded fixtures as JSON, e.g. `fixture("redmine/issue__42.json")`; `Null` for
/// a name that is not embedded or not JSON (a broken build, caught by this crate's tests).
#[must_use]
pub fn fixture(path: &str) -> Value {
    FIXTURES
        .iter()
        .find(|(name, _)| *name == path)
        .and_then(|(_, text)| serde_json::from_str(text).ok())
        .unwrap_or(Value::Null)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_embedded_fixture_is_json() {
        for (name, _) in FIXTURES {
            assert!(!fixture(name).is_null(), "{name}");
        }
    }
}
