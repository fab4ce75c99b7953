//! `/status [team]` through the bot's use case and the real Redmine adapter against the
//! fixture Redmine: the group and its members' open tickets in four buckets, the team
//! autocompleted from the groups the bot knows.

use std::collections::BTreeMap;
use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};
use domain::{Member, Reply};
use netbox::{Netbox, NetboxConfig, NetboxToken};
use ports::bot::{Bot, BotSettings};
use ports::StatusNames;
use redmine::{ApiKey, Redmine, RedmineConfig, RedmineDirectory};
use testkit::netbox::{DemoNetbox, DEMO_TOKEN};
use testkit::redmine::DemoRedmine;

const GUILD: u64 = 1000;
/// Linked to alice in the recorded users' "Discord ID" field.
const ALICE: u64 = 123_456_789_012_345_678;

fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-27T12:00:00Z")
        .unwrap()
        .with_timezone(&Utc)
}

fn alice() -> Member {
    Member {
        id: domain::DiscordUserId::new(ALICE).unwrap(),
        guild_id: Some(domain::GuildId::new(GUILD).unwrap()),
        role_ids: Vec::new(),
    }
}

/// The bot over the fixture Redmine, with `[notify.stale]` making New stale after an hour.
async fn bot() -> (
    Bot<Redmine, Netbox, RedmineDirectory>,
    DemoRedmine,
    DemoNetbox,
) {
    let redmine = DemoRedmine::start_admin().await;
    redmine.set_now(now());
    let netbox = DemoNetbox::start().await;
    let tracker = Redmine::new(RedmineConfig {
        url: redmine.url(),
        key: ApiKey::new("bot-admin-key"),
        act_as: None,
        timeout: Duration::from_secs(8),
    })
    .unwrap();
    let inventory = Netbox::new(NetboxConfig {
        url: netbox.url(),
        token: NetboxToken::new(DEMO_TOKEN),
        ca_cert: None,
        insecure: false,
        timeout: Duration::from_secs(8),
        cache_for: Duration::from_secs(300),
    })
    .unwrap();
    let directory = RedmineDirectory::new(&tracker, "Discord ID");
    let bot = Bot::new(
        tracker,
        inventory,
        directory,
        BotSettings {
            guild_id: domain::GuildId::new(GUILD).unwrap(),
            admin_role: None,
            reader_login: None,
            default_project: "netops".into(),
            status_names: StatusNames::default(),
            timeout_seconds: 8,
            queries: BTreeMap::new(),
            time_zone: domain::due_event::Tz::UTC,
            stale: BTreeMap::from([(String::from("New"), TimeDelta::hours(1))]),
        },
    );
    bot.refresh_identities().await.unwrap();
    (bot, redmine, netbox)
}

fn shown(reply: &Reply) -> String {
    let text = regex_free_redact(&reply.text);
    format!(
        "{}\n{text}",
        if reply.ephemeral {
            "[only you]"
        } else {
            "[channel]"
        }
    )
}

/// The fixture server's port, which changes every run, as `[server]`.
fn regex_free_redact(text: &str) -> String {
    let mut redacted = String::new();
    let mut rest = text;
    while let Some(start) = rest.find("http://127.0.0.1:") {
        redacted.push_str(&rest[..start]);
        redacted.push_str("http://[server]");
        rest = rest[start + "http://127.0.0.1:".len()..]
            .trim_start_matches(|c: char| c.is_ascii_digit());
    }
    redacted.push_str(rest);
    redacted
}

#[tokio::test]
async fn a_teams_status_is_one_message_of_its_and_its_members_open_tickets_by_bucket() {
    let (bot, redmine, _netbox) = bot().await;
    let reply = bot.status(&alice(), Some("field team"), now()).await;
    insta::assert_snapshot!(shown(&reply));
    let listings: Vec<String> = redmine
        .received()
        .await
        .into_iter()
        .filter(|request| request.starts_with("GET /issues.json"))
        .collect();
    assert_eq!(listings.len(), 1, "{listings:#?}");
    assert!(
        listings[0].contains("member_of_group=7") && listings[0].contains("alice"),
        "one listing by the group, as the member: {listings:#?}"
    );
}

#[tokio::test]
async fn without_a_team_every_open_ticket_is_counted_within_one_message() {
    let (bot, _redmine, _netbox) = bot().await;
    let reply = bot.status(&alice(), None, now()).await;
    assert!(!reply.ephemeral);
    assert!(
        reply.text.starts_with("**All open tickets**: "),
        "{}",
        reply.text
    );
    assert!(reply.text.chars().count() <= domain::limits::MESSAGE_LIMIT);
}

#[tokio::test]
async fn teams_are_autocompleted_from_the_groups_and_an_unknown_one_gets_the_closest() {
    let (bot, _redmine, _netbox) = bot().await;
    assert_eq!(
        bot.complete_team("fie").await,
        [(String::from("Field Team"), String::from("Field Team"))]
    );
    let reply = bot.status(&alice(), Some("Feld Team"), now()).await;
    assert!(reply.ephemeral, "{}", reply.text);
    assert!(reply.text.contains("Field Team"), "{}", reply.text);
}
