//! Snapshots of every Discord reply rendering: links without embeds, escaped outside text,
//! mentions defused, and the 2000-character limit kept at line boundaries.

use chrono::{DateTime, TimeDelta, Utc};
use domain::render::discord::{self, MESSAGE_LIMIT};
use domain::JournalId;
use domain::{Journal, Named, Principal, Site, SiteCounts, SiteDetails, Ticket, TicketId, User};

fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-26T12:00:00Z")
        .unwrap()
        .with_timezone(&Utc)
}

fn ticket(id: u64, subject: &str) -> Ticket {
    Ticket {
        id: TicketId::new(id).unwrap(),
        subject: subject.into(),
        description: "The node stopped answering at 02:00.\nPower is fine.".into(),
        status: Named::new(2, "In Progress"),
        priority: Named::new(4, "Urgent"),
        tracker: Named::new(1, "Bug"),
        project: Named::new(domain::ProjectId::new(1).unwrap(), "Network Operations"),
        assigned_to: Some(Principal::User(User {
            id: domain::UserId::new(5).unwrap(),
            login: None,
            name: "Alice Liddell".into(),
        })),
        author: "Bob Builder".into(),
        created_on: now() - TimeDelta::days(3),
        updated_on: now(),
        url: format!("https://redmine.example.org/issues/{id}"),
        thread_field: None,
        category: None,
        sync_state: None,
        due_date: None,
        attachments: Vec::new(),
        journals: vec![
            Journal {
                id: JournalId::new(1).unwrap(),
                author: "Bob Builder".into(),
                author_id: None,
                changes: Vec::new(),
                created_on: now() - TimeDelta::days(2),
                edited: None,
                text: "Checked the *injector*.".into(),
            },
            Journal {
                id: JournalId::new(2).unwrap(),
                author: "Alice Liddell".into(),
                author_id: None,
                changes: Vec::new(),
                created_on: now() - TimeDelta::hours(5),
                edited: None,
                text: "@here going up tomorrow".into(),
            },
        ],
    }
}

/// Shows the zero-width spaces that defuse mentions, so a reviewer can see them.
fn visible(text: &str) -> String {
    text.replace('\u{200B}', "[zwsp]")
}

fn othello() -> Site {
    Site {
        id: 3,
        slug: "othello".into(),
        name: "Othello Village".into(),
        status: "Active".into(),
        region: Some("South Seattle".into()),
        tenant: Some("Seattle Community Network".into()),
        facility: Some("Rooftop_1".into()),
        physical_address: Some("7100 MLK Jr Way S".into()),
        coordinates: Some((47.5373, -122.2817)),
        description: Some("Our first **rooftop** node".into()),
        url: "https://netbox.example.org/dcim/sites/3/".into(),
    }
}

#[test]
fn a_ticket_line_is_the_original_format_without_embeds_or_pings() {
    insta::assert_snapshot!(
        visible(&discord::ticket_line(&ticket(42, "@everyone Othello *rooftop* node offline"), now())),
        @r"**[#42](<https://redmine.example.org/issues/42>)** @[zwsp]everyone Othello \*rooftop\* node offline - Urgent - 3 days old"
    );
}

#[test]
fn ticket_details_are_a_compact_block_with_the_latest_notes() {
    insta::assert_snapshot!(visible(&discord::ticket_details(
        &ticket(42, "Othello rooftop node offline"),
        now()
    )));
}

#[test]
fn a_long_list_is_cut_at_a_line_with_how_many_more_and_where() {
    let tickets: Vec<Ticket> = (1..=100)
        .map(|n| {
            ticket(
                n,
                &format!("A fairly long subject line for ticket number {n} at a site"),
            )
        })
        .collect();
    let reply = discord::ticket_list(
        &tickets,
        now(),
        "use `tickets` or <https://redmine.example.org/issues?assigned_to_id=me>",
    );
    assert!(
        reply.chars().count() <= MESSAGE_LIMIT,
        "{} characters",
        reply.chars().count()
    );
    assert!(reply
        .lines()
        .all(|line| line.starts_with("**[") || line.starts_with("… and ")));
    insta::assert_snapshot!(reply.lines().last().unwrap(), @"… and 86 more (use `tickets` or <https://redmine.example.org/issues?assigned_to_id=me>)");
}

#[test]
fn a_short_list_is_whole_and_an_empty_one_says_so() {
    let reply = discord::ticket_list(&[ticket(1, "One"), ticket(2, "Two")], now(), "x");
    assert_eq!(reply.lines().count(), 2);
    insta::assert_snapshot!(discord::ticket_list(&[], now(), "x"), @"No tickets.");
}

#[test]
fn a_site_list_links_each_slug() {
    let mut bare = othello();
    bare.slug = "filipino-community-village".into();
    bare.name = "Filipino Community Village".into();
    insta::assert_snapshot!(discord::site_list(&[othello(), bare]), @r"
    **[othello](<https://netbox.example.org/dcim/sites/3/>)** - Othello Village
    **[filipino-community-village](<https://netbox.example.org/dcim/sites/3/>)** - Filipino Community Village
    ");
}

#[test]
fn site_details_are_a_compact_block() {
    let details = SiteDetails {
        site: othello(),
        counts: SiteCounts {
            devices: 3,
            prefixes: 2,
            circuits: 1,
        },
    };
    insta::assert_snapshot!(discord::site_details(&details));
}

#[test]
fn a_saved_query_renders_each_ticket_with_its_line_template() {
    let source =
        "**[#{{ id }}](<{{ url }}>)** {{ subject }} ({{ assigned_to }}, updated {{ updated }} ago)";
    let reply = domain::render::template::ticket_lines(
        source,
        &[ticket(7, "@here *Stale* ticket")],
        now(),
        "x",
    )
    .unwrap();
    insta::assert_snapshot!(visible(&reply), @r"**[#7](<https://redmine.example.org/issues/7>)** @[zwsp]here \*Stale\* ticket (Alice Liddell, updated a moment ago)");
}

#[test]
fn a_template_with_an_unknown_field_is_refused_with_the_known_ones() {
    let error = domain::render::template::check("{{ asignee }}")
        .unwrap_err()
        .to_string();
    assert!(error.ends_with("(fields: id, subject, status, priority, tracker, project, assigned_to, author, url, age, updated)"), "{error}");
    assert!(domain::render::template::check("{{ id }} {% if").is_err());
    assert!(domain::render::template::check("{{ id }} {{ subject | upper }}").is_ok());
}
