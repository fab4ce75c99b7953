//! Snapshots of every text and JSON rendering of tickets.

use chrono::{DateTime, TimeDelta, Utc};
use domain::render::text::{ticket_details, ticket_table, Colour};
use domain::render::{json, sanitize};
use domain::JournalId;
use domain::{Journal, Named, Principal, Team, Ticket, TicketId, User};

fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-26T12:00:00Z")
        .unwrap()
        .with_timezone(&Utc)
}

fn ticket(
    id: u64,
    subject: &str,
    priority: &str,
    age_days: i64,
    assignee: Option<Principal>,
) -> Ticket {
    Ticket {
        id: TicketId::new(id).unwrap(),
        subject: subject.into(),
        description: String::new(),
        status: Named::new(1, "New"),
        priority: Named::new(2, priority),
        tracker: Named::new(1, "Bug"),
        project: Named::new(domain::ProjectId::new(1).unwrap(), "Network Operations"),
        assigned_to: assignee,
        author: "Bob Builder".into(),
        created_on: now() - TimeDelta::days(age_days),
        updated_on: now() - TimeDelta::hours(2),
        url: format!("https://redmine.example.org/issues/{id}"),
        journals: Vec::new(),
        thread_field: None,
        category: None,
        sync_state: None,
        due_date: None,
        attachments: Vec::new(),
    }
}

fn alice() -> Principal {
    Principal::User(User {
        id: domain::UserId::new(5).unwrap(),
        login: Some("alice".into()),
        name: "Alice Liddell".into(),
    })
}

fn field_team() -> Principal {
    Principal::Team(Team {
        id: domain::UserId::new(9).unwrap(),
        name: "Field Team".into(),
    })
}

fn sample_list() -> Vec<Ticket> {
    vec![
        ticket(
            42,
            "Othello rooftop node offline",
            "Urgent",
            3,
            Some(alice()),
        ),
        ticket(
            7,
            "Replace PoE injector at Filipino Community Village",
            "Normal",
            40,
            Some(field_team()),
        ),
        ticket(
            103,
            "@everyone new volunteer orientation\u{1b}[2J",
            "High",
            0,
            None,
        ),
    ]
}

fn detailed() -> Ticket {
    let mut ticket = ticket(
        42,
        "Othello rooftop node offline",
        "Urgent",
        3,
        Some(alice()),
    );
    ticket.description =
        "The node on the Othello rooftop stopped answering pings at 02:00.\nPower looks fine."
            .into();
    ticket.journals = vec![
        Journal {
            id: JournalId::new(101).unwrap(),
            author: "Bob Builder".into(),
            author_id: None,
            changes: Vec::new(),
            created_on: now() - TimeDelta::days(2),
            edited: None,
            text: "Checked the PoE injector, it is warm.".into(),
        },
        Journal {
            id: JournalId::new(102).unwrap(),
            author: "Alice Liddell".into(),
            author_id: None,
            changes: Vec::new(),
            created_on: now() - TimeDelta::hours(5),
            edited: None,
            text: "Going up tomorrow\nwith a spare radio.".into(),
        },
    ];
    ticket
}

#[test]
fn a_list_renders_as_an_aligned_table() {
    insta::assert_snapshot!(ticket_table(&sample_list(), now(), Colour::Never));
}

#[test]
fn a_coloured_list_bolds_ids_and_colours_urgent_priorities() {
    let out = ticket_table(&sample_list()[..1], now(), Colour::Always);
    assert!(out.contains("\u{1b}["), "expected ANSI styling in {out:?}");
    assert!(out.contains("Urgent"));
    assert!(!ticket_table(&sample_list(), now(), Colour::Never).contains("\u{1b}["));
}

#[test]
fn an_empty_list_says_so() {
    insta::assert_snapshot!(ticket_table(&[], now(), Colour::Never), @"No tickets.");
}

#[test]
fn details_show_fields_description_and_notes_in_order() {
    insta::assert_snapshot!(ticket_details(&detailed(), now(), Colour::Never));
}

#[test]
fn details_of_a_ticket_without_notes_say_so() {
    insta::assert_snapshot!(ticket_details(
        &ticket(8, "Quiet ticket", "Low", 1, None),
        now(),
        Colour::Never
    ));
}

#[test]
fn a_list_as_json_is_an_array_of_ticket_objects() {
    insta::assert_snapshot!(json::ticket_list(&sample_list()[..2]));
}

#[test]
fn details_as_json_add_description_and_notes() {
    insta::assert_snapshot!(json::ticket_details(&detailed()));
}

#[test]
fn terminal_escapes_in_a_subject_are_neutralised() {
    let out = ticket_table(&sample_list(), now(), Colour::Never);
    assert!(!out.contains('\u{1b}'));
    assert_eq!(sanitize("x\u{7}y", false), "x\u{FFFD}y");
}
