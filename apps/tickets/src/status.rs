//! `tickets --status [TEAM]`: a team's open work (or everyone's) for a terminal or as JSON,
//! the same buckets as the bot's `/status`. The stale thresholds are `netbot.toml`'s
//! `[notify.stale]`, when there is one.

use appkit::{failed, usage, words, Failure};
use chrono::{DateTime, Utc};
use domain::team_status::{json, text};
use domain::{Principal, TicketId};
use ports::status::status_of;
use ports::People;
use redmine::Redmine;

/// Prints the status of the team the words name (every open ticket without words).
///
/// # Errors
/// A usage failure when the words are a ticket number, or name a person rather than a team;
/// a failure when the team is unknown or Redmine cannot be read.
pub async fn print(
    redmine: &Redmine,
    words: &[String],
    as_json: bool,
    now: DateTime<Utc>,
) -> Result<(), Failure> {
    if words
        .first()
        .is_some_and(|first| TicketId::parse(first).is_ok())
    {
        return Err(usage(anyhow::anyhow!(
            "--status takes a team's name, not a ticket number (a number first is a ticket)"
        )));
    }
    let stale = appkit::settings::file_settings()
        .map_err(usage)?
        .notify
        .map(|notify| notify.stale)
        .unwrap_or_default();
    let team = match words.join(" ").trim() {
        "" => None,
        name => match redmine
            .find_person(name)
            .await
            .map_err(|error| failed(words::cli_tracker(error)))?
        {
            Some(Principal::Team(team)) => Some(team),
            Some(Principal::User(user)) => {
                return Err(usage(anyhow::anyhow!(
                    "'{name}' is a person ({}), not a team: --status takes a Redmine group",
                    user.name
                )))
            }
            None => {
                return Err(failed(anyhow::anyhow!(
                    "Redmine has no team (group) named '{name}'"
                )))
            }
        },
    };
    let status = status_of(redmine, team, &stale, now)
        .await
        .map_err(|error| failed(words::cli_tracker(error)))?;
    let output = if as_json {
        json(&status)
    } else {
        text(&status, now, appkit::colour())
    };
    appkit::print(&output)
}
