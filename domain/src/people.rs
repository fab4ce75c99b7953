//! People and teams: who a ticket can be assigned to and who acts.

use crate::ids::UserId;

/// A tracker user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    /// The tracker's id for the user.
    pub id: UserId,
    /// The login, when the tracker shows it to the caller (it hides other people's from members).
    pub login: Option<String>,
    /// Display name, e.g. "Alice Liddell".
    pub name: String,
}

/// A team: a tracker group that tickets can be assigned to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Team {
    /// The tracker's id for the group.
    pub id: UserId,
    /// Its name, e.g. "Field Team".
    pub name: String,
}

/// Someone a ticket can be assigned to: a user or a team.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Principal {
    /// One person.
    User(User),
    /// A team of people.
    Team(Team),
}

impl Principal {
    /// The tracker's id (users and groups share one id space in Redmine).
    #[must_use]
    pub fn id(&self) -> UserId {
        match self {
            Self::User(user) => user.id,
            Self::Team(team) => team.id,
        }
    }

    /// The display name.
    #[must_use]
    pub fn name(&self) -> &str {
        match self {
            Self::User(user) => &user.name,
            Self::Team(team) => &team.name,
        }
    }
}

/// How well a candidate's names match what someone typed.
///
/// Lower is better; `None` means no match. A login or full name matching exactly wins over
/// a first or last name, which wins over a prefix.
#[must_use]
pub fn name_match_rank(typed: &str, login: Option<&str>, full_name: &str) -> Option<u8> {
    let typed = typed.trim().to_lowercase();
    if typed.is_empty() {
        return None;
    }
    let full = full_name.to_lowercase();
    if login.is_some_and(|login| login.to_lowercase() == typed) {
        return Some(0);
    }
    if full == typed {
        return Some(1);
    }
    if full.split_whitespace().any(|part| part == typed) {
        return Some(2);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn check(typed: &str, login: Option<&str>, full: &str, expect: Option<u8>) {
        assert_eq!(name_match_rank(typed, login, full), expect);
    }

    #[test]
    fn logins_and_full_names_match_before_parts_of_names() {
        check("alice", Some("alice"), "Alice Liddell", Some(0));
        check("ALICE", Some("alice"), "Alice Liddell", Some(0));
        check("alice liddell", None, "Alice Liddell", Some(1));
        check("liddell", None, "Alice Liddell", Some(2));
        check("alice", None, "Alice Liddell", Some(2));
        check("ali", Some("alice"), "Alice Liddell", None);
        check("", Some(""), "", None);
        check("field team", None, "Field Team", Some(1));
    }
}
