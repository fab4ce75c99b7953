//! Both directions, thread life, and exactly once whatever fails.

use serde_json::json;

use crate::{World, ALICE, CAROL};

/// A ticket asking for a thread, with a description and one note by bob.
fn ticket_with_a_note(world: &World) -> u64 {
    let ticket = world.redmine.open_ticket(
        "alice",
        "Othello rooftop node drops packets",
        "Loss starts around 22:00.",
        Some("yes"),
    );
    assert!(world
        .redmine
        .change_as("bob", ticket, &json!({ "notes": "Cable checked: dry." })));
    ticket
}

#[tokio::test]
async fn a_ticket_asking_for_a_thread_gets_one_with_its_description_and_notes() {
    let world = World::new().await;
    let ticket = ticket_with_a_note(&world);

    let report = world.pass().await;

    assert_eq!(report.threads_created, 1, "{report:?}");
    assert!(report.failed.is_empty(), "{report:?}");
    let thread = world.thread_of(ticket);
    let texts = world.thread_texts(thread);
    assert_eq!(texts.len(), 2, "{texts:#?}");
    assert!(texts[0].contains("Loss starts around 22:00."), "{texts:#?}");
    assert!(texts[1].starts_with("**Bob Builder** on"), "{texts:#?}");
    assert!(texts[1].contains("Cable checked: dry."), "{texts:#?}");
    let fake = world.discord.thread(thread).expect("the thread");
    assert_eq!(
        fake.name,
        format!("#{ticket} Othello rooftop node drops packets")
    );
    assert_eq!(fake.parent, crate::CHANNEL);
    // The thread was started from the bot's starter message in the channel.
    let starters: Vec<_> = world
        .discord
        .messages(crate::CHANNEL)
        .into_iter()
        .filter(|message| message.thread == Some(thread))
        .collect();
    assert_eq!(starters.len(), 1);
}

#[tokio::test]
async fn members_messages_become_notes_as_themselves_or_with_their_name() {
    let world = World::new().await;
    let ticket = ticket_with_a_note(&world);
    world.pass().await;
    let thread = world.thread_of(ticket);

    let from_alice =
        world
            .discord
            .member_says(thread, ALICE, "alice", "Swapping the radio tomorrow.");
    let from_carol = world
        .discord
        .member_says(thread, CAROL, "carol", "I can bring a ladder.");
    let report = world.pass().await;

    assert_eq!(report.to_redmine, 2, "{report:?}");
    let notes = world.redmine.notes(ticket);
    let alice_note = notes
        .iter()
        .find(|(_, text)| text.contains("Swapping the radio"))
        .expect("alice's note");
    assert_eq!(alice_note.0, "Alice Liddell", "written as alice herself");
    assert!(alice_note.1.contains(&format!(
        "https://discord.com/channels/{}/{thread}/{from_alice}",
        crate::GUILD
    )));
    let carol_note = notes
        .iter()
        .find(|(_, text)| text.contains("ladder"))
        .expect("carol's note");
    assert_ne!(carol_note.0, "Alice Liddell");
    assert!(
        carol_note.1.starts_with("carol on Discord wrote:"),
        "{carol_note:?}"
    );
    assert!(carol_note.1.contains(&from_carol.to_string()));
}

#[tokio::test]
async fn nothing_echoes_and_a_quiet_pass_asks_nothing_per_ticket() {
    let world = World::new().await;
    let ticket = ticket_with_a_note(&world);
    world.pass().await;
    let thread = world.thread_of(ticket);
    world
        .discord
        .member_says(thread, ALICE, "alice", "On my way.");
    world.pass().await;
    let messages_before = world.thread_texts(thread);
    let notes_before = world.note_texts(ticket);

    let redmine_before = world.redmine.received().await.len();
    let discord_before = world.discord.request_count();
    let report = world.pass().await;

    assert_eq!((report.to_discord, report.to_redmine), (0, 0), "{report:?}");
    assert_eq!(
        world.thread_texts(thread),
        messages_before,
        "alice's note did not come back"
    );
    assert_eq!(world.note_texts(ticket), notes_before);
    let redmine_requests: Vec<String> = world.redmine.received().await[redmine_before..].to_vec();
    let per_ticket: Vec<&String> = redmine_requests
        .iter()
        .filter(|line| line.contains(&format!("/issues/{ticket}")))
        .collect();
    assert!(per_ticket.is_empty(), "{redmine_requests:#?}");
    let discord_requests: Vec<String> = world.discord.requests()[discord_before..]
        .iter()
        .map(testkit::discord::FakeRequest::line)
        .collect();
    assert_eq!(
        discord_requests.len(),
        1,
        "one active-threads call: {discord_requests:#?}"
    );
}

#[tokio::test]
async fn redmine_notes_and_status_changes_reach_the_thread_once() {
    let world = World::new().await;
    let ticket = ticket_with_a_note(&world);
    world.pass().await;
    let thread = world.thread_of(ticket);

    assert!(world.redmine.change_as(
        "alice",
        ticket,
        &json!({ "notes": "Radio swapped.", "status_id": 2 })
    ));
    assert!(world
        .redmine
        .change_as("bob", ticket, &json!({ "status_id": 1 })));
    world.pass().await;
    world.pass().await;

    let texts = world.thread_texts(thread);
    assert_eq!(
        texts
            .iter()
            .filter(|text| text.contains("Radio swapped."))
            .count(),
        1,
        "{texts:#?}"
    );
    assert!(
        texts
            .iter()
            .any(|text| text.contains("status: In Progress → New")),
        "{texts:#?}"
    );
}

#[tokio::test]
async fn a_long_note_is_split_and_nothing_is_lost() {
    let world = World::new().await;
    let ticket = ticket_with_a_note(&world);
    world.pass().await;
    let thread = world.thread_of(ticket);
    let long: String = (0..300)
        .map(|n| format!("line {n} of a long log excerpt\n"))
        .collect();

    assert!(world
        .redmine
        .change_as("bob", ticket, &json!({ "notes": long })));
    world.pass().await;

    let messages = world.discord.messages(thread);
    assert!(messages
        .iter()
        .all(|message| message.content.chars().count() <= 2000));
    let all: String = messages
        .iter()
        .map(|message| message.content.as_str())
        .collect::<Vec<_>>()
        .join("\n");
    for n in 0..300 {
        assert!(
            all.contains(&format!("line {n} of a long log excerpt")),
            "line {n} lost"
        );
    }
}

#[tokio::test]
async fn nothing_the_threader_sends_pings_anyone() {
    let world = World::new().await;
    let ticket = world.redmine.open_ticket(
        "alice",
        "@everyone outage",
        "<@&42> <@123> @here",
        Some("yes"),
    );
    assert!(world
        .redmine
        .change_as("bob", ticket, &json!({ "notes": "@everyone look" })));

    world.pass().await;

    let seen = world.discord.allowed_mentions_seen();
    assert!(!seen.is_empty());
    for mentions in seen {
        assert_eq!(mentions["parse"], json!([]), "{mentions}");
        assert!(
            mentions["users"].as_array().is_none_or(Vec::is_empty),
            "{mentions}"
        );
        assert!(
            mentions["roles"].as_array().is_none_or(Vec::is_empty),
            "{mentions}"
        );
    }
}

#[tokio::test]
async fn closing_archives_the_thread_and_reopening_unarchives_it() {
    let world = World::new().await;
    let ticket = ticket_with_a_note(&world);
    world.pass().await;
    let thread = world.thread_of(ticket);

    assert!(world
        .redmine
        .change_as("alice", ticket, &json!({ "status_id": 5 })));
    world.pass().await;
    let closed = world.discord.thread(thread).expect("thread");
    assert!(closed.archived, "archived once the ticket closed");
    assert!(world
        .thread_texts(thread)
        .iter()
        .any(|text| text.contains("The ticket is closed")));

    assert!(world
        .redmine
        .change_as("alice", ticket, &json!({ "status_id": 2 })));
    world.pass().await;
    assert!(!world.discord.thread(thread).expect("thread").archived);
}

#[tokio::test]
async fn a_deleted_thread_is_recreated_once_and_the_field_points_to_it() {
    let world = World::new().await;
    let ticket = ticket_with_a_note(&world);
    world.pass().await;
    let first = world.thread_of(ticket);
    world.discord.delete_thread(first);
    assert!(world
        .redmine
        .change_as("bob", ticket, &json!({ "notes": "Anyone?" })));

    let report = world.pass().await;

    assert_eq!(report.threads_created, 1, "{report:?}");
    let second = world.thread_of(ticket);
    assert_ne!(first, second);
    let texts = world.thread_texts(second);
    assert!(
        texts.iter().any(|text| text.contains("Anyone?")),
        "{texts:#?}"
    );
    assert!(
        texts.iter().any(|text| text.contains("Cable checked")),
        "{texts:#?}"
    );

    world.discord.delete_thread(second);
    assert!(world
        .redmine
        .change_as("bob", ticket, &json!({ "notes": "Hello?" })));
    let report = world.pass().await;
    assert_eq!(
        report.failed.len(),
        1,
        "a second deletion is reported: {report:?}"
    );
    assert_eq!(world.thread_of(ticket), second);
}

#[tokio::test]
async fn a_rate_limit_is_waited_out() {
    let world = World::new().await;
    let ticket = ticket_with_a_note(&world);
    world.discord.rate_limit_next(0.05);

    let report = world.pass().await;

    assert!(report.failed.is_empty(), "{report:?}");
    assert_eq!(world.thread_texts(world.thread_of(ticket)).len(), 2);
}

#[tokio::test]
async fn a_redmine_failure_on_one_ticket_leaves_the_others_synced() {
    let world = World::new().await;
    let first = ticket_with_a_note(&world);
    let second = ticket_with_a_note(&world);
    // The first write of the pass (the first ticket's thread link) fails.
    world.redmine.fail_nth_write(1, 500);

    let report = world.pass().await;

    assert_eq!(report.failed.len(), 1, "{report:?}");
    let broken = report.failed[0].0.get();
    let other = if broken == first { second } else { first };
    assert_eq!(world.thread_texts(world.thread_of(other)).len(), 2);
    // The next pass repairs the broken one: its thread exists once, found by its starter.
    let report = world.pass().await;
    assert!(report.failed.is_empty(), "{report:?}");
    assert_eq!(world.discord.threads().len(), 2, "no orphan thread");
    assert_eq!(world.thread_texts(world.thread_of(broken)).len(), 2);
}

/// Pending work on both sides of a synced ticket: bob's note in Redmine, alice's and carol's
/// messages in the thread.
async fn pending_work(world: &World) -> (u64, u64) {
    let ticket = ticket_with_a_note(world);
    world.pass().await;
    let thread = world.thread_of(ticket);
    assert!(world.redmine.change_as(
        "bob",
        ticket,
        &json!({ "notes": "Radio swapped.", "status_id": 2 })
    ));
    assert!(world.redmine.attach_as(
        "bob",
        ticket,
        "Spectrum plot.",
        &[("plot.png", "image/png", PNG)]
    ));
    world.discord.member_posts_files(
        thread,
        ALICE,
        "alice",
        "Thanks, loss is gone.",
        &[("graph.png", "image/png", PNG)],
    );
    world.discord.member_posts_files(
        thread,
        CAROL,
        "carol",
        "Confirmed from my side.",
        &[("trace.pcap", "application/vnd.tcpdump.pcap", PCAP)],
    );
    (ticket, thread)
}

/// A small image's bytes (not text: every byte value kept matters).
const PNG: &[u8] =
    b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89";
/// A capture's bytes.
const PCAP: &[u8] = b"\xd4\xc3\xb2\xa1\x02\0\x04\0\0\0\0\0\0\0\0\0\xff\xff\0\0\x01\0\0\0";
/// A PDF's bytes.
const PDF: &[u8] = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n";

/// Both sides, as text, after the pending work synced.
fn ending(world: &World, ticket: u64, thread: u64) -> (Vec<String>, Vec<String>) {
    (world.thread_texts(thread), world.note_texts(ticket))
}

#[track_caller]
fn assert_exactly_once(world: &World, ticket: u64, thread: u64, context: &str) {
    let (messages, notes) = ending(world, ticket, thread);
    for needle in [
        "Radio swapped.",
        "Cable checked: dry.",
        "Loss starts around 22:00.",
        "Spectrum plot.",
    ] {
        let n = messages.iter().filter(|text| text.contains(needle)).count();
        assert_eq!(
            n, 1,
            "{context}: '{needle}' in the thread {n} times: {messages:#?}"
        );
    }
    for needle in ["Thanks, loss is gone.", "Confirmed from my side."] {
        let n = notes.iter().filter(|text| text.contains(needle)).count();
        assert_eq!(
            n, 1,
            "{context}: '{needle}' in the notes {n} times: {notes:#?}"
        );
        let n = messages.iter().filter(|text| text.contains(needle)).count();
        assert_eq!(n, 1, "{context}: '{needle}' echoed back: {messages:#?}");
    }
    let files = world.redmine.attachments(ticket);
    for (name, bytes) in [("graph.png", PNG), ("trace.pcap", PCAP)] {
        let kept: Vec<_> = files.iter().filter(|file| file.0 == name).collect();
        assert_eq!(
            kept.len(),
            1,
            "{context}: '{name}' attached {} times",
            kept.len()
        );
        assert_eq!(kept[0].2, bytes, "{context}: '{name}' changed on its way");
    }
    assert_eq!(
        world.redmine.attached_by_journal(ticket),
        [["plot.png"], ["graph.png"], ["trace.pcap"]],
        "{context}: each file on its message's note"
    );
    let sent: Vec<_> = world
        .discord
        .messages(thread)
        .iter()
        .filter(|message| message.bot)
        .flat_map(|message| world.discord.files_of(message))
        .collect();
    assert_eq!(
        sent,
        [("plot.png".to_owned(), "image/png".to_owned(), PNG.to_vec())],
        "{context}: the journal's file in the thread once"
    );
}

#[tokio::test]
async fn a_pass_failing_at_any_write_and_run_again_ends_with_everything_exactly_once() {
    // How many writes a clean pass makes on each side.
    let clean = World::new().await;
    let (ticket, thread) = pending_work(&clean).await;
    let redmine_before = clean.redmine.received().await;
    let discord_before = clean.discord.requests().len();
    clean.pass().await;
    assert_exactly_once(&clean, ticket, thread, "a clean pass");
    let redmine_writes = clean.redmine.received().await[redmine_before.len()..]
        .iter()
        .filter(|line| !line.starts_with("GET"))
        .count();
    let discord_writes = clean.discord.requests()[discord_before..]
        .iter()
        .filter(|request| request.method != "GET")
        .count();
    assert!(
        redmine_writes >= 3 && discord_writes >= 1,
        "{redmine_writes} {discord_writes}"
    );

    for side in ["redmine", "discord"] {
        let writes = if side == "redmine" {
            redmine_writes
        } else {
            discord_writes
        };
        for n in 1..=writes {
            let world = World::new().await;
            let (ticket, thread) = pending_work(&world).await;
            if side == "redmine" {
                world.redmine.fail_nth_write(n as u64, 500);
            } else {
                world.discord.fail_nth_write(n, 500);
            }
            let failing = world.pass().await;
            assert_eq!(
                failing.failed.len(),
                1,
                "{side} write {n} failed the ticket: {failing:?}"
            );
            world.pass().await;
            world.pass().await;
            assert_exactly_once(&world, ticket, thread, &format!("{side} write {n} failed"));
        }
    }
}

#[tokio::test]
async fn a_long_note_cut_off_between_its_pieces_is_completed_not_repeated() {
    let world = World::new().await;
    let ticket = ticket_with_a_note(&world);
    world.pass().await;
    let thread = world.thread_of(ticket);
    let long: String = (0..300)
        .map(|n| format!("line {n} of a long log excerpt\n"))
        .collect();
    assert!(world
        .redmine
        .change_as("bob", ticket, &json!({ "notes": long })));
    // The second piece fails: the first is in the thread, the rest is not.
    world.discord.fail_nth_write(2, 500);

    let failing = world.pass().await;
    assert_eq!(failing.failed.len(), 1, "{failing:?}");
    world.pass().await;
    world.pass().await;

    let messages = world.thread_texts(thread);
    for n in 0..300 {
        let line = format!("line {n} of a long log excerpt\n");
        let count: usize = messages
            .iter()
            .map(|text| text.matches(&line).count())
            .sum();
        assert_eq!(count, 1, "line {n} appears {count} times: {messages:#?}");
    }
    let pieces: Vec<&String> = messages
        .iter()
        .filter(|text| text.contains(" part "))
        .collect();
    assert!(pieces.len() >= 4, "{pieces:#?}");
    assert!(pieces.iter().all(|text| text.chars().count() <= 2000));
}

#[tokio::test]
async fn without_the_message_content_intent_nothing_blank_is_synced_and_the_cause_is_named() {
    let world = World::new().await;
    let ticket = ticket_with_a_note(&world);
    world.pass().await;
    let thread = world.thread_of(ticket);
    world.discord.set_application_flags(0);
    world
        .discord
        .member_says(thread, ALICE, "alice", "On my way.");

    let report = world.pass().await;

    assert_eq!(report.failed.len(), 1, "{report:?}");
    assert!(
        report.failed[0].1.contains("Message Content intent"),
        "{report:?}"
    );
    assert_eq!(
        world.note_texts(ticket).len(),
        1,
        "no blank note: only bob's"
    );

    // Switched on, the message is synced: nothing was lost.
    world
        .discord
        .set_application_flags(testkit::discord::MESSAGE_CONTENT_LIMITED);
    let report = world.pass().await;
    assert!(report.failed.is_empty(), "{report:?}");
    assert!(world
        .note_texts(ticket)
        .iter()
        .any(|text| text.contains("On my way.")));
}

#[tokio::test]
async fn a_discord_refusal_on_one_thread_fails_that_ticket_and_the_pass_goes_on() {
    let world = World::new().await;
    let first = ticket_with_a_note(&world);
    let second = ticket_with_a_note(&world);
    world.pass().await;
    for ticket in [first, second] {
        assert!(world
            .redmine
            .change_as("bob", ticket, &json!({ "notes": "More." })));
    }
    world.discord.fail_nth_write(1, 403);

    let report = world.pass().await;

    assert_eq!(report.failed.len(), 1, "{report:?}");
    assert!(report.failed[0].1.contains("not allowed"), "{report:?}");
    assert_eq!(
        report.to_discord, 1,
        "the other ticket's note went out: {report:?}"
    );
    let again = world.pass().await;
    assert!(again.failed.is_empty(), "{again:?}");
    for ticket in [first, second] {
        let texts = world.thread_texts(world.thread_of(ticket));
        assert_eq!(
            texts.iter().filter(|text| text.contains("More.")).count(),
            1
        );
    }
}

/// bob's Discord id, linked to the login `bob` in the fixture Redmine.
const BOB: u64 = 234_567_890_123_456_789;
/// A member of the fixture guild nobody linked, who has not written.
const DAVE: u64 = 456_789_012_345_678_901;
/// A role of the fixture guild that members mention.
const NET_OPS: u64 = 661_720_259_375_500_001;

#[tokio::test]
async fn a_members_mentions_read_as_people_roles_and_channels_on_the_ticket() {
    let world = World::new().await;
    let ticket = ticket_with_a_note(&world);
    world.pass().await;
    let thread = world.thread_of(ticket);
    world.discord.add_role(NET_OPS, "net-ops");
    world.discord.add_member(DAVE, "Dave Smith");

    world.discord.member_says(
        thread,
        CAROL,
        "carol",
        &format!(
            "<@{ALICE}> and <@!{BOB}>, with <@{DAVE}> and <@&{NET_OPS}>: see <#{}> at <t:1796487600:R> <:partyblob:123> @everyone",
            crate::CHANNEL
        ),
    );
    let report = world.pass().await;

    assert!(report.failed.is_empty(), "{report:?}");
    let notes = world.note_texts(ticket);
    let note = notes
        .iter()
        .find(|text| text.starts_with("carol on Discord wrote:"))
        .expect("carol's note");
    assert!(
        note.contains(&format!(
            "@alice and @bob, with @\u{200B}Dave Smith and @\u{200B}net-ops: see #channel-{} at 2026-12-05 16:20 UTC :partyblob: @everyone",
            crate::CHANNEL
        )),
        "{note}"
    );
}

#[tokio::test]
async fn a_redmine_mention_shows_the_member_in_the_thread_and_pings_nobody() {
    let world = World::new().await;
    let ticket = ticket_with_a_note(&world);
    world.pass().await;
    let thread = world.thread_of(ticket);
    let before = world.discord.allowed_mentions_seen().len();

    assert!(world.redmine.change_as(
        "bob",
        ticket,
        &json!({ "notes": "@alice can you look? @admin knows, <@123> @here" }),
    ));
    let report = world.pass().await;

    assert!(report.failed.is_empty(), "{report:?}");
    let texts = world.thread_texts(thread);
    let mirror = texts.last().expect("the note's mirror");
    assert!(
        mirror.contains(&format!(
            "<@{ALICE}> can you look? Redmine Admin knows, <@\u{200B}123> @\u{200B}here"
        )),
        "{mirror:?}"
    );
    let seen = world.discord.allowed_mentions_seen();
    assert!(seen.len() > before, "{seen:?}");
    for mentions in &seen[before..] {
        assert_eq!(mentions, &json!({ "parse": [] }), "{mentions}");
    }
}

#[tokio::test]
async fn a_mirror_with_mentions_is_not_rewritten_by_the_looks_after_it() {
    let world = World::new().await;
    let ticket = ticket_with_a_note(&world);
    world.pass().await;
    let thread = world.thread_of(ticket);
    assert!(world.redmine.change_as(
        "bob",
        ticket,
        &json!({ "notes": "@alice can you look? `@alice` @admin knows, <@123> @here" }),
    ));
    world.pass().await;
    let mirrored = world.thread_texts(thread);
    assert!(
        mirrored
            .last()
            .is_some_and(|mirror| mirror.contains(&format!("<@{ALICE}> can you look?"))),
        "{mirrored:#?}"
    );

    // Looks that read the mirror back: a member's message, then `--ticket N`, then a pass.
    world
        .discord
        .member_says(thread, CAROL, "carol", "Thanks, looking.");
    let after_message = world.pass().await;
    let forced = world.pass_only(ticket).await;
    let quiet = world.pass().await;

    for report in [&after_message, &forced, &quiet] {
        assert!(report.failed.is_empty(), "{report:?}");
        assert_eq!(report.rewritten, 0, "{report:?}");
    }
    assert!(
        world.discord.edits().is_empty(),
        "{:#?}",
        world.discord.edits()
    );
    let texts = world.thread_texts(thread);
    assert_eq!(&texts[..mirrored.len()], &mirrored[..], "{texts:#?}");
}

#[tokio::test]
async fn a_role_mention_already_on_the_ticket_does_not_make_later_passes_read_the_servers_names() {
    let world = World::new().await;
    let ticket = ticket_with_a_note(&world);
    world.pass().await;
    let thread = world.thread_of(ticket);
    world.discord.add_role(NET_OPS, "net-ops");
    let roles_read = || {
        world
            .discord
            .requests()
            .iter()
            .filter(|request| request.method == "GET" && request.path.ends_with("/roles"))
            .count()
    };

    world
        .discord
        .member_says(thread, CAROL, "carol", &format!("<@&{NET_OPS}> please"));
    world.pass().await;
    assert_eq!(roles_read(), 1, "read for the new message");
    world
        .discord
        .member_says(thread, CAROL, "carol", "And a plain message.");
    let report = world.pass().await;

    assert!(report.failed.is_empty(), "{report:?}");
    assert_eq!(report.to_redmine, 1, "{report:?}");
    assert_eq!(
        roles_read(),
        1,
        "the mention before the mark is only read back, not written again"
    );
    assert!(world
        .note_texts(ticket)
        .iter()
        .any(|text| text.contains("@\u{200B}net-ops please")));
}

#[tokio::test]
async fn a_member_redmine_will_not_let_write_is_written_for_by_the_threader_once() {
    let world = World::new().await;
    let ticket = ticket_with_a_note(&world);
    world.pass().await;
    let thread = world.thread_of(ticket);
    world.redmine.deny_notes("alice");

    world
        .discord
        .member_says(thread, ALICE, "alice", "Swapping the radio tomorrow.");
    world
        .discord
        .member_says(thread, CAROL, "carol", "I can bring a ladder.");
    let report = world.pass().await;
    let again = world.pass().await;

    assert!(report.failed.is_empty(), "{report:?}");
    assert!(again.failed.is_empty(), "{again:?}");
    assert_eq!((report.to_redmine, again.to_redmine), (2, 0));
    let notes = world.redmine.notes(ticket);
    let alices: Vec<&(String, String)> = notes
        .iter()
        .filter(|(_, text)| text.contains("Swapping the radio"))
        .collect();
    assert_eq!(alices.len(), 1, "{notes:#?}");
    let (author, text) = alices[0];
    assert_eq!(
        author, "Redmine Admin",
        "written by the threader's own user"
    );
    assert!(
        text.starts_with("alice on Discord wrote:\n\nSwapping the radio tomorrow."),
        "{text}"
    );
    assert!(notes.iter().any(|(_, text)| text.contains("ladder")));
}

/// The id of the journal whose note says `text`.
fn journal_saying(world: &World, ticket: u64, text: &str) -> u64 {
    let issue = world.redmine.issue(ticket);
    issue["journals"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|journal| journal["notes"] == text)
        .and_then(|journal| journal["id"].as_u64())
        .unwrap_or_else(|| panic!("no journal says {text:?}: {issue:#}"))
}

#[tokio::test]
async fn a_note_edited_in_redmine_is_edited_in_its_thread_once_and_never_copied() {
    let world = World::new().await;
    let ticket = ticket_with_a_note(&world);
    world.pass().await;
    let thread = world.thread_of(ticket);
    let journal = journal_saying(&world, ticket, "Cable checked: dry.");
    let mirror = world.discord.messages(thread)[1].id;

    assert!(world.redmine.edit_journal(journal, "Cable checked: wet."));
    // Redmine leaves the ticket unchanged: a pass does not look at it…
    world.pass().await;
    assert!(world.discord.edits().is_empty());
    // …until something else makes it worth a look (here a member's message).
    world
        .discord
        .member_says(thread, ALICE, "alice", "Any news?");
    let report = world.pass().await;
    world.pass().await;
    world.pass().await;

    assert!(report.failed.is_empty(), "{report:?}");
    assert_eq!(report.rewritten, 1, "{report:?}");
    let edits = world.discord.edits();
    assert_eq!(edits.len(), 1, "{edits:#?}");
    assert_eq!((edits[0].0, edits[0].1), (thread, mirror));
    let texts = world.thread_texts(thread);
    assert_eq!(texts.len(), 3, "no second copy: {texts:#?}");
    assert!(texts[1].starts_with("**Bob Builder** on"), "{texts:#?}");
    assert!(texts[1].contains("Cable checked: wet."), "{texts:#?}");
    assert!(
        texts[1].contains(&format!("#change-{journal}>)")),
        "the origin stays: {texts:#?}"
    );
    assert!(!texts.iter().any(|text| text.contains("dry")), "{texts:#?}");
    let edited = &world
        .discord
        .requests()
        .into_iter()
        .find(|r| r.method == "PATCH" && r.path.contains("/messages/"))
        .expect("the PATCH");
    assert_eq!(edited.body["allowed_mentions"], json!({ "parse": [] }));
}

#[tokio::test]
async fn threader_ticket_n_brings_an_edit_without_waiting_for_another_change() {
    let world = World::new().await;
    let ticket = ticket_with_a_note(&world);
    world.pass().await;
    let thread = world.thread_of(ticket);
    let journal = journal_saying(&world, ticket, "Cable checked: dry.");

    assert!(world.redmine.edit_journal(journal, "Cable checked: wet."));
    let report = world.pass_only(ticket).await;
    world.pass_only(ticket).await;

    assert_eq!(report.rewritten, 1, "{report:?}");
    assert_eq!(world.discord.edits().len(), 1);
    assert!(world.thread_texts(thread)[1].contains("Cable checked: wet."));
}

#[tokio::test]
async fn a_note_deleted_in_redmine_leaves_its_thread_and_one_line_says_so() {
    let world = World::new().await;
    let ticket = ticket_with_a_note(&world);
    world.pass().await;
    let thread = world.thread_of(ticket);
    let journal = journal_saying(&world, ticket, "Cable checked: dry.");

    assert!(world.redmine.edit_journal(journal, ""));
    assert!(
        !world.redmine.journal_ids(ticket).contains(&journal),
        "deleted"
    );
    // Another change makes the ticket worth a look.
    assert!(world
        .redmine
        .change_as("alice", ticket, &json!({ "notes": "Radio swapped." })));
    world.pass().await;
    world.pass().await;

    let texts = world.thread_texts(thread);
    assert_eq!(texts.len(), 3, "{texts:#?}");
    assert!(
        !texts.iter().any(|text| text.contains("Cable checked")),
        "{texts:#?}"
    );
    assert!(
        texts[1].contains("was deleted in Redmine")
            && texts[1].contains(&format!("#change-{journal}>)")),
        "{texts:#?}"
    );
    assert_eq!(
        texts
            .iter()
            .filter(|text| text.contains("Radio swapped."))
            .count(),
        1
    );
    assert_eq!(world.discord.edits().len(), 1, "rewritten once");
    assert!(
        world.discord.deleted_messages().is_empty(),
        "replaced, not deleted"
    );
}

#[tokio::test]
async fn an_edit_that_fails_is_made_once_by_a_later_pass() {
    let world = World::new().await;
    let ticket = ticket_with_a_note(&world);
    world.pass().await;
    let thread = world.thread_of(ticket);
    let journal = journal_saying(&world, ticket, "Cable checked: dry.");
    assert!(world.redmine.edit_journal(journal, "Cable checked: wet."));
    world.discord.fail_nth_write(1, 500);

    let failing = world.pass_only(ticket).await;
    assert_eq!(failing.failed.len(), 1, "{failing:?}");
    world.pass_only(ticket).await;
    world.pass_only(ticket).await;

    assert_eq!(world.discord.edits().len(), 1);
    let texts = world.thread_texts(thread);
    assert_eq!(texts.len(), 2, "{texts:#?}");
    assert!(texts[1].contains("Cable checked: wet."), "{texts:#?}");
}

#[tokio::test]
async fn a_note_edited_on_a_closed_ticket_is_edited_in_its_archived_thread_which_stays_archived() {
    let world = World::new().await;
    let ticket = ticket_with_a_note(&world);
    assert!(world
        .redmine
        .change_as("alice", ticket, &json!({ "status_id": 5 })));
    world.pass().await;
    let thread = world.thread_of(ticket);
    assert!(world.discord.thread(thread).expect("thread").archived);
    let journal = journal_saying(&world, ticket, "Cable checked: dry.");

    assert!(world.redmine.edit_journal(journal, "Cable checked: wet."));
    let report = world.pass_only(ticket).await;

    assert!(report.failed.is_empty(), "{report:?}");
    assert!(world.thread_texts(thread)[1].contains("Cable checked: wet."));
    assert!(world.discord.thread(thread).expect("thread").archived);
}

/// Pending work with an edit: bob's note edited in Redmine, a new note by alice (which makes
/// the ticket worth a look), and alice's message in the thread.
async fn pending_work_with_an_edit(world: &World) -> (u64, u64) {
    let ticket = ticket_with_a_note(world);
    world.pass().await;
    let thread = world.thread_of(ticket);
    let journal = journal_saying(world, ticket, "Cable checked: dry.");
    assert!(world.redmine.edit_journal(journal, "Cable checked: wet."));
    assert!(world
        .redmine
        .change_as("alice", ticket, &json!({ "notes": "Radio swapped." })));
    world
        .discord
        .member_says(thread, ALICE, "alice", "Thanks, loss is gone.");
    (ticket, thread)
}

#[track_caller]
fn assert_edited_exactly_once(world: &World, ticket: u64, thread: u64, context: &str) {
    let (messages, notes) = ending(world, ticket, thread);
    for needle in [
        "Cable checked: wet.",
        "Radio swapped.",
        "Thanks, loss is gone.",
    ] {
        let n = messages.iter().filter(|text| text.contains(needle)).count();
        assert_eq!(
            n, 1,
            "{context}: '{needle}' in the thread {n} times: {messages:#?}"
        );
    }
    assert!(
        !messages.iter().any(|text| text.contains("dry")),
        "{context}: {messages:#?}"
    );
    let n = notes
        .iter()
        .filter(|text| text.contains("Thanks, loss is gone."))
        .count();
    assert_eq!(n, 1, "{context}: {notes:#?}");
}

#[tokio::test]
async fn a_pass_with_an_edit_failing_at_any_write_and_run_again_ends_with_everything_once() {
    let clean = World::new().await;
    let (ticket, thread) = pending_work_with_an_edit(&clean).await;
    let redmine_before = clean.redmine.received().await.len();
    let discord_before = clean.discord.requests().len();
    clean.pass().await;
    assert_edited_exactly_once(&clean, ticket, thread, "a clean pass");
    let redmine_writes = clean.redmine.received().await[redmine_before..]
        .iter()
        .filter(|line| !line.starts_with("GET"))
        .count();
    let discord_writes = clean.discord.requests()[discord_before..]
        .iter()
        .filter(|request| request.method != "GET")
        .count();
    assert!(discord_writes >= 2, "a post and an edit: {discord_writes}");

    for (side, writes) in [("redmine", redmine_writes), ("discord", discord_writes)] {
        for n in 1..=writes {
            let world = World::new().await;
            let (ticket, thread) = pending_work_with_an_edit(&world).await;
            if side == "redmine" {
                world.redmine.fail_nth_write(n as u64, 500);
            } else {
                world.discord.fail_nth_write(n, 500);
            }
            let failing = world.pass().await;
            assert_eq!(failing.failed.len(), 1, "{side} write {n}: {failing:?}");
            world.pass().await;
            world.pass().await;
            assert_edited_exactly_once(&world, ticket, thread, &format!("{side} write {n} failed"));
            assert_eq!(
                world.discord.edits().len(),
                1,
                "{side} write {n}: edited once"
            );
        }
    }
}

#[tokio::test]
async fn a_members_image_and_pdf_are_attachments_on_their_note_byte_for_byte() {
    let world = World::new().await;
    let ticket = ticket_with_a_note(&world);
    world.pass().await;
    let thread = world.thread_of(ticket);

    world.discord.member_posts_files(
        thread,
        ALICE,
        "alice",
        "Graph and report attached.",
        &[
            ("graph.png", "image/png", PNG),
            ("report.pdf", "application/pdf", PDF),
        ],
    );
    world.discord.member_posts_files(
        thread,
        CAROL,
        "carol",
        "",
        &[("trace.pcap", "application/vnd.tcpdump.pcap", PCAP)],
    );
    let report = world.pass().await;

    assert!(report.failed.is_empty(), "{report:?}");
    assert_eq!(report.to_redmine, 2, "{report:?}");
    assert_eq!(
        world.redmine.attachments(ticket),
        [
            ("graph.png".to_owned(), "image/png".to_owned(), PNG.to_vec()),
            (
                "report.pdf".to_owned(),
                "application/pdf".to_owned(),
                PDF.to_vec()
            ),
            (
                "trace.pcap".to_owned(),
                "application/vnd.tcpdump.pcap".to_owned(),
                PCAP.to_vec()
            ),
        ]
    );
    assert_eq!(
        world.redmine.attached_by_journal(ticket),
        [vec!["graph.png", "report.pdf"], vec!["trace.pcap"]],
        "one journal holds a message's text and its files"
    );
    let notes = world.note_texts(ticket);
    let alice = notes
        .iter()
        .find(|text| text.contains("Graph and report"))
        .expect("alice's note");
    assert!(!alice.contains("/attachments/"), "no CDN link: {alice}");
    assert!(
        notes
            .iter()
            .any(|text| text.starts_with("carol on Discord wrote:")),
        "a message of only files is a note: {notes:#?}"
    );
    assert_eq!(world.redmine.unattached_uploads(), 0);
}

#[tokio::test]
async fn a_file_redmine_refuses_or_discord_lost_is_named_in_the_note_and_the_pass_goes_on() {
    let world = World::new().await;
    let ticket = ticket_with_a_note(&world);
    world.pass().await;
    let thread = world.thread_of(ticket);
    world.redmine.set_attachment_limit(1000);

    let big = vec![7_u8; 2500];
    world.discord.member_posts_files(
        thread,
        ALICE,
        "alice",
        "Full capture and a graph.",
        &[
            ("full.pcap", "application/octet-stream", &big),
            ("graph.png", "image/png", PNG),
        ],
    );
    let report = world.pass().await;
    assert!(report.failed.is_empty(), "{report:?}");
    let notes = world.note_texts(ticket);
    let note = notes
        .iter()
        .find(|text| text.contains("Full capture"))
        .expect("alice's note");
    assert!(
        note.contains("(not kept: full.pcap, 2.5 KB, over Redmine's limit)"),
        "{note}"
    );
    assert_eq!(world.redmine.attached_by_journal(ticket), [["graph.png"]]);

    world.discord.member_posts_files(
        thread,
        CAROL,
        "carol",
        "Photo of the mast.",
        &[("mast.png", "image/png", PNG)],
    );
    world.discord.expire_files();
    let report = world.pass().await;
    assert!(report.failed.is_empty(), "{report:?}");
    let notes = world.note_texts(ticket);
    let note = notes
        .iter()
        .find(|text| text.contains("Photo of the mast."))
        .expect("carol's note");
    assert!(
        note.contains("(not kept: mast.png, 33 B, no longer downloadable from Discord)"),
        "{note}"
    );
}

/// The thread's message that contains `needle`, with its files.
fn message_with(
    world: &World,
    thread: u64,
    needle: &str,
) -> (String, Vec<(String, String, Vec<u8>)>) {
    let message = world
        .discord
        .messages(thread)
        .into_iter()
        .find(|message| message.content.contains(needle))
        .unwrap_or_else(|| panic!("no message with '{needle}'"));
    let files = world.discord.files_of(&message);
    (message.content, files)
}

#[tokio::test]
async fn a_redmine_notes_file_arrives_in_the_thread_as_a_file_and_one_over_the_limit_as_a_link() {
    let world = World::new().await;
    let ticket = ticket_with_a_note(&world);
    world.pass().await;
    let thread = world.thread_of(ticket);

    let big = vec![1_u8; usize::try_from(domain::limits::DEFAULT_MAX_UPLOAD).unwrap() + 1];
    assert!(world.redmine.attach_as(
        "bob",
        ticket,
        "Mast photo and the full capture.",
        &[
            ("mast.png", "image/png", PNG),
            ("full.pcap", "application/octet-stream", &big)
        ]
    ));
    let report = world.pass().await;

    assert!(report.failed.is_empty(), "{report:?}");
    let (text, files) = message_with(&world, thread, "Mast photo");
    assert_eq!(
        files,
        [("mast.png".to_owned(), "image/png".to_owned(), PNG.to_vec())]
    );
    assert!(
        !text.contains("mast.png"),
        "a file sent needs no link: {text}"
    );
    let link = format!("📎 [full.pcap](<{}/attachments/", world.redmine.url());
    assert!(
        text.contains(&link),
        "a file over max_upload is a link: {text}"
    );
}

#[tokio::test]
async fn the_descriptions_files_open_the_thread_with_it() {
    let world = World::new().await;
    let ticket = world.redmine.open_ticket(
        "alice",
        "Othello rooftop node drops packets",
        "Loss starts around 22:00.",
        Some("yes"),
    );
    world
        .redmine
        .attach_to_description(ticket, "report.pdf", "application/pdf", PDF);
    world.pass().await;
    let thread = world.thread_of(ticket);
    let (_, files) = message_with(&world, thread, "Loss starts around 22:00.");
    assert_eq!(
        files,
        [(
            "report.pdf".to_owned(),
            "application/pdf".to_owned(),
            PDF.to_vec()
        )]
    );
}

#[tokio::test]
async fn files_discord_refuses_become_links_and_the_message_is_posted_once() {
    let world = World::new().await;
    let ticket = ticket_with_a_note(&world);
    world.pass().await;
    let thread = world.thread_of(ticket);
    world.discord.set_upload_limit(10);

    assert!(world.redmine.attach_as(
        "bob",
        ticket,
        "Mast photo.",
        &[("mast.png", "image/png", PNG)]
    ));
    let report = world.pass().await;
    world.pass().await;

    assert!(report.failed.is_empty(), "{report:?}");
    let posted: Vec<String> = world
        .thread_texts(thread)
        .into_iter()
        .filter(|text| text.contains("Mast photo."))
        .collect();
    assert_eq!(posted.len(), 1, "{posted:#?}");
    let link = format!("📎 [mast.png](<{}/attachments/", world.redmine.url());
    assert!(posted[0].contains(&link), "{}", posted[0]);
}

#[tokio::test]
async fn a_dry_run_says_which_messages_carry_files_and_uploads_nothing() {
    let world = World::new().await;
    let ticket = ticket_with_a_note(&world);
    world.pass().await;
    let thread = world.thread_of(ticket);
    world.discord.member_posts_files(
        thread,
        ALICE,
        "alice",
        "Graph and report.",
        &[
            ("graph.png", "image/png", PNG),
            ("report.pdf", "application/pdf", PDF),
        ],
    );
    assert!(world.redmine.attach_as(
        "bob",
        ticket,
        "Mast photo.",
        &[("mast.png", "image/png", PNG)]
    ));
    let people = ports::threader::WhoIsWho::from_directory(&redmine::RedmineDirectory::new(
        &world.tracker(),
        "Discord ID",
    ))
    .await
    .expect("who is who");
    let before = world.redmine.received().await.len();

    let report = world.threader(true).pass(people).await.expect("a pass");

    let planned = report.planned.join("\n");
    assert!(
        planned.contains("would write a note as alice with 2 files: Graph and report."),
        "{planned}"
    );
    assert!(
        planned.contains("would post to Discord with 1 file:"),
        "{planned}"
    );
    let writes = world.redmine.received().await[before..]
        .iter()
        .filter(|line| !line.starts_with("GET"))
        .count();
    assert_eq!(writes, 0);
    assert_eq!(world.redmine.attachments(ticket).len(), 1, "only bob's");
}

#[tokio::test]
async fn a_mirror_with_files_is_not_rewritten_by_the_looks_after_it() {
    let world = World::new().await;
    let ticket = ticket_with_a_note(&world);
    world.pass().await;
    let thread = world.thread_of(ticket);
    let big = vec![1_u8; usize::try_from(domain::limits::DEFAULT_MAX_UPLOAD).unwrap() + 1];
    assert!(world.redmine.attach_as(
        "bob",
        ticket,
        "@alice mast photo and the full capture.",
        &[
            ("mast.png", "image/png", PNG),
            ("full.pcap", "application/octet-stream", &big)
        ]
    ));
    world.pass().await;
    let mirrored = world.thread_texts(thread);
    let (_, files) = message_with(&world, thread, "mast photo");
    assert_eq!(files.len(), 1, "the photo went as a file");

    // Looks that read the mirror back: a member's message, then `--ticket N`, then a pass.
    world
        .discord
        .member_says(thread, CAROL, "carol", "Thanks, looking.");
    let after_message = world.pass().await;
    let forced = world.pass_only(ticket).await;
    let quiet = world.pass().await;

    for report in [&after_message, &forced, &quiet] {
        assert!(report.failed.is_empty(), "{report:?}");
        assert_eq!(report.rewritten, 0, "{report:?}");
    }
    assert!(
        world.discord.edits().is_empty(),
        "{:#?}",
        world.discord.edits()
    );
    let texts = world.thread_texts(thread);
    assert_eq!(&texts[..mirrored.len()], &mirrored[..], "{texts:#?}");
}

#[tokio::test]
async fn a_mirror_whose_files_discord_refused_is_not_rewritten_by_a_forced_look() {
    let world = World::new().await;
    let ticket = ticket_with_a_note(&world);
    world.pass().await;
    let thread = world.thread_of(ticket);
    world.discord.set_upload_limit(10);
    assert!(world.redmine.attach_as(
        "bob",
        ticket,
        "Mast photo.",
        &[("mast.png", "image/png", PNG)]
    ));
    world.pass().await;
    let (text, files) = message_with(&world, thread, "Mast photo.");
    assert!(files.is_empty() && text.contains("📎 [mast.png]"), "{text}");

    let forced = world.pass_only(ticket).await;
    let quiet = world.pass().await;

    for report in [&forced, &quiet] {
        assert!(report.failed.is_empty(), "{report:?}");
        assert_eq!(report.rewritten, 0, "{report:?}");
    }
    assert!(
        world.discord.edits().is_empty(),
        "{:#?}",
        world.discord.edits()
    );
}

#[tokio::test]
async fn a_member_redmine_will_not_let_write_has_their_files_attached_by_the_threader_once() {
    let world = World::new().await;
    let ticket = ticket_with_a_note(&world);
    world.pass().await;
    let thread = world.thread_of(ticket);
    world.redmine.deny_notes("alice");

    world.discord.member_posts_files(
        thread,
        ALICE,
        "alice",
        "Graph attached.",
        &[("graph.png", "image/png", PNG)],
    );
    let report = world.pass().await;
    let again = world.pass().await;

    assert!(report.failed.is_empty(), "{report:?}");
    assert!(again.failed.is_empty(), "{again:?}");
    assert_eq!((report.to_redmine, again.to_redmine), (1, 0));
    let notes = world.redmine.notes(ticket);
    let alices: Vec<&(String, String)> = notes
        .iter()
        .filter(|(_, text)| text.contains("Graph attached."))
        .collect();
    assert_eq!(alices.len(), 1, "{notes:#?}");
    assert_eq!(alices[0].0, "Redmine Admin", "{notes:#?}");
    assert!(
        alices[0].1.starts_with("alice on Discord wrote:"),
        "{notes:#?}"
    );
    assert_eq!(
        world.redmine.attachments(ticket),
        [("graph.png".to_owned(), "image/png".to_owned(), PNG.to_vec())],
        "attached once"
    );
    assert_eq!(world.redmine.attached_by_journal(ticket), [["graph.png"]]);
}
