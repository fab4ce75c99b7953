//! People: the acting user, and the user or team a typed name means, asking only what the
//! answer needs.

use std::collections::BTreeMap;
use std::sync::Arc;

use domain::people::name_match_rank;
use domain::{Principal, User, UserId};
use ports::TrackerError;

use crate::client::{Redmine, NAME_LOOKUP_PAGES, PAGE_SIZE};
use crate::convert;
use crate::dto::{MembershipsPage, UserEnvelope, UsersPage};
use crate::error::Attempt;

impl Redmine {
    async fn current_user_with_memberships(&self) -> Result<crate::dto::UserDto, TrackerError> {
        let attempt = Attempt {
            action: "read the current user",
            ticket: None,
        };
        let envelope: UserEnvelope = self
            .get(
                "users/current.json",
                &[("include", String::from("memberships,groups"))],
                &attempt,
            )
            .await?;
        Ok(envelope.user)
    }

    fn acting_admin(&self) -> Option<bool> {
        self.acting_admin.load().as_deref().copied()
    }

    fn remember_acting_admin(&self, admin: Option<bool>) {
        if let Some(admin) = admin {
            self.acting_admin.store(Some(Arc::new(admin)));
        }
    }

    /// The best match for `name` among everyone the acting user can see, asking only what the
    /// answer needs:
    /// - an admin known as such (from an earlier answer): the user search, then the group
    ///   list only when no user's login is `name` (a team has no login, so it cannot tie);
    /// - otherwise the current user first: it says whether the user is an admin (then as
    ///   above) and, for a member, which projects' member lists hold the people they can see.
    async fn find_among_visible(&self, name: &str) -> Result<Option<Principal>, TrackerError> {
        if self.acting_admin() == Some(true) {
            match self.people_as_admin(name, Vec::new()).await? {
                Some(found) => return Ok(found),
                // No longer an admin: Redmine refused the listing.
                None => self.remember_acting_admin(Some(false)),
            }
        }
        let me = self.current_user_with_memberships().await?;
        self.remember_acting_admin(me.admin);
        let mut mine = Candidate::me(&me);
        // Redmine says whether the acting user is an admin; only then are the user and group
        // listings open, and asking a member's key for them would only earn a 403.
        if me.admin != Some(false) {
            if let Some(found) = self.people_as_admin(name, mine).await? {
                self.remember_acting_admin(Some(true));
                return Ok(found);
            }
            self.remember_acting_admin(Some(false));
            mine = Candidate::me(&me);
        }
        mine.extend(self.people_as_member(&me).await?);
        best_match(name, mine)
    }

    /// The best match for `name` among `known` and the users and groups an admin can list
    /// (the groups only when no user's login is `name`); `None` when the acting user is not an
    /// admin.
    async fn people_as_admin(
        &self,
        name: &str,
        known: Vec<Candidate>,
    ) -> Result<Option<Option<Principal>>, TrackerError> {
        let attempt = Attempt {
            action: "list users",
            ticket: None,
        };
        // Redmine's `name` filter matches login, first name, last name and mail, one word.
        let first_word = name.split_whitespace().next().unwrap_or(name).to_owned();
        // A name is not a listing: a word that matches more users than a few pages hold is
        // refused rather than downloading everyone.
        let users = match self
            .get_pages(
                "users.json",
                &[("name", first_word.clone()), ("status", String::from("1"))],
                &attempt,
                |page: UsersPage| (page.users, page.total_count),
                httpkit::Pager::with_max_pages(NAME_LOOKUP_PAGES),
            )
            .await
        {
            Ok(users) => users,
            Err(TrackerError::Forbidden { .. }) => return Ok(None),
            Err(TrackerError::Unexpected { detail, .. })
                if detail == httpkit::PagingError::TooManyPages(NAME_LOOKUP_PAGES).to_string() =>
            {
                return Err(TrackerError::Ambiguous {
                    name: name.to_owned(),
                    matches: vec![format!(
                        "more than {} users",
                        NAME_LOOKUP_PAGES as u64 * PAGE_SIZE
                    )],
                });
            }
            Err(error) => return Err(error),
        };
        let mut candidates = known;
        candidates.extend(
            users
                .iter()
                .filter_map(|user| convert::user(user).map(Candidate::user)),
        );
        // A login match ranks first, and a team has no login: no group can tie it.
        let login_matches = candidates.iter().any(|candidate| {
            name_match_rank(name, candidate.login.as_deref(), candidate.person.name()) == Some(0)
        });
        if login_matches {
            return best_match(name, candidates).map(Some);
        }
        let groups = self.read_groups().await?;
        candidates.extend(groups.into_iter().filter_map(Candidate::team));
        best_match(name, candidates).map(Some)
    }

    /// Users and groups a member can see: those of the projects they belong to.
    async fn people_as_member(
        &self,
        me: &crate::dto::UserDto,
    ) -> Result<Vec<Candidate>, TrackerError> {
        let mut candidates = Vec::new();
        for membership in &me.memberships {
            let path = format!("projects/{}/memberships.json", membership.project.id);
            let action = format!("list the members of project '{}'", membership.project.name);
            let attempt = Attempt {
                action: &action,
                ticket: None,
            };
            let members = match self
                .get_all(&path, &[], &attempt, |page: MembershipsPage| {
                    (page.memberships, page.total_count)
                })
                .await
            {
                Ok(members) => members,
                // A project whose member list is hidden from this user adds nobody.
                Err(TrackerError::Forbidden { .. }) => continue,
                Err(error) => return Err(error),
            };
            for member in members {
                if let Some(user) = member.user {
                    if let Ok(id) = UserId::new(user.id) {
                        candidates.push(Candidate::user(User {
                            id,
                            login: None,
                            name: user.name,
                        }));
                    }
                } else if let Some(group) = member.group {
                    candidates.extend(Candidate::team(group));
                }
            }
        }
        Ok(candidates)
    }

    pub(crate) async fn me(&self) -> Result<User, TrackerError> {
        let attempt = Attempt {
            action: "read the current user",
            ticket: None,
        };
        let envelope: UserEnvelope = self.get("users/current.json", &[], &attempt).await?;
        self.remember_acting_admin(envelope.user.admin);
        convert::user(&envelope.user).ok_or_else(|| TrackerError::Unexpected {
            host: self.host.clone(),
            action: attempt.action.to_owned(),
            detail: String::from("the current user has no id"),
        })
    }

    pub(crate) async fn person_named(&self, name: &str) -> Result<Option<Principal>, TrackerError> {
        let name = name.trim();
        if name.is_empty() {
            return Ok(None);
        }
        self.find_among_visible(name).await
    }
}

/// Someone a typed name might mean.
struct Candidate {
    person: Principal,
    login: Option<String>,
}

impl Candidate {
    fn user(user: User) -> Self {
        Self {
            login: user.login.clone(),
            person: Principal::User(user),
        }
    }

    fn team(group: crate::dto::NamedDto) -> Option<Self> {
        Some(Self {
            person: convert::team(group)?,
            login: None,
        })
    }

    /// The acting user and their teams.
    fn me(me: &crate::dto::UserDto) -> Vec<Self> {
        let mut mine: Vec<Self> = convert::user(me).map(Self::user).into_iter().collect();
        mine.extend(me.groups.iter().cloned().filter_map(Self::team));
        mine
    }
}

/// The best match for `name`, or an error when several different people match equally well.
fn best_match(name: &str, candidates: Vec<Candidate>) -> Result<Option<Principal>, TrackerError> {
    let mut ranked: BTreeMap<u8, BTreeMap<UserId, Principal>> = BTreeMap::new();
    for candidate in candidates {
        if let Some(rank) =
            name_match_rank(name, candidate.login.as_deref(), candidate.person.name())
        {
            ranked
                .entry(rank)
                .or_default()
                .entry(candidate.person.id())
                .or_insert(candidate.person);
        }
    }
    let Some((_, best)) = ranked.into_iter().next() else {
        return Ok(None);
    };
    if best.len() == 1 {
        return Ok(best.into_values().next());
    }
    Err(TrackerError::Ambiguous {
        name: name.to_owned(),
        matches: best
            .values()
            .map(|person| person.name().to_owned())
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equally_good_matches_of_different_people_are_ambiguous() {
        let alice = |id| {
            Candidate::user(User {
                id: UserId::new(id).unwrap(),
                login: None,
                name: format!("Alice {id}"),
            })
        };
        let error = best_match("alice", vec![alice(1), alice(2)]).unwrap_err();
        assert!(matches!(error, TrackerError::Ambiguous { .. }), "{error}");
        let one = best_match("alice", vec![alice(1), alice(1)]).unwrap();
        assert_eq!(one.map(|person| person.id().get()), Some(1));
    }
}
