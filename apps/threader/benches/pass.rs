//! One `threader` pass at scale, against the stateful fixture Redmine and fixture Discord:
//! 10,000 tickets, 1,000 of them synced with a thread, 10 changed since the last pass (5 with
//! a Redmine note by a person, 5 with a Discord message by a linked member).
//!
//! The pass measured is the real binary (`threader`, one pass), pinned to one core with
//! `taskset -c 0` when available, under `/usr/bin/time -v` for its peak memory; the fixture
//! servers run in this process on the other cores. It prints wall time, peak RSS, and the
//! requests each side received by kind, then the same for a quiet pass right after.
//!
//! Run: `cargo bench -p threader --bench pass` (a report, not a timed test: it fails only
//! when the pass does not do what it should).

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{bail, ensure, Result};
use serde_json::json;
use testkit::discord::FakeDiscord;
use testkit::redmine::{DemoRedmine, DEMO_ADMIN_KEY};

use common::{generic_path, in_process_pass, redmine_kind, thread_of, ALICE, BOT, CHANNEL, GUILD};

const TICKETS: usize = 10_000;
const SYNCED: usize = 1_000;
const CHANGED_IN_REDMINE: usize = 5;
const CHANGED_IN_DISCORD: usize = 5;

/// What one measured run of the binary cost.
struct Run {
    wall: Duration,
    peak_rss_kib: Option<u64>,
    stdout: String,
    redmine: BTreeMap<String, usize>,
    discord: BTreeMap<String, usize>,
}

// A report is what a benchmark prints.
#[allow(clippy::print_stderr)]
#[tokio::main]
async fn main() -> Result<()> {
    let redmine = DemoRedmine::start_admin().await;
    let discord = FakeDiscord::start(GUILD, BOT, &[CHANNEL]).await;

    let setup = Instant::now();
    let mut synced = Vec::with_capacity(SYNCED);
    let mut created = 0;
    while created < TICKETS {
        let wants_thread = created < SYNCED;
        let id = redmine.open_ticket(
            "alice",
            &format!("Bench ticket {created}"),
            "A node somewhere drops packets.",
            wants_thread.then_some("yes"),
        );
        if wants_thread {
            synced.push(id);
        }
        created += 1;
    }
    let first = in_process_pass(&redmine, &discord).await?;
    ensure!(
        first.threads_created == SYNCED && first.failed.is_empty(),
        "the setup pass did not open {SYNCED} threads: {}",
        first.summary()
    );
    eprintln!(
        "setup: {TICKETS} tickets, {SYNCED} threads opened in {:.1}s",
        setup.elapsed().as_secs_f64()
    );

    // 10 tickets change: a person's note in Redmine, a linked member's message in Discord.
    let mut changed = BTreeSet::new();
    for &ticket in synced.iter().step_by(97).take(CHANGED_IN_REDMINE) {
        ensure!(redmine.change_as("bob", ticket, &json!({ "notes": "Radio swapped." })));
        changed.insert(ticket);
    }
    for &ticket in synced.iter().skip(13).step_by(89).take(CHANGED_IN_DISCORD) {
        ensure!(!changed.contains(&ticket), "pick distinct tickets");
        let thread = thread_of(&redmine, ticket)?;
        discord.member_says(thread, ALICE, "alice", "Loss is gone here.");
        changed.insert(ticket);
    }
    ensure!(changed.len() == CHANGED_IN_REDMINE + CHANGED_IN_DISCORD);

    let busy = measured_pass(&redmine, &discord).await?;
    ensure!(
        busy.stdout.contains(&format!(
            "{SYNCED} tickets looked at, {CHANGED_IN_REDMINE} notes to Discord, {CHANGED_IN_DISCORD} notes to Redmine, 0 threads created, 0 failed"
        )),
        "unexpected pass: {}",
        busy.stdout
    );
    report(
        &format!(
            "pass with {} changed tickets ({CHANGED_IN_REDMINE} in Redmine, {CHANGED_IN_DISCORD} in Discord)",
            changed.len()
        ),
        &busy,
        changed.len(),
    );

    let quiet = measured_pass(&redmine, &discord).await?;
    ensure!(
        quiet
            .stdout
            .contains("0 notes to Discord, 0 notes to Redmine"),
        "the pass after was not quiet: {}",
        quiet.stdout
    );
    report("quiet pass right after", &quiet, 0);
    Ok(())
}

/// Runs the binary for one pass and counts what each fixture received meanwhile.
async fn measured_pass(redmine: &DemoRedmine, discord: &FakeDiscord) -> Result<Run> {
    let dir = std::env::temp_dir().join(format!("netbot-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let config = dir.join("netbot.toml");
    std::fs::write(&config, format!("[threader]\nchannel = {CHANNEL}\n"))?;

    let redmine_before = redmine.received().await.len();
    let discord_before = discord.requests().len();
    let binary = env!("CARGO_BIN_EXE_threader");
    let mut command = if Path::new("/usr/bin/taskset").exists() {
        let mut command = Command::new("/usr/bin/taskset");
        command.args(["-c", "0"]);
        command
    } else {
        Command::new("env")
    };
    let timed = Path::new("/usr/bin/time").exists();
    if timed {
        command.args(["/usr/bin/time", "-v"]);
    }
    command
        .arg(binary)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("REDMINE_URL", redmine.url())
        .env("REDMINE_TOKEN", DEMO_ADMIN_KEY)
        .env("DISCORD_TOKEN", "bench-token")
        .env("DISCORD_GUILD_ID", GUILD.to_string())
        .env("DISCORD_API_URL", discord.uri())
        .env("NETBOT_CONFIG", &config)
        .env("RUST_LOG", "warn")
        .current_dir(&dir);
    let started = Instant::now();
    // The fixture servers answer on their own threads while this one waits.
    let output = tokio::task::spawn_blocking(move || command.output()).await??;
    let wall = started.elapsed();
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    if !output.status.success() {
        bail!("threader failed: {stdout}\n{stderr}");
    }
    let peak_rss_kib = stderr
        .lines()
        .find_map(|line| {
            line.trim()
                .strip_prefix("Maximum resident set size (kbytes): ")
        })
        .and_then(|kib| kib.trim().parse().ok());

    let mut redmine_kinds = BTreeMap::new();
    for line in &redmine.received().await[redmine_before..] {
        *redmine_kinds.entry(redmine_kind(line)).or_insert(0) += 1;
    }
    let mut discord_kinds = BTreeMap::new();
    for request in &discord.requests()[discord_before..] {
        let kind = format!("{} {}", request.method, generic_path(&request.path));
        *discord_kinds.entry(kind).or_insert(0) += 1;
    }
    std::fs::remove_dir_all(&dir).ok();
    Ok(Run {
        wall,
        peak_rss_kib,
        stdout,
        redmine: redmine_kinds,
        discord: discord_kinds,
    })
}

#[allow(clippy::print_stdout)]
fn report(title: &str, run: &Run, changed: usize) {
    let total = |kinds: &BTreeMap<String, usize>| kinds.values().sum::<usize>();
    let peak = run.peak_rss_kib.map_or_else(
        || String::from("n/a"),
        |kib| format!("{:.1} MiB", kib as f64 / 1024.0),
    );
    println!("== {title}");
    println!("{}", run.stdout.trim());
    println!(
        "wall {:.3}s (process start to exit), peak RSS {peak}",
        run.wall.as_secs_f64()
    );
    for (side, kinds) in [("Redmine", &run.redmine), ("Discord", &run.discord)] {
        println!("{side}: {} requests", total(kinds));
        for (kind, count) in kinds {
            println!("  {count:>5}  {kind}");
        }
    }
    if changed > 0 {
        let listing: usize = run
            .redmine
            .iter()
            .filter(|(kind, _)| !kind.contains("/issues/N.json"))
            .map(|(_, count)| count)
            .sum::<usize>()
            + run
                .discord
                .iter()
                .filter(|(kind, _)| kind.contains("/threads/active"))
                .map(|(_, count)| count)
                .sum::<usize>();
        let per_ticket = total(&run.redmine) + total(&run.discord) - listing;
        println!(
            "per changed ticket: {:.1} requests ({per_ticket} over {changed}; {listing} for listings and setup)",
            per_ticket as f64 / changed as f64
        );
    }
}
