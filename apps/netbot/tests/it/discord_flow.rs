//! A command's whole answer against a wiremock Discord and a slow fixture Redmine: Discord
//! is acknowledged before Redmine is asked, and the timeout message follows, for the member
//! only, with mentions off.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use domain::Member;
use netbox::{Netbox, NetboxConfig, NetboxToken};
use ports::bot::{Bot, BotSettings};
use ports::StatusNames;
use redmine::{ApiKey, Redmine, RedmineConfig, RedmineDirectory};
use serde_json::{json, Value};
use serenity::all::InteractionId;
use wiremock::matchers::{method, path, path_regex};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

const APP: u64 = 1_299_999_999_999_999_999;
const INTERACTION_TOKEN: &str = "secret-interaction-token";
const ALICE: u64 = 123_456_789_012_345_678;

/// Answers with `template` and notes the request's arrival in a shared log.
struct Logged {
    log: Arc<Mutex<Vec<String>>>,
    label: &'static str,
    template: ResponseTemplate,
}

impl Respond for Logged {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let line = format!("{} {} {}", self.label, request.method, request.url.path())
            .replace(INTERACTION_TOKEN, "[token]");
        let body: Value = serde_json::from_slice(&request.body).unwrap_or(Value::Null);
        self.log.lock().unwrap().push(if body.is_null() {
            line
        } else {
            format!("{line} {body}")
        });
        self.template.clone()
    }
}

fn logged(
    log: &Arc<Mutex<Vec<String>>>,
    label: &'static str,
    template: ResponseTemplate,
) -> Logged {
    Logged {
        log: Arc::clone(log),
        label,
        template,
    }
}

#[tokio::test]
async fn a_slow_redmine_gets_the_defer_first_and_the_timeout_message_after() {
    let (_guard, tracing_log) = crate::capture_logs();
    let log = Arc::new(Mutex::new(Vec::new()));
    let discord_server = MockServer::start().await;
    let message = testkit::fixture("discord/message.json");
    Mock::given(method("POST"))
        .and(path_regex("/callback$"))
        .respond_with(logged(&log, "discord", ResponseTemplate::new(204)))
        .mount(&discord_server)
        .await;
    Mock::given(method("DELETE"))
        .respond_with(logged(&log, "discord", ResponseTemplate::new(204)))
        .mount(&discord_server)
        .await;
    Mock::given(method("POST"))
        .and(path(format!("/api/v10/webhooks/{APP}/{INTERACTION_TOKEN}")))
        .respond_with(logged(
            &log,
            "discord",
            ResponseTemplate::new(200).set_body_json(message.clone()),
        ))
        .mount(&discord_server)
        .await;

    let redmine_server = MockServer::start().await;
    let mut key_owner =
        testkit::fixture("redmine/users__list_with_discord.json")["users"][0].clone();
    key_owner["admin"] = json!(true);
    Mock::given(method("GET"))
        .and(path("/users/current.json"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({ "user": key_owner })))
        .mount(&redmine_server)
        .await;
    Mock::given(method("GET"))
        .and(path("/users.json"))
        .respond_with(testkit::redmine::ok("users__list_with_discord.json"))
        .mount(&redmine_server)
        .await;
    Mock::given(method("GET"))
        .and(path("/groups.json"))
        .respond_with(testkit::redmine::ok("groups.json"))
        .mount(&redmine_server)
        .await;
    Mock::given(method("GET"))
        .and(path("/issues.json"))
        .respond_with(logged(
            &log,
            "redmine",
            testkit::redmine::ok("issues__open_me.json").set_delay(Duration::from_secs(3)),
        ))
        .mount(&redmine_server)
        .await;

    let tracker = Redmine::new(RedmineConfig {
        url: redmine_server.uri(),
        key: ApiKey::new("secret-admin-key"),
        act_as: None,
        timeout: Duration::from_secs(1),
    })
    .unwrap();
    let directory = RedmineDirectory::new(&tracker, "Discord ID");
    let bot = Bot::new(
        tracker,
        Netbox::new(NetboxConfig {
            url: "http://127.0.0.1:9".into(),
            token: NetboxToken::new("unused"),
            ca_cert: None,
            insecure: false,
            timeout: Duration::from_secs(1),
            cache_for: Duration::ZERO,
        })
        .unwrap(),
        directory,
        BotSettings {
            guild_id: domain::GuildId::new(1000).unwrap(),
            admin_role: None,
            reader_login: None,
            default_project: "netops".into(),
            status_names: StatusNames::default(),
            timeout_seconds: 1,
            queries: std::collections::BTreeMap::new(),
            time_zone: domain::due_event::Tz::UTC,
            stale: std::collections::BTreeMap::new(),
        },
    );
    bot.refresh_identities().await.unwrap();
    let http = discord::http(
        &discord::BotToken::new("secret-bot-token"),
        Some(&discord_server.uri()),
        Some(APP),
    );
    let interaction = discord::InteractionRef {
        id: InteractionId::new(1_310_000_000_000_000_000),
        token: INTERACTION_TOKEN.into(),
    };
    let alice = Member {
        id: domain::DiscordUserId::new(ALICE).unwrap(),
        guild_id: Some(domain::GuildId::new(1000).unwrap()),
        role_ids: Vec::new(),
    };

    discord::answer(
        &http,
        &interaction,
        "tickets",
        bot.tickets(&alice, "", chrono::Utc::now()),
    )
    .await;

    let log = log.lock().unwrap().clone();
    let no_mentions = json!({"parse": [], "replied_user": false, "roles": [], "users": []});
    let defer = json!({"data": {"allowed_mentions": no_mentions, "attachments": []}, "type": 5});
    let followup = json!({
        "allowed_mentions": no_mentions,
        "attachments": [],
        "content": "Redmine did not answer in 1 s, try again.",
        "embeds": [],
        "flags": 64
    });
    assert_eq!(
        log,
        [
            format!(
                "discord POST /api/v10/interactions/1310000000000000000/[token]/callback {defer}"
            ),
            String::from("redmine GET /issues.json"),
            format!("discord DELETE /api/v10/webhooks/{APP}/[token]/messages/@original"),
            format!("discord POST /api/v10/webhooks/{APP}/[token] {followup}"),
        ]
    );
    let logged = String::from_utf8(tracing_log.lock().unwrap().clone()).unwrap();
    let answered: Vec<&str> = logged
        .lines()
        .filter(|line| line.contains("answered a command"))
        .collect();
    assert_eq!(answered.len(), 1, "{logged}");
    assert!(
        answered[0].contains("command=\"tickets\"") || answered[0].contains("command=tickets"),
        "{logged}"
    );
    assert!(
        answered[0].contains("answer=\"private\"") || answered[0].contains("answer=private"),
        "{logged}"
    );
    assert!(answered[0].contains("elapsed_ms="), "{logged}");
    for secret in [INTERACTION_TOKEN, "secret-admin-key", "secret-bot-token"] {
        assert!(
            !logged.contains(secret),
            "{secret} in the trace log:\n{logged}"
        );
    }
}
