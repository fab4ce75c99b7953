//! Who is who, as the bot sees it: one immutable snapshot of the directory, swapped whole.
//!
//! Readers take the current snapshot without waiting (`arc-swap`); the timer's refresh and
//! `/link` are the only writers and take turns (an async mutex held across their tracker
//! calls), so a refresh that started before a `/link` finishes before the link is written and
//! cannot drop it. There is no lock a panic could poison: a reader always gets a snapshot.
//!
//! Fail closed: each refresh asks whether the key may still act as other people; while it may
//! not (or before the first refresh), nobody is acted for, because the tracker would silently
//! act as the key's owner instead.

use std::collections::HashMap;
use std::sync::Arc;

use arc_swap::ArcSwap;
use domain::{DiscordUserId, Login, Principal};
use tracing::{error, info, warn};

use crate::directory::{Directory, DirectoryError, Link, Roster};

pub use domain::bot::{Identity, KeyStatus, Linked};

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

fn same_login(one: &Login, other: &Login) -> bool {
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

    fn with_key(&self, key: KeyStatus) -> Self {
        Self {
            key,
            ..self.clone()
        }
    }

    /// This snapshot with `member` linked to `login` (and whoever held `login` unlinked).
    fn with_link(&self, member: DiscordUserId, login: Login) -> Self {
        let mut next = self.clone();
        next.linked.retain(|_, known| !same_login(known, &login));
        next.ambiguous.remove(&member);
        next.linked.insert(member, login);
        next
    }
}

/// Why `/link` did nothing.
#[derive(Debug, thiserror::Error)]
pub enum LinkError {
    /// The member is already linked to another login (or to several): moving a member to
    /// another tracker user is done in the tracker, deliberately, not by a second `/link`.
    #[error("the member is already linked to {}", logins.iter().map(Login::as_str).collect::<Vec<_>>().join(", "))]
    MemberLinkedElsewhere {
        /// The login(s) the member is linked to.
        logins: Vec<Login>,
    },
    /// The directory refused or failed.
    #[error(transparent)]
    Directory(#[from] DirectoryError),
}

/// The bot's identity map: the directory, the current snapshot, and the writers' turn.
#[derive(Debug)]
pub struct Identities<D> {
    directory: D,
    current: ArcSwap<Snapshot>,
    /// Held by a refresh or a link across their tracker calls: they take turns.
    writer: tokio::sync::Mutex<()>,
}

impl<D: Directory> Identities<D> {
    /// An empty map over `directory`; nobody is acted for until the first [`Self::refresh`].
    pub fn new(directory: D) -> Self {
        Self {
            directory,
            current: ArcSwap::from_pointee(Snapshot::default()),
            writer: tokio::sync::Mutex::new(()),
        }
    }

    /// The current snapshot (cheap; never waits for a refresh or a link).
    #[must_use]
    pub fn snapshot(&self) -> Arc<Snapshot> {
        self.current.load_full()
    }

    /// Reloads who is who: checks the key may still act as others, then reads the roster.
    /// Returns how many members are linked. Conflicts are logged at warn.
    ///
    /// # Errors
    /// [`DirectoryError::NotAdmin`] when the key may no longer act as others (from now on
    /// nobody is acted for; logged at error), or any other [`DirectoryError`] (the previous
    /// snapshot stays).
    pub async fn refresh(&self) -> Result<usize, DirectoryError> {
        let _turn = self.writer.lock().await;
        let acts_as_others = match self.directory.can_act_as_others().await {
            Ok(acts) => acts,
            Err(DirectoryError::NotAdmin) => false,
            Err(other) => return Err(other),
        };
        if !acts_as_others {
            return Err(self.key_lost());
        }
        let roster = match self.directory.roster().await {
            Ok(roster) => roster,
            Err(DirectoryError::NotAdmin) => return Err(self.key_lost()),
            Err(other) => return Err(other),
        };
        let (snapshot, conflicts) = Snapshot::from_roster(roster, KeyStatus::ActsAsOthers);
        for conflict in &conflicts {
            let logins: Vec<&str> = conflict.logins.iter().map(Login::as_str).collect();
            warn!(
                member = conflict.member.get(),
                logins = %logins.join(", "),
                "one Discord member is linked to several tracker users: linked to none of them until the tracker is corrected"
            );
        }
        let n_linked = snapshot.n_linked();
        self.current.store(Arc::new(snapshot));
        Ok(n_linked)
    }

    /// Marks the key as unable to act as others (keeping the rest), and logs the moment it
    /// stopped being able to (the caller reports a key that never could).
    fn key_lost(&self) -> DirectoryError {
        let snapshot = self.current.load();
        if snapshot.key() == KeyStatus::ActsAsOthers {
            error!("the bot's tracker key may no longer act as other people (it is not an admin's): refusing to act for members until it may");
        }
        self.current
            .store(Arc::new(snapshot.with_key(KeyStatus::ActsAsItself)));
        DirectoryError::NotAdmin
    }

    /// Links `member` to `login` in the directory, then in the snapshot at once. A login
    /// linked to someone else is moved to `member` (the reply says whom it replaced); a member
    /// linked to another login is refused.
    ///
    /// # Errors
    /// [`LinkError::MemberLinkedElsewhere`], or the directory's [`DirectoryError`].
    pub async fn link(&self, member: DiscordUserId, login: &Login) -> Result<Linked, LinkError> {
        let _turn = self.writer.lock().await;
        let before = self.current.load_full();
        let previous = match before.identity(member) {
            Identity::Linked(known) if same_login(&known, login) => {
                return Ok(Linked::Already(known))
            }
            Identity::Linked(known) => {
                warn!(member = member.get(), linked = %known, asked = %login, "refused to link a member already linked to another tracker user");
                return Err(LinkError::MemberLinkedElsewhere {
                    logins: vec![known],
                });
            }
            Identity::Ambiguous(logins) => {
                warn!(
                    member = member.get(),
                    "refused to link a member whose Discord id several tracker users hold"
                );
                return Err(LinkError::MemberLinkedElsewhere { logins });
            }
            Identity::Unlinked => before.member_of(login),
        };
        let login = match self.directory.link(member, login).await {
            Ok(login) => login,
            Err(DirectoryError::NotAdmin) => return Err(self.key_lost().into()),
            Err(other) => return Err(other.into()),
        };
        self.current
            .store(Arc::new(before.with_link(member, login.clone())));
        match previous {
            Some(previous) => {
                warn!(member = member.get(), previous = previous.get(), login = %login, "linked a tracker user that was linked to another member: that member is no longer linked");
                Ok(Linked::Replaced { login, previous })
            }
            None => {
                info!(member = member.get(), login = %login, "linked a member");
                Ok(Linked::New(login))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use domain::{Team, User};
    use tokio::sync::oneshot;

    use super::*;
    use crate::directory::MockDirectory;

    const ALICE: u64 = 123_456_789_012_345_678;
    const BOB: u64 = 234_567_890_123_456_789;
    const NEWCOMER: u64 = 345_678_901_234_567_890;

    fn id(member: u64) -> DiscordUserId {
        DiscordUserId::new(member).unwrap()
    }

    fn login(text: &str) -> Login {
        Login::new(text).unwrap()
    }

    fn roster(links: &[(u64, &str)]) -> Roster {
        Roster {
            links: links
                .iter()
                .map(|(member, text)| Link {
                    member: id(*member),
                    login: login(text),
                })
                .collect(),
            people: Vec::new(),
        }
    }

    fn admin_directory(links: &'static [(u64, &'static str)]) -> MockDirectory {
        let mut directory = MockDirectory::new();
        directory
            .expect_can_act_as_others()
            .returning(|| Box::pin(async { Ok(true) }));
        directory
            .expect_roster()
            .returning(move || Box::pin(async move { Ok(roster(links)) }));
        directory
    }

    fn linking_succeeds(directory: &mut MockDirectory) {
        directory.expect_link().returning(|_, login| {
            let login = login.clone();
            Box::pin(async move { Ok(login) })
        });
    }

    #[tokio::test]
    async fn a_link_made_while_a_refresh_is_in_flight_is_kept() {
        // The refresh reads the roster before the link is written, and is held there until
        // the test lets it go: the old map dropped the link when this refresh completed.
        let (release_refresh, refresh_released) = oneshot::channel::<()>();
        let (roster_asked, roster_was_asked) = oneshot::channel::<()>();
        let held = Mutex::new(Some((roster_asked, refresh_released)));
        let mut directory = MockDirectory::new();
        directory
            .expect_can_act_as_others()
            .returning(|| Box::pin(async { Ok(true) }));
        directory.expect_roster().times(1).returning(move || {
            let (asked, released) = held.lock().unwrap().take().unwrap();
            Box::pin(async move {
                asked.send(()).unwrap();
                released.await.unwrap();
                Ok(roster(&[(ALICE, "alice")]))
            })
        });
        linking_succeeds(&mut directory);
        let identities = Identities::new(directory);

        let carol = login("carol");
        let refresh = identities.refresh();
        let link = async {
            roster_was_asked.await.unwrap();
            let link = identities.link(id(NEWCOMER), &carol);
            // The link waits its turn; let the refresh complete meanwhile.
            release_refresh.send(()).unwrap();
            link.await
        };
        let (refreshed, linked) = tokio::join!(refresh, link);

        assert_eq!(refreshed.unwrap(), 1);
        assert_eq!(linked.unwrap(), Linked::New(login("carol")));
        let snapshot = identities.snapshot();
        assert_eq!(
            snapshot.identity(id(NEWCOMER)),
            Identity::Linked(login("carol"))
        );
        assert_eq!(
            snapshot.identity(id(ALICE)),
            Identity::Linked(login("alice"))
        );
    }

    #[tokio::test]
    async fn a_member_on_two_logins_is_linked_to_neither() {
        let identities = Identities::new(admin_directory(&[
            (ALICE, "alice"),
            (BOB, "bob"),
            (BOB, "bobby"),
        ]));
        assert_eq!(identities.refresh().await.unwrap(), 1);
        let snapshot = identities.snapshot();
        assert_eq!(
            snapshot.identity(id(BOB)),
            Identity::Ambiguous(vec![login("bob"), login("bobby")])
        );
        assert_eq!(
            snapshot.identity(id(ALICE)),
            Identity::Linked(login("alice"))
        );
    }

    #[test]
    fn conflicts_are_reported_once_per_member() {
        let (_, conflicts) = Snapshot::from_roster(
            roster(&[(BOB, "bobby"), (BOB, "bob"), (BOB, "BOB"), (ALICE, "alice")]),
            KeyStatus::ActsAsOthers,
        );
        assert_eq!(
            conflicts,
            vec![Conflict {
                member: id(BOB),
                logins: vec![login("bob"), login("bobby")],
            }]
        );
    }

    #[tokio::test]
    async fn linking_a_login_held_by_another_member_says_whom_it_replaced() {
        let mut directory = admin_directory(&[(ALICE, "alice"), (BOB, "bob")]);
        linking_succeeds(&mut directory);
        let identities = Identities::new(directory);
        identities.refresh().await.unwrap();
        let linked = identities.link(id(NEWCOMER), &login("bob")).await.unwrap();
        assert_eq!(
            linked,
            Linked::Replaced {
                login: login("bob"),
                previous: id(BOB),
            }
        );
        let snapshot = identities.snapshot();
        assert_eq!(snapshot.identity(id(BOB)), Identity::Unlinked);
        assert_eq!(
            snapshot.identity(id(NEWCOMER)),
            Identity::Linked(login("bob"))
        );
    }

    #[tokio::test]
    async fn linking_a_member_already_linked_elsewhere_is_refused_without_writing() {
        let mut directory = admin_directory(&[(ALICE, "alice"), (BOB, "bob"), (BOB, "bobby")]);
        directory.expect_link().never();
        let identities = Identities::new(directory);
        identities.refresh().await.unwrap();
        let error = identities
            .link(id(ALICE), &login("carol"))
            .await
            .unwrap_err();
        assert_eq!(error.to_string(), "the member is already linked to alice");
        let error = identities.link(id(BOB), &login("bob")).await.unwrap_err();
        assert!(
            matches!(&error, LinkError::MemberLinkedElsewhere { logins } if logins.len() == 2),
            "{error}"
        );
        let same = identities.link(id(ALICE), &login("ALICE")).await.unwrap();
        assert_eq!(same, Linked::Already(login("alice")));
    }

    #[tokio::test]
    async fn a_key_that_stops_being_an_admins_marks_the_snapshot_and_keeps_failing_closed() {
        let mut directory = MockDirectory::new();
        let mut answers = vec![Ok(false), Ok(true)].into_iter();
        directory
            .expect_can_act_as_others()
            .times(2)
            .returning(move || {
                let answer = answers.next().unwrap();
                Box::pin(async move { answer })
            });
        directory
            .expect_roster()
            .times(1)
            .returning(|| Box::pin(async { Ok(roster(&[(ALICE, "alice")])) }));
        let identities = Identities::new(directory);
        assert_eq!(identities.snapshot().key(), KeyStatus::Unchecked);
        assert!(matches!(
            identities.refresh().await,
            Err(DirectoryError::NotAdmin)
        ));
        assert_eq!(identities.snapshot().key(), KeyStatus::ActsAsItself);
        identities.refresh().await.unwrap();
        assert_eq!(identities.snapshot().key(), KeyStatus::ActsAsOthers);
    }

    #[tokio::test]
    async fn a_roster_refused_as_not_admin_fails_closed_but_an_unreachable_tracker_keeps_the_map() {
        let mut directory = MockDirectory::new();
        directory
            .expect_can_act_as_others()
            .returning(|| Box::pin(async { Ok(true) }));
        let mut answers = vec![
            Ok(roster(&[(ALICE, "alice")])),
            Err(DirectoryError::Tracker(crate::TrackerError::Unreachable {
                host: "tracker".into(),
                cause: "refused".into(),
            })),
            Err(DirectoryError::NotAdmin),
        ]
        .into_iter();
        directory.expect_roster().times(3).returning(move || {
            let answer = answers.next().unwrap();
            Box::pin(async move { answer })
        });
        let identities = Identities::new(directory);
        identities.refresh().await.unwrap();
        assert!(identities.refresh().await.is_err());
        assert_eq!(identities.snapshot().key(), KeyStatus::ActsAsOthers);
        assert_eq!(
            identities.snapshot().identity(id(ALICE)),
            Identity::Linked(login("alice"))
        );
        assert!(matches!(
            identities.refresh().await,
            Err(DirectoryError::NotAdmin)
        ));
        assert_eq!(identities.snapshot().key(), KeyStatus::ActsAsItself);
    }

    #[test]
    fn people_match_names_and_logins_in_any_case_sorted_and_limited() {
        let user = |id, login: &str, name: &str| {
            Principal::User(User {
                id,
                login: Some(login.into()),
                name: name.into(),
            })
        };
        let (snapshot, _) = Snapshot::from_roster(
            Roster {
                links: Vec::new(),
                people: vec![
                    user(6, "bob", "Bob Builder"),
                    user(5, "alice", "Alice Liddell"),
                    user(8, "rbeach", "Rainier Beach"),
                    Principal::Team(Team {
                        id: 7,
                        name: "Field Team".into(),
                    }),
                ],
            },
            KeyStatus::ActsAsOthers,
        );
        let names = |typed: &str, limit| -> Vec<String> {
            snapshot
                .people_matching(typed, limit)
                .iter()
                .map(|person| person.name().to_owned())
                .collect()
        };
        assert_eq!(names("B", 25), ["Bob Builder", "Rainier Beach"]);
        assert_eq!(names("RBEA", 25), ["Rainier Beach"]);
        assert_eq!(names("", 2), ["Alice Liddell", "Bob Builder"]);
        assert_eq!(names("team", 25), ["Field Team"]);
    }
}
