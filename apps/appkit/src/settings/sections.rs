//! What `netbot.toml`'s `[threader]` and `[notify]` sections hold once parsed, and how each
//! is read from the file's raw shape: every value checked that can be without asking anyone.

use std::collections::BTreeMap;

use anyhow::{bail, Context as _, Result};
use chrono::TimeDelta;
use domain::limits::DEFAULT_MAX_UPLOAD;
use domain::notify::{DigestRule, Ping};
use domain::{ChannelId, RoleId};

use super::{file, route_key, DEFAULT_NOTIFY_WINDOW, DEFAULT_STATE_FIELD, DEFAULT_THREAD_FIELD};

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
    /// `max_upload`: the most bytes of files one message posted in a thread carries
    /// (default [`DEFAULT_MAX_UPLOAD`], 8 MiB); larger files are linked to Redmine.
    pub max_upload: u64,
    /// `auto_trackers`: tracker names whose new tickets are threaded automatically.
    pub auto_trackers: Vec<String>,
    /// `auto_projects`: project identifiers whose new tickets are threaded automatically
    /// (with `auto_trackers` too: tickets of those trackers in those projects).
    pub auto_projects: Vec<String>,
}

/// `[notify]`, its names not yet checked against Redmine ([`super::resolve_notify`] does that).
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
    /// `time_zone`: where dates and times are read (UTC when unset).
    pub zone: domain::due_event::Tz,
    /// `[notify.recycle]`: idle tickets handed back to their route's team; off when absent.
    pub recycle: Option<RecycleSection>,
}

/// `[notify.recycle]`, its names not yet checked against Redmine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecycleSection {
    /// `after`: how long an assigned ticket stays idle before it is handed back.
    pub after: TimeDelta,
    /// `status`: the status it is set back to (default [`DEFAULT_RECYCLE_STATUS`]).
    pub status: String,
    /// `skip_priorities`: priority names whose tickets are never recycled.
    pub skip_priorities: Vec<String>,
}

/// The status a recycled ticket is set back to when `[notify.recycle]` names none.
pub const DEFAULT_RECYCLE_STATUS: &str = "New";

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
    /// The group its idle tickets are handed back to (`[notify.recycle]`).
    pub team: Option<String>,
}

/// A channel id from the file: one line naming `key` when it is not one.
pub(super) fn channel_id(key: &str, id: u64) -> Result<ChannelId> {
    ChannelId::new(id)
        .ok()
        .with_context(|| format!("{key} must be a channel id"))
}

pub(super) fn threader_section(threader: file::Threader) -> Result<ThreaderSection> {
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
    let max_upload = match threader.max_upload.as_deref() {
        None => DEFAULT_MAX_UPLOAD,
        Some(text) => byte_size("threader.max_upload", text)?,
    };
    Ok(ThreaderSection {
        channel,
        thread_field,
        state_field,
        projects,
        max_upload,
        auto_trackers: threader.auto_trackers,
        auto_projects: threader.auto_projects,
    })
}

/// A size in bytes as people write it: `8MiB`, `10 MB`, `500KiB`, `1048576` (bytes). One line
/// naming `key` when it is not one.
pub(super) fn byte_size(key: &str, text: &str) -> Result<u64> {
    let text = text.trim();
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let unit_bytes: u64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "kb" => 1000,
        "kib" => 1024,
        "mb" => 1000 * 1000,
        "mib" => 1024 * 1024,
        "gb" => 1000 * 1000 * 1000,
        "gib" => 1024 * 1024 * 1024,
        _ => bail!("{key} must be a size such as \"8MiB\" or \"10MB\", not \"{text}\""),
    };
    number
        .parse::<u64>()
        .ok()
        .and_then(|number| number.checked_mul(unit_bytes))
        .with_context(|| {
            format!("{key} must be a size such as \"8MiB\" or \"10MB\", not \"{text}\"")
        })
}

/// What can be checked of `[notify]` without asking anyone: names are checked at start.
pub(super) fn notify_section(notify: file::Notify) -> Result<NotifySection> {
    let intake = channel_id("notify.intake", notify.intake)?;
    let window = delta(
        "notify.window",
        notify.window.as_deref().unwrap_or(DEFAULT_NOTIFY_WINDOW),
    )?;
    let zone =
        domain::notify::parse_zone(notify.time_zone.as_deref()).map_err(anyhow::Error::msg)?;
    let digest = match &notify.digest_at {
        Some(at) => {
            Some(DigestRule::parse(at, notify.time_zone.as_deref()).map_err(anyhow::Error::msg)?)
        }
        None => None,
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
    let recycle = match notify.recycle {
        Some(recycle) => Some(RecycleSection {
            after: delta("notify.recycle.after", &recycle.after)?,
            status: recycle
                .status
                .unwrap_or_else(|| DEFAULT_RECYCLE_STATUS.to_owned()),
            skip_priorities: recycle.skip_priorities,
        }),
        None => None,
    };
    Ok(NotifySection {
        intake,
        window,
        routes,
        stale,
        digest,
        zone,
        recycle,
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
        team: route.team,
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
