//! `/hours`: time logged on a ticket as the member, and its activity autocomplete.

use domain::bot::access::Need;
use domain::bot::replies;
use domain::{names, ChannelId, Hours, Member, Reply, TicketId};

use std::sync::Arc;

use super::cache::NameKind;
use super::{tracker_error, Bot, MAX_CHOICES};
use crate::directory::Directory;
use crate::hours::{log_hours, LogError};
use crate::inventory::Inventory;
use crate::tracker::{ActAs, SyncStore, TimeLog};

impl<T: TimeLog + SyncStore + ActAs, I: Inventory, D: Directory> Bot<T, I, D> {
    /// `/hours HOURS [TICKET] [ACTIVITY] [COMMENT]` in `channel`: `hours` as `1.5`, `1h30` or
    /// `90m`, logged on the ticket as the member, under the activity or Redmine's default one.
    /// Without `TICKET`, in a ticket's thread, the ticket is the one whose thread field links
    /// to `channel` (one listing of the threaded tickets, as the threader reads them).
    pub async fn hours(
        &self,
        member: &Member,
        channel: Option<ChannelId>,
        hours: &str,
        ticket: Option<&str>,
        activity: Option<&str>,
        comment: Option<&str>,
    ) -> Reply {
        self.within("Redmine", async {
            let hours = match Hours::parse(hours) {
                Ok(hours) => hours,
                Err(error) => return Reply::error(&error.to_string()),
            };
            let tracker = match self.actor(member, Need::Change) {
                Ok(tracker) => tracker,
                Err(reply) => return reply,
            };
            let id = match ticket.map(str::trim).filter(|typed| !typed.is_empty()) {
                Some(typed) => match TicketId::parse(typed) {
                    Ok(id) => id,
                    Err(error) => return Reply::error(&error.to_string()),
                },
                None => match self.ticket_of_thread(channel).await {
                    Ok(Some(id)) => id,
                    Ok(None) => return replies::hours_need_ticket(),
                    Err(error) => return tracker_error(&error, self.settings.timeout_seconds),
                },
            };
            match log_hours(&tracker, id, hours, activity, comment.unwrap_or_default()).await {
                Ok(logged) => {
                    replies::hours_logged(logged.ticket, &logged.hours, logged.activity.as_deref())
                }
                Err(LogError::ActivityNeeded { known }) => {
                    replies::activity_needed("Redmine", &known)
                }
                Err(LogError::Tracker(error)) => {
                    tracker_error(&error, self.settings.timeout_seconds)
                }
            }
        })
        .await
    }

    /// Activity autocomplete for `/hours`: the tracker's time-entry activities containing what
    /// was typed, as `(shown, value)`, kept [`super::cache::NAMES_FOR`]; nothing when the
    /// tracker cannot be read.
    pub async fn complete_activity(&self, typed: &str) -> Vec<(String, String)> {
        let activities = self
            .caches
            .names
            .try_get_with(NameKind::Activity, async {
                self.tracker.activities().await.map(Arc::from)
            })
            .await;
        match activities {
            Ok(known) => names::complete(&known, typed, MAX_CHOICES)
                .into_iter()
                .map(|name| (name.to_owned(), name.to_owned()))
                .collect(),
            Err(error) => {
                tracing::warn!(error = %crate::with_causes(&*error), "could not read the tracker's activities for autocomplete");
                Vec::new()
            }
        }
    }
}
