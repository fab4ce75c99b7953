//! `netbot check`: verifies a deployment before anyone relies on it. Reads the settings the
//! way `netbot run` and `threader` do, asks each system what it needs to know through the
//! adapters, and leaves the verdicts to `domain::check`.

use anyhow::anyhow;
use appkit::env::var;
use appkit::settings::FileSettings;
use appkit::words::{self, StatusSettings};
use discord::{BotToken, DiscordChat, GuildAccess};
use domain::check::{
    self, ChannelRight, Check, FieldWanted, CHANNEL_RIGHTS, THREAD_CHANNEL_RIGHTS,
};
use domain::GuildId;
use netbox::Netbox;
use ports::directory::Directory as _;
use ports::{Catalog as _, Inventory as _, InventoryError, People as _, StatusNames, TrackerError};
use redmine::{Redmine, RedmineDirectory};

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
    /// `(key, channel id, what the bot needs there)`.
    pub channels: Vec<(String, u64, &'static [ChannelRight])>,
    /// `(key, field name, on what, formats)`.
    pub fields: Vec<(String, String, &'static str, &'static [&'static str])>,
}

/// Everything netbot.toml names that must exist elsewhere, with the key that names it.
/// (`[notify]` route categories are checked by the threader at start, per project.)
#[must_use]
pub fn configured(file: &FileSettings) -> Configured {
    let defaults = StatusNames::default();
    let status = |key: &str, set: &Option<String>, default: String| match set {
        Some(name) => (format!("statuses.{key}"), name.clone()),
        None => (format!("statuses.{key}, default"), default),
    };
    let mut configured = Configured {
        statuses: vec![
            status("new", &file.statuses.new, defaults.new),
            status(
                "in_progress",
                &file.statuses.in_progress,
                defaults.in_progress,
            ),
            status("resolved", &file.statuses.resolved, defaults.resolved),
        ],
        projects: vec![match &file.default_project {
            Some(project) => (String::from("default_project"), project.clone()),
            None => (
                String::from("default_project, default"),
                String::from("netops"),
            ),
        }],
        fields: vec![(
            String::from("discord_field"),
            file.discord_field
                .clone()
                .unwrap_or_else(|| String::from("Discord ID")),
            "user",
            &["string"],
        )],
        ..Configured::default()
    };
    if let Some(threader) = &file.threader {
        configured.channels.push((
            String::from("threader.channel"),
            threader.channel,
            &THREAD_CHANNEL_RIGHTS,
        ));
        for (project, channel) in &threader.projects {
            configured
                .projects
                .push((format!("threader.projects.{project}"), project.clone()));
            configured.channels.push((
                format!("threader.projects.{project}"),
                *channel,
                &THREAD_CHANNEL_RIGHTS,
            ));
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
    if let Some(notify) = &file.notify {
        configured.channels.push((
            String::from("notify.intake"),
            notify.intake,
            &CHANNEL_RIGHTS,
        ));
        for (index, route) in notify.routes.iter().enumerate() {
            let key = format!("notify.route[{}]", index + 1);
            configured
                .channels
                .push((format!("{key}.channel"), route.channel, &CHANNEL_RIGHTS));
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
    for (name, channel) in &file.channels {
        configured
            .channels
            .push((format!("channels.{name}"), *channel, &CHANNEL_RIGHTS));
    }
    configured
}

/// A URL as shown: without a user or password it might carry.
fn shown_url(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) => {
            let _ = parsed.set_username("");
            let _ = parsed.set_password(None);
            parsed.to_string()
        }
        Err(_) => url.to_owned(),
    }
}

/// The settings file: where it is, and whether it loads.
fn settings_file(checks: &mut Vec<Check>) -> FileSettings {
    let place = match var("NETBOT_CONFIG") {
        Some(path) => path,
        None if std::path::Path::new("netbot.toml").exists() => String::from("./netbot.toml"),
        None => String::from("no ./netbot.toml, defaults"),
    };
    match appkit::settings::file_settings() {
        Ok(file) => {
            checks.push(Check::pass("netbot.toml", place));
            file
        }
        Err(error) => {
            checks.push(Check::fail(
                "netbot.toml",
                format!("{error:#}"),
                "fix it (the README lists every key); the other checks use the defaults",
            ));
            FileSettings::default()
        }
    }
}

/// One variable: a secret is shown as set or unset, never its value.
fn variable(checks: &mut Vec<Check>, name: &str, secret: bool, fix: &str) -> Option<String> {
    let value = var(name);
    checks.push(match &value {
        Some(_) if secret => Check::pass(name, "set"),
        Some(value) => Check::pass(name, shown_url(value)),
        None => Check::fail(name, "not set", fix),
    });
    value
}

/// Runs every check, in order.
pub async fn checks() -> Vec<Check> {
    let mut checks = Vec::new();
    let file = settings_file(&mut checks);
    let configured = configured(&file);
    let discord_token = variable(
        &mut checks,
        "DISCORD_TOKEN",
        true,
        "put the bot's token in the environment or .env (Developer Portal → Bot → Reset Token)",
    );
    let guild = variable(
        &mut checks,
        "DISCORD_GUILD_ID",
        false,
        "put the server's id in the environment or .env (right-click the server → Copy Server ID)",
    )
    .and_then(|text| match GuildId::parse(&text) {
        Ok(guild) => Some(guild),
        Err(_) => {
            if let Some(last) = checks.last_mut() {
                *last = Check::fail(
                    "DISCORD_GUILD_ID",
                    format!("'{text}' is not a server id"),
                    "set it to the server's numeric id (right-click the server → Copy Server ID)",
                );
            }
            None
        }
    });
    let redmine_url = variable(
        &mut checks,
        "REDMINE_URL",
        false,
        "put Redmine's address in the environment or .env",
    );
    let redmine_token = variable(
        &mut checks,
        "REDMINE_TOKEN",
        true,
        "put an administrator's API key in the environment or .env (Redmine: My account → API access key)",
    );
    let netbox_url = var("NETBOX_URL");
    if netbox_url.is_some() {
        variable(&mut checks, "NETBOX_URL", false, "");
        variable(
            &mut checks,
            "NETBOX_TOKEN",
            true,
            "put a NetBox API token in the environment or .env, or unset NETBOX_URL",
        );
    }
    match (redmine_url, redmine_token) {
        (Some(url), Some(_)) => {
            redmine_checks(&mut checks, &url, &file, &configured).await;
        }
        _ => checks.push(Check::skip(
            "redmine",
            "REDMINE_URL and REDMINE_TOKEN are needed",
        )),
    }
    match netbox_url {
        Some(_) => netbox_checks(&mut checks, &file).await,
        None => checks.push(Check::skip("netbox", "NETBOX_URL is not set")),
    }
    match discord_token {
        Some(token) => discord_checks(&mut checks, &token, guild, &configured).await,
        None => checks.push(Check::skip("discord", "DISCORD_TOKEN is not set")),
    }
    checks
}

async fn redmine_checks(
    checks: &mut Vec<Check>,
    url: &str,
    file: &FileSettings,
    configured: &Configured,
) {
    let timeout = std::time::Duration::from_secs(file.backend_timeout.unwrap_or(8));
    // The same reader as `netbot run` (the variables were checked above).
    let config = match appkit::settings::redmine(appkit::settings::RedmineTimeout::Backend(timeout))
    {
        Ok(config) => config,
        Err(error) => {
            checks.push(Check::fail(
                "redmine",
                format!("{error:#}"),
                "fix the REDMINE_* settings",
            ));
            return;
        }
    };
    let tracker = match Redmine::new(config) {
        Ok(tracker) => tracker,
        Err(error) => {
            checks.push(Check::fail(
                "redmine reachable",
                error.to_string(),
                "set REDMINE_URL to Redmine's address, e.g. https://redmine.example.org",
            ));
            return;
        }
    };
    let owner = match tracker.current_user().await {
        Ok(owner) => {
            checks.push(Check::pass("redmine reachable", shown_url(url)));
            checks.push(Check::pass("redmine REST API", "enabled"));
            checks.push(Check::pass(
                "redmine key",
                format!(
                    "belongs to {}",
                    owner.login.as_deref().unwrap_or(&owner.name)
                ),
            ));
            owner
        }
        Err(error) => {
            checks.extend(redmine_refusal(&error, &shown_url(url)));
            return;
        }
    };
    let login = owner.login.unwrap_or(owner.name);
    let discord_field = file
        .discord_field
        .clone()
        .unwrap_or_else(|| String::from("Discord ID"));
    let admin = match RedmineDirectory::new(&tracker, discord_field)
        .can_act_as_others()
        .await
    {
        Ok(true) => {
            checks.push(Check::pass(
                "redmine admin key",
                format!("{login} is an administrator"),
            ));
            true
        }
        Ok(false) => {
            checks.push(Check::fail(
                "redmine admin key",
                format!("{login} is not an administrator, so the bot cannot act as members"),
                "put an administrator's API key in REDMINE_TOKEN",
            ));
            false
        }
        Err(error) => {
            checks.push(Check::fail(
                "redmine admin key",
                format!("{:#}", anyhow!(error)),
                "check Redmine's log",
            ));
            false
        }
    };
    if admin {
        match tracker.custom_fields().await {
            Ok(fields) => {
                for (key, name, on, formats) in &configured.fields {
                    checks.push(check::custom_field(
                        &FieldWanted {
                            key,
                            name,
                            on,
                            formats,
                        },
                        &fields,
                    ));
                }
            }
            Err(error) => checks.push(tracker_failure("custom fields", &error)),
        }
    } else {
        checks.push(Check::skip(
            "custom fields",
            "they need an administrator's key",
        ));
    }
    let statuses = tracker
        .statuses()
        .await
        .map(|all| all.into_iter().map(|status| status.name).collect());
    checks.push(names(
        "statuses",
        "status",
        &configured.statuses,
        statuses,
        "set [statuses] in netbot.toml to names Redmine has, or create them (Administration → Issue statuses)",
    ));
    checks.push(names(
        "projects",
        "project",
        &configured.projects,
        tracker.project_identifiers().await,
        "use the project's identifier (in its URL: /projects/IDENTIFIER), or create the project",
    ));
    if !configured.trackers.is_empty() {
        checks.push(names(
            "trackers",
            "tracker",
            &configured.trackers,
            tracker.tracker_names().await,
            "use a tracker Redmine has (Administration → Trackers)",
        ));
    }
    if !configured.assignees.is_empty() {
        let people = match (tracker.group_names().await, tracker.user_logins().await) {
            (Ok(mut groups), Ok(logins)) => {
                groups.extend(logins);
                Ok(groups)
            }
            (Err(error), _) | (_, Err(error)) => Err(error),
        };
        checks.push(names(
            "assignees",
            "active user login or group",
            &configured.assignees,
            people,
            "use a login or a group name Redmine has (Administration → Users, Groups)",
        ));
    }
}

/// The verdicts when Redmine does not tell whose key it is.
fn redmine_refusal(error: &TrackerError, url: &str) -> Vec<Check> {
    let skip = |name: &str, why: &str| Check::skip(name, why);
    match error {
        TrackerError::Unauthorized => vec![
            Check::pass("redmine reachable", url),
            Check::pass("redmine REST API", "enabled"),
            Check::fail(
                "redmine key",
                "Redmine rejected REDMINE_TOKEN (401)",
                "copy the key again (Redmine: My account → API access key → Show)",
            ),
        ],
        TrackerError::Forbidden { .. } => vec![
            Check::pass("redmine reachable", url),
            Check::fail(
                "redmine REST API",
                "Redmine refused the API (403): its REST web service is off",
                "enable it (Administration → Settings → API → Enable REST web service)",
            ),
            skip("redmine key", "the REST API is off"),
        ],
        TrackerError::Unreachable { .. } | TrackerError::Timeout { .. } => vec![
            Check::fail(
                "redmine reachable",
                ports::with_causes(error),
                "check REDMINE_URL and that Redmine is up and reachable from here",
            ),
            skip("redmine REST API", "Redmine is unreachable"),
            skip("redmine key", "Redmine is unreachable"),
        ],
        other => vec![
            Check::fail(
                "redmine reachable",
                format!(
                    "REDMINE_URL does not answer like Redmine's API: {}",
                    words::tracker(other, StatusSettings::NetbotToml)
                ),
                "set REDMINE_URL to the address of Redmine's home page (with its sub-path, if any)",
            ),
            skip("redmine REST API", "Redmine is not reachable"),
            skip("redmine key", "Redmine is not reachable"),
        ],
    }
}

fn tracker_failure(name: &str, error: &TrackerError) -> Check {
    Check::fail(
        name,
        format!(
            "could not read them: {}",
            words::tracker(error, StatusSettings::NetbotToml)
        ),
        "check Redmine's log and run netbot check again",
    )
}

fn names(
    name: &str,
    kind: &str,
    configured: &[(String, String)],
    known: Result<Vec<String>, TrackerError>,
    fix: &str,
) -> Check {
    match known {
        Ok(known) => check::names(name, kind, configured, &known, fix),
        Err(error) => tracker_failure(name, &error),
    }
}

async fn netbox_checks(checks: &mut Vec<Check>, file: &FileSettings) {
    let timeout = std::time::Duration::from_secs(file.backend_timeout.unwrap_or(8));
    let config = match crate::config::netbox(crate::config::NetboxTimeout::Backend(timeout)) {
        Ok(config) => config,
        Err(error) => {
            checks.push(Check::fail(
                "netbox",
                format!("{error:#}"),
                "fix the NETBOX_* settings (see `netbot sites --help`)",
            ));
            return;
        }
    };
    let url = shown_url(&config.url);
    let netbox = match Netbox::new(config) {
        Ok(netbox) => netbox,
        Err(error) => {
            checks.push(Check::fail(
                "netbox reachable",
                error.to_string(),
                "fix the NETBOX_* settings (see `netbot sites --help`)",
            ));
            return;
        }
    };
    match netbox.sites().await {
        Ok(sites) => {
            checks.push(Check::pass("netbox reachable", url));
            checks.push(Check::pass(
                "netbox token",
                format!("accepted ({} sites)", sites.len()),
            ));
        }
        Err(error @ (InventoryError::Unauthorized | InventoryError::Forbidden)) => {
            checks.push(Check::pass("netbox reachable", url));
            checks.push(Check::fail(
                "netbox token",
                words::inventory(&error),
                "create a token in NetBox (your profile → API Tokens) and put it in NETBOX_TOKEN",
            ));
        }
        Err(error) => {
            checks.push(Check::fail(
                "netbox reachable",
                ports::with_causes(&error),
                "check NETBOX_URL and that NetBox is up and reachable from here",
            ));
            checks.push(Check::skip("netbox token", "NetBox is unreachable"));
        }
    }
}

async fn discord_checks(
    checks: &mut Vec<Check>,
    token: &str,
    guild: Option<GuildId>,
    configured: &Configured,
) {
    let chat = DiscordChat::connect(&BotToken::new(token), var("DISCORD_API_URL").as_deref());
    let bot = match chat.bot_user().await {
        Ok(Some(bot)) => {
            checks.push(Check::pass(
                "discord token",
                format!("the bot is {}", bot.name),
            ));
            bot
        }
        Ok(None) => {
            checks.push(Check::fail(
                "discord token",
                "Discord rejected DISCORD_TOKEN (401)",
                "copy the token again (Developer Portal → Bot → Reset Token)",
            ));
            return;
        }
        Err(error) => {
            checks.push(Check::fail(
                "discord token",
                error.to_string(),
                "check the network (or DISCORD_API_URL) and run netbot check again",
            ));
            return;
        }
    };
    checks.push(match chat.message_content_intent().await {
        Ok(true) => Check::pass("message content intent", "on"),
        Ok(false) => Check::fail(
            "message content intent",
            "off: the threader would read members' messages as empty",
            "turn it on (Developer Portal → Bot → Privileged Gateway Intents → Message Content Intent)",
        ),
        Err(error) => Check::fail(
            "message content intent",
            error.to_string(),
            "check the application in the Developer Portal",
        ),
    });
    let Some(guild) = guild else {
        checks.push(Check::skip(
            "discord server",
            "DISCORD_GUILD_ID is not a server id",
        ));
        return;
    };
    let access: GuildAccess = match chat.guild_access(guild, bot.id).await {
        Ok(Some(access)) => {
            checks.push(Check::pass(
                "discord server",
                format!("the bot is in {}", guild.get()),
            ));
            access
        }
        Ok(None) => {
            checks.push(Check::fail(
                "discord server",
                format!("the bot is not in server {}", guild.get()),
                "invite it (Developer Portal → OAuth2 → URL Generator, scopes bot and applications.commands), or fix DISCORD_GUILD_ID",
            ));
            for (key, _, _) in &configured.channels {
                checks.push(Check::skip(
                    format!("channel {key}"),
                    "the bot is not in the server",
                ));
            }
            return;
        }
        Err(error) => {
            checks.push(Check::fail(
                "discord server",
                error.to_string(),
                "check the network and run netbot check again",
            ));
            return;
        }
    };
    for (key, channel, needed) in &configured.channels {
        checks.push(
            match chat.channel_finding(&access, *channel, needed).await {
                Ok(finding) => check::channel(key, *channel, &finding),
                Err(error) => Check::fail(
                    format!("channel {key}"),
                    error.to_string(),
                    "check the network and run netbot check again",
                ),
            },
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_name_the_bots_statuses_project_and_user_field() {
        let configured = configured(&FileSettings::default());
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
        let file = appkit::settings::parse(
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
        let configured = configured(&file);
        let channels: Vec<(&str, u64, usize)> = configured
            .channels
            .iter()
            .map(|(key, id, rights)| (key.as_str(), *id, rights.len()))
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
        let file = appkit::settings::parse(
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
        let configured = configured(&file);
        let channels: Vec<(&str, u64)> = configured
            .channels
            .iter()
            .map(|(key, id, _)| (key.as_str(), *id))
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

    #[test]
    fn urls_are_shown_without_credentials() {
        assert_eq!(
            shown_url("https://bot:s3cret@redmine.example.org/r"),
            "https://redmine.example.org/r"
        );
    }
}
