//! Who is who through the Redmine adapter: links in a user custom field, the key's admin
//! status, and linking one member, against fixture servers.

use domain::{DiscordUserId, Login, Principal};
use ports::directory::{Directory, DirectoryError, Link};
use redmine::RedmineDirectory;
use serde_json::json;
use testkit::fixture;
use testkit::redmine::ok;
use testkit::requests::received;
use wiremock::matchers::{body_json, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::redmine;

const ALICE: u64 = 123_456_789_012_345_678;
const BOB: u64 = 234_567_890_123_456_789;
const NEWCOMER: u64 = 345_678_901_234_567_890;

fn directory(server: &MockServer) -> RedmineDirectory {
    RedmineDirectory::new(&redmine(server), "discord id")
}

fn login(text: &str) -> Login {
    Login::new(text).unwrap()
}

fn member(id: u64) -> DiscordUserId {
    DiscordUserId::new(id).unwrap()
}

/// `/users/current.json` as Redmine shows it to the key's owner, admin or not.
async fn current_user(server: &MockServer, admin: Option<bool>) {
    let mut me = fixture("redmine/users__current.json");
    match admin {
        Some(admin) => me["user"]["admin"] = admin.into(),
        None => {
            me["user"].as_object_mut().unwrap().remove("admin");
        }
    }
    Mock::given(method("GET"))
        .and(path("/users/current.json"))
        .respond_with(ResponseTemplate::new(200).set_body_json(me))
        .mount(server)
        .await;
}

#[tokio::test]
async fn the_roster_holds_every_link_person_and_team_from_one_user_listing() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/users.json"))
        .respond_with(ok("users__list_with_discord.json"))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/groups.json"))
        .respond_with(ok("groups.json"))
        .expect(1)
        .mount(&server)
        .await;

    let roster = directory(&server).roster().await.unwrap();

    assert_eq!(
        roster.links,
        vec![
            Link {
                member: member(ALICE),
                login: login("alice"),
            },
            Link {
                member: member(BOB),
                login: login("bob"),
            },
        ]
    );
    let names: Vec<&str> = roster.people.iter().map(Principal::name).collect();
    assert_eq!(
        names,
        [
            "Redmine Admin",
            "Alice Liddell",
            "Bob Builder",
            "Field Team"
        ]
    );
    insta::assert_debug_snapshot!(received(&server).await, @r#"
    [
        "GET /users.json?limit=100&offset=0&status=1",
        "GET /groups.json?limit=100&offset=0",
    ]
    "#);
}

#[tokio::test]
async fn a_value_that_is_not_a_discord_id_links_nobody() {
    let server = MockServer::start().await;
    let mut users = fixture("redmine/users__list_with_discord.json");
    users["users"][1]["custom_fields"][0]["value"] = json!("alice#1234");
    users["users"][2]["custom_fields"][0]["value"] = json!("");
    Mock::given(method("GET"))
        .and(path("/users.json"))
        .respond_with(ResponseTemplate::new(200).set_body_json(users))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/groups.json"))
        .respond_with(ok("groups.json"))
        .mount(&server)
        .await;

    let roster = directory(&server).roster().await.unwrap();

    assert_eq!(roster.links, Vec::new());
}

#[tokio::test]
async fn an_admins_key_may_act_as_others_and_a_members_may_not() {
    for (admin, expected) in [(true, true), (false, false)] {
        let server = MockServer::start().await;
        current_user(&server, Some(admin)).await;
        assert_eq!(
            directory(&server).can_act_as_others().await.unwrap(),
            expected
        );
        assert_eq!(received(&server).await, ["GET /users/current.json"]);
    }
}

#[tokio::test]
async fn a_redmine_that_does_not_say_is_asked_for_an_admin_only_listing() {
    let server = MockServer::start().await;
    current_user(&server, None).await;
    Mock::given(method("GET"))
        .and(path("/users.json"))
        .respond_with(ResponseTemplate::new(403))
        .mount(&server)
        .await;

    assert!(!directory(&server).can_act_as_others().await.unwrap());
}

#[tokio::test]
async fn a_key_that_is_not_an_admins_cannot_read_the_roster() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/users.json"))
        .respond_with(ResponseTemplate::new(403))
        .mount(&server)
        .await;

    let error = directory(&server).roster().await.unwrap_err();

    assert!(matches!(error, DirectoryError::NotAdmin), "{error}");
}

#[tokio::test]
async fn the_directory_asks_as_the_keys_owner_even_from_a_tracker_acting_as_a_member() {
    let server = MockServer::start().await;
    current_user(&server, Some(true)).await;

    let acting = redmine(&server).acting_as("alice");
    let directory = RedmineDirectory::new(&acting, "Discord ID");
    assert!(directory.can_act_as_others().await.unwrap());

    assert_eq!(received(&server).await, ["GET /users/current.json"]);
}

/// A Redmine with the custom fields and the users named like `bob` (bob and bobby).
async fn linkable() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/custom_fields.json"))
        .respond_with(ok("custom_fields.json"))
        .mount(&server)
        .await;
    let mut users = fixture("redmine/users__list_with_discord.json");
    let mut bobby = users["users"][2].clone();
    bobby["id"] = json!(9);
    bobby["login"] = json!("bobby");
    let bob = users["users"][2].clone();
    users["users"] = json!([bobby, bob]);
    users["total_count"] = json!(2);
    Mock::given(method("GET"))
        .and(path("/users.json"))
        .and(query_param("name", "Bob"))
        .respond_with(ResponseTemplate::new(200).set_body_json(users))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/users.json"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({ "users": [], "total_count": 0, "offset": 0, "limit": 100 })),
        )
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn linking_writes_the_id_into_the_configured_field_of_exactly_that_login() {
    let server = linkable().await;
    Mock::given(method("PUT"))
        .and(path("/users/6.json"))
        .and(body_json(json!({ "user": { "custom_fields": [
            { "id": 1, "value": NEWCOMER.to_string() }
        ]}})))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;

    let spelt = directory(&server)
        .link(member(NEWCOMER), &login("Bob"))
        .await
        .unwrap();

    assert_eq!(spelt, login("bob"));
}

#[tokio::test]
async fn linking_an_unknown_login_or_without_the_field_says_which() {
    let server = linkable().await;
    let error = directory(&server)
        .link(member(NEWCOMER), &login("zed"))
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "no active tracker user has the login 'zed'"
    );

    let error = RedmineDirectory::new(&redmine(&server), "Matrix ID")
        .link(member(NEWCOMER), &login("Bob"))
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "the tracker has no user field named 'Matrix ID' to keep Discord ids in"
    );
    assert!(
        received(&server)
            .await
            .iter()
            .all(|line| line.starts_with("GET ")),
        "nothing was written"
    );
}
