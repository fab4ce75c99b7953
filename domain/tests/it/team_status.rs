//! A team's status, sentence by sentence: which bucket a ticket falls in (priority, or stale
//! by the notifier's rule), each bucket oldest first, and the one message cut at 2000
//! characters with "and N more".

use std::collections::BTreeMap;

use chrono::{DateTime, TimeDelta, Utc};
use domain::limits::MESSAGE_LIMIT;
use domain::render::text::Colour;
use domain::team_status::{
    discord_message, discord_message_within, json, priority_bucket, team_status, text, Bucket,
    TeamStatus,
};
use domain::{Named, Ticket, TicketId};

const BASE: &str = "https://redmine.example.org";
const NEW: u64 = 1;
const IN_PROGRESS: u64 = 2;

fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-26T12:00:00Z")
        .unwrap()
        .with_timezone(&Utc)
}

/// Redmine's default priorities, lowest first.
fn priorities() -> Vec<Named> {
    ["Low", "Normal", "High", "Urgent", "Immediate"]
        .iter()
        .zip(1..)
        .map(|(name, id)| Named::new(id, *name))
        .collect()
}

/// Ticket `id`, New, of priority `priority` (an id of [`priorities`]), opened `days` days ago
/// and last updated `idle` days ago.
fn ticket(id: u64, priority: u64, days: i64, idle: i64) -> Ticket {
    let name = priorities()
        .into_iter()
        .find(|known| known.id == priority)
        .map_or_else(|| String::from("Odd"), |known| known.name);
    Ticket {
        id: TicketId::new(id).unwrap(),
        subject: format!("Ticket number {id}"),
        description: String::new(),
        status: Named::new(NEW, "New"),
        priority: Named::new(priority, name),
        tracker: Named::new(1, "Bug"),
        project: Named::new(domain::ProjectId::new(1).unwrap(), "Network Operations"),
        category: None,
        assigned_to: None,
        author: "Carol".into(),
        created_on: now() - TimeDelta::days(days),
        updated_on: now() - TimeDelta::days(idle),
        url: format!("{BASE}/issues/{id}"),
        journals: Vec::new(),
        thread_field: None,
        sync_state: None,
        attachments: Vec::new(),
        due_date: None,
    }
}

/// `[notify.stale]`: New goes stale after 7 days; In Progress after 14.
fn stale() -> BTreeMap<u64, TimeDelta> {
    BTreeMap::from([
        (NEW, TimeDelta::days(7)),
        (IN_PROGRESS, TimeDelta::days(14)),
    ])
}

fn ids(tickets: &[Ticket]) -> Vec<u64> {
    tickets.iter().map(|ticket| ticket.id.get()).collect()
}

#[test]
fn priorities_above_normal_are_high_and_below_are_low() {
    #[track_caller]
    fn check(known: &[Named], priority: u64, expect: Bucket) {
        assert_eq!(
            priority_bucket(known, priority),
            expect,
            "priority {priority}"
        );
    }
    let known = priorities();
    check(&known, 1, Bucket::Low);
    check(&known, 2, Bucket::Normal);
    check(&known, 3, Bucket::High);
    check(&known, 5, Bucket::High);
    // A priority the tracker does not list counts as normal.
    check(&known, 99, Bucket::Normal);
    // Without one named Normal, the middle one is.
    let odd = [
        Named::new(7, "Whenever"),
        Named::new(8, "Soon"),
        Named::new(9, "Now"),
    ];
    check(&odd, 7, Bucket::Low);
    check(&odd, 8, Bucket::Normal);
    check(&odd, 9, Bucket::High);
}

#[test]
fn a_ticket_idle_past_its_status_threshold_is_stale_whatever_its_priority() {
    let status = team_status(
        Some("Field Team"),
        vec![ticket(1, 5, 30, 8), ticket(2, 5, 30, 6), ticket(3, 1, 2, 1)],
        &priorities(),
        &stale(),
        now(),
    );
    assert_eq!(ids(status.bucket(Bucket::Stale)), [1]);
    assert_eq!(ids(status.bucket(Bucket::High)), [2]);
    assert_eq!(ids(status.bucket(Bucket::Low)), [3]);
    assert_eq!(status.total(), 3);
}

#[test]
fn a_status_without_a_threshold_never_goes_stale() {
    let mut resolved = ticket(1, 2, 300, 300);
    resolved.status = Named::new(3, "Resolved");
    let status = team_status(None, vec![resolved], &priorities(), &stale(), now());
    assert_eq!(ids(status.bucket(Bucket::Normal)), [1]);
}

#[test]
fn each_bucket_is_oldest_first_and_stale_ones_longest_idle_first() {
    let status = team_status(
        None,
        vec![
            ticket(10, 2, 1, 1),
            ticket(11, 2, 5, 1),
            ticket(12, 2, 3, 1),
            // Stale: 13 opened first but updated last.
            ticket(13, 2, 40, 8),
            ticket(14, 2, 20, 10),
        ],
        &priorities(),
        &stale(),
        now(),
    );
    assert_eq!(ids(status.bucket(Bucket::Normal)), [11, 12, 10]);
    assert_eq!(ids(status.bucket(Bucket::Stale)), [14, 13]);
}

fn status_of(n_tickets: u64) -> TeamStatus {
    let tickets = (1..=n_tickets)
        .map(|id| ticket(id, 1 + id % 3, i64::try_from(id).unwrap(), 0))
        .collect();
    team_status(Some("Field Team"), tickets, &priorities(), &stale(), now())
}

#[test]
fn the_message_is_cut_at_the_limit_with_and_n_more() {
    /// (tickets, limit) → (lines shown, "and N more" expected)
    #[track_caller]
    fn check(n_tickets: u64, limit: usize, expect_shown: usize, expect_more: Option<usize>) {
        let message = discord_message_within(&status_of(n_tickets), now(), limit);
        assert!(
            message.chars().count() <= limit,
            "{} > {limit}: {message}",
            message.chars().count()
        );
        let shown = message
            .lines()
            .filter(|line| line.starts_with("- "))
            .count();
        assert_eq!(shown, expect_shown, "{message}");
        let more = message
            .lines()
            .last()
            .and_then(|line| line.strip_prefix("and "))
            .and_then(|rest| rest.strip_suffix(" more"))
            .map(|n| n.parse::<usize>().unwrap());
        assert_eq!(more, expect_more, "{message}");
        assert_eq!(
            shown + more.unwrap_or(0),
            usize::try_from(n_tickets).unwrap()
        );
    }
    check(0, MESSAGE_LIMIT, 0, None);
    check(3, MESSAGE_LIMIT, 3, None);
    check(12, MESSAGE_LIMIT, 12, None);
    check(40, MESSAGE_LIMIT, 20, Some(20));
    check(500, MESSAGE_LIMIT, 20, Some(480));
    // Room for the counts and the cut only.
    check(3, 75, 0, Some(3));
    // Exactly one line fits (its heading too), with the tail after it.
    check(3, 230, 1, Some(2));
}

#[test]
fn a_message_that_fits_exactly_is_not_cut() {
    let full = discord_message(&status_of(3), now());
    let length = full.chars().count();
    assert_eq!(discord_message_within(&status_of(3), now(), length), full);
    assert!(discord_message_within(&status_of(3), now(), length - 1).ends_with("and 1 more"));
}

#[test]
fn a_team_without_open_tickets_says_so_in_its_counts() {
    let message = discord_message(&status_of(0), now());
    assert_eq!(
        message,
        "**Field Team**: 0 open · 0 high · 0 normal · 0 low · 0 stale"
    );
}

#[test]
fn the_message_reads_as_counts_then_buckets() {
    let status = team_status(
        Some("Field_Team"),
        vec![
            ticket(1, 4, 3, 1),
            ticket(2, 2, 2, 1),
            ticket(3, 1, 4, 1),
            ticket(4, 2, 30, 9),
        ],
        &priorities(),
        &stale(),
        now(),
    );
    insta::assert_snapshot!(discord_message(&status, now()));
}

#[test]
fn the_terminal_shows_every_ticket_in_tables_and_json_has_each_bucket() {
    let status = team_status(
        None,
        vec![ticket(1, 4, 3, 1), ticket(4, 2, 30, 9)],
        &priorities(),
        &stale(),
        now(),
    );
    insta::assert_snapshot!(text(&status, now(), Colour::Never));
    let value: serde_json::Value = serde_json::from_str(&json(&status)).unwrap();
    assert_eq!(value["team"], serde_json::Value::Null);
    assert_eq!(value["total"], 2);
    assert_eq!(value["high"]["count"], 1);
    assert_eq!(value["high"]["tickets"][0]["id"], 1);
    assert_eq!(value["stale"]["tickets"][0]["id"], 4);
    assert_eq!(value["low"]["tickets"], serde_json::json!([]));
}
