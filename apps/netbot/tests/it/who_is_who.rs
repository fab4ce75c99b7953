//! Who is who through the real Redmine adapter: a key that is not (or stops being) an admin's
//! makes the bot refuse to act for anyone, saying why, and sends Redmine no change.

use std::collections::BTreeMap;
use std::time::Duration;

use chrono::Utc;
use domain::{Member, Reply};
use netbox::{Netbox, NetboxConfig, NetboxToken};
use ports::bot::{Bot, BotSettings, TicketAction};
use ports::{DirectoryError, StatusNames};
use redmine::{ApiKey, Redmine, RedmineConfig, RedmineDirectory};
use serde_json::json;
use testkit::redmine::DemoRedmine;
use wiremock::matchers::{method, path, path_regex};
use wiremock::{Mock, MockServer, ResponseTemplate};

const GUILD: u64 = 1000;
/// Linked to alice in the recorded users' "Discord ID" field.
const ALICE: u64 = 123_456_789_012_345_678;

const REFUSAL: &str = "I cannot act as you right now: my Redmine key is no longer allowed to act \
                       for members, and I will not act in someone else's name. Please tell a \
                       netbot admin.";

fn bot(redmine_url: String) -> Bot<Redmine, Netbox, RedmineDirectory> {
    let tracker = Redmine::new(RedmineConfig {
        url: redmine_url,
        key: ApiKey::new("bot-key"),
        act_as: None,
        timeout: Duration::from_secs(2),
    })
    .unwrap();
    let directory = RedmineDirectory::new(&tracker, "Discord ID");
    let inventory = Netbox::new(NetboxConfig {
        url: "http://127.0.0.1:9".into(),
        token: NetboxToken::new("unused"),
        ca_cert: None,
        insecure: false,
        timeout: Duration::from_secs(1),
        cache_for: Duration::ZERO,
    })
    .unwrap();
    Bot::new(
        tracker,
        inventory,
        directory,
        BotSettings {
            guild_id: domain::GuildId::new(GUILD).unwrap(),
            admin_role: None,
            reader_login: Some(domain::Login::new("alice").unwrap()),
            default_project: "netops".into(),
            status_names: StatusNames::default(),
            timeout_seconds: 2,
            queries: BTreeMap::new(),
            time_zone: domain::due_event::Tz::UTC,
            stale: BTreeMap::new(),
        },
    )
}

fn alice() -> Member {
    Member {
        id: domain::DiscordUserId::new(ALICE).unwrap(),
        guild_id: Some(domain::GuildId::new(GUILD).unwrap()),
        role_ids: Vec::new(),
    }
}

#[tokio::test]
async fn a_members_key_acts_for_nobody_and_says_why() {
    let redmine = DemoRedmine::start().await;
    let bot = bot(redmine.url());

    assert!(matches!(
        bot.refresh_identities().await,
        Err(DirectoryError::NotAdmin)
    ));
    let reply = bot
        .ticket(
            &no_chat(),
            &alice(),
            "42",
            TicketAction::Resolve,
            None,
            None,
            Utc::now(),
        )
        .await;

    assert_eq!(reply, Reply::private(REFUSAL));
    assert_eq!(redmine.received().await, ["GET /users/current.json"]);
}

#[tokio::test]
async fn a_key_that_stops_being_an_admins_is_noticed_at_the_next_refresh_and_nothing_is_changed() {
    let server = MockServer::start().await;
    let key_owner = |admin: bool| {
        let mut owner =
            testkit::fixture("redmine/users__list_with_discord.json")["users"][0].clone();
        owner["admin"] = json!(admin);
        ResponseTemplate::new(200).set_body_json(json!({ "user": owner }))
    };
    // An admin's key at the first refresh; demoted before the second.
    Mock::given(method("GET"))
        .and(path("/users/current.json"))
        .respond_with(key_owner(true))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/users/current.json"))
        .respond_with(key_owner(false))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/users.json"))
        .respond_with(testkit::redmine::ok("users__list_with_discord.json"))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/groups.json"))
        .respond_with(testkit::redmine::ok("groups.json"))
        .mount(&server)
        .await;
    Mock::given(path_regex("^/issues"))
        .respond_with(ResponseTemplate::new(500))
        .expect(0)
        .mount(&server)
        .await;
    let bot = bot(server.uri());

    assert_eq!(bot.refresh_identities().await.unwrap(), 2);
    assert!(matches!(
        bot.refresh_identities().await,
        Err(DirectoryError::NotAdmin)
    ));

    for reply in [
        bot.ticket(
            &no_chat(),
            &alice(),
            "42",
            TicketAction::Resolve,
            None,
            None,
            Utc::now(),
        )
        .await,
        bot.new_ticket(&alice(), "AP down", "", Utc::now()).await,
        bot.tickets(&alice(), "", Utc::now()).await,
    ] {
        assert_eq!(reply, Reply::private(REFUSAL));
    }
    // Autocomplete still offers the people last seen: it changes nothing.
    assert!(bot
        .complete_person("bob")
        .iter()
        .any(|(name, _)| name == "Bob Builder"));
}

/// A chat nobody answers: the refusals here come before any Discord call.
fn no_chat() -> discord::DiscordChat {
    discord::DiscordChat::connect(
        &discord::BotToken::new("unused"),
        Some("http://127.0.0.1:9"),
    )
}
