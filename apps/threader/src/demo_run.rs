//! `threader --demo` (a module named apart from the `demo` crate it runs on): one pass
//! against the demo's in-process Redmine (through the real adapter) and an in-memory chat,
//! then a second pass taking a member's answer back.

use std::collections::BTreeMap;
use std::time::Duration;

use appkit::settings::{DEFAULT_STATE_FIELD, DEFAULT_THREAD_FIELD};
use appkit::{failed, Failure};
use domain::{ChannelId, GuildId, TicketId};
use ports::threader::{Threader, ThreaderSettings, WhoIsWho};
use redmine::{IssueFieldNames, Redmine};

use crate::report;

const GUILD: u64 = 661_720_259_375_529_984;
const CHANNEL: u64 = 661_720_259_379_724_293;
const BOT: u64 = 661_720_259_379_000_001;

/// A ticket asks for a thread and has a note by a member; a pass opens the thread, someone
/// answers there, and the next pass takes the answer to the ticket. Prints both passes and
/// what each side then holds.
///
/// # Errors
/// A failure when the demo's servers or a pass fail, or a ticket failed.
pub async fn demo(dry_run: bool, only: Option<TicketId>) -> Result<(), Failure> {
    let redmine = demo::redmine::DemoRedmine::start_admin()
        .await
        .map_err(failed)?;
    let channel = ChannelId::new(CHANNEL).map_err(failed)?;
    let discord = demo::chat::MemoryChat::new(
        domain::DiscordUserId::new(BOT).map_err(failed)?,
        "netbot",
        &[channel],
    );
    let ticket = redmine.open_ticket(
        "alice",
        "Othello rooftop node drops packets at night",
        "Loss starts around 22:00 and stops by 06:00.",
        Some("yes"),
    );
    redmine.change_as(
        "bob",
        ticket,
        &serde_json::json!({ "notes": "Checked the cable: dry. Swapping the radio tomorrow." }),
    );
    let tracker = Redmine::new(redmine::RedmineConfig {
        url: redmine.url(),
        key: redmine::ApiKey::new(demo::redmine::DEMO_ADMIN_KEY),
        act_as: None,
        timeout: Duration::from_secs(10),
    })
    .map_err(failed)?
    .with_issue_fields(IssueFieldNames {
        thread: Some(String::from(DEFAULT_THREAD_FIELD)),
        state: Some(String::from(DEFAULT_STATE_FIELD)),
    });
    let settings = ThreaderSettings {
        guild: GuildId::new(GUILD).map_err(failed)?,
        channel,
        routes: BTreeMap::new(),
        dry_run,
        only,
        stop: ports::threader::CancellationToken::new(),
        max_upload: domain::limits::DEFAULT_MAX_UPLOAD,
        due_events: None,
    };
    let threader = Threader::new(tracker, discord.clone(), settings);
    let first = threader.pass(WhoIsWho::default()).await.map_err(failed)?;
    report::print(&first)?;
    // Someone answers in the new thread; the next pass takes it to the ticket.
    let carol = domain::DiscordUserId::new(345_678_901_234_567_890).map_err(failed)?;
    let answered = discord.threads().first().and_then(|thread| {
        discord.member_says(
            thread.id,
            carol,
            "carol",
            "I can bring a ladder on Saturday.",
        )
    });
    let second = if answered.is_some() {
        let pass = threader.pass(WhoIsWho::default()).await.map_err(failed)?;
        report::print(&pass)?;
        Some(pass)
    } else {
        None
    };
    let mut out = String::new();
    for thread in discord.threads() {
        out.push_str(&format!("\nDiscord thread '{}':\n", thread.name));
        for message in discord.messages(thread.id) {
            let who = if message.author_is_bot {
                "netbot"
            } else {
                &message.author_name
            };
            for (n, line) in message.content.lines().enumerate() {
                let label = if n == 0 { who } else { "" };
                out.push_str(&format!("  {label:>7} | {line}\n"));
            }
        }
    }
    out.push_str(&format!("\nRedmine ticket #{ticket}'s notes:\n"));
    for (author, text) in redmine.notes(ticket) {
        for (n, line) in text.lines().enumerate() {
            let label = if n == 0 { author.as_str() } else { "" };
            out.push_str(&format!("  {label:>13} | {line}\n"));
        }
    }
    appkit::print(&out)?;
    report::outcome(&second.unwrap_or(first))
}
