//! Issues: listing (open, assigned, searched, by a saved filter), reading, changing, adding
//! notes and opening them, and the web pages that show a listing.

use domain::{
    AssigneeChange, DueChange, ParentChange, Principal, Ticket, TicketFile, TicketId, TicketQuery,
    TicketUpdate,
};
use ports::{NewFile, SavedFilter, TrackerError, Uploaded};
use reqwest::Method;
use serde_json::json;

use crate::client::{Redmine, PAGE_SIZE};
use crate::convert;
use crate::dto::{IssueEnvelope, IssuesPage, SearchPage, UploadEnvelope};
use crate::error::Attempt;

impl Redmine {
    async fn list_issues(
        &self,
        filters: &[(&str, String)],
        action: &str,
    ) -> Result<Vec<Ticket>, TrackerError> {
        let mut query = vec![
            ("status_id", String::from("open")),
            // Stable order, so that pages neither repeat nor skip a ticket.
            ("sort", String::from("priority:desc,id:desc")),
        ];
        query.extend_from_slice(filters);
        self.list_issues_as_asked(&query, action).await
    }

    /// Every issue of a listing with exactly these parameters (paging added).
    async fn list_issues_as_asked(
        &self,
        query: &[(&str, String)],
        action: &str,
    ) -> Result<Vec<Ticket>, TrackerError> {
        let attempt = Attempt {
            action,
            ticket: None,
        };
        let issues = self
            .get_all("issues.json", query, &attempt, |page: IssuesPage| {
                (page.issues, page.total_count)
            })
            .await?;
        let mut seen = std::collections::HashSet::new();
        Ok(issues
            .into_iter()
            .filter(|issue| seen.insert(issue.id))
            .filter_map(|issue| convert::ticket(issue, &self.web))
            .collect())
    }

    pub(crate) async fn issues_mine(&self) -> Result<Vec<Ticket>, TrackerError> {
        // Redmine 5's `me` already covers tickets assigned to the user's groups.
        self.list_issues(
            &[("assigned_to_id", String::from("me"))],
            "list my open tickets",
        )
        .await
    }

    pub(crate) async fn issues_assigned(
        &self,
        assignee: &Principal,
    ) -> Result<Vec<Ticket>, TrackerError> {
        let action = format!("list the open tickets of {}", assignee.name());
        self.list_issues(&[("assigned_to_id", assignee.id().to_string())], &action)
            .await
    }

    pub(crate) async fn search_issues(
        &self,
        words: &[String],
    ) -> Result<Vec<Ticket>, TrackerError> {
        // Redmine 5.0 has no `any_searchable` issue filter (5.1 added it, and 5.0 silently
        // ignores unknown filters), so full-text search goes through `/search.json`, which
        // matches every word in subjects, descriptions and notes; the hits are then read as
        // tickets, 100 ids a request.
        let attempt = Attempt {
            action: "search tickets",
            ticket: None,
        };
        let query = [
            ("q", words.join(" ")),
            ("issues", String::from("1")),
            ("open_issues", String::from("1")),
            ("all_words", String::from("1")),
        ];
        let hits = self
            .get_all("search.json", &query, &attempt, |page: SearchPage| {
                (page.results, page.total_count.unwrap_or_default())
            })
            .await?;
        let ids: Vec<String> = hits
            .iter()
            .filter(|hit| hit.kind.starts_with("issue"))
            .map(|hit| hit.id.to_string())
            .collect();
        let mut tickets = Vec::new();
        for chunk in ids.chunks(PAGE_SIZE as usize) {
            tickets.extend(
                self.list_issues(&[("issue_id", chunk.join(","))], "search tickets")
                    .await?,
            );
        }
        Ok(tickets)
    }

    pub(crate) async fn issue(&self, id: TicketId) -> Result<Ticket, TrackerError> {
        let action = format!("read ticket {id}");
        let attempt = Attempt {
            action: &action,
            ticket: Some(id),
        };
        let envelope: IssueEnvelope = self
            .get(
                &format!("issues/{id}.json"),
                &[("include", String::from("attachments,journals"))],
                &attempt,
            )
            .await?;
        convert::ticket_with_fields(envelope.issue, &self.web, &self.issue_fields)
            .ok_or(TrackerError::TicketNotFound(id))
    }

    pub(crate) async fn update_issue(
        &self,
        id: TicketId,
        update: &TicketUpdate,
    ) -> Result<(), TrackerError> {
        let mut issue = serde_json::Map::new();
        match update.assignee {
            AssigneeChange::Keep => {}
            AssigneeChange::Set(person) => {
                issue.insert("assigned_to_id".into(), json!(person.get()));
            }
            // Redmine ignores null here; an empty string clears the assignee.
            AssigneeChange::Clear => {
                issue.insert("assigned_to_id".into(), json!(""));
            }
        }
        if let Some(status) = &update.status {
            issue.insert("status_id".into(), json!(status.id.get()));
        }
        if let Some(priority) = &update.priority {
            issue.insert("priority_id".into(), json!(priority.id));
        }
        if let Some(tracker) = &update.tracker {
            issue.insert("tracker_id".into(), json!(tracker.id));
        }
        if let Some(subject) = &update.subject {
            issue.insert("subject".into(), json!(subject));
        }
        if let Some(description) = &update.description {
            issue.insert("description".into(), json!(description));
        }
        match update.parent {
            None => {}
            Some(ParentChange::Set(parent)) => {
                issue.insert("parent_issue_id".into(), json!(parent.get()));
            }
            // As for the assignee, an empty string clears it.
            Some(ParentChange::Clear) => {
                issue.insert("parent_issue_id".into(), json!(""));
            }
        }
        match update.due {
            None => {}
            Some(DueChange::Set(day)) => {
                issue.insert("due_date".into(), json!(day.format("%Y-%m-%d").to_string()));
            }
            Some(DueChange::Clear) => {
                issue.insert("due_date".into(), json!(""));
            }
        }
        let action = format!("update ticket {id}");
        let attempt = Attempt {
            action: &action,
            ticket: Some(id),
        };
        let url = self.url(&format!("issues/{id}.json"), &[]);
        self.send(Method::PUT, url, Some(&json!({ "issue": issue })), &attempt)
            .await
            .map(drop)
    }

    pub(crate) async fn add_issue_note(
        &self,
        id: TicketId,
        text: &str,
    ) -> Result<(), TrackerError> {
        let action = format!("add a note to ticket {id}");
        let attempt = Attempt {
            action: &action,
            ticket: Some(id),
        };
        let url = self.url(&format!("issues/{id}.json"), &[]);
        let body = json!({ "issue": { "notes": text } });
        self.send(Method::PUT, url, Some(&body), &attempt)
            .await
            .map(drop)
    }

    /// `POST /uploads.json?filename=…&content_type=…` with the bytes: Redmine answers
    /// `{"upload": {"id": N, "token": "N.DIGEST"}}`.
    pub(crate) async fn upload_file(&self, file: NewFile) -> Result<Uploaded, TrackerError> {
        let action = format!("upload the file {}", file.name);
        let attempt = Attempt {
            action: &action,
            ticket: None,
        };
        let mut query = vec![("filename", file.name.clone())];
        if let Some(content_type) = &file.content_type {
            query.push(("content_type", content_type.clone()));
        }
        let url = self.url("uploads.json", &query);
        let text = self.send_bytes(url, file.bytes, &attempt).await?;
        let envelope: UploadEnvelope =
            httpkit::decode(&text).map_err(|error| TrackerError::Unexpected {
                host: self.host.clone(),
                action: action.clone(),
                detail: error.to_string(),
            })?;
        Ok(Uploaded {
            token: envelope.upload.token,
            name: file.name,
            content_type: file.content_type,
        })
    }

    /// `GET /attachments/download/ID/NAME` with the key, from the configured URL (not the
    /// `content_url` Redmine writes, whose host is Redmine's own setting).
    pub(crate) async fn download_file(
        &self,
        file: &TicketFile,
        max_bytes: u64,
    ) -> Result<Vec<u8>, TrackerError> {
        let action = format!("download the file {}", file.name);
        let attempt = Attempt {
            action: &action,
            ticket: None,
        };
        let url = self.url(
            &format!(
                "attachments/download/{}/{}",
                file.id,
                encoded_segment(&file.name)
            ),
            &[],
        );
        self.get_bytes(url, max_bytes, &attempt).await
    }

    /// `PUT /issues/N.json` with the note and the uploads' tokens: one journal holds both.
    pub(crate) async fn add_issue_note_with_files(
        &self,
        id: TicketId,
        text: &str,
        files: &[Uploaded],
    ) -> Result<(), TrackerError> {
        let action = format!("add a note with files to ticket {id}");
        let attempt = Attempt {
            action: &action,
            ticket: Some(id),
        };
        let uploads: Vec<serde_json::Value> = files
            .iter()
            .map(|file| {
                let mut upload = json!({ "token": file.token, "filename": file.name });
                if let Some(content_type) = &file.content_type {
                    upload["content_type"] = json!(content_type);
                }
                upload
            })
            .collect();
        let url = self.url(&format!("issues/{id}.json"), &[]);
        let body = json!({ "issue": { "notes": text, "uploads": uploads } });
        self.send(Method::PUT, url, Some(&body), &attempt)
            .await
            .map(drop)
    }

    pub(crate) async fn issues_of_filter(
        &self,
        filter: &SavedFilter,
    ) -> Result<Vec<Ticket>, TrackerError> {
        // A saved filter is the parameters of Redmine's issue list, as a query string.
        let params: Vec<(String, String)> =
            url::form_urlencoded::parse(filter.as_str().trim_start_matches('?').as_bytes())
                .into_owned()
                .collect();
        // Paging is the adapter's: a saved query's own limit or offset would cut the list.
        let query: Vec<(&str, String)> = params
            .iter()
            .filter(|(name, _)| name != "limit" && name != "offset")
            .map(|(name, value)| (name.as_str(), value.clone()))
            .collect();
        self.list_issues_as_asked(&query, "run a saved query").await
    }

    pub(crate) async fn create_issue(
        &self,
        project: &str,
        subject: &str,
        description: &str,
    ) -> Result<Ticket, TrackerError> {
        let action = format!("open a ticket in project '{project}'");
        let attempt = Attempt {
            action: &action,
            ticket: None,
        };
        let body = json!({ "issue": {
            "project_id": project, "subject": subject, "description": description
        }});
        let text = self
            .send(
                Method::POST,
                self.url("issues.json", &[]),
                Some(&body),
                &attempt,
            )
            .await?;
        let envelope: IssueEnvelope =
            httpkit::decode(&text).map_err(|error| TrackerError::Unexpected {
                host: self.host.clone(),
                action: action.clone(),
                detail: error.to_string(),
            })?;
        convert::ticket(envelope.issue, &self.web).ok_or_else(|| TrackerError::Unexpected {
            host: self.host.clone(),
            action,
            detail: String::from("the new ticket has no number"),
        })
    }

    pub(crate) fn web_link_of(&self, query: &TicketQuery) -> String {
        let (path, pairs): (&str, Vec<(&str, String)>) = match query {
            TicketQuery::Show(id) | TicketQuery::Act(id, _) => {
                return self.ticket_url(*id);
            }
            TicketQuery::Mine => (
                "issues",
                vec![
                    ("set_filter", "1".into()),
                    ("status_id", "o".into()),
                    ("assigned_to_id", "me".into()),
                ],
            ),
            TicketQuery::NameOrSearch(words) => (
                "search",
                vec![
                    ("q", words.join(" ")),
                    ("issues", "1".into()),
                    ("open_issues", "1".into()),
                ],
            ),
        };
        httpkit::shown(&self.url(path, &pairs))
    }
}

/// A file name as one path segment: everything but unreserved characters percent-encoded.
fn encoded_segment(name: &str) -> String {
    let name = if name.trim().is_empty() { "file" } else { name };
    name.as_bytes()
        .iter()
        .map(|&byte| {
            if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
                char::from(byte).to_string()
            } else {
                format!("%{byte:02X}")
            }
        })
        .collect()
}
