//! The sync planner, sentence by sentence: what the threader posts in a ticket's thread, what
//! it writes on the ticket, and why nothing is lost, doubled or echoed.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use domain::files::{NotKept, NotKeptReason};
use domain::render::mirror;
use domain::sync::{
    self, needs_look, plan, thread_name, SyncInput, SyncPlan, SyncState, ThreadAsk, ThreadLink,
    ToThread, THREAD_NAME_LIMIT,
};
use domain::{
    Attachment, Change, ChannelId, ChatMessage, DiscordUserId, GuildId, GuildNames, Journal,
    JournalId, Login, MessageId, Named, Status, Ticket, TicketFile, TicketId, TicketLinks, UserId,
};

const URL: &str = "https://redmine.example.org/issues/42";
const ALICE: u64 = 1001;
const MALLORY: u64 = 1002;
const BOT: u64 = 9;

fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-26T12:00:00Z")
        .unwrap()
        .with_timezone(&Utc)
}

fn link() -> ThreadLink {
    ThreadLink {
        guild: GuildId::new(111).unwrap(),
        thread: ChannelId::new(222).unwrap(),
    }
}

fn ticket(journals: Vec<Journal>) -> Ticket {
    Ticket {
        id: TicketId::new(42).unwrap(),
        subject: "Othello rooftop node offline".into(),
        description: "The node stopped answering at 02:00.\nPower is fine.".into(),
        status: Named::new(1, "New"),
        priority: Named::new(4, "Urgent"),
        tracker: Named::new(1, "Bug"),
        project: Named::new(domain::ProjectId::new(1).unwrap(), "Network Operations"),
        category: None,
        assigned_to: None,
        author: "Bob Builder".into(),
        created_on: now(),
        updated_on: now(),
        url: URL.into(),
        journals,
        thread_field: Some(link().to_string()),
        sync_state: None,
        due_date: None,
        attachments: Vec::new(),
    }
}

fn note(id: u64, author: &str, text: &str) -> Journal {
    Journal {
        id: JournalId::new(id).unwrap(),
        author: author.into(),
        author_id: Some(UserId::new(5).unwrap()),
        created_on: now(),
        edited: None,
        text: text.into(),
        changes: Vec::new(),
    }
}

fn change(id: u64, author: &str, changes: Vec<Change>) -> Journal {
    Journal {
        changes,
        ..note(id, author, "")
    }
}

fn status(from: u64, to: u64) -> Change {
    Change::Status {
        from: Some(from),
        to: Some(to),
    }
}

fn said(id: u64, author: u64, name: &str, content: &str) -> ChatMessage {
    ChatMessage {
        id: MessageId::new(id).unwrap(),
        author: DiscordUserId::new(author).unwrap(),
        author_name: name.into(),
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
        ..said(id, BOT, "netbot", content)
    }
}

fn state(journal: Option<u64>, message: Option<u64>) -> SyncState {
    SyncState {
        journal: journal.map(|id| JournalId::new(id).unwrap()),
        message: message.map(|id| MessageId::new(id).unwrap()),
        recreated: false,
    }
}

fn statuses() -> Vec<Status> {
    [
        (1, "New", false),
        (2, "In Progress", false),
        (5, "Closed", true),
    ]
    .into_iter()
    .map(|(id, name, is_closed)| Status {
        id: domain::StatusId::new(id).unwrap(),
        name: name.into(),
        is_closed,
    })
    .collect()
}

/// Everything around one ticket's sync that the tests below do not vary.
struct World {
    members: BTreeMap<DiscordUserId, Login>,
    statuses: Vec<Status>,
    people: BTreeMap<UserId, String>,
    logins: BTreeMap<Login, UserId>,
    users: BTreeMap<UserId, DiscordUserId>,
    guild: GuildNames,
    links: TicketLinks,
}

impl World {
    fn new() -> Self {
        Self {
            members: BTreeMap::from([(
                DiscordUserId::new(ALICE).unwrap(),
                Login::new("alice").unwrap(),
            )]),
            statuses: statuses(),
            people: BTreeMap::from([
                (UserId::new(7).unwrap(), "Alice Liddell".into()),
                (UserId::new(8).unwrap(), "Network team".into()),
            ]),
            logins: BTreeMap::from([(Login::new("alice").unwrap(), UserId::new(7).unwrap())]),
            users: BTreeMap::from([(UserId::new(7).unwrap(), DiscordUserId::new(ALICE).unwrap())]),
            guild: GuildNames::default(),
            links: TicketLinks::new(
                "https://redmine.example.org/issues/",
                "#change-",
                "https://redmine.example.org/attachments/",
            ),
        }
    }

    fn plan(
        &self,
        ticket: &Ticket,
        state: SyncState,
        archived: bool,
        messages: &[ChatMessage],
    ) -> SyncPlan {
        plan(&SyncInput {
            ticket,
            state,
            link: link(),
            archived,
            messages,
            members: &self.members,
            statuses: &self.statuses,
            people: &self.people,
            logins: &self.logins,
            users: &self.users,
            guild: &self.guild,
            links: &self.links,
            max_upload: domain::limits::DEFAULT_MAX_UPLOAD,
        })
    }
}

/// The journals a plan posts, by id (`0` for the description).
fn posted_journals(plan: &SyncPlan) -> Vec<u64> {
    plan.to_thread
        .iter()
        .map(|post| post.journal.map_or(0, JournalId::get))
        .collect()
}

/// The messages a plan writes as notes, by id.
fn written_messages(plan: &SyncPlan) -> Vec<u64> {
    plan.to_ticket
        .iter()
        .map(|note| note.message.get())
        .collect()
}

/// The one message a plan posts.
fn only_post(plan: &SyncPlan) -> &ToThread {
    assert_eq!(plan.to_thread.len(), 1, "{plan:#?}");
    &plan.to_thread[0]
}

/// Shows the zero-width spaces that defuse mentions, so a reviewer can see them.
fn visible(text: &str) -> String {
    text.replace('\u{200B}', "[zwsp]")
}

// --- The stored state ---

#[test]
fn a_sync_state_reads_back_what_it_wrote() {
    let full = SyncState {
        recreated: true,
        ..state(Some(123), Some(456))
    };
    for stored in [
        full,
        state(Some(123), None),
        state(None, Some(456)),
        SyncState::default(),
    ] {
        let text = stored.to_string();
        assert_eq!(SyncState::parse(Some(&text)), stored, "{text}");
    }
    assert_eq!(full.to_string(), "v1 j=123 m=456 r");
    assert_eq!(SyncState::default().to_string(), "v1");
}

#[test]
fn an_unreadable_sync_state_counts_as_none() {
    for garbage in [
        None,
        Some(""),
        Some("   "),
        Some("j=1 m=2"),
        Some("v2 j=1"),
        Some("hello"),
    ] {
        assert_eq!(
            SyncState::parse(garbage),
            SyncState::default(),
            "{garbage:?}"
        );
    }
    assert_eq!(
        SyncState::parse(Some(" v1  j=0 m=x r junk=3 z ")),
        SyncState {
            recreated: true,
            ..SyncState::default()
        }
    );
    assert_eq!(SyncState::parse(Some("v1 m=7")), state(None, Some(7)));
}

// --- The thread field ---

#[track_caller]
fn check_link(text: &str, expect: Option<(u64, u64)>) {
    assert_eq!(
        ThreadLink::parse(text).map(|link| (link.guild.get(), link.thread.get())),
        expect,
        "{text:?}"
    );
}

#[test]
fn thread_links_are_read_from_every_discord_host() {
    for text in [
        "https://discord.com/channels/111/222",
        "https://ptb.discord.com/channels/111/222",
        "https://canary.discord.com/channels/111/222",
        "https://discordapp.com/channels/111/222",
        "http://discord.com/channels/111/222",
        "https://discord.com/channels/111/222/",
        "<https://discord.com/channels/111/222>",
        "  https://discord.com/channels/111/222  ",
    ] {
        check_link(text, Some((111, 222)));
    }
    assert_eq!(
        ThreadLink::parse("https://canary.discord.com/channels/111/222")
            .unwrap()
            .to_string(),
        "https://discord.com/channels/111/222"
    );
}

#[test]
fn anything_but_a_thread_link_is_refused() {
    for text in [
        "https://discord.com/channels/111/222/333",
        "https://discord.com/channels/111",
        "https://discord.com/channels/@me/222",
        "https://discord.com/channels/0/222",
        "https://discord.com/channels/111/0",
        "https://discord.com/guilds/111/222",
        "https://discord.com.evil.example/channels/111/222",
        "https://evil.example/channels/111/222",
        "https://discord.gg/channels/111/222",
        "discord.com/channels/111/222",
        "ftp://discord.com/channels/111/222",
        "yes",
        "",
    ] {
        check_link(text, None);
    }
}

#[test]
fn a_thread_links_message_address_is_the_link_and_the_id() {
    assert_eq!(
        link().message_url(MessageId::new(333).unwrap()),
        "https://discord.com/channels/111/222/333"
    );
}

#[test]
fn the_thread_field_asks_for_nothing_a_thread_or_names_one() {
    assert_eq!(ThreadAsk::of(None), ThreadAsk::None);
    assert_eq!(ThreadAsk::of(Some("")), ThreadAsk::None);
    assert_eq!(ThreadAsk::of(Some("  ")), ThreadAsk::None);
    assert_eq!(ThreadAsk::of(Some("yes")), ThreadAsk::Wanted);
    assert_eq!(ThreadAsk::of(Some("please")), ThreadAsk::Wanted);
    assert_eq!(
        ThreadAsk::of(Some("https://discord.com/channels/111/222/333")),
        ThreadAsk::Wanted
    );
    assert_eq!(
        ThreadAsk::of(Some(" https://discord.com/channels/111/222 ")),
        ThreadAsk::Linked(link())
    );
}

// --- The thread's name and first message ---

#[test]
fn a_thread_is_named_after_the_ticket() {
    assert_eq!(
        thread_name(&ticket(Vec::new())),
        "#42 Othello rooftop node offline"
    );
    let mut multiline = ticket(Vec::new());
    multiline.subject = "  Node down\nagain  ".into();
    assert_eq!(thread_name(&multiline), "#42 Node down again");
}

#[test]
fn a_long_subject_is_clamped_to_discords_hundred_characters() {
    let mut long = ticket(Vec::new());
    long.subject = "é".repeat(150);
    let name = thread_name(&long);
    assert_eq!(name.chars().count(), THREAD_NAME_LIMIT);
    assert!(name.starts_with("#42 éé"), "{name}");
    assert!(name.ends_with('…'), "{name}");
    long.subject = "x".repeat(THREAD_NAME_LIMIT - 4);
    assert_eq!(thread_name(&long).chars().count(), THREAD_NAME_LIMIT);
    assert!(!thread_name(&long).contains('…'));
}

#[test]
fn the_starter_message_links_the_ticket_and_is_found_again_by_that_link() {
    let ticket = ticket(Vec::new());
    let text = sync::starter_text(&ticket);
    insta::assert_snapshot!(text, @"**[#42](<https://redmine.example.org/issues/42>)** Othello rooftop node offline (New, Urgent)");
    assert!(sync::is_starter_of(&posted(1, &text), &ticket));
    assert!(!sync::is_starter_of(
        &said(1, ALICE, "Alice", &text),
        &ticket
    ));
    let mut other = ticket.clone();
    other.url = "https://redmine.example.org/issues/4".into();
    assert!(!sync::is_starter_of(&posted(1, &text), &other));
}

// --- Redmine → Discord ---

#[test]
fn a_new_thread_gets_the_description_then_every_note_oldest_first() {
    let ticket = ticket(vec![
        note(10, "Bob Builder", "Checked the injector."),
        change(11, "Bob Builder", vec![Change::Other]),
        note(12, "Alice Liddell", "Going up tomorrow."),
    ]);
    let plan = World::new().plan(&ticket, SyncState::default(), false, &[]);
    assert_eq!(posted_journals(&plan), [0, 10, 12]);
    insta::assert_snapshot!(plan.to_thread[0].text, @r#"
        **[#42](<https://redmine.example.org/issues/42>)** Othello rooftop node offline
        The node stopped answering at 02:00.
        Power is fine.
        "#);
    insta::assert_snapshot!(plan.to_thread[1].text, @r#"
        **Bob Builder** on [#42](<https://redmine.example.org/issues/42#change-10>)
        Checked the injector.
        "#);
    assert!(plan.to_ticket.is_empty());
    assert!(!plan.unarchive && !plan.archive);
    assert_eq!(plan.state, state(Some(12), None));
}

#[test]
fn a_description_already_posted_is_not_posted_again() {
    let ticket = ticket(vec![note(10, "Bob", "Checked.")]);
    let world = World::new();
    let first = world.plan(&ticket, SyncState::default(), false, &[]);
    let description = posted(500, &first.to_thread[0].text);
    let plan = world.plan(&ticket, SyncState::default(), false, &[description]);
    assert_eq!(posted_journals(&plan), [10]);
    assert_eq!(plan.state, state(Some(10), Some(500)));
}

#[test]
fn a_ticket_without_a_description_starts_with_its_line_alone() {
    let mut ticket = ticket(Vec::new());
    ticket.description = " \n ".into();
    let plan = World::new().plan(&ticket, SyncState::default(), false, &[]);
    insta::assert_snapshot!(only_post(&plan).text, @"**[#42](<https://redmine.example.org/issues/42>)** Othello rooftop node offline");
}

#[test]
fn journals_up_to_the_stored_one_are_skipped() {
    let ticket = ticket(vec![
        note(10, "Bob", "old"),
        note(11, "Bob", "old too"),
        note(12, "Bob", "new"),
    ]);
    let plan = World::new().plan(&ticket, state(Some(11), Some(400)), false, &[]);
    assert_eq!(posted_journals(&plan), [12]);
    assert_eq!(plan.state, state(Some(12), Some(400)));
}

#[test]
fn a_note_already_mirrored_in_the_thread_is_not_posted_again() {
    let ticket = ticket(vec![note(12, "Bob", "first"), note(13, "Bob", "second")]);
    let world = World::new();
    let stored = state(Some(11), Some(400));
    let before_crash = world.plan(&ticket, stored, false, &[]);
    assert_eq!(posted_journals(&before_crash), [12, 13]);
    let mirrored = posted(401, &before_crash.to_thread[0].text);
    let plan = world.plan(&ticket, stored, false, &[mirrored]);
    assert_eq!(posted_journals(&plan), [13]);
    assert_eq!(plan.state, state(Some(13), Some(401)));
}

#[test]
fn a_mirror_of_change_12_does_not_count_as_one_of_change_123() {
    let ticket = ticket(vec![note(12, "Bob", "short"), note(123, "Bob", "long")]);
    let world = World::new();
    let stored = state(Some(11), Some(400));
    let first = world.plan(&ticket, stored, false, &[]);
    let mirror_of_12 = posted(401, &first.to_thread[0].text);
    let plan = world.plan(&ticket, stored, false, &[mirror_of_12]);
    assert_eq!(posted_journals(&plan), [123]);
    let mirror_of_123 = posted(402, &first.to_thread[1].text);
    let plan = world.plan(&ticket, stored, false, &[mirror_of_123]);
    assert_eq!(posted_journals(&plan), [12]);
}

#[test]
fn a_note_quoting_another_changes_address_is_not_taken_for_its_mirror() {
    let ticket = ticket(vec![note(12, "Bob", "quoted"), note(13, "Bob", "new")]);
    let quote = posted(
        401,
        &format!("**Carol** on [#42](<{URL}#change-9>)\nsee {URL}#change-12"),
    );
    let plan = World::new().plan(&ticket, state(Some(11), Some(400)), false, &[quote]);
    assert_eq!(posted_journals(&plan), [12, 13]);
}

#[test]
fn a_persons_message_carrying_the_marker_does_not_stop_the_mirror() {
    let ticket = ticket(vec![note(12, "Bob", "new")]);
    let world = World::new();
    let stored = state(Some(11), Some(400));
    let mirror = world.plan(&ticket, stored, false, &[]).to_thread[0]
        .text
        .clone();
    let copied = said(401, ALICE, "Alice", &mirror);
    let plan = world.plan(&ticket, stored, false, &[copied]);
    assert_eq!(posted_journals(&plan), [12]);
}

#[test]
fn a_status_change_alone_becomes_one_short_line() {
    let ticket = ticket(vec![change(12, "Bob Builder", vec![status(1, 2)])]);
    let plan = World::new().plan(&ticket, state(Some(11), Some(400)), false, &[]);
    insta::assert_snapshot!(only_post(&plan).text, @"**Bob Builder** on [#42](<https://redmine.example.org/issues/42#change-12>) · status: New → In Progress");
    assert!(!plan.archive && !plan.unarchive);
}

#[test]
fn an_assignee_change_names_both_people() {
    let ticket = ticket(vec![
        change(
            12,
            "Bob",
            vec![Change::Assignee {
                from: None,
                to: Some(8),
            }],
        ),
        change(
            13,
            "Bob",
            vec![
                Change::Assignee {
                    from: Some(8),
                    to: Some(7),
                },
                status(1, 2),
            ],
        ),
        change(
            14,
            "Bob",
            vec![Change::Assignee {
                from: Some(7),
                to: Some(99),
            }],
        ),
    ]);
    let plan = World::new().plan(&ticket, state(Some(11), Some(400)), false, &[]);
    let texts: Vec<&str> = plan
        .to_thread
        .iter()
        .map(|post| post.text.as_str())
        .collect();
    insta::assert_snapshot!(texts.join("\n"), @r#"
        **Bob** on [#42](<https://redmine.example.org/issues/42#change-12>) · assignee: nobody → Network team
        **Bob** on [#42](<https://redmine.example.org/issues/42#change-13>) · assignee: Network team → Alice Liddell, status: New → In Progress
        **Bob** on [#42](<https://redmine.example.org/issues/42#change-14>) · assignee: Alice Liddell → #99
        "#);
}

#[test]
fn an_unknown_status_is_shown_by_its_id() {
    let ticket = ticket(vec![change(
        12,
        "Bob",
        vec![Change::Status {
            from: None,
            to: Some(77),
        }],
    )]);
    let plan = World::new().plan(&ticket, state(Some(11), Some(400)), false, &[]);
    insta::assert_snapshot!(only_post(&plan).text, @"**Bob** on [#42](<https://redmine.example.org/issues/42#change-12>) · status: none → #77");
}

#[test]
fn attachments_become_links() {
    let ticket = ticket(vec![Journal {
        changes: vec![
            Change::Attachment {
                id: 31,
                name: "rooftop_[1].jpg".into(),
            },
            Change::Attachment {
                id: 32,
                name: "log.txt".into(),
            },
        ],
        ..note(12, "Bob Builder", "Photos attached.")
    }]);
    let plan = World::new().plan(&ticket, state(Some(11), Some(400)), false, &[]);
    insta::assert_snapshot!(only_post(&plan).text, @r#"
        **Bob Builder** on [#42](<https://redmine.example.org/issues/42#change-12>)
        Photos attached.
        📎 [rooftop\_\[1\].jpg](<https://redmine.example.org/attachments/31>)
        📎 [log.txt](<https://redmine.example.org/attachments/32>)
        "#);
}

fn ticket_file(id: u64, name: &str, size: u64) -> TicketFile {
    TicketFile {
        id,
        name: name.into(),
        size,
        content_type: Some("image/jpeg".into()),
    }
}

#[test]
fn a_journals_files_go_with_its_message_and_one_over_the_limit_is_linked() {
    let mut ticket = ticket(vec![Journal {
        changes: vec![
            Change::Attachment {
                id: 31,
                name: "roof.jpg".into(),
            },
            Change::Attachment {
                id: 32,
                name: "capture.pcap".into(),
            },
        ],
        ..note(12, "Bob Builder", "Photos attached.")
    }]);
    ticket.attachments = vec![
        ticket_file(31, "roof.jpg", 2_000),
        ticket_file(32, "capture.pcap", domain::limits::DEFAULT_MAX_UPLOAD),
    ];
    let plan = World::new().plan(&ticket, state(Some(11), Some(400)), false, &[]);
    let post = only_post(&plan);
    assert_eq!(post.files, [ticket_file(31, "roof.jpg", 2_000)]);
    insta::assert_snapshot!(post.text, @r#"
        **Bob Builder** on [#42](<https://redmine.example.org/issues/42#change-12>)
        Photos attached.
        📎 [capture.pcap](<https://redmine.example.org/attachments/32>)
        "#);
}

#[test]
fn a_long_mirrors_files_ride_on_its_last_piece_only() {
    let long = "A line of the long report.\n".repeat(200);
    let mut ticket = ticket(vec![Journal {
        changes: vec![Change::Attachment {
            id: 31,
            name: "roof.jpg".into(),
        }],
        ..note(12, "Bob Builder", &long)
    }]);
    ticket.attachments = vec![ticket_file(31, "roof.jpg", 2_000)];
    let plan = World::new().plan(&ticket, state(Some(11), Some(400)), false, &[]);
    assert!(plan.to_thread.len() > 1, "{plan:#?}");
    let (last, earlier) = plan.to_thread.split_last().unwrap();
    assert_eq!(last.files, [ticket_file(31, "roof.jpg", 2_000)]);
    assert!(earlier.iter().all(|piece| piece.files.is_empty()));
}

#[test]
fn the_descriptions_files_go_with_the_first_message_of_a_new_thread() {
    let mut ticket = ticket(vec![Journal {
        changes: vec![Change::Attachment {
            id: 31,
            name: "later.jpg".into(),
        }],
        ..note(12, "Bob Builder", "")
    }]);
    ticket.attachments = vec![
        ticket_file(30, "at_start.jpg", 100),
        ticket_file(31, "later.jpg", 100),
    ];
    let plan = World::new().plan(&ticket, SyncState::default(), false, &[]);
    assert_eq!(posted_journals(&plan), [0, 12]);
    assert_eq!(
        plan.to_thread[0].files,
        [ticket_file(30, "at_start.jpg", 100)]
    );
    assert_eq!(plan.to_thread[1].files, [ticket_file(31, "later.jpg", 100)]);
    assert!(!plan.to_thread[1].text.contains("attachments/31"));
}

#[test]
fn a_change_nobody_reads_is_not_posted_but_is_recorded() {
    let ticket = ticket(vec![change(12, "Bob", vec![Change::Other])]);
    let stored = state(Some(11), Some(400));
    let plan = World::new().plan(&ticket, stored, false, &[]);
    assert!(plan.to_thread.is_empty());
    assert_eq!(plan.state, state(Some(12), Some(400)));
    assert!(!plan.is_empty(stored));
    assert!(plan.is_empty(plan.state));
}

#[test]
fn a_notes_markdown_is_kept_and_its_mentions_defused() {
    let ticket = ticket(vec![note(
        12,
        "@everyone *Bob*",
        "**Done**, @here and <@1234> and <@&55>:\r\n- one\n- two\u{1b}[0m\n\n",
    )]);
    let plan = World::new().plan(&ticket, state(Some(11), Some(400)), false, &[]);
    insta::assert_snapshot!(visible(&only_post(&plan).text), @r#"
        **@[zwsp]everyone \*Bob\*** on [#42](<https://redmine.example.org/issues/42#change-12>)
        **Done**, @[zwsp]here and <@[zwsp]1234> and <@[zwsp]&55>:
        - one
        - two�[0m
        "#);
}

#[test]
fn a_note_that_came_from_this_thread_never_goes_back() {
    let world = World::new();
    let message = said(401, ALICE, "Alice", "Replaced the PSU.");
    let first = world.plan(
        &ticket(Vec::new()),
        state(Some(11), Some(400)),
        false,
        &[message],
    );
    let written = &first.to_ticket[0].text;
    let ticket = ticket(vec![
        note(12, "Alice Liddell", written),
        note(13, "Bob", "Thanks!"),
    ]);
    let plan = world.plan(&ticket, state(Some(11), Some(401)), false, &[]);
    assert_eq!(posted_journals(&plan), [13]);
    assert_eq!(plan.state, state(Some(13), Some(401)));
}

#[test]
fn a_note_from_another_thread_is_posted() {
    let ticket = ticket(vec![note(
        12,
        "Alice",
        "Hi\n\n(from Discord: https://discord.com/channels/111/999/401)",
    )]);
    let plan = World::new().plan(&ticket, state(Some(11), Some(400)), false, &[]);
    assert_eq!(posted_journals(&plan), [12]);
}

#[test]
fn a_persons_note_linking_a_message_of_the_thread_is_posted() {
    let ticket = ticket(vec![note(
        12,
        "Bob",
        "As agreed in https://discord.com/channels/111/222/401, replacing it.",
    )]);
    let plan = World::new().plan(&ticket, state(Some(11), Some(400)), false, &[]);
    assert_eq!(posted_journals(&plan), [12]);
}

// --- Closing, reopening, archiving ---

#[test]
fn closing_the_ticket_says_so_and_archives_the_thread() {
    let mut ticket = ticket(vec![Journal {
        changes: vec![status(2, 5)],
        ..note(12, "Bob Builder", "Fixed.")
    }]);
    ticket.status = Named::new(5, "Closed");
    let plan = World::new().plan(&ticket, state(Some(11), Some(400)), false, &[]);
    insta::assert_snapshot!(only_post(&plan).text, @r#"
        **Bob Builder** on [#42](<https://redmine.example.org/issues/42#change-12>) · status: In Progress → Closed
        Fixed.
        The ticket is closed: this thread is archived.
        "#);
    assert!(plan.archive);
    assert!(!plan.unarchive);
}

#[test]
fn a_closing_already_mirrored_still_archives_the_thread() {
    let mut ticket = ticket(vec![change(12, "Bob", vec![status(2, 5)])]);
    ticket.status = Named::new(5, "Closed");
    let world = World::new();
    let stored = state(Some(11), Some(400));
    let mirror = world.plan(&ticket, stored, false, &[]).to_thread[0]
        .text
        .clone();
    let plan = world.plan(&ticket, stored, false, &[posted(401, &mirror)]);
    assert!(plan.to_thread.is_empty());
    assert!(plan.archive);
    let archived = world.plan(&ticket, stored, true, &[posted(401, &mirror)]);
    assert!(!archived.archive && !archived.unarchive);
}

#[test]
fn reopening_the_ticket_says_so_and_unarchives_the_thread() {
    let ticket = ticket(vec![change(12, "Bob", vec![status(5, 2)])]);
    let plan = World::new().plan(&ticket, state(Some(11), Some(400)), true, &[]);
    insta::assert_snapshot!(only_post(&plan).text, @r#"
        **Bob** on [#42](<https://redmine.example.org/issues/42#change-12>) · status: Closed → In Progress
        The ticket is open again.
        "#);
    assert!(plan.unarchive);
    assert!(!plan.archive);
}

#[test]
fn closed_then_reopened_in_one_pass_leaves_the_thread_open() {
    let ticket = ticket(vec![
        change(12, "Bob", vec![status(2, 5)]),
        change(13, "Bob", vec![status(5, 2)]),
    ]);
    let plan = World::new().plan(&ticket, state(Some(11), Some(400)), true, &[]);
    assert_eq!(posted_journals(&plan), [12, 13]);
    assert!(plan.unarchive && !plan.archive);
}

#[test]
fn a_status_change_that_neither_opens_nor_closes_leaves_the_archive_alone() {
    for (from, to) in [(1, 2), (5, 5)] {
        let ticket = ticket(vec![change(12, "Bob", vec![status(from, to)])]);
        let plan = World::new().plan(&ticket, state(Some(11), Some(400)), false, &[]);
        assert_eq!(posted_journals(&plan), [12]);
        assert!(!plan.archive && !plan.unarchive, "{from} → {to}");
        assert!(!only_post(&plan).text.contains("archived"));
        assert!(!only_post(&plan).text.contains("open again"));
    }
}

#[test]
fn an_archived_thread_with_something_to_post_is_unarchived() {
    let ticket = ticket(vec![note(12, "Bob", "Any news?")]);
    let plan = World::new().plan(&ticket, state(Some(11), Some(400)), true, &[]);
    assert_eq!(posted_journals(&plan), [12]);
    assert!(plan.unarchive && !plan.archive);
}

#[test]
fn an_archived_thread_with_nothing_to_post_stays_archived() {
    let ticket = ticket(vec![change(12, "Bob", vec![Change::Other])]);
    let plan = World::new().plan(&ticket, state(Some(11), Some(400)), true, &[]);
    assert!(!plan.unarchive && !plan.archive);
}

#[test]
fn a_note_on_a_closed_ticket_reopens_its_archived_thread_only_to_post() {
    let mut ticket = ticket(vec![note(12, "Bob", "For the record: it was the PSU.")]);
    ticket.status = Named::new(5, "Closed");
    let world = World::new();
    let plan = world.plan(&ticket, state(Some(11), Some(400)), true, &[]);
    assert_eq!(posted_journals(&plan), [12]);
    assert!(plan.unarchive && plan.archive);
    let open_thread = world.plan(&ticket, state(Some(11), Some(400)), false, &[]);
    assert!(!open_thread.unarchive && !open_thread.archive);
}

// --- Discord → Redmine ---

#[test]
fn a_mapped_members_message_becomes_their_own_note_with_its_link() {
    let message = said(401, ALICE, "Alice", "  Replaced the PSU, node is up.  ");
    let plan = World::new().plan(
        &ticket(Vec::new()),
        state(Some(11), Some(400)),
        false,
        &[message],
    );
    assert_eq!(written_messages(&plan), [401]);
    assert_eq!(
        plan.to_ticket[0].as_login,
        Some(Login::new("alice").unwrap())
    );
    insta::assert_snapshot!(plan.to_ticket[0].text, @r#"
        Replaced the PSU, node is up.

        (from Discord: https://discord.com/channels/111/222/401)
        "#);
    assert_eq!(plan.state, state(Some(11), Some(401)));
    assert!(plan.to_thread.is_empty());
}

#[test]
fn an_unmapped_members_message_is_written_by_the_bot_with_their_name() {
    let message = said(401, MALLORY, "Mallory", "Is it the *antenna*?");
    let plan = World::new().plan(
        &ticket(Vec::new()),
        state(Some(11), Some(400)),
        false,
        &[message],
    );
    assert_eq!(plan.to_ticket[0].as_login, None);
    insta::assert_snapshot!(plan.to_ticket[0].text, @r#"
        Mallory on Discord wrote:

        Is it the *antenna*?

        (from Discord: https://discord.com/channels/111/222/401)
        "#);
}

fn file(name: &str, size: u64) -> Attachment {
    Attachment {
        name: name.into(),
        url: format!("https://cdn.discordapp.com/attachments/222/1/{name}"),
        size,
        content_type: None,
    }
}

#[test]
fn a_mapped_members_note_carries_the_threaders_version_for_when_they_may_not_write() {
    let messages = [
        said(401, ALICE, "Alice", "Replaced the PSU."),
        said(402, MALLORY, "Mallory", "Thanks."),
    ];
    let plan = World::new().plan(
        &ticket(Vec::new()),
        state(Some(11), Some(400)),
        false,
        &messages,
    );
    assert_eq!(
        plan.to_ticket[0].fallback.as_deref(),
        Some(
            "Alice on Discord wrote:\n\nReplaced the PSU.\n\n\
             (from Discord: https://discord.com/channels/111/222/401)"
        )
    );
    assert_eq!(plan.to_ticket[1].fallback, None, "already the threader's");
}

#[test]
fn mentions_read_as_people_on_both_sides() {
    let mut message = said(
        401,
        MALLORY,
        "Mallory",
        &format!("<@{ALICE}> and <@{BOT}>?"),
    );
    message.mentioned = BTreeMap::from([(DiscordUserId::new(BOT).unwrap(), "netbot".into())]);
    let mut ticket = ticket(vec![note(12, "Bob Builder", "@alice can you look?")]);
    ticket.description = "Reported by @alice.".into();
    let plan = World::new().plan(&ticket, SyncState::default(), false, &[message]);

    assert!(
        plan.to_ticket[0]
            .text
            .contains("\n\n@alice and @\u{200B}netbot?\n\n"),
        "{}",
        plan.to_ticket[0].text
    );
    assert!(
        plan.to_thread[0]
            .text
            .ends_with(&format!("\nReported by <@{ALICE}>.")),
        "{}",
        plan.to_thread[0].text
    );
    assert!(
        plan.to_thread[1]
            .text
            .ends_with(&format!("\n<@{ALICE}> can you look?")),
        "{}",
        plan.to_thread[1].text
    );
}

#[test]
fn a_messages_files_travel_with_its_note_and_a_message_of_only_files_is_a_note() {
    let mut photo = said(401, ALICE, "Alice", "Photo:");
    photo.attachments = vec![file("roof.jpg", 2_000), file("log.txt", 30)];
    let mut only_file = said(402, MALLORY, "Mallory", "");
    only_file.attachments = vec![file("trace.pcap", 4_000_000)];
    let plan = World::new().plan(
        &ticket(Vec::new()),
        state(Some(11), Some(400)),
        false,
        &[photo.clone(), only_file.clone()],
    );
    assert_eq!(written_messages(&plan), [401, 402]);
    assert_eq!(plan.to_ticket[0].files, photo.attachments);
    assert_eq!(plan.to_ticket[1].files, only_file.attachments);
    insta::assert_snapshot!(plan.to_ticket[0].text, @r#"
        Photo:

        (from Discord: https://discord.com/channels/111/222/401)
        "#);
    insta::assert_snapshot!(plan.to_ticket[1].text, @r#"
        Mallory on Discord wrote:

        (from Discord: https://discord.com/channels/111/222/402)
        "#);
    assert!(
        !plan.to_ticket[0].text.contains("cdn.discordapp.com"),
        "no CDN link for a file that travels with the note"
    );
    assert_eq!(plan.blank, None);
}

#[track_caller]
fn check_not_kept(note: &str, not_kept: &[NotKept], expect: &str) {
    assert_eq!(mirror::with_not_kept(note, not_kept), expect);
}

#[test]
fn files_not_kept_are_named_before_the_notes_origin() {
    let big = NotKept::new(
        &file("report.pdf", 48_000_000),
        NotKeptReason::OverTrackerLimit,
    );
    let gone = NotKept::new(&file("a.png", 512), NotKeptReason::Unreadable);
    let origin = "(from Discord: https://discord.com/channels/111/222/401)";
    check_not_kept(&format!("Hi\n\n{origin}"), &[], &format!("Hi\n\n{origin}"));
    check_not_kept(
        &format!("Hi\n\n{origin}"),
        std::slice::from_ref(&big),
        &format!("Hi\n\n(not kept: report.pdf, 48 MB, over Redmine's limit)\n\n{origin}"),
    );
    check_not_kept(
        &format!("carol on Discord wrote:\n\n{origin}"),
        &[big, gone],
        &format!(
            "carol on Discord wrote:\n\n(not kept: report.pdf, 48 MB, over Redmine's limit)\n\
             (not kept: a.png, 512 B, no longer downloadable from Discord)\n\n{origin}"
        ),
    );
}

#[test]
fn a_message_already_written_is_not_written_again() {
    let world = World::new();
    let messages = [
        said(401, ALICE, "Alice", "one"),
        said(402, MALLORY, "Mallory", "two"),
    ];
    let stored = state(Some(11), Some(400));
    let first = world.plan(&ticket(Vec::new()), stored, false, &messages);
    assert_eq!(written_messages(&first), [401, 402]);
    let ticket = ticket(vec![note(12, "Alice Liddell", &first.to_ticket[0].text)]);
    let plan = world.plan(&ticket, stored, false, &messages);
    assert_eq!(written_messages(&plan), [402]);
    assert!(plan.to_thread.is_empty());
    assert_eq!(plan.state, state(Some(12), Some(402)));
}

#[test]
fn a_note_for_message_4_does_not_count_as_one_for_message_40() {
    let world = World::new();
    let stored = state(Some(11), Some(3));
    let written_4 = world
        .plan(
            &ticket(Vec::new()),
            stored,
            false,
            &[said(4, ALICE, "Alice", "four")],
        )
        .to_ticket[0]
        .text
        .clone();
    let ticket = ticket(vec![note(12, "Alice", &written_4)]);
    let plan = world.plan(&ticket, stored, false, &[said(40, ALICE, "Alice", "forty")]);
    assert_eq!(written_messages(&plan), [40]);
}

#[test]
fn a_note_merely_linking_a_message_does_not_count_as_its_mirror() {
    let ticket = ticket(vec![note(
        12,
        "Bob",
        "See https://discord.com/channels/111/222/401",
    )]);
    let message = said(401, ALICE, "Alice", "The PSU.");
    let plan = World::new().plan(&ticket, state(Some(12), Some(400)), false, &[message]);
    assert_eq!(written_messages(&plan), [401]);
}

#[test]
fn bot_messages_never_become_notes() {
    let messages = [
        posted(
            401,
            "**Bob** on [#42](<https://redmine.example.org/issues/42#change-9>)\nhi",
        ),
        posted(402, "some other bot"),
    ];
    let plan = World::new().plan(
        &ticket(Vec::new()),
        state(Some(11), Some(400)),
        false,
        &messages,
    );
    assert!(plan.to_ticket.is_empty());
    assert_eq!(plan.state, state(Some(11), Some(402)));
}

#[test]
fn messages_up_to_the_stored_one_are_skipped() {
    let messages = [
        said(400, ALICE, "Alice", "old"),
        said(401, ALICE, "Alice", "new"),
    ];
    let plan = World::new().plan(
        &ticket(Vec::new()),
        state(Some(11), Some(400)),
        false,
        &messages,
    );
    assert_eq!(written_messages(&plan), [401]);
}

#[test]
fn a_blank_message_stops_the_discord_side_at_that_message() {
    let messages = [
        said(401, ALICE, "Alice", "before"),
        said(402, MALLORY, "Mallory", "  "),
        said(403, ALICE, "Alice", "after"),
        posted(404, "bot"),
    ];
    let ticket = ticket(vec![note(12, "Bob", "still posted")]);
    let plan = World::new().plan(&ticket, state(Some(11), Some(400)), false, &messages);
    assert_eq!(written_messages(&plan), [401]);
    assert_eq!(plan.blank, Some(MessageId::new(402).unwrap()));
    assert_eq!(plan.state, state(Some(12), Some(401)));
    assert_eq!(posted_journals(&plan), [12]);
}

#[test]
fn a_blank_first_message_keeps_the_stored_message_mark() {
    let messages = [said(401, ALICE, "Alice", "")];
    let stored = state(Some(11), Some(400));
    let plan = World::new().plan(&ticket(Vec::new()), stored, false, &messages);
    assert!(plan.to_ticket.is_empty());
    assert_eq!(plan.blank, Some(MessageId::new(401).unwrap()));
    assert_eq!(plan.state, stored);
    assert!(plan.is_empty(stored));
}

#[test]
fn a_blank_message_from_a_bot_stops_nothing() {
    let messages = [posted(401, ""), said(402, ALICE, "Alice", "hi")];
    let plan = World::new().plan(
        &ticket(Vec::new()),
        state(Some(11), Some(400)),
        false,
        &messages,
    );
    assert_eq!(plan.blank, None);
    assert_eq!(written_messages(&plan), [402]);
}

// --- Both directions, and the plan as a whole ---

#[test]
fn both_directions_are_planned_in_one_pass() {
    let ticket = ticket(vec![note(12, "Bob", "Any news?")]);
    let messages = [said(401, ALICE, "Alice", "On my way.")];
    let plan = World::new().plan(&ticket, state(Some(11), Some(400)), false, &messages);
    assert_eq!(posted_journals(&plan), [12]);
    assert_eq!(written_messages(&plan), [401]);
    assert_eq!(plan.state, state(Some(12), Some(401)));
}

#[test]
fn the_new_state_is_the_newest_journal_and_the_last_message_handled() {
    let ticket = ticket(vec![
        note(12, "Bob", "a"),
        change(15, "Bob", vec![Change::Other]),
    ]);
    let messages = [said(401, ALICE, "Alice", "b"), posted(409, "c")];
    let stored = SyncState {
        recreated: true,
        ..state(Some(11), Some(400))
    };
    let plan = World::new().plan(&ticket, stored, false, &messages);
    assert_eq!(
        plan.state,
        SyncState {
            recreated: true,
            ..state(Some(15), Some(409))
        }
    );
}

#[test]
fn a_ticket_with_nothing_new_plans_nothing() {
    let ticket = ticket(vec![note(12, "Bob", "seen")]);
    let stored = state(Some(12), Some(401));
    let world = World::new();
    assert!(world.plan(&ticket, stored, false, &[]).is_empty(stored));
    assert!(world.plan(&ticket, stored, true, &[]).is_empty(stored));
    let plan = world.plan(&ticket, stored, false, &[said(402, ALICE, "Alice", "hi")]);
    assert!(!plan.is_empty(stored));
}

#[test]
fn the_same_inputs_give_the_same_plan() {
    let ticket = ticket(vec![note(12, "Bob", "a")]);
    let messages = [said(401, ALICE, "Alice", "b")];
    let world = World::new();
    let stored = state(Some(11), Some(400));
    assert_eq!(
        world.plan(&ticket, stored, true, &messages),
        world.plan(&ticket, stored, true, &messages)
    );
}

// --- What a pass must look at again, and what it may ignore ---

#[test]
fn the_threaders_own_field_changes_are_bookkeeping() {
    let bot = Some(UserId::new(3).unwrap());
    let own = Journal {
        author_id: bot,
        ..change(12, "netbot", vec![Change::Other])
    };
    assert!(sync::is_own_bookkeeping(&own, bot));
    assert!(!sync::is_own_bookkeeping(&own, None));
    assert!(!sync::is_own_bookkeeping(
        &own,
        Some(UserId::new(4).unwrap())
    ));
    let with_note = Journal {
        text: "hello".into(),
        ..own.clone()
    };
    assert!(!sync::is_own_bookkeeping(&with_note, bot));
    let with_status = Journal {
        changes: vec![Change::Other, status(1, 2)],
        ..own.clone()
    };
    assert!(!sync::is_own_bookkeeping(&with_status, bot));
    let anonymous = Journal {
        author_id: None,
        ..own
    };
    assert!(!sync::is_own_bookkeeping(&anonymous, bot));
}

#[test]
fn foreign_journals_are_the_newer_ones_nobody_mirrored_or_bookkept() {
    let bot = Some(UserId::new(3).unwrap());
    let from_thread = note(
        13,
        "Alice",
        "hi\n\n(from Discord: https://discord.com/channels/111/222/401)",
    );
    let bookkeeping = Journal {
        author_id: bot,
        ..change(14, "netbot", vec![Change::Other])
    };
    let ticket = ticket(vec![
        note(11, "Bob", "old"),
        note(12, "Bob", "new"),
        from_thread,
        bookkeeping,
        note(15, "Bob", "newer"),
    ]);
    let ids = |seen: Option<u64>| -> Vec<u64> {
        sync::foreign_since(
            &ticket,
            seen.map(|id| JournalId::new(id).unwrap()),
            &link(),
            bot,
        )
        .iter()
        .map(|journal| journal.id.get())
        .collect()
    };
    assert_eq!(ids(Some(11)), [12, 15]);
    assert_eq!(ids(None), [11, 12, 15]);
    assert_eq!(ids(Some(15)), Vec::<u64>::new());
}

#[test]
fn a_ticket_is_looked_at_only_when_something_changed() {
    let synced = SyncState::parse(Some("v1 j=10 m=500"));
    let message = |id| MessageId::new(id).ok();
    assert!(!needs_look(synced, false, message(500)), "nothing new");
    assert!(
        !needs_look(synced, false, None),
        "an archived thread, nothing new in the tracker"
    );
    assert!(
        needs_look(synced, true, message(500)),
        "changed by someone in the tracker"
    );
    assert!(
        needs_look(synced, false, message(501)),
        "a newer message in the thread"
    );
    assert!(
        needs_look(SyncState::parse(Some("v1")), false, None),
        "never synced: a thread just opened"
    );
}

// --- The message mark over the threader's own posts ---

mod mark_after_posting {
    use std::collections::BTreeSet;

    use domain::sync::{mark_after_posting, MarkAfterPosting};
    use domain::MessageId;

    fn ids(ids: &[u64]) -> Vec<MessageId> {
        ids.iter().map(|id| MessageId::new(*id).unwrap()).collect()
    }

    /// After a round that recorded `mark` and posted `posted`, with `newer` in the thread
    /// after `mark`: the mark is `want` and the thread has unread messages when `unread`.
    #[track_caller]
    fn check(mark: Option<u64>, posted: &[u64], newer: &[u64], want: Option<u64>, unread: bool) {
        let posted: BTreeSet<MessageId> = ids(posted).into_iter().collect();
        assert_eq!(
            mark_after_posting(
                mark.map(|id| MessageId::new(id).unwrap()),
                &posted,
                &ids(newer)
            ),
            MarkAfterPosting {
                message: want.map(|id| MessageId::new(id).unwrap()),
                unread,
            }
        );
    }

    #[test]
    fn nothing_posted_leaves_the_mark_where_the_plan_put_it() {
        check(Some(10), &[], &[], Some(10), false);
        check(None, &[], &[], None, false);
        // What others wrote meanwhile is for the next pass's look, not this rule's.
        check(Some(10), &[], &[11], Some(10), false);
    }

    #[test]
    fn our_own_posts_move_the_mark_to_the_newest_of_them_when_nobody_wrote_in_between() {
        check(Some(10), &[11, 12], &[11, 12], Some(12), false);
        check(None, &[11], &[11], Some(11), false);
    }

    #[test]
    fn a_message_by_someone_else_among_our_posts_holds_the_mark_and_is_read_next_round() {
        check(Some(10), &[11, 13], &[11, 12, 13], Some(10), true);
        check(Some(10), &[11], &[11, 12], Some(10), true);
    }
}

// --- Notes edited or deleted in the tracker ---

/// The messages mirroring `journals` as the threader posted them, from message id `first` on.
fn mirrored(journals: Vec<Journal>, first: u64) -> Vec<ChatMessage> {
    let plan = World::new().plan(&ticket(journals), state(Some(1), Some(400)), false, &[]);
    plan.to_thread
        .iter()
        .zip(first..)
        .map(|(post, id)| posted(id, &post.text))
        .collect()
}

/// What an edit of one kind to one message does, for the table below.
#[derive(Debug, PartialEq)]
struct Rewrite {
    message: u64,
    kind: sync::EditKind,
}

/// The plan for the journals `now` over a thread holding `thread`, every journal recorded:
/// its rewrites, and nothing posted or written.
#[track_caller]
fn check(now: Vec<Journal>, thread: &[ChatMessage], expect: &[(u64, sync::EditKind)]) -> SyncPlan {
    let last = thread.last().map_or(400, |message| message.id.get());
    let plan = World::new().plan(&ticket(now), state(Some(99), Some(last)), false, thread);
    let rewrites: Vec<Rewrite> = plan
        .to_edit
        .iter()
        .map(|edit| Rewrite {
            message: edit.message.get(),
            kind: edit.kind,
        })
        .collect();
    let expect: Vec<Rewrite> = expect
        .iter()
        .map(|&(message, kind)| Rewrite { message, kind })
        .collect();
    assert_eq!(rewrites, expect, "{plan:#?}");
    assert!(plan.to_thread.is_empty(), "nothing posted: {plan:#?}");
    assert!(plan.to_ticket.is_empty(), "nothing written: {plan:#?}");
    plan
}

fn edited(journal: Journal, text: &str) -> Journal {
    Journal {
        text: text.into(),
        ..journal
    }
}

#[test]
fn mirrors_follow_their_notes_edited_or_deleted_in_the_tracker_and_nothing_else() {
    use sync::EditKind::{Deleted, Edited};
    let thread = mirrored(
        vec![note(12, "Bob", "Cable dry."), note(13, "Bob", "On it.")],
        501,
    );

    // Unchanged: nothing to do.
    check(
        vec![note(12, "Bob", "Cable dry."), note(13, "Bob", "On it.")],
        &thread,
        &[],
    );
    // Journal 12's note edited: its mirror (message 501) is rewritten, 13's is not.
    let plan = check(
        vec![note(12, "Bob", "Cable wet."), note(13, "Bob", "On it.")],
        &thread,
        &[(501, Edited)],
    );
    insta::assert_snapshot!(plan.to_edit[0].text, @r"
    **Bob** on [#42](<https://redmine.example.org/issues/42#change-12>)
    Cable wet.
    ");
    // Journal 13 deleted: its mirror says so in one line, with its origin.
    let plan = check(
        vec![note(12, "Bob", "Cable dry.")],
        &thread,
        &[(502, Deleted)],
    );
    insta::assert_snapshot!(plan.to_edit[0].text, @"-# A note on [#42](<https://redmine.example.org/issues/42#change-13>) was deleted in Redmine.");
    // Emptied of everything a mirror shows (only another field changed): deleted too.
    check(
        vec![
            note(12, "Bob", "Cable dry."),
            change(13, "Bob", vec![Change::Other]),
        ],
        &thread,
        &[(502, Deleted)],
    );
    // Emptied of its note but still changing the status: the change stays, the note goes.
    let plan = check(
        vec![
            note(12, "Bob", "Cable dry."),
            change(13, "Bob", vec![status(1, 2)]),
        ],
        &thread,
        &[(502, Edited)],
    );
    assert!(!plan.to_edit[0].text.contains("On it."), "{plan:#?}");
}

#[test]
fn a_rewritten_mirror_is_not_rewritten_again() {
    let thread = mirrored(
        vec![note(12, "Bob", "Cable dry."), note(13, "Bob", "On it.")],
        501,
    );
    let now = vec![note(12, "Bob", "Cable wet.")];
    let first = check(
        now.clone(),
        &thread,
        &[
            (501, sync::EditKind::Edited),
            (502, sync::EditKind::Deleted),
        ],
    );
    let after: Vec<ChatMessage> = first
        .to_edit
        .iter()
        .map(|edit| posted(edit.message.get(), &edit.text))
        .collect();
    check(now, &after, &[]);
}

#[test]
fn a_mirror_with_mentions_reads_as_its_note_and_is_not_rewritten() {
    // Mentions are rendered as when the mirror was posted (a linked login as the member,
    // inside code left alone, an unknown login as written, pings defused): the comparison
    // goes through the same rendering, so an unchanged note never reads as edited.
    let mentions = note(
        12,
        "Bob",
        "@alice can you look? `@alice` stays, @nobody too, @everyone <@123>",
    );
    let long = note(13, "Bob", &"@alice line of a long log\n".repeat(200));
    let thread = mirrored(vec![mentions.clone(), long.clone()], 501);
    assert!(
        thread[0]
            .content
            .contains(&format!("<@{ALICE}> can you look?")),
        "{thread:#?}"
    );
    assert!(thread.len() > 2, "the long note is in pieces: {thread:#?}");

    check(vec![mentions.clone(), long.clone()], &thread, &[]);
    // Redmine 6 saying both were edited (to the same text) changes nothing either.
    let said_edited = |journal: Journal| Journal {
        edited: Some(true),
        ..journal
    };
    check(vec![said_edited(mentions), said_edited(long)], &thread, &[]);
}

#[test]
fn a_mirror_read_back_with_other_line_ends_or_trimmed_is_the_same() {
    let thread: Vec<ChatMessage> = mirrored(vec![note(12, "Bob", "one\ntwo")], 501)
        .into_iter()
        .map(|message| ChatMessage {
            content: format!("{}\n", message.content.replace('\n', "\r\n")),
            ..message
        })
        .collect();
    check(vec![note(12, "Bob", "one\r\ntwo")], &thread, &[]);
}

#[test]
fn a_journal_the_tracker_says_was_never_edited_is_not_compared() {
    let thread = mirrored(vec![note(12, "Bob", "Cable dry.")], 501);
    // A mirror that reads otherwise (a name rendered anew, an older format)…
    let unedited = Journal {
        edited: Some(false),
        ..note(12, "Bobby", "Cable dry.")
    };
    check(vec![unedited.clone()], &thread, &[]);
    // …is rewritten once Redmine 6 says the note was edited after it was written.
    let edited_later = Journal {
        edited: Some(true),
        ..edited(unedited, "Cable wet.")
    };
    check(
        vec![edited_later],
        &thread,
        &[(501, sync::EditKind::Edited)],
    );
}

#[test]
fn only_the_threaders_own_mirrors_of_this_ticket_are_rewritten() {
    let mirror = mirrored(vec![note(12, "Bob", "Cable dry.")], 501).remove(0);
    let thread = vec![
        // A person's copy of a mirror.
        said(501, ALICE, "Alice", &mirror.content),
        // A mirror of another ticket's change 12.
        posted(
            502,
            "**Bob** on [#43](<https://redmine.example.org/issues/43#change-12>)\nother",
        ),
        // A mirror of change 9 quoting change 12's address in its note.
        posted(
            503,
            &format!("**Carol** on [#42](<{URL}#change-9>)\nsee [x](<{URL}#change-12>)"),
        ),
    ];
    check(
        vec![
            note(9, "Carol", &format!("see [x](<{URL}#change-12>)")),
            note(12, "Bob", "Cable wet."),
        ],
        &thread,
        &[],
    );
}

/// A note long enough for three pieces.
fn long_note(id: u64, word: &str) -> Journal {
    note(
        id,
        "Bob",
        &format!("{word} line of a long log\n").repeat(200),
    )
}

#[test]
fn a_long_mirror_is_rewritten_piece_by_piece_and_never_grows() {
    use sync::EditKind::{Deleted, Edited};
    let thread = mirrored(vec![long_note(12, "first")], 501);
    assert_eq!(thread.len(), 3, "{thread:#?}");

    // Same length: each piece rewritten in place, keeping its mark.
    let plan = check(
        vec![long_note(12, "other")],
        &thread,
        &[(501, Edited), (502, Edited), (503, Edited)],
    );
    for (edit, part) in plan.to_edit.iter().zip(1..) {
        assert_eq!(edit.part, (part, 3));
        assert!(edit
            .text
            .ends_with(&format!("part {part}/3](<{URL}#change-12>)")));
        assert!(edit.text.chars().count() <= 2000);
    }
    // Longer: still three pieces, the last one cut and saying so.
    let longer = note(12, "Bob", &"first line of a long log\n".repeat(400));
    let plan = check(vec![longer], &thread, &[(503, Edited)]);
    assert!(plan.to_edit[0].text.contains("(cut:"), "{plan:#?}");
    assert!(plan.to_edit[0].text.chars().count() <= 2000);
    // Shorter: the pieces left over say there is nothing more.
    let plan = check(
        vec![note(12, "Bob", "Short now.")],
        &thread,
        &[(501, Edited), (502, Edited), (503, Edited)],
    );
    assert!(plan.to_edit[1].text.contains("nothing more"), "{plan:#?}");
    // Deleted: every piece, each keeping its mark.
    let plan = check(
        vec![],
        &thread,
        &[(501, Deleted), (502, Deleted), (503, Deleted)],
    );
    assert!(plan.to_edit[2]
        .text
        .ends_with(&format!("part 3/3](<{URL}#change-12>)")));
}

#[test]
fn a_note_in_one_message_that_grew_past_it_is_cut_not_continued() {
    let thread = mirrored(vec![note(12, "Bob", "Short.")], 501);
    let plan = check(
        vec![long_note(12, "grown")],
        &thread,
        &[(501, sync::EditKind::Edited)],
    );
    let text = &plan.to_edit[0].text;
    assert!(text.starts_with(&format!("**Bob** on [#42](<{URL}#change-12>)")));
    assert!(
        text.contains("(cut:") && text.chars().count() <= 2000,
        "{text}"
    );
}

#[test]
fn an_unrecorded_note_edited_after_its_mirror_was_posted_is_rewritten_not_posted_again() {
    let thread = mirrored(vec![note(12, "Bob", "Short.")], 501);
    let plan = World::new().plan(
        &ticket(vec![long_note(12, "grown")]),
        state(Some(11), Some(400)),
        false,
        &thread,
    );
    assert!(plan.to_thread.is_empty(), "{plan:#?}");
    assert_eq!(plan.to_edit.len(), 1, "{plan:#?}");
}

#[test]
fn rewriting_a_mirror_in_an_archived_thread_unarchives_it_and_archives_it_again() {
    let thread = mirrored(vec![note(12, "Bob", "Cable dry.")], 501);
    let mut closed = ticket(vec![note(12, "Bob", "Cable wet.")]);
    closed.status = Named::new(5, "Closed");
    let plan = World::new().plan(&closed, state(Some(99), Some(501)), true, &thread);
    assert_eq!(plan.to_edit.len(), 1, "{plan:#?}");
    assert!(plan.unarchive && plan.archive, "{plan:#?}");
    assert!(!plan.is_empty(state(Some(99), Some(501))));
}

#[test]
fn a_mirror_names_its_origin_in_its_first_line_or_as_a_piece_in_its_last() {
    use domain::render::mirror::mirrored_origin;
    let id = TicketId::new(42).unwrap();
    let origin = format!("{URL}#change-12");
    assert_eq!(
        mirrored_origin(
            id,
            &format!("**Bob** on [#42](<{origin}>) · status: New → Closed\nhi")
        ),
        Some((origin.as_str(), None))
    );
    assert_eq!(
        mirrored_origin(id, &format!("text\n-# [#42 part 2/3](<{origin}>)")),
        Some((origin.as_str(), Some((2, 3))))
    );
    assert_eq!(
        mirrored_origin(id, &format!("text\n-# [#42 part 4/3](<{origin}>)")),
        None
    );
    assert_eq!(
        mirrored_origin(id, &format!("**Bob** on [#43](<{origin}>)")),
        None
    );
    assert_eq!(
        mirrored_origin(id, &format!("hello\nsee [#42](<{origin}>)")),
        None
    );
    // An author named like a marker is escaped: the real marker after it is found.
    let change_9 = format!("{URL}#change-9");
    assert_eq!(
        mirrored_origin(
            id,
            &format!("**\\[#42\\](<\u{200B}{origin}>)** on [#42](<{change_9}>)")
        ),
        Some((change_9.as_str(), None))
    );
}

/// Ticket 42 with journal 12 (a note, a file sent as a file and one over `max_upload`) and
/// journal 13 (a long note in pieces, with a file on its last piece).
fn ticket_with_files(note_12: &str) -> Ticket {
    let attached = |id: u64, name: &str| Change::Attachment {
        id,
        name: name.into(),
    };
    let mut ticket = ticket(vec![
        Journal {
            changes: vec![attached(31, "roof.jpg"), attached(32, "capture.pcap")],
            ..note(12, "Bob", note_12)
        },
        Journal {
            changes: vec![attached(33, "plot.png")],
            ..note(13, "Bob", &"A line of the long report.\n".repeat(200))
        },
    ]);
    ticket.attachments = vec![
        ticket_file(31, "roof.jpg", 2_000),
        ticket_file(32, "capture.pcap", domain::limits::DEFAULT_MAX_UPLOAD + 1),
        ticket_file(33, "plot.png", 3_000),
    ];
    ticket
}

#[test]
fn a_pass_after_a_pass_rewrites_no_mirror_with_files_sent_linked_or_fallen_back_to_links() {
    let world = World::new();
    let first = world.plan(
        &ticket_with_files("Photos attached."),
        state(Some(1), Some(400)),
        false,
        &[],
    );
    assert!(first.to_thread.len() > 2, "{first:#?}");
    let links = &world.links;
    // As the executor posted them: files that Discord refused (on journal 12's message and on
    // journal 13's last piece) were linked instead, before a piece's mark.
    let thread: Vec<ChatMessage> = first
        .to_thread
        .iter()
        .zip(501..)
        .map(|(post, id)| posted(id, &mirror::with_file_links(&post.text, &post.files, links)))
        .collect();
    let last = thread.last().unwrap();
    assert!(
        last.content
            .lines()
            .last()
            .is_some_and(|line| line.contains("part ")),
        "the piece's mark stays last: {}",
        last.content
    );
    assert!(last.content.contains("📎 [plot.png]"), "{}", last.content);

    let again = world.plan(
        &ticket_with_files("Photos attached."),
        state(Some(99), Some(last.id.get())),
        false,
        &thread,
    );
    assert!(again.to_edit.is_empty(), "{again:#?}");
    assert!(again.to_thread.is_empty(), "{again:#?}");

    // The same files sent as files (nothing linked by the executor): quiet too.
    let sent: Vec<ChatMessage> = first
        .to_thread
        .iter()
        .zip(501..)
        .map(|(post, id)| posted(id, &post.text))
        .collect();
    let quiet = world.plan(
        &ticket_with_files("Photos attached."),
        state(Some(99), Some(sent.last().unwrap().id.get())),
        false,
        &sent,
    );
    assert!(quiet.to_edit.is_empty(), "{quiet:#?}");

    // The note edited: its mirror is rewritten once, keeping the link it fell back to and the
    // link to the file over the limit, and the rewrite reads as unchanged afterwards.
    let edited = ticket_with_files("Photos attached, roof is wet.");
    let plan = world.plan(
        &edited,
        state(Some(99), Some(last.id.get())),
        false,
        &thread,
    );
    assert_eq!(plan.to_edit.len(), 1, "{plan:#?}");
    insta::assert_snapshot!(plan.to_edit[0].text, @r"
    **Bob** on [#42](<https://redmine.example.org/issues/42#change-12>)
    Photos attached, roof is wet.
    📎 [capture.pcap](<https://redmine.example.org/attachments/32>)
    📎 [roof.jpg](<https://redmine.example.org/attachments/31>)
    ");
    let rewritten: Vec<ChatMessage> = thread
        .iter()
        .map(
            |message| match plan.to_edit.iter().find(|edit| edit.message == message.id) {
                Some(edit) => posted(message.id.get(), &edit.text),
                None => message.clone(),
            },
        )
        .collect();
    let after = world.plan(
        &edited,
        state(Some(99), Some(last.id.get())),
        false,
        &rewritten,
    );
    assert!(after.to_edit.is_empty(), "{after:#?}");
}
