//! A team's open work and the tickets opened since an instant, over Redmine's issue list:
//! each one listing, paged to the end.
//!
//! A team's work uses Redmine's "assignee's group" filter (`member_of_group`), which covers
//! tickets assigned to the group itself and to each of its users, in one listing. New tickets
//! use the `created_on` filter with `>=` and a time (Redmine reads ISO 8601 times there), and
//! idle tickets (for recycling) the `updated_on` filter with `<=`.

use chrono::{DateTime, SecondsFormat, Utc};
use domain::{Principal, Team, Ticket};
use ports::{ArrivalFilter, Arrivals, TeamWork, TrackerError};

use crate::client::Redmine;
use crate::convert;
use crate::dto::IssuesPage;
use crate::error::Attempt;

impl Redmine {
    /// Every issue of one listing with these parameters (sorted by id so pages neither repeat
    /// nor skip one), with the threader's fields, each once.
    async fn issues_listed(
        &self,
        mut query: Vec<(&str, String)>,
        action: &str,
    ) -> Result<Vec<Ticket>, TrackerError> {
        query.push(("sort", String::from("id")));
        let attempt = Attempt {
            action,
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
}

impl Redmine {
    /// Open tickets last updated at or before `until`, in one listing.
    pub(crate) async fn tickets_idle_since(
        &self,
        until: DateTime<Utc>,
    ) -> Result<Vec<Ticket>, TrackerError> {
        let query = vec![
            ("status_id", String::from("open")),
            (
                "updated_on",
                format!("<={}", until.to_rfc3339_opts(SecondsFormat::Secs, true)),
            ),
        ];
        self.issues_listed(query, "list the idle tickets").await
    }
}

impl TeamWork for Redmine {
    async fn teams(&self) -> Result<Vec<Team>, TrackerError> {
        Ok(self
            .read_groups()
            .await?
            .into_iter()
            .filter_map(|group| match convert::team(group)? {
                Principal::Team(team) => Some(team),
                Principal::User(_) => None,
            })
            .collect())
    }

    async fn open_work(&self, team: Option<Team>) -> Result<Vec<Ticket>, TrackerError> {
        let mut query = vec![("status_id", String::from("open"))];
        let action = match &team {
            Some(team) => {
                query.push(("member_of_group", team.id.to_string()));
                format!("list the open tickets of {}", team.name)
            }
            None => String::from("list the open tickets"),
        };
        self.issues_listed(query, &action).await
    }
}

impl Arrivals for Redmine {
    async fn created_since(
        &self,
        since: DateTime<Utc>,
        filter: &ArrivalFilter,
    ) -> Result<Vec<Ticket>, TrackerError> {
        let mut query = vec![
            ("status_id", String::from("*")),
            (
                "created_on",
                format!(">={}", since.to_rfc3339_opts(SecondsFormat::Secs, true)),
            ),
        ];
        let any_of = |ids: Vec<String>| ids.join("|");
        if !filter.trackers.is_empty() {
            query.push((
                "tracker_id",
                any_of(filter.trackers.iter().map(u64::to_string).collect()),
            ));
        }
        if !filter.projects.is_empty() {
            query.push((
                "project_id",
                any_of(filter.projects.iter().map(ToString::to_string).collect()),
            ));
        }
        self.issues_listed(query, "list the tickets opened since the last look")
            .await
    }
}
