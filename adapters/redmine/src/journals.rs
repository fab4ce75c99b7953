//! A ticket's notes edited in place: `PUT /journals/ID.json` with `{"journal":{"notes":…}}`
//! (Redmine answers 204). The ticket is named only for the errors a person reads: Redmine
//! addresses a journal by its own id.

use domain::{JournalId, TicketId};
use ports::TrackerError;
use reqwest::Method;
use serde_json::json;

use crate::client::Redmine;
use crate::error::Attempt;

impl Redmine {
    /// Replaces the text of note `journal` of `ticket`, as the acting user. An empty (or
    /// blank) text is refused before any request: Redmine deletes a journal whose note is
    /// emptied and that changed nothing else, and a deletion must never happen by accident.
    pub(crate) async fn edit_journal_note(
        &self,
        ticket: TicketId,
        journal: JournalId,
        text: &str,
    ) -> Result<(), TrackerError> {
        let action = format!("edit note {journal} of ticket {ticket}");
        if text.trim().is_empty() {
            return Err(TrackerError::Rejected {
                action,
                errors: vec![String::from(
                    "the new text is empty, and an emptied note would be deleted",
                )],
            });
        }
        let attempt = Attempt {
            action: &action,
            ticket: Some(ticket),
        };
        let url = self.url(&format!("journals/{journal}.json"), &[]);
        let body = json!({ "journal": { "notes": text } });
        self.send(Method::PUT, url, Some(&body), &attempt)
            .await
            .map(drop)
    }
}
