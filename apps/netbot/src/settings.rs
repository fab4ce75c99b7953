//! The bot's settings: secrets and addresses from the environment, the rest from an optional
//! `netbot.toml` (path in `NETBOT_CONFIG`, default `./netbot.toml`).

use std::collections::BTreeMap;

use anyhow::{Context as _, Result};
use appkit::env::{required, var};
use appkit::settings::file_settings;
use domain::{GuildId, Login, RoleId};
use ports::bot::{BotSettings, SavedQuery, DEFAULT_LINE};
use ports::StatusNames;

/// Everything `netbot run` needs.
#[derive(Debug)]
pub struct RunSettings {
    /// `DISCORD_TOKEN`.
    pub token: discord::BotToken,
    /// `DISCORD_API_URL`, when REST calls go elsewhere than discord.com.
    pub api_url: Option<String>,
    /// The bot's use-case settings.
    pub bot: BotSettings,
    /// Minutes between identity reloads.
    pub identity_refresh_minutes: u64,
    /// The Redmine user custom field holding Discord ids (the Redmine adapter's setting).
    pub discord_field: String,
    /// The issue custom fields `/thread` writes (the threader's, from `[threader]`).
    pub issue_fields: redmine::IssueFieldNames,
    /// The named channels.
    pub channels: BTreeMap<String, u64>,
}

/// The whole configuration of `netbot run`.
///
/// # Errors
/// One line naming the variable or key and the problem.
pub fn run_settings() -> Result<RunSettings> {
    let file = file_settings()?;
    let guild_text = required("DISCORD_GUILD_ID")?;
    let guild_id = guild_text
        .parse()
        .ok()
        .and_then(|id| GuildId::new(id).ok())
        .with_context(|| {
            format!("DISCORD_GUILD_ID must be the server's numeric id, not '{guild_text}'")
        })?;
    let defaults = StatusNames::default();
    let timeout_seconds = file.backend_timeout.unwrap_or(8);
    Ok(RunSettings {
        token: discord::BotToken::new(required("DISCORD_TOKEN")?),
        api_url: var("DISCORD_API_URL"),
        bot: BotSettings {
            guild_id,
            // Role 0 does not exist: as without an admin role, nobody may link.
            admin_role: file.admin_role.and_then(|role| RoleId::new(role).ok()),
            reader_login: file
                .reader_login
                .as_deref()
                .map(Login::new)
                .transpose()
                .context("reader_login in netbot.toml must be a Redmine login")?,
            default_project: file
                .default_project
                .unwrap_or_else(|| String::from("netops")),
            status_names: StatusNames {
                new: file.statuses.new.unwrap_or(defaults.new),
                in_progress: file.statuses.in_progress.unwrap_or(defaults.in_progress),
                resolved: file.statuses.resolved.unwrap_or(defaults.resolved),
            },
            timeout_seconds,
            queries: file
                .queries
                .into_iter()
                .map(|(name, query)| {
                    let saved = SavedQuery {
                        description: query.description,
                        filter: ports::SavedFilter::new(query.query),
                        template: query.format.unwrap_or_else(|| DEFAULT_LINE.to_owned()),
                    };
                    (name, saved)
                })
                .collect(),
        },
        identity_refresh_minutes: file.identity_refresh_minutes.unwrap_or(10),
        discord_field: file
            .discord_field
            .unwrap_or_else(|| String::from("Discord ID")),
        issue_fields: redmine::IssueFieldNames {
            thread: Some(file.threader.as_ref().map_or_else(
                || String::from("Discord thread"),
                |threader| threader.thread_field.clone(),
            )),
            state: file
                .threader
                .as_ref()
                .map(|threader| threader.state_field.clone()),
        },
        channels: file.channels,
    })
}

/// The backend timeout, also used for each adapter's HTTP client.
#[must_use]
pub fn backend_timeout(settings: &RunSettings) -> std::time::Duration {
    std::time::Duration::from_secs(settings.bot.timeout_seconds)
}
