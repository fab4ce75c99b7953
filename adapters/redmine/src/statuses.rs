//! Ticket statuses and priorities: what the tracker calls them (looked up by name, never by
//! id).

use domain::{Named, Status};
use ports::TrackerError;

use crate::client::Redmine;
use crate::convert;
use crate::dto::{PrioritiesEnvelope, StatusesEnvelope};
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

    pub(crate) async fn ticket_priorities(&self) -> Result<Vec<Named>, TrackerError> {
        let attempt = Attempt {
            action: "list ticket priorities",
            ticket: None,
        };
        let envelope: PrioritiesEnvelope = self
            .get("enumerations/issue_priorities.json", &[], &attempt)
            .await?;
        Ok(envelope
            .issue_priorities
            .into_iter()
            .filter(|priority| priority.active && priority.id != 0)
            .map(|priority| Named::new(priority.id, priority.name))
            .collect())
    }
}
