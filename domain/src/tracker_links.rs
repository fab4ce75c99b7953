//! The tracker's web addresses, shaped by the tracker's adapter and handed over by the tracker
//! port: the domain builds the links people click and the origins the sync finds again, but
//! never spells one tracker's paths itself.

use crate::ids::JournalId;
use crate::ticket::{Ticket, TicketId};

/// How the tracker's pages are addressed: a ticket's page, one change on it, an attachment.
/// Made by the adapter that knows the tracker (the Redmine adapter's `ticket_links`); every
/// tracker link the domain writes goes through it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TicketLinks {
    ticket_prefix: String,
    change_anchor: String,
    attachment_prefix: String,
}

impl TicketLinks {
    /// Links made by appending: a ticket's id to `ticket_prefix`, a journal's id and
    /// `change_anchor` to a ticket's page, an attachment's id to `attachment_prefix`.
    #[must_use]
    pub fn new(
        ticket_prefix: impl Into<String>,
        change_anchor: impl Into<String>,
        attachment_prefix: impl Into<String>,
    ) -> Self {
        Self {
            ticket_prefix: ticket_prefix.into(),
            change_anchor: change_anchor.into(),
            attachment_prefix: attachment_prefix.into(),
        }
    }

    /// A ticket's page.
    #[must_use]
    pub fn ticket(&self, id: TicketId) -> String {
        format!("{}{id}", self.ticket_prefix)
    }

    /// One change (a journal) on a ticket's page, anchored on the page the ticket carries.
    #[must_use]
    pub fn journal(&self, ticket: &Ticket, journal: JournalId) -> String {
        format!("{}{}{journal}", ticket.url, self.change_anchor)
    }

    /// The journal a change's link on `ticket`'s page names (the inverse of
    /// [`TicketLinks::journal`]); `None` for any other address.
    #[must_use]
    pub fn journal_id(&self, ticket: &Ticket, link: &str) -> Option<JournalId> {
        let id = link
            .strip_prefix(ticket.url.as_str())?
            .strip_prefix(self.change_anchor.as_str())?;
        JournalId::parse(id).ok()
    }

    /// An attachment's page.
    #[must_use]
    pub fn attachment(&self, id: u64) -> String {
        format!("{}{id}", self.attachment_prefix)
    }
}
