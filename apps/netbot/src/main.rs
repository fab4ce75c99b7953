//! `netbot`: the community network's bot and its commands (`sites` now; `run`, `check` later).

mod config;

use std::process::ExitCode;

use appkit::{failed, usage, Failure};
use clap::{Parser, Subcommand};
use domain::render::json;
use domain::render::text::{site_details, site_table};
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

#[tokio::main]
async fn main() -> ExitCode {
    appkit::start();
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Sites { name, json, demo } => sites_command(&name.join(" "), json, demo).await,
    };
    appkit::finish("netbot", result)
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
    let colour = appkit::colour();
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
    appkit::print(&output)
}
