//! `/ticket ID notify [text]`: one message in the ticket's thread that pings exactly its
//! assignee and watchers who are linked members.

use domain::bot::access::Need;
use domain::bot::{notify_message, replies};
use domain::sync::ThreadAsk;
use domain::{Member, Principal, Reply, TicketId};
use tracing::warn;

use super::{tracker_error, Bot};
use crate::chat::Chat;
use crate::directory::Directory;
use crate::inventory::Inventory;
use crate::tracker::{ActAs, Tickets, Watchers};

impl<T: Tickets + Watchers + ActAs, I: Inventory, D: Directory> Bot<T, I, D> {
    /// Posts in the ticket's thread one message pinging the ticket's assignee and watchers
    /// who are linked members (their ids are the message's only allowed mentions), with the
    /// member's `text`, defused. The ticket and its watchers are read as the member.
    pub(super) async fn notify<C: Chat>(
        &self,
        chat: &C,
        member: &Member,
        id: TicketId,
        text: &str,
    ) -> Reply {
        let tracker = match self.actor(member, Need::Change) {
            Ok(tracker) => tracker,
            Err(reply) => return reply,
        };
        let ticket = match tracker.get(id).await {
            Ok(ticket) => ticket,
            Err(error) => return tracker_error(&error, self.settings.timeout_seconds),
        };
        let link = match ThreadAsk::of(ticket.thread_field.as_deref()) {
            ThreadAsk::Linked(link) if link.guild == self.settings.guild_id => link,
            _ => return replies::notify_needs_thread(id),
        };
        let watchers = match tracker.watchers(id).await {
            Ok(watchers) => watchers,
            Err(error) => return tracker_error(&error, self.settings.timeout_seconds),
        };
        let snapshot = self.identities.snapshot();
        let assignee = match &ticket.assigned_to {
            Some(Principal::User(user)) => Some(user.id),
            _ => None,
        };
        let people: Vec<_> = assignee
            .into_iter()
            .chain(watchers)
            .filter_map(|user| snapshot.member_of_user(user))
            .collect();
        if people.is_empty() {
            return replies::nobody_to_notify(id);
        }
        let (message, mentions) = notify_message(id, member.id, &people, text);
        match chat.post(link.thread, &message, &mentions).await {
            Ok(_) => replies::notified(id, mentions.users.len(), &link),
            Err(error) => {
                warn!(ticket = %id, error = %crate::with_causes(&error), "could not post a notice in the ticket's thread");
                replies::thread_refused_post(id, &link)
            }
        }
    }
}
