//! `netbot.toml`, read and checked in one place for every binary, into typed settings that
//! `threader`, `netbot run` and `netbot check` use alike: ids are ids, durations are
//! durations, ping rules and the digest rule are parsed, and each default is written once
//! (the constants below). What is not secret lives in the file (secrets and addresses come
//! from the environment). Path in `NETBOT_CONFIG`, default `./netbot.toml`.

mod file;
mod notify;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::{bail, Context as _, Result};
use chrono::TimeDelta;
use domain::notify::{DigestRule, Ping};
use domain::{ChannelId, GuildId, RoleId};
use ports::bot::{SavedQuery, DEFAULT_LINE};
use ports::StatusNames;

use crate::env::var;

pub use notify::{project_routes, resolve_notify};

/// The Redmine user custom field holding Discord ids, unless `discord_field` names another.
pub const DEFAULT_DISCORD_FIELD: &str = "Discord ID";
/// The issue custom field that asks for a thread and then holds its link, unless
/// `threader.thread_field` names another.
pub const DEFAULT_THREAD_FIELD: &str = "Discord thread";
/// The issue custom field for the threader's own state, unless `threader.state_field` names
/// another.
pub const DEFAULT_STATE_FIELD: &str = "Discord sync";
/// The project `/new` opens tickets in, unless `default_project` names another.
pub const DEFAULT_PROJECT: &str = "netops";
/// How long a Redmine or NetBox call of the bot may take, unless `backend_timeout` says.
pub const DEFAULT_BACKEND_TIMEOUT: Duration = Duration::from_secs(8);
/// How often the bot reloads who is who, unless `identity_refresh_minutes` says.
pub const DEFAULT_IDENTITY_REFRESH: Duration = Duration::from_secs(10 * 60);
/// How far back the first notification pass ever looks, unless `notify.window` says.
pub const DEFAULT_NOTIFY_WINDOW: &str = "1d";

/// `netbot.toml`, parsed and checked: everything in it that can be checked without asking
/// anyone. Names of statuses, projects, trackers, people and channels are checked against
/// Redmine and Discord at start (and by `netbot check`).
#[derive(Debug, Clone)]
pub struct Settings {
    /// The Discord role whose members may `/link`.
    pub admin_role: Option<RoleId>,
    /// Unlinked members read open tickets as this Redmine login (absent: they are refused).
    pub reader_login: Option<String>,
    /// The Redmine project (identifier) `/new` opens tickets in.
    pub default_project: Defaulted<String>,
    /// The Redmine user custom field holding Discord ids.
    pub discord_field: String,
    /// How long a Redmine or NetBox call of the bot may take (also each command's deadline).
    pub backend_timeout: Duration,
    /// How often the bot reloads who is who.
    pub identity_refresh: Duration,
    /// Status names for unassign, progress and resolve.
    pub statuses: Statuses,
    /// Named Discord channels.
    pub channels: BTreeMap<String, ChannelId>,
    /// Saved queries for `/query`, by name, their templates checked.
    pub queries: BTreeMap<String, SavedQuery>,
    /// `[threader]`: where threads go and which issue fields the threader uses.
    pub threader: Option<ThreaderSection>,
    /// `[notify]`: new tickets and stale ones.
    pub notify: Option<NotifySection>,
}

impl Default for Settings {
    /// What an absent `netbot.toml` means.
    fn default() -> Self {
        Self {
            admin_role: None,
            reader_login: None,
            default_project: Defaulted::default_value(DEFAULT_PROJECT.to_owned()),
            discord_field: DEFAULT_DISCORD_FIELD.to_owned(),
            backend_timeout: DEFAULT_BACKEND_TIMEOUT,
            identity_refresh: DEFAULT_IDENTITY_REFRESH,
            statuses: Statuses::default(),
            channels: BTreeMap::new(),
            queries: BTreeMap::new(),
            threader: None,
            notify: None,
        }
    }
}

/// A setting's value, and whether `netbot.toml` set it or its default stands (`netbot check`
/// says which).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Defaulted<T> {
    value: T,
    set: bool,
}

impl<T> Defaulted<T> {
    /// A value the file set.
    #[must_use]
    pub fn set(value: T) -> Self {
        Self { value, set: true }
    }

    /// The default, the file being silent.
    #[must_use]
    pub fn default_value(value: T) -> Self {
        Self { value, set: false }
    }

    /// The value, set or default.
    #[must_use]
    pub fn get(&self) -> &T {
        &self.value
    }

    /// Whether the file set it.
    #[must_use]
    pub fn is_set(&self) -> bool {
        self.set
    }

    fn from_file(value: Option<T>, default: impl FnOnce() -> T) -> Self {
        match value {
            Some(value) => Self::set(value),
            None => Self::default_value(default()),
        }
    }
}

/// `[statuses]`: the status names for unassign, progress and resolve (defaults:
/// [`StatusNames::default`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statuses {
    /// Set by unassign.
    pub new: Defaulted<String>,
    /// Set by progress.
    pub in_progress: Defaulted<String>,
    /// Set by resolve.
    pub resolved: Defaulted<String>,
}

impl Default for Statuses {
    fn default() -> Self {
        let defaults = StatusNames::default();
        Self {
            new: Defaulted::default_value(defaults.new),
            in_progress: Defaulted::default_value(defaults.in_progress),
            resolved: Defaulted::default_value(defaults.resolved),
        }
    }
}

impl Statuses {
    /// The three names, as the bot's use cases take them.
    #[must_use]
    pub fn names(&self) -> StatusNames {
        StatusNames {
            new: self.new.get().clone(),
            in_progress: self.in_progress.get().clone(),
            resolved: self.resolved.get().clone(),
        }
    }
}

/// `[threader]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ThreaderSection {
    /// The channel new threads are opened in.
    pub channel: ChannelId,
    /// The issue custom field that asks for a thread and then holds its link.
    pub thread_field: String,
    /// The issue custom field for the threader's own state.
    pub state_field: String,
    /// Project identifier → the channel for its new threads.
    pub projects: BTreeMap<String, ChannelId>,
}

/// `[notify]`, its names not yet checked against Redmine ([`resolve_notify`] does that).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotifySection {
    /// The channel for tickets that match no route or have nobody assigned.
    pub intake: ChannelId,
    /// The first pass ever announces nothing created longer ago than this.
    pub window: TimeDelta,
    /// `[[notify.route]]`: first match wins.
    pub routes: Vec<RouteSection>,
    /// `[notify.stale]`: status name → idle time before one reminder.
    pub stale: BTreeMap<String, TimeDelta>,
    /// A daily digest of the stale tickets instead of single reminders; off when absent.
    pub digest: Option<DigestRule>,
}

/// One `[[notify.route]]`: at least one of project, tracker, category or assignee; a
/// category only with a project.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteSection {
    /// A project identifier.
    pub project: Option<String>,
    /// A tracker name (Bug, Feature, …).
    pub tracker: Option<String>,
    /// A category name of `project`.
    pub category: Option<String>,
    /// A login or a group name.
    pub assignee: Option<String>,
    /// Where matching tickets are announced.
    pub channel: ChannelId,
    /// Whom an announcement pings.
    pub ping: Ping,
}

/// What a configured channel is for, and so what the bot needs there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChannelUse {
    /// The threader opens, archives and unarchives threads there (`[threader]`).
    Threads,
    /// Notifications are posted there (`[notify]`).
    Notifications,
    /// A named channel (`[channels]`).
    Named,
}

impl Settings {
    /// Every channel the file names, with the key that names it, in the file's order of
    /// sections: `[threader]`, `[notify]`, `[channels]`.
    #[must_use]
    pub fn configured_channels(&self) -> Vec<(String, ChannelId, ChannelUse)> {
        let mut channels = Vec::new();
        if let Some(threader) = &self.threader {
            channels.push((
                String::from("threader.channel"),
                threader.channel,
                ChannelUse::Threads,
            ));
            for (project, channel) in &threader.projects {
                channels.push((
                    format!("threader.projects.{project}"),
                    *channel,
                    ChannelUse::Threads,
                ));
            }
        }
        if let Some(notify) = &self.notify {
            channels.push((
                String::from("notify.intake"),
                notify.intake,
                ChannelUse::Notifications,
            ));
            for (index, route) in notify.routes.iter().enumerate() {
                channels.push((
                    format!("{}.channel", route_key(index)),
                    route.channel,
                    ChannelUse::Notifications,
                ));
            }
        }
        for (name, channel) in &self.channels {
            channels.push((format!("channels.{name}"), *channel, ChannelUse::Named));
        }
        channels
    }
}

/// The key of the route at `index` (0-based), as the operator counts them: `notify.route[1]`.
#[must_use]
pub fn route_key(index: usize) -> String {
    format!("notify.route[{}]", index + 1)
}

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

/// Where `netbot.toml` is read from: `NETBOT_CONFIG`, or `./netbot.toml`; `true` when named
/// (then it must exist).
#[must_use]
pub fn settings_path() -> (PathBuf, bool) {
    match var("NETBOT_CONFIG") {
        Some(path) => (PathBuf::from(path), true),
        None => (PathBuf::from("netbot.toml"), false),
    }
}

/// Reads `netbot.toml` from `NETBOT_CONFIG` or `./netbot.toml`; a missing default file is
/// fine (the defaults), a missing named file is not.
///
/// # Errors
/// One line naming the file and the key or problem.
pub fn file_settings() -> Result<Settings> {
    let (path, named) = settings_path();
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound && !named => {
            return Ok(Settings::default())
        }
        Err(error) => bail!("cannot read {}: {error}", path.display()),
    };
    parse(&text).with_context(|| format!("{} is invalid", path.display()))
}

/// Parses `netbot.toml`'s text into typed settings, checking values as well as keys.
///
/// # Errors
/// The key and the problem, in one line.
pub fn parse(text: &str) -> Result<Settings> {
    let file: file::File = toml::from_str(text).map_err(|error| {
        // toml's message spans several lines with a source excerpt: keep the first.
        let message = error
            .message()
            .lines()
            .next()
            .unwrap_or("not TOML")
            .to_owned();
        anyhow::anyhow!("{message}")
    })?;
    let backend_timeout = match file.backend_timeout {
        None => DEFAULT_BACKEND_TIMEOUT,
        Some(seconds) if (1..=60).contains(&seconds) => Duration::from_secs(seconds),
        Some(seconds) => bail!(
            "backend_timeout must be 1 to 60 seconds (Discord waits 15 minutes at most), not {seconds}"
        ),
    };
    let identity_refresh = match file.identity_refresh_minutes {
        None => DEFAULT_IDENTITY_REFRESH,
        Some(0) => bail!("identity_refresh_minutes must be at least 1"),
        Some(minutes) => Duration::from_secs(minutes.saturating_mul(60)),
    };
    if file
        .default_project
        .as_deref()
        .is_some_and(|project| project.trim().is_empty())
    {
        bail!("default_project must not be empty");
    }
    let admin_role = file
        .admin_role
        .map(|role| {
            RoleId::new(role)
                .ok()
                .context("admin_role must be a role id")
        })
        .transpose()?;
    let mut channels = BTreeMap::new();
    for (name, channel) in file.channels {
        let id = channel_id(&format!("channels.{name}"), channel)?;
        channels.insert(name, id);
    }
    let mut queries = BTreeMap::new();
    for (name, query) in file.queries {
        if let Some(format) = &query.format {
            domain::render::template::check(format)
                .map_err(|error| anyhow::anyhow!("queries.{name}.format: {error}"))?;
        }
        let saved = SavedQuery {
            description: query.description,
            filter: ports::SavedFilter::new(query.query),
            template: query.format.unwrap_or_else(|| DEFAULT_LINE.to_owned()),
        };
        queries.insert(name, saved);
    }
    let threader = file.threader.map(threader_section).transpose()?;
    let notify = file.notify.map(notify_section).transpose()?;
    let defaults = Statuses::default();
    Ok(Settings {
        admin_role,
        reader_login: file.reader_login,
        default_project: Defaulted::from_file(file.default_project, || DEFAULT_PROJECT.to_owned()),
        discord_field: file
            .discord_field
            .unwrap_or_else(|| DEFAULT_DISCORD_FIELD.to_owned()),
        backend_timeout,
        identity_refresh,
        statuses: Statuses {
            new: Defaulted::from_file(file.statuses.new, || defaults.new.value),
            in_progress: Defaulted::from_file(file.statuses.in_progress, || {
                defaults.in_progress.value
            }),
            resolved: Defaulted::from_file(file.statuses.resolved, || defaults.resolved.value),
        },
        channels,
        queries,
        threader,
        notify,
    })
}

/// A channel id from the file: one line naming `key` when it is not one.
fn channel_id(key: &str, id: u64) -> Result<ChannelId> {
    ChannelId::new(id)
        .ok()
        .with_context(|| format!("{key} must be a channel id"))
}

fn threader_section(threader: file::Threader) -> Result<ThreaderSection> {
    let channel = channel_id("threader.channel", threader.channel)?;
    let mut projects = BTreeMap::new();
    for (project, id) in threader.projects {
        let id = channel_id(&format!("threader.projects.{project}"), id)?;
        projects.insert(project, id);
    }
    let thread_field = threader
        .thread_field
        .unwrap_or_else(|| DEFAULT_THREAD_FIELD.to_owned());
    let state_field = threader
        .state_field
        .unwrap_or_else(|| DEFAULT_STATE_FIELD.to_owned());
    if thread_field.trim().is_empty() || state_field.trim().is_empty() {
        bail!("threader.thread_field and threader.state_field must not be empty");
    }
    if thread_field.trim().eq_ignore_ascii_case(state_field.trim()) {
        bail!("threader.thread_field and threader.state_field must be two different fields");
    }
    Ok(ThreaderSection {
        channel,
        thread_field,
        state_field,
        projects,
    })
}

/// What can be checked of `[notify]` without asking anyone: names are checked at start.
fn notify_section(notify: file::Notify) -> Result<NotifySection> {
    let intake = channel_id("notify.intake", notify.intake)?;
    let window = delta(
        "notify.window",
        notify.window.as_deref().unwrap_or(DEFAULT_NOTIFY_WINDOW),
    )?;
    let digest = match (&notify.digest_at, &notify.time_zone) {
        (Some(at), zone) => {
            Some(DigestRule::parse(at, zone.as_deref()).map_err(anyhow::Error::msg)?)
        }
        (None, Some(_)) => bail!("notify.time_zone is only read with notify.digest_at"),
        (None, None) => None,
    };
    let mut stale = BTreeMap::new();
    for (status, idle) in notify.stale {
        let idle = delta(&format!("notify.stale.\"{status}\""), &idle)?;
        stale.insert(status, idle);
    }
    let mut routes = Vec::new();
    for (index, route) in notify.routes.into_iter().enumerate() {
        routes.push(route_section(&route_key(index), route)?);
    }
    Ok(NotifySection {
        intake,
        window,
        routes,
        stale,
        digest,
    })
}

fn route_section(key: &str, route: file::Route) -> Result<RouteSection> {
    let channel = channel_id(&format!("{key}.channel"), route.channel)?;
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
    let ping = match route.ping.as_deref() {
        None => Ping::Nobody,
        Some(text) => ping(text).with_context(|| {
            format!("{key}.ping must be \"assignee\" or \"role:ROLE_ID\", not '{text}'")
        })?,
    };
    Ok(RouteSection {
        project: route.project,
        tracker: route.tracker,
        category: route.category,
        assignee: route.assignee,
        channel,
        ping,
    })
}

/// The ping grammar: `assignee`, or `role:ROLE_ID`.
fn ping(text: &str) -> Option<Ping> {
    if text == "assignee" {
        return Some(Ping::Assignee);
    }
    text.strip_prefix("role:")
        .and_then(|id| RoleId::parse(id).ok())
        .map(Ping::Role)
}

/// A duration such as `30s`, `5m`, `7d`, not zero.
fn delta(key: &str, text: &str) -> Result<TimeDelta> {
    let duration = humantime::parse_duration(text.trim())
        .ok()
        .filter(|duration| !duration.is_zero())
        .with_context(|| format!("{key} must be a duration such as 30m, 2d or 1w, not '{text}'"))?;
    TimeDelta::from_std(duration).with_context(|| format!("{key} is too long"))
}

#[cfg(test)]
mod tests;
