//! Reading one ticket: fields, description and notes.

use domain::TicketId;
use ports::Tickets;
use testkit::redmine::{ok, NOTED_TICKET};
use testkit::requests::received;
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer};

use crate::redmine;

#[tokio::test]
async fn a_ticket_is_read_with_its_journals_and_only_notes_become_notes() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("/issues/{NOTED_TICKET}.json")))
        .and(query_param("include", "attachments,journals"))
        .respond_with(ok(&format!("issue__{NOTED_TICKET}.json")))
        .expect(1)
        .mount(&server)
        .await;

    let ticket = redmine(&server)
        .get(TicketId::new(NOTED_TICKET).unwrap())
        .await
        .unwrap();

    assert_eq!(ticket.id.get(), NOTED_TICKET);
    assert_eq!(
        ticket.url,
        format!("{}/issues/{NOTED_TICKET}", server.uri())
    );
    assert!(!ticket.description.is_empty());
    let notes: Vec<_> = ticket.notes().collect();
    assert!(notes.len() >= 2, "{notes:?}");
    assert!(notes.iter().all(|note| !note.text.trim().is_empty()));
    assert!(ticket
        .journals
        .windows(2)
        .all(|pair| pair[0].id < pair[1].id));
    assert!(
        notes.iter().all(|note| note.author_id.is_some()),
        "journals carry their author's id: {notes:?}"
    );
    insta::assert_debug_snapshot!(received(&server).await, @r#"
    [
        "GET /issues/42.json?include=attachments,journals",
    ]
    "#);
}
