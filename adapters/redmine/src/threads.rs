//! What the threader and the notifications need from Redmine: the tickets that ask for a
//! Discord thread (found through an issue custom field, by name), writing that field and the
//! state field, the newest tickets, tickets by status, trackers, categories and projects.

use std::collections::BTreeMap;

use domain::{Named, ProjectId, StatusId, Ticket, TicketId};
use ports::{SyncFields, ThreadedScope, TrackerError};
use reqwest::Method;
use serde_json::json;

use crate::client::Redmine;
use crate::convert;
use crate::dto::{CategoriesEnvelope, IssuesPage, ProjectEnvelope, TrackersEnvelope};
use crate::error::Attempt;

impl Redmine {
    /// The ids of the issue custom fields by lower-cased name (admin keys only), read once
    /// per client and kept: callers that come while it is read wait for that one reading.
    async fn issue_field_ids(&self) -> Result<&BTreeMap<String, u64>, TrackerError> {
        self.issue_field_ids
            .get_or_try_init(|| async {
                Ok(self
                    .read_custom_fields()
                    .await?
                    .into_iter()
                    .filter(|field| field.customized_type == "issue")
                    .map(|field| (field.name.to_lowercase(), field.id))
                    .collect())
            })
            .await
    }

    /// The id of the issue custom field configured as `name`.
    async fn issue_field_id(&self, name: Option<&str>) -> Result<u64, TrackerError> {
        let name = name.ok_or_else(|| TrackerError::NoSuchField(String::from("(not set)")))?;
        self.issue_field_ids()
            .await?
            .get(&name.to_lowercase())
            .copied()
            .ok_or_else(|| TrackerError::NoSuchField(name.to_owned()))
    }

    pub(crate) async fn newest_tickets(&self, limit: usize) -> Result<Vec<Ticket>, TrackerError> {
        let attempt = Attempt {
            action: "list the newest tickets",
            ticket: None,
        };
        let page: IssuesPage = self
            .get(
                "issues.json",
                &[
                    ("status_id", String::from("*")),
                    ("sort", String::from("id:desc")),
                    ("limit", limit.clamp(1, 100).to_string()),
                ],
                &attempt,
            )
            .await?;
        Ok(page
            .issues
            .into_iter()
            .filter_map(|issue| convert::ticket(issue, self.web_base()))
            .collect())
    }

    pub(crate) async fn tickets_in_status(
        &self,
        status_id: StatusId,
    ) -> Result<Vec<Ticket>, TrackerError> {
        let attempt = Attempt {
            action: "list the tickets in a status",
            ticket: None,
        };
        let issues = self
            .get_all(
                "issues.json",
                &[
                    ("status_id", status_id.to_string()),
                    ("sort", String::from("id")),
                ],
                &attempt,
                |page: IssuesPage| (page.issues, page.total_count),
            )
            .await?;
        Ok(convert::listed_with_fields(
            issues,
            self.web_base(),
            &self.issue_fields(),
        ))
    }

    pub(crate) async fn tracker_kinds(&self) -> Result<Vec<Named>, TrackerError> {
        let envelope: TrackersEnvelope = self
            .get(
                "trackers.json",
                &[],
                &Attempt {
                    action: "list the trackers",
                    ticket: None,
                },
            )
            .await?;
        Ok(envelope
            .trackers
            .into_iter()
            .map(|kind| Named::new(kind.id, kind.name))
            .collect())
    }

    pub(crate) async fn project_categories(
        &self,
        project: &str,
    ) -> Result<Vec<Named>, TrackerError> {
        let project = self.project_named(project).await?;
        let action = format!("list the categories of {}", project.name);
        let envelope: CategoriesEnvelope = self
            .get(
                &format!("projects/{}/issue_categories.json", project.id),
                &[],
                &Attempt {
                    action: &action,
                    ticket: None,
                },
            )
            .await?;
        Ok(envelope
            .issue_categories
            .into_iter()
            .map(|category| Named::new(category.id, category.name))
            .collect())
    }

    pub(crate) async fn project_named(
        &self,
        identifier: &str,
    ) -> Result<Named<ProjectId>, TrackerError> {
        let identifier = identifier.trim();
        let valid = !identifier.is_empty()
            && identifier
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        let action = format!("read the project '{identifier}'");
        if !valid {
            return Err(TrackerError::Rejected {
                action,
                errors: vec![String::from("not a project identifier")],
            });
        }
        let envelope: ProjectEnvelope = self
            .get(
                &format!("projects/{identifier}.json"),
                &[],
                &Attempt {
                    action: &action,
                    ticket: None,
                },
            )
            .await?;
        let id = ProjectId::new(envelope.project.id).map_err(|error| TrackerError::Unexpected {
            host: self.host.clone(),
            action: action.clone(),
            detail: error.to_string(),
        })?;
        Ok(Named::new(id, envelope.project.name))
    }

    pub(crate) async fn threaded_tickets(
        &self,
        scope: ThreadedScope,
    ) -> Result<Vec<Ticket>, TrackerError> {
        let field = self
            .issue_field_id(self.issue_fields().thread.as_deref())
            .await?;
        let mut query = vec![
            (String::from("status_id"), String::from("*")),
            (format!("cf_{field}"), String::from("*")),
            // Stable order, so that pages neither repeat nor skip a ticket.
            (String::from("sort"), String::from("id")),
        ];
        if scope == ThreadedScope::ChangedByOthers {
            // Redmine's "last updated by" filter: the newest journal is not the key's user.
            // A ticket with no journal at all is listed too.
            query.push((String::from("last_updated_by"), String::from("!me")));
        }
        let query: Vec<(&str, String)> = query
            .iter()
            .map(|(name, value)| (name.as_str(), value.clone()))
            .collect();
        let attempt = Attempt {
            action: "list the tickets that ask for a Discord thread",
            ticket: None,
        };
        let issues = self
            .get_all("issues.json", &query, &attempt, |page: IssuesPage| {
                (page.issues, page.total_count)
            })
            .await?;
        Ok(convert::listed_with_fields(
            issues,
            self.web_base(),
            &self.issue_fields(),
        ))
    }

    pub(crate) async fn write_sync_fields(
        &self,
        id: TicketId,
        fields: &SyncFields,
    ) -> Result<(), TrackerError> {
        let names = self.issue_fields();
        let mut values = Vec::new();
        if let Some(thread) = &fields.thread {
            let field = self.issue_field_id(names.thread.as_deref()).await?;
            values.push(json!({ "id": field, "value": thread }));
        }
        if let Some(state) = &fields.state {
            let field = self.issue_field_id(names.state.as_deref()).await?;
            values.push(json!({ "id": field, "value": state }));
        }
        if values.is_empty() {
            return Ok(());
        }
        let action = format!("record the Discord thread of ticket {id}");
        let body = json!({ "issue": { "custom_fields": values } });
        self.send(
            Method::PUT,
            self.url(&format!("issues/{id}.json"), &[]),
            Some(&body),
            &Attempt {
                action: &action,
                ticket: Some(id),
            },
        )
        .await
        .map(drop)
    }
}
