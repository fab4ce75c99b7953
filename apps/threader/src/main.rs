//! `threader`: keeps each Redmine ticket that asks for it and its Discord thread in step,
//! both ways. One pass and exit (for cron), or pass after pass with `--every`.

mod demo_run;
mod live;
mod lock;
mod report;
mod setup;

use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context as _;
use appkit::{failed, Failure};
use chrono::Utc;
use clap::{Parser, Subcommand};
use domain::TicketId;
use ports::notify::Notifier;
use ports::threader::CancellationToken;
use tracing::{info, warn};

/// Keeps Redmine tickets and their Discord threads in step, both ways.
#[derive(Debug, Parser)]
#[command(name = "threader", version, about, after_help = HELP)]
#[command(args_conflicts_with_subcommands = true)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    /// Keep running until SIGTERM or SIGINT: Discord's messages are applied as they come
    /// (over its gateway), and a pass every DURATION (e.g. 15s, 5m) brings Redmine's changes
    #[arg(long, value_name = "DURATION", value_parser = parse_every, conflicts_with_all = ["dry_run", "ticket"])]
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

#[derive(Debug, Subcommand)]
enum Command {
    /// Ask a running `threader --every` whether it is healthy (NETBOT_HEALTH_ADDR): exit 0 yes, 1 no, 2 unset
    Health,
}

const HELP: &str = "\
Configuration (environment, or a .env file here; the environment wins):
  REDMINE_URL, REDMINE_TOKEN   an admin's API key: members' messages are written as them
  REDMINE_TIMEOUT         seconds per Redmine request (default 10)
  DISCORD_TOKEN           the bot's token (needs the Message Content intent)
  DISCORD_GUILD_ID        the server's id
  DISCORD_API_URL         send every Discord call there instead of discord.com
  NETBOT_CONFIG           path of netbot.toml (default ./netbot.toml): [threader] channel = ID
  NETBOT_HEALTH_ADDR      with --every, serve /healthz and /metrics there (e.g. 127.0.0.1:9464)

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
        Ok(()) if matches!(cli.command, Some(Command::Health)) => {
            return appkit::health::probe_command("threader").await
        }
        Ok(()) if cli.demo => demo_run::demo(cli.dry_run, cli.ticket).await,
        Ok(()) => run(&cli).await,
        Err(failure) => Err(failure),
    };
    appkit::finish("threader", result)
}

async fn run(cli: &Cli) -> Result<(), Failure> {
    let stop = CancellationToken::new();
    let setup = setup::setup(cli.dry_run, cli.ticket, stop.clone()).await?;
    let Some(_lock) = lock::lock(&setup.redmine_url, setup.guild).map_err(failed)? else {
        info!("another pass is running on this host; leaving it to finish");
        return appkit::print("threader: another pass is running; nothing done");
    };
    watch_signals(stop.clone());
    if let Some(every) = cli.every {
        return live::run(setup, every, stop).await;
    }
    let started = std::time::Instant::now();
    let asked = setup::auto_threads(&setup, cli.dry_run, cli.ticket.is_some()).await;
    let people = setup::people(&setup).await?;
    let users = people.users.clone();
    let mut report = setup
        .threader
        .pass(people)
        .await
        .map_err(report::pass_error)
        .context("the pass could not start")
        .map_err(failed)?;
    report.planned.splice(0..0, asked);
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
    report::print(&report)?;
    report::outcome(&report)
}

/// SIGTERM and SIGINT ask the pass to stop after the ticket at hand.
fn watch_signals(stop: CancellationToken) {
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
        stop.cancel();
    });
}
