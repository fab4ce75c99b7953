//! `tickets`: Redmine tickets from a terminal, with the same grammar as the bot's `/tickets`.

mod config;
mod status;

use std::process::ExitCode;

use appkit::settings::{self, RedmineTimeout};
use appkit::{failed, usage, words, Failure};
use clap::Parser;
use domain::render::json;
use domain::render::text::{ticket_details, ticket_table};
use domain::{Action, Hours, TicketId, TicketQuery};
use ports::hours::{log_hours, LogError};
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
  tickets N status S        set its status to S (a status name, e.g. Feedback)
  tickets N priority P      set its priority to P (a priority name, e.g. Urgent)
  tickets N tracker T       set its tracker to T (a tracker name, e.g. Feature)
  tickets N subject TEXT... set its subject
  tickets N description TEXT...
                            replace its description (Redmine's history keeps the old one);
                            TEXT - reads standard input
  tickets N parent M|none   make it a subtask of ticket M, or of none
  tickets N watch [USER]    add USER (default: me) to its watchers
  tickets N unwatch [USER]  remove USER (default: me) from its watchers
  tickets N note TEXT...    add a note; TEXT - reads standard input
  tickets N due DATE|none   set or clear its due date: 2026-12-24, 12/24, tomorrow,
                            in 5 days, next friday (read in this computer's time zone)
  tickets N hours H [ACTIVITY...] [--comment TEXT]
                            log H (1.5, 1h30 or 90m) on ticket N as me, under ACTIVITY
                            (a time-entry activity's name) or Redmine's default one
  tickets --status [TEAM...]
                            open tickets of TEAM (a Redmine group) and its members, or all,
                            by priority (high, normal, low) and stale (netbot.toml's
                            [notify.stale]), each group oldest first
  A number first is always a ticket; --json prints the ticket as it now stands.

Configuration (environment, or a .env file here; the environment wins):
  REDMINE_URL, REDMINE_TOKEN    required (unless --demo)
  REDMINE_TIMEOUT               seconds per request (default 10)
  REDMINE_STATUS_NEW, REDMINE_STATUS_IN_PROGRESS, REDMINE_STATUS_RESOLVED
                                status names (default New, In Progress, Resolved)

Exit status: 0 done, 1 refused or failed (not found, rejected, unreachable; the reason is
printed), 2 usage or configuration error.";

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
    /// Print a team's status: the words name the team (a Redmine group); none: every open ticket
    #[arg(long)]
    status: bool,
    /// With `N hours H`: what the time was spent on
    #[arg(long, value_name = "TEXT")]
    comment: Option<String>,
    /// The query: nothing, a ticket number, a user or team, search words, or N ACTION [VALUE...]
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
    let hours = hours_words(&cli.words).transpose().map_err(usage)?;
    if hours.is_none() && cli.comment.is_some() {
        return Err(usage(anyhow::anyhow!(
            "--comment goes with `tickets N hours H`"
        )));
    }
    if cli.status && (hours.is_some() || cli.comment.is_some()) {
        return Err(usage(anyhow::anyhow!(
            "--status takes a team's name only, not an action"
        )));
    }
    let query = match hours {
        _ if cli.status => TicketQuery::Mine,
        Some(_) => TicketQuery::Mine,
        None => with_standard_input(TicketQuery::parse(&cli.words).map_err(usage)?)?,
    };
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
    if cli.status {
        return status::print(&redmine, &cli.words, cli.json, now).await;
    }
    if let Some(hours) = hours {
        return log(
            &redmine,
            &hours,
            cli.comment.as_deref().unwrap_or_default(),
            cli.json,
        )
        .await;
    }
    // A due date such as "tomorrow" is read from the terminal's own day.
    let today = now.with_timezone(&chrono::Local).date_naive();
    let outcome = run(&redmine, &query, &status_names, today)
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

/// A description or note given as `-` is read from standard input (for text with several
/// lines, or piped from another tool).
fn with_standard_input(query: TicketQuery) -> Result<TicketQuery, Failure> {
    let TicketQuery::Act(id, action) = query else {
        return Ok(query);
    };
    let action = match action {
        Action::Description(text) if text == "-" => Action::Description(read_standard_input()?),
        Action::Note(text) if text == "-" => Action::Note(read_standard_input()?),
        other => other,
    };
    Ok(TicketQuery::Act(id, action))
}

fn read_standard_input() -> Result<String, Failure> {
    let text = std::io::read_to_string(std::io::stdin())
        .map_err(|error| usage(anyhow::Error::new(error).context("reading standard input")))?;
    if text.trim().is_empty() {
        return Err(usage(anyhow::anyhow!(
            "the text was to come from standard input (-), but it was empty"
        )));
    }
    Ok(text.trim_end().to_owned())
}

/// `N hours H [ACTIVITY...]`, read before the shared grammar (which has no `hours`): the
/// ticket, the amount and the activity's name (several words, as "Field work").
#[derive(Debug)]
struct HoursWords {
    id: TicketId,
    hours: Hours,
    activity: Option<String>,
}

/// `None` when the words are not `N hours …`; a usage error when the amount is missing or
/// unreadable.
fn hours_words(words: &[String]) -> Option<Result<HoursWords, anyhow::Error>> {
    let [id, verb, rest @ ..] = words else {
        return None;
    };
    if verb != "hours" {
        return None;
    }
    let id = TicketId::parse(id).ok()?;
    Some(match rest {
        [] => Err(anyhow::anyhow!("`hours` needs an amount: 1.5, 1h30 or 90m")),
        [amount, activity @ ..] => Hours::parse(amount)
            .map(|hours| HoursWords {
                id,
                hours,
                activity: (!activity.is_empty()).then(|| activity.join(" ")),
            })
            .map_err(anyhow::Error::new),
    })
}

/// Logs the hours and prints what was logged.
async fn log(
    redmine: &Redmine,
    asked: &HoursWords,
    comment: &str,
    as_json: bool,
) -> Result<(), Failure> {
    let logged = log_hours(
        redmine,
        asked.id,
        asked.hours,
        asked.activity.as_deref(),
        comment,
    )
    .await
    .map_err(|error| match error {
        LogError::Tracker(error) => failed(words::cli_tracker(error)),
        needed @ LogError::ActivityNeeded { .. } => failed(anyhow::Error::new(needed)),
    })?;
    let output = if as_json {
        json::time_logged(
            logged.ticket,
            logged.hours,
            logged.activity.as_deref(),
            comment.trim(),
        )
    } else {
        match &logged.activity {
            Some(activity) => format!(
                "Logged {} on ticket {} as {activity}.",
                logged.hours, logged.ticket
            ),
            None => format!("Logged {} on ticket {}.", logged.hours, logged.ticket),
        }
    };
    appkit::print(&output)
}
