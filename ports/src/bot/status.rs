//! `/status [team]`: a team's open work (or everyone's) in one message, and team autocomplete.

use chrono::{DateTime, Utc};
use domain::bot::access::Need;
use domain::team_status::discord_message;
use domain::{Member, Reply};

use super::{tracker_error, Bot, MAX_CHOICES};
use crate::directory::Directory;
use crate::inventory::Inventory;
use crate::status::{complete_team, find_team, status_of};
use crate::tracker::{ActAs, Catalog, TeamWork};

impl<T: TeamWork + Catalog + ActAs, I: Inventory, D: Directory> Bot<T, I, D> {
    /// `/status [TEAM]`: the open tickets assigned to the team or its members (every open
    /// ticket without one), read as the member, in four buckets, one message of at most 2000
    /// characters. The team is found among the bot's groups (the bot's key lists them).
    pub async fn status(&self, member: &Member, team: Option<&str>, now: DateTime<Utc>) -> Reply {
        self.within("Redmine", async {
            let tracker = match self.actor(member, Need::Read) {
                Ok(tracker) => tracker,
                Err(reply) => return reply,
            };
            let team = match team.map(str::trim).filter(|typed| !typed.is_empty()) {
                Some(typed) => match find_team(&self.tracker, typed).await {
                    Ok(team) => Some(team),
                    Err(error) => return tracker_error(&error, self.settings.timeout_seconds),
                },
                None => None,
            };
            match status_of(&tracker, team, &self.settings.stale, now).await {
                Ok(status) => Reply::public(discord_message(&status, now)),
                Err(error) => tracker_error(&error, self.settings.timeout_seconds),
            }
        })
        .await
    }

    /// Team autocomplete for `/status`: the groups the bot knows whose name contains what was
    /// typed, at most 25, as `(shown, value)`; nothing when they cannot be read.
    pub async fn complete_team(&self, typed: &str) -> Vec<(String, String)> {
        match complete_team(&self.tracker, typed, MAX_CHOICES).await {
            Ok(names) => names.into_iter().map(|name| (name.clone(), name)).collect(),
            Err(error) => {
                tracing::warn!(error = %crate::with_causes(&error), "could not read the tracker's teams for autocomplete");
                Vec::new()
            }
        }
    }
}
