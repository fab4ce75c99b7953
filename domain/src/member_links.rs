//! "A member linked to two logins", decided once: the bot's identity map and the threader both
//! read the tracker's links through [`member_links`], so they agree on who is who.

use std::collections::BTreeMap;

use crate::ids::{DiscordUserId, Login};

/// Whether two logins are the same tracker user: logins are compared without case, as the
/// tracker (Redmine) compares them.
#[must_use]
pub fn same_login(one: &Login, other: &Login) -> bool {
    one.as_str().eq_ignore_ascii_case(other.as_str())
}

/// Who each member is, from every link the tracker holds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MemberLinks {
    /// Members linked to exactly one login (spelt as the first link spells it).
    pub linked: BTreeMap<DiscordUserId, Login>,
    /// Members whose id is on several different logins, with those logins sorted: they are
    /// linked to none of them.
    pub conflicts: BTreeMap<DiscordUserId, Vec<Login>>,
}

/// Reads the tracker's `(member, login)` links: a member on one login (in any spelling of its
/// case) is linked to it; a member on two different logins is a conflict, linked to neither.
#[must_use]
pub fn member_links(links: impl IntoIterator<Item = (DiscordUserId, Login)>) -> MemberLinks {
    let mut by_member: BTreeMap<DiscordUserId, Vec<Login>> = BTreeMap::new();
    for (member, login) in links {
        let logins = by_member.entry(member).or_default();
        if !logins.iter().any(|known| same_login(known, &login)) {
            logins.push(login);
        }
    }
    let mut found = MemberLinks::default();
    for (member, mut logins) in by_member {
        if logins.len() == 1 {
            found.linked.insert(member, logins.remove(0));
        } else {
            logins.sort();
            found.conflicts.insert(member, logins);
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn member(n: u64) -> DiscordUserId {
        DiscordUserId::new(n).unwrap()
    }

    fn login(text: &str) -> Login {
        Login::new(text).unwrap()
    }

    #[track_caller]
    fn check(links: &[(u64, &str)], linked: &[(u64, &str)], conflicts: &[(u64, &[&str])]) {
        let found = member_links(links.iter().map(|(m, l)| (member(*m), login(l))));
        let want_linked: BTreeMap<DiscordUserId, Login> =
            linked.iter().map(|(m, l)| (member(*m), login(l))).collect();
        let want_conflicts: BTreeMap<DiscordUserId, Vec<Login>> = conflicts
            .iter()
            .map(|(m, ls)| (member(*m), ls.iter().map(|l| login(l)).collect()))
            .collect();
        assert_eq!(found.linked, want_linked, "linked");
        assert_eq!(found.conflicts, want_conflicts, "conflicts");
    }

    #[test]
    fn a_member_on_one_login_is_linked_to_it() {
        check(&[(1, "alice")], &[(1, "alice")], &[]);
    }

    #[test]
    fn a_member_linked_to_two_logins_is_linked_to_neither() {
        check(
            &[(1, "bob"), (1, "alice"), (2, "carol")],
            &[(2, "carol")],
            &[(1, &["alice", "bob"])],
        );
    }

    #[test]
    fn one_login_in_two_spellings_of_its_case_is_one_login() {
        check(&[(1, "Alice"), (1, "alice")], &[(1, "Alice")], &[]);
        assert!(same_login(&login("ALICE"), &login("alice")));
        assert!(!same_login(&login("alice"), &login("alicia")));
    }
}
