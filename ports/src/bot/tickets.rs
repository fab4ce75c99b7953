//! `/tickets`, `/ticket` and `/new`: the CLI's grammar and actions, as the member.

use chrono::{DateTime, Utc};
use domain::bot::access::{self, Need};
use domain::bot::replies;
use domain::render::discord;
use domain::{names, Action, Member, QueryError, Reply, TicketId, TicketQuery};

use std::sync::Arc;

use super::cache::NameKind;
use super::{tracker_error, Bot, TicketAction, MAX_CHOICES};
use crate::chat::{Chat, GuildEvents};
use crate::directory::Directory;
use crate::due_events::follow;
use crate::inventory::Inventory;
use crate::tickets::{run, Outcome};
use crate::tracker::{ActAs, Catalog, People, Tickets, TrackerError, Watchers};

impl<T: Tickets + Watchers + People + Catalog + ActAs, I: Inventory, D: Directory> Bot<T, I, D> {
    /// `/tickets [query]`: the CLI's grammar (dates read against today in the settings' time
    /// zone).
    pub async fn tickets(&self, member: &Member, words: &str, now: DateTime<Utc>) -> Reply {
        self.within("Redmine", async {
            let parts: Vec<&str> = words.split_whitespace().collect();
            let query = match TicketQuery::parse(&parts) {
                Ok(query) => query,
                Err(error) => return Reply::error(&error.to_string()),
            };
            let need = match query {
                TicketQuery::Act(..) => Need::Change,
                TicketQuery::Mine => Need::ReadOwn,
                TicketQuery::Show(_) | TicketQuery::NameOrSearch(_) => Need::Read,
            };
            let tracker = match self.actor(member, need) {
                Ok(tracker) => tracker,
                Err(reply) => return reply,
            };
            self.run_as(&tracker, &query, words, now).await
        })
        .await
    }

    /// Runs a query of the grammar as `tracker`'s user and renders the outcome.
    async fn run_as(
        &self,
        tracker: &T,
        query: &TicketQuery,
        words: &str,
        now: DateTime<Utc>,
    ) -> Reply {
        match run(tracker, query, &self.settings.status_names, self.today(now)).await {
            Ok(Outcome::List(tickets)) => Reply::public(discord::ticket_list(
                &tickets,
                now,
                &replies::see_all(words, &tracker.web_link(query)),
            )),
            Ok(Outcome::Details(ticket) | Outcome::Changed(ticket)) => {
                Reply::public(discord::ticket_details(&ticket, now))
            }
            Err(error) => tracker_error(&error, self.settings.timeout_seconds),
        }
    }

    /// `/ticket ID ACTION [USER] [VALUE]`; `USER` defaults to the member for assign, watch
    /// and unwatch; `VALUE` is the status, priority or tracker name, the text, the parent or
    /// the due date (read against `now`'s day in the settings' time zone).
    /// The field actions answer with the ticket's line as it now stands, with its status,
    /// tracker and assignee. After `due`, and after an action that sets a status (which may
    /// close the ticket), the ticket's due event in the guild follows ([`crate::due_events`]);
    /// an event that cannot follow is said after the line (the change itself was made).
    #[allow(clippy::too_many_arguments)]
    pub async fn ticket<C: Chat + GuildEvents>(
        &self,
        chat: &C,
        member: &Member,
        id: &str,
        action: TicketAction,
        user: Option<&str>,
        value: Option<&str>,
        now: DateTime<Utc>,
    ) -> Reply {
        self.within("Redmine", async {
            let id = match TicketId::parse(id.trim()) {
                Ok(id) => id,
                Err(error) => return Reply::error(&error.to_string()),
            };
            let query = match action {
                TicketAction::Show => TicketQuery::Show(id),
                TicketAction::Assign => match user.map(str::trim).filter(|user| !user.is_empty()) {
                    Some(user) => TicketQuery::Act(id, Action::Assign(user.to_owned())),
                    None => match access::me(member, self.settings.guild_id, self.identity(member))
                    {
                        Ok(login) => {
                            TicketQuery::Act(id, Action::Assign(login.as_str().to_owned()))
                        }
                        Err(refusal) => return replies::refusal(&refusal),
                    },
                },
                TicketAction::Unassign => TicketQuery::Act(id, Action::Unassign),
                TicketAction::Progress => TicketQuery::Act(id, Action::Progress),
                TicketAction::Resolve => TicketQuery::Act(id, Action::Resolve),
                TicketAction::Watch | TicketAction::Unwatch => {
                    let verb = action.verb();
                    match Action::with_value(verb, user.unwrap_or_default()) {
                        Ok(action) => TicketQuery::Act(id, action),
                        Err(error) => return Reply::error(&error.to_string()),
                    }
                }
                TicketAction::Notify => {
                    return self
                        .notify(chat, member, id, value.unwrap_or_default())
                        .await;
                }
                TicketAction::Status
                | TicketAction::Priority
                | TicketAction::Tracker
                | TicketAction::Subject
                | TicketAction::Description
                | TicketAction::Parent
                | TicketAction::Note
                | TicketAction::Due => {
                    let verb = action.verb();
                    match Action::with_value(verb, value.unwrap_or_default()) {
                        Ok(action) => TicketQuery::Act(id, action),
                        Err(QueryError::MissingValue { .. }) => {
                            return replies::value_missing(verb, value_wanted(action))
                        }
                        Err(error) => return Reply::error(&error.to_string()),
                    }
                }
            };
            let need = match query {
                TicketQuery::Show(_) => Need::Read,
                _ => Need::Change,
            };
            let tracker = match self.actor(member, need) {
                Ok(tracker) => tracker,
                Err(reply) => return reply,
            };
            let ticket = match run(
                &tracker,
                &query,
                &self.settings.status_names,
                self.today(now),
            )
            .await
            {
                Ok(Outcome::Changed(ticket) | Outcome::Details(ticket)) => ticket,
                Ok(Outcome::List(_)) => {
                    return replies::trouble(replies::Trouble::Misanswered("Redmine"))
                }
                Err(error) => return tracker_error(&error, self.settings.timeout_seconds),
            };
            let mut reply = if matches!(
                action,
                TicketAction::Show
                    | TicketAction::Assign
                    | TicketAction::Unassign
                    | TicketAction::Progress
                    | TicketAction::Resolve
            ) {
                Reply::public(discord::ticket_details(&ticket, now))
            } else {
                Reply::public(discord::ticket_state(&ticket, now))
            };
            if action.may_move_due_event() && !self.follow_due_event(chat, &ticket, now).await {
                reply.text.push('\n');
                reply.text.push_str(replies::due_event_not_followed());
            }
            reply
        })
        .await
    }

    /// The tracker's statuses, kept [`super::cache::NAMES_FOR`].
    async fn cached_statuses(&self) -> Result<Arc<[domain::Status]>, Arc<TrackerError>> {
        self.caches
            .statuses
            .try_get_with((), async { self.tracker.statuses().await.map(Arc::from) })
            .await
    }

    /// The member's today: `now`'s day in the settings' time zone.
    pub(super) fn today(&self, now: DateTime<Utc>) -> chrono::NaiveDate {
        now.with_timezone(&self.settings.time_zone).date_naive()
    }

    /// Brings the ticket's due event in line with it; whether that worked (the operator's
    /// reason is logged).
    async fn follow_due_event<C: GuildEvents>(
        &self,
        chat: &C,
        ticket: &domain::Ticket,
        now: DateTime<Utc>,
    ) -> bool {
        let statuses = match self.cached_statuses().await {
            Ok(statuses) => statuses,
            Err(error) => {
                tracing::warn!(ticket = %ticket.id, error = %crate::with_causes(&*error), "could not read the statuses to follow a due event");
                return false;
            }
        };
        match follow(
            chat,
            self.settings.guild_id,
            ticket,
            &statuses,
            self.settings.time_zone,
            now,
        )
        .await
        {
            Ok(_) => true,
            Err(error) => {
                tracing::warn!(ticket = %ticket.id, error = %crate::with_causes(&error), "could not bring the ticket's due event in line");
                false
            }
        }
    }

    /// Value autocomplete for `/ticket`: the tracker's status, priority or tracker names
    /// containing what was typed, as `(shown, value)`, kept [`super::cache::NAMES_FOR`] (no
    /// request per keystroke); nothing for other actions or when the tracker cannot be read
    /// (autocomplete is a hint, the command itself reports errors).
    pub async fn complete_value(&self, action: TicketAction, typed: &str) -> Vec<(String, String)> {
        let known: Result<Arc<[domain::Named]>, Arc<TrackerError>> = match action {
            TicketAction::Status => self.cached_statuses().await.map(|statuses| {
                statuses
                    .iter()
                    .map(|status| domain::Named::new(status.id.get(), status.name.clone()))
                    .collect()
            }),
            TicketAction::Priority => {
                self.caches
                    .names
                    .try_get_with(NameKind::Priority, async {
                        self.tracker.priorities().await.map(Arc::from)
                    })
                    .await
            }
            TicketAction::Tracker => {
                self.caches
                    .names
                    .try_get_with(NameKind::Tracker, async {
                        self.tracker.trackers().await.map(Arc::from)
                    })
                    .await
            }
            _ => return Vec::new(),
        };
        match known {
            Ok(known) => names::complete(&known, typed, MAX_CHOICES)
                .into_iter()
                .map(|name| (name.to_owned(), name.to_owned()))
                .collect(),
            Err(error) => {
                tracing::warn!(error = %crate::with_causes(&*error), "could not read the tracker's names for autocomplete");
                Vec::new()
            }
        }
    }

    /// `/new TITLE [DESCRIPTION]`: a ticket in the default project, opened as the member.
    pub async fn new_ticket(
        &self,
        member: &Member,
        title: &str,
        description: &str,
        now: DateTime<Utc>,
    ) -> Reply {
        self.within("Redmine", async {
            let tracker = match self.actor(member, Need::Change) {
                Ok(tracker) => tracker,
                Err(reply) => return reply,
            };
            if title.trim().is_empty() {
                return replies::no_title();
            }
            match tracker
                .create(
                    &self.settings.default_project,
                    title.trim(),
                    description.trim(),
                )
                .await
            {
                Ok(ticket) => Reply::public(discord::ticket_line(&ticket, now)),
                Err(error) => tracker_error(&error, self.settings.timeout_seconds),
            }
        })
        .await
    }
}

/// What a value-taking action wants in `value`, for the member who left it out.
fn value_wanted(action: TicketAction) -> &'static str {
    match action {
        TicketAction::Status => "a status name",
        TicketAction::Priority => "a priority name",
        TicketAction::Tracker => "a tracker name",
        TicketAction::Subject => "the new subject",
        TicketAction::Description => "the new description",
        TicketAction::Parent => "a ticket number, or none",
        TicketAction::Note => "the note's text",
        TicketAction::Due => {
            "a date such as 2026-12-24, 12/24, tomorrow, in 5 days or next friday, or none"
        }
        _ => "a value",
    }
}
