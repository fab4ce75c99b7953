//! The live threader at scale, against the stateful fixture Redmine and fixture Discord (with
//! its gateway): 1,000 tickets synced with a thread, `threader --every 15s` holding the
//! gateway, and 200 member messages in 40 of the threads, 50 ms apart.
//!
//! For each message it measures the time from the member's post (`member_says`, which hands
//! MESSAGE_CREATE to the connected session) to the note being readable through Redmine's API
//! (`GET /issues/N.json?include=journals` over HTTP, every 1 ms), the first message of each
//! thread after the start (a whole look: the thread is read over REST) apart from the others
//! (the event alone). It counts the requests each fixture received per message and per quiet
//! pass, by kind, and reads the threader's resident memory from `/proc/PID/status`.
//!
//! The threader is the real binary, pinned to one core with `taskset -c 0` when available;
//! the fixture servers and the pollers run in this process. Run:
//! `cargo bench -p threader --bench live` (a report, not a timed test: it fails only when the
//! run does not do what it should: a note missing or written twice, a quiet pass that asks
//! more than one Redmine request or any Discord one).

// A report is what a benchmark prints.
#![allow(clippy::print_stdout, clippy::print_stderr)]

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use anyhow::{bail, ensure, Context as _, Result};
use serde_json::Value;
use testkit::discord::FakeDiscord;
use testkit::redmine::{DemoRedmine, DEMO_ADMIN_KEY};
use tokio::io::{AsyncBufReadExt as _, BufReader};
use tokio::process::{Child, Command};

use common::{generic_path, in_process_pass, redmine_kind, thread_of, ALICE, BOT, CHANNEL, GUILD};

const SYNCED: usize = 1_000;
/// Threads the members write in, spread over the synced ones.
const THREADS: usize = 40;
/// Messages per thread.
const PER_THREAD: usize = 5;
/// Between two messages.
const SPACING: Duration = Duration::from_millis(50);
/// Between two reads of a ticket while waiting for its note.
const POLL: Duration = Duration::from_millis(1);
/// The threader's `--every`.
const EVERY: &str = "15s";
/// Quiet passes measured after the messages.
const QUIET_PASSES: usize = 2;
/// Long enough for anything here; only a broken build waits this long.
const HANG_GUARD: Duration = Duration::from_secs(120);
/// Marks the bench's own reads of a ticket, so that they are not counted as the threader's.
const POLL_MARK: &str = "bench=poll";

/// One message the bench posts.
#[derive(Debug, Clone)]
struct Planned {
    ticket: u64,
    thread: u64,
    text: String,
}

/// What one message measured.
#[derive(Debug, Clone, Copy)]
struct Measured {
    latency: Duration,
}

/// The requests each fixture received over a stretch, by kind.
#[derive(Debug, Default)]
struct Counted {
    redmine: BTreeMap<String, usize>,
    discord: BTreeMap<String, usize>,
}

#[tokio::main]
async fn main() -> Result<()> {
    let redmine = DemoRedmine::start_admin().await;
    let discord = FakeDiscord::start(GUILD, BOT, &[CHANNEL]).await;

    let setup = Instant::now();
    let mut synced = Vec::with_capacity(SYNCED);
    for n in 0..SYNCED {
        synced.push(redmine.open_ticket(
            "alice",
            &format!("Bench ticket {n}"),
            "A node somewhere drops packets.",
            Some("yes"),
        ));
    }
    let first = in_process_pass(&redmine, &discord).await?;
    ensure!(
        first.threads_created == SYNCED && first.failed.is_empty(),
        "the setup pass did not open {SYNCED} threads: {}",
        first.summary()
    );
    println!(
        "setup: {SYNCED} tickets, {SYNCED} threads opened in {:.1}s (in this process)",
        setup.elapsed().as_secs_f64()
    );

    let chosen: Vec<(u64, u64)> = synced
        .iter()
        .step_by(SYNCED / THREADS)
        .take(THREADS)
        .map(|&ticket| Ok((ticket, thread_of(&redmine, ticket)?)))
        .collect::<Result<_>>()?;
    let (firsts, laters) = plan(&chosen);

    let started = Instant::now();
    let running = Running::start(&redmine, &discord)?;
    let connected = running
        .wait_for(0, "connected to the chat", is_message)
        .await?;
    let caught_up = running.settled_pass(connected).await?;
    let rss_caught_up = running.memory()?;
    println!(
        "threader --every {EVERY}{}: connected and caught up in {:.1}s, VmRSS {}",
        if running.pinned {
            " (pinned: taskset -c 0)"
        } else {
            ""
        },
        started.elapsed().as_secs_f64(),
        mib(rss_caught_up.0)
    );

    let mut problems = Vec::new();
    // Each set of messages starts right after a pass, so that no pass falls among them.
    let before_firsts = running.settled_pass(caught_up + 1).await?;
    let first_run = running
        .post(&redmine, &discord, &firsts, before_firsts, &mut problems)
        .await?;
    let before_laters = running.settled_pass(first_run.log_end).await?;
    let later_run = running
        .post(&redmine, &discord, &laters, before_laters, &mut problems)
        .await?;
    let rss_after_messages = running.memory()?;

    // Anything that would write a note twice has had its chance; then each note once, in order.
    tokio::time::sleep(Duration::from_millis(500)).await;
    for &(ticket, thread) in &chosen {
        let expected: Vec<&str> = firsts
            .iter()
            .chain(&laters)
            .filter(|planned| planned.thread == thread)
            .map(|planned| planned.text.as_str())
            .collect();
        let got = notes_from_discord(&redmine, ticket);
        if got != expected {
            problems.push(format!(
                "ticket {ticket} (thread {thread}): notes from Discord {got:?}, expected {expected:?}"
            ));
        }
    }

    // Quiet passes: counted from the end of one pass to the end of the last.
    let quiet_from = running
        .wait_for(later_run.log_end, PASS, is_message)
        .await?;
    let mut quiet_to = quiet_from;
    let redmine_before = redmine.received().await.len();
    let discord_before = discord.requests().len();
    for _ in 0..QUIET_PASSES {
        quiet_to = running.wait_for(quiet_to + 1, PASS, is_message).await?;
    }
    let quiet = count(&redmine, &discord, redmine_before, discord_before).await;
    let quiet_summaries: Vec<String> = running.messages(quiet_from + 1, quiet_to + 1, PASS);
    let (rss_end, hwm_end) = running.memory()?;
    running.stop().await;

    println!();
    println!(
        "== {} member messages in {THREADS} threads, {} ms apart ({} first in their thread, {} after, with {} runs of {} in a row in one thread)",
        firsts.len() + laters.len(),
        SPACING.as_millis(),
        firsts.len(),
        laters.len(),
        THREADS / RUN_EVERY,
        PER_THREAD - 1
    );
    println!(
        "event to note (member_says to the note read back by GET /issues/N.json, polled every {} ms), ms:",
        POLL.as_millis()
    );
    println!(
        "  {:<28} {:>5} {:>7} {:>7} {:>7}",
        "", "n", "p50", "p95", "max"
    );
    let all: Vec<Measured> = first_run
        .measured
        .iter()
        .chain(&later_run.measured)
        .copied()
        .collect();
    for (label, measured) in [
        ("first in a thread (whole)", &first_run.measured),
        ("later ones (event alone)", &later_run.measured),
        ("all", &all),
    ] {
        print_latencies(label, measured);
    }
    for (label, run) in [("first", &first_run), ("later", &later_run)] {
        println!(
            "  {label}: {} events applied, {} of them whole looks; the threader's own event_ms p50 {} p95 {}",
            run.events,
            run.whole_looks,
            percentile(&run.event_ms, 50).map_or_else(|| String::from("n/a"), |ms| format!("{ms} ms")),
            percentile(&run.event_ms, 95).map_or_else(|| String::from("n/a"), |ms| format!("{ms} ms")),
        );
    }

    println!();
    println!("== requests per member message");
    for (label, run) in [
        ("first message of a thread after the start", &first_run),
        ("a later message", &later_run),
    ] {
        println!(
            "{label} ({} messages{}):",
            run.measured.len(),
            if run.passes == 0 {
                String::new()
            } else {
                format!(", {} passes among them, counted in", run.passes)
            }
        );
        print_per(&run.counted, run.measured.len());
    }

    println!();
    println!("== quiet passes after the messages ({QUIET_PASSES}, --every {EVERY})");
    for summary in &quiet_summaries {
        println!("{summary}");
    }
    print_per(&quiet, QUIET_PASSES);
    let quiet_redmine: usize = quiet.redmine.values().sum();
    let quiet_discord: usize = quiet.discord.values().sum();
    if quiet_redmine > QUIET_PASSES || quiet_discord > 0 {
        problems.push(format!(
            "{QUIET_PASSES} quiet passes asked Redmine {quiet_redmine} and Discord {quiet_discord} requests: {quiet:?}"
        ));
    }

    println!();
    println!("== memory (the threader holding the gateway over {SYNCED} synced threads)");
    println!(
        "VmRSS: {} caught up, {} after the messages, {} after the quiet passes; VmHWM (peak): {}",
        mib(rss_caught_up.0),
        mib(rss_after_messages.0),
        mib(rss_end),
        mib(hwm_end)
    );

    if !problems.is_empty() {
        bail!(
            "the run did not do what it should:\n{}",
            problems.join("\n")
        );
    }
    Ok(())
}

/// Every this many threads, one takes its messages one after another (a run).
const RUN_EVERY: usize = 8;

/// The messages: each thread's first one (a whole look), then the others, round-robin over
/// the threads, except that every `RUN_EVERY`th thread says its four later ones in a row.
fn plan(chosen: &[(u64, u64)]) -> (Vec<Planned>, Vec<Planned>) {
    let mut number = 0;
    let mut say = |ticket: u64, thread: u64| {
        number += 1;
        Planned {
            ticket,
            thread,
            text: format!("Bench message {number:03}: the link is fine here."),
        }
    };
    let firsts: Vec<Planned> = chosen
        .iter()
        .map(|&(ticket, thread)| say(ticket, thread))
        .collect();
    let mut laters = Vec::new();
    for block in chosen.chunks(RUN_EVERY) {
        if let Some((&(ticket, thread), others)) = block.split_first() {
            for _ in 1..PER_THREAD {
                laters.push(say(ticket, thread));
            }
            for _ in 1..PER_THREAD {
                for &(ticket, thread) in others {
                    laters.push(say(ticket, thread));
                }
            }
        }
    }
    (firsts, laters)
}

/// What one set of messages measured.
struct PostedRun {
    measured: Vec<Measured>,
    counted: Counted,
    /// The log's length once every event was applied.
    log_end: usize,
    /// Events applied, whole looks among them, and the threader's own event-to-applied times.
    events: usize,
    whole_looks: usize,
    event_ms: Vec<u64>,
    /// Passes that ended while the messages were applied.
    passes: usize,
}

/// The summary line of a pass.
const PASS: &str = "threader: ";

/// A running `threader --every`, its JSON log lines collected; killed on drop.
struct Running {
    child: Child,
    pid: u32,
    pinned: bool,
    lines: Arc<Mutex<Vec<String>>>,
    _config: Config,
}

/// netbot.toml in a temp directory, removed on drop.
struct Config(PathBuf);

impl Drop for Config {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

impl Running {
    fn start(redmine: &DemoRedmine, discord: &FakeDiscord) -> Result<Self> {
        let dir = std::env::temp_dir().join(format!("netbot-bench-live-{}", std::process::id()));
        std::fs::create_dir_all(&dir)?;
        let config = dir.join("netbot.toml");
        std::fs::write(&config, format!("[threader]\nchannel = {CHANNEL}\n"))?;
        let binary = env!("CARGO_BIN_EXE_threader");
        // taskset execs the threader: the child's id is the threader's.
        let pinned = Path::new("/usr/bin/taskset").exists();
        let mut command = if pinned {
            let mut command = Command::new("/usr/bin/taskset");
            command.args(["-c", "0", binary]);
            command
        } else {
            Command::new(binary)
        };
        command
            .args(["--every", EVERY])
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("REDMINE_URL", redmine.url())
            .env("REDMINE_TOKEN", DEMO_ADMIN_KEY)
            .env("DISCORD_TOKEN", "bench-token")
            .env("DISCORD_GUILD_ID", GUILD.to_string())
            .env("DISCORD_API_URL", discord.uri())
            .env("NETBOT_CONFIG", &config)
            .env("NETBOT_LOG_FORMAT", "json")
            // Info for the events applied, debug for the quiet passes' summaries.
            .env("RUST_LOG", "info,ports::threader::live::run=debug")
            .current_dir(&dir)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        let mut child = command.spawn().context("starting threader --every")?;
        let pid = child.id().context("the threader's process id")?;
        let lines = Arc::new(Mutex::new(Vec::new()));
        let stderr = child.stderr.take().context("the threader's stderr")?;
        let collected = Arc::clone(&lines);
        tokio::spawn(async move {
            let mut reader = BufReader::new(stderr).lines();
            while let Ok(Some(line)) = reader.next_line().await {
                collected
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .push(line);
            }
        });
        Ok(Self {
            child,
            pid,
            pinned,
            lines,
            _config: Config(dir),
        })
    }

    fn len(&self) -> usize {
        self.lines
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
    }

    /// The log lines from `from` to `to` (clamped), parsed.
    fn parsed(&self, from: usize, to: usize) -> Vec<Value> {
        let lines = self.lines.lock().unwrap_or_else(PoisonError::into_inner);
        let to = to.min(lines.len());
        lines[from.min(to)..to]
            .iter()
            .map(|line| serde_json::from_str(line).unwrap_or(Value::Null))
            .collect()
    }

    /// The messages of the lines from `from` to `to` that start with `prefix`.
    fn messages(&self, from: usize, to: usize, prefix: &str) -> Vec<String> {
        self.parsed(from, to)
            .iter()
            .filter_map(|line| line["fields"]["message"].as_str())
            .filter(|message| message.starts_with(prefix))
            .map(str::to_owned)
            .collect()
    }

    /// Waits for a line at or after `after` whose message `matches` `text`; its index.
    async fn wait_for(
        &self,
        after: usize,
        text: &str,
        matches: fn(&Value, &str) -> bool,
    ) -> Result<usize> {
        let deadline = Instant::now() + HANG_GUARD;
        let mut from = after;
        loop {
            let end = self.len();
            if let Some(at) = self
                .parsed(from, end)
                .iter()
                .position(|line| matches(line, text))
            {
                return Ok(from + at);
            }
            from = end.max(after);
            if Instant::now() > deadline {
                bail!(
                    "no log line with {text:?} after line {after} within {HANG_GUARD:?}:\n{}",
                    self.lines
                        .lock()
                        .unwrap_or_else(PoisonError::into_inner)
                        .join("\n")
                );
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    /// Waits for a pass to end at or after `after` with no other pass right behind it (the
    /// start and a reconnect may run two in a row); its line's index. The next pass is a
    /// whole `--every` away.
    async fn settled_pass(&self, after: usize) -> Result<usize> {
        let mut at = self.wait_for(after, PASS, is_message).await?;
        loop {
            tokio::time::sleep(Duration::from_millis(700)).await;
            let end = self.len();
            match self
                .parsed(at + 1, end)
                .iter()
                .rposition(|line| is_message(line, PASS))
            {
                Some(later) => at = at + 1 + later,
                None => return Ok(at),
            }
        }
    }

    /// Posts `planned`, `SPACING` apart, and measures each until its note is readable over
    /// Redmine's API; then waits until the log shows every event applied.
    async fn post(
        &self,
        redmine: &DemoRedmine,
        discord: &FakeDiscord,
        planned: &[Planned],
        log_start: usize,
        problems: &mut Vec<String>,
    ) -> Result<PostedRun> {
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(5))
            .build()?;
        let redmine_before = redmine.received().await.len();
        let discord_before = discord.requests().len();
        let start = tokio::time::Instant::now();
        let mut waiting = Vec::with_capacity(planned.len());
        for (n, message) in planned.iter().enumerate() {
            tokio::time::sleep_until(start + SPACING * u32::try_from(n)?).await;
            let posted = Instant::now();
            discord.member_says(message.thread, ALICE, "alice", &message.text);
            waiting.push(tokio::spawn(note_readable(
                client.clone(),
                redmine.url(),
                message.clone(),
                posted,
            )));
        }
        let mut measured = Vec::with_capacity(planned.len());
        for (message, waited) in planned.iter().zip(waiting) {
            match waited.await? {
                Ok(latency) => measured.push(Measured { latency }),
                Err(why) => problems.push(format!(
                    "ticket {} (thread {}): {:?}: {why:#}",
                    message.ticket, message.thread, message.text
                )),
            }
        }

        // The read-back follows the note: wait until the log has every event applied.
        let deadline = Instant::now() + Duration::from_secs(30);
        let (log_end, applied) = loop {
            let end = self.len();
            let applied: Vec<Value> = self
                .parsed(log_start + 1, end)
                .into_iter()
                .filter(|line| is_message(line, "event applied"))
                .collect();
            let notes: u64 = applied
                .iter()
                .filter_map(|line| line["fields"]["notes"].as_u64())
                .sum();
            if notes >= planned.len() as u64 {
                break (end, applied);
            }
            if Instant::now() > deadline {
                problems.push(format!(
                    "the log shows {notes} notes applied of {} messages",
                    planned.len()
                ));
                break (end, applied);
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        };
        tokio::time::sleep(Duration::from_millis(200)).await;
        let counted = count(redmine, discord, redmine_before, discord_before).await;
        let passes = self.messages(log_start + 1, log_end, PASS).len();
        Ok(PostedRun {
            measured,
            counted,
            log_end,
            events: applied
                .iter()
                .filter_map(|line| line["fields"]["events"].as_u64())
                .sum::<u64>()
                .try_into()?,
            whole_looks: applied
                .iter()
                .filter(|line| line["fields"]["whole_look"].as_bool() == Some(true))
                .count(),
            event_ms: applied
                .iter()
                .filter_map(|line| line["fields"]["event_ms"].as_u64())
                .collect(),
            passes,
        })
    }

    /// The threader's (VmRSS, VmHWM) in KiB.
    fn memory(&self) -> Result<(u64, u64)> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid))
            .context("reading the threader's /proc/PID/status")?;
        let field = |name: &str| -> Result<u64> {
            status
                .lines()
                .find_map(|line| line.strip_prefix(name))
                .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
                .with_context(|| format!("no {name} in /proc/{}/status", self.pid))
        };
        let name = status
            .lines()
            .find_map(|line| line.strip_prefix("Name:"))
            .unwrap_or_default()
            .trim();
        ensure!(name == "threader", "process {} is {name:?}", self.pid);
        Ok((field("VmRSS:")?, field("VmHWM:")?))
    }

    async fn stop(mut self) {
        let _ = self.child.start_kill();
        let _ = self.child.wait().await;
    }
}

/// Whether a JSON log line's message starts with `text`.
fn is_message(line: &Value, text: &str) -> bool {
    line["fields"]["message"]
        .as_str()
        .is_some_and(|message| message.starts_with(text))
}

/// Reads the ticket over Redmine's API every `POLL` until a note holds the message's text;
/// the time since it was posted.
async fn note_readable(
    client: reqwest::Client,
    base: String,
    message: Planned,
    posted: Instant,
) -> Result<Duration> {
    let url = format!(
        "{base}/issues/{}.json?include=journals&{POLL_MARK}",
        message.ticket
    );
    let deadline = posted + Duration::from_secs(30);
    loop {
        let issue: Value = client
            .get(&url)
            .header("X-Redmine-API-Key", DEMO_ADMIN_KEY)
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?;
        let found = issue["issue"]["journals"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|journal| journal["notes"].as_str())
            .any(|notes| notes.contains(&message.text));
        if found {
            return Ok(posted.elapsed());
        }
        if Instant::now() > deadline {
            bail!("no note within 30 s");
        }
        tokio::time::sleep(POLL).await;
    }
}

/// The requests each fixture received since the given counts, by kind, without the bench's
/// own reads.
async fn count(
    redmine: &DemoRedmine,
    discord: &FakeDiscord,
    redmine_before: usize,
    discord_before: usize,
) -> Counted {
    let mut counted = Counted::default();
    for line in redmine.received().await.iter().skip(redmine_before) {
        if !line.contains(POLL_MARK) {
            *counted.redmine.entry(redmine_kind(line)).or_insert(0) += 1;
        }
    }
    for request in discord.requests().iter().skip(discord_before) {
        let kind = format!("{} {}", request.method, generic_path(&request.path));
        *counted.discord.entry(kind).or_insert(0) += 1;
    }
    counted
}

/// A ticket's notes that came from its thread, as their first lines, oldest first.
fn notes_from_discord(redmine: &DemoRedmine, ticket: u64) -> Vec<String> {
    redmine
        .notes(ticket)
        .into_iter()
        .filter(|(_, text)| text.contains("(from Discord: "))
        .map(|(_, text)| text.lines().next().unwrap_or_default().to_owned())
        .collect()
}

fn print_latencies(label: &str, measured: &[Measured]) {
    let micros: Vec<u64> = measured
        .iter()
        .map(|m| u64::try_from(m.latency.as_micros()).unwrap_or(u64::MAX))
        .collect();
    let show = |value: Option<u64>| {
        value.map_or_else(
            || String::from("n/a"),
            |micros| format!("{:.1}", micros as f64 / 1000.0),
        )
    };
    println!(
        "  {label:<28} {:>5} {:>7} {:>7} {:>7}",
        micros.len(),
        show(percentile(&micros, 50)),
        show(percentile(&micros, 95)),
        show(micros.iter().max().copied())
    );
}

/// The nearest-rank percentile of `values` (sorted here).
fn percentile(values: &[u64], percent: usize) -> Option<u64> {
    let mut sorted = values.to_vec();
    sorted.sort_unstable();
    let rank = (sorted.len() * percent).div_ceil(100);
    sorted.get(rank.checked_sub(1)?).copied()
}

/// The requests of `counted`, per one of `per`, by kind.
fn print_per(counted: &Counted, per: usize) {
    let per = per.max(1) as f64;
    for (side, kinds) in [("Redmine", &counted.redmine), ("Discord", &counted.discord)] {
        let total: usize = kinds.values().sum();
        println!("  {side}: {:.2} per ({total} in all)", total as f64 / per);
        for (kind, count) in kinds {
            println!("    {:>5.2}  {kind}", *count as f64 / per);
        }
    }
}

fn mib(kib: u64) -> String {
    format!("{:.1} MiB", kib as f64 / 1024.0)
}
