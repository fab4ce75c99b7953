//! Automatic threads through the real Redmine adapter against the fixture Redmine: a new
//! ticket of an automatic tracker gets its thread field set to the ask, the threader then
//! opens its thread as if someone had asked, and a ticket whose field a person cleared is not
//! asked for again.

use chrono::{DateTime, TimeDelta, Utc};
use domain::auto_threads::{Since, ASK};
use ports::auto_threads::AutoThreads;
use ports::ArrivalFilter;
use serde_json::json;

use crate::World;

fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-29T09:00:00Z")
        .expect("a time")
        .with_timezone(&Utc)
}

/// The thread field's value of a ticket in the fixture Redmine, if any.
fn thread_field(world: &World, ticket: u64) -> Option<String> {
    world.redmine.issue(ticket)["custom_fields"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|field| field["name"] == "Discord thread")
        .and_then(|field| field["value"].as_str())
        .filter(|value| !value.is_empty())
        .map(str::to_owned)
}

/// Bugs (tracker 1) are threaded automatically.
fn bugs() -> ArrivalFilter {
    ArrivalFilter {
        trackers: vec![1],
        projects: Vec::new(),
    }
}

#[tokio::test]
async fn a_new_ticket_of_an_automatic_tracker_gets_its_thread_as_if_someone_had_asked() {
    let world = World::new().await;
    world.redmine.set_now(now());
    let bug = world.redmine.open_ticket("bob", "Mast light out", "", None);
    let support = world.redmine.open_ticket("bob", "Password reset", "", None);
    world.redmine.set_fields(
        support,
        &json!({ "tracker": { "id": 3, "name": "Support" } }),
    );
    let tracker = world.tracker();
    let filter = bugs();

    let look = AutoThreads::new(&tracker, &filter, false)
        .pass(&Since::first_look(now() + TimeDelta::minutes(1)))
        .await
        .expect("a look");

    assert_eq!(look.asked, [domain::TicketId::new(bug).expect("id")]);
    assert_eq!(thread_field(&world, bug).as_deref(), Some(ASK));
    assert_eq!(thread_field(&world, support), None);
    let listings: Vec<String> = world
        .redmine
        .received()
        .await
        .into_iter()
        .filter(|request| request.starts_with("GET /issues.json"))
        .collect();
    assert_eq!(listings.len(), 1, "one listing: {listings:#?}");
    assert!(
        listings[0].contains("created_on=>=2026-11-29T08:01:00Z")
            && listings[0].contains("tracker_id=1"),
        "{listings:#?}"
    );
    let pass = world.pass().await;
    assert!(pass.failed.is_empty(), "{:?}", pass.failed);
    assert!(world.thread_of(bug) > 0, "the threader opened its thread");
}

#[tokio::test]
async fn a_ticket_whose_thread_field_a_person_cleared_is_not_asked_for_again() {
    let world = World::new().await;
    world.redmine.set_now(now());
    let first = world.redmine.open_ticket("bob", "Mast light out", "", None);
    let tracker = world.tracker();
    let filter = bugs();
    let auto = AutoThreads::new(&tracker, &filter, false);
    let look = auto
        .pass(&Since::first_look(now()))
        .await
        .expect("a first look");
    assert_eq!(thread_field(&world, first).as_deref(), Some(ASK));

    // A person clears the field; the next ticket comes in the same second.
    assert!(world.redmine.change_as(
        "alice",
        first,
        &json!({ "custom_fields": [{ "id": testkit::redmine::THREAD_FIELD_ID, "value": "" }] })
    ));
    assert_eq!(thread_field(&world, first), None);
    let second = world
        .redmine
        .open_ticket("bob", "Feeder cable cut", "", None);
    let next = auto.pass(&look.next).await.expect("a second look");
    let third = auto.pass(&next.next).await.expect("a third look");

    assert_eq!(next.asked, [domain::TicketId::new(second).expect("id")]);
    assert!(third.asked.is_empty(), "{:?}", third.asked);
    assert_eq!(thread_field(&world, first), None, "never asked for again");
    assert_eq!(thread_field(&world, second).as_deref(), Some(ASK));
}

#[tokio::test]
async fn automatic_trackers_and_projects_are_checked_against_redmine_naming_the_key() {
    let world = World::new().await;
    let tracker = world.tracker();
    let settings = appkit::settings::parse(
        "[threader]\nchannel = 7\nauto_trackers = [\"bug\"]\nauto_projects = [\"netops\"]",
    )
    .expect("settings");
    let threader = settings.threader.expect("a [threader] section");
    let filter = appkit::settings::auto_threads(&tracker, &threader)
        .await
        .expect("known names");
    assert_eq!(
        filter,
        Some(ArrivalFilter {
            trackers: vec![1],
            projects: vec![domain::ProjectId::new(1).expect("id")],
        })
    );

    let misspelt =
        appkit::settings::parse("[threader]\nchannel = 7\nauto_trackers = [\"Mutual-Aid-Action\"]")
            .expect("settings");
    let error = appkit::settings::auto_threads(&tracker, &misspelt.threader.expect("section"))
        .await
        .expect_err("an unknown tracker");
    assert_eq!(
        format!("{error:#}").lines().count(),
        1,
        "one line: {error:#}"
    );
    assert!(
        format!("{error:#}").starts_with(
            "threader.auto_trackers: Redmine has no tracker named 'Mutual-Aid-Action'"
        ),
        "{error:#}"
    );

    let nothing = appkit::settings::parse("[threader]\nchannel = 7").expect("settings");
    assert_eq!(
        appkit::settings::auto_threads(&tracker, &nothing.threader.expect("section"))
            .await
            .expect("nothing to check"),
        None
    );
}
