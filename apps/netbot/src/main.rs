//! `netbot`: the community network's bot (`netbot run`) and its terminal commands (`sites`).

mod check;
mod commands;
mod config;
mod gateway_health;
mod settings;

use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context as _;
use appkit::{failed, usage, words, Failure};
use clap::{Parser, Subcommand};
use domain::render::json;
use domain::render::text::{site_details, site_table};
use netbox::Netbox;
use poise::serenity_prelude as serenity;
use ports::bot::Bot;
use ports::sites;
use ports::threader::CancellationToken;
use redmine::{Redmine, RedmineDirectory};
use tracing::{info, warn};

/// The community network's Discord bot, and NetBox sites from a terminal.
#[derive(Debug, Parser)]
#[command(name = "netbot", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the Discord bot (slash commands for tickets and sites)
    #[command(after_help = RUN_HELP)]
    Run,
    /// Verify a deployment: settings, Redmine, NetBox, Discord; one line per check
    #[command(after_help = CHECK_HELP)]
    Check {
        /// Print a JSON array of {check, state, detail}; state is passed, failed or skipped
        #[arg(long)]
        json: bool,
    },
    /// Ask a running `netbot run` whether it is healthy (NETBOT_HEALTH_ADDR): exit 0 yes, 1 no, 2 unset
    Health,
    /// NetBox sites: all of them as a table, or one site in detail
    #[command(after_help = SITES_HELP)]
    Sites {
        /// A site's slug or name (exact, then prefix, then part of it); none lists all sites
        #[arg(value_name = "NAME")]
        name: Vec<String>,
        /// Print JSON (a list is an array of sites; one site is an object with its counts)
        #[arg(long)]
        json: bool,
        /// Run against the embedded fixture NetBox: no credentials needed
        #[arg(long)]
        demo: bool,
    },
}

const RUN_HELP: &str = "\
Configuration (environment, or a .env file here; the environment wins):
  DISCORD_TOKEN           the bot's token (Discord developer portal > Bot)
  DISCORD_GUILD_ID        the server's id: commands are registered there, other servers refused
  DISCORD_API_URL         send every REST call there instead of discord.com (tests, rate-limit proxy)
  REDMINE_URL, REDMINE_TOKEN   an admin's API key: the bot acts as each linked member
  NETBOX_URL, NETBOX_TOKEN     and the other NETBOX_* settings of `netbot sites`
  NETBOT_CONFIG           path of netbot.toml (default ./netbot.toml; see the README)
  NETBOT_HEALTH_ADDR      serve /healthz (the gateway connected) and /metrics there, e.g. 127.0.0.1:9464

One timeout: backend_timeout in netbot.toml (default 8 s) bounds every Redmine and NetBox
request and each command as a whole; REDMINE_TIMEOUT and NETBOX_TIMEOUT do not apply to the
bot (a warning says so when they are set).";

const CHECK_HELP: &str = "\
Reads the same configuration as `netbot run` and `threader` (environment, .env, netbot.toml)
and checks that each part works: the variables, Redmine (reachable, REST API on, the key an
administrator's, the custom fields, statuses and projects named), NetBox (when NETBOX_URL is
set), Discord (the token, the Message Content intent, the bot in the server, its permissions
in each configured channel). Secrets are shown as set or unset, never their value.

Exit status: 0 every check passed, 1 any failed, 2 usage error.";

const SITES_HELP: &str = "\
Configuration (environment, or a .env file here; the environment wins):
  NETBOX_URL              the NetBox URL, with or without /api (required unless --demo)
  NETBOX_TOKEN            an API token: classic (40 hex) or v2 (nbt_...) (required unless --demo)
  NETBOX_CA_CERT          a PEM file with the CA of a self-signed NetBox
  NETBOX_INSECURE         true to skip certificate checks (logged as a warning; prefer NETBOX_CA_CERT)
  NETBOX_TIMEOUT          seconds per request (default 10)
  NETBOX_CACHE_SECONDS    how long the site list is kept (default 300)

Exit status: 0 done, 1 failed (unknown site, rejected token, unreachable), 2 usage or configuration error.";

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match (appkit::start(), cli.command) {
        (Err(failure), _) => Err(failure),
        (Ok(()), Command::Sites { name, json, demo }) => {
            sites_command(&name.join(" "), json, demo).await
        }
        (Ok(()), Command::Run) => run_command().await,
        (Ok(()), Command::Check { json }) => return check_command(json).await,
        (Ok(()), Command::Health) => return appkit::health::probe_command("netbot").await,
    };
    appkit::finish("netbot", result)
}

async fn check_command(as_json: bool) -> ExitCode {
    let started = std::time::Instant::now();
    let checks = check::checks().await;
    let failed = checks.iter().filter(|check| check.failed()).count();
    info!(
        checks = checks.len(),
        failed,
        elapsed_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
        "checked the deployment"
    );
    let output = if as_json {
        domain::check::json(&checks)
    } else {
        domain::check::text(&checks)
    };
    let printed = appkit::print(&output);
    if failed > 0 {
        ExitCode::from(1)
    } else {
        appkit::finish("netbot", printed)
    }
}

async fn sites_command(name: &str, as_json: bool, demo: bool) -> Result<(), Failure> {
    // Kept alive until the command is done: the demo's in-process NetBox.
    let demo_server;
    let netbox_config = if demo {
        demo_server = demo::netbox::DemoNetbox::start().await.map_err(failed)?;
        config::demo(demo_server.url())
    } else {
        config::netbox(config::NetboxTimeout::Environment)
    }
    .map_err(usage)?;
    let netbox = Netbox::new(netbox_config).map_err(|error| usage(config::netbox_error(&error)))?;
    let colour = appkit::colour();
    let output = if name.trim().is_empty() {
        let all = sites::list(&netbox)
            .await
            .map_err(|error| failed(words::operator_inventory(error)))?;
        if as_json {
            json::site_list(&all)
        } else {
            site_table(&all, colour)
        }
    } else {
        let details = sites::details(&netbox, name)
            .await
            .map_err(|error| failed(words::operator_inventory(error)))?;
        if as_json {
            json::site_details(&details)
        } else {
            site_details(&details, colour)
        }
    };
    appkit::print(&output)
}

async fn run_command() -> Result<(), Failure> {
    let settings = settings::run_settings().map_err(usage)?;
    let timeout = settings.backend_timeout;
    // One timeout for the bot, netbot.toml's backend_timeout: each Redmine and NetBox request
    // and each command as a whole (REDMINE_TIMEOUT and NETBOX_TIMEOUT do not apply here).
    let redmine_config =
        appkit::settings::redmine(appkit::settings::RedmineTimeout::Backend(timeout))
            .map_err(usage)?;
    let tracker = Redmine::new(redmine_config)
        .map_err(|error| usage(words::redmine_config(error)))?
        .with_issue_fields(settings.issue_fields.clone());
    let netbox_config = config::netbox(config::NetboxTimeout::Backend(timeout)).map_err(usage)?;
    let inventory =
        Netbox::new(netbox_config).map_err(|error| usage(config::netbox_error(&error)))?;
    let directory = RedmineDirectory::new(&tracker, settings.discord_field.clone());
    // Healthy while the gateway is connected; served from now on, so that it says so.
    let health = appkit::health::Health::for_bot();
    let serving = appkit::health::serve(&health, CancellationToken::new()).await?;
    let bot = Bot::new(tracker, inventory, directory, settings.bot.clone());
    let linked = bot
        .refresh_identities()
        .await
        .context("reading who is who from Redmine (REDMINE_TOKEN must be an admin's key)")
        .map_err(failed)?;
    info!(
        linked,
        channels = settings.channels.len(),
        "members linked to Redmine users"
    );
    let data = Arc::new(bot);
    spawn_identity_refresh(Arc::clone(&data), settings.identity_refresh);
    let guild = serenity::GuildId::new(settings.guild.get());
    let framework = poise::Framework::builder()
        .options(poise::FrameworkOptions {
            commands: commands::all(),
            allowed_mentions: Some(discord::no_mentions()),
            on_error: |error| Box::pin(commands::on_error(error)),
            ..Default::default()
        })
        .setup(move |ctx, ready, framework| {
            Box::pin(async move {
                poise::builtins::register_in_guild(ctx, &framework.options().commands, guild).await?;
                info!(user = %ready.user.name, guild = guild.get(), "connected and commands registered");
                Ok(commands::Data {
                    bot: data,
                    chat: discord::DiscordChat::new(std::sync::Arc::clone(&ctx.http)),
                })
            })
        })
        .build();
    let http = discord::http(&settings.token, settings.api_url.as_deref(), None);
    let mut client = serenity::ClientBuilder::new_with_http(http, serenity::GatewayIntents::GUILDS)
        .framework(framework)
        .event_handler(gateway_health::GatewayReporter::new(health.clone()))
        .await
        .map_err(|error| failed(anyhow::anyhow!(discord::redacted(&error))))?;
    if serving.is_some() {
        gateway_health::watch_shards(Arc::clone(&client.shard_manager), health);
    }
    client
        .start()
        .await
        .map_err(|error| failed(anyhow::anyhow!(discord::redacted(&error))))
}

/// Reloads who is who, the people autocomplete offers, and whether the key may still act for
/// members, on a timer (and `/link` updates it at once).
fn spawn_identity_refresh(bot: Arc<commands::NetBot>, period: std::time::Duration) {
    tokio::spawn(async move {
        let mut every = tokio::time::interval(period);
        every.tick().await;
        loop {
            every.tick().await;
            match bot.refresh_identities().await {
                Ok(linked) => info!(linked, "reloaded who is who"),
                // Logged at error by the refresh itself: nobody is acted for from now on.
                Err(ports::DirectoryError::NotAdmin) => {}
                Err(error) => {
                    let error = anyhow::Error::from(error);
                    warn!(
                        error = format!("{error:#}"),
                        "could not reload who is who; keeping the old mapping"
                    );
                }
            }
        }
    });
}
