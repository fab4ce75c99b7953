//! A fixture NetBox: recorded responses for adapter tests, and a small fake built from the
//! same recordings (paging with absolute `next` links, site details, count queries, token
//! checks) for end-to-end tests and `netbot sites --demo`.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde_json::{json, Value};
use wiremock::matchers::path_regex;
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

use crate::fixture;

/// The token the demo sends and the fake accepts (not a secret: it opens only the fake).
pub const DEMO_TOKEN: &str = "0123456789abcdef0123456789abcdef01234567";

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

/// Answers like a small NetBox, from the fixtures.
struct Fake {
    sites: Arc<Vec<Value>>,
}

fn authorised(request: &Request) -> bool {
    let Some(header) = request.headers.get("authorization") else {
        return false;
    };
    let header = header.to_str().unwrap_or_default();
    header == format!("Token {DEMO_TOKEN}") || header.starts_with("Bearer nbt_")
}

impl Fake {
    fn site(&self, id: u64) -> Option<&Value> {
        self.sites
            .iter()
            .find(|site| site["id"].as_u64() == Some(id))
    }

    fn list(&self, request: &Request, query: &BTreeMap<String, String>) -> Value {
        let number = |name: &str, default: u64| {
            query
                .get(name)
                .and_then(|value| value.parse().ok())
                .unwrap_or(default)
        };
        let offset = number("offset", 0);
        let limit = number("limit", 50).clamp(1, 1000);
        let matching: Vec<&Value> = self
            .sites
            .iter()
            .filter(|site| {
                query
                    .get("slug")
                    .is_none_or(|slug| site["slug"] == json!(slug))
            })
            .collect();
        let total = matching.len() as u64;
        let page: Vec<&Value> = matching
            .into_iter()
            .skip(usize::try_from(offset).unwrap_or(usize::MAX))
            .take(usize::try_from(limit).unwrap_or(usize::MAX))
            .collect();
        let next = (offset + limit < total).then(|| {
            let mut url = request.url.clone();
            url.set_query(Some(&format!("limit={limit}&offset={}", offset + limit)));
            url.to_string()
        });
        json!({ "count": total, "next": next, "previous": null, "results": page })
    }

    fn count(&self, query: &BTreeMap<String, String>, field: &str) -> Value {
        let count = query
            .get("site_id")
            .and_then(|id| id.parse().ok())
            .and_then(|id| self.site(id))
            .and_then(|site| site[field].as_u64())
            .unwrap_or(0);
        json!({ "count": count, "next": null, "previous": null, "results": [] })
    }
}

impl Respond for Fake {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        if !authorised(request) {
            return ResponseTemplate::new(403)
                .set_body_json(json!({ "detail": "Invalid v1 token" }));
        }
        let query: BTreeMap<String, String> = request
            .url
            .query_pairs()
            .map(|(name, value)| (name.into_owned(), value.into_owned()))
            .collect();
        let path = request.url.path();
        let site_id = path
            .strip_prefix("/api/dcim/sites/")
            .and_then(|rest| rest.strip_suffix('/'))
            .and_then(|id| id.parse::<u64>().ok());
        let body = match (path, site_id) {
            ("/api/dcim/sites/", _) => self.list(request, &query),
            (_, Some(id)) => match self.site(id) {
                Some(site) => site.clone(),
                None => {
                    return ResponseTemplate::new(404)
                        .set_body_json(json!({ "detail": "No Site matches the given query." }))
                }
            },
            ("/api/dcim/devices/", _) => self.count(&query, "device_count"),
            ("/api/ipam/prefixes/", _) => self.count(&query, "prefix_count"),
            ("/api/circuits/circuits/", _) => self.count(&query, "circuit_count"),
            _ => return ResponseTemplate::new(404),
        };
        ResponseTemplate::new(200).set_body_json(body)
    }
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
        let sites = fixture("netbox/sites__demo.json")["results"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        Mock::given(path_regex(".*"))
            .respond_with(Fake {
                sites: Arc::new(sites),
            })
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
