//! The `Directory` port over Redmine: each member's Discord id is kept in a user custom field
//! (its name is this adapter's configuration, `discord_field` in netbot.toml), and an admin's
//! key is what lets the bot act as members through `X-Redmine-Switch-User`.

use domain::{DiscordUserId, Login, Principal};
use ports::directory::{Directory, DirectoryError, Link, Roster};
use ports::TrackerError;
use reqwest::Method;
use serde_json::json;
use tracing::warn;

use crate::client::Redmine;
use crate::convert;
use crate::dto::{UserDto, UserEnvelope, UsersPage};
use crate::error::Attempt;

/// Redmine as the directory of who is who, through the key's own owner (an admin).
#[derive(Debug, Clone)]
pub struct RedmineDirectory {
    redmine: Redmine,
    discord_field: String,
}

impl RedmineDirectory {
    /// The directory in `redmine`, with Discord ids in the user custom field named
    /// `discord_field` (matched without regard to case). Requests go as the key's owner,
    /// whoever `redmine` acts as.
    #[must_use]
    pub fn new(redmine: &Redmine, discord_field: impl Into<String>) -> Self {
        Self {
            redmine: redmine.as_key_owner(),
            discord_field: discord_field.into(),
        }
    }

    /// The user's Discord id, if the configured field holds one.
    fn discord_id(&self, user: &UserDto) -> Option<DiscordUserId> {
        let value = user
            .custom_fields
            .iter()
            .find(|custom| custom.name.eq_ignore_ascii_case(&self.discord_field))?
            .value
            .as_ref()?
            .as_str()?
            .trim();
        if value.is_empty() {
            return None;
        }
        match DiscordUserId::parse(value) {
            Ok(id) => Some(id),
            Err(_) => {
                warn!(user = user.id, field = %self.discord_field, "a Redmine user's Discord id is not a Discord id: ignored");
                None
            }
        }
    }

    async fn users(
        &self,
        filters: &[(&str, String)],
        action: &str,
    ) -> Result<Vec<UserDto>, DirectoryError> {
        let mut query = vec![("status", String::from("1"))];
        query.extend_from_slice(filters);
        self.redmine
            .get_all(
                "users.json",
                &query,
                &Attempt {
                    action,
                    ticket: None,
                },
                |page: UsersPage| (page.users, page.total_count),
            )
            .await
            .map_err(directory_error)
    }

    async fn field_id(&self) -> Result<u64, DirectoryError> {
        let fields = self
            .redmine
            .read_custom_fields()
            .await
            .map_err(directory_error)?;
        fields
            .iter()
            .find(|custom| {
                custom.customized_type == "user"
                    && custom.name.eq_ignore_ascii_case(&self.discord_field)
            })
            .map(|custom| custom.id)
            .ok_or_else(|| DirectoryError::NoLinkField(self.discord_field.clone()))
    }
}

/// A 403 from Redmine's admin-only resources means the key is not an admin's.
fn directory_error(error: TrackerError) -> DirectoryError {
    match error {
        TrackerError::Forbidden { .. } => DirectoryError::NotAdmin,
        other => DirectoryError::Tracker(other),
    }
}

impl Directory for RedmineDirectory {
    async fn can_act_as_others(&self) -> Result<bool, DirectoryError> {
        let envelope: UserEnvelope = self
            .redmine
            .get(
                "users/current.json",
                &[],
                &Attempt {
                    action: "read the key's owner",
                    ticket: None,
                },
            )
            .await
            .map_err(directory_error)?;
        if let Some(admin) = envelope.user.admin {
            return Ok(admin);
        }
        // A Redmine that does not say: only an admin may list users.
        match self
            .users(&[("limit", String::from("1"))], "list users")
            .await
        {
            Ok(_) => Ok(true),
            Err(DirectoryError::NotAdmin) => Ok(false),
            Err(other) => Err(other),
        }
    }

    async fn roster(&self) -> Result<Roster, DirectoryError> {
        let users = self.users(&[], "list users and their Discord ids").await?;
        let groups = self.redmine.read_groups().await.map_err(directory_error)?;
        let links = users
            .iter()
            .filter_map(|user| {
                let member = self.discord_id(user)?;
                let login = Login::new(user.login.as_deref()?).ok()?;
                Some(Link { member, login })
            })
            .collect();
        let mut people: Vec<Principal> = users
            .iter()
            .filter_map(|user| convert::user(user).map(Principal::User))
            .collect();
        people.extend(groups.into_iter().filter_map(convert::team));
        Ok(Roster { links, people })
    }

    async fn link(&self, member: DiscordUserId, login: &Login) -> Result<Login, DirectoryError> {
        let field_id = self.field_id().await?;
        let users = self
            .users(
                &[("name", login.as_str().to_owned())],
                "find the user to link",
            )
            .await?;
        let (user_id, spelt) = users
            .iter()
            .find_map(|user| {
                let known = user.login.as_deref()?;
                known
                    .eq_ignore_ascii_case(login.as_str())
                    .then(|| Login::new(known).ok().map(|spelt| (user.id, spelt)))
                    .flatten()
            })
            .ok_or_else(|| DirectoryError::UnknownLogin(login.clone()))?;
        let action = format!("link {spelt} to a Discord member");
        let body = json!({ "user": { "custom_fields": [
            { "id": field_id, "value": member.to_string() }
        ]}});
        self.redmine
            .send(
                Method::PUT,
                self.redmine.url(&format!("users/{user_id}.json"), &[]),
                Some(&body),
                &Attempt {
                    action: &action,
                    ticket: None,
                },
            )
            .await
            .map_err(directory_error)?;
        Ok(spelt)
    }
}
