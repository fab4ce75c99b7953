//! A fixture NetBox: recorded responses for adapter tests, and the demo's fake
//! (`demo::netbox::FakeNetbox`: paging with absolute `next` links, site details, count queries,
//! token checks) served on wiremock for end-to-end tests.

use demo::netbox::FakeNetbox;
pub use demo::netbox::DEMO_TOKEN;
use serde_json::{json, Value};
use wiremock::matchers::path_regex;
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::{fixture, Served};

/// A response with a recorded NetBox fixture as its JSON body, e.g. `ok("site__othello.json")`.
#[must_use]
pub fn ok(name: &str) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(fixture(&format!("netbox/{name}")))
}

/// A synthetic page of `total` sites in NetBox's shape, built from the recorded Othello site,
/// with an absolute `next` link on `base` (e.g. the mock server's URI).
#[must_use]
pub fn sites_page(base: &str, total: u64, offset: u64, limit: u64) -> Value {
    let template = fixture("netbox/site__othello.json");
    let results: Vec<Value> = (offset..total.min(offset + limit))
        .map(|n| {
            let mut site = template.clone();
            site["id"] = json!(10_000 + n);
            site["name"] = json!(format!("Filler {n:04}"));
            site["slug"] = json!(format!("filler-{n:04}"));
            site
        })
        .collect();
    let next = (offset + limit < total).then(|| {
        format!(
            "{base}/api/dcim/sites/?limit={limit}&offset={}",
            offset + limit
        )
    });
    json!({ "count": total, "next": next, "previous": null, "results": results })
}

/// The fixture NetBox of the demo: the recorded demo sites, with details and counts.
#[derive(Debug)]
pub struct DemoNetbox {
    server: MockServer,
}

impl DemoNetbox {
    /// Starts the fake on a free loopback port.
    pub async fn start() -> Self {
        let server = MockServer::start().await;
        Mock::given(path_regex(".*"))
            .respond_with(Served(FakeNetbox::new()))
            .mount(&server)
            .await;
        Self { server }
    }

    /// The base URL to give the adapter (NetBox's, without `/api`).
    #[must_use]
    pub fn url(&self) -> String {
        self.server.uri()
    }

    /// The address, for a TLS front.
    #[must_use]
    pub fn address(&self) -> std::net::SocketAddr {
        *self.server.address()
    }

    /// The requests received so far, one line each (see [`crate::requests::describe`]).
    pub async fn received(&self) -> Vec<String> {
        crate::requests::received(&self.server).await
    }
}
