//! `/tickets`, `/ticket` and `/new`: the CLI's grammar and actions, as the member.

use chrono::{DateTime, Utc};
use domain::bot::access::{self, Need};
use domain::bot::replies;
use domain::render::discord;
use domain::{Action, Member, Reply, TicketId, TicketQuery};

use super::{tracker_error, Bot, TicketAction};
use crate::directory::Directory;
use crate::inventory::Inventory;
use crate::tickets::{run, Outcome};
use crate::tracker::{ActAs, Catalog, People, Tickets};

impl<T: Tickets + People + Catalog + ActAs, I: Inventory, D: Directory> Bot<T, I, D> {
    /// `/tickets [query]`: the CLI's grammar.
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
        match run(tracker, query, &self.settings.status_names).await {
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

    /// `/ticket ID ACTION [USER]`; `USER` defaults to the member for assign.
    pub async fn ticket(
        &self,
        member: &Member,
        id: &str,
        action: TicketAction,
        user: Option<&str>,
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
            };
            let need = match query {
                TicketQuery::Show(_) => Need::Read,
                _ => Need::Change,
            };
            let tracker = match self.actor(member, need) {
                Ok(tracker) => tracker,
                Err(reply) => return reply,
            };
            self.run_as(&tracker, &query, "", now).await
        })
        .await
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
