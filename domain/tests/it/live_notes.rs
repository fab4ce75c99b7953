//! A member's note following its Discord message: the text of a note whose message was edited
//! or deleted, and finding the note a message became, so that the threader can edit it in
//! place and exactly-once still recognises it afterwards.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use domain::render::mirror;
use domain::sync::{
    foreign_since, note_for_message, plan, SyncInput, SyncPlan, SyncState, ThreadLink,
};
use domain::{
    ChannelId, ChatMessage, DiscordUserId, GuildId, GuildNames, Journal, JournalId, Login,
    MessageId, Named, Ticket, TicketId, TicketLinks, UserId,
};

const ALICE: u64 = 1001;
const MALLORY: u64 = 1002;
/// A real snowflake: written 2016-04-30 11:18:25.796 UTC.
const WRITTEN_2016: u64 = 175_928_847_299_117_063;

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

fn other_link() -> ThreadLink {
    ThreadLink {
        guild: GuildId::new(111).unwrap(),
        thread: ChannelId::new(333).unwrap(),
    }
}

fn message(n: u64) -> MessageId {
    MessageId::new(n).unwrap()
}

fn journal(id: u64) -> JournalId {
    JournalId::new(id).unwrap()
}

fn ticket(journals: Vec<Journal>) -> Ticket {
    Ticket {
        id: TicketId::new(42).unwrap(),
        subject: "Othello rooftop node offline".into(),
        description: "The node stopped answering.".into(),
        status: Named::new(1, "New"),
        priority: Named::new(4, "Urgent"),
        tracker: Named::new(1, "Bug"),
        project: Named::new(domain::ProjectId::new(1).unwrap(), "Network Operations"),
        category: None,
        assigned_to: None,
        author: "Bob Builder".into(),
        created_on: now(),
        updated_on: now(),
        url: "https://redmine.example.org/issues/42".into(),
        journals,
        thread_field: Some(link().to_string()),
        sync_state: None,
        attachments: Vec::new(),
        due_date: None,
    }
}

fn note(id: u64, text: &str) -> Journal {
    Journal {
        id: journal(id),
        author: "Alice Liddell".into(),
        author_id: Some(UserId::new(7).unwrap()),
        created_on: now(),
        edited: None,
        text: text.into(),
        changes: Vec::new(),
    }
}

fn said(id: u64, author: u64, name: &str, content: &str) -> ChatMessage {
    ChatMessage {
        id: message(id),
        author: DiscordUserId::new(author).unwrap(),
        author_name: name.into(),
        author_is_bot: false,
        content: content.into(),
        attachments: Vec::new(),
        thread: None,
        mentioned: BTreeMap::default(),
    }
}

/// Everything around one ticket's sync that the tests do not vary: alice is linked.
struct World {
    members: BTreeMap<DiscordUserId, Login>,
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
            people: BTreeMap::from([(UserId::new(7).unwrap(), "Alice Liddell".into())]),
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

    fn input<'a>(&'a self, ticket: &'a Ticket, messages: &'a [ChatMessage]) -> SyncInput<'a> {
        SyncInput {
            ticket,
            state: SyncState::default(),
            link: link(),
            archived: false,
            messages,
            members: &self.members,
            statuses: &[],
            people: &self.people,
            logins: &self.logins,
            users: &self.users,
            guild: &self.guild,
            links: &self.links,
            max_upload: domain::limits::DEFAULT_MAX_UPLOAD,
        }
    }

    fn plan(&self, ticket: &Ticket, messages: &[ChatMessage]) -> SyncPlan {
        plan(&self.input(ticket, messages))
    }
}

/// The note a plan writes for the one new message.
fn written_note(world: &World, message: &ChatMessage) -> String {
    let ticket = ticket(Vec::new());
    let plan = world.plan(&ticket, std::slice::from_ref(message));
    assert_eq!(plan.to_ticket.len(), 1, "{plan:#?}");
    plan.to_ticket[0].text.clone()
}

// --- An edited message ---

#[test]
fn an_edited_messages_note_is_the_note_a_new_message_would_get() {
    let world = World::new();
    let edited = said(4, ALICE, "alice", "Power is back, the node answers again.");
    let ticket = ticket(Vec::new());
    let messages = [edited.clone()];

    let text = mirror::edited_message_note(&world.input(&ticket, &messages), &edited, true);

    assert_eq!(text, written_note(&world, &edited));
    insta::assert_snapshot!(text, @r"
    Power is back, the node answers again.

    (from Discord: https://discord.com/channels/111/222/4)
    ");
}

#[test]
fn an_edited_message_of_an_unlinked_member_still_names_its_author() {
    let world = World::new();
    let edited = said(5, MALLORY, "Mallory", "actually it was the switch");
    let ticket = ticket(Vec::new());
    let messages = [edited.clone()];

    let text = mirror::edited_message_note(&world.input(&ticket, &messages), &edited, false);

    insta::assert_snapshot!(text, @r"
    Mallory on Discord wrote:

    actually it was the switch

    (from Discord: https://discord.com/channels/111/222/5)
    ");
}

#[test]
fn a_note_edited_after_its_message_is_not_written_again() {
    let world = World::new();
    let edited = said(4, ALICE, "alice", "the new text");
    let messages = [edited.clone()];
    let before = ticket(Vec::new());
    let text = mirror::edited_message_note(&world.input(&before, &messages), &edited, true);
    let after = ticket(vec![note(310, &text)]);

    let plan = world.plan(&after, &messages);

    assert!(plan.to_ticket.is_empty(), "{plan:#?}");
    assert_eq!(
        note_for_message(&after.journals, &link(), message(4)),
        Some(journal(310))
    );
}

// --- A deleted message ---

#[test]
fn a_deleted_messages_note_is_one_line_with_who_when_and_its_origin() {
    let text = mirror::deleted_message_note(&link(), message(WRITTEN_2016), "Alice Liddell");

    assert_eq!(text.lines().count(), 1, "{text}");
    insta::assert_snapshot!(text, @"A message Alice Liddell wrote on Discord at 2016-04-30 11:18 UTC was deleted there. (from Discord: https://discord.com/channels/111/222/175928847299117063)");
}

#[test]
fn a_deleted_messages_note_keeps_none_of_the_old_text() {
    let world = World::new();
    let original = said(
        WRITTEN_2016,
        ALICE,
        "alice",
        "the router password is hunter2",
    );
    let written = written_note(&world, &original);

    let text = mirror::deleted_message_note(&link(), original.id, "Alice Liddell");

    assert!(written.contains("hunter2"));
    assert!(!text.contains("hunter2"), "{text}");
}

#[test]
fn a_deleted_messages_note_is_not_written_again_and_is_still_found() {
    let world = World::new();
    let deleted = mirror::deleted_message_note(&link(), message(4), "Alice Liddell");
    let after = ticket(vec![note(310, &deleted)]);
    // The pass still reads the message (a deletion it has not seen yet): nothing is written.
    let messages = [said(4, ALICE, "alice", "the old text")];

    let plan = world.plan(&after, &messages);

    assert!(plan.to_ticket.is_empty(), "{plan:#?}");
    assert_eq!(
        note_for_message(&after.journals, &link(), message(4)),
        Some(journal(310))
    );
}

#[test]
fn an_authors_name_stays_on_one_line_and_mentions_nobody() {
    let text = mirror::deleted_message_note(&link(), message(4), "  @admin\nand   @bob ");

    assert_eq!(
        text.replace('\u{200B}', "[zwsp]"),
        "A message @[zwsp]admin and @[zwsp]bob wrote on Discord at 2015-01-01 00:00 UTC was deleted there. (from Discord: https://discord.com/channels/111/222/4)"
    );
}

#[test]
fn a_nameless_author_reads_as_someone() {
    let text = mirror::deleted_message_note(&link(), message(4), " ");

    assert!(
        text.starts_with("A message someone wrote on Discord"),
        "{text}"
    );
}

#[test]
fn edited_and_deleted_notes_are_still_the_threads_own_and_never_go_back_to_it() {
    let world = World::new();
    let message = said(4, ALICE, "alice", "the new text");
    let messages = [message.clone()];
    let empty = ticket(Vec::new());
    let edited = mirror::edited_message_note(&world.input(&empty, &messages), &message, true);
    let deleted = mirror::deleted_message_note(&link(), message.id, "Alice Liddell");
    let after = ticket(vec![note(310, &edited), note(311, &deleted)]);

    let foreign = foreign_since(&after, None, &link(), None);

    assert!(foreign.is_empty(), "{foreign:#?}");
}

// --- Finding a message's note ---

#[track_caller]
fn check_found(journals: &[Journal], wanted: u64, expect: Option<u64>) {
    assert_eq!(
        note_for_message(journals, &link(), message(wanted)).map(JournalId::get),
        expect
    );
}

#[test]
fn a_note_for_message_4_is_not_the_one_for_message_40() {
    let marker = |n: u64| mirror::message_marker(&link(), message(n));
    let journals = vec![
        note(300, &format!("forty\n\n{}", marker(40))),
        note(301, &format!("four\n\n{}", marker(4))),
    ];

    check_found(&journals, 4, Some(301));
    check_found(&journals, 40, Some(300));
    check_found(&journals, 400, None);
}

#[test]
fn a_note_of_another_thread_with_the_same_message_id_is_not_found() {
    let marker = mirror::message_marker(&other_link(), message(4));
    let journals = vec![note(300, &format!("elsewhere\n\n{marker}"))];

    check_found(&journals, 4, None);
}

#[test]
fn a_persons_note_that_quotes_the_origin_line_is_not_the_threaders() {
    let marker = mirror::message_marker(&link(), message(4));
    let journals = vec![note(
        300,
        &format!("Bob wrote {marker} earlier; see there.\nThanks"),
    )];

    check_found(&journals, 4, None);
}

#[test]
fn a_note_with_files_not_kept_is_still_found_and_trailing_space_is_ignored() {
    let marker = mirror::message_marker(&link(), message(4));
    let journals = vec![
        note(299, "a note about something else"),
        note(
            300,
            &format!("text\n\n(not kept: big.iso, 4 GB, over Redmine's limit)\n\n{marker}\r\n"),
        ),
    ];

    check_found(&journals, 4, Some(300));
}

#[test]
fn no_journals_means_no_note() {
    check_found(&[], 4, None);
}
