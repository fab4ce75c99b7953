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

// --- Against the stateful fake Redmine (testkit's `DemoRedmine`), as Redmine 5 behaves ---

mod against_the_fake {
    use std::time::Duration;

    use domain::{JournalId, TicketId};
    use ports::{NoteEdits, TrackerError};
    use redmine::{ApiKey, Redmine, RedmineConfig};
    use serde_json::json;
    use testkit::redmine::{DemoRedmine, NOTED_TICKET};

    /// The adapter on the fake with the admin key, acting as `login` when given.
    fn tracker(fake: &DemoRedmine, login: Option<&str>) -> Redmine {
        Redmine::new(RedmineConfig {
            url: fake.url(),
            key: ApiKey::new("admin-key-0123456789"),
            act_as: login.map(str::to_owned),
            timeout: Duration::from_secs(2),
        })
        .unwrap()
    }

    /// A note alice wrote on the noted ticket: its journal id.
    fn alices_note(fake: &DemoRedmine, text: &str) -> u64 {
        assert!(fake.change_as("alice", NOTED_TICKET, &json!({ "notes": text })));
        *fake.journal_ids(NOTED_TICKET).last().unwrap()
    }

    fn ids(journal: u64) -> (TicketId, JournalId) {
        (
            TicketId::new(NOTED_TICKET).unwrap(),
            JournalId::new(journal).unwrap(),
        )
    }

    #[tokio::test]
    async fn a_member_edits_their_own_note_and_the_ticket_does_not_look_changed() {
        let fake = DemoRedmine::start_admin().await;
        let journal = alices_note(&fake, "The cable is dry.");
        let updated_on = fake.issue(NOTED_TICKET)["updated_on"].clone();
        let (ticket, id) = ids(journal);

        tracker(&fake, Some("alice"))
            .edit_note(ticket, id, "The cable is wet.")
            .await
            .unwrap();

        assert_eq!(
            fake.journal_notes(journal).as_deref(),
            Some("The cable is wet.")
        );
        assert_eq!(fake.issue(NOTED_TICKET)["updated_on"], updated_on);
        assert!(
            fake.received()
                .await
                .iter()
                .any(|line| line.starts_with(&format!("PUT /journals/{journal}.json [as alice]"))),
            "{:?}",
            fake.received().await
        );
    }

    #[tokio::test]
    async fn a_member_whose_role_lacks_edit_own_notes_is_forbidden_and_the_note_stays() {
        let fake = DemoRedmine::start_admin().await;
        let journal = alices_note(&fake, "The cable is dry.");
        fake.deny_edit_own_notes("alice");
        let (ticket, id) = ids(journal);

        let error = tracker(&fake, Some("alice"))
            .edit_note(ticket, id, "The cable is wet.")
            .await
            .unwrap_err();

        assert!(
            matches!(&error, TrackerError::Forbidden { action } if *action == format!("edit note {journal} of ticket {NOTED_TICKET}")),
            "{error:?}"
        );
        assert_eq!(
            fake.journal_notes(journal).as_deref(),
            Some("The cable is dry.")
        );
    }

    #[tokio::test]
    async fn another_members_note_needs_edit_notes() {
        let fake = DemoRedmine::start_admin().await;
        let journal = alices_note(&fake, "The cable is dry.");
        let (ticket, id) = ids(journal);
        let bob = tracker(&fake, Some("bob"));

        let refused = bob.edit_note(ticket, id, "bob was here").await;
        fake.allow_edit_notes("bob");
        let allowed = bob.edit_note(ticket, id, "The cable is wet.").await;

        assert!(
            matches!(refused, Err(TrackerError::Forbidden { .. })),
            "{refused:?}"
        );
        allowed.unwrap();
        assert_eq!(
            fake.journal_notes(journal).as_deref(),
            Some("The cable is wet.")
        );
    }

    #[tokio::test]
    async fn the_threaders_own_admin_user_may_edit_a_members_note() {
        let fake = DemoRedmine::start_admin().await;
        let journal = alices_note(&fake, "The cable is dry.");
        fake.deny_edit_own_notes("alice");
        let (ticket, id) = ids(journal);

        tracker(&fake, None)
            .edit_note(ticket, id, "The cable is wet.")
            .await
            .unwrap();

        assert_eq!(
            fake.journal_notes(journal).as_deref(),
            Some("The cable is wet.")
        );
    }

    #[tokio::test]
    async fn a_note_that_is_gone_reads_as_not_found() {
        let fake = DemoRedmine::start_admin().await;
        let journal = alices_note(&fake, "The cable is dry.");
        assert!(fake.edit_journal(journal, "  "), "deleted in the web UI");
        let (ticket, id) = ids(journal);

        let error = tracker(&fake, Some("alice"))
            .edit_note(ticket, id, "The cable is wet.")
            .await
            .unwrap_err();

        assert_eq!(fake.journal_notes(journal), None);
        assert!(
            matches!(error, TrackerError::TicketNotFound(found) if found == ticket),
            "{error:?}"
        );
    }
}
