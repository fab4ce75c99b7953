//! The CLI's configuration: `REDMINE_*` variables from the environment or `.env`.

use std::time::Duration;

use anyhow::{bail, Context as _, Result};
use chrono::{DateTime, Utc};
use ports::StatusNames;
use redmine::{ApiKey, RedmineConfig};

/// Reads a variable; an empty value counts as unset.
fn var(name: &str) -> Option<String> {
    std::env::var(name)
        .ok()
        .map(|value| value.trim().to_owned())
        .filter(|value| !value.is_empty())
}

fn required(name: &str) -> Result<String> {
    var(name).with_context(|| {
        format!("{name} is not set: put it in the environment or in a .env file here")
    })
}

/// The request timeout: `REDMINE_TIMEOUT` seconds, 10 by default.
fn timeout() -> Result<Duration> {
    match var("REDMINE_TIMEOUT") {
        None => Ok(Duration::from_secs(10)),
        Some(text) => match text.parse::<u64>() {
            Ok(seconds) if (1..=600).contains(&seconds) => Ok(Duration::from_secs(seconds)),
            _ => bail!("REDMINE_TIMEOUT must be a number of seconds from 1 to 600, not '{text}'"),
        },
    }
}

/// How to reach Redmine, from `REDMINE_URL`, `REDMINE_TOKEN` and `REDMINE_TIMEOUT`.
pub fn redmine(act_as: Option<String>) -> Result<RedmineConfig> {
    Ok(RedmineConfig {
        url: required("REDMINE_URL")?,
        key: ApiKey::new(required("REDMINE_TOKEN")?),
        act_as,
        timeout: timeout()?,
    })
}

/// The demo's Redmine: the embedded fixture server, no credentials.
pub fn demo(url: String, act_as: Option<String>) -> Result<RedmineConfig> {
    Ok(RedmineConfig {
        url,
        key: ApiKey::new("demo"),
        act_as,
        timeout: timeout()?,
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
