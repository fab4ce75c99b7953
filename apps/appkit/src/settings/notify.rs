//! The names `[threader]` and `[notify]` use, checked against the tracker at start and
//! turned into what tickets carry (ids): one line naming the key when a name is unknown.
//! The lookups are here; each verdict on what was found is a plain function below.

use std::collections::BTreeMap;

use anyhow::{bail, Context as _, Result};
use chrono::TimeDelta;
use domain::notify::{NotifyRules, RecycleRule, Route};
use domain::ticket::{Named, Status};
use domain::{ChannelId, Principal, ProjectId, Team};
use ports::{ArrivalFilter, Catalog, People};

use super::{route_key, NotifySection, RecycleSection, ThreaderSection};

/// `[threader.projects]`: each project identifier's id → the channel for its new threads.
///
/// # Errors
/// One line naming the key whose project the tracker does not have (or cannot tell).
pub async fn project_routes<T: Catalog>(
    tracker: &T,
    threader: &ThreaderSection,
) -> Result<BTreeMap<ProjectId, ChannelId>> {
    let mut routes = BTreeMap::new();
    for (identifier, channel) in &threader.projects {
        let project = tracker
            .project(identifier)
            .await
            .with_context(|| format!("threader.projects.{identifier} in netbot.toml"))?;
        routes.insert(project.id, *channel);
    }
    Ok(routes)
}

/// `[threader] auto_trackers` and `auto_projects` checked against the tracker: which new
/// tickets are threaded automatically (for `ports::auto_threads::AutoThreads`), `None` when
/// both are empty. With both, a ticket must be of one of the trackers and in one of the
/// projects (one listing filters by both).
///
/// # Errors
/// One line naming the key whose name the tracker does not have, or what could not be read.
pub async fn auto_threads<T: Catalog>(
    tracker: &T,
    threader: &ThreaderSection,
) -> Result<Option<ArrivalFilter>> {
    if threader.auto_trackers.is_empty() && threader.auto_projects.is_empty() {
        return Ok(None);
    }
    let mut filter = ArrivalFilter::default();
    if !threader.auto_trackers.is_empty() {
        let kinds = tracker
            .trackers()
            .await
            .context("reading the trackers for threader.auto_trackers")?;
        for name in &threader.auto_trackers {
            filter
                .trackers
                .push(tracker_known("threader.auto_trackers", name, &kinds)?);
        }
    }
    for identifier in &threader.auto_projects {
        let project = tracker
            .project(identifier)
            .await
            .with_context(|| format!("threader.auto_projects: no project '{identifier}'"))?;
        filter.projects.push(project.id);
    }
    Ok(Some(filter))
}

/// `[notify]` with every name checked against the tracker, in the file's order: the stale
/// statuses, then each route's project, tracker, category and assignee.
///
/// # Errors
/// One line naming the key whose name the tracker does not know, or what could not be read.
pub async fn resolve_notify<T: Catalog + People>(
    tracker: &T,
    notify: &NotifySection,
) -> Result<NotifyRules> {
    let statuses = tracker
        .statuses()
        .await
        .context("reading the statuses for [notify]")?;
    let stale = stale_by_status(&statuses, &notify.stale)?;
    let kinds = if notify.routes.iter().any(|route| route.tracker.is_some()) {
        tracker
            .trackers()
            .await
            .context("reading the trackers for [notify]")?
    } else {
        Vec::new()
    };
    let mut routes = Vec::new();
    for (index, route) in notify.routes.iter().enumerate() {
        let key = route_key(index);
        let project = match &route.project {
            Some(identifier) => Some(
                tracker
                    .project(identifier)
                    .await
                    .with_context(|| format!("{key}.project: no project '{identifier}'"))?,
            ),
            None => None,
        };
        if let Some(name) = &route.tracker {
            tracker_known(&format!("{key}.tracker"), name, &kinds)?;
        }
        if let (Some(name), Some(identifier)) = (&route.category, &route.project) {
            let categories = tracker.categories(identifier).await.with_context(|| {
                format!("{key}.category: reading the categories of '{identifier}'")
            })?;
            category_known(&key, name, identifier, &categories)?;
        }
        let assignee = match &route.assignee {
            Some(name) => Some(
                tracker
                    .find_person(name)
                    .await
                    .with_context(|| format!("{key}.assignee: looking up '{name}'"))?
                    .with_context(|| {
                        format!("{key}.assignee: no Redmine user or group named '{name}'")
                    })?
                    .id(),
            ),
            None => None,
        };
        let team = match &route.team {
            Some(name) => Some(team_named(&key, name, tracker.find_person(name).await)?),
            None => None,
        };
        routes.push(Route {
            project: project.map(|project| project.id),
            tracker: route.tracker.clone(),
            category: route.category.clone(),
            assignee,
            channel: route.channel,
            ping: route.ping,
            team,
        });
    }
    let recycle = match &notify.recycle {
        Some(recycle) => Some(recycle_rule(tracker, recycle, &statuses).await?),
        None => None,
    };
    if recycle.is_some() {
        let without: Vec<String> = notify
            .routes
            .iter()
            .enumerate()
            .filter(|(_, route)| route.team.is_none())
            .map(|(index, _)| route_key(index))
            .collect();
        tracing::warn!(
            routes_without_team = %without.join(", "),
            "notify.recycle: tickets of routes without a team, and tickets no route takes, are not recycled"
        );
    }
    Ok(NotifyRules {
        intake: notify.intake,
        window: notify.window,
        routes,
        stale,
        digest: notify.digest,
        recycle,
    })
}

/// A route's `team`: the name must be a Redmine group's.
fn team_named(
    key: &str,
    name: &str,
    found: Result<Option<Principal>, ports::TrackerError>,
) -> Result<Team> {
    match found.with_context(|| format!("{key}.team: looking up '{name}'"))? {
        Some(Principal::Team(team)) => Ok(team),
        Some(Principal::User(user)) => bail!(
            "{key}.team: '{name}' is a user ({}), not a group: recycled tickets go to a team",
            user.name
        ),
        None => bail!("{key}.team: no Redmine group named '{name}'"),
    }
}

/// `[notify.recycle]` resolved: its status (an open one) and its skipped priorities checked.
async fn recycle_rule<T: Catalog>(
    tracker: &T,
    recycle: &RecycleSection,
    statuses: &[Status],
) -> Result<RecycleRule> {
    let status = domain::ticket::status_named(statuses, &recycle.status)
        .with_context(|| {
            let known: Vec<&str> = statuses.iter().map(|status| status.name.as_str()).collect();
            format!(
                "notify.recycle.status: Redmine has no status named '{}' (known: {})",
                recycle.status,
                known.join(", ")
            )
        })?
        .clone();
    if status.is_closed {
        bail!(
            "notify.recycle.status: '{}' is a closed status; a recycled ticket must stay open",
            status.name
        );
    }
    if !recycle.skip_priorities.is_empty() {
        let priorities = tracker
            .priorities()
            .await
            .context("reading the priorities for notify.recycle.skip_priorities")?;
        for name in &recycle.skip_priorities {
            priority_known(name, &priorities)?;
        }
    }
    Ok(RecycleRule {
        after: recycle.after,
        status,
        skip_priorities: recycle.skip_priorities.clone(),
    })
}

/// A skipped priority must be one of the tracker's, in any case.
fn priority_known(name: &str, priorities: &[Named]) -> Result<()> {
    if priorities
        .iter()
        .any(|known| known.name.eq_ignore_ascii_case(name.trim()))
    {
        return Ok(());
    }
    let known: Vec<&str> = priorities.iter().map(|known| known.name.as_str()).collect();
    bail!(
        "notify.recycle.skip_priorities: Redmine has no priority named '{name}' (known: {})",
        known.join(", ")
    )
}

/// `[notify.stale]` by status id: each name must be one of the tracker's statuses.
fn stale_by_status(
    statuses: &[Status],
    stale: &BTreeMap<String, TimeDelta>,
) -> Result<BTreeMap<u64, TimeDelta>> {
    let mut by_id = BTreeMap::new();
    for (name, idle) in stale {
        let status = domain::ticket::status_named(statuses, name).with_context(|| {
            let known: Vec<&str> = statuses.iter().map(|status| status.name.as_str()).collect();
            format!(
                "notify.stale.\"{name}\": Redmine has no status named '{name}' (known: {})",
                known.join(", ")
            )
        })?;
        by_id.insert(status.id.get(), *idle);
    }
    Ok(by_id)
}

/// A tracker name must be one of the tracker's kinds (Bug, Feature, …), in any case: its id.
fn tracker_known(key: &str, name: &str, kinds: &[Named]) -> Result<u64> {
    if let Some(kind) = kinds
        .iter()
        .find(|kind| kind.name.eq_ignore_ascii_case(name.trim()))
    {
        return Ok(kind.id);
    }
    let known: Vec<&str> = kinds.iter().map(|kind| kind.name.as_str()).collect();
    bail!(
        "{key}: Redmine has no tracker named '{name}' (known: {})",
        known.join(", ")
    )
}

/// A route's category must be one of its project's, in any case.
fn category_known(key: &str, name: &str, project: &str, categories: &[Named]) -> Result<()> {
    if categories
        .iter()
        .any(|category| category.name.eq_ignore_ascii_case(name.trim()))
    {
        return Ok(());
    }
    bail!("{key}.category: project '{project}' has no category named '{name}'")
}

#[cfg(test)]
mod tests {
    use domain::StatusId;

    use super::*;

    fn status(id: u64, name: &str) -> Status {
        Status {
            id: StatusId::new(id).unwrap(),
            name: name.to_owned(),
            is_closed: false,
        }
    }

    fn named(id: u64, name: &str) -> Named {
        Named {
            id,
            name: name.to_owned(),
        }
    }

    #[test]
    fn stale_statuses_are_found_by_name_in_any_case_and_keyed_by_id() {
        let statuses = [status(1, "New"), status(2, "In Progress")];
        let stale = BTreeMap::from([(String::from("in progress"), TimeDelta::days(7))]);
        let by_id = stale_by_status(&statuses, &stale).unwrap();
        assert_eq!(by_id, BTreeMap::from([(2, TimeDelta::days(7))]));
    }

    #[test]
    fn an_unknown_stale_status_is_named_with_the_known_ones() {
        let statuses = [status(1, "New"), status(2, "In Progress")];
        let stale = BTreeMap::from([(String::from("Waiting"), TimeDelta::days(2))]);
        let error = stale_by_status(&statuses, &stale).unwrap_err().to_string();
        assert_eq!(
            error,
            "notify.stale.\"Waiting\": Redmine has no status named 'Waiting' (known: New, In Progress)"
        );
    }

    #[test]
    fn a_route_tracker_matches_in_any_case_and_an_unknown_one_is_named() {
        let kinds = [named(1, "Bug"), named(2, "Feature")];
        assert_eq!(
            tracker_known("notify.route[1].tracker", " bug ", &kinds).unwrap(),
            1
        );
        assert_eq!(
            tracker_known("notify.route[2].tracker", "Bugz", &kinds)
                .unwrap_err()
                .to_string(),
            "notify.route[2].tracker: Redmine has no tracker named 'Bugz' (known: Bug, Feature)"
        );
    }

    #[test]
    fn an_unknown_automatic_tracker_is_named_with_its_key() {
        let kinds = [named(1, "Bug"), named(4, "Mutual-Aid-Action")];
        assert_eq!(
            tracker_known("threader.auto_trackers", "mutual-aid-action", &kinds).unwrap(),
            4
        );
        assert_eq!(
            tracker_known("threader.auto_trackers", "Mutual-Aid", &kinds)
                .unwrap_err()
                .to_string(),
            "threader.auto_trackers: Redmine has no tracker named 'Mutual-Aid' (known: Bug, Mutual-Aid-Action)"
        );
    }

    #[test]
    fn a_route_category_must_be_one_of_its_projects() {
        let categories = [named(4, "Roof")];
        assert!(category_known("notify.route[1]", "roof", "netops", &categories).is_ok());
        assert_eq!(
            category_known("notify.route[1]", "Mast", "netops", &categories)
                .unwrap_err()
                .to_string(),
            "notify.route[1].category: project 'netops' has no category named 'Mast'"
        );
    }
}
