//! The bot's settings: secrets and addresses from the environment, the rest from an optional
//! `netbot.toml` (path in `NETBOT_CONFIG`, default `./netbot.toml`), read by
//! `appkit::settings` as for every binary.

use std::collections::BTreeMap;
use std::time::Duration;

use anyhow::Result;
use appkit::env::{required, var};
use appkit::settings::{file_settings, Settings, DEFAULT_THREAD_FIELD};
use domain::ChannelId;
use ports::bot::BotSettings;

/// Everything `netbot run` needs.
#[derive(Debug)]
pub struct RunSettings {
    /// `DISCORD_TOKEN`.
    pub token: discord::BotToken,
    /// `DISCORD_API_URL`, when REST calls go elsewhere than discord.com.
    pub api_url: Option<String>,
    /// The bot's use-case settings.
    pub bot: BotSettings,
    /// The server (also in `bot`, as the use cases take it).
    pub guild: domain::GuildId,
    /// Every Redmine and NetBox request's limit, and each command's.
    pub backend_timeout: Duration,
    /// How often who is who is reloaded.
    pub identity_refresh: Duration,
    /// The Redmine user custom field holding Discord ids (the Redmine adapter's setting).
    pub discord_field: String,
    /// The issue custom fields `/thread` writes (the threader's, from `[threader]`).
    pub issue_fields: redmine::IssueFieldNames,
    /// The named channels.
    pub channels: BTreeMap<String, ChannelId>,
}

/// The whole configuration of `netbot run`.
///
/// # Errors
/// One line naming the variable or key and the problem.
pub fn run_settings() -> Result<RunSettings> {
    let settings = file_settings()?;
    let guild = appkit::settings::discord_guild()?;
    Ok(RunSettings {
        token: discord::BotToken::new(required("DISCORD_TOKEN")?),
        api_url: var("DISCORD_API_URL"),
        guild,
        bot: bot_settings(&settings, guild),
        backend_timeout: settings.backend_timeout,
        identity_refresh: settings.identity_refresh,
        issue_fields: issue_fields(&settings),
        discord_field: settings.discord_field,
        channels: settings.channels,
    })
}

/// What the bot's use cases take from the settings.
fn bot_settings(settings: &Settings, guild: domain::GuildId) -> BotSettings {
    BotSettings {
        guild_id: guild,
        admin_role: settings.admin_role,
        reader_login: settings.reader_login.clone(),
        default_project: settings.default_project.get().clone(),
        status_names: settings.statuses.names(),
        timeout_seconds: settings.backend_timeout.as_secs(),
        queries: settings.queries.clone(),
        time_zone: settings.time_zone(),
        stale: settings
            .notify
            .as_ref()
            .map(|notify| notify.stale.clone())
            .unwrap_or_default(),
    }
}

/// The issue fields `/thread` writes: the threader's, or the default thread field (and no
/// state field) without a `[threader]` section.
fn issue_fields(settings: &Settings) -> redmine::IssueFieldNames {
    match &settings.threader {
        Some(threader) => redmine::IssueFieldNames {
            thread: Some(threader.thread_field.clone()),
            state: Some(threader.state_field.clone()),
        },
        None => redmine::IssueFieldNames {
            thread: Some(DEFAULT_THREAD_FIELD.to_owned()),
            state: None,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn without_a_threader_section_thread_writes_the_default_field_and_no_state() {
        let fields = issue_fields(&Settings::default());
        assert_eq!(fields.thread.as_deref(), Some(DEFAULT_THREAD_FIELD));
        assert_eq!(fields.state, None);
        let settings =
            appkit::settings::parse("[threader]\nchannel = 7\nthread_field = \"Chat\"").unwrap();
        let fields = issue_fields(&settings);
        assert_eq!(fields.thread.as_deref(), Some("Chat"));
        assert_eq!(
            fields.state.as_deref(),
            Some(appkit::settings::DEFAULT_STATE_FIELD)
        );
    }

    #[test]
    fn the_bot_takes_the_typed_settings_as_its_use_cases_want_them() {
        let settings = appkit::settings::parse(
            "admin_role = 5\nbackend_timeout = 12\n[statuses]\nresolved = \"Done\"",
        )
        .unwrap();
        let bot = bot_settings(&settings, domain::GuildId::new(9).unwrap());
        assert_eq!(bot.guild_id, domain::GuildId::new(9).unwrap());
        assert_eq!(bot.admin_role, Some(domain::RoleId::new(5).unwrap()));
        assert_eq!(bot.timeout_seconds, 12);
        assert_eq!(bot.status_names.resolved, "Done");
        assert_eq!(bot.default_project, appkit::settings::DEFAULT_PROJECT);
        assert_eq!(bot.time_zone, domain::due_event::Tz::UTC);
    }

    #[test]
    fn the_bot_reads_dates_in_the_notify_time_zone() {
        let settings = appkit::settings::parse(
            "[notify]\nintake = 5\ndigest_at = \"10:00\"\ntime_zone = \"Europe/Zurich\"",
        )
        .unwrap();
        let bot = bot_settings(&settings, domain::GuildId::new(9).unwrap());
        assert_eq!(bot.time_zone, domain::due_event::Tz::Europe__Zurich);
    }
}
