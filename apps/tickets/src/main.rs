//! `tickets`: Redmine tickets from a terminal, with the same grammar as the bot's `/tickets`.

mod config;

use std::process::ExitCode;

use appkit::settings::{self, RedmineTimeout};
use appkit::{failed, usage, words, Failure};
use clap::Parser;
use domain::render::json;
use domain::render::text::{ticket_details, ticket_table};
use domain::TicketQuery;
use ports::tickets::{ensure_acting_as, run, Outcome};
use redmine::Redmine;

const GRAMMAR: &str = "\
Queries:
  tickets                   open tickets assigned to me or to a team I am in
  tickets USER              open tickets assigned to USER (login, full name, or a team name)
  tickets N                 details of ticket N (also #N), with its notes
  tickets QUERY...          open tickets whose subject or text contains the words
  tickets N assign USER     assign ticket N to USER
  tickets N unassign        clear the assignee and set the status back to New
  tickets N progress        assign ticket N to me and set it In Progress
  tickets N resolve         set ticket N Resolved

Configuration (environment, or a .env file here; the environment wins):
  REDMINE_URL, REDMINE_TOKEN    required (unless --demo)
  REDMINE_TIMEOUT               seconds per request (default 10)
  REDMINE_STATUS_NEW, REDMINE_STATUS_IN_PROGRESS, REDMINE_STATUS_RESOLVED
                                status names (default New, In Progress, Resolved)

Exit status: 0 done, 1 failed (not found, rejected, unreachable), 2 usage or configuration error.";

/// List, search, show and change Redmine tickets.
#[derive(Debug, Parser)]
#[command(name = "tickets", version, about, after_help = GRAMMAR)]
struct Cli {
    /// Print JSON (a list is an array of tickets; one ticket is an object)
    #[arg(long)]
    json: bool,
    /// Act as this Redmine login ("me" becomes LOGIN; needs an admin API key)
    #[arg(long = "as", value_name = "LOGIN")]
    act_as: Option<String>,
    /// Run against the embedded fixture Redmine: no credentials needed
    #[arg(long)]
    demo: bool,
    /// The query: nothing, a ticket number, a user or team, search words, or N ACTION [USER]
    #[arg(value_name = "QUERY")]
    words: Vec<String>,
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match appkit::start() {
        Ok(()) => tickets(cli).await,
        Err(failure) => Err(failure),
    };
    appkit::finish("tickets", result)
}

async fn tickets(cli: Cli) -> Result<(), Failure> {
    let query = TicketQuery::parse(&cli.words).map_err(usage)?;
    let status_names = settings::status_names_from_environment();
    let now = config::now().map_err(usage)?;
    // Kept alive until the query is done: the demo's in-process Redmine.
    let demo_server;
    let mut redmine_config = if cli.demo {
        demo_server = demo::redmine::DemoRedmine::start().await.map_err(failed)?;
        settings::redmine_demo(demo_server.url(), "demo", RedmineTimeout::Environment)
    } else {
        settings::redmine(RedmineTimeout::Environment)
    }
    .map_err(usage)?;
    redmine_config.act_as = cli.act_as.clone();
    let redmine =
        Redmine::new(redmine_config).map_err(|error| usage(words::redmine_config(error)))?;
    if let Some(login) = &cli.act_as {
        ensure_acting_as(&redmine, login)
            .await
            .map_err(|error| failed(words::cli_tracker(error)))?;
    }
    let outcome = run(&redmine, &query, &status_names)
        .await
        .map_err(|error| failed(words::cli_tracker(error)))?;
    let output = if cli.json {
        match &outcome {
            Outcome::List(tickets) => json::ticket_list(tickets),
            Outcome::Details(ticket) | Outcome::Changed(ticket) => json::ticket_details(ticket),
        }
    } else {
        let colour = appkit::colour();
        match &outcome {
            Outcome::List(tickets) => ticket_table(tickets, now, colour),
            Outcome::Details(ticket) | Outcome::Changed(ticket) => {
                ticket_details(ticket, now, colour)
            }
        }
    };
    appkit::print(&output)
}
