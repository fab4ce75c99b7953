//! `netbot.toml`, read in one place for every binary: what is not secret (secrets and
//! addresses come from the environment). Path in `NETBOT_CONFIG`, default `./netbot.toml`.

use std::collections::BTreeMap;
use std::path::PathBuf;

use anyhow::{bail, Context as _, Result};
use serde::Deserialize;

use crate::env::var;

/// `netbot.toml`: what is not secret. Every key is optional; unknown keys are errors.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileSettings {
    /// The Discord role id whose members may `/link`.
    pub admin_role: Option<u64>,
    /// Unlinked members read open tickets as this Redmine login (leave out to refuse them).
    pub reader_login: Option<String>,
    /// The Redmine project (identifier) `/new` opens tickets in.
    pub default_project: Option<String>,
    /// The Redmine user custom field holding Discord ids (default "Discord ID").
    pub discord_field: Option<String>,
    /// Seconds before a Redmine or NetBox call gives up (default 8).
    pub backend_timeout: Option<u64>,
    /// Minutes between reloads of who is who (default 10).
    pub identity_refresh_minutes: Option<u64>,
    /// Status names for unassign, progress and resolve.
    #[serde(default)]
    pub statuses: StatusSettings,
    /// Named Discord channels (name → channel id), for notifications to come.
    #[serde(default)]
    pub channels: BTreeMap<String, u64>,
    /// Saved queries for `/query`, by name.
    #[serde(default)]
    pub queries: BTreeMap<String, QuerySettings>,
    /// The threader: where threads go and which issue fields it uses.
    pub threader: Option<ThreaderSettings>,
    /// Notifications: new tickets and stale ones.
    pub notify: Option<NotifySettings>,
}

/// How long each Redmine request may take.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RedmineTimeout {
    /// `REDMINE_TIMEOUT` seconds (default 10): the CLI and the threader.
    Environment,
    /// The bot's `backend_timeout` from `netbot.toml`, which also bounds each command as a
    /// whole: `REDMINE_TIMEOUT` does not apply (and is said to be ignored when set).
    Backend(std::time::Duration),
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

fn redmine_timeout(timeout: RedmineTimeout) -> Result<std::time::Duration> {
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

/// The status names for unassign, progress and resolve from `REDMINE_STATUS_NEW`,
/// `REDMINE_STATUS_IN_PROGRESS` and `REDMINE_STATUS_RESOLVED` (the CLI; the bot reads
/// `[statuses]` in `netbot.toml`).
#[must_use]
pub fn status_names_from_environment() -> ports::StatusNames {
    let defaults = ports::StatusNames::default();
    ports::StatusNames {
        new: var("REDMINE_STATUS_NEW").unwrap_or(defaults.new),
        in_progress: var("REDMINE_STATUS_IN_PROGRESS").unwrap_or(defaults.in_progress),
        resolved: var("REDMINE_STATUS_RESOLVED").unwrap_or(defaults.resolved),
    }
}

/// `[notify]` in `netbot.toml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NotifySettings {
    /// The channel for tickets that match no route or have nobody assigned.
    pub intake: u64,
    /// The first pass ever announces nothing created longer ago than this (default "1d").
    #[serde(default = "default_window")]
    pub window: String,
    /// `[[notify.route]]`: first match wins.
    #[serde(default, rename = "route")]
    pub routes: Vec<RouteSettings>,
    /// `[notify.stale]`: status name → idle time before one reminder.
    #[serde(default)]
    pub stale: BTreeMap<String, String>,
    /// A daily digest of the stale tickets at this local time ("10:00") instead of single
    /// reminders; off when absent.
    pub digest_at: Option<String>,
    /// The time zone of `digest_at` ("Europe/Zurich"; default UTC).
    pub time_zone: Option<String>,
}

fn default_window() -> String {
    String::from("1d")
}

/// One `[[notify.route]]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RouteSettings {
    /// A project identifier.
    pub project: Option<String>,
    /// A tracker name (Bug, Feature, …).
    pub tracker: Option<String>,
    /// A category name (needs `project`).
    pub category: Option<String>,
    /// A login or a group name.
    pub assignee: Option<String>,
    /// Where matching tickets are announced.
    pub channel: u64,
    /// "assignee", "role:ROLE_ID", or absent.
    pub ping: Option<String>,
}

/// A duration such as `30s`, `5m`, `7d`.
///
/// # Errors
/// One line naming `key` and the value.
pub fn duration(key: &str, text: &str) -> Result<std::time::Duration> {
    humantime::parse_duration(text.trim())
        .ok()
        .filter(|duration| !duration.is_zero())
        .with_context(|| format!("{key} must be a duration such as 30m, 2d or 1w, not '{text}'"))
}

/// `[threader]` in `netbot.toml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ThreaderSettings {
    /// The channel new threads are opened in.
    pub channel: u64,
    /// The issue custom field that asks for a thread and then holds its link.
    #[serde(default = "default_thread_field")]
    pub thread_field: String,
    /// The issue custom field for the threader's own state.
    #[serde(default = "default_state_field")]
    pub state_field: String,
    /// Project identifier → channel id, for new threads.
    #[serde(default)]
    pub projects: BTreeMap<String, u64>,
}

fn default_thread_field() -> String {
    String::from("Discord thread")
}

fn default_state_field() -> String {
    String::from("Discord sync")
}

/// `[queries.NAME]` in `netbot.toml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuerySettings {
    /// Shown beside the name in `/query`'s choices.
    #[serde(default)]
    pub description: String,
    /// Redmine issue-list parameters, e.g. `status_id=open&sort=updated_on`.
    pub query: String,
    /// A minijinja line template (default: the original bot's ticket line).
    pub format: Option<String>,
}

/// `[statuses]` in `netbot.toml`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatusSettings {
    /// Set by unassign (default "New").
    pub new: Option<String>,
    /// Set by progress (default "In Progress").
    pub in_progress: Option<String>,
    /// Set by resolve (default "Resolved").
    pub resolved: Option<String>,
}

/// Reads `netbot.toml` from `NETBOT_CONFIG` or `./netbot.toml`; a missing default file is
/// fine, a missing named file is not.
///
/// # Errors
/// One line naming the file and the key or problem.
pub fn file_settings() -> Result<FileSettings> {
    let (path, named) = match var("NETBOT_CONFIG") {
        Some(path) => (PathBuf::from(path), true),
        None => (PathBuf::from("netbot.toml"), false),
    };
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound && !named => {
            return Ok(FileSettings::default())
        }
        Err(error) => bail!("cannot read {}: {error}", path.display()),
    };
    parse(&text).with_context(|| format!("{} is invalid", path.display()))
}

/// Parses `netbot.toml`'s text, checking values as well as keys.
///
/// # Errors
/// The key and the problem, in one line.
pub fn parse(text: &str) -> Result<FileSettings> {
    let settings: FileSettings = toml::from_str(text).map_err(|error| {
        // toml's message spans several lines with a source excerpt: keep the first.
        let message = error
            .message()
            .lines()
            .next()
            .unwrap_or("not TOML")
            .to_owned();
        anyhow::anyhow!("{message}")
    })?;
    if let Some(seconds) = settings.backend_timeout {
        if !(1..=60).contains(&seconds) {
            bail!("backend_timeout must be 1 to 60 seconds (Discord waits 15 minutes at most), not {seconds}");
        }
    }
    if settings.identity_refresh_minutes == Some(0) {
        bail!("identity_refresh_minutes must be at least 1");
    }
    if settings
        .default_project
        .as_deref()
        .is_some_and(|project| project.trim().is_empty())
    {
        bail!("default_project must not be empty");
    }
    for (name, query) in &settings.queries {
        if let Some(format) = &query.format {
            domain::render::template::check(format)
                .map_err(|error| anyhow::anyhow!("queries.{name}.format: {error}"))?;
        }
    }
    if let Some(threader) = &settings.threader {
        if threader.channel == 0 {
            bail!("threader.channel must be a channel id");
        }
        if let Some((project, _)) = threader.projects.iter().find(|(_, channel)| **channel == 0) {
            bail!("threader.projects.{project} must be a channel id");
        }
        if threader.thread_field.trim().is_empty() || threader.state_field.trim().is_empty() {
            bail!("threader.thread_field and threader.state_field must not be empty");
        }
        if threader
            .thread_field
            .trim()
            .eq_ignore_ascii_case(threader.state_field.trim())
        {
            bail!("threader.thread_field and threader.state_field must be two different fields");
        }
    }
    if let Some(notify) = &settings.notify {
        check_notify(notify)?;
    }
    Ok(settings)
}

/// What can be checked of `[notify]` without asking anyone: names are checked at start.
fn check_notify(notify: &NotifySettings) -> Result<()> {
    if notify.intake == 0 {
        bail!("notify.intake must be a channel id");
    }
    duration("notify.window", &notify.window)?;
    match (&notify.digest_at, &notify.time_zone) {
        (Some(at), zone) => {
            domain::notify::DigestRule::parse(at, zone.as_deref()).map_err(anyhow::Error::msg)?;
        }
        (None, Some(_)) => bail!("notify.time_zone is only read with notify.digest_at"),
        (None, None) => {}
    }
    for (status, idle) in &notify.stale {
        duration(&format!("notify.stale.\"{status}\""), idle)?;
    }
    for (index, route) in notify.routes.iter().enumerate() {
        let key = format!("notify.route[{}]", index + 1);
        if route.channel == 0 {
            bail!("{key}.channel must be a channel id");
        }
        if route.project.is_none()
            && route.tracker.is_none()
            && route.category.is_none()
            && route.assignee.is_none()
        {
            bail!("{key} needs at least one of project, tracker, category or assignee");
        }
        if route.category.is_some() && route.project.is_none() {
            bail!("{key}.category needs a project: categories belong to a project");
        }
        if let Some(ping) = &route.ping {
            let valid = ping == "assignee"
                || ping
                    .strip_prefix("role:")
                    .is_some_and(|id| id.parse::<u64>().is_ok_and(|id| id > 0));
            if !valid {
                bail!("{key}.ping must be \"assignee\" or \"role:ROLE_ID\", not '{ping}'");
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::parse;

    #[track_caller]
    fn error(text: &str) -> String {
        format!("{:#}", parse(text).unwrap_err())
    }

    #[test]
    fn a_full_file_parses() {
        let settings = parse(
            r#"
            admin_role = 1234
            reader_login = "guest"
            default_project = "netops"
            backend_timeout = 5
            [statuses]
            resolved = "Done"
            [channels]
            intake = 42
            "#,
        )
        .unwrap();
        assert_eq!(settings.admin_role, Some(1234));
        assert_eq!(settings.statuses.resolved.as_deref(), Some("Done"));
        assert_eq!(settings.channels["intake"], 42);
    }

    #[test]
    fn bad_keys_and_values_are_named() {
        assert!(
            error("admin_rol = 1").starts_with("unknown field `admin_rol`"),
            "{}",
            error("admin_rol = 1")
        );
        assert!(
            error("admin_role = \"x\"").contains("invalid type"),
            "{}",
            error("admin_role = \"x\"")
        );
        assert_eq!(
            error("backend_timeout = 0"),
            "backend_timeout must be 1 to 60 seconds (Discord waits 15 minutes at most), not 0"
        );
        assert_eq!(
            error("[statuses]\nclosed = \"x\""),
            "unknown field `closed`, expected one of `new`, `in_progress`, `resolved`"
        );
    }
}
