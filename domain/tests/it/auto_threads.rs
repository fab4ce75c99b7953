//! Automatic threads, sentence by sentence: which new tickets are asked a thread for, and
//! where the next look starts so that each ticket is considered once.

use std::collections::BTreeSet;

use chrono::{DateTime, TimeDelta, Utc};
use domain::auto_threads::{next_since, to_ask, Since, ASK, FIRST_LOOK};
use domain::sync::ThreadAsk;
use domain::{Named, Ticket, TicketId};

fn start() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-27T12:00:00Z")
        .unwrap()
        .with_timezone(&Utc)
}

/// Ticket `id` created `seconds` after [`start`], with this thread field.
fn ticket(id: u64, seconds: i64, thread: Option<&str>) -> Ticket {
    Ticket {
        id: TicketId::new(id).unwrap(),
        subject: format!("Ticket {id}"),
        description: String::new(),
        status: Named::new(1, "New"),
        priority: Named::new(2, "Normal"),
        tracker: Named::new(4, "Mutual-Aid-Action"),
        project: Named::new(domain::ProjectId::new(1).unwrap(), "Network Operations"),
        category: None,
        assigned_to: None,
        author: "Carol".into(),
        created_on: start() + TimeDelta::seconds(seconds),
        updated_on: start() + TimeDelta::seconds(seconds),
        url: format!("https://redmine.example.org/issues/{id}"),
        journals: Vec::new(),
        thread_field: thread.map(str::to_owned),
        sync_state: None,
        attachments: Vec::new(),
        due_date: None,
    }
}

fn id(n: u64) -> TicketId {
    TicketId::new(n).unwrap()
}

fn since(seconds: i64, seen: &[u64]) -> Since {
    Since {
        at: start() + TimeDelta::seconds(seconds),
        seen: seen.iter().copied().map(id).collect(),
        first: false,
    }
}

#[test]
fn the_ask_is_a_value_the_threader_reads_as_wanting_a_thread() {
    assert_eq!(ThreadAsk::of(Some(ASK)), ThreadAsk::Wanted);
}

#[test]
fn the_first_look_reaches_back_a_short_window() {
    let first = Since::first_look(start());
    assert_eq!(first.at, start() - FIRST_LOOK);
    assert!(first.seen.is_empty());
}

#[test]
fn only_new_tickets_with_an_empty_thread_field_are_asked_for_oldest_first() {
    let listed = [
        ticket(12, 30, None),
        ticket(11, 10, Some("")),
        ticket(13, 40, Some("please")),
        ticket(14, 50, Some("https://discord.com/channels/1/2")),
        ticket(10, -5, None),
    ];
    assert_eq!(to_ask(&listed, &since(0, &[])), [id(11), id(12)]);
}

#[test]
fn a_ticket_already_considered_at_the_same_instant_is_not_asked_again() {
    let listed = [ticket(20, 0, None), ticket(21, 0, None)];
    assert_eq!(to_ask(&listed, &since(0, &[20])), [id(21)]);
}

#[test]
fn the_next_look_starts_at_the_newest_ticket_and_remembers_its_instant() {
    #[track_caller]
    fn check(listed: &[Ticket], from: Since, failed: &[u64], expect: Since) {
        let failed: BTreeSet<TicketId> = failed.iter().copied().map(id).collect();
        assert_eq!(next_since(listed, &from, &failed), expect);
    }
    // Nothing new: the look starts where it did, remembering what it saw there.
    check(&[], since(0, &[7]), &[], since(0, &[7]));
    // The newest instant, with every ticket created at it.
    check(
        &[ticket(1, 5, None), ticket(2, 9, None), ticket(3, 9, None)],
        since(0, &[]),
        &[],
        since(9, &[2, 3]),
    );
    // A failure is tried again: the look starts at it, and what succeeded after is seen.
    check(
        &[ticket(1, 5, None), ticket(2, 7, None), ticket(3, 9, None)],
        since(0, &[]),
        &[2],
        since(7, &[3]),
    );
    // Still at the same instant: the earlier seen stay seen.
    check(
        &[ticket(4, 0, None), ticket(5, 0, None)],
        since(0, &[4]),
        &[],
        since(0, &[4, 5]),
    );
    // A ticket listed from before the look's start (a clock's edge) moves nothing back.
    check(&[ticket(6, -30, None)], since(0, &[]), &[], since(0, &[]));
}

#[test]
fn a_ticket_whose_thread_was_cleared_later_is_never_asked_for_again() {
    // Asked for on the first look, then a person cleared the field: the next look starts
    // after it and does not list it, or lists it as seen.
    let first = since(0, &[]);
    let listed = [ticket(30, 3, None)];
    assert_eq!(to_ask(&listed, &first), [id(30)]);
    let next = next_since(&listed, &first, &BTreeSet::new());
    let cleared = [ticket(30, 3, Some(""))];
    assert!(to_ask(&cleared, &next).is_empty());
}

#[test]
fn a_first_look_asks_only_for_tickets_nobody_changed_since_they_were_created() {
    let untouched = ticket(1, 10, None);
    let mut cleared = ticket(2, 20, Some(""));
    cleared.updated_on = cleared.created_on + TimeDelta::minutes(3);
    let listed = [untouched, cleared];
    let first = Since {
        first: true,
        ..since(0, &[])
    };
    assert_eq!(to_ask(&listed, &first), [id(1)]);
    // A later look (the process saw ticket 2 arrive) asks for both.
    assert_eq!(to_ask(&listed, &since(0, &[])), [id(1), id(2)]);
    assert!(!next_since(&listed, &first, &BTreeSet::new()).first);
}
