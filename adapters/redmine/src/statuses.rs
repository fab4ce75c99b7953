//! Ticket statuses: what the tracker calls them (looked up by name, never by id).

use domain::Status;
use ports::TrackerError;

use crate::client::Redmine;
use crate::convert;
use crate::dto::StatusesEnvelope;
use crate::error::Attempt;

impl Redmine {
    pub(crate) async fn ticket_statuses(&self) -> Result<Vec<Status>, TrackerError> {
        let attempt = Attempt {
            action: "list ticket statuses",
            ticket: None,
        };
        let envelope: StatusesEnvelope = self.get("issue_statuses.json", &[], &attempt).await?;
        Ok(envelope
            .issue_statuses
            .into_iter()
            .filter_map(convert::status)
            .collect())
    }
}
