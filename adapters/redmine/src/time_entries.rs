//! Time logging: the activities from `GET /enumerations/time_entry_activities.json`, and an
//! entry written with `POST /time_entries.json`.

use domain::Named;
use ports::{TimeEntry, TrackerError};
use reqwest::Method;
use serde_json::json;

use crate::client::Redmine;
use crate::dto::ActivitiesEnvelope;
use crate::error::Attempt;

impl Redmine {
    pub(crate) async fn time_entry_activities(&self) -> Result<Vec<Named>, TrackerError> {
        let attempt = Attempt {
            action: "list time-entry activities",
            ticket: None,
        };
        let envelope: ActivitiesEnvelope = self
            .get("enumerations/time_entry_activities.json", &[], &attempt)
            .await?;
        Ok(envelope
            .time_entry_activities
            .into_iter()
            .filter(|activity| activity.active && activity.id != 0)
            .map(|activity| Named::new(activity.id, activity.name))
            .collect())
    }

    /// Without an activity, Redmine uses its default one, or answers 422 ("Activity cannot
    /// be blank") when it has none: a refusal with Redmine's reason.
    pub(crate) async fn log_time_entry(&self, entry: &TimeEntry) -> Result<(), TrackerError> {
        let id = entry.ticket;
        let action = format!("log time on ticket {id}");
        let attempt = Attempt {
            action: &action,
            ticket: Some(id),
        };
        let mut time_entry = json!({
            "issue_id": id.get(),
            "hours": entry.hours.as_decimal(),
        });
        if let Some(activity) = entry.activity {
            time_entry["activity_id"] = json!(activity);
        }
        if !entry.comment.trim().is_empty() {
            time_entry["comments"] = json!(entry.comment.trim());
        }
        let url = self.url("time_entries.json", &[]);
        self.send(
            Method::POST,
            url,
            Some(&json!({ "time_entry": time_entry })),
            &attempt,
        )
        .await
        .map(drop)
    }
}
