//! One snapshot of who is who: built from the directory's roster, never changed once made
//! (a change makes a new one), and read without waiting.

use std::collections::HashMap;

use domain::bot::{Identity, KeyStatus};
use domain::{DiscordUserId, Login, Principal};

use crate::directory::{Link, Roster};

/// A conflict found in the directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conflict {
    /// The member held by several logins.
    pub member: DiscordUserId,
    /// The logins holding it, sorted.
    pub logins: Vec<Login>,
}

/// Who is who at one moment; never changed once made (a change makes a new snapshot).
#[derive(Debug, Clone, Default)]
pub struct Snapshot {
    linked: HashMap<DiscordUserId, Login>,
    ambiguous: HashMap<DiscordUserId, Vec<Login>>,
    people: Vec<Principal>,
    key: KeyStatus,
}

pub(super) fn same_login(one: &Login, other: &Login) -> bool {
    domain::member_links::same_login(one, other)
}

impl Snapshot {
    /// The snapshot a roster makes, and the conflicts found in it (one member's id on several
    /// logins: that member is linked to none of them).
    #[must_use]
    pub fn from_roster(roster: Roster, key: KeyStatus) -> (Self, Vec<Conflict>) {
        let found = domain::member_links::member_links(
            roster
                .links
                .into_iter()
                .map(|Link { member, login }| (member, login)),
        );
        let linked: HashMap<DiscordUserId, Login> = found.linked.into_iter().collect();
        let conflicts: Vec<Conflict> = found
            .conflicts
            .into_iter()
            .map(|(member, logins)| Conflict { member, logins })
            .collect();
        let ambiguous = conflicts
            .iter()
            .map(|conflict| (conflict.member, conflict.logins.clone()))
            .collect();
        let snapshot = Self {
            linked,
            ambiguous,
            people: roster.people,
            key,
        };
        (snapshot, conflicts)
    }

    /// Who `member` is.
    #[must_use]
    pub fn identity(&self, member: DiscordUserId) -> Identity {
        if let Some(login) = self.linked.get(&member) {
            return Identity::Linked(login.clone());
        }
        match self.ambiguous.get(&member) {
            Some(logins) => Identity::Ambiguous(logins.clone()),
            None => Identity::Unlinked,
        }
    }

    /// The member `login` is linked to, if any.
    #[must_use]
    pub fn member_of(&self, login: &Login) -> Option<DiscordUserId> {
        self.linked
            .iter()
            .find(|(_, known)| same_login(known, login))
            .map(|(member, _)| *member)
    }

    /// The member the tracker user `user` is linked to, if any (through the user's login).
    #[must_use]
    pub fn member_of_user(&self, user: domain::UserId) -> Option<DiscordUserId> {
        self.people.iter().find_map(|person| match person {
            Principal::User(known) if known.id == user => {
                let login = Login::new(known.login.as_deref()?).ok()?;
                self.member_of(&login)
            }
            _ => None,
        })
    }

    /// How many members are linked (conflicting ones not counted).
    #[must_use]
    pub fn n_linked(&self) -> usize {
        self.linked.len()
    }

    /// Whether the key may act as other people, as last checked.
    #[must_use]
    pub fn key(&self) -> KeyStatus {
        self.key
    }

    /// People and teams whose name or login contains `typed` (any case), sorted by name, at
    /// most `limit`.
    #[must_use]
    pub fn people_matching(&self, typed: &str, limit: usize) -> Vec<Principal> {
        let typed = typed.trim().to_lowercase();
        let mut found: Vec<Principal> = self
            .people
            .iter()
            .filter(|person| {
                person.name().to_lowercase().contains(&typed)
                    || matches!(person, Principal::User(user) if user
                        .login
                        .as_deref()
                        .is_some_and(|login| login.to_lowercase().contains(&typed)))
            })
            .cloned()
            .collect();
        found.sort_by_key(|person| person.name().to_lowercase());
        found.dedup_by_key(|person| person.id());
        found.truncate(limit);
        found
    }

    pub(super) fn with_key(&self, key: KeyStatus) -> Self {
        Self {
            key,
            ..self.clone()
        }
    }

    /// This snapshot with `member` linked to `login` (and whoever held `login` unlinked).
    pub(super) fn with_link(&self, member: DiscordUserId, login: Login) -> Self {
        let mut next = self.clone();
        next.linked.retain(|_, known| !same_login(known, &login));
        next.ambiguous.remove(&member);
        next.linked.insert(member, login);
        next
    }
}
