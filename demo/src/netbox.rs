//! The fake NetBox: the recorded demo sites, with paging by absolute `next` links, site
//! details, count queries and token checks, for `netbot sites --demo` (served by
//! [`crate::server`]) and the end-to-end tests (served by `testkit` on wiremock).

use std::collections::BTreeMap;
use std::sync::Arc;

use serde_json::{json, Value};

use crate::fixture;
use crate::server::{Fake as Serve, Request, Response, Server};

/// The token the demo sends and the fake accepts (not a secret: it opens only the fake).
pub const DEMO_TOKEN: &str = "0123456789abcdef0123456789abcdef01234567";

/// Answers like a small NetBox, from the recorded demo sites.
#[derive(Debug, Clone)]
pub struct FakeNetbox {
    sites: Arc<Vec<Value>>,
}

impl Default for FakeNetbox {
    fn default() -> Self {
        Self::new()
    }
}

fn authorised(request: &Request) -> bool {
    request.header("authorization").is_some_and(|header| {
        header == format!("Token {DEMO_TOKEN}") || header.starts_with("Bearer nbt_")
    })
}

impl FakeNetbox {
    /// The fake with the recorded demo sites.
    #[must_use]
    pub fn new() -> Self {
        let sites = fixture("netbox/sites__demo.json")["results"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        Self {
            sites: Arc::new(sites),
        }
    }

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

impl Serve for FakeNetbox {
    fn respond(&self, request: &Request) -> Response {
        if !authorised(request) {
            return Response::json(403, json!({ "detail": "Invalid v1 token" }));
        }
        let query = request.query();
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
                    return Response::json(
                        404,
                        json!({ "detail": "No Site matches the given query." }),
                    )
                }
            },
            ("/api/dcim/devices/", _) => self.count(&query, "device_count"),
            ("/api/ipam/prefixes/", _) => self.count(&query, "prefix_count"),
            ("/api/circuits/circuits/", _) => self.count(&query, "circuit_count"),
            _ => return Response::empty(404),
        };
        Response::json(200, body)
    }
}

/// The fake NetBox served on a free loopback port, for `--demo`; dropped, it stops.
#[derive(Debug)]
pub struct DemoNetbox {
    server: Server,
}

impl DemoNetbox {
    /// Serves the fake.
    ///
    /// # Errors
    /// When no loopback port can be bound.
    pub async fn start() -> std::io::Result<Self> {
        Ok(Self {
            server: Server::start(FakeNetbox::new()).await?,
        })
    }

    /// The base URL to give the adapter (NetBox's, without `/api`).
    #[must_use]
    pub fn url(&self) -> String {
        self.server.url()
    }
}
