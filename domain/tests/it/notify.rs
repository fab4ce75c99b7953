//! Notifications, sentence by sentence: where a new ticket is announced and whom it may ping,
//! which tickets are new since the last pass, how the bot finds its own announcements and
//! reminders again, and when a ticket has gone stale.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, TimeDelta, Utc};
use domain::notify::{
    announced, announcement, is_stale, new_tickets, reminded, reminder, route, NotifyRules, Ping,
    Route, Routing,
};
use domain::{
    ChannelId, ChatMessage, DiscordUserId, Mentions, MessageId, Named, Principal, RoleId, Team,
    Ticket, TicketId, TicketLinks, User, UserId,
};

const BASE: &str = "https://redmine.example.org";
const INTAKE: u64 = 100;
const BOT: u64 = 9;
const ALICE: u64 = 5;
const ALICE_MEMBER: u64 = 9005;
const BOB: u64 = 6;
const INFRA_TEAM: u64 = 30;
const ROLE: u64 = 7777;

fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-26T12:00:00Z")
        .unwrap()
        .with_timezone(&Utc)
}

fn channel(id: u64) -> ChannelId {
    ChannelId::new(id).unwrap()
}

fn alice() -> Principal {
    Principal::User(User {
        id: domain::UserId::new(ALICE).unwrap(),
        login: Some("alice".into()),
        name: "Alice Liddell".into(),
    })
}

fn bob() -> Principal {
    Principal::User(User {
        id: domain::UserId::new(BOB).unwrap(),
        login: None,
        name: "Bob Builder".into(),
    })
}

fn infra_team() -> Principal {
    Principal::Team(Team {
        id: domain::UserId::new(INFRA_TEAM).unwrap(),
        name: "Infra Team".into(),
    })
}

/// Ticket `id` in Network Operations (project 1), a Bug, New, no category, assigned to Bob,
/// opened an hour ago and not touched since.
fn ticket(id: u64) -> Ticket {
    Ticket {
        id: TicketId::new(id).unwrap(),
        subject: "Othello rooftop node offline".into(),
        description: String::new(),
        status: Named::new(1, "New"),
        priority: Named::new(4, "Urgent"),
        tracker: Named::new(1, "Bug"),
        project: Named::new(domain::ProjectId::new(1).unwrap(), "Network Operations"),
        category: None,
        assigned_to: Some(bob()),
        author: "Carol".into(),
        created_on: now() - TimeDelta::hours(1),
        updated_on: now() - TimeDelta::hours(1),
        url: format!("{BASE}/issues/{id}"),
        journals: Vec::new(),
        thread_field: None,
        sync_state: None,
        due_date: None,
        attachments: Vec::new(),
    }
}

/// Who is linked to a Discord member: Alice only (Bob is not linked). The team's id is linked
/// too, which Redmine's shared id space never allows, to show that a team is never pinged.
fn members() -> BTreeMap<UserId, DiscordUserId> {
    BTreeMap::from([
        (
            UserId::new(ALICE).unwrap(),
            DiscordUserId::new(ALICE_MEMBER).unwrap(),
        ),
        (
            UserId::new(INFRA_TEAM).unwrap(),
            DiscordUserId::new(9030).unwrap(),
        ),
    ])
}

/// The tracker's links, as the Redmine adapter shapes them.
fn links() -> TicketLinks {
    TicketLinks::new(
        format!("{BASE}/issues/"),
        "#change-",
        format!("{BASE}/attachments/"),
    )
}

fn any_route(to: u64) -> Route {
    Route {
        project: None,
        tracker: None,
        category: None,
        assignee: None,
        channel: channel(to),
        ping: Ping::Nobody,
        team: None,
    }
}

fn rules(routes: Vec<Route>) -> NotifyRules {
    NotifyRules {
        intake: channel(INTAKE),
        window: TimeDelta::days(1),
        routes,
        stale: BTreeMap::from([(1, TimeDelta::days(2)), (2, TimeDelta::days(7))]),
        digest: None,
        recycle: None,
    }
}

fn said(id: u64, author: u64, content: &str) -> ChatMessage {
    ChatMessage {
        id: MessageId::new(id).unwrap(),
        author: DiscordUserId::new(author).unwrap(),
        author_name: "someone".into(),
        author_is_bot: false,
        content: content.into(),
        attachments: Vec::new(),
        thread: None,
        mentioned: Default::default(),
    }
}

fn posted(id: u64, content: &str) -> ChatMessage {
    ChatMessage {
        author_is_bot: true,
        ..said(id, BOT, content)
    }
}

/// Shows the zero-width spaces that defuse mentions, so a reviewer can see them.
fn visible(text: &str) -> String {
    text.replace('\u{200B}', "[zwsp]")
}

fn routed(ping: Ping) -> Routing {
    Routing {
        channel: channel(200),
        route: Some(0),
        ping,
    }
}

mod routing {
    use super::*;

    /// One route of each kind, in this order.
    fn each_kind() -> NotifyRules {
        rules(vec![
            Route {
                project: Some(domain::ProjectId::new(2).unwrap()),
                ..any_route(200)
            },
            Route {
                tracker: Some("FEATURE".into()),
                ..any_route(201)
            },
            Route {
                category: Some(" fiber ".into()),
                ..any_route(202)
            },
            Route {
                assignee: Some(domain::UserId::new(ALICE).unwrap()),
                ping: Ping::Assignee,
                team: None,
                ..any_route(203)
            },
            Route {
                assignee: Some(domain::UserId::new(INFRA_TEAM).unwrap()),
                ping: Ping::Role(RoleId::new(ROLE).unwrap()),
                team: None,
                ..any_route(204)
            },
        ])
    }

    /// The ticket goes where route `want` sends it, with its ping; `None`: the intake, no ping.
    #[track_caller]
    fn check(rules: &NotifyRules, ticket: &Ticket, want: Option<usize>) {
        let got = route(ticket, rules);
        let expected = match want {
            Some(index) => Routing {
                channel: rules.routes[index].channel,
                route: Some(index),
                ping: rules.routes[index].ping,
            },
            None => Routing {
                channel: rules.intake,
                route: None,
                ping: Ping::Nobody,
            },
        };
        assert_eq!(got, expected);
    }

    fn with(change: impl FnOnce(&mut Ticket)) -> Ticket {
        let mut ticket = ticket(42);
        change(&mut ticket);
        ticket
    }

    #[test]
    fn each_rule_kind_takes_the_tickets_it_names() {
        let rules = each_kind();
        let cases: Vec<(&str, Ticket, Option<usize>)> = vec![
            (
                "project",
                with(|t| t.project = Named::new(domain::ProjectId::new(2).unwrap(), "Field")),
                Some(0),
            ),
            (
                "tracker",
                with(|t| t.tracker = Named::new(2, "Feature")),
                Some(1),
            ),
            (
                "category",
                with(|t| t.category = Some(Named::new(3, "Fiber"))),
                Some(2),
            ),
            (
                "assignee user",
                with(|t| t.assigned_to = Some(alice())),
                Some(3),
            ),
            (
                "assignee team",
                with(|t| t.assigned_to = Some(infra_team())),
                Some(4),
            ),
            ("nothing matches", ticket(42), None),
            (
                "another category",
                with(|t| t.category = Some(Named::new(4, "Radio"))),
                None,
            ),
        ];
        for (case, ticket, want) in cases {
            eprintln!("case: {case}");
            check(&rules, &ticket, want);
        }
    }

    #[test]
    fn names_match_whatever_their_case_and_surrounding_spaces() {
        let rules = each_kind();
        for name in ["Feature", "feature", "FEATURE", " Feature "] {
            check(&rules, &with(|t| t.tracker = Named::new(2, name)), Some(1));
        }
        for name in ["Fiber", "FIBER", "fiber"] {
            check(
                &rules,
                &with(|t| t.category = Some(Named::new(3, name))),
                Some(2),
            );
        }
        check(
            &rules,
            &with(|t| t.tracker = Named::new(2, "Features")),
            None,
        );
    }

    #[test]
    fn the_first_matching_route_wins() {
        let rules = each_kind();
        let everything = with(|t| {
            t.project = Named::new(domain::ProjectId::new(2).unwrap(), "Field");
            t.tracker = Named::new(2, "Feature");
            t.category = Some(Named::new(3, "Fiber"));
            t.assigned_to = Some(alice());
        });
        check(&rules, &everything, Some(0));
        let all_but_project = with(|t| {
            t.tracker = Named::new(2, "Feature");
            t.assigned_to = Some(alice());
        });
        check(&rules, &all_but_project, Some(1));
    }

    #[test]
    fn a_route_with_several_rules_needs_all_of_them() {
        let rules = rules(vec![Route {
            project: Some(domain::ProjectId::new(1).unwrap()),
            tracker: Some("Bug".into()),
            assignee: Some(domain::UserId::new(ALICE).unwrap()),
            ..any_route(200)
        }]);
        check(&rules, &with(|t| t.assigned_to = Some(alice())), Some(0));
        check(&rules, &ticket(42), None);
        check(
            &rules,
            &with(|t| {
                t.assigned_to = Some(alice());
                t.tracker = Named::new(2, "Feature");
            }),
            None,
        );
        check(
            &rules,
            &with(|t| {
                t.assigned_to = Some(alice());
                t.project = Named::new(domain::ProjectId::new(2).unwrap(), "Field");
            }),
            None,
        );
    }

    #[test]
    fn an_unassigned_ticket_goes_to_the_intake_even_when_a_route_takes_its_project() {
        let rules = each_kind();
        let nobody_in_field = with(|t| {
            t.project = Named::new(domain::ProjectId::new(2).unwrap(), "Field");
            t.assigned_to = None;
        });
        check(&rules, &nobody_in_field, None);
        check(&rules, &with(|t| t.assigned_to = None), None);
        let catch_all = rules_with_catch_all();
        check(&catch_all, &with(|t| t.assigned_to = None), None);
        check(&catch_all, &ticket(42), Some(0));
    }

    fn rules_with_catch_all() -> NotifyRules {
        rules(vec![Route {
            ping: Ping::Role(RoleId::new(ROLE).unwrap()),
            team: None,
            ..any_route(200)
        }])
    }

    #[test]
    fn without_routes_everything_goes_to_the_intake() {
        let rules = rules(Vec::new());
        check(&rules, &ticket(42), None);
        check(&rules, &with(|t| t.assigned_to = Some(alice())), None);
    }
}

mod pings {
    use super::*;

    /// Both the announcement and the reminder allow exactly `users`/`roles` and begin with
    /// their mention, or with their mark when nobody is pinged.
    #[track_caller]
    fn check(ping: Ping, assignee: Option<Principal>, users: &[u64], roles: &[u64]) {
        let mut ticket = ticket(42);
        ticket.subject = "@everyone <@123> <@&1> look".into();
        ticket.assigned_to = assignee;
        let want = Mentions {
            users: users
                .iter()
                .map(|id| DiscordUserId::new(*id).unwrap())
                .collect(),
            roles: roles.iter().map(|id| RoleId::new(*id).unwrap()).collect(),
        };
        let prefix = match (users, roles) {
            ([user], []) => format!("<@{user}> "),
            ([], [role]) => format!("<@&{role}> "),
            ([], []) => String::new(),
            _ => panic!("at most one id may be pinged"),
        };
        let announced = announcement(&ticket, &routed(ping), &members());
        assert_eq!(announced.mentions, want, "announcement");
        assert!(
            announced
                .text
                .starts_with(&format!("{prefix}📥 New ticket ")),
            "announcement: {}",
            announced.text
        );
        let reminded = reminder(&ticket, channel(300), ping, &members());
        assert_eq!(reminded.mentions, want, "reminder");
        assert!(
            reminded.text.starts_with(&format!("{prefix}⏰ ")),
            "reminder: {}",
            reminded.text
        );
        for text in [&announced.text, &reminded.text] {
            assert_eq!(
                text.matches("<@").count(),
                usize::from(!prefix.is_empty()),
                "only the route's own mention is live: {text}"
            );
            assert!(!text.contains("@everyone"), "{text}");
        }
    }

    #[test]
    fn a_linked_assignee_is_pinged_and_nobody_else() {
        check(Ping::Assignee, Some(alice()), &[ALICE_MEMBER], &[]);
    }

    #[test]
    fn an_assignee_without_a_linked_member_pings_nobody() {
        check(Ping::Assignee, Some(bob()), &[], &[]);
    }

    #[test]
    fn a_team_is_never_pinged_as_the_assignee() {
        check(Ping::Assignee, Some(infra_team()), &[], &[]);
    }

    #[test]
    fn an_unassigned_ticket_pings_no_assignee() {
        check(Ping::Assignee, None, &[], &[]);
    }

    #[test]
    fn a_role_ping_pings_exactly_that_role_whoever_is_assigned() {
        for assignee in [Some(alice()), Some(bob()), Some(infra_team()), None] {
            check(
                Ping::Role(RoleId::new(ROLE).unwrap()),
                assignee,
                &[],
                &[ROLE],
            );
        }
    }

    #[test]
    fn no_ping_pings_nobody_even_with_a_linked_assignee() {
        for assignee in [Some(alice()), Some(bob()), Some(infra_team()), None] {
            check(Ping::Nobody, assignee, &[], &[]);
        }
    }

    #[test]
    fn a_notice_goes_to_the_channel_it_was_given() {
        let ticket = ticket(42);
        let notice = announcement(&ticket, &routed(Ping::Nobody), &members());
        assert_eq!((notice.ticket, notice.channel), (ticket.id, channel(200)));
        let notice = reminder(&ticket, channel(300), Ping::Nobody, &members());
        assert_eq!((notice.ticket, notice.channel), (ticket.id, channel(300)));
    }
}

mod new_tickets {
    use super::*;

    /// From the newest tickets `(id, hours old)`, with `already` announced, the pass
    /// announces `want`, in that order.
    #[track_caller]
    fn check(newest: &[(u64, i64)], already: &[u64], want: &[u64]) {
        let newest: Vec<Ticket> = newest
            .iter()
            .map(|(id, hours)| Ticket {
                created_on: now() - TimeDelta::hours(*hours),
                ..ticket(*id)
            })
            .collect();
        let already: BTreeSet<TicketId> = already
            .iter()
            .map(|id| TicketId::new(*id).unwrap())
            .collect();
        let got: Vec<u64> = new_tickets(&newest, &already, TimeDelta::days(1), now())
            .iter()
            .map(|ticket| ticket.id.get())
            .collect();
        assert_eq!(got, want);
    }

    #[test]
    fn the_first_pass_ever_announces_only_the_window() {
        check(&[(12, 1), (11, 20), (10, 25), (9, 72)], &[], &[11, 12]);
        check(&[(10, 25), (9, 72)], &[], &[]);
        check(&[], &[], &[]);
    }

    #[test]
    fn a_ticket_opened_exactly_the_window_ago_is_still_in_it() {
        check(&[(10, 24), (9, 25)], &[], &[10]);
    }

    #[test]
    fn later_passes_announce_everything_newer_than_the_newest_announced_however_old() {
        check(
            &[(13, 30), (12, 48), (11, 72), (10, 96), (9, 120)],
            &[10],
            &[11, 12, 13],
        );
    }

    #[test]
    fn a_ticket_in_the_window_missed_by_an_earlier_pass_is_still_announced() {
        check(&[(12, 1), (11, 2), (10, 3)], &[12, 10], &[11]);
    }

    #[test]
    fn a_ticket_older_than_the_newest_announced_and_outside_the_window_is_not() {
        check(&[(12, 1), (11, 30), (10, 3)], &[12, 10], &[]);
    }

    #[test]
    fn a_ticket_already_announced_is_never_announced_again() {
        check(&[(12, 1), (11, 2)], &[11, 12], &[]);
        check(&[(12, 100), (11, 200)], &[11, 12], &[]);
        check(&[(12, 1), (11, 2)], &[11], &[12]);
    }

    #[test]
    fn tickets_are_announced_oldest_first_whatever_order_they_come_in() {
        check(
            &[(12, 1), (14, 2), (11, 3), (13, 4)],
            &[],
            &[11, 12, 13, 14],
        );
        check(
            &[(12, 50), (14, 60), (11, 70), (13, 80)],
            &[10],
            &[11, 12, 13, 14],
        );
    }
}

mod announced {
    use super::*;

    /// The bot's announcements among `messages` are exactly `want`.
    #[track_caller]
    fn check(messages: &[ChatMessage], want: &[u64]) {
        let want: BTreeSet<TicketId> = want.iter().map(|id| TicketId::new(*id).unwrap()).collect();
        assert_eq!(announced(messages, &links()), want);
    }

    fn announcement_of(ticket: &Ticket, ping: Ping) -> String {
        let mut ticket = ticket.clone();
        ticket.assigned_to = Some(alice());
        announcement(&ticket, &routed(ping), &members()).text
    }

    #[test]
    fn the_bots_announcements_are_found_whatever_they_ping() {
        let messages = [
            posted(1, &announcement_of(&ticket(41), Ping::Nobody)),
            posted(2, &announcement_of(&ticket(42), Ping::Assignee)),
            posted(
                3,
                &announcement_of(&ticket(43), Ping::Role(RoleId::new(ROLE).unwrap())),
            ),
            posted(
                4,
                &announcement(
                    &Ticket {
                        assigned_to: None,
                        ..ticket(44)
                    },
                    &Routing {
                        channel: channel(INTAKE),
                        route: None,
                        ping: Ping::Nobody,
                    },
                    &members(),
                )
                .text,
            ),
        ];
        check(&messages, &[41, 42, 43, 44]);
    }

    #[test]
    fn a_reminder_is_no_announcement() {
        let stale = reminder(&ticket(42), channel(300), Ping::Assignee, &members()).text;
        check(&[posted(1, &stale)], &[]);
    }

    #[test]
    fn a_reminder_whose_subject_carries_the_mark_is_no_announcement() {
        let mut sneaky = ticket(4200);
        sneaky.subject = "Fwd: 📥 New ticket from the web form".into();
        let stale = reminder(&sneaky, channel(300), Ping::Nobody, &members()).text;
        check(&[posted(1, &stale)], &[]);
    }

    #[test]
    fn a_person_quoting_an_announcement_is_no_announcement() {
        let text = announcement_of(&ticket(42), Ping::Nobody);
        check(&[said(1, 1001, &text)], &[]);
        check(
            &[said(1, 1001, &format!("> {text}\nwhy is this here?"))],
            &[],
        );
    }

    #[test]
    fn a_ticket_is_found_by_its_whole_number_only() {
        let messages = [posted(1, &announcement_of(&ticket(123), Ping::Nobody))];
        check(&messages, &[123]);
        let messages = [posted(1, &announcement_of(&ticket(12), Ping::Nobody))];
        check(&messages, &[12]);
    }

    #[test]
    fn another_trackers_tickets_are_not_ours() {
        let messages = [posted(1, &announcement_of(&ticket(42), Ping::Nobody))];
        for base in [
            "https://other.example.org",
            "https://redmine.example.org/redmine",
        ] {
            let theirs = TicketLinks::new(
                format!("{base}/issues/"),
                "#change-",
                format!("{base}/attachments/"),
            );
            assert_eq!(announced(&messages, &theirs), BTreeSet::new(), "{base}");
        }
    }

    #[test]
    fn other_bot_messages_about_the_ticket_are_no_announcement() {
        let messages = [
            posted(
                1,
                "**[#42](<https://redmine.example.org/issues/42>)** Othello rooftop node offline (New, Urgent)",
            ),
            posted(2, "📥 New ticket summary for today"),
            posted(
                3,
                "See 📥 New ticket **[#42](<https://redmine.example.org/issues/42>)**",
            ),
        ];
        check(&messages, &[]);
    }
}

mod reminders {
    use super::*;

    /// A ticket in `status` last updated `hours` ago is stale, or not.
    #[track_caller]
    fn check_stale(status: u64, hours: i64, want: bool) {
        let ticket = Ticket {
            status: Named::new(status, "Some status"),
            updated_on: now() - TimeDelta::hours(hours),
            ..ticket(42)
        };
        assert_eq!(is_stale(&ticket, &rules(Vec::new()), now()), want);
    }

    #[test]
    fn a_ticket_is_stale_once_idle_longer_than_its_statuss_threshold() {
        // New (1): two days; In Progress (2): seven days; Resolved (5): none.
        let cases = [
            (1, 24, false),
            (1, 47, false),
            (1, 48, false),
            (1, 49, true),
            (2, 49, false),
            (2, 7 * 24, false),
            (2, 7 * 24 + 1, true),
            (5, 1000, false),
        ];
        for (status, hours, want) in cases {
            eprintln!("case: status {status}, idle {hours}h");
            check_stale(status, hours, want);
        }
    }

    /// Whether `ticket`'s current idle spell is reminded among `messages`.
    #[track_caller]
    fn check(messages: &[ChatMessage], ticket: &Ticket, want: bool) {
        assert_eq!(reminded(messages, ticket), want);
    }

    fn stale(id: u64, days: i64) -> Ticket {
        Ticket {
            updated_on: now() - TimeDelta::days(days),
            ..ticket(id)
        }
    }

    #[test]
    fn the_bots_reminder_covers_the_same_idle_spell() {
        let ticket = stale(42, 3);
        for ping in [
            Ping::Nobody,
            Ping::Assignee,
            Ping::Role(RoleId::new(ROLE).unwrap()),
        ] {
            let sent = reminder(&ticket, channel(300), ping, &members()).text;
            check(&[posted(1, &sent)], &ticket, true);
        }
    }

    #[test]
    fn a_ticket_updated_after_its_reminder_is_a_new_spell() {
        let before = stale(42, 10);
        let sent = reminder(&before, channel(300), Ping::Nobody, &members()).text;
        let after = stale(42, 3);
        check(&[posted(1, &sent)], &after, false);
    }

    #[test]
    fn nothing_sent_means_not_reminded() {
        check(&[], &stale(42, 3), false);
    }

    #[test]
    fn a_person_quoting_the_reminder_does_not_count() {
        let ticket = stale(42, 3);
        let sent = reminder(&ticket, channel(300), Ping::Nobody, &members()).text;
        check(&[said(1, 1001, &sent)], &ticket, false);
    }

    #[test]
    fn the_announcement_of_the_ticket_is_no_reminder() {
        let ticket = stale(42, 3);
        let text = announcement(&ticket, &routed(Ping::Nobody), &members()).text;
        check(&[posted(1, &text)], &ticket, false);
    }

    #[test]
    fn a_reminder_of_another_ticket_with_a_longer_or_shorter_number_does_not_count() {
        let twelve = stale(12, 3);
        let one_two_three = stale(123, 3);
        let about_123 = reminder(&one_two_three, channel(300), Ping::Nobody, &members()).text;
        let about_12 = reminder(&twelve, channel(300), Ping::Nobody, &members()).text;
        check(&[posted(1, &about_123)], &twelve, false);
        check(&[posted(1, &about_12)], &one_two_three, false);
        check(
            &[posted(1, &about_123), posted(2, &about_12)],
            &twelve,
            true,
        );
    }
}

mod messages {
    use super::*;

    fn hostile(id: u64) -> Ticket {
        Ticket {
            subject: "@everyone <@123> <@&1> **urgent** [click](https://evil.example) `x` ||y||"
                .into(),
            priority: Named::new(4, "_High_"),
            tracker: Named::new(1, "Bug @here"),
            status: Named::new(2, "In ~~Progress~~ <@&2>"),
            assigned_to: Some(Principal::User(User {
                id: domain::UserId::new(ALICE).unwrap(),
                login: None,
                name: "Alice <@999> *Liddell*".into(),
            })),
            ..ticket(id)
        }
    }

    #[test]
    fn an_announcement_routed_to_a_linked_assignee_pings_them_first() {
        let ticket = Ticket {
            assigned_to: Some(alice()),
            ..ticket(42)
        };
        let notice = announcement(&ticket, &routed(Ping::Assignee), &members());
        insta::assert_snapshot!(notice.text, @"<@9005> 📥 New ticket **[#42](<https://redmine.example.org/issues/42>)** Othello rooftop node offline (Bug, Urgent) · for Alice Liddell");
    }

    #[test]
    fn an_announcement_no_route_takes_says_so() {
        let rules = rules(vec![Route {
            project: Some(domain::ProjectId::new(2).unwrap()),
            ..any_route(200)
        }]);
        let ticket = ticket(42);
        let notice = announcement(&ticket, &route(&ticket, &rules), &members());
        assert_eq!(notice.channel, channel(INTAKE));
        insta::assert_snapshot!(notice.text, @"📥 New ticket **[#42](<https://redmine.example.org/issues/42>)** Othello rooftop node offline (Bug, Urgent) · for Bob Builder (no route matches)");
    }

    #[test]
    fn an_announcement_of_an_unassigned_ticket_asks_for_a_person() {
        let rules = rules(vec![Route {
            ping: Ping::Role(RoleId::new(ROLE).unwrap()),
            team: None,
            ..any_route(200)
        }]);
        let ticket = Ticket {
            assigned_to: None,
            ..ticket(42)
        };
        let notice = announcement(&ticket, &route(&ticket, &rules), &members());
        assert_eq!(notice.channel, channel(INTAKE));
        assert_eq!(notice.mentions, Mentions::none());
        insta::assert_snapshot!(notice.text, @"📥 New ticket **[#42](<https://redmine.example.org/issues/42>)** Othello rooftop node offline (Bug, Urgent) · needs a person to route it");
    }

    #[test]
    fn a_reminder_with_a_role_ping_names_the_last_update_as_a_discord_timestamp() {
        let ticket = Ticket {
            status: Named::new(2, "In Progress"),
            updated_on: now() - TimeDelta::days(8),
            ..ticket(42)
        };
        let notice = reminder(
            &ticket,
            channel(300),
            Ping::Role(RoleId::new(ROLE).unwrap()),
            &members(),
        );
        insta::assert_snapshot!(notice.text, @"<@&7777> ⏰ **[#42](<https://redmine.example.org/issues/42>)** Othello rooftop node offline has been In Progress with no update since <t:1795003200:R>.");
    }

    #[test]
    fn a_reminder_without_a_ping_is_the_same_line_alone() {
        let ticket = Ticket {
            updated_on: now() - TimeDelta::days(3),
            ..ticket(42)
        };
        let notice = reminder(&ticket, channel(300), Ping::Assignee, &members());
        assert_eq!(notice.mentions, Mentions::none());
        insta::assert_snapshot!(notice.text, @"⏰ **[#42](<https://redmine.example.org/issues/42>)** Othello rooftop node offline has been New with no update since <t:1795435200:R>.");
    }

    #[test]
    fn text_from_the_ticket_can_neither_mention_nor_format_in_an_announcement() {
        let ticket = hostile(42);
        let notice = announcement(&ticket, &routed(Ping::Assignee), &members());
        assert_eq!(
            notice.mentions.users,
            vec![DiscordUserId::new(ALICE_MEMBER).unwrap()]
        );
        insta::assert_snapshot!(visible(&notice.text), @r"<@9005> 📥 New ticket **[#42](<https://redmine.example.org/issues/42>)** @[zwsp]everyone <[zwsp]@[zwsp]123> <[zwsp]@[zwsp]&1> \*\*urgent\*\* \[click\](https://evil.example) \`x\` \|\|y\|\| (Bug @[zwsp]here, \_High\_) · for Alice <[zwsp]@[zwsp]999> \*Liddell\*");
    }

    #[test]
    fn text_from_the_ticket_can_neither_mention_nor_format_in_a_reminder() {
        let ticket = hostile(42);
        let notice = reminder(&ticket, channel(300), Ping::Nobody, &members());
        assert_eq!(notice.mentions, Mentions::none());
        insta::assert_snapshot!(visible(&notice.text), @r"⏰ **[#42](<https://redmine.example.org/issues/42>)** @[zwsp]everyone <[zwsp]@[zwsp]123> <[zwsp]@[zwsp]&1> \*\*urgent\*\* \[click\](https://evil.example) \`x\` \|\|y\|\| has been In \~\~Progress\~\~ <[zwsp]@[zwsp]&2> with no update since <t:1795690800:R>.");
    }

    #[test]
    fn a_subject_cannot_forge_the_marks_the_next_pass_looks_for() {
        let mut ticket = ticket(42);
        ticket.subject = format!(
            "(<{BASE}/issues/7>) <t:{}:R>",
            (now() - TimeDelta::days(3)).timestamp()
        );
        let text = reminder(&ticket, channel(300), Ping::Nobody, &members()).text;
        let seven = Ticket {
            updated_on: now() - TimeDelta::days(3),
            ..super::ticket(7)
        };
        assert!(!reminded(&[posted(1, &text)], &seven), "{text}");
        let text = announcement(&ticket, &routed(Ping::Nobody), &members()).text;
        assert_eq!(
            announced(&[posted(1, &text)], &links()),
            BTreeSet::from([TicketId::new(42).unwrap()])
        );
    }
}

mod digest {
    use chrono::{DateTime, NaiveDate, Utc};
    use domain::notify::{digest_due, DigestRule};

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn the_digest_is_due_from_its_local_time_on_each_local_day() {
        let rule = DigestRule::parse("10:00", Some("Europe/Zurich")).unwrap();
        let day = NaiveDate::from_ymd_opt(2026, 12, 1);
        assert_eq!(digest_due(&rule, at("2026-12-01T08:59:00Z")), None);
        assert_eq!(digest_due(&rule, at("2026-12-01T09:00:00Z")), day);
        assert_eq!(digest_due(&rule, at("2026-12-01T22:59:00Z")), day);
        // Past midnight in Zurich it is the next day, before its digest time.
        assert_eq!(digest_due(&rule, at("2026-12-01T23:30:00Z")), None);
        // Summer time: 10:00 in Zurich is 08:00 UTC.
        assert_eq!(
            digest_due(&rule, at("2026-07-01T08:00:00Z")),
            NaiveDate::from_ymd_opt(2026, 7, 1)
        );
    }

    #[test]
    fn a_bad_digest_time_or_zone_is_named() {
        assert_eq!(
            DigestRule::parse("25:00", None).unwrap_err().to_string(),
            "notify.digest_at must be a time such as \"10:00\", not '25:00'"
        );
        assert_eq!(
            DigestRule::parse("10:00", Some("Mars/Olympus"))
                .unwrap_err()
                .to_string(),
            "notify.time_zone must be a time zone such as \"Europe/Zurich\", not 'Mars/Olympus'"
        );
        assert_eq!(
            DigestRule::parse("10:00", None).unwrap().zone,
            chrono_tz::Tz::UTC
        );
    }
}

mod digest_message {
    use super::*;
    use domain::notify::{digest, digest_sent};

    #[test]
    fn a_digest_lists_the_stale_tickets_oldest_first_and_pings_only_what_their_routes_ask() {
        let day = chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        let mut older = ticket(41);
        older.assigned_to = Some(alice());
        older.updated_on = now() - TimeDelta::days(9);
        older.status = Named::new(2, "In Progress");
        let mut newer = ticket(42);
        newer.subject = "@everyone <@1> **loud**".into();
        newer.updated_on = now() - TimeDelta::days(3);
        let notice = digest(
            channel(200),
            day,
            &[
                (&newer, Ping::Role(RoleId::new(ROLE).unwrap())),
                (&older, Ping::Assignee),
            ],
            &members(),
        );
        insta::assert_snapshot!(visible(&notice.text), @r"
        🗓 Stale tickets, 2026-12-01 <@9005> <@&7777>
        - **[#41](<https://redmine.example.org/issues/41>)** Othello rooftop node offline · In Progress since <t:1794916800:R> · Alice Liddell
        - **[#42](<https://redmine.example.org/issues/42>)** @[zwsp]everyone <[zwsp]@[zwsp]1> \*\*loud\*\* · New since <t:1795435200:R> · Bob Builder
        ");
        assert_eq!(
            notice.mentions.users,
            [DiscordUserId::new(ALICE_MEMBER).unwrap()]
        );
        assert_eq!(notice.mentions.roles, [RoleId::new(ROLE).unwrap()]);
        assert!(digest_sent(&[posted(1, &notice.text)], day));
        assert!(!digest_sent(
            &[posted(1, &notice.text)],
            day.succ_opt().unwrap()
        ));
        assert!(
            !digest_sent(&[said(1, 77, &notice.text)], day),
            "a person quoting it"
        );
    }
}
