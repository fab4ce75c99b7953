//! `/thread`: a ticket's Discord thread, opened once and recorded on the ticket.

use domain::bot::access::Need;
use domain::bot::replies;
use domain::sync::ThreadAsk;
use domain::{ChannelId, Member, Reply, TicketId};
use tracing::warn;

use super::{tracker_error, Bot};
use crate::chat::Chat;
use crate::directory::Directory;
use crate::inventory::Inventory;
use crate::threader::open_thread;
use crate::tracker::{ActAs, SyncFields, SyncStore, Tickets};

impl<T: Tickets + SyncStore + ActAs, I: Inventory, D: Directory> Bot<T, I, D> {
    /// `/thread ID` in `channel`: the ticket's thread, opened once. The member must be able
    /// to see the ticket; a ticket that already has a thread is answered with it; a new thread
    /// is started from a starter message in the channel (found again if an earlier attempt
    /// stopped half-way, so no orphan thread is left) and its link written into the ticket's
    /// thread field, from where the threader syncs it both ways.
    pub async fn thread<C: Chat>(
        &self,
        chat: &C,
        member: &Member,
        id: &str,
        channel: ChannelId,
    ) -> Reply {
        self.within("Redmine", async {
        let id = match TicketId::parse(id.trim()) {
            Ok(id) => id,
            Err(error) => return Reply::error(&error.to_string()),
        };
        let tracker = match self.actor(member, Need::Change) {
            Ok(tracker) => tracker,
            Err(reply) => return reply,
        };
        let ticket = match tracker.get(id).await {
            Ok(ticket) => ticket,
            Err(error) => return tracker_error(&error, self.settings.timeout_seconds),
        };
        if let ThreadAsk::Linked(link) = ThreadAsk::of(ticket.thread_field.as_deref()) {
            match chat.thread(link.thread).await {
                Ok(Some(_)) => return replies::thread_exists(id, &link),
                Ok(None) => {}
                Err(error) => {
                    let error = crate::with_causes(&error);
                    warn!(ticket = %id, %error, "could not read the ticket's thread");
                    return replies::thread_unknown();
                }
            }
        }
        let link = match open_thread(chat, self.settings.guild_id, channel, &ticket, None).await {
            Ok(link) => link,
            Err(error) => {
                let error = crate::with_causes(&error);
                warn!(ticket = %id, %error, "could not open a thread");
                return replies::thread_refused();
            }
        };
        let fields = SyncFields {
            thread: Some(link.to_string()),
            state: None,
        };
        match self.tracker.set_sync_fields(id, &fields).await {
            Ok(()) => replies::thread_opened(id, &link),
            Err(error) => {
                warn!(ticket = %id, %error, thread = %link, "thread opened but not recorded on the ticket");
                replies::thread_not_recorded(id, &link)
            }
        }
        })
        .await
    }
}
