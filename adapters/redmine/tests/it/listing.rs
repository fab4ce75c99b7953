//! Listings: mine, by assignee, search; every list complete, paged by 100.

use domain::{Principal, Team};
use ports::Tickets;
use testkit::redmine::{issues_page, ok};
use testkit::requests::received;
use wiremock::matchers::{header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::redmine;

#[tokio::test]
async fn my_tickets_are_one_request_for_open_tickets_assigned_to_me() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/issues.json"))
        .and(header("X-Redmine-API-Key", "test-key-0123456789"))
        .respond_with(ok("issues__open_me.json"))
        .expect(1)
        .mount(&server)
        .await;

    let tickets = redmine(&server).list_mine().await.unwrap();

    assert!(!tickets.is_empty());
    insta::assert_debug_snapshot!(received(&server).await, @r#"
    [
        "GET /issues.json?assigned_to_id=me&limit=100&offset=0&sort=priority:desc,id:desc&status_id=open",
    ]
    "#);
}

#[tokio::test]
async fn a_long_list_is_read_page_by_page_until_the_total() {
    let server = MockServer::start().await;
    for offset in [0, 100, 200] {
        Mock::given(method("GET"))
            .and(path("/issues.json"))
            .and(query_param("offset", offset.to_string()))
            .and(query_param("limit", "100"))
            .respond_with(ResponseTemplate::new(200).set_body_json(issues_page(250, offset, 100)))
            .expect(1)
            .mount(&server)
            .await;
    }

    let tickets = redmine(&server).list_mine().await.unwrap();

    assert_eq!(tickets.len(), 250);
    assert_eq!(tickets[249].subject, "Synthetic ticket 249");
}

#[tokio::test]
async fn a_teams_tickets_are_listed_by_the_teams_id() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/issues.json"))
        .and(query_param("assigned_to_id", "77"))
        .respond_with(ok("issues__open_me.json"))
        .expect(1)
        .mount(&server)
        .await;
    let team = Principal::Team(Team {
        id: domain::UserId::new(77).unwrap(),
        name: "Field Team".into(),
    });

    redmine(&server).list_assigned(&team).await.unwrap();
}

#[tokio::test]
async fn search_asks_redmines_full_text_search_then_reads_the_hits_as_tickets() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/search.json"))
        .respond_with(ok("search__rooftop.json"))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/issues.json"))
        .respond_with(ok("issues__search_description_rooftop.json"))
        .expect(1)
        .mount(&server)
        .await;

    let tickets = redmine(&server)
        .search(&["rooftop".to_owned()])
        .await
        .unwrap();

    assert!(!tickets.is_empty());
    insta::assert_debug_snapshot!(received(&server).await);
}

#[tokio::test]
async fn search_words_are_url_encoded() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/search.json"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(serde_json::json!({"results": [], "total_count": 0})),
        )
        .mount(&server)
        .await;

    let words = vec!["PoE".to_owned(), "&injector=1".to_owned()];
    let tickets = redmine(&server).search(&words).await.unwrap();

    assert!(tickets.is_empty(), "no hits, no ticket listing");
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 1);
    assert!(
        requests[0]
            .url
            .query()
            .unwrap()
            .contains("q=PoE+%26injector%3D1"),
        "{}",
        requests[0].url
    );
}

#[tokio::test]
async fn acting_as_another_login_sends_the_switch_user_header_on_every_request() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(header("X-Redmine-Switch-User", "bob"))
        .respond_with(ok("issues__open_me.json"))
        .expect(1)
        .mount(&server)
        .await;

    redmine(&server).acting_as("bob").list_mine().await.unwrap();
}
