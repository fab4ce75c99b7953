//! What `netbot.toml` names that must exist in Redmine or Discord, each with the key that
//! names it, so that a check failing can say which line to fix.

use appkit::settings::{ChannelUse, Defaulted, Settings};
use domain::check::{ChannelRight, CHANNEL_RIGHTS, THREAD_CHANNEL_RIGHTS};
use domain::ChannelId;

/// What netbot.toml names, to be checked against Redmine and Discord.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Configured {
    /// `(key, status name)`.
    pub statuses: Vec<(String, String)>,
    /// `(key, project identifier)`.
    pub projects: Vec<(String, String)>,
    /// `(key, tracker name)`: named by `[notify]` routes.
    pub trackers: Vec<(String, String)>,
    /// `(key, login or group name)`: `[notify]` routes' assignees.
    pub assignees: Vec<(String, String)>,
    /// `(key, channel, what the bot needs there)`.
    pub channels: Vec<(String, ChannelId, &'static [ChannelRight])>,
    /// `(key, field name, on what, formats)`.
    pub fields: Vec<(String, String, &'static str, &'static [&'static str])>,
}

/// `(key, value)`, the key marked `, default` when the file left the value to its default.
fn keyed(key: &str, value: &Defaulted<String>) -> (String, String) {
    let key = if value.is_set() {
        key.to_owned()
    } else {
        format!("{key}, default")
    };
    (key, value.get().clone())
}

/// Everything netbot.toml names that must exist elsewhere, with the key that names it.
/// (`[notify]` route categories are checked by the threader at start, per project.)
#[must_use]
pub fn configured(settings: &Settings) -> Configured {
    let statuses = &settings.statuses;
    let mut configured = Configured {
        statuses: vec![
            keyed("statuses.new", &statuses.new),
            keyed("statuses.in_progress", &statuses.in_progress),
            keyed("statuses.resolved", &statuses.resolved),
        ],
        projects: vec![keyed("default_project", &settings.default_project)],
        fields: vec![(
            String::from("discord_field"),
            settings.discord_field.clone(),
            "user",
            &["string"],
        )],
        channels: settings
            .configured_channels()
            .into_iter()
            .map(|(key, channel, used)| {
                let rights: &'static [ChannelRight] = match used {
                    ChannelUse::Threads => &THREAD_CHANNEL_RIGHTS,
                    ChannelUse::Notifications | ChannelUse::Named => &CHANNEL_RIGHTS,
                };
                (key, channel, rights)
            })
            .collect(),
        ..Configured::default()
    };
    if let Some(threader) = &settings.threader {
        for project in threader.projects.keys() {
            configured
                .projects
                .push((format!("threader.projects.{project}"), project.clone()));
        }
        configured.fields.push((
            String::from("threader.thread_field"),
            threader.thread_field.clone(),
            "issue",
            &["string", "link"],
        ));
        configured.fields.push((
            String::from("threader.state_field"),
            threader.state_field.clone(),
            "issue",
            &["string", "text"],
        ));
    }
    if let Some(notify) = &settings.notify {
        for (index, route) in notify.routes.iter().enumerate() {
            let key = appkit::settings::route_key(index);
            if let Some(project) = &route.project {
                configured
                    .projects
                    .push((format!("{key}.project"), project.clone()));
            }
            if let Some(tracker) = &route.tracker {
                configured
                    .trackers
                    .push((format!("{key}.tracker"), tracker.clone()));
            }
            if let Some(assignee) = &route.assignee {
                configured
                    .assignees
                    .push((format!("{key}.assignee"), assignee.clone()));
            }
        }
        for status in notify.stale.keys() {
            configured
                .statuses
                .push((format!("notify.stale.\"{status}\""), status.clone()));
        }
    }
    configured
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_name_the_bots_statuses_project_and_user_field() {
        let configured = configured(&Settings::default());
        assert_eq!(
            configured.statuses,
            [
                ("statuses.new, default".into(), "New".into()),
                ("statuses.in_progress, default".into(), "In Progress".into()),
                ("statuses.resolved, default".into(), "Resolved".into()),
            ]
        );
        assert_eq!(
            configured.projects,
            [("default_project, default".into(), "netops".into())]
        );
        assert_eq!(configured.fields.len(), 1);
        assert!(configured.channels.is_empty());
    }

    #[test]
    fn the_threader_and_named_channels_add_channels_projects_and_fields() {
        let settings = appkit::settings::parse(
            r#"
            default_project = "ops"
            [statuses]
            resolved = "Done"
            [channels]
            intake = 5
            [threader]
            channel = 7
            [threader.projects]
            netops = 8
            "#,
        )
        .unwrap();
        let configured = configured(&settings);
        let channels: Vec<(&str, u64, usize)> = configured
            .channels
            .iter()
            .map(|(key, id, rights)| (key.as_str(), id.get(), rights.len()))
            .collect();
        assert_eq!(
            channels,
            [
                ("threader.channel", 7, 6),
                ("threader.projects.netops", 8, 6),
                ("channels.intake", 5, 5)
            ]
        );
        assert_eq!(
            configured.projects,
            [
                ("default_project".into(), "ops".into()),
                ("threader.projects.netops".into(), "netops".into())
            ]
        );
        assert_eq!(
            configured.statuses[2],
            ("statuses.resolved".into(), "Done".into())
        );
        let fields: Vec<&str> = configured.fields.iter().map(|f| f.1.as_str()).collect();
        assert_eq!(fields, ["Discord ID", "Discord thread", "Discord sync"]);
    }

    #[test]
    fn notify_adds_its_channels_projects_trackers_assignees_and_stale_statuses() {
        let settings = appkit::settings::parse(
            r#"
            [notify]
            intake = 5
            [[notify.route]]
            project = "netops"
            tracker = "Bug"
            assignee = "Field Team"
            channel = 6
            [notify.stale]
            "In Progress" = "7d"
            "#,
        )
        .unwrap();
        let configured = configured(&settings);
        let channels: Vec<(&str, u64)> = configured
            .channels
            .iter()
            .map(|(key, id, _)| (key.as_str(), id.get()))
            .collect();
        assert_eq!(
            channels,
            [("notify.intake", 5), ("notify.route[1].channel", 6)]
        );
        assert_eq!(
            configured.projects[1],
            ("notify.route[1].project".into(), "netops".into())
        );
        assert_eq!(
            configured.trackers,
            [("notify.route[1].tracker".into(), "Bug".into())]
        );
        assert_eq!(
            configured.assignees,
            [("notify.route[1].assignee".into(), "Field Team".into())]
        );
        assert_eq!(
            configured.statuses[3],
            ("notify.stale.\"In Progress\"".into(), "In Progress".into())
        );
    }
}
