//! Redmine's REST JSON, as it arrives: private to the adapter, mapped in `convert`.

use chrono::{DateTime, Utc};
use serde::Deserialize;

/// `{"id": 1, "name": "…"}`, Redmine's reference to a project, status, user, group, …
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct NamedDto {
    pub id: u64,
    #[serde(default)]
    pub name: String,
}

/// `GET /issues.json` page.
#[derive(Debug, Deserialize)]
pub(crate) struct IssuesPage {
    pub issues: Vec<IssueDto>,
    #[serde(default)]
    pub total_count: u64,
}

/// `GET /issues/N.json`.
#[derive(Debug, Deserialize)]
pub(crate) struct IssueEnvelope {
    pub issue: IssueDto,
}

/// One issue.
#[derive(Debug, Deserialize)]
pub(crate) struct IssueDto {
    pub id: u64,
    pub project: NamedDto,
    pub tracker: NamedDto,
    pub status: NamedDto,
    pub priority: NamedDto,
    pub author: NamedDto,
    #[serde(default)]
    pub assigned_to: Option<NamedDto>,
    #[serde(default)]
    pub category: Option<NamedDto>,
    pub subject: String,
    #[serde(default)]
    pub description: Option<String>,
    pub created_on: DateTime<Utc>,
    pub updated_on: DateTime<Utc>,
    #[serde(default)]
    pub journals: Vec<JournalDto>,
    /// With `include=attachments`.
    #[serde(default)]
    pub attachments: Vec<AttachmentDto>,
    /// Issue custom fields the key may see.
    #[serde(default)]
    pub custom_fields: Vec<CustomValueDto>,
    /// `YYYY-MM-DD`, or null (read leniently in `convert`: a bad date is no date).
    #[serde(default)]
    pub due_date: Option<String>,
}

/// A file attached to an issue.
#[derive(Debug, Deserialize)]
pub(crate) struct AttachmentDto {
    pub id: u64,
    #[serde(default)]
    pub filename: String,
    #[serde(default)]
    pub filesize: u64,
    #[serde(default)]
    pub content_type: Option<String>,
}

/// `POST /uploads.json`'s answer.
#[derive(Debug, Deserialize)]
pub(crate) struct UploadEnvelope {
    pub upload: UploadDto,
}

/// An upload not yet attached: its token is what a note attaches.
#[derive(Debug, Deserialize)]
pub(crate) struct UploadDto {
    pub token: String,
}

/// One journal entry: a note and/or property changes.
#[derive(Debug, Deserialize)]
pub(crate) struct JournalDto {
    pub id: u64,
    #[serde(default)]
    pub user: Option<NamedDto>,
    #[serde(default)]
    pub notes: Option<String>,
    pub created_on: DateTime<Utc>,
    /// When the journal was last saved: Redmine 6 sends it (5.0 does not); in whole
    /// seconds, so an edit within the second of writing shows only in `updated_by`.
    #[serde(default)]
    pub updated_on: Option<DateTime<Utc>>,
    /// Who edited the note: Redmine 6 sends it once the note was edited.
    #[serde(default)]
    pub updated_by: Option<NamedDto>,
    #[serde(default)]
    pub details: Vec<JournalDetailDto>,
}

/// One change in a journal: `{"property": "attr", "name": "status_id", "old_value": "1",
/// "new_value": "2"}`; attachments are `property: "attachment"` with the file id as `name`.
#[derive(Debug, Deserialize)]
pub(crate) struct JournalDetailDto {
    #[serde(default)]
    pub property: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub old_value: Option<String>,
    #[serde(default)]
    pub new_value: Option<String>,
}

/// `GET /users/current.json` or `/users/N.json`.
#[derive(Debug, Deserialize)]
pub(crate) struct UserEnvelope {
    pub user: UserDto,
}

/// A user, with what Redmine chose to show the caller.
#[derive(Debug, Deserialize)]
pub(crate) struct UserDto {
    pub id: u64,
    #[serde(default)]
    pub login: Option<String>,
    /// Shown on `/users/current.json`; absent elsewhere.
    #[serde(default)]
    pub admin: Option<bool>,
    #[serde(default)]
    pub firstname: String,
    #[serde(default)]
    pub lastname: String,
    #[serde(default)]
    pub groups: Vec<NamedDto>,
    #[serde(default)]
    pub memberships: Vec<UserMembershipDto>,
    /// Shown to admins on user listings.
    #[serde(default)]
    pub custom_fields: Vec<CustomValueDto>,
}

/// A custom field's value on a user: `{"id", "name", "value"}` (value may be null or a list).
#[derive(Debug, Deserialize)]
pub(crate) struct CustomValueDto {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub value: Option<serde_json::Value>,
}

/// `GET /custom_fields.json` (admin only).
#[derive(Debug, Deserialize)]
pub(crate) struct CustomFieldsEnvelope {
    pub custom_fields: Vec<CustomFieldDto>,
}

/// One custom field definition.
#[derive(Debug, Deserialize)]
pub(crate) struct CustomFieldDto {
    pub id: u64,
    pub name: String,
    #[serde(default)]
    pub customized_type: String,
    /// `string`, `link`, `int`, …
    #[serde(default)]
    pub field_format: String,
}

/// A project membership as listed on a user.
#[derive(Debug, Deserialize)]
pub(crate) struct UserMembershipDto {
    pub project: NamedDto,
}

/// `GET /users.json` (admin only).
#[derive(Debug, Deserialize)]
pub(crate) struct UsersPage {
    pub users: Vec<UserDto>,
    #[serde(default)]
    pub total_count: u64,
}

/// `GET /groups.json` (admin only).
#[derive(Debug, Deserialize)]
pub(crate) struct GroupsPage {
    pub groups: Vec<NamedDto>,
    #[serde(default)]
    pub total_count: u64,
}

/// `GET /projects/N/memberships.json`.
#[derive(Debug, Deserialize)]
pub(crate) struct MembershipsPage {
    pub memberships: Vec<MembershipDto>,
    #[serde(default)]
    pub total_count: u64,
}

/// One project member: a user or a group.
#[derive(Debug, Deserialize)]
pub(crate) struct MembershipDto {
    #[serde(default)]
    pub user: Option<NamedDto>,
    #[serde(default)]
    pub group: Option<NamedDto>,
    /// The member's roles in the project (a group's roles also appear, `inherited`, on each
    /// of its users).
    #[serde(default)]
    pub roles: Vec<NamedDto>,
}

/// `GET /issue_statuses.json`.
#[derive(Debug, Deserialize)]
pub(crate) struct StatusesEnvelope {
    pub issue_statuses: Vec<StatusDto>,
}

/// One status.
#[derive(Debug, Deserialize)]
pub(crate) struct StatusDto {
    pub id: u64,
    pub name: String,
    #[serde(default)]
    pub is_closed: bool,
}

/// A 422's body.
#[derive(Debug, Deserialize)]
pub(crate) struct ErrorsDto {
    #[serde(default)]
    pub errors: Vec<String>,
}

/// `GET /search.json` page.
#[derive(Debug, Deserialize)]
pub(crate) struct SearchPage {
    pub results: Vec<SearchResultDto>,
    #[serde(default)]
    pub total_count: Option<u64>,
}

/// One search hit: only its id and type are used, the tickets are then read in full.
#[derive(Debug, Deserialize)]
pub(crate) struct SearchResultDto {
    pub id: u64,
    #[serde(rename = "type", default)]
    pub kind: String,
}

/// `GET /projects/IDENTIFIER.json`.
#[derive(Debug, Deserialize)]
pub(crate) struct ProjectEnvelope {
    pub project: NamedDto,
}

/// `GET /enumerations/issue_priorities.json`.
#[derive(Debug, Deserialize)]
pub(crate) struct PrioritiesEnvelope {
    pub issue_priorities: Vec<PriorityDto>,
}

/// One ticket priority; an inactive one can no longer be chosen.
#[derive(Debug, Deserialize)]
pub(crate) struct PriorityDto {
    pub id: u64,
    pub name: String,
    #[serde(default = "yes")]
    pub active: bool,
}

fn yes() -> bool {
    true
}

/// `GET /enumerations/time_entry_activities.json`: shaped as the priorities are.
#[derive(Debug, Deserialize)]
pub(crate) struct ActivitiesEnvelope {
    pub time_entry_activities: Vec<PriorityDto>,
}

/// `GET /trackers.json`.
#[derive(Debug, Deserialize)]
pub(crate) struct TrackersEnvelope {
    pub trackers: Vec<NamedDto>,
}

/// `GET /projects.json` page.
#[derive(Debug, Deserialize)]
pub(crate) struct ProjectsPage {
    pub projects: Vec<ProjectDto>,
    #[serde(default)]
    pub total_count: u64,
}

/// One project of a listing: its identifier is what netbot.toml names.
#[derive(Debug, Deserialize)]
pub(crate) struct ProjectDto {
    pub id: u64,
    pub identifier: String,
}

/// `GET /projects/N/issue_categories.json`.
#[derive(Debug, Deserialize)]
pub(crate) struct CategoriesEnvelope {
    pub issue_categories: Vec<NamedDto>,
}

/// An item of a paged listing, by what makes it the same item on another page.
pub(crate) trait Keyed {
    /// The listing's key of the item.
    fn key(&self) -> (u64, bool);
}

impl Keyed for IssueDto {
    fn key(&self) -> (u64, bool) {
        (self.id, true)
    }
}

impl Keyed for UserDto {
    fn key(&self) -> (u64, bool) {
        (self.id, true)
    }
}

impl Keyed for NamedDto {
    fn key(&self) -> (u64, bool) {
        (self.id, true)
    }
}

impl Keyed for MembershipDto {
    /// Users and groups share one id space in Redmine (principals).
    fn key(&self) -> (u64, bool) {
        let principal = self.user.as_ref().or(self.group.as_ref());
        (
            principal.map_or(0, |principal| principal.id),
            principal.is_some(),
        )
    }
}

impl Keyed for ProjectDto {
    fn key(&self) -> (u64, bool) {
        (self.id, true)
    }
}

impl Keyed for SearchResultDto {
    /// Only issue hits are used; other kinds have ids of their own tables.
    fn key(&self) -> (u64, bool) {
        (self.id, self.kind.starts_with("issue"))
    }
}

/// `GET /roles.json`: every role, id and name (any API key; not paged).
#[derive(Debug, Deserialize)]
pub(crate) struct RolesEnvelope {
    pub roles: Vec<NamedDto>,
}

/// `GET /roles/N.json`.
#[derive(Debug, Deserialize)]
pub(crate) struct RoleEnvelope {
    pub role: RoleDto,
}

/// One role with its permissions, as Redmine names them (`edit_own_issue_notes`, …).
#[derive(Debug, Deserialize)]
pub(crate) struct RoleDto {
    pub name: String,
    /// Whether the role can be given to anyone (`configure.rb`'s admins-only role cannot).
    #[serde(default = "yes")]
    pub assignable: bool,
    #[serde(default)]
    pub permissions: Vec<String>,
}
