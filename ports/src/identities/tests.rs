//! The identity map's snapshot and writers against a mocked directory.

use std::sync::Mutex;

use domain::{Principal, Team, User, UserId};
use tokio::sync::oneshot;

use super::*;
use crate::directory::{Link, MockDirectory, Roster};

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
            id: UserId::new(id).unwrap(),
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
                    id: UserId::new(7).unwrap(),
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
