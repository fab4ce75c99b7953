//! `/query`: saved queries, run as the member, each ticket by the query's line template.

use chrono::{DateTime, Utc};
use domain::bot::access::Need;
use domain::bot::replies;
use domain::render::template;
use domain::{Member, Reply};

use super::{tracker_error, Bot};
use crate::directory::Directory;
use crate::inventory::Inventory;
use crate::tracker::{ActAs, Tickets};

impl<T: Tickets + ActAs, I: Inventory, D: Directory> Bot<T, I, D> {
    /// `/query NAME`: a saved query, run as the member, each ticket by its line template.
    pub async fn query(&self, member: &Member, name: &str, now: DateTime<Utc>) -> Reply {
        self.within("Redmine", async {
            let Some(saved) = self.settings.queries.get(name.trim()) else {
                let known: Vec<&str> = self.settings.queries.keys().map(String::as_str).collect();
                return replies::unknown_query(name, &known);
            };
            let tracker = match self.actor(member, Need::Read) {
                Ok(tracker) => tracker,
                Err(reply) => return reply,
            };
            match tracker.list_query(&saved.filter).await {
                Ok(tickets) => {
                    match template::ticket_lines(&saved.template, &tickets, now, "see Redmine") {
                        Ok(text) => Reply::public(text),
                        Err(error) => replies::broken_template(name, &error),
                    }
                }
                Err(error) => tracker_error(&error, self.settings.timeout_seconds),
            }
        })
        .await
    }

    /// Saved query names for what has been typed: `(name and description, name)`, at most 25.
    #[must_use]
    pub fn complete_query(&self, typed: &str) -> Vec<(String, String)> {
        replies::query_choices(
            self.settings
                .queries
                .iter()
                .map(|(name, saved)| (name.as_str(), saved.description.as_str())),
            typed,
        )
    }
}
