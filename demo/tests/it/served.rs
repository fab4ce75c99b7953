//! The fakes answer over real HTTP on loopback, as the adapters will meet them.

use demo::netbox::{DemoNetbox, DEMO_TOKEN};
use demo::redmine::DemoRedmine;

#[tokio::test]
async fn the_demo_redmine_answers_a_keyed_request_and_refuses_one_without_a_key() {
    let redmine = DemoRedmine::start().await.unwrap();
    let client = reqwest::Client::new();
    let url = format!("{}/users/current.json", redmine.url());

    let keyless = client.get(&url).send().await.unwrap();
    let keyed = client
        .get(&url)
        .header("X-Redmine-API-Key", "demo")
        .send()
        .await
        .unwrap();

    assert_eq!(keyless.status().as_u16(), 401);
    assert_eq!(keyed.status().as_u16(), 200);
    let body: serde_json::Value = keyed.json().await.unwrap();
    assert_eq!(body["user"]["login"], "alice");
}

#[tokio::test]
async fn changes_sent_to_the_demo_redmine_stick() {
    let redmine = DemoRedmine::start().await.unwrap();
    let client = reqwest::Client::new();

    let put = client
        .put(format!("{}/issues/42.json", redmine.url()))
        .header("X-Redmine-API-Key", "demo")
        .json(&serde_json::json!({ "issue": { "notes": "Seen." } }))
        .send()
        .await
        .unwrap();

    assert_eq!(put.status().as_u16(), 204);
    assert_eq!(
        redmine.notes(42).last().map(|(_, text)| text.as_str()),
        Some("Seen.")
    );
}

#[tokio::test]
async fn the_demo_netbox_pages_with_links_back_to_itself() {
    let netbox = DemoNetbox::start().await.unwrap();
    let client = reqwest::Client::new();

    let page: serde_json::Value = client
        .get(format!("{}/api/dcim/sites/?limit=1", netbox.url()))
        .header("Authorization", format!("Token {DEMO_TOKEN}"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();

    let next = page["next"].as_str().unwrap();
    assert!(next.starts_with(&netbox.url()), "{next}");
    assert!(next.contains("offset=1"), "{next}");
}
