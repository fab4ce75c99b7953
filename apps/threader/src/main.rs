//! `threader`: keeps each Redmine ticket that asks for it and its Discord thread in step,
//! both ways. One pass and exit (for cron), or pass after pass with `--every`.

use std::collections::BTreeMap;
use std::fs::{File, TryLockError};
use std::hash::{DefaultHasher, Hash as _, Hasher as _};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use anyhow::{anyhow, bail, Context as _, Result};
use appkit::env::{required, var};
use appkit::{failed, usage, Failure};
use chrono::{TimeDelta, Utc};
use clap::Parser;
use discord::{BotToken, DiscordChat};
use domain::check::ChannelFinding;
use domain::notify::{NotifyRules, Ping, Route};
use domain::RoleId;
use domain::{ChannelId, GuildId, TicketId};
use ports::directory::DirectoryError;
use ports::notify::Notifier;
use ports::threader::{PassReport, Threader, ThreaderSettings, WhoIsWho};
use ports::{Catalog as _, People as _};
use redmine::{IssueFieldNames, Redmine, RedmineDirectory};
use tracing::{error, info, warn};

/// Keeps Redmine tickets and their Discord threads in step, both ways.
#[derive(Debug, Parser)]
#[command(name = "threader", version, about, after_help = HELP)]
struct Cli {
    /// Pass after pass, this long apart (e.g. 30s, 5m, 1h), until SIGTERM or SIGINT
    #[arg(long, value_name = "DURATION", value_parser = parse_every)]
    every: Option<Duration>,
    /// Print what one pass would do; write nothing to either side
    #[arg(long)]
    dry_run: bool,
    /// Only this ticket
    #[arg(long, value_name = "N", value_parser = parse_ticket)]
    ticket: Option<TicketId>,
    /// Run one pass against an embedded fixture Redmine and Discord: no credentials needed
    #[arg(long)]
    demo: bool,
}

const HELP: &str = "\
Configuration (environment, or a .env file here; the environment wins):
  REDMINE_URL, REDMINE_TOKEN   an admin's API key: members' messages are written as them
  REDMINE_TIMEOUT         seconds per Redmine request (default 10)
  DISCORD_TOKEN           the bot's token (needs the Message Content intent)
  DISCORD_GUILD_ID        the server's id
  DISCORD_API_URL         send every Discord call there instead of discord.com
  NETBOT_CONFIG           path of netbot.toml (default ./netbot.toml): [threader] channel = ID

Exit status: 0 every ticket synced, 1 any failed (the others still synced), 2 usage or configuration error.";

fn parse_every(text: &str) -> Result<Duration, String> {
    let every = humantime::parse_duration(text)
        .map_err(|error| format!("'{text}' is not a duration such as 30s, 5m or 1h ({error})"))?;
    if every < Duration::from_secs(5) {
        return Err(format!("'{text}' is too short: at least 5s between passes"));
    }
    Ok(every)
}

fn parse_ticket(text: &str) -> Result<TicketId, String> {
    TicketId::parse(text).map_err(|error| error.to_string())
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match appkit::start() {
        Ok(()) if cli.demo => demo(&cli).await,
        Ok(()) => run(&cli).await,
        Err(failure) => Err(failure),
    };
    appkit::finish("threader", result)
}

/// Everything a pass needs, read once at start.
struct Setup {
    threader: Threader<Redmine, DiscordChat>,
    tracker: Redmine,
    chat: DiscordChat,
    discord_field: String,
    notify: Option<NotifyRules>,
}

/// `[notify]` with every name checked against Redmine: one line naming the key otherwise.
async fn notify_rules(
    tracker: &Redmine,
    file: &appkit::settings::NotifySettings,
) -> Result<NotifyRules> {
    let delta = |key: &str, text: &str| -> Result<TimeDelta> {
        let duration = appkit::settings::duration(key, text)?;
        TimeDelta::from_std(duration).with_context(|| format!("{key} is too long"))
    };
    let statuses = tracker
        .statuses()
        .await
        .context("reading the statuses for [notify]")?;
    let mut stale = BTreeMap::new();
    for (name, idle) in &file.stale {
        let key = format!("notify.stale.\"{name}\"");
        let status = domain::ticket::status_named(&statuses, name).with_context(|| {
            let known: Vec<&str> = statuses.iter().map(|status| status.name.as_str()).collect();
            format!(
                "{key}: Redmine has no status named '{name}' (known: {})",
                known.join(", ")
            )
        })?;
        stale.insert(status.id.get(), delta(&key, idle)?);
    }
    let kinds = if file.routes.iter().any(|route| route.tracker.is_some()) {
        tracker
            .trackers()
            .await
            .context("reading the trackers for [notify]")?
    } else {
        Vec::new()
    };
    let mut routes = Vec::new();
    for (index, route) in file.routes.iter().enumerate() {
        let key = format!("notify.route[{}]", index + 1);
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
            if !kinds
                .iter()
                .any(|kind| kind.name.eq_ignore_ascii_case(name.trim()))
            {
                let known: Vec<&str> = kinds.iter().map(|kind| kind.name.as_str()).collect();
                bail!(
                    "{key}.tracker: Redmine has no tracker named '{name}' (known: {})",
                    known.join(", ")
                );
            }
        }
        if let (Some(name), Some(identifier)) = (&route.category, &route.project) {
            let categories = tracker.categories(identifier).await.with_context(|| {
                format!("{key}.category: reading the categories of '{identifier}'")
            })?;
            if !categories
                .iter()
                .any(|category| category.name.eq_ignore_ascii_case(name.trim()))
            {
                bail!("{key}.category: project '{identifier}' has no category named '{name}'");
            }
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
        let ping = match route.ping.as_deref() {
            None => Ping::Nobody,
            Some("assignee") => Ping::Assignee,
            Some(other) => Ping::Role(
                other
                    .strip_prefix("role:")
                    .and_then(|id| RoleId::parse(id).ok())
                    .with_context(|| {
                        format!("{key}.ping: '{other}' is not \"assignee\" or \"role:ROLE_ID\"")
                    })?,
            ),
        };
        routes.push(Route {
            project: project.map(|project| project.id),
            tracker: route.tracker.clone(),
            category: route.category.clone(),
            assignee,
            channel: ChannelId::new(route.channel).with_context(|| format!("{key}.channel"))?,
            ping,
        });
    }
    let digest = match &file.digest_at {
        Some(at) => Some(
            domain::notify::DigestRule::parse(at, file.time_zone.as_deref())
                .map_err(anyhow::Error::msg)?,
        ),
        None => None,
    };
    Ok(NotifyRules {
        intake: ChannelId::new(file.intake).context("notify.intake")?,
        window: delta("notify.window", &file.window)?,
        routes,
        stale,
        digest,
    })
}

async fn setup(cli: &Cli, stop: Arc<AtomicBool>) -> Result<Setup, Failure> {
    let file = appkit::settings::file_settings().map_err(usage)?;
    let threader_file = file.threader.as_ref().ok_or_else(|| {
        usage(anyhow!(
            "netbot.toml has no [threader] section: add `[threader]` with `channel = CHANNEL_ID`"
        ))
    })?;
    let guild = required("DISCORD_GUILD_ID")
        .and_then(|text| {
            GuildId::parse(&text).with_context(|| {
                format!("DISCORD_GUILD_ID must be the server's numeric id, not '{text}'")
            })
        })
        .map_err(usage)?;
    let token = BotToken::new(required("DISCORD_TOKEN").map_err(usage)?);
    let config =
        appkit::settings::redmine(appkit::settings::RedmineTimeout::Environment).map_err(usage)?;
    let tracker = Redmine::new(config)
        .map_err(usage)?
        .with_issue_fields(IssueFieldNames {
            thread: Some(threader_file.thread_field.clone()),
            state: Some(threader_file.state_field.clone()),
        });
    let chat = DiscordChat::connect(&token, var("DISCORD_API_URL").as_deref());
    let channel = ChannelId::new(threader_file.channel).map_err(usage)?;
    let mut routes = BTreeMap::new();
    for (identifier, channel) in &threader_file.projects {
        let project = tracker
            .project(identifier)
            .await
            .with_context(|| format!("threader.projects.{identifier} in netbot.toml"))
            .map_err(usage)?;
        routes.insert(project.id, ChannelId::new(*channel).map_err(usage)?);
    }
    let notify = match &file.notify {
        Some(notify) => Some(notify_rules(&tracker, notify).await.map_err(usage)?),
        None => None,
    };
    let mut channels = vec![(String::from("threader.channel"), channel)];
    for (identifier, id) in &threader_file.projects {
        channels.push((
            format!("threader.projects.{identifier}"),
            ChannelId::new(*id).map_err(usage)?,
        ));
    }
    if let Some(rules) = &notify {
        channels.push((String::from("notify.intake"), rules.intake));
        for (index, route) in rules.routes.iter().enumerate() {
            channels.push((
                format!("notify.route[{}].channel", index + 1),
                route.channel,
            ));
        }
    }
    channels_in_guild(&chat, guild, &channels).await?;
    let settings = ThreaderSettings {
        guild,
        channel,
        routes,
        dry_run: cli.dry_run,
        only: cli.ticket,
        stop,
    };
    Ok(Setup {
        threader: Threader::new(tracker.clone(), chat.clone(), settings),
        chat,
        notify,
        tracker,
        discord_field: file
            .discord_field
            .clone()
            .unwrap_or_else(|| String::from("Discord ID")),
    })
}

/// Every configured channel must be in the server: one line naming the key otherwise (exit 2).
/// (`netbot check` also checks the bot's rights there.)
async fn channels_in_guild(
    chat: &DiscordChat,
    guild: GuildId,
    channels: &[(String, ChannelId)],
) -> Result<(), Failure> {
    let reading =
        |error: ports::ChatError| failed(anyhow!("checking the configured channels: {error}"));
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
        match chat
            .channel_finding(&access, channel.get(), &[])
            .await
            .map_err(reading)?
        {
            ChannelFinding::NotFound => {
                return Err(usage(anyhow!(
                    "{key} = {channel}: no such channel, or the bot cannot see it"
                )))
            }
            ChannelFinding::OtherGuild => {
                return Err(usage(anyhow!(
                    "{key} = {channel}: a channel of another server than DISCORD_GUILD_ID"
                )))
            }
            ChannelFinding::Missing(_) => {}
        }
    }
    Ok(())
}

/// Who is who: the Discord members linked to Redmine users. Needs the admin's key, which is
/// also what writing notes as members needs: a key that is not an admin's stops here
/// instead of writing everyone's messages as the key's owner.
async fn people(setup: &Setup) -> Result<WhoIsWho, Failure> {
    let directory = RedmineDirectory::new(&setup.tracker, setup.discord_field.as_str());
    match WhoIsWho::from_directory(&directory).await {
        Ok(people) => Ok(people),
        Err(error @ DirectoryError::NotAdmin) => Err(usage(anyhow!(
            "{error}: REDMINE_TOKEN must be an admin's API key, since the threader writes members' messages as them"
        ))),
        Err(error) => Err(failed(anyhow::Error::new(error).context("reading who is who from Redmine"))),
    }
}

/// One lock per Redmine and guild on this host: a second pass started while one runs exits
/// at once (status 0), so two passes never write at the same time.
fn lock() -> Result<Option<File>> {
    let mut hasher = DefaultHasher::new();
    var("REDMINE_URL").hash(&mut hasher);
    var("DISCORD_GUILD_ID").hash(&mut hasher);
    let path = std::env::temp_dir().join(format!("netbot-threader-{:016x}.lock", hasher.finish()));
    let file = File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .with_context(|| format!("cannot open the lock file {}", path.display()))?;
    match file.try_lock() {
        Ok(()) => Ok(Some(file)),
        Err(TryLockError::WouldBlock) => Ok(None),
        Err(TryLockError::Error(error)) => {
            bail!("cannot lock {}: {error}", path.display())
        }
    }
}

async fn run(cli: &Cli) -> Result<(), Failure> {
    let stop = Arc::new(AtomicBool::new(false));
    let setup = setup(cli, Arc::clone(&stop)).await?;
    let Some(_lock) = lock().map_err(failed)? else {
        info!("another pass is running on this host; leaving it to finish");
        return appkit::print("threader: another pass is running; nothing done");
    };
    watch_signals(Arc::clone(&stop));
    loop {
        let started = std::time::Instant::now();
        let attempt = match people(&setup).await {
            Ok(people) => {
                let users = people.users.clone();
                setup
                    .threader
                    .pass(people)
                    .await
                    .context("the pass could not start")
                    .map(|report| (report, users))
                    .map_err(failed)
            }
            Err(failure) => Err(failure),
        };
        let (mut report, users) = match (attempt, cli.every) {
            (Ok(done), _) => done,
            (Err(failure), None) => return Err(failure),
            // A loop outlives a Redmine or Discord that is down for a while (or a key that
            // lost its admin rights until it gets them back): say so, try again next pass.
            (Err(failure), Some(every)) => {
                error!(error = %failure.message(), "the pass could not run; trying again next pass");
                if !sleep_unless_stopped(every, &stop).await {
                    return Ok(());
                }
                continue;
            }
        };
        if let Some(rules) = &setup.notify {
            if cli.ticket.is_none() {
                let notifier = Notifier::new(&setup.tracker, &setup.chat, rules, cli.dry_run);
                match notifier.pass(Utc::now(), &users).await {
                    Ok(notified) => report.add_notifications(notified),
                    Err(error) => {
                        let error = ports::with_causes(&error);
                        warn!(%error, "notifications skipped this pass");
                        report.notify_error = Some(error);
                    }
                }
            }
        }
        info!(
            elapsed_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
            "{}",
            report.summary()
        );
        print_report(&report)?;
        let Some(every) = cli.every else {
            return outcome(&report);
        };
        if !report.failed.is_empty() {
            warn!(
                failed = report.failed.len(),
                "some tickets failed; trying again next pass"
            );
        }
        if !sleep_unless_stopped(every, &stop).await {
            return Ok(());
        }
    }
}

fn print_report(report: &PassReport) -> Result<(), Failure> {
    let mut out = String::new();
    for line in &report.planned {
        out.push_str(line);
        out.push('\n');
    }
    for (ticket, error) in &report.failed {
        out.push_str(&format!("#{ticket}: failed: {error}\n"));
    }
    out.push_str(&report.summary());
    appkit::print(&out)
}

fn outcome(report: &PassReport) -> Result<(), Failure> {
    if report.failed.is_empty() {
        Ok(())
    } else {
        Err(failed(anyhow!(
            "{} of {} tickets failed (see above)",
            report.failed.len(),
            report.looked_at
        )))
    }
}

/// SIGTERM and SIGINT ask the pass to stop after the ticket at hand.
fn watch_signals(stop: Arc<AtomicBool>) {
    tokio::spawn(async move {
        let Ok(mut terminate) =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        else {
            warn!("cannot watch SIGTERM");
            return;
        };
        tokio::select! {
            _ = terminate.recv() => {}
            _ = tokio::signal::ctrl_c() => {}
        }
        info!("stopping after the ticket at hand");
        stop.store(true, Ordering::SeqCst);
    });
}

/// Sleeps `every`, waking early when asked to stop; `false` when asked to stop.
async fn sleep_unless_stopped(every: Duration, stop: &AtomicBool) -> bool {
    let deadline = tokio::time::Instant::now() + every;
    while tokio::time::Instant::now() < deadline {
        if stop.load(Ordering::SeqCst) {
            return false;
        }
        tokio::time::sleep(Duration::from_millis(200).min(every)).await;
    }
    !stop.load(Ordering::SeqCst)
}

/// One pass against the demo's in-process Redmine (through the real adapter) and an
/// in-memory chat: a ticket asks for a thread and has a note by a member.
async fn demo(cli: &Cli) -> Result<(), Failure> {
    const GUILD: u64 = 661_720_259_375_529_984;
    const CHANNEL: u64 = 661_720_259_379_724_293;
    const BOT: u64 = 661_720_259_379_000_001;
    let redmine = demo::redmine::DemoRedmine::start_admin()
        .await
        .map_err(failed)?;
    let channel = ChannelId::new(CHANNEL).map_err(failed)?;
    let discord = demo::chat::MemoryChat::new(
        domain::DiscordUserId::new(BOT).map_err(failed)?,
        "netbot",
        &[channel],
    );
    let ticket = redmine.open_ticket(
        "alice",
        "Othello rooftop node drops packets at night",
        "Loss starts around 22:00 and stops by 06:00.",
        Some("yes"),
    );
    redmine.change_as(
        "bob",
        ticket,
        &serde_json::json!({ "notes": "Checked the cable: dry. Swapping the radio tomorrow." }),
    );
    let tracker = Redmine::new(redmine::RedmineConfig {
        url: redmine.url(),
        key: redmine::ApiKey::new(demo::redmine::DEMO_ADMIN_KEY),
        act_as: None,
        timeout: Duration::from_secs(10),
    })
    .map_err(failed)?
    .with_issue_fields(IssueFieldNames {
        thread: Some(String::from("Discord thread")),
        state: Some(String::from("Discord sync")),
    });
    let settings = ThreaderSettings {
        guild: GuildId::new(GUILD).map_err(failed)?,
        channel,
        routes: BTreeMap::new(),
        dry_run: cli.dry_run,
        only: cli.ticket,
        stop: Arc::new(AtomicBool::new(false)),
    };
    let threader = Threader::new(tracker, discord.clone(), settings);
    let first = threader.pass(WhoIsWho::default()).await.map_err(failed)?;
    print_report(&first)?;
    // Someone answers in the new thread; the next pass takes it to the ticket.
    let carol = domain::DiscordUserId::new(345_678_901_234_567_890).map_err(failed)?;
    let answered = discord.threads().first().and_then(|thread| {
        discord.member_says(
            thread.id,
            carol,
            "carol",
            "I can bring a ladder on Saturday.",
        )
    });
    let second = if answered.is_some() {
        let report = threader.pass(WhoIsWho::default()).await.map_err(failed)?;
        print_report(&report)?;
        Some(report)
    } else {
        None
    };
    let mut out = String::new();
    for thread in discord.threads() {
        out.push_str(&format!("\nDiscord thread '{}':\n", thread.name));
        for message in discord.messages(thread.id) {
            let who = if message.author_is_bot {
                "netbot"
            } else {
                &message.author_name
            };
            for (n, line) in message.content.lines().enumerate() {
                let label = if n == 0 { who } else { "" };
                out.push_str(&format!("  {label:>7} | {line}\n"));
            }
        }
    }
    out.push_str(&format!("\nRedmine ticket #{ticket}'s notes:\n"));
    for (author, text) in redmine.notes(ticket) {
        for (n, line) in text.lines().enumerate() {
            let label = if n == 0 { author.as_str() } else { "" };
            out.push_str(&format!("  {label:>13} | {line}\n"));
        }
    }
    appkit::print(&out)?;
    outcome(&second.unwrap_or(first))
}
