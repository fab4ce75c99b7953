//! The live scenario against a real Redmine on loopback (`scripts/redmine/start.sh`) and the
//! fixture Discord's gateway: the long-running threader (`ports::threader::live::run`, the
//! real adapters) turns a linked member's messages into their notes as they are written,
//! follows an edit and a deletion into the note (as the member where Redmine's role allows
//! "Edit own notes", else as the threader's admin), and keeps a burst in order, once each.
//! Skips loudly without `REDMINE_CONTRACT_URL`, fails under `CI=true`.
//!
//! The server is shared with other runs and tests, so the threader covers only this run's
//! ticket (`only`).

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use discord::{BotToken, DiscordChat, DiscordGateway};
use domain::{ChannelId, GuildId, TicketId};
use ports::threader::live::{self, Extras, LiveSettings};
use ports::threader::{Threader, ThreaderSettings, WhoIsWho};
use ports::vitals::Vitals;
use redmine::{IssueFieldNames, Redmine, RedmineDirectory};
use serde_json::Value;
use testkit::discord::FakeDiscord;
use testkit::real_redmine::{threader_seeded, RealRedmine};

use crate::{BOT, CHANNEL, GUILD};

/// Only a broken build waits this long.
const HANG_GUARD: Duration = Duration::from_secs(60);

/// What the live threader reported: connections and passes, in order.
#[derive(Default)]
struct Heard(Mutex<Vec<&'static str>>);

impl Vitals for Heard {
    fn pass_ended(&self, ok: bool, _took: Duration, _why: Option<&str>) {
        self.0
            .lock()
            .expect("vitals")
            .push(if ok { "pass" } else { "failed pass" });
    }

    fn chat_connection(&self, connected: bool, _why: Option<&str>) {
        self.0
            .lock()
            .expect("vitals")
            .push(if connected { "connected" } else { "lost" });
    }
}

impl Heard {
    /// Whether a pass ended after the connection came up (the catch-up is done).
    fn caught_up(&self) -> bool {
        let heard = self.0.lock().expect("vitals");
        heard
            .iter()
            .position(|event| *event == "connected")
            .is_some_and(|at| heard[at..].contains(&"pass"))
    }
}

/// Polls `check` until it holds, or panics with `what` after the hang guard.
async fn until(what: &str, mut check: impl AsyncFnMut() -> bool) {
    let held = tokio::time::timeout(HANG_GUARD, async {
        while !check().await {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    })
    .await;
    assert!(held.is_ok(), "{what} did not happen within {HANG_GUARD:?}");
}

/// The ticket's notes as (author name, text), oldest first.
async fn notes(redmine: &RealRedmine, ticket: u64) -> Vec<(String, String)> {
    let issue: Value = redmine.issue(ticket).await.expect("the ticket");
    issue["journals"]
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn real_redmine_hears_a_thread_live_edits_and_deletions_included() {
    let Some(seed) = threader_seeded() else {
        return;
    };
    let redmine = RealRedmine::new(&seed.url, &seed.admin_key).expect("a client");
    let run = &seed.run;
    let ticket = redmine
        .open_ticket(
            seed.project,
            &format!("Live sync {run}"),
            &format!("Heard as it is written (run {run})."),
            Some("yes"),
        )
        .await
        .expect("a ticket");
    let discord = FakeDiscord::start(GUILD, BOT, &[CHANNEL]).await;
    let tracker = Redmine::new(redmine::RedmineConfig {
        url: seed.url.clone(),
        key: redmine::ApiKey::new(&seed.admin_key),
        act_as: None,
        timeout: Duration::from_secs(30),
    })
    .expect("a client")
    .with_issue_fields(IssueFieldNames {
        thread: Some(String::from("Discord thread")),
        state: Some(String::from("Discord sync")),
    });
    let token = BotToken::new("test-token");
    let chat = DiscordChat::connect(&token, Some(&discord.uri()));
    let threader = Arc::new(Threader::new(
        tracker.clone(),
        chat,
        ThreaderSettings {
            guild: GuildId::new(GUILD).expect("guild"),
            channel: ChannelId::new(CHANNEL).expect("channel"),
            routes: BTreeMap::new(),
            dry_run: false,
            only: Some(TicketId::new(ticket).expect("ticket id")),
            stop: ports::threader::CancellationToken::new(),
            max_upload: domain::limits::DEFAULT_MAX_UPLOAD,
            due_events: None,
        },
    ));
    let listener = DiscordGateway::new(
        &token,
        Some(&discord.uri()),
        GuildId::new(GUILD).expect("guild"),
    );
    let directory = RedmineDirectory::new(&tracker, "Discord ID");
    let heard = Arc::new(Heard::default());
    let stop = ports::threader::CancellationToken::new();
    let running = live::run(
        threader,
        listener,
        || WhoIsWho::from_directory(&directory),
        Extras::default(),
        Arc::clone(&heard),
        LiveSettings {
            every: Duration::from_secs(3600),
            refresh: Duration::from_secs(3600),
            notify_every: Duration::from_secs(3600),
        },
        stop.clone(),
    );

    let scenario = async {
        until("connected and caught up", async || heard.caught_up()).await;
        let issue = redmine.issue(ticket).await.expect("the ticket");
        let thread = crate::thread_in(&issue);

        // A linked member's message is their note, with no pass between.
        let said = discord.member_says(
            thread,
            seed.linked_discord_id,
            "linked",
            &format!("On the roof now ({run})."),
        );
        until("the member's note", async || {
            notes(&redmine, ticket)
                .await
                .iter()
                .any(|(_, text)| text.starts_with(&format!("On the roof now ({run}).")))
        })
        .await;
        let written = notes(&redmine, ticket).await;
        let note = written
            .iter()
            .find(|(_, text)| text.contains("On the roof now"))
            .expect("the note");
        assert_eq!(
            note.0, seed.linked_name,
            "written as the member: {written:#?}"
        );

        // The edit follows, in place.
        discord.edit_message(thread, said, &format!("Off the roof again ({run})."));
        until("the edit", async || {
            notes(&redmine, ticket)
                .await
                .iter()
                .any(|(_, text)| text.starts_with(&format!("Off the roof again ({run}).")))
        })
        .await;
        let edited = notes(&redmine, ticket).await;
        assert!(
            !edited
                .iter()
                .any(|(_, text)| text.contains("On the roof now")),
            "edited in place: {edited:#?}"
        );
        assert_eq!(edited.len(), written.len(), "no note added: {edited:#?}");

        // The deletion leaves one line, the author's note still theirs.
        discord.delete_message(thread, said);
        until("the deletion", async || {
            notes(&redmine, ticket)
                .await
                .iter()
                .any(|(_, text)| text.contains("was deleted there."))
        })
        .await;
        let deleted = notes(&redmine, ticket).await;
        let line = deleted
            .iter()
            .find(|(_, text)| text.contains("was deleted there."))
            .expect("the line");
        assert_eq!(
            line.0, seed.linked_name,
            "still the member's note: {deleted:#?}"
        );
        assert!(!line.1.contains("roof"), "{line:?}");

        // A burst arrives in order, once each.
        for n in 1..=5 {
            discord.member_says(
                thread,
                seed.linked_discord_id,
                "linked",
                &format!("Reading {n} ({run})"),
            );
        }
        until("five notes", async || {
            notes(&redmine, ticket)
                .await
                .iter()
                .filter(|(_, text)| text.starts_with("Reading "))
                .count()
                >= 5
        })
        .await;
        tokio::time::sleep(Duration::from_millis(500)).await;
        let readings: Vec<String> = notes(&redmine, ticket)
            .await
            .into_iter()
            .filter(|(_, text)| text.starts_with("Reading "))
            .map(|(_, text)| text.lines().next().unwrap_or_default().to_owned())
            .collect();
        let expected: Vec<String> = (1..=5).map(|n| format!("Reading {n} ({run})")).collect();
        assert_eq!(readings, expected);
        stop.cancel();
    };
    let (result, ()) = tokio::join!(running, scenario);
    result.expect("the live threader ran until stopped");
}
