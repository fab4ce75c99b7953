//! Listing sites: every page, followed by `next`, with the right token scheme.

use std::time::Duration;

use netbox::{Netbox, NetboxToken};
use ports::Inventory;
use testkit::netbox::{ok, sites_page};
use testkit::requests::received;
use wiremock::matchers::{header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::{config, netbox, V1_TOKEN};

#[tokio::test]
async fn sites_are_read_with_a_classic_token_and_pages_of_1000() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/dcim/sites/"))
        .and(query_param("limit", "1000"))
        .and(header(
            "Authorization",
            format!("Token {V1_TOKEN}").as_str(),
        ))
        .and(header("Accept", "application/json"))
        .respond_with(ok("sites__demo.json"))
        .expect(1)
        .mount(&server)
        .await;

    let sites = netbox(&server.uri()).sites().await.unwrap();

    assert!(sites.iter().any(|site| site.slug == "othello"));
    let othello = sites.iter().find(|site| site.slug == "othello").unwrap();
    assert_eq!(
        othello.url,
        format!("{}/dcim/sites/{}/", server.uri(), othello.id)
    );
}

#[tokio::test]
async fn a_v2_token_goes_as_bearer() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(header("Authorization", "Bearer nbt_abc123.secretpart"))
        .respond_with(ok("sites__demo.json"))
        .expect(1)
        .mount(&server)
        .await;
    let mut settings = config(&server.uri());
    settings.token = NetboxToken::new("nbt_abc123.secretpart");

    Netbox::new(settings).unwrap().sites().await.unwrap();
}

#[tokio::test]
async fn every_page_is_followed_until_next_is_null() {
    let server = MockServer::start().await;
    for offset in [0, 1000] {
        let mut mock = Mock::given(method("GET")).and(path("/api/dcim/sites/"));
        if offset > 0 {
            mock = mock.and(query_param("offset", offset.to_string()));
        }
        mock.respond_with(ResponseTemplate::new(200).set_body_json(sites_page(
            &server.uri(),
            1100,
            offset,
            1000,
        )))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    }

    let sites = netbox(&server.uri()).sites().await.unwrap();

    assert_eq!(sites.len(), 1100);
    insta::assert_debug_snapshot!(received(&server).await, @r#"
    [
        "GET /api/dcim/sites/?limit=1000 [Token …]",
        "GET /api/dcim/sites/?limit=1000&offset=1000 [Token …]",
    ]
    "#);
}

#[tokio::test]
async fn a_next_link_naming_another_host_is_followed_on_the_configured_one() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/dcim/sites/"))
        .and(query_param("offset", "1000"))
        .respond_with(ResponseTemplate::new(200).set_body_json(sites_page(
            "http://internal-netbox:8080",
            1100,
            1000,
            1000,
        )))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/dcim/sites/"))
        .respond_with(ResponseTemplate::new(200).set_body_json(sites_page(
            "http://internal-netbox:8080",
            1100,
            0,
            1000,
        )))
        .expect(1)
        .mount(&server)
        .await;

    assert_eq!(netbox(&server.uri()).sites().await.unwrap().len(), 1100);
}

#[tokio::test]
async fn the_url_may_end_in_api_with_or_without_a_slash() {
    for suffix in ["", "/", "/api", "/api/"] {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path("/api/dcim/sites/"))
            .respond_with(ok("sites__demo.json"))
            .expect(1)
            .mount(&server)
            .await;

        netbox(&format!("{}{suffix}", server.uri()))
            .sites()
            .await
            .unwrap();
    }
}

#[tokio::test]
async fn the_site_list_is_cached_for_the_configured_time() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/dcim/sites/"))
        .respond_with(ok("sites__demo.json"))
        .expect(1)
        .mount(&server)
        .await;
    let mut settings = config(&server.uri());
    settings.cache_for = Duration::from_secs(300);
    let cached = Netbox::new(settings).unwrap();

    for _ in 0..5 {
        cached.sites().await.unwrap();
    }
}

#[tokio::test]
async fn an_expired_cache_reads_netbox_again() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/dcim/sites/"))
        .respond_with(ok("sites__demo.json"))
        .expect(2)
        .mount(&server)
        .await;
    let uncached = netbox(&server.uri());

    uncached.sites().await.unwrap();
    uncached.sites().await.unwrap();
}

#[tokio::test]
async fn a_recorded_list_of_over_1000_sites_is_read_whole() {
    // Recorded from a real NetBox whose `next` names its own host: followed on ours.
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/dcim/sites/"))
        .and(query_param("offset", "1000"))
        .respond_with(ok("sites__limit1000_offset1000.json"))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/dcim/sites/"))
        .respond_with(ok("sites__limit1000_offset0.json"))
        .expect(1)
        .mount(&server)
        .await;

    let sites = netbox(&server.uri()).sites().await.unwrap();

    let recorded = testkit::fixture("netbox/sites__limit1000_offset0.json")["count"]
        .as_u64()
        .unwrap();
    assert_eq!(sites.len() as u64, recorded);
    assert!(recorded > 1000);
}

#[tokio::test]
async fn lookups_while_the_site_list_is_read_wait_for_it_rather_than_read_it_again() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/dcim/sites/"))
        .respond_with(ok("sites__demo.json").set_delay(Duration::from_millis(300)))
        .expect(1)
        .mount(&server)
        .await;
    let mut settings = config(&server.uri());
    settings.cache_for = Duration::from_secs(300);
    let cached = Netbox::new(settings).unwrap();

    let (first, second, third) = tokio::join!(cached.sites(), cached.sites(), cached.sites());

    assert_eq!(first.unwrap().len(), second.unwrap().len());
    assert!(third.is_ok());
}
