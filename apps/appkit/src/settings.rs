//! `netbot.toml`, read and checked in one place for every binary, into typed settings that
//! `threader`, `netbot run` and `netbot check` use alike: ids are ids, durations are
//! durations, ping rules and the digest rule are parsed, and each default is written once
//! (the constants below). What is not secret lives in the file (secrets and addresses come
//! from the environment). Path in `NETBOT_CONFIG`, default `./netbot.toml`.

mod environment;
mod file;
mod notify;
mod sections;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::{bail, Context as _, Result};
use domain::{ChannelId, Login, RoleId};
use ports::bot::{SavedQuery, DEFAULT_LINE};
use ports::StatusNames;

use crate::env::var;

pub use environment::{
    discord_guild, health_addr, redmine, redmine_demo, status_names_from_environment,
    RedmineTimeout, HEALTH_ADDR,
};
pub use notify::{auto_threads, project_routes, resolve_notify};
use sections::{channel_id, notify_section, threader_section};
pub use sections::{
    NotifySection, RecycleSection, RouteSection, ThreaderSection, DEFAULT_RECYCLE_STATUS,
};

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
    pub reader_login: Option<Login>,
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
    /// The zone dates and times are read in (`[notify] time_zone`): due dates and their
    /// events' 09:00. UTC when unset.
    #[must_use]
    pub fn time_zone(&self) -> domain::due_event::Tz {
        self.notify
            .as_ref()
            .map_or(domain::due_event::Tz::UTC, |notify| notify.zone)
    }

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
    let reader_login = file
        .reader_login
        .as_deref()
        .map(|login| Login::new(login).context("reader_login must be a Redmine login"))
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
        reader_login,
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

#[cfg(test)]
mod tests;
