//! Notifications through the real adapters: new tickets routed once, stale ones reminded once
//! per idle spell, and only the intended id pinged.

use chrono::{DateTime, TimeDelta, Utc};
use domain::notify::{NotifyRules, Ping, Route};
use domain::{ChannelId, RoleId};
use ports::notify::{Notifier, NotifyReport};
use ports::threader::WhoIsWho;
use redmine::RedmineDirectory;
use serde_json::json;

use crate::{World, ALICE, CHANNEL};

const INTAKE: u64 = 661_720_259_375_529_989;
const INFRA: u64 = 661_720_259_383_918_597;
const ROLE: u64 = 661_720_259_383_000_777;

fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-29T09:00:00Z")
        .expect("a time")
        .with_timezone(&Utc)
}

async fn notify_world() -> World {
    World {
        redmine: testkit::redmine::DemoRedmine::start_admin().await,
        discord: testkit::discord::FakeDiscord::start(
            crate::GUILD,
            crate::BOT,
            &[CHANNEL, INTAKE, INFRA],
        )
        .await,
    }
}

fn rules(stale: &[(u64, i64)]) -> NotifyRules {
    NotifyRules {
        intake: ChannelId::new(INTAKE).expect("id"),
        window: TimeDelta::days(1),
        routes: vec![
            Route {
                project: Some(domain::ProjectId::new(1).expect("id")),
                tracker: Some(String::from("Bug")),
                category: None,
                assignee: Some(domain::UserId::new(5).expect("id")),
                channel: ChannelId::new(INFRA).expect("id"),
                ping: Ping::Assignee,
                team: None,
            },
            Route {
                project: Some(domain::ProjectId::new(1).expect("id")),
                tracker: None,
                category: None,
                assignee: None,
                channel: ChannelId::new(INFRA).expect("id"),
                ping: Ping::Role(RoleId::new(ROLE).expect("id")),
                team: None,
            },
        ],
        stale: stale
            .iter()
            .map(|(status, days)| (*status, TimeDelta::days(*days)))
            .collect(),
        digest: None,
        recycle: None,
    }
}

async fn notify(world: &World, rules: &NotifyRules, at: DateTime<Utc>) -> NotifyReport {
    let tracker = world.tracker();
    let people = WhoIsWho::from_directory(&RedmineDirectory::new(&tracker, "Discord ID"))
        .await
        .expect("who is who");
    let chat = discord::DiscordChat::connect(
        &discord::BotToken::new("test-token"),
        Some(&world.discord.uri()),
    );
    Notifier::new(&tracker, &chat, rules, false)
        .pass(at, &people.users)
        .await
        .expect("a notification pass")
}

fn texts(world: &World, channel: u64) -> Vec<String> {
    world
        .discord
        .messages(channel)
        .into_iter()
        .map(|message| message.content)
        .collect()
}

#[tokio::test]
async fn a_new_ticket_is_announced_once_where_its_route_says_pinging_only_its_assignee() {
    let world = notify_world().await;
    world.redmine.set_now(now());
    let ticket = world
        .redmine
        .open_ticket("bob", "@everyone <@&1> Mast light out", "", None);
    world.redmine.set_fields(
        ticket,
        &json!({ "assigned_to": { "id": 5, "name": "Alice Liddell" } }),
    );

    let first = notify(&world, &rules(&[]), now()).await;
    let second = notify(&world, &rules(&[]), now() + TimeDelta::minutes(5)).await;

    assert_eq!((first.announced, second.announced), (1, 0));
    let infra = texts(&world, INFRA);
    assert_eq!(infra.len(), 1, "{infra:#?}");
    assert!(
        infra[0].starts_with(&format!("<@{ALICE}> 📥 New ticket")),
        "{}",
        infra[0]
    );
    assert!(infra[0].contains("for Alice Liddell"), "{}", infra[0]);
    let mentions = world.discord.allowed_mentions_seen();
    assert_eq!(mentions.len(), 1);
    assert_eq!(mentions[0]["parse"], json!([]));
    assert_eq!(mentions[0]["users"], json!([ALICE.to_string()]));
    assert!(
        mentions[0]["roles"].as_array().is_none_or(Vec::is_empty),
        "{}",
        mentions[0]
    );
}

#[tokio::test]
async fn an_unassigned_ticket_goes_to_the_intake_and_pings_nobody() {
    let world = notify_world().await;
    world.redmine.set_now(now());
    world
        .redmine
        .open_ticket("bob", "Node 12 offline", "", None);

    let report = notify(&world, &rules(&[]), now()).await;

    assert_eq!(report.announced, 1);
    let intake = texts(&world, INTAKE);
    assert_eq!(intake.len(), 1);
    assert!(
        intake[0].contains("needs a person to route it"),
        "{}",
        intake[0]
    );
    assert!(texts(&world, INFRA).is_empty());
    assert_eq!(world.discord.allowed_mentions_seen()[0]["parse"], json!([]));
}

#[tokio::test]
async fn the_first_pass_announces_nothing_older_than_the_window() {
    let world = notify_world().await;
    // The recorded tickets were opened on 2026-11-26, more than a day before now().
    let report = notify(&world, &rules(&[]), now()).await;
    assert_eq!(report.announced, 0, "{report:?}");
    assert!(world
        .discord
        .requests()
        .iter()
        .all(|request| request.method == "GET"));
}

#[tokio::test]
async fn an_announcement_that_failed_is_sent_by_the_next_pass_once() {
    let world = notify_world().await;
    world.redmine.set_now(now());
    world
        .redmine
        .open_ticket("bob", "Node 12 offline", "", None);
    world.discord.fail_nth_write(1, 500);

    let failing = notify(&world, &rules(&[]), now()).await;
    assert_eq!(failing.failed.len(), 1, "{failing:?}");
    let again = notify(&world, &rules(&[]), now()).await;
    let once_more = notify(&world, &rules(&[]), now()).await;

    assert_eq!((again.announced, once_more.announced), (1, 0));
    assert_eq!(texts(&world, INTAKE).len(), 1);
}

#[tokio::test]
async fn a_stale_ticket_is_reminded_once_and_again_only_after_an_update() {
    let world = notify_world().await;
    world.redmine.set_now(now());
    let ticket = world.redmine.open_ticket("bob", "Battery swap", "", None);
    let stale_rules = rules(&[(2, 7)]);
    assert!(world.redmine.change_as(
        "alice",
        ticket,
        &json!({ "status_id": 2, "assigned_to_id": 5 })
    ));
    // Announce it now, so that only reminders are counted below.
    notify(&world, &stale_rules, now()).await;

    // The recorded tickets in progress are older: they are reminded at the first look.
    let reminders_of_ours = |world: &World| -> Vec<String> {
        texts(world, INFRA)
            .into_iter()
            .filter(|text| text.contains("⏰") && text.contains(&format!("[#{ticket}]")))
            .collect()
    };
    notify(&world, &stale_rules, now() + TimeDelta::days(6)).await;
    assert!(reminders_of_ours(&world).is_empty(), "not stale yet");
    notify(&world, &stale_rules, now() + TimeDelta::days(8)).await;
    let later = notify(&world, &stale_rules, now() + TimeDelta::days(9)).await;
    assert_eq!(later.reminded, 0, "everything was reminded once already");
    let reminders = reminders_of_ours(&world);
    assert_eq!(reminders.len(), 1, "{reminders:#?}");
    assert!(
        reminders[0].starts_with(&format!("<@{ALICE}> ⏰")),
        "{}",
        reminders[0]
    );
    assert!(reminders[0].contains("has been In Progress with no update since <t:"));

    world.redmine.set_now(now() + TimeDelta::days(10));
    assert!(world.redmine.change_as(
        "alice",
        ticket,
        &json!({ "notes": "Still waiting for the battery." })
    ));
    notify(&world, &stale_rules, now() + TimeDelta::days(12)).await;
    assert_eq!(reminders_of_ours(&world).len(), 1, "updated: not stale");
    let stale_again = notify(&world, &stale_rules, now() + TimeDelta::days(18)).await;
    assert_eq!(stale_again.reminded, 1, "{stale_again:?}");
    assert_eq!(reminders_of_ours(&world).len(), 2);
}

#[tokio::test]
async fn a_stale_ticket_with_a_thread_is_reminded_in_its_thread() {
    let world = notify_world().await;
    world.redmine.set_now(now());
    let ticket = world
        .redmine
        .open_ticket("bob", "Battery swap", "", Some("yes"));
    world.pass().await;
    let thread = world.thread_of(ticket);

    notify(&world, &rules(&[(1, 2)]), now() + TimeDelta::days(3)).await;

    let in_thread: Vec<String> = texts(&world, thread)
        .into_iter()
        .filter(|text| text.contains("⏰"))
        .collect();
    assert_eq!(in_thread.len(), 1, "{in_thread:#?}");
    assert!(in_thread[0].contains(&format!("[#{ticket}]")));
}

#[tokio::test]
async fn with_a_digest_stale_tickets_come_once_a_day_in_one_message_per_channel() {
    use domain::notify::DigestRule;

    let world = notify_world().await;
    world.redmine.set_now(now());
    let ticket = world.redmine.open_ticket("bob", "Battery swap", "", None);
    assert!(world.redmine.change_as(
        "alice",
        ticket,
        &json!({ "status_id": 2, "assigned_to_id": 5 })
    ));
    let mut digest_rules = rules(&[(2, 7)]);
    // 10:00 in Zurich is 09:00 UTC in winter.
    digest_rules.digest = Some(DigestRule::parse("10:00", Some("Europe/Zurich")).expect("a rule"));
    let digests = |world: &World| -> Vec<String> {
        texts(world, INFRA)
            .into_iter()
            .filter(|text| text.starts_with("🗓 Stale tickets"))
            .collect()
    };
    // Announce the new ticket first, so that only the digest is counted below.
    notify(&world, &digest_rules, now()).await;

    let day = now() + TimeDelta::days(8);
    let early = day - TimeDelta::hours(1); // 09:00 in Zurich: not yet
    notify(&world, &digest_rules, early).await;
    assert!(digests(&world).is_empty(), "not before 10:00 local time");
    notify(&world, &digest_rules, day).await;
    notify(&world, &digest_rules, day + TimeDelta::hours(3)).await;
    let sent = digests(&world);
    assert_eq!(sent.len(), 1, "once that day: {sent:#?}");
    assert!(
        sent[0].starts_with("🗓 Stale tickets, 2026-12-07"),
        "{}",
        sent[0]
    );
    assert!(sent[0].contains(&format!("[#{ticket}]")), "{}", sent[0]);
    assert!(
        sent[0].contains(&format!("<@{ALICE}>")),
        "the assignee's member is pinged: {}",
        sent[0]
    );
    assert!(
        texts(&world, INFRA).iter().all(|text| !text.contains("⏰")),
        "no single reminders with a digest"
    );

    notify(&world, &digest_rules, day + TimeDelta::days(1)).await;
    assert_eq!(digests(&world).len(), 2, "and again the next day");
}
