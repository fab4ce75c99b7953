//! `netbot.toml` as written: the serde shape of the file, read by `super::parse` only and
//! turned at once into the typed settings. Nothing outside `settings` sees these raw values.

use std::collections::BTreeMap;

use serde::Deserialize;

/// The whole file. Every key is optional; unknown keys are errors.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct File {
    pub admin_role: Option<u64>,
    pub reader_login: Option<String>,
    pub default_project: Option<String>,
    pub discord_field: Option<String>,
    pub backend_timeout: Option<u64>,
    pub identity_refresh_minutes: Option<u64>,
    #[serde(default)]
    pub statuses: Statuses,
    #[serde(default)]
    pub channels: BTreeMap<String, u64>,
    #[serde(default)]
    pub queries: BTreeMap<String, Query>,
    pub threader: Option<Threader>,
    pub notify: Option<Notify>,
}

/// `[statuses]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Statuses {
    pub new: Option<String>,
    pub in_progress: Option<String>,
    pub resolved: Option<String>,
}

/// `[queries.NAME]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Query {
    #[serde(default)]
    pub description: String,
    pub query: String,
    pub format: Option<String>,
}

/// `[threader]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Threader {
    pub channel: u64,
    pub thread_field: Option<String>,
    pub state_field: Option<String>,
    pub max_upload: Option<String>,
    #[serde(default)]
    pub projects: BTreeMap<String, u64>,
    #[serde(default)]
    pub auto_trackers: Vec<String>,
    #[serde(default)]
    pub auto_projects: Vec<String>,
}

/// `[notify]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Notify {
    pub intake: u64,
    pub window: Option<String>,
    #[serde(default, rename = "route")]
    pub routes: Vec<Route>,
    #[serde(default)]
    pub stale: BTreeMap<String, String>,
    pub digest_at: Option<String>,
    pub time_zone: Option<String>,
    pub recycle: Option<Recycle>,
}

/// `[notify.recycle]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Recycle {
    pub after: String,
    pub status: Option<String>,
    #[serde(default)]
    pub skip_priorities: Vec<String>,
}

/// One `[[notify.route]]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Route {
    pub project: Option<String>,
    pub tracker: Option<String>,
    pub category: Option<String>,
    pub assignee: Option<String>,
    pub channel: u64,
    pub ping: Option<String>,
    pub team: Option<String>,
}
