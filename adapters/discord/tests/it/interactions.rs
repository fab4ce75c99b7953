//! Answering interactions against a wiremock Discord (through `DISCORD_API_URL`'s
//! mechanism, serenity's proxy): paths, `Authorization: Bot …`, and `allowed_mentions`.

use discord::{answer, defer, deliver, http, BotToken, InteractionRef};
use domain::Reply;
use serde_json::{json, Value};
use serenity::all::InteractionId;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const TOKEN: &str = "bot-token-for-tests";
const APP: u64 = 1_299_999_999_999_999_999;
const SECRET_INTERACTION_TOKEN: &str = "aW50ZXJhY3Rpb24tdG9rZW4tc2VjcmV0";

fn message() -> Value {
    testkit::fixture("discord/message.json")
}

fn interaction() -> InteractionRef {
    InteractionRef {
        id: InteractionId::new(1_310_000_000_000_000_000),
        token: SECRET_INTERACTION_TOKEN.into(),
    }
}

async fn discord() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(format!(
            "/api/v10/interactions/1310000000000000000/{SECRET_INTERACTION_TOKEN}/callback"
        )))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    Mock::given(method("PATCH"))
        .and(path(format!(
            "/api/v10/webhooks/{APP}/{SECRET_INTERACTION_TOKEN}/messages/@original"
        )))
        .respond_with(ResponseTemplate::new(200).set_body_json(message()))
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path(format!(
            "/api/v10/webhooks/{APP}/{SECRET_INTERACTION_TOKEN}/messages/@original"
        )))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(format!(
            "/api/v10/webhooks/{APP}/{SECRET_INTERACTION_TOKEN}"
        )))
        .respond_with(ResponseTemplate::new(200).set_body_json(message()))
        .mount(&server)
        .await;
    server
}

fn client(server: &MockServer) -> serenity::all::Http {
    http(&BotToken::new(TOKEN), Some(&server.uri()), Some(APP))
}

/// Each request as `METHOD path` with its JSON body, the interaction token shown as [token].
async fn calls(server: &MockServer) -> Vec<(String, Value)> {
    let requests = server.received_requests().await.unwrap();
    for request in &requests {
        assert_eq!(
            request
                .headers
                .get("authorization")
                .unwrap()
                .to_str()
                .unwrap(),
            format!("Bot {TOKEN}")
        );
    }
    requests
        .iter()
        .map(|request| {
            let line = format!("{} {}", request.method, request.url.path())
                .replace(SECRET_INTERACTION_TOKEN, "[token]");
            let body = serde_json::from_slice(&request.body).unwrap_or(Value::Null);
            (line, body)
        })
        .collect()
}

#[tokio::test]
async fn deferring_acknowledges_the_interaction_with_mentions_off() {
    let server = discord().await;

    defer(&client(&server), &interaction()).await.unwrap();

    let calls = calls(&server).await;
    assert_eq!(
        calls[0].0,
        "POST /api/v10/interactions/1310000000000000000/[token]/callback"
    );
    assert_eq!(calls[0].1["type"], json!(5));
    assert_eq!(calls[0].1["data"]["allowed_mentions"]["parse"], json!([]));
}

#[tokio::test]
async fn a_public_reply_replaces_the_thinking_message_and_pings_nobody() {
    let server = discord().await;

    deliver(
        &client(&server),
        &interaction(),
        &Reply::public("@everyone **[#42](<https://r/issues/42>)**"),
    )
    .await
    .unwrap();

    let calls = calls(&server).await;
    assert_eq!(calls.len(), 1);
    assert_eq!(
        calls[0].0,
        format!("PATCH /api/v10/webhooks/{APP}/[token]/messages/@original")
    );
    assert_eq!(
        calls[0].1["content"],
        json!("@everyone **[#42](<https://r/issues/42>)**")
    );
    insta::assert_json_snapshot!(calls[0].1["allowed_mentions"], @r#"
    {
      "parse": [],
      "replied_user": false,
      "roles": [],
      "users": []
    }
    "#);
}

#[tokio::test]
async fn a_private_reply_removes_the_thinking_message_and_follows_up_for_the_member_only() {
    let server = discord().await;

    deliver(
        &client(&server),
        &interaction(),
        &Reply::private("Ticket 9 not found."),
    )
    .await
    .unwrap();

    let calls = calls(&server).await;
    let lines: Vec<&str> = calls.iter().map(|(line, _)| line.as_str()).collect();
    assert_eq!(
        lines,
        [
            format!("DELETE /api/v10/webhooks/{APP}/[token]/messages/@original"),
            format!("POST /api/v10/webhooks/{APP}/[token]"),
        ]
    );
    assert_eq!(calls[1].1["flags"], json!(64), "ephemeral");
    assert_eq!(calls[1].1["allowed_mentions"]["parse"], json!([]));
    assert_eq!(calls[1].1["content"], json!("Ticket 9 not found."));
}

#[tokio::test]
async fn answering_defers_before_the_work_starts() {
    let server = discord().await;
    let client = client(&server);

    answer(&client, &interaction(), "test", async {
        // By the time the work runs, Discord has its acknowledgement.
        let seen = calls(&server).await;
        assert_eq!(seen.len(), 1, "{seen:?}");
        assert!(seen[0].0.ends_with("/callback"));
        Reply::public("done")
    })
    .await;

    assert_eq!(calls(&server).await.len(), 2);
}

#[tokio::test]
async fn a_discord_error_is_told_without_the_interaction_token() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(404)
                .set_body_json(json!({"message": "Unknown interaction", "code": 10062})),
        )
        .mount(&server)
        .await;

    let error = defer(&client(&server), &interaction())
        .await
        .unwrap_err()
        .to_string();

    assert!(!error.contains(SECRET_INTERACTION_TOKEN), "{error}");
    insta::assert_snapshot!(error, @"Discord answered 404 to POST: Unknown interaction");
}

#[tokio::test]
async fn tokens_never_show_in_debug_output() {
    assert_eq!(
        format!("{:?}", BotToken::new(TOKEN)),
        "BotToken(SecretBox<str>([REDACTED]))"
    );
    let shown = format!("{:?}", interaction());
    assert!(!shown.contains(SECRET_INTERACTION_TOKEN), "{shown}");
    assert!(shown.contains("[REDACTED]"), "{shown}");
}
