//! What `netbot check` asks Redmine: the custom field definitions, and the names of the
//! trackers, groups and projects a configuration may use (statuses come from the
//! tracker role ports). The custom fields and groups are admin-only listings.

use domain::check::FieldFound;
use ports::TrackerError;

use crate::client::Redmine;
use crate::dto::{ProjectsPage, TrackersEnvelope, UsersPage};
use crate::error::Attempt;

impl Redmine {
    fn attempt(action: &str) -> Attempt<'_> {
        Attempt {
            action,
            ticket: None,
        }
    }

    /// Every custom field: its name, what it is on, its format (admin keys only).
    ///
    /// # Errors
    /// [`TrackerError::Forbidden`] for a key that is not an admin's, or any other.
    pub async fn custom_fields(&self) -> Result<Vec<FieldFound>, TrackerError> {
        Ok(self
            .as_key_owner()
            .read_custom_fields()
            .await?
            .into_iter()
            .map(|field| FieldFound {
                name: field.name,
                on: field.customized_type,
                format: field.field_format,
            })
            .collect())
    }

    /// The trackers' names.
    ///
    /// # Errors
    /// Any [`TrackerError`].
    pub async fn tracker_names(&self) -> Result<Vec<String>, TrackerError> {
        let envelope: TrackersEnvelope = self
            .get("trackers.json", &[], &Self::attempt("list trackers"))
            .await?;
        Ok(envelope
            .trackers
            .into_iter()
            .map(|tracker| tracker.name)
            .collect())
    }

    /// The groups' names (admin keys only).
    ///
    /// # Errors
    /// [`TrackerError::Forbidden`] for a key that is not an admin's, or any other.
    pub async fn group_names(&self) -> Result<Vec<String>, TrackerError> {
        let groups = self.as_key_owner().read_groups().await?;
        Ok(groups.into_iter().map(|group| group.name).collect())
    }

    /// The logins of the active users (admin keys only).
    ///
    /// # Errors
    /// [`TrackerError::Forbidden`] for a key that is not an admin's, or any other.
    pub async fn user_logins(&self) -> Result<Vec<String>, TrackerError> {
        let users = self
            .as_key_owner()
            .get_all(
                "users.json",
                &[("status", String::from("1"))],
                &Self::attempt("list users"),
                |page: UsersPage| (page.users, page.total_count),
            )
            .await?;
        Ok(users.into_iter().filter_map(|user| user.login).collect())
    }

    /// The identifiers of the projects the key sees (all of them for an admin).
    ///
    /// # Errors
    /// Any [`TrackerError`].
    pub async fn project_identifiers(&self) -> Result<Vec<String>, TrackerError> {
        let projects = self
            .get_all(
                "projects.json",
                &[],
                &Self::attempt("list projects"),
                |page: ProjectsPage| (page.projects, page.total_count),
            )
            .await?;
        Ok(projects
            .into_iter()
            .map(|project| project.identifier)
            .collect())
    }
}
