//! The two-way scenario against a real Redmine on loopback (`scripts/redmine/start.sh`) and
//! the fixture Discord: the custom fields, filters and switch-user the threader leans on, as
//! Redmine 5.0.4 really does them. Skips loudly without `REDMINE_CONTRACT_URL`, fails under
//! `CI=true`.
//!
//! The server is shared with other runs and tests, so each pass covers only this run's
//! ticket (`only`), and every name is unique to the run.

use std::collections::BTreeMap;
use std::time::Duration;

use discord::{BotToken, DiscordChat};
use domain::{ChannelId, GuildId, TicketId};
use ports::threader::{PassReport, Threader, ThreaderSettings, WhoIsWho};
use redmine::{IssueFieldNames, Redmine, RedmineDirectory};
use serde_json::{json, Value};
use testkit::discord::FakeDiscord;
use testkit::real_redmine::{threader_seeded, RealRedmine, ThreaderSeed};

use crate::{BOT, CAROL, CHANNEL, GUILD};

struct RealWorld {
    seed: &'static ThreaderSeed,
    redmine: RealRedmine,
    discord: FakeDiscord,
    ticket: u64,
}

impl RealWorld {
    fn tracker(&self) -> Redmine {
        Redmine::new(redmine::RedmineConfig {
            url: self.seed.url.clone(),
            key: redmine::ApiKey::new(&self.seed.admin_key),
            act_as: None,
            timeout: Duration::from_secs(30),
        })
        .expect("a client")
        .with_issue_fields(IssueFieldNames {
            thread: Some(String::from("Discord thread")),
            state: Some(String::from("Discord sync")),
        })
    }

    async fn pass(&self) -> PassReport {
        let tracker = self.tracker();
        let people = WhoIsWho::from_directory(&RedmineDirectory::new(&tracker, "Discord ID"))
            .await
            .expect("who is who");
        let chat = DiscordChat::connect(&BotToken::new("test-token"), Some(&self.discord.uri()));
        let threader = Threader::new(
            tracker,
            chat,
            ThreaderSettings {
                guild: GuildId::new(GUILD).expect("guild"),
                channel: ChannelId::new(CHANNEL).expect("channel"),
                routes: BTreeMap::new(),
                dry_run: false,
                only: Some(TicketId::new(self.ticket).expect("ticket id")),
                stop: ports::threader::CancellationToken::new(),
                max_upload: domain::limits::DEFAULT_MAX_UPLOAD,
                due_events: None,
            },
        );
        let report = threader.pass(people).await.expect("a pass");
        assert!(report.failed.is_empty(), "{report:?}");
        report
    }

    async fn issue(&self) -> Value {
        self.redmine.issue(self.ticket).await.expect("the ticket")
    }

    async fn thread(&self) -> u64 {
        crate::thread_in(&self.issue().await)
    }

    fn thread_texts(&self, thread: u64) -> Vec<String> {
        self.discord
            .messages(thread)
            .into_iter()
            .map(|message| message.content)
            .collect()
    }

    /// The notes as (author name, text), oldest first.
    async fn notes(&self) -> Vec<(String, String)> {
        self.issue().await["journals"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|journal| {
                let text = journal["notes"].as_str().filter(|text| !text.is_empty())?;
                Some((
                    journal["user"]["name"].as_str()?.to_owned(),
                    text.to_owned(),
                ))
            })
            .collect()
    }

    fn discord_writes_since(&self, before: usize) -> Vec<String> {
        self.discord.requests()[before..]
            .iter()
            .filter(|request| request.method != "GET")
            .map(testkit::discord::FakeRequest::line)
            .collect()
    }
}

#[tokio::test]
async fn real_redmine_and_a_thread_stay_in_step_both_ways() {
    let Some(seed) = threader_seeded() else {
        return;
    };
    let redmine = RealRedmine::new(&seed.url, &seed.admin_key).expect("a client");
    let run = &seed.run;
    let ticket = redmine
        .open_ticket(
            seed.project,
            &format!("Rooftop node {run} drops packets"),
            &format!("Loss starts around 22:00 (run {run})."),
            Some("yes"),
        )
        .await
        .expect("a ticket");
    let other = redmine.acting_as(&seed.other_login);
    other
        .change(ticket, json!({ "notes": "Cable checked: dry." }))
        .await
        .expect("a note by a member");
    let world = RealWorld {
        seed,
        redmine,
        discord: FakeDiscord::start(GUILD, BOT, &[CHANNEL]).await,
        ticket,
    };

    // The ticket asking for a thread gets one, with its description and notes.
    let report = world.pass().await;
    assert_eq!(report.threads_created, 1, "{report:?}");
    let thread = world.thread().await;
    let texts = world.thread_texts(thread);
    assert_eq!(texts.len(), 2, "{texts:#?}");
    assert!(texts[0].contains(&format!("(run {run})")), "{texts:#?}");
    assert!(
        texts[1].starts_with(&format!("**{}** on", seed.other_name)),
        "{texts:#?}"
    );
    assert!(texts[1].contains("Cable checked: dry."), "{texts:#?}");

    // A linked member's message becomes their own note; an unlinked one's the bot's, named.
    let from_linked = world.discord.member_says(
        thread,
        seed.linked_discord_id,
        "linked",
        "Swapping the radio tomorrow.",
    );
    world
        .discord
        .member_says(thread, CAROL, "carol", "I can bring a ladder.");
    let report = world.pass().await;
    assert_eq!((report.to_redmine, report.to_discord), (2, 0), "{report:?}");
    let notes = world.notes().await;
    let linked = notes
        .iter()
        .find(|(_, text)| text.contains("Swapping the radio tomorrow."))
        .expect("the linked member's note");
    assert_eq!(
        linked.0, seed.linked_name,
        "written as the member: {notes:#?}"
    );
    assert!(
        linked.1.contains(&format!(
            "https://discord.com/channels/{GUILD}/{thread}/{from_linked}"
        )),
        "{linked:?}"
    );
    let carol = notes
        .iter()
        .find(|(_, text)| text.contains("I can bring a ladder."))
        .expect("carol's note");
    assert_ne!(carol.0, seed.linked_name);
    assert!(carol.1.starts_with("carol on Discord wrote:"), "{carol:?}");

    // A Redmine note reaches the thread once, and nothing echoes.
    other
        .change(
            ticket,
            json!({ "notes": format!("Radio swapped ({run}).") }),
        )
        .await
        .expect("a second note");
    let report = world.pass().await;
    assert_eq!((report.to_discord, report.to_redmine), (1, 0), "{report:?}");
    world.pass().await;
    let texts = world.thread_texts(thread);
    let swapped = format!("Radio swapped ({run}).");
    assert_eq!(
        texts.iter().filter(|text| text.contains(&swapped)).count(),
        1,
        "{texts:#?}"
    );
    for said in ["Swapping the radio tomorrow.", "I can bring a ladder."] {
        assert_eq!(
            texts.iter().filter(|text| text.contains(said)).count(),
            1,
            "'{said}' echoed: {texts:#?}"
        );
    }

    // A quiet pass writes nothing on either side.
    let before = world.issue().await;
    let discord_before = world.discord.requests().len();
    let report = world.pass().await;
    assert_eq!(
        (report.to_discord, report.to_redmine, report.threads_created),
        (0, 0, 0),
        "{report:?}"
    );
    let after = world.issue().await;
    assert_eq!(after["journals"], before["journals"], "no journal written");
    assert_eq!(after["updated_on"], before["updated_on"]);
    assert_eq!(
        world.discord_writes_since(discord_before),
        Vec::<String>::new()
    );

    // Closing the ticket (as a member) archives the thread.
    world
        .redmine
        .acting_as(&seed.linked_login)
        .change(ticket, json!({ "status_id": 5 }))
        .await
        .expect("closing");
    world.pass().await;
    let fake = world.discord.thread(thread).expect("the thread");
    assert!(fake.archived, "archived once the ticket closed");
    assert!(
        world
            .thread_texts(thread)
            .iter()
            .any(|text| text.contains("The ticket is closed")),
        "{:#?}",
        world.thread_texts(thread)
    );
}

/// Mentions against the real Redmine, with no ping: a member's `<@ID>` of the linked member
/// is the note's `@login`, and a Redmine note's `@login` is the member in the thread (or the
/// unlinked user's name).
#[tokio::test]
async fn real_redmine_mentions_read_as_people_on_both_sides_and_ping_nobody() {
    let Some(seed) = threader_seeded() else {
        return;
    };
    let redmine = RealRedmine::new(&seed.url, &seed.admin_key).expect("a client");
    let run = &seed.run;
    let ticket = redmine
        .open_ticket(
            seed.project,
            &format!("Mentions {run}"),
            &format!("Who is who (run {run})."),
            Some("yes"),
        )
        .await
        .expect("a ticket");
    let world = RealWorld {
        seed,
        redmine,
        discord: FakeDiscord::start(GUILD, BOT, &[CHANNEL]).await,
        ticket,
    };
    world.pass().await;
    let thread = world.thread().await;

    world.discord.member_says(
        thread,
        CAROL,
        "carol",
        &format!("<@{}> can you look ({run})?", seed.linked_discord_id),
    );
    world.pass().await;
    let notes = world.notes().await;
    let carol = notes
        .iter()
        .find(|(_, text)| text.contains(&format!("can you look ({run})?")))
        .expect("carol's note");
    assert!(
        carol
            .1
            .contains(&format!("@{} can you look", seed.linked_login)),
        "{carol:?}"
    );

    let pings_before = world.discord.allowed_mentions_seen().len();
    world
        .redmine
        .acting_as(&seed.other_login)
        .change(
            ticket,
            json!({ "notes": format!("@{} on it, says @{} ({run}).", seed.linked_login, seed.other_login) }),
        )
        .await
        .expect("a note with mentions");
    world.pass().await;
    let texts = world.thread_texts(thread);
    let mirror = texts
        .iter()
        .find(|text| text.contains(&format!("({run}).")))
        .expect("the note's mirror");
    assert!(
        mirror.contains(&format!(
            "<@{}> on it, says {} ({run}).",
            seed.linked_discord_id, seed.other_name
        )),
        "{mirror}"
    );
    for mentions in &world.discord.allowed_mentions_seen()[pings_before..] {
        assert_eq!(mentions, &json!({ "parse": [] }), "{mentions}");
    }

    // Later looks read the mirror back and compare it with the note as it renders now,
    // mentions included: it reads the same, so nothing is rewritten (on 5.0, which does not
    // say which notes were edited, every mirror found is compared).
    let again = world.pass().await;
    assert_eq!(again.rewritten, 0, "{again:?}");
    assert!(
        world.discord.edits().is_empty(),
        "{:#?}",
        world.discord.edits()
    );
}

/// Files both ways against the real Redmine: a linked member's image and PDF become
/// attachments on their note, byte for byte, and a member's file attached in Redmine arrives
/// in the thread as a file.
#[tokio::test]
async fn real_redmine_keeps_a_members_files_byte_for_byte_and_sends_a_notes_file_to_the_thread() {
    const PNG: &[u8] =
        b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89";
    const PDF: &[u8] = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n";
    let Some(seed) = threader_seeded() else {
        return;
    };
    let redmine = RealRedmine::new(&seed.url, &seed.admin_key).expect("a client");
    let run = &seed.run;
    let ticket = redmine
        .open_ticket(
            seed.project,
            &format!("Mast {run} photos"),
            "Photos, please.",
            Some("yes"),
        )
        .await
        .expect("a ticket");
    let world = RealWorld {
        seed,
        redmine,
        discord: FakeDiscord::start(GUILD, BOT, &[CHANNEL]).await,
        ticket,
    };
    world.pass().await;
    let thread = world.thread().await;

    world.discord.member_posts_files(
        thread,
        seed.linked_discord_id,
        "linked",
        &format!("Photo and report {run}."),
        &[
            ("mast.png", "image/png", PNG),
            ("report.pdf", "application/pdf", PDF),
        ],
    );
    world.pass().await;

    let issue = world.issue().await;
    for (name, kind, bytes) in [
        ("mast.png", "image/png", PNG),
        ("report.pdf", "application/pdf", PDF),
    ] {
        let kept: Vec<&Value> = issue["attachments"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|file| file["filename"] == name)
            .collect();
        assert_eq!(kept.len(), 1, "{name} attached once: {issue:#}");
        assert_eq!(kept[0]["content_type"], kind, "{name}");
        let id = kept[0]["id"].as_u64().expect("an id");
        let content = world.redmine.attachment_bytes(id).await.expect("the file");
        assert_eq!(content, bytes, "{name} byte for byte");
    }
    let journal = issue["journals"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|journal| {
            journal["notes"]
                .as_str()
                .is_some_and(|notes| notes.contains("Photo and report"))
        })
        .expect("the member's note");
    assert_eq!(journal["user"]["name"], seed.linked_name.as_str());
    let attached: Vec<&str> = journal["details"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|detail| detail["property"] == "attachment")
        .filter_map(|detail| detail["new_value"].as_str())
        .collect();
    assert_eq!(
        attached,
        ["mast.png", "report.pdf"],
        "one journal, text and files"
    );

    let other = world.redmine.acting_as(&seed.other_login);
    let token = other
        .upload("plot.png", "image/png", PNG)
        .await
        .expect("an upload");
    other
        .change(
            ticket,
            json!({
                "notes": format!("Spectrum plot {run}."),
                "uploads": [{ "token": token, "filename": "plot.png", "content_type": "image/png" }]
            }),
        )
        .await
        .expect("a note with a file");
    world.pass().await;

    let message = world
        .discord
        .messages(thread)
        .into_iter()
        .find(|message| message.bot && message.content.contains("Spectrum plot"))
        .expect("the note's mirror");
    assert_eq!(
        world.discord.files_of(&message),
        [("plot.png".to_owned(), "image/png".to_owned(), PNG.to_vec())]
    );
}

/// Notifications against the real Redmine: the new-ticket query and the stale query, with the
/// fixture Discord. Only this run's ticket is asserted on: the server holds other runs' too.
#[tokio::test]
async fn real_redmine_tickets_are_announced_once_and_reminded_once_when_stale() {
    use chrono::{TimeDelta, Utc};
    use domain::notify::{NotifyRules, Ping, Route};
    use ports::notify::Notifier;
    use ports::People as _;

    const INTAKE: u64 = 661_720_259_375_529_989;
    const ROUTED: u64 = 661_720_259_383_918_597;
    let Some(seed) = threader_seeded() else {
        return;
    };
    let redmine = RealRedmine::new(&seed.url, &seed.admin_key).expect("a client");
    let run = &seed.run;
    let ticket = redmine
        .open_ticket(seed.project, &format!("Mast light {run} out"), "", None)
        .await
        .expect("a ticket");
    let world = RealWorld {
        seed,
        redmine,
        discord: FakeDiscord::start(GUILD, BOT, &[CHANNEL, INTAKE, ROUTED]).await,
        ticket,
    };
    let tracker = world.tracker();
    let linked = tracker
        .find_person(&seed.linked_login)
        .await
        .expect("the lookup")
        .expect("the linked member's user");
    world
        .redmine
        .change(
            ticket,
            json!({ "assigned_to_id": linked.id().get(), "status_id": 2 }),
        )
        .await
        .expect("assigning");
    let people = WhoIsWho::from_directory(&RedmineDirectory::new(&tracker, "Discord ID"))
        .await
        .expect("who is who");
    let chat = DiscordChat::connect(&BotToken::new("test-token"), Some(&world.discord.uri()));
    let rules = NotifyRules {
        intake: ChannelId::new(INTAKE).expect("id"),
        window: TimeDelta::days(1),
        routes: vec![Route {
            project: Some(domain::ProjectId::new(seed.project).expect("id")),
            tracker: None,
            category: None,
            assignee: Some(linked.id()),
            channel: ChannelId::new(ROUTED).expect("id"),
            ping: Ping::Assignee,
            team: None,
        }],
        stale: BTreeMap::from([(2, TimeDelta::days(7))]),
        digest: None,
        recycle: None,
    };
    let notifier = Notifier::new(&tracker, &chat, &rules, false);
    let ours = |channel: u64, mark: &str| -> Vec<String> {
        world
            .discord
            .messages(channel)
            .into_iter()
            .map(|message| message.content)
            .filter(|text| text.contains(mark) && text.contains(&format!("/issues/{ticket}>)")))
            .collect()
    };

    let now = Utc::now();
    notifier.pass(now, &people.users).await.expect("a pass");
    notifier
        .pass(now + TimeDelta::minutes(5), &people.users)
        .await
        .expect("a second pass");
    let announced = ours(ROUTED, "📥");
    assert_eq!(announced.len(), 1, "{announced:#?}");
    assert!(
        announced[0].starts_with(&format!("<@{}> 📥", seed.linked_discord_id)),
        "{}",
        announced[0]
    );
    assert!(ours(INTAKE, "📥").is_empty());
    let pinged: Vec<Value> = world
        .discord
        .allowed_mentions_seen()
        .into_iter()
        .filter(|mentions| mentions["users"] == json!([seed.linked_discord_id.to_string()]))
        .collect();
    assert_eq!(pinged.len(), 1, "only the announcement pinged the member");

    notifier
        .pass(now + TimeDelta::days(8), &people.users)
        .await
        .expect("a pass a week later");
    notifier
        .pass(now + TimeDelta::days(9), &people.users)
        .await
        .expect("another pass");
    let reminded = ours(ROUTED, "⏰");
    assert_eq!(reminded.len(), 1, "{reminded:#?}");
    assert!(reminded[0].contains("has been In Progress with no update since <t:"));
}

/// Notes edited and deleted in the real Redmine (5.0 or 6.0): their mirrors follow at the next
/// look (`--ticket N`, as the contract's passes run), in place, once.
#[tokio::test]
async fn real_redmine_notes_edited_or_deleted_follow_in_their_thread_once() {
    let Some(seed) = threader_seeded() else {
        return;
    };
    let redmine = RealRedmine::new(&seed.url, &seed.admin_key).expect("a client");
    let run = &seed.run;
    let ticket = redmine
        .open_ticket(
            seed.project,
            &format!("Mast light {run} flickers"),
            "Seen from the road.",
            Some("yes"),
        )
        .await
        .expect("a ticket");
    let other = redmine.acting_as(&seed.other_login);
    for note in ["Bulb ordered.", "Ladder booked."] {
        other
            .change(ticket, json!({ "notes": note }))
            .await
            .expect("a note by a member");
    }
    let world = RealWorld {
        seed,
        redmine,
        discord: FakeDiscord::start(GUILD, BOT, &[CHANNEL]).await,
        ticket,
    };
    world.pass().await;
    let thread = world.thread().await;
    assert_eq!(world.thread_texts(thread).len(), 3);
    let journal_saying = |issue: &Value, text: &str| {
        issue["journals"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|journal| journal["notes"] == text)
            .and_then(|journal| journal["id"].as_u64())
            .unwrap_or_else(|| panic!("no journal says {text:?}"))
    };
    let issue = world.issue().await;
    let ordered = journal_saying(&issue, "Bulb ordered.");
    let booked = journal_saying(&issue, "Ladder booked.");

    world
        .redmine
        .edit_journal(ordered, "Bulb ordered: 2 W LED.")
        .await
        .expect("an edit");
    world
        .redmine
        .edit_journal(booked, "")
        .await
        .expect("a deletion");
    let after = world.issue().await;
    assert_eq!(
        after["updated_on"], issue["updated_on"],
        "Redmine leaves the ticket as it was"
    );
    let report = world.pass().await;
    world.pass().await;

    assert_eq!(report.rewritten, 2, "{report:?}");
    assert_eq!(world.discord.edits().len(), 2, "each mirror rewritten once");
    let texts = world.thread_texts(thread);
    assert_eq!(texts.len(), 3, "no second copy: {texts:#?}");
    assert!(texts[1].contains("Bulb ordered: 2 W LED."), "{texts:#?}");
    assert!(
        texts[2].contains("was deleted in Redmine")
            && texts[2].contains(&format!("#change-{booked}>)")),
        "{texts:#?}"
    );
    assert!(
        !texts.iter().any(|text| text.contains("Ladder booked.")),
        "{texts:#?}"
    );
}
