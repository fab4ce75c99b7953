//! What the threader's benchmarks share: the fixture ids, the setup's in-process pass, and
//! how a request the fixture Redmine received is counted by kind.

use std::collections::BTreeMap;
use std::time::Duration;

use anyhow::{Context as _, Result};
use discord::{BotToken, DiscordChat};
use domain::sync::ThreadLink;
use domain::{ChannelId, GuildId};
use ports::threader::{Threader, ThreaderSettings, WhoIsWho};
use redmine::{IssueFieldNames, Redmine, RedmineDirectory};
use testkit::discord::FakeDiscord;
use testkit::redmine::{DemoRedmine, DEMO_ADMIN_KEY};

pub const GUILD: u64 = 661_720_259_375_529_984;
pub const CHANNEL: u64 = 661_720_259_379_724_293;
pub const BOT: u64 = 661_720_259_379_000_001;
/// alice's Discord id, linked in the fixture Redmine's "Discord ID" field.
pub const ALICE: u64 = 123_456_789_012_345_678;

/// A pass in this process, through the real adapters (the setup's thread opening).
pub async fn in_process_pass(
    redmine: &DemoRedmine,
    discord: &FakeDiscord,
) -> Result<ports::threader::PassReport> {
    let tracker = Redmine::new(redmine::RedmineConfig {
        url: redmine.url(),
        key: redmine::ApiKey::new(DEMO_ADMIN_KEY),
        act_as: None,
        timeout: Duration::from_secs(30),
    })?
    .with_issue_fields(IssueFieldNames {
        thread: Some(String::from("Discord thread")),
        state: Some(String::from("Discord sync")),
    });
    let people = WhoIsWho::from_directory(&RedmineDirectory::new(&tracker, "Discord ID")).await?;
    let chat = DiscordChat::connect(&BotToken::new("bench-token"), Some(&discord.uri()));
    let threader = Threader::new(
        tracker,
        chat,
        ThreaderSettings {
            guild: GuildId::new(GUILD)?,
            channel: ChannelId::new(CHANNEL)?,
            routes: BTreeMap::new(),
            dry_run: false,
            only: None,
            stop: ports::threader::CancellationToken::new(),
            max_upload: domain::limits::DEFAULT_MAX_UPLOAD,
            due_events: None,
        },
    );
    Ok(threader.pass(people).await?)
}

/// The thread a ticket's field links to.
pub fn thread_of(redmine: &DemoRedmine, ticket: u64) -> Result<u64> {
    let issue = redmine.issue(ticket);
    let value = issue["custom_fields"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|field| field["name"] == "Discord thread")
        .and_then(|field| field["value"].as_str())
        .unwrap_or_default();
    ThreadLink::parse(value)
        .map(|link| link.thread.get())
        .with_context(|| format!("ticket {ticket} has no thread link: {value:?}"))
}

/// A Redmine request line (see `testkit::requests::describe`) as its kind.
pub fn redmine_kind(line: &str) -> String {
    let mut parts = line.splitn(2, ' ');
    let method = parts.next().unwrap_or_default();
    let rest = parts.next().unwrap_or_default();
    let path = rest.split([' ', '?']).next().unwrap_or_default();
    let mut kind = format!("{method} {}", generic_path(path));
    if path == "/issues.json" {
        if rest.contains("last_updated_by=!me") {
            kind.push_str(" (changed by others)");
        } else if rest.contains("cf_") {
            kind.push_str(" (all threaded)");
        }
    }
    if method == "PUT" {
        if rest.contains("\"notes\"") {
            kind.push_str(" (note)");
        } else if rest.contains("custom_fields") {
            kind.push_str(" (sync fields)");
        }
    }
    if rest.contains("[as ") {
        kind.push_str(" [as a member]");
    }
    kind
}

/// A path with its numeric segments as `N`.
pub fn generic_path(path: &str) -> String {
    path.split('/')
        .map(|segment| {
            let stem = segment.strip_suffix(".json").unwrap_or(segment);
            if !stem.is_empty() && stem.chars().all(|c| c.is_ascii_digit()) {
                if segment.ends_with(".json") {
                    "N.json"
                } else {
                    "N"
                }
            } else {
                segment
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}
