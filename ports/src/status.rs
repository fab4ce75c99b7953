//! A team's status (`/status` and `tickets --status`): the team found by name, its open work
//! listed once, and `domain::team_status` deciding the buckets.

use std::collections::BTreeMap;

use chrono::{DateTime, TimeDelta, Utc};
use domain::team_status::{team_status, TeamStatus};
use domain::{names, Named, Team};

use crate::tracker::{Catalog, TeamWork, TrackerError};

/// The team named `name` (any case, surrounding spaces ignored) among the tracker's teams.
///
/// # Errors
/// [`TrackerError::UnknownName`] (kind "team") with the closest names when none is named so,
/// or the error of reading the teams.
pub async fn find_team<T: TeamWork>(tracker: &T, name: &str) -> Result<Team, TrackerError> {
    let teams = tracker.teams().await?;
    let typed = name.trim();
    if let Some(team) = teams
        .iter()
        .find(|team| team.name.trim().eq_ignore_ascii_case(typed))
    {
        return Ok(team.clone());
    }
    Err(TrackerError::UnknownName {
        kind: "team",
        name: typed.to_owned(),
        closest: names::closest(teams.iter().map(|team| team.name.as_str()), typed),
    })
}

/// Team names for autocomplete: those containing `typed`, prefix matches first, at most
/// `limit`.
///
/// # Errors
/// [`TrackerError`] when the teams cannot be read.
pub async fn complete_team<T: TeamWork>(
    tracker: &T,
    typed: &str,
    limit: usize,
) -> Result<Vec<String>, TrackerError> {
    let teams: Vec<Named> = tracker
        .teams()
        .await?
        .into_iter()
        .map(|team| Named::new(team.id.get(), team.name))
        .collect();
    Ok(names::complete(&teams, typed, limit)
        .into_iter()
        .map(str::to_owned)
        .collect())
}

/// The open work of `team` (every open ticket with `None`), bucketed. `stale` is `[notify.stale]`
/// as configured (status name → idle time): the names are looked up among the tracker's
/// statuses (one request, only when there are any); a name the tracker does not have is left
/// out (the threader refuses to start with one, and `netbot check` names it).
///
/// # Errors
/// [`TrackerError`] when the tickets, priorities or statuses cannot be read.
pub async fn status_of<T: TeamWork + Catalog>(
    tracker: &T,
    team: Option<Team>,
    stale: &BTreeMap<String, TimeDelta>,
    now: DateTime<Utc>,
) -> Result<TeamStatus, TrackerError> {
    let name = team.as_ref().map(|team| team.name.clone());
    let tickets = tracker.open_work(team).await?;
    let priorities = tracker.priorities().await?;
    let mut stale_by_status = BTreeMap::new();
    if !stale.is_empty() {
        let statuses = tracker.statuses().await?;
        for (status, idle) in stale {
            match domain::ticket::status_named(&statuses, status) {
                Some(known) => {
                    stale_by_status.insert(known.id.get(), *idle);
                }
                None => tracing::warn!(status, "a stale status is not one of the tracker's"),
            }
        }
    }
    Ok(team_status(
        name.as_deref(),
        tickets,
        &priorities,
        &stale_by_status,
        now,
    ))
}

#[cfg(test)]
mod tests;
