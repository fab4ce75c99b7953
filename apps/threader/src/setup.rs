//! Everything a pass needs, read and checked once at start: the settings, the adapters, the
//! names `[threader]` and `[notify]` use (against Redmine), and the channels (against Discord).

use anyhow::anyhow;
use appkit::env::{required, var};
use appkit::settings::{ChannelUse, RedmineTimeout};
use appkit::{failed, usage, Failure};
use discord::{BotToken, DiscordChat};
use domain::auto_threads::Since;
use domain::check::ChannelFinding;
use domain::notify::NotifyRules;
use domain::{ChannelId, GuildId, TicketId};
use ports::auto_threads::AutoThreads;
use ports::directory::DirectoryError;
use ports::threader::{Threader, ThreaderSettings, WhoIsWho};
use ports::ArrivalFilter;
use redmine::{IssueFieldNames, Redmine, RedmineDirectory};

/// Everything a pass needs, read once at start.
pub struct Setup {
    /// The sync.
    pub threader: Threader<Redmine, DiscordChat>,
    /// Redmine, with the admin's key.
    pub tracker: Redmine,
    /// Discord.
    pub chat: DiscordChat,
    /// The bot's token, for the gateway.
    pub token: BotToken,
    /// Where Discord's API is, when not discord.com.
    pub api_url: Option<String>,
    /// Where Redmine is: the lock is per Redmine and server.
    pub redmine_url: String,
    /// The server.
    pub guild: GuildId,
    /// The Redmine user custom field holding Discord ids.
    pub discord_field: String,
    /// `[notify]`, its names resolved; `None` without the section.
    pub notify: Option<NotifyRules>,
    /// `[threader] auto_trackers` and `auto_projects`, resolved; `None` without them.
    pub auto_threads: Option<ArrivalFilter>,
}

/// Reads and checks the settings, and builds the threader: a usage failure (exit status 2)
/// naming the variable or key that is wrong.
///
/// # Errors
/// A usage failure for a bad setting or name; a failure when Discord cannot be asked.
pub async fn setup(
    dry_run: bool,
    only: Option<TicketId>,
    stop: ports::threader::CancellationToken,
) -> Result<Setup, Failure> {
    let settings = appkit::settings::file_settings().map_err(usage)?;
    let threader_settings = settings.threader.as_ref().ok_or_else(|| {
        usage(anyhow!(
            "netbot.toml has no [threader] section: add `[threader]` with `channel = CHANNEL_ID`"
        ))
    })?;
    let guild = appkit::settings::discord_guild().map_err(usage)?;
    let token = BotToken::new(required("DISCORD_TOKEN").map_err(usage)?);
    let config = appkit::settings::redmine(RedmineTimeout::Environment).map_err(usage)?;
    let redmine_url = config.url.clone();
    let tracker = Redmine::new(config)
        .map_err(|error| usage(appkit::words::redmine_config(error)))?
        .with_issue_fields(IssueFieldNames {
            thread: Some(threader_settings.thread_field.clone()),
            state: Some(threader_settings.state_field.clone()),
        });
    let api_url = var("DISCORD_API_URL");
    let chat = DiscordChat::connect(&token, api_url.as_deref());
    let routes = appkit::settings::project_routes(&tracker, threader_settings)
        .await
        .map_err(usage)?;
    let auto_threads = appkit::settings::auto_threads(&tracker, threader_settings)
        .await
        .map_err(usage)?;
    let notify = match &settings.notify {
        Some(notify) => Some(
            appkit::settings::resolve_notify(&tracker, notify)
                .await
                .map_err(usage)?,
        ),
        None => None,
    };
    let channels: Vec<(String, ChannelId)> = settings
        .configured_channels()
        .into_iter()
        .filter(|(_, _, used)| *used != ChannelUse::Named)
        .map(|(key, channel, _)| (key, channel))
        .collect();
    channels_in_guild(&chat, guild, &channels).await?;
    let threader_settings = ThreaderSettings {
        guild,
        channel: threader_settings.channel,
        routes,
        dry_run,
        only,
        stop,
        max_upload: threader_settings.max_upload,
        due_events: (!dry_run).then(|| settings.time_zone()),
    };
    Ok(Setup {
        threader: Threader::new(tracker.clone(), chat.clone(), threader_settings),
        chat,
        token,
        api_url,
        notify,
        auto_threads,
        tracker,
        redmine_url,
        guild,
        discord_field: settings.discord_field,
    })
}

/// Every channel the threader uses must be in the server: one line naming the key otherwise
/// (exit 2). (`netbot check` also checks the bot's rights there.)
async fn channels_in_guild(
    chat: &DiscordChat,
    guild: GuildId,
    channels: &[(String, ChannelId)],
) -> Result<(), Failure> {
    let reading = |error: ports::ChatError| {
        failed(anyhow!(
            "checking the configured channels: {}",
            ports::with_causes(&error)
        ))
    };
    let bot = chat
        .bot_user()
        .await
        .map_err(reading)?
        .ok_or_else(|| usage(anyhow!("DISCORD_TOKEN was refused by Discord")))?;
    let access = chat
        .guild_access(guild, bot.id)
        .await
        .map_err(reading)?
        .ok_or_else(|| {
            usage(anyhow!(
                "the bot is not in the server DISCORD_GUILD_ID={guild}: invite it first"
            ))
        })?;
    for (key, channel) in channels {
        let finding = chat
            .channel_finding(&access, channel.get(), &[])
            .await
            .map_err(reading)?;
        if let Some(problem) = channel_problem(key, *channel, &finding) {
            return Err(usage(anyhow!(problem)));
        }
    }
    Ok(())
}

/// What is wrong with a configured channel for the threader, if anything: it must exist and
/// be the server's (the rights are `netbot check`'s to judge).
fn channel_problem(key: &str, channel: ChannelId, finding: &ChannelFinding) -> Option<String> {
    match finding {
        ChannelFinding::NotFound => Some(format!(
            "{key} = {channel}: no such channel, or the bot cannot see it"
        )),
        ChannelFinding::OtherGuild => Some(format!(
            "{key} = {channel}: a channel of another server than DISCORD_GUILD_ID"
        )),
        ChannelFinding::Missing(_) => None,
    }
}

/// Who is who: the Discord members linked to Redmine users. Needs the admin's key, which is
/// also what writing notes as members needs: a key that is not an admin's stops here
/// instead of writing everyone's messages as the key's owner.
///
/// # Errors
/// A usage failure for a key that is not an admin's; a failure when Redmine cannot be read.
pub async fn people(setup: &Setup) -> Result<WhoIsWho, Failure> {
    let directory = RedmineDirectory::new(&setup.tracker, setup.discord_field.as_str());
    match WhoIsWho::from_directory(&directory).await {
        Ok(people) => Ok(people),
        Err(error @ DirectoryError::NotAdmin) => Err(usage(anyhow!(
            "{error}: REDMINE_TOKEN must be an admin's API key, since the threader writes members' messages as them"
        ))),
        Err(error) => Err(failed(anyhow::Error::new(error).context("reading who is who from Redmine"))),
    }
}

/// One look for new tickets of `[threader] auto_trackers` / `auto_projects` to ask a thread
/// for, before a one-shot pass (which then opens them): a first look, so only tickets nobody
/// changed since they were created (`domain::auto_threads`). Not with `--ticket`. A look
/// that fails is logged and the pass goes on. Returns a dry run's lines.
pub async fn auto_threads(setup: &Setup, dry_run: bool, one_ticket: bool) -> Vec<String> {
    let Some(filter) = setup.auto_threads.as_ref().filter(|_| !one_ticket) else {
        return Vec::new();
    };
    let look = AutoThreads::new(&setup.tracker, filter, dry_run);
    match look.pass(&Since::first_look(chrono::Utc::now())).await {
        Ok(report) => report.planned,
        Err(error) => {
            tracing::warn!(error = %ports::with_causes(&error), "automatic threads skipped this pass");
            Vec::new()
        }
    }
}

#[cfg(test)]
mod tests {
    use domain::check::ChannelRight;

    use super::*;

    #[test]
    fn a_channel_missing_or_of_another_server_is_named_with_its_key_and_rights_are_not_judged() {
        let channel = ChannelId::new(42).unwrap();
        assert_eq!(
            channel_problem("notify.intake", channel, &ChannelFinding::NotFound).as_deref(),
            Some("notify.intake = 42: no such channel, or the bot cannot see it")
        );
        assert_eq!(
            channel_problem("threader.channel", channel, &ChannelFinding::OtherGuild).as_deref(),
            Some("threader.channel = 42: a channel of another server than DISCORD_GUILD_ID")
        );
        let lacking = ChannelFinding::Missing(vec![ChannelRight::ManageThreads]);
        assert_eq!(channel_problem("threader.channel", channel, &lacking), None);
    }
}
