//! Who is who for the threader: members and their tracker users, read from the directory
//! once a pass, kept apart from the pass that only looks names up in it.

use std::collections::BTreeMap;

use domain::member_links::member_links;
use domain::{DiscordUserId, Login, UserId};
use tracing::warn;

use crate::directory::{Directory, DirectoryError};

/// Who is who, for writing members' messages as their own tracker users.
#[derive(Debug, Clone, Default)]
pub struct WhoIsWho {
    /// Discord member → tracker login.
    pub members: BTreeMap<DiscordUserId, Login>,
    /// Tracker user or team id → display name (for assignee changes).
    pub names: BTreeMap<UserId, String>,
    /// Tracker user id → linked Discord member (for pinging an assignee, and for showing a
    /// note's `@login` as the member).
    pub users: BTreeMap<UserId, DiscordUserId>,
    /// Tracker login in lower case → user id (for reading a note's `@login`).
    pub logins: BTreeMap<Login, UserId>,
}

impl WhoIsWho {
    /// Who is who, from the directory. Refuses a key that cannot act as others: the tracker
    /// would silently write every member's message as the key's owner. A member linked to
    /// two logins (`domain::member_links`) is written for by the threader's own user (with
    /// their name), and logged.
    ///
    /// # Errors
    /// [`DirectoryError::NotAdmin`] for such a key, or any failure to read the directory.
    pub async fn from_directory<D: Directory>(directory: &D) -> Result<Self, DirectoryError> {
        if !directory.can_act_as_others().await? {
            return Err(DirectoryError::NotAdmin);
        }
        let roster = directory.roster().await?;
        let links = member_links(
            roster
                .links
                .into_iter()
                .map(|link| (link.member, link.login)),
        );
        for (member, logins) in &links.conflicts {
            let logins: Vec<&str> = logins.iter().map(Login::as_str).collect();
            warn!(%member, logins = %logins.join(", "),
                "one Discord member is linked to two Redmine users; writing for neither");
        }
        let members = links.linked;
        let names = roster
            .people
            .iter()
            .map(|person| (person.id(), person.name().to_owned()))
            .collect();
        let logins = roster
            .people
            .iter()
            .filter_map(|person| match person {
                domain::Principal::User(user) => {
                    let login = Login::new(&user.login.as_deref()?.to_lowercase()).ok()?;
                    Some((login, user.id))
                }
                domain::Principal::Team(_) => None,
            })
            .collect();
        let users = roster
            .people
            .iter()
            .filter_map(|person| match person {
                domain::Principal::User(user) => {
                    let login = Login::new(user.login.as_deref()?).ok()?;
                    let member = members
                        .iter()
                        .find(|(_, linked)| domain::member_links::same_login(linked, &login))?
                        .0;
                    Some((user.id, *member))
                }
                domain::Principal::Team(_) => None,
            })
            .collect();
        Ok(Self {
            members,
            names,
            users,
            logins,
        })
    }
}
