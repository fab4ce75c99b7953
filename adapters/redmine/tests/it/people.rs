//! Resolving people and teams by name, as a member (no admin listings) and as an admin.

use domain::Principal;
use ports::{Catalog, People};
use testkit::fixture;
use testkit::redmine::ok;
use testkit::requests::received;
use wiremock::matchers::{method, path, path_regex};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::redmine;

/// A Redmine that treats the key as an ordinary member's: admin listings answer 403.
async fn member_view() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/users/current.json"))
        .respond_with(ok("users__current.json"))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path_regex("^/(users|groups)\\.json$"))
        .respond_with(ResponseTemplate::new(403))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path_regex("^/projects/[^/]+/memberships\\.json$"))
        .respond_with(ok("projects__netops__memberships.json"))
        .mount(&server)
        .await;
    server
}

/// A Redmine that treats the key as an admin's.
async fn admin_view() -> MockServer {
    let server = MockServer::start().await;
    let mut me = fixture("redmine/users__current.json");
    me["user"]["admin"] = true.into();
    Mock::given(method("GET"))
        .and(path("/users/current.json"))
        .respond_with(ResponseTemplate::new(200).set_body_json(me))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/users.json"))
        .respond_with(ok("users__list.json"))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/groups.json"))
        .respond_with(ok("groups.json"))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path_regex("memberships"))
        .respond_with(ResponseTemplate::new(500))
        .expect(0)
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn a_member_finds_a_colleague_by_first_name_through_project_memberships() {
    let server = member_view().await;

    let person = redmine(&server).find_person("bob").await.unwrap();

    assert!(
        matches!(&person, Some(Principal::User(user)) if user.name == "Bob Builder"),
        "{person:?}"
    );
    insta::assert_debug_snapshot!(received(&server).await);
}

#[tokio::test]
async fn a_member_finds_a_team_by_its_name_in_any_case() {
    let server = member_view().await;

    let person = redmine(&server).find_person("field team").await.unwrap();

    assert!(
        matches!(&person, Some(Principal::Team(team)) if team.name == "Field Team"),
        "{person:?}"
    );
}

#[tokio::test]
async fn a_member_finds_themselves_by_login() {
    let server = member_view().await;

    let person = redmine(&server).find_person("alice").await.unwrap();

    assert!(
        matches!(&person, Some(Principal::User(user)) if user.login.as_deref() == Some("alice")),
        "{person:?}"
    );
}

#[tokio::test]
async fn a_name_nobody_has_is_none_so_the_words_can_be_a_search() {
    let server = member_view().await;

    assert_eq!(redmine(&server).find_person("rooftop").await.unwrap(), None);
}

#[tokio::test]
async fn an_admin_finds_people_by_login_without_reading_project_memberships() {
    let server = admin_view().await;

    let person = redmine(&server).find_person("bob").await.unwrap();

    assert!(
        matches!(&person, Some(Principal::User(user)) if user.name == "Bob Builder"),
        "{person:?}"
    );
    insta::assert_debug_snapshot!(received(&server).await);
}

#[tokio::test]
async fn an_admin_finding_a_team_reads_the_group_list() {
    let server = admin_view().await;

    let person = redmine(&server).find_person("field team").await.unwrap();

    assert!(
        matches!(&person, Some(Principal::Team(team)) if team.name == "Field Team"),
        "{person:?}"
    );
    insta::assert_debug_snapshot!(received(&server).await);
}

#[tokio::test]
async fn a_client_that_knows_its_user_is_an_admin_goes_straight_to_the_user_search() {
    let server = admin_view().await;
    let tracker = redmine(&server);
    tracker.current_user().await.unwrap();

    let person = tracker.find_person("bob").await.unwrap();

    assert!(
        matches!(&person, Some(Principal::User(user)) if user.name == "Bob Builder"),
        "{person:?}"
    );
    insta::assert_debug_snapshot!(received(&server).await);
}

#[tokio::test]
async fn statuses_are_read_by_name_from_the_tracker() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/issue_statuses.json"))
        .respond_with(ok("issue_statuses.json"))
        .expect(1)
        .mount(&server)
        .await;

    let statuses = redmine(&server).statuses().await.unwrap();

    let names: Vec<&str> = statuses.iter().map(|status| status.name.as_str()).collect();
    assert!(
        names.contains(&"New") && names.contains(&"In Progress") && names.contains(&"Resolved"),
        "{names:?}"
    );
}

#[tokio::test]
async fn the_current_user_is_me() {
    let server = member_view().await;

    let me = redmine(&server).current_user().await.unwrap();

    assert_eq!(me.login.as_deref(), Some("alice"));
}

#[tokio::test]
async fn a_project_whose_members_are_hidden_adds_nobody_instead_of_failing() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/users/current.json"))
        .respond_with(ok("users__current.json"))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(403))
        .mount(&server)
        .await;

    let person = redmine(&server).find_person("bob").await;

    assert!(matches!(person, Ok(None)), "{person:?}");
}
