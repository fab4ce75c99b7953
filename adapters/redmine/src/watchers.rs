//! A ticket's watchers: added with `POST /issues/N/watchers.json`, removed with
//! `DELETE /issues/N/watchers/UID.json`, listed with `GET /issues/N.json?include=watchers`.

use domain::{TicketId, UserId};
use ports::TrackerError;
use reqwest::Method;
use serde_json::json;

use crate::client::Redmine;
use crate::error::Attempt;

/// `GET /issues/N.json?include=watchers`: only the watchers are read.
#[derive(Debug, serde::Deserialize)]
struct WatchersEnvelope {
    issue: WatchersDto,
}

#[derive(Debug, serde::Deserialize)]
struct WatchersDto {
    #[serde(default)]
    watchers: Vec<crate::dto::NamedDto>,
}

impl Redmine {
    pub(crate) async fn issue_watchers(&self, id: TicketId) -> Result<Vec<UserId>, TrackerError> {
        let action = format!("read the watchers of ticket {id}");
        let attempt = Attempt {
            action: &action,
            ticket: Some(id),
        };
        let envelope: WatchersEnvelope = self
            .get(
                &format!("issues/{id}.json"),
                &[("include", String::from("watchers"))],
                &attempt,
            )
            .await?;
        Ok(envelope
            .issue
            .watchers
            .into_iter()
            .filter_map(|watcher| UserId::new(watcher.id).ok())
            .collect())
    }

    pub(crate) async fn add_issue_watcher(
        &self,
        id: TicketId,
        watcher: UserId,
    ) -> Result<(), TrackerError> {
        let action = format!("add a watcher to ticket {id}");
        let attempt = Attempt {
            action: &action,
            ticket: Some(id),
        };
        let url = self.url(&format!("issues/{id}/watchers.json"), &[]);
        let body = json!({ "user_id": watcher.get() });
        self.send(Method::POST, url, Some(&body), &attempt)
            .await
            .map(drop)
    }

    pub(crate) async fn remove_issue_watcher(
        &self,
        id: TicketId,
        watcher: UserId,
    ) -> Result<(), TrackerError> {
        let action = format!("remove a watcher from ticket {id}");
        let attempt = Attempt {
            action: &action,
            ticket: Some(id),
        };
        let url = self.url(&format!("issues/{id}/watchers/{watcher}.json"), &[]);
        self.send(Method::DELETE, url, None, &attempt)
            .await
            .map(drop)
    }
}
