//! The listings of issue 17's status, automatic threads and recycling against a real Redmine
//! (skipped without one): the "assignee's group" filter covers the group itself, and the
//! `created_on>=` and `updated_on<=` filters with a time are applied, not ignored.

use std::time::Duration;

use chrono::{TimeDelta, Utc};
use ports::{ArrivalFilter, Arrivals, TeamWork, TicketFeed};
use redmine::{ApiKey, Redmine, RedmineConfig};
use testkit::real_redmine::seeded;

fn admin(url: &str, key: &str) -> Redmine {
    Redmine::new(RedmineConfig {
        url: url.to_owned(),
        key: ApiKey::new(key),
        act_as: None,
        timeout: Duration::from_secs(30),
    })
    .unwrap()
}

#[tokio::test]
async fn real_a_teams_open_work_holds_the_tickets_assigned_to_the_group() {
    let Some(seed) = seeded() else { return };
    let redmine = admin(&seed.url, &seed.admin_key);

    let teams = redmine.teams().await.unwrap();
    let team = teams
        .into_iter()
        .find(|team| team.name == seed.team_name)
        .expect("the seeded team is listed");
    assert_eq!(team.id.get(), seed.team_id);
    let work = redmine.open_work(Some(team)).await.unwrap();

    // Each ticket is the group's or its member's (the seeded ticket of the group may have
    // been changed by another scenario, so it is not looked for by number).
    for ticket in &work {
        let who = ticket.assigned_to.as_ref().expect("assigned");
        assert!(
            who.id().get() == seed.team_id || who.name() == seed.crew_name,
            "#{} is {}'s",
            ticket.id,
            who.name()
        );
    }
    let all = redmine.open_work(None).await.unwrap();
    assert!(all.len() >= work.len());
}

#[tokio::test]
async fn real_the_time_filters_are_applied_not_ignored() {
    let Some(seed) = seeded() else { return };
    let redmine = admin(&seed.url, &seed.admin_key);
    let everything = ArrivalFilter::default();

    let recent = redmine
        .created_since(Utc::now() - TimeDelta::days(3650), &everything)
        .await
        .unwrap();
    let future = redmine
        .created_since(Utc::now() + TimeDelta::days(365), &everything)
        .await
        .unwrap();
    assert!(recent
        .iter()
        .any(|ticket| ticket.id.get() == seed.team_ticket));
    assert!(future.is_empty(), "created_on>= is applied");

    let until = Utc::now() + TimeDelta::days(1);
    let idle_now = redmine.idle_since(until).await.unwrap();
    assert!(!idle_now.is_empty());
    assert!(idle_now.iter().all(|ticket| ticket.updated_on <= until));
    let long_ago = Utc::now() - TimeDelta::days(3650);
    let idle_long = redmine.idle_since(long_ago).await.unwrap();
    assert!(
        idle_long.iter().all(|ticket| ticket.updated_on <= long_ago),
        "updated_on<= is applied"
    );
}
