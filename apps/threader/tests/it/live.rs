//! `threader --every` end to end: the binary holds the fixture Discord's gateway and applies
//! each message, edit and deletion as it arrives, against the stateful fixture Redmine; a
//! message sent while the connection is down, or while the threader was killed, arrives once.
//!
//! Timeouts here only keep a broken build from hanging; how fast a note arrives is measured
//! by `cargo bench -p threader --bench live`, not asserted.

use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncBufReadExt as _, BufReader};
use tokio::process::{Child, Command};

use crate::{World, ALICE, CHANNEL, GUILD};

/// Long enough for anything here; only a broken build waits this long.
const HANG_GUARD: Duration = Duration::from_secs(30);

/// A running `threader --every`, its stderr collected line by line; killed on drop.
struct Running {
    child: Child,
    lines: Arc<Mutex<Vec<String>>>,
    _config: Config,
}

/// netbot.toml in a temp file, removed on drop.
struct Config(std::path::PathBuf);

impl Drop for Config {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

impl Running {
    /// Starts `threader --every EVERY` against the world, logging the passes (debug for the
    /// threader's own crates) so that the test can tell when one ended.
    fn start(world: &World, every: &str) -> Self {
        static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let path = std::env::temp_dir().join(format!(
            "netbot-threader-live-{}-{n}.toml",
            std::process::id()
        ));
        std::fs::write(&path, format!("[threader]\nchannel = {CHANNEL}\n")).expect("config");
        let mut command = Command::new(env!("CARGO_BIN_EXE_threader"));
        command
            .args(["--every", every])
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("NETBOT_CONFIG", &path)
            .env("REDMINE_URL", world.redmine.url())
            .env("REDMINE_TOKEN", testkit::redmine::DEMO_ADMIN_KEY)
            .env("DISCORD_TOKEN", "test-token")
            .env("DISCORD_GUILD_ID", GUILD.to_string())
            .env("DISCORD_API_URL", world.discord.uri())
            .env("RUST_LOG", "info,ports=debug")
            .current_dir(std::env::temp_dir())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        let mut child = command.spawn().expect("start threader --every");
        let lines = Arc::new(Mutex::new(Vec::new()));
        let stderr = child.stderr.take().expect("its stderr");
        let collected = Arc::clone(&lines);
        tokio::spawn(async move {
            let mut reader = BufReader::new(stderr).lines();
            while let Ok(Some(line)) = reader.next_line().await {
                collected.lock().expect("lines").push(line);
            }
        });
        Self {
            child,
            lines,
            _config: Config(path),
        }
    }

    /// Waits for a line logged after the first `after` that contains `text`; its index.
    async fn wait_for_line(&self, after: usize, text: &str) -> usize {
        let found = tokio::time::timeout(HANG_GUARD, async {
            loop {
                let position = {
                    let lines = self.lines.lock().expect("lines");
                    lines[after.min(lines.len())..]
                        .iter()
                        .position(|line| line.contains(text))
                };
                if let Some(at) = position {
                    return after + at;
                }
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        })
        .await;
        found.unwrap_or_else(|_| {
            panic!(
                "no line with {text:?} after line {after}:\n{}",
                self.lines.lock().expect("lines").join("\n")
            )
        })
    }

    /// Waits until the threader is connected and the whole pass that follows the connection
    /// has ended: from then on, only the live path writes (the next pass is far away).
    async fn wait_until_caught_up(&self) -> usize {
        let connected = self.wait_for_line(0, "connected to the chat").await;
        self.wait_for_line(connected, "threader: ").await
    }

    /// The log so far, for a failed assertion.
    fn log(&self) -> String {
        self.lines.lock().expect("lines").join("\n")
    }
}

/// Waits until `check` holds (polled), or panics with `what` after the hang guard.
async fn eventually(what: &str, mut check: impl FnMut() -> bool) {
    let held = tokio::time::timeout(HANG_GUARD, async {
        while !check() {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    })
    .await;
    assert!(held.is_ok(), "{what} did not happen within {HANG_GUARD:?}");
}

/// A world with one ticket whose thread exists and whose description is mirrored.
async fn one_synced_ticket() -> (World, u64, u64) {
    let world = World::new().await;
    let ticket =
        world
            .redmine
            .open_ticket("alice", "Mast light out", "The light is off.", Some("yes"));
    world.pass().await;
    let thread = world.thread_of(ticket);
    (world, ticket, thread)
}

/// The ticket's notes that came from the thread, as (author, first line).
fn notes_from_discord(world: &World, ticket: u64) -> Vec<(String, String)> {
    world
        .redmine
        .notes(ticket)
        .into_iter()
        .filter(|(_, text)| text.contains("(from Discord: "))
        .map(|(author, text)| (author, text.lines().next().unwrap_or_default().to_owned()))
        .collect()
}

/// The GETs of a thread's messages the fixture Discord served so far.
fn thread_reads(world: &World, thread: u64) -> usize {
    world
        .discord
        .requests()
        .iter()
        .filter(|request| {
            request.method == "GET"
                && request
                    .path
                    .contains(&format!("/channels/{thread}/messages"))
        })
        .count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_members_messages_become_notes_as_they_are_written_with_no_pass_between() {
    let (world, ticket, thread) = one_synced_ticket().await;
    let running = Running::start(&world, "1h");
    running.wait_until_caught_up().await;

    world
        .discord
        .member_says(thread, ALICE, "alice", "On my way.");
    eventually("the first note", || {
        notes_from_discord(&world, ticket).len() == 1
    })
    .await;
    // The second message follows the one the state marks: the event is all there is to
    // read, and the thread is not read again.
    let reads = thread_reads(&world, thread);
    world
        .discord
        .member_says(thread, ALICE, "alice", "There now: the fuse was out.");
    eventually("the second note", || {
        notes_from_discord(&world, ticket).len() == 2
    })
    .await;

    assert_eq!(
        notes_from_discord(&world, ticket),
        [
            (String::from("Alice Liddell"), String::from("On my way.")),
            (
                String::from("Alice Liddell"),
                String::from("There now: the fuse was out.")
            ),
        ],
        "{}",
        running.log()
    );
    assert_eq!(thread_reads(&world, thread), reads, "{}", running.log());
    running.wait_for_line(0, "event applied").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_edit_on_discord_edits_the_note_and_a_deletion_leaves_one_line_without_the_text() {
    let (world, ticket, thread) = one_synced_ticket().await;
    let running = Running::start(&world, "1h");
    running.wait_until_caught_up().await;

    let message = world
        .discord
        .member_says(thread, ALICE, "alice", "Gate code is 1234.");
    eventually("the note", || notes_from_discord(&world, ticket).len() == 1).await;
    world
        .discord
        .edit_message(thread, message, "Gate code: ask Bob.");
    eventually("the edit", || {
        notes_from_discord(&world, ticket)
            .first()
            .is_some_and(|(_, first)| first == "Gate code: ask Bob.")
    })
    .await;
    let journals = world.redmine.journal_ids(ticket).len();

    world.discord.delete_message(thread, message);
    eventually("the deletion", || {
        world
            .redmine
            .notes(ticket)
            .iter()
            .any(|(_, text)| text.contains("was deleted there."))
    })
    .await;

    let notes = world.redmine.notes(ticket);
    let deleted: Vec<&String> = notes
        .iter()
        .map(|(_, text)| text)
        .filter(|text| text.contains("(from Discord: "))
        .collect();
    assert_eq!(deleted.len(), 1, "{notes:?}");
    assert!(
        deleted[0].starts_with("A message Alice Liddell wrote on Discord at "),
        "{}",
        deleted[0]
    );
    assert!(!deleted[0].contains("Gate code"), "{}", deleted[0]);
    assert_eq!(
        world.redmine.journal_ids(ticket).len(),
        journals,
        "edited in place: no journal added"
    );
    drop(running);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_of_twenty_messages_becomes_twenty_notes_in_order_once_each() {
    let (world, ticket, thread) = one_synced_ticket().await;
    let running = Running::start(&world, "1h");
    running.wait_until_caught_up().await;

    for n in 1..=20 {
        world
            .discord
            .member_says(thread, ALICE, "alice", &format!("Reading {n}"));
    }
    eventually("twenty notes", || {
        notes_from_discord(&world, ticket).len() >= 20
    })
    .await;
    // Anything that would write a note twice has had its chance.
    tokio::time::sleep(Duration::from_millis(300)).await;

    let firsts: Vec<String> = notes_from_discord(&world, ticket)
        .into_iter()
        .map(|(_, first)| first)
        .collect();
    let expected: Vec<String> = (1..=20).map(|n| format!("Reading {n}")).collect();
    assert_eq!(firsts, expected, "{}", running.log());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_message_sent_while_the_connection_is_down_arrives_once_after_the_reconnect() {
    let (world, ticket, thread) = one_synced_ticket().await;
    let running = Running::start(&world, "1h");
    let caught_up = running.wait_until_caught_up().await;

    // The gateway goes away and forgets its sessions: the reconnect is a new session, and
    // nothing is replayed.
    world.discord.gateway_down(true);
    let lost = running.wait_for_line(caught_up, "connection is lost").await;
    world
        .discord
        .member_says(thread, ALICE, "alice", "Written during the outage.");
    world.discord.gateway_down(false);
    let connected = running.wait_for_line(lost, "connected to the chat").await;
    running.wait_for_line(connected, "threader: ").await;

    eventually("the note", || {
        !notes_from_discord(&world, ticket).is_empty()
    })
    .await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        notes_from_discord(&world, ticket),
        [(
            String::from("Alice Liddell"),
            String::from("Written during the outage.")
        )],
        "{}",
        running.log()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_kill_9_in_the_middle_of_a_burst_and_a_restart_leave_every_note_once() {
    let (world, ticket, thread) = one_synced_ticket().await;
    let mut running = Running::start(&world, "1h");
    running.wait_until_caught_up().await;

    for n in 1..=20 {
        world
            .discord
            .member_says(thread, ALICE, "alice", &format!("Reading {n}"));
    }
    eventually("a first note", || {
        !notes_from_discord(&world, ticket).is_empty()
    })
    .await;
    running.child.start_kill().expect("kill -9");
    running.child.wait().await.expect("killed");
    let before_restart = notes_from_discord(&world, ticket).len();

    let restarted = Running::start(&world, "1h");
    restarted.wait_until_caught_up().await;
    eventually("twenty notes", || {
        notes_from_discord(&world, ticket).len() >= 20
    })
    .await;
    tokio::time::sleep(Duration::from_millis(300)).await;

    let firsts: Vec<String> = notes_from_discord(&world, ticket)
        .into_iter()
        .map(|(_, first)| first)
        .collect();
    let expected: Vec<String> = (1..=20).map(|n| format!("Reading {n}")).collect();
    assert_eq!(
        firsts,
        expected,
        "{before_restart} notes before the kill\n{}",
        restarted.log()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_quiet_pass_asks_redmine_once_and_discord_nothing() {
    let (world, _ticket, _thread) = one_synced_ticket().await;
    let running = Running::start(&world, "5s");
    let caught_up = running.wait_until_caught_up().await;
    // The pass after the catch-up is the first quiet one; count from its end.
    let first_quiet = running.wait_for_line(caught_up + 1, "threader: ").await;
    let redmine_before = world.redmine.received().await.len();
    let discord_before = world.discord.requests().len();
    let second_quiet = running.wait_for_line(first_quiet + 1, "threader: ").await;

    let redmine: Vec<String> = world.redmine.received().await[redmine_before..].to_vec();
    let discord = world.discord.requests().len() - discord_before;
    assert_eq!(redmine.len(), 1, "{redmine:?}");
    assert!(
        redmine[0].starts_with("GET /issues.json") && redmine[0].contains("last_updated_by=!me"),
        "{redmine:?}"
    );
    assert_eq!(discord, 0, "{}", running.log());
    assert!(
        running.lines.lock().expect("lines")[first_quiet..=second_quiet]
            .iter()
            .filter(|line| line.contains("threader: "))
            .all(|line| line.contains("DEBUG")),
        "a quiet pass logs nothing at info: {}",
        running.log()
    );
}
