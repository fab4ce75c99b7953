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

#[tokio::test]
async fn a_redmine_6_journal_tells_when_its_note_was_edited_and_a_5_0_one_does_not() {
    let server = MockServer::start().await;
    let mut issue = testkit::fixture(&format!("redmine/issue__{NOTED_TICKET}.json"));
    let journals = issue["issue"]["journals"].as_array_mut().unwrap();
    // Redmine 6.0's shape (scripts/redmine6/FACTS.md): `updated_on` always, `updated_by`
    // once the notes were edited.
    let created = journals[0]["created_on"].clone();
    journals[0]["updated_on"] = created;
    // Edited within the second it was written: only `updated_by` tells.
    journals[1]["updated_on"] = journals[1]["created_on"].clone();
    journals[1]["updated_by"] = serde_json::json!({ "id": 1, "name": "Redmine Admin" });
    Mock::given(method("GET"))
        .and(path(format!("/issues/{NOTED_TICKET}.json")))
        .respond_with(wiremock::ResponseTemplate::new(200).set_body_json(issue))
        .mount(&server)
        .await;

    let ticket = redmine(&server)
        .get(TicketId::new(NOTED_TICKET).unwrap())
        .await
        .unwrap();

    let [never_edited, edited, ..] = ticket.journals.as_slice() else {
        panic!("two journals at least: {:?}", ticket.journals);
    };
    assert_eq!(never_edited.edited, Some(false));
    assert!(!never_edited.may_be_edited());
    assert_eq!(edited.edited, Some(true));
    assert!(edited.may_be_edited());
    // Redmine 5.0 does not say: every journal may have been edited.
    assert!(ticket.journals[2..]
        .iter()
        .all(|journal| journal.edited.is_none() && journal.may_be_edited()));
}
