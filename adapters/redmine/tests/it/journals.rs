//! Notes edited in place (`NoteEdits`): the exact request, who it is made as, what each
//! refusal becomes, and that an empty text never leaves the adapter.

use domain::{JournalId, TicketId};
use ports::{NoteEdits, TrackerError};
use testkit::redmine::error;
use testkit::requests::received;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::redmine;

fn ticket(n: u64) -> TicketId {
    TicketId::new(n).unwrap()
}

fn journal(n: u64) -> JournalId {
    JournalId::new(n).unwrap()
}

async fn answering_journal_puts(answer: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .and(path("/journals/310.json"))
        .respond_with(answer)
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn editing_a_note_puts_its_new_text_on_the_journal() {
    let server = answering_journal_puts(ResponseTemplate::new(204)).await;

    redmine(&server)
        .edit_note(ticket(42), journal(310), "Now with \"quotes\" and\nlines")
        .await
        .unwrap();

    insta::assert_debug_snapshot!(received(&server).await, @r#"
    [
        "PUT /journals/310.json {\"journal\":{\"notes\":\"Now with \\\"quotes\\\" and\\nlines\"}}",
    ]
    "#);
}

#[tokio::test]
async fn editing_a_note_as_a_member_sends_the_switch_user_header() {
    let server = answering_journal_puts(ResponseTemplate::new(204)).await;

    redmine(&server)
        .acting_as("alice")
        .edit_note(ticket(42), journal(310), "edited")
        .await
        .unwrap();

    insta::assert_debug_snapshot!(received(&server).await, @r#"
    [
        "PUT /journals/310.json [as alice] {\"journal\":{\"notes\":\"edited\"}}",
    ]
    "#);
}

#[tokio::test]
async fn an_empty_or_blank_text_is_refused_before_any_request() {
    let server = answering_journal_puts(ResponseTemplate::new(204)).await;

    for text in ["", "  \n\t"] {
        let error = redmine(&server)
            .edit_note(ticket(42), journal(310), text)
            .await
            .unwrap_err();
        assert!(
            matches!(&error, TrackerError::Rejected { action, .. } if action == "edit note 310 of ticket 42"),
            "{error:?}"
        );
    }

    assert!(received(&server).await.is_empty(), "nothing may be sent");
}

#[tokio::test]
async fn a_member_who_may_not_edit_the_note_is_forbidden_naming_note_and_ticket() {
    let server = answering_journal_puts(ResponseTemplate::new(403)).await;

    let error = redmine(&server)
        .acting_as("alice")
        .edit_note(ticket(42), journal(310), "edited")
        .await
        .unwrap_err();

    assert!(
        matches!(&error, TrackerError::Forbidden { action } if action == "edit note 310 of ticket 42"),
        "{error:?}"
    );
    insta::assert_snapshot!(error, @"not allowed to edit note 310 of ticket 42: ask a tracker admin for the permission");
}

#[tokio::test]
async fn a_journal_that_is_gone_reads_as_its_ticket_not_found() {
    let server = answering_journal_puts(ResponseTemplate::new(404)).await;

    let error = redmine(&server)
        .edit_note(ticket(42), journal(310), "edited")
        .await
        .unwrap_err();

    assert!(
        matches!(error, TrackerError::TicketNotFound(id) if id == ticket(42)),
        "{error:?}"
    );
}

#[tokio::test]
async fn a_refused_edit_carries_redmines_reasons() {
    let server =
        answering_journal_puts(error(422, &["Notes is too long (maximum is 65535)"])).await;

    let error = redmine(&server)
        .edit_note(ticket(42), journal(310), "edited")
        .await
        .unwrap_err();

    match error {
        TrackerError::Rejected { action, errors } => {
            assert_eq!(action, "edit note 310 of ticket 42");
            assert_eq!(errors, ["Notes is too long (maximum is 65535)"]);
        }
        other => panic!("expected Rejected, got {other:?}"),
    }
}
