//! The CLI's own setting, `TICKETS_NOW`; `REDMINE_*` are read by `appkit::settings`.

use anyhow::{Context as _, Result};
use appkit::env::var;
use chrono::{DateTime, Utc};

/// "Now", for ages: the clock, or `TICKETS_NOW` (RFC 3339) for reproducible output.
pub fn now() -> Result<DateTime<Utc>> {
    match var("TICKETS_NOW") {
        None => Ok(Utc::now()),
        Some(text) => DateTime::parse_from_rfc3339(&text)
            .map(|time| time.with_timezone(&Utc))
            .with_context(|| format!("TICKETS_NOW must be an RFC 3339 time, not '{text}'")),
    }
}
