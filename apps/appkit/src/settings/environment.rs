//! The settings that come from the environment rather than `netbot.toml`: how to reach
//! Redmine (`REDMINE_*`, read here for every binary), the Discord server, the CLI's status
//! names, and where the health endpoint listens (`NETBOT_HEALTH_ADDR`).

use std::net::SocketAddr;
use std::time::Duration;

use anyhow::{Context as _, Result};
use domain::GuildId;
use ports::StatusNames;

use crate::env::var;

/// How long each Redmine request may take.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RedmineTimeout {
    /// `REDMINE_TIMEOUT` seconds (default 10): the CLI and the threader.
    Environment,
    /// The bot's `backend_timeout` from `netbot.toml`, which also bounds each command as a
    /// whole: `REDMINE_TIMEOUT` does not apply (and is said to be ignored when set).
    Backend(Duration),
}

/// How to reach Redmine, from `REDMINE_URL`, `REDMINE_TOKEN` and the timeout: the one reader
/// of these variables for `tickets`, `netbot run`, `netbot check` and `threader`. Acting as
/// nobody; the caller sets `act_as` when it needs to.
///
/// # Errors
/// One line naming the variable that is unset or malformed.
pub fn redmine(timeout: RedmineTimeout) -> Result<redmine::RedmineConfig> {
    Ok(redmine::RedmineConfig {
        url: crate::env::required("REDMINE_URL")?,
        key: redmine::ApiKey::new(crate::env::required("REDMINE_TOKEN")?),
        act_as: None,
        timeout: redmine_timeout(timeout)?,
    })
}

/// The demo's Redmine at `url` (no credentials), with the same timeout rule.
///
/// # Errors
/// One line naming a malformed `REDMINE_TIMEOUT`.
pub fn redmine_demo(
    url: String,
    key: &str,
    timeout: RedmineTimeout,
) -> Result<redmine::RedmineConfig> {
    Ok(redmine::RedmineConfig {
        url,
        key: redmine::ApiKey::new(key),
        act_as: None,
        timeout: redmine_timeout(timeout)?,
    })
}

fn redmine_timeout(timeout: RedmineTimeout) -> Result<Duration> {
    match timeout {
        RedmineTimeout::Environment => crate::env::seconds("REDMINE_TIMEOUT", 10, 600),
        RedmineTimeout::Backend(duration) => {
            if var("REDMINE_TIMEOUT").is_some() {
                tracing::warn!(
                    seconds = duration.as_secs(),
                    "REDMINE_TIMEOUT is ignored here: backend_timeout in netbot.toml sets every Redmine and NetBox request and each command's deadline"
                );
            }
            Ok(duration)
        }
    }
}

/// The server, from `DISCORD_GUILD_ID` (`threader` and `netbot run`).
///
/// # Errors
/// One line naming the variable when it is unset or not a server id.
pub fn discord_guild() -> Result<GuildId> {
    let text = crate::env::required("DISCORD_GUILD_ID")?;
    GuildId::parse(&text)
        .ok()
        .with_context(|| format!("DISCORD_GUILD_ID must be the server's numeric id, not '{text}'"))
}

/// The status names for unassign, progress and resolve from `REDMINE_STATUS_NEW`,
/// `REDMINE_STATUS_IN_PROGRESS` and `REDMINE_STATUS_RESOLVED` (the CLI; the bot reads
/// `[statuses]` in `netbot.toml`).
#[must_use]
pub fn status_names_from_environment() -> StatusNames {
    let defaults = StatusNames::default();
    StatusNames {
        new: var("REDMINE_STATUS_NEW").unwrap_or(defaults.new),
        in_progress: var("REDMINE_STATUS_IN_PROGRESS").unwrap_or(defaults.in_progress),
        resolved: var("REDMINE_STATUS_RESOLVED").unwrap_or(defaults.resolved),
    }
}

/// Where a long-running `threader` or `netbot run` serves `/healthz` and `/metrics`, and
/// where their `health` subcommand asks: `NETBOT_HEALTH_ADDR` (an address and port such as
/// `127.0.0.1:9464`); `None` when unset.
///
/// # Errors
/// One line naming the variable when it is not an address and port.
pub fn health_addr() -> Result<Option<SocketAddr>> {
    var(HEALTH_ADDR)
        .map(|text| parse_health_addr(&text))
        .transpose()
}

/// The variable [`health_addr`] reads.
pub const HEALTH_ADDR: &str = "NETBOT_HEALTH_ADDR";

fn parse_health_addr(text: &str) -> Result<SocketAddr> {
    text.parse().ok().with_context(|| {
        format!(
            "{HEALTH_ADDR} must be an IP address and port such as 127.0.0.1:9464, not '{}'",
            domain::render::one_line(text)
        )
    })
}

#[cfg(test)]
mod tests {
    use super::parse_health_addr;

    #[test]
    fn the_health_address_is_an_ip_address_and_a_port() {
        assert_eq!(
            parse_health_addr("127.0.0.1:9464").unwrap().to_string(),
            "127.0.0.1:9464"
        );
        assert_eq!(
            parse_health_addr("[::1]:9464").unwrap().to_string(),
            "[::1]:9464"
        );
        for bad in ["localhost:9464", "127.0.0.1", ":9464", "127.0.0.1:99999"] {
            assert_eq!(
                parse_health_addr(bad).unwrap_err().to_string(),
                format!(
                    "NETBOT_HEALTH_ADDR must be an IP address and port such as 127.0.0.1:9464, not '{bad}'"
                )
            );
        }
    }
}
