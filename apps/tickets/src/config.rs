//! The CLI's configuration: `REDMINE_*` variables from the environment or `.env`.

use anyhow::{Context as _, Result};
use appkit::env::{required, seconds, var};
use chrono::{DateTime, Utc};
use ports::StatusNames;
use redmine::{ApiKey, RedmineConfig};

/// How to reach Redmine, from `REDMINE_URL`, `REDMINE_TOKEN` and `REDMINE_TIMEOUT`.
pub fn redmine(act_as: Option<String>) -> Result<RedmineConfig> {
    Ok(RedmineConfig {
        url: required("REDMINE_URL")?,
        key: ApiKey::new(required("REDMINE_TOKEN")?),
        act_as,
        timeout: seconds("REDMINE_TIMEOUT", 10, 600)?,
    })
}

/// The demo's Redmine: the embedded fixture server, no credentials.
pub fn demo(url: String, act_as: Option<String>) -> Result<RedmineConfig> {
    Ok(RedmineConfig {
        url,
        key: ApiKey::new("demo"),
        act_as,
        timeout: seconds("REDMINE_TIMEOUT", 10, 600)?,
    })
}

/// The status names for unassign, progress and resolve (`REDMINE_STATUS_*`).
pub fn status_names() -> StatusNames {
    let defaults = StatusNames::default();
    StatusNames {
        new: var("REDMINE_STATUS_NEW").unwrap_or(defaults.new),
        in_progress: var("REDMINE_STATUS_IN_PROGRESS").unwrap_or(defaults.in_progress),
        resolved: var("REDMINE_STATUS_RESOLVED").unwrap_or(defaults.resolved),
    }
}

/// "Now", for ages: the clock, or `TICKETS_NOW` (RFC 3339) for reproducible output.
pub fn now() -> Result<DateTime<Utc>> {
    match var("TICKETS_NOW") {
        None => Ok(Utc::now()),
        Some(text) => DateTime::parse_from_rfc3339(&text)
            .map(|time| time.with_timezone(&Utc))
            .with_context(|| format!("TICKETS_NOW must be an RFC 3339 time, not '{text}'")),
    }
}
