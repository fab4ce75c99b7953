//! `netbot`: the community network's bot and its commands (`sites` now; `run`, `check` later).

mod config;

use std::io::{IsTerminal as _, Write as _};
use std::process::ExitCode;

use anyhow::Context as _;
use clap::{Parser, Subcommand};
use domain::render::json;
use domain::render::text::{site_details, site_table, Colour};
use netbox::Netbox;
use ports::sites;

/// The community network's bot: NetBox sites now; the Discord bot, thread sync and checks next.
#[derive(Debug, Parser)]
#[command(name = "netbot", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
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

const SITES_HELP: &str = "\
Configuration (environment, or a .env file here; the environment wins):
  NETBOX_URL              the NetBox URL, with or without /api (required unless --demo)
  NETBOX_TOKEN            an API token: classic (40 hex) or v2 (nbt_...) (required unless --demo)
  NETBOX_CA_CERT          a PEM file with the CA of a self-signed NetBox
  NETBOX_INSECURE         true to skip certificate checks (logged as a warning; prefer NETBOX_CA_CERT)
  NETBOX_TIMEOUT          seconds per request (default 10)
  NETBOX_CACHE_SECONDS    how long the site list is kept (default 300)

Exit status: 0 done, 1 failed (unknown site, rejected token, unreachable), 2 usage or configuration error.";

/// A failure and the exit status it earns.
struct Failure {
    error: anyhow::Error,
    code: u8,
}

fn usage(error: impl Into<anyhow::Error>) -> Failure {
    Failure {
        error: error.into(),
        code: 2,
    }
}

fn failed(error: impl Into<anyhow::Error>) -> Failure {
    Failure {
        error: error.into(),
        code: 1,
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .init();
    let cli = Cli::parse();
    // A missing .env is fine; the environment alone may hold the settings.
    let _ = dotenvy::dotenv();
    let result = match cli.command {
        Command::Sites { name, json, demo } => sites_command(&name.join(" "), json, demo).await,
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            let _ = writeln!(std::io::stderr(), "netbot: error: {:#}", failure.error);
            ExitCode::from(failure.code)
        }
    }
}

async fn sites_command(name: &str, as_json: bool, demo: bool) -> Result<(), Failure> {
    // Kept alive until the command is done: the demo's in-process NetBox.
    let demo_server;
    let netbox_config = if demo {
        demo_server = testkit::netbox::DemoNetbox::start().await;
        config::demo(demo_server.url())
    } else {
        config::netbox()
    }
    .map_err(usage)?;
    let netbox = Netbox::new(netbox_config).map_err(usage)?;
    let colour = if std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none() {
        Colour::Always
    } else {
        Colour::Never
    };
    let output = if name.trim().is_empty() {
        let all = sites::list(&netbox).await.map_err(failed)?;
        if as_json {
            json::site_list(&all)
        } else {
            site_table(&all, colour)
        }
    } else {
        let details = sites::details(&netbox, name).await.map_err(failed)?;
        if as_json {
            json::site_details(&details)
        } else {
            site_details(&details, colour)
        }
    };
    let mut stdout = std::io::stdout().lock();
    write!(stdout, "{}", output.trim_end())
        .and_then(|()| writeln!(stdout))
        .context("writing the output")
        .map_err(failed)
}
