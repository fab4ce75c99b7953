//! A Redmine that does not play fair: redirects elsewhere, lists that never end, user-info in
//! the URL, workflows that skip a status, huge answers. The key never leaves its host, every
//! listing ends, nothing half-done passes as done.

use std::time::Duration;

use domain::{TicketId, TicketQuery};
use ports::{People, StatusNames, Tickets, TrackerError};
use redmine::{ApiKey, ConfigError, Redmine, RedmineConfig};
use serde_json::json;
use testkit::redmine::{issues_page, ok};
use testkit::requests::received;
use wiremock::matchers::{any, method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

use crate::redmine;

fn id(n: u64) -> TicketId {
    TicketId::new(n).unwrap()
}

/// A server that must never be asked anything.
async fn elsewhere() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_json(issues_page(1, 0, 100)))
        .expect(0)
        .named("the other host")
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn a_redirect_to_another_host_is_not_followed_for_any_redirect_status() {
    for status in [301, 302, 303, 307, 308] {
        let other = elsewhere().await;
        let server = MockServer::start().await;
        Mock::given(any())
            .respond_with(
                ResponseTemplate::new(status)
                    .insert_header("Location", format!("{}/issues.json", other.uri())),
            )
            .mount(&server)
            .await;

        let error = redmine(&server).list_mine().await.unwrap_err();

        let text = error.to_string();
        assert!(
            text.contains(&format!("a redirect to {}/issues.json", other.uri()))
                && text.contains("another server, not followed"),
            "{status}: {text}"
        );
        assert!(!text.contains('\n'), "{text}");
        other.verify().await;
    }
}

#[tokio::test]
async fn a_307_on_an_update_sends_neither_key_nor_body_to_another_port() {
    // Same host, another port: another origin.
    let other = elsewhere().await;
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .respond_with(
            ResponseTemplate::new(307)
                .insert_header("Location", format!("{}/issues/42.json", other.uri())),
        )
        .mount(&server)
        .await;
    let update = domain::TicketUpdate {
        assignee: domain::AssigneeChange::Set(domain::UserId::new(5).unwrap()),
        status: None,
        ..domain::TicketUpdate::default()
    };

    let error = redmine(&server).update(id(42), &update).await.unwrap_err();

    assert!(matches!(error, TrackerError::Redirected { .. }), "{error}");
    other.verify().await;
}

#[tokio::test]
async fn a_redirect_within_the_server_is_followed() {
    let server = MockServer::start().await;
    Mock::given(path("/issues.json"))
        .respond_with(
            ResponseTemplate::new(301)
                .insert_header("Location", format!("{}/moved/issues.json", server.uri())),
        )
        .mount(&server)
        .await;
    Mock::given(path("/moved/issues.json"))
        .respond_with(ResponseTemplate::new(200).set_body_json(issues_page(3, 0, 100)))
        .mount(&server)
        .await;

    let tickets = redmine(&server).list_mine().await.unwrap();

    assert_eq!(tickets.len(), 3);
}

/// Pages of brand-new tickets forever, the total always a page ahead.
struct EndlessIssues;

impl Respond for EndlessIssues {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let offset: u64 = request
            .url
            .query_pairs()
            .find(|(name, _)| name == "offset")
            .and_then(|(_, value)| value.parse().ok())
            .unwrap_or(0);
        ResponseTemplate::new(200).set_body_json(issues_page(offset + 200, offset, 100))
    }
}

#[tokio::test]
async fn a_total_count_that_keeps_growing_ends_in_an_error_after_a_bounded_number_of_pages() {
    let server = MockServer::start().await;
    Mock::given(path("/issues.json"))
        .respond_with(EndlessIssues)
        .mount(&server)
        .await;

    let error = tokio::time::timeout(Duration::from_secs(30), redmine(&server).list_mine())
        .await
        .expect("the listing ends")
        .unwrap_err();

    insta::assert_snapshot!(
        error.to_string().replace(&server.address().to_string(), "[server]"),
        @"unexpected answer from the tracker at [server] to list my open tickets: the list did not end after 200 pages"
    );
    assert_eq!(received(&server).await.len(), 200);
}

#[tokio::test]
async fn an_absurd_total_count_with_the_same_page_again_ends_the_list_without_repeats() {
    let server = MockServer::start().await;
    let mut page = issues_page(100, 0, 100);
    page["total_count"] = json!(u64::MAX);
    Mock::given(path("/issues.json"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page))
        .mount(&server)
        .await;

    let tickets = tokio::time::timeout(Duration::from_secs(30), redmine(&server).list_mine())
        .await
        .expect("the listing ends")
        .unwrap();

    assert_eq!(tickets.len(), 100);
    assert_eq!(received(&server).await.len(), 2);
}

#[tokio::test]
async fn a_name_lookup_with_an_admin_key_reads_a_few_pages_of_users_at_most() {
    let server = MockServer::start().await;
    let mut me = testkit::fixture("redmine/users__current.json");
    me["user"]["admin"] = json!(true);
    Mock::given(path("/users/current.json"))
        .respond_with(ResponseTemplate::new(200).set_body_json(me))
        .mount(&server)
        .await;
    let user = testkit::fixture("redmine/users__list.json")["users"][0].clone();
    Mock::given(path("/users.json"))
        .respond_with(move |request: &Request| {
            let offset: u64 = request
                .url
                .query_pairs()
                .find(|(name, _)| name == "offset")
                .and_then(|(_, value)| value.parse().ok())
                .unwrap_or(0);
            let users: Vec<_> = (offset..offset + 100)
                .map(|n| {
                    let mut user = user.clone();
                    user["id"] = json!(1000 + n);
                    user["login"] = json!(format!("a{n}"));
                    user
                })
                .collect();
            ResponseTemplate::new(200)
                .set_body_json(json!({"users": users, "total_count": 100_000}))
        })
        .mount(&server)
        .await;

    let error = tokio::time::timeout(Duration::from_secs(30), redmine(&server).find_person("a"))
        .await
        .expect("the lookup ends")
        .unwrap_err();

    assert_eq!(
        error.to_string(),
        "'a' matches several people (more than 300 users): use a login or a full name"
    );
    let users_read = received(&server)
        .await
        .iter()
        .filter(|line| line.contains("/users.json"))
        .count();
    assert_eq!(users_read, 3);
}

fn with_user_info(server: &MockServer) -> Redmine {
    let url = server.uri().replace("http://", "http://admin:Pa55word@");
    Redmine::new(RedmineConfig {
        url,
        key: ApiKey::new("test-key-0123456789"),
        act_as: None,
        timeout: Duration::from_secs(2),
    })
    .unwrap()
}

#[tokio::test]
async fn user_info_in_the_url_is_never_shown_in_ticket_urls_or_links() {
    let server = MockServer::start().await;
    Mock::given(path("/issues.json"))
        .respond_with(ResponseTemplate::new(200).set_body_json(issues_page(2, 0, 100)))
        .mount(&server)
        .await;
    Mock::given(path("/issues/42.json"))
        .respond_with(ok("issue__42.json"))
        .mount(&server)
        .await;
    let redmine = with_user_info(&server);

    let listed = redmine.list_mine().await.unwrap();
    let one = redmine.get(id(42)).await.unwrap();
    let links = [
        redmine.web_link(&TicketQuery::Mine),
        redmine.web_link(&TicketQuery::Show(id(42))),
        redmine.web_link(&TicketQuery::NameOrSearch(vec!["x".into()])),
        redmine.ticket_url(id(7)),
    ];

    let shown: Vec<&str> = listed
        .iter()
        .map(|ticket| ticket.url.as_str())
        .chain([one.url.as_str()])
        .chain(links.iter().map(String::as_str))
        .collect();
    for url in shown {
        assert!(
            !url.contains("Pa55word") && !url.contains("admin@"),
            "{url}"
        );
        assert!(url.starts_with(&server.uri()), "{url}");
    }
}

#[tokio::test]
async fn the_ticket_links_the_tracker_hands_over_are_the_pages_its_tickets_carry() {
    let server = MockServer::start().await;
    Mock::given(path("/issues/42.json"))
        .respond_with(ok("issue__42.json"))
        .mount(&server)
        .await;
    let redmine = with_user_info(&server);

    let ticket = redmine.get(id(42)).await.unwrap();
    let links = redmine.ticket_links();

    assert_eq!(links.ticket(ticket.id), ticket.url);
    let journal = domain::JournalId::new(7).unwrap();
    assert_eq!(
        links.journal(&ticket, journal),
        format!("{}#change-7", ticket.url)
    );
    assert_eq!(
        links.attachment(3),
        format!("{}/attachments/3", server.uri())
    );
}

#[test]
fn user_info_is_not_shown_in_a_bad_url_error() {
    let error = Redmine::new(RedmineConfig {
        url: "ftp://admin:Pa55word@redmine.example.org/".into(),
        key: ApiKey::new("k"),
        act_as: None,
        timeout: Duration::from_secs(1),
    })
    .unwrap_err();
    assert_eq!(
        error.to_string(),
        "the tracker URL 'ftp://redmine.example.org/' is not an http(s) URL"
    );
}

#[test]
fn a_key_or_login_with_a_line_break_is_a_configuration_error() {
    let config = |key: &str, login: Option<&str>| RedmineConfig {
        url: "https://redmine.example.org/".into(),
        key: ApiKey::new(key),
        act_as: login.map(String::from),
        timeout: Duration::from_secs(1),
    };
    let error = Redmine::new(config("abc\ndef", None)).unwrap_err();
    assert!(matches!(error, ConfigError::BadKey), "{error}");
    let error = Redmine::new(config("abc", Some("bob\r\n"))).unwrap_err();
    assert!(matches!(error, ConfigError::BadLogin), "{error}");
}

#[tokio::test]
async fn a_status_the_workflow_skips_leaves_the_assignee_unchanged() {
    let server = MockServer::start().await;
    Mock::given(path("/users/current.json"))
        .respond_with(ok("users__current.json"))
        .mount(&server)
        .await;
    Mock::given(path("/issue_statuses.json"))
        .respond_with(ok("issue_statuses.json"))
        .mount(&server)
        .await;
    // Accepted, and nothing changes: the ticket reads back as before.
    Mock::given(method("PUT"))
        .and(path("/issues/42.json"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/issues/42.json"))
        .respond_with(ok("issue__42.json"))
        .mount(&server)
        .await;

    let query = TicketQuery::parse(&["42", "unassign"]).unwrap();
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 27).unwrap();
    let error = ports::tickets::run(&redmine(&server), &query, &StatusNames::default(), today)
        .await
        .unwrap_err();

    assert_eq!(
        error.to_string(),
        "the tracker did not apply the status 'New' to ticket 42: its workflow may not allow it"
    );
    let puts: Vec<String> = received(&server)
        .await
        .into_iter()
        .filter(|line| line.starts_with("PUT"))
        .collect();
    assert_eq!(puts.len(), 1, "{puts:#?}");
    assert!(
        puts[0].contains("status_id") && !puts[0].contains("assigned_to_id"),
        "{}",
        puts[0]
    );
}

#[tokio::test]
async fn an_answer_larger_than_the_cap_is_not_read() {
    let server = MockServer::start().await;
    Mock::given(path("/issues.json"))
        .respond_with(ResponseTemplate::new(200).set_body_string(" ".repeat(33 * 1024 * 1024)))
        .mount(&server)
        .await;

    let error = redmine(&server).list_mine().await.unwrap_err();

    assert!(
        error
            .to_string()
            .ends_with("an answer larger than 32 MiB, not read"),
        "{error}"
    );
}
