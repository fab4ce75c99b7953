//! `/link` (admin role only) and person autocomplete, over the identity snapshot.

use domain::bot::access;
use domain::bot::replies;
use domain::{DiscordUserId, Login, Member, Reply};

use super::{directory_error, Bot, MAX_CHOICES};
use crate::directory::Directory;
use crate::identities::LinkError;
use crate::inventory::Inventory;

impl<T, I: Inventory, D: Directory> Bot<T, I, D> {
    /// People and teams for what has been typed, at most 25: `(name shown, value sent)`.
    /// Served from the snapshot the identity refresh keeps: no tracker request per keystroke.
    #[must_use]
    pub fn complete_person(&self, typed: &str) -> Vec<(String, String)> {
        self.identities
            .snapshot()
            .people_matching(typed, MAX_CHOICES)
            .into_iter()
            .map(|person| (person.name().to_owned(), person.name().to_owned()))
            .collect()
    }

    /// `/link MEMBER LOGIN` (admin role only): writes the member's Discord id into Redmine.
    ///
    /// A login linked to another member is moved to this one, and the reply names whom it
    /// replaced; a member already linked to another login is refused (moving a member to
    /// another Redmine user is done in Redmine, deliberately).
    pub async fn link(&self, member: &Member, target: DiscordUserId, login: &str) -> Reply {
        self.within("Redmine", async {
            if let Err(refusal) =
                access::may_link(member, self.settings.guild_id, self.settings.admin_role)
            {
                return replies::refusal(&refusal);
            }
            let login = match Login::new(login) {
                Ok(login) => login,
                Err(error) => return Reply::error(&error.to_string()),
            };
            match self.identities.link(target, &login).await {
                Ok(linked) => replies::linked(target, &linked),
                Err(LinkError::MemberLinkedElsewhere { logins }) => {
                    replies::member_linked_elsewhere(target, &logins)
                }
                Err(LinkError::Directory(error)) => {
                    directory_error(&error, self.settings.timeout_seconds)
                }
            }
        })
        .await
    }
}
