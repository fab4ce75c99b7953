//! One site's details: counts from the full object, or from count queries when absent.

use ports::Inventory;
use testkit::fixture;
use testkit::netbox::ok;
use testkit::requests::received;
use wiremock::matchers::{method, path, path_regex, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::netbox;

fn othello_id() -> u64 {
    fixture("netbox/site__othello.json")["id"].as_u64().unwrap()
}

#[tokio::test]
async fn a_full_site_object_gives_its_counts_without_further_queries() {
    let server = MockServer::start().await;
    let id = othello_id();
    Mock::given(method("GET"))
        .and(path(format!("/api/dcim/sites/{id}/")))
        .respond_with(ok("site__othello.json"))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(path_regex("^/api/(dcim/devices|ipam|circuits)/"))
        .respond_with(ResponseTemplate::new(500))
        .expect(0)
        .mount(&server)
        .await;

    let (site, counts) = netbox(&server.uri()).site_details(id).await.unwrap();

    assert_eq!(site.slug, "othello");
    assert!(counts.devices > 0, "{counts:?}");
    assert!(site.coordinates.is_some());
}

#[tokio::test]
async fn a_brief_site_object_has_its_counts_read_by_count_queries() {
    let server = MockServer::start().await;
    let id = othello_id();
    Mock::given(method("GET"))
        .and(path(format!("/api/dcim/sites/{id}/")))
        .respond_with(ok("site__othello_brief.json"))
        .mount(&server)
        .await;
    for (what, fixture_name) in [
        ("dcim/devices", "devices__site_othello_limit1.json"),
        ("ipam/prefixes", "prefixes__site_othello_limit1.json"),
        ("circuits/circuits", "circuits__site_othello_limit1.json"),
    ] {
        Mock::given(method("GET"))
            .and(path(format!("/api/{what}/")))
            .and(query_param("site_id", id.to_string()))
            .and(query_param("limit", "1"))
            .respond_with(ok(fixture_name))
            .expect(1)
            .mount(&server)
            .await;
    }

    let (_, counts) = netbox(&server.uri()).site_details(id).await.unwrap();

    let full = fixture("netbox/site__othello.json");
    assert_eq!(counts.devices, full["device_count"].as_u64().unwrap());
    assert_eq!(counts.prefixes, full["prefix_count"].as_u64().unwrap());
    assert_eq!(counts.circuits, full["circuit_count"].as_u64().unwrap());
    assert_eq!(received(&server).await.len(), 4);
}

#[tokio::test]
async fn a_site_without_optional_fields_has_none_of_them() {
    let server = MockServer::start().await;
    let bare = fixture("netbox/site__bare.json");
    let id = bare["id"].as_u64().unwrap();
    Mock::given(method("GET"))
        .and(path(format!("/api/dcim/sites/{id}/")))
        .respond_with(ok("site__bare.json"))
        .mount(&server)
        .await;

    let (site, _) = netbox(&server.uri()).site_details(id).await.unwrap();

    assert_eq!(
        (
            site.region,
            site.tenant,
            site.facility,
            site.physical_address,
            site.coordinates,
            site.description
        ),
        (None, None, None, None, None, None)
    );
}
