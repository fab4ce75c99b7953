//! A fixture Redmine: recorded responses for adapter tests, and the demo's stateful fake
//! (`demo::redmine::FakeRedmine`) served on wiremock for end-to-end tests, so that tests can
//! read the requests it received.

use demo::redmine::FakeRedmine;
pub use demo::redmine::{DEMO_ADMIN_KEY, NOTED_TICKET, SYNC_FIELD_ID, THREAD_FIELD_ID};
use serde_json::{json, Value};
use wiremock::matchers::path_regex;
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::{fixture, Served};

/// A response with a recorded fixture as its JSON body, e.g. `ok("issue__42.json")`.
#[must_use]
pub fn ok(name: &str) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(fixture(&format!("redmine/{name}")))
}

/// A Redmine error answer: `status` with Redmine's `{"errors": [...]}` body.
#[must_use]
pub fn error(status: u16, errors: &[&str]) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_json(json!({ "errors": errors }))
}

/// One page of a synthetic listing of `total` open tickets, built from the recorded ticket
/// so that paging can be tested at any size without recording hundreds of tickets.
#[must_use]
pub fn issues_page(total: u64, offset: u64, limit: u64) -> Value {
    let template = fixture("redmine/issues__open_all.json")["issues"][0].clone();
    let issues: Vec<Value> = (offset..total.min(offset + limit))
        .map(|n| {
            let mut issue = template.clone();
            issue["id"] = json!(1000 + n);
            issue["subject"] = json!(format!("Synthetic ticket {n}"));
            issue
        })
        .collect();
    json!({ "issues": issues, "total_count": total, "offset": offset, "limit": limit })
}

/// The demo's stateful fake Redmine on a wiremock server: the recorded tickets, people and
/// statuses, changes remembered (see `demo::redmine::FakeRedmine`, whose helpers it offers:
/// `set_now`, `fail_nth_write`, `deny_notes`, `deny_edit_own_notes`, `allow_edit_notes`,
/// `remove_role_permission`, `open_ticket`, `change_as`, `set_fields`, `journal_notes`,
/// `issue`, `notes`).
#[derive(Debug)]
pub struct DemoRedmine {
    server: MockServer,
    fake: FakeRedmine,
}

impl DemoRedmine {
    /// Starts the fake on a free loopback port, with a member's key (alice's).
    pub async fn start() -> Self {
        Self::serve(FakeRedmine::member()).await
    }

    /// Starts the fake with an admin's key, as the bot uses it: admin listings open, and
    /// `X-Redmine-Switch-User` acts as alice or bob.
    pub async fn start_admin() -> Self {
        Self::serve(FakeRedmine::admin()).await
    }

    async fn serve(fake: FakeRedmine) -> Self {
        let server = MockServer::start().await;
        Mock::given(path_regex(".*"))
            .respond_with(Served(fake.clone()))
            .mount(&server)
            .await;
        Self { server, fake }
    }

    /// The base URL to give the adapter.
    #[must_use]
    pub fn url(&self) -> String {
        self.server.uri()
    }

    /// The requests received so far, one line each (see [`crate::requests::describe`]).
    pub async fn received(&self) -> Vec<String> {
        crate::requests::received(&self.server).await
    }
}

impl std::ops::Deref for DemoRedmine {
    type Target = FakeRedmine;

    fn deref(&self) -> &FakeRedmine {
        &self.fake
    }
}
