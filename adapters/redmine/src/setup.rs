//! What `netbot check` asks Redmine: the custom field definitions, the names of the
//! trackers, groups and projects a configuration may use (statuses come from the
//! tracker role ports), and what the members' roles may do with notes. The custom fields
//! and groups are admin-only listings.

use domain::check::FieldFound;
use ports::TrackerError;

use crate::client::Redmine;
use crate::dto::{
    MembershipsPage, ProjectsPage, RoleEnvelope, RolesEnvelope, TrackersEnvelope, UsersPage,
};
use crate::error::Attempt;

/// What a role lets its members do with their notes, as `netbot check` reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleNoteRights {
    /// The role's name.
    pub name: String,
    /// "Edit own notes" (Redmine's `edit_own_issue_notes`).
    pub edit_own_notes: bool,
    /// "Edit notes" (`edit_issue_notes`): anyone's notes, so their own too.
    pub edit_all_notes: bool,
}

/// Roles read at most, one request each: a bound on what a server's answer can cost.
const MAX_ROLES: usize = 100;

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

    /// The note rights of the roles members hold in these projects (by identifier, from their
    /// member lists, a group's roles included), or of every role that can be given to anyone
    /// when `projects` is empty; sorted by name, each role once. One request per project (a
    /// page per 100 members) and one per role, at most [`MAX_ROLES`] roles.
    ///
    /// # Errors
    /// [`TrackerError`] when a member list or a role cannot be read.
    pub async fn note_rights_of_roles(
        &self,
        projects: &[String],
    ) -> Result<Vec<RoleNoteRights>, TrackerError> {
        let mut role_ids = std::collections::BTreeSet::new();
        let everyone = projects.is_empty();
        if everyone {
            let roles: RolesEnvelope = self
                .get("roles.json", &[], &Self::attempt("list roles"))
                .await?;
            role_ids.extend(roles.roles.into_iter().map(|role| role.id));
        }
        for project in projects {
            let action = format!("list the members of project '{project}'");
            let members = self
                .get_all(
                    &format!("projects/{project}/memberships.json"),
                    &[],
                    &Self::attempt(&action),
                    |page: MembershipsPage| (page.memberships, page.total_count),
                )
                .await?;
            role_ids.extend(
                members
                    .into_iter()
                    .flat_map(|member| member.roles)
                    .map(|role| role.id),
            );
        }
        let mut rights = Vec::new();
        for id in role_ids.into_iter().take(MAX_ROLES) {
            let action = format!("read role {id}");
            let role: RoleEnvelope = self
                .get(&format!("roles/{id}.json"), &[], &Self::attempt(&action))
                .await?;
            let role = role.role;
            if everyone && !role.assignable {
                continue;
            }
            let has = |permission: &str| role.permissions.iter().any(|known| known == permission);
            rights.push(RoleNoteRights {
                edit_own_notes: has("edit_own_issue_notes"),
                edit_all_notes: has("edit_issue_notes"),
                name: role.name,
            });
        }
        rights.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(rights)
    }
}
