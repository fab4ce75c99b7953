//! Recycling, sentence by sentence: which idle tickets are handed back to their route's team,
//! with which note, and why the change itself ends the idle spell.

use std::collections::BTreeMap;

use chrono::{DateTime, TimeDelta, Utc};
use domain::notify::{recycle, NotifyRules, RecycleRule, Route};
use domain::{
    ChannelId, Named, Principal, ProjectId, Status, StatusId, Team, Ticket, TicketId, User, UserId,
};

const FIELD_TEAM: u64 = 7;
const IN_PROGRESS: u64 = 2;
const NEW: u64 = 1;

fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-26T12:00:00Z")
        .unwrap()
        .with_timezone(&Utc)
}

fn field_team() -> Team {
    Team {
        id: UserId::new(FIELD_TEAM).unwrap(),
        name: "Field Team".into(),
    }
}

fn alice() -> Principal {
    Principal::User(User {
        id: UserId::new(5).unwrap(),
        login: Some("alice".into()),
        name: "Alice Liddell".into(),
    })
}

/// Ticket `id`, a Bug in project 1, In Progress with Alice, last updated `idle_days` ago.
fn ticket(id: u64, idle_days: i64) -> Ticket {
    Ticket {
        id: TicketId::new(id).unwrap(),
        subject: "Mast light out".into(),
        description: String::new(),
        status: Named::new(IN_PROGRESS, "In Progress"),
        priority: Named::new(2, "Normal"),
        tracker: Named::new(1, "Bug"),
        project: Named::new(ProjectId::new(1).unwrap(), "Network Operations"),
        category: None,
        assigned_to: Some(alice()),
        author: "Carol".into(),
        created_on: now() - TimeDelta::days(60),
        updated_on: now() - TimeDelta::days(idle_days),
        url: format!("https://redmine.example.org/issues/{id}"),
        journals: Vec::new(),
        thread_field: None,
        sync_state: None,
        attachments: Vec::new(),
        due_date: None,
    }
}

fn route(project: u64, team: Option<Team>) -> Route {
    Route {
        project: Some(ProjectId::new(project).unwrap()),
        tracker: None,
        category: None,
        assignee: None,
        channel: ChannelId::new(500 + project).unwrap(),
        ping: domain::notify::Ping::Nobody,
        team,
    }
}

/// Recycle after 21 days to New, never Immediate tickets; project 1's route names the Field
/// Team, project 2's no team.
fn rules() -> NotifyRules {
    NotifyRules {
        intake: ChannelId::new(100).unwrap(),
        window: TimeDelta::days(1),
        routes: vec![route(1, Some(field_team())), route(2, None)],
        stale: BTreeMap::new(),
        digest: None,
        recycle: Some(RecycleRule {
            after: TimeDelta::days(21),
            status: Status {
                id: StatusId::new(NEW).unwrap(),
                name: "New".into(),
                is_closed: false,
            },
            skip_priorities: vec!["immediate".into()],
        }),
    }
}

#[test]
fn an_assigned_ticket_idle_that_long_goes_back_to_its_routes_team_as_new_with_why() {
    let handed = recycle(&ticket(42, 22), &rules(), now()).expect("recycled");
    assert_eq!(handed.ticket, TicketId::new(42).unwrap());
    assert_eq!(handed.team, field_team());
    assert_eq!(handed.status.name, "New");
    assert_eq!(
        handed.note,
        "Handed back to Field Team and set to New: no update for 3 weeks while with Alice Liddell in In Progress."
    );
}

#[test]
fn what_is_not_recycled() {
    #[track_caller]
    fn check(ticket: &Ticket, rules: &NotifyRules, why: &str) {
        assert_eq!(recycle(ticket, rules, now()), None, "{why}");
    }
    check(&ticket(1, 20), &rules(), "idle less than 21 days");
    let mut nobody = ticket(2, 30);
    nobody.assigned_to = None;
    check(&nobody, &rules(), "nobody assigned");
    let mut immediate = ticket(3, 30);
    immediate.priority = Named::new(5, "Immediate");
    check(&immediate, &rules(), "a skipped priority, in any case");
    let mut elsewhere = ticket(4, 30);
    elsewhere.project = Named::new(ProjectId::new(2).unwrap(), "Outreach");
    check(&elsewhere, &rules(), "its route names no team");
    let mut unrouted = ticket(5, 30);
    unrouted.project = Named::new(ProjectId::new(3).unwrap(), "Elsewhere");
    check(&unrouted, &rules(), "no route takes it");
    let mut off = rules();
    off.recycle = None;
    check(&ticket(6, 30), &off, "recycling is off");
    let mut already = ticket(7, 30);
    already.assigned_to = Some(Principal::Team(field_team()));
    already.status = Named::new(NEW, "New");
    check(&already, &rules(), "already with the team, in the status");
}

#[test]
fn the_change_itself_ends_the_idle_spell_so_a_ticket_is_recycled_once_per_spell() {
    let idle = ticket(42, 22);
    assert!(recycle(&idle, &rules(), now()).is_some());
    // Recycling updates the ticket: it is with the team now, and updated just now.
    let mut after = idle.clone();
    after.assigned_to = Some(Principal::Team(field_team()));
    after.status = Named::new(NEW, "New");
    after.updated_on = now();
    assert_eq!(recycle(&after, &rules(), now() + TimeDelta::days(1)), None);
    // A person takes it again and it idles another 21 days: a new spell, recycled again.
    after.assigned_to = Some(alice());
    after.status = Named::new(IN_PROGRESS, "In Progress");
    assert!(recycle(&after, &rules(), now() + TimeDelta::days(21)).is_some());
}
