//! `tickets --status [TEAM]`: a team's open work in four buckets, through the real adapter
//! against the fixture Redmine, with `netbot.toml`'s `[notify.stale]`.

use crate::{assert_run, tickets};
use testkit::redmine::DemoRedmine;

/// A `netbot.toml` whose `[notify.stale]` makes New stale after an hour, in a directory of
/// this test's own.
fn settings_file(test: &str) -> String {
    let dir = std::env::temp_dir().join(format!("netbot-status-{}-{test}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("netbot.toml");
    std::fs::write(
        &path,
        "[notify]\nintake = 1\n[notify.stale]\n\"New\" = \"1h\"\n",
    )
    .unwrap();
    path.display().to_string()
}

async fn status(redmine: &DemoRedmine, args: &[&str], test: &str) -> testkit::process::Run {
    let url = redmine.url();
    let config = settings_file(test);
    let mut all = vec!["--status"];
    all.extend_from_slice(args);
    tickets(
        &all,
        &[
            ("REDMINE_URL", &url),
            ("REDMINE_TOKEN", "fixture-key-123"),
            ("NETBOT_CONFIG", &config),
        ],
    )
    .await
}

#[tokio::test]
async fn a_teams_status_lists_the_group_and_its_members_tickets_in_one_listing() {
    let redmine = DemoRedmine::start().await;
    let run = status(&redmine, &["Field", "Team"], "team").await;
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_run!(run.transcript());
    let listings: Vec<String> = redmine
        .received()
        .await
        .into_iter()
        .filter(|request| request.starts_with("GET /issues.json"))
        .collect();
    insta::assert_debug_snapshot!(listings);
}

#[tokio::test]
async fn without_a_team_every_open_ticket_is_listed_and_json_has_each_bucket() {
    let redmine = DemoRedmine::start().await;
    let run = status(&redmine, &["--json"], "all").await;
    assert_eq!(run.code, 0, "{}", run.stderr);
    let value: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(value["team"], serde_json::Value::Null);
    let counted: u64 = ["high", "normal", "low", "stale"]
        .iter()
        .map(|bucket| value[*bucket]["count"].as_u64().unwrap())
        .sum();
    assert_eq!(value["total"].as_u64(), Some(counted));
    // New is stale after an hour: every New ticket is in the stale bucket, and only those.
    let stale = value["stale"]["tickets"].as_array().unwrap();
    assert!(!stale.is_empty());
    assert!(stale.iter().all(|ticket| ticket["status"] == "New"));
    for bucket in ["high", "normal", "low"] {
        for ticket in value[bucket]["tickets"].as_array().unwrap() {
            assert_ne!(ticket["status"], "New", "{bucket}: {ticket}");
        }
    }
}

#[tokio::test]
async fn a_number_or_a_person_after_status_is_a_usage_error_and_an_unknown_team_fails() {
    let redmine = DemoRedmine::start().await;
    let run = status(&redmine, &["42"], "number").await;
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("not a ticket number"), "{}", run.stderr);
    let run = status(&redmine, &["bob"], "person").await;
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("not a team"), "{}", run.stderr);
    let run = status(&redmine, &["Roof", "Crew"], "unknown").await;
    assert_eq!(run.code, 1, "{}", run.stderr);
}
