//! The threader end to end: the real Redmine and Discord adapters against the stateful
//! fixture Redmine and fixture Discord, and the binary itself.

mod auto_threads;
mod cli;
mod contract;
mod contract_live;
mod due;
mod health;
mod live;
mod notify;
mod recycle;
mod sync;

use std::collections::BTreeMap;
use std::time::Duration;

use discord::{BotToken, DiscordChat, RateLimitPolicy};
use domain::sync::ThreadLink;
use domain::{ChannelId, GuildId};
use ports::threader::{PassReport, Threader, ThreaderSettings, WhoIsWho};
use redmine::{IssueFieldNames, Redmine, RedmineDirectory};
use testkit::discord::FakeDiscord;
use testkit::redmine::DemoRedmine;

/// The fixture guild.
pub const GUILD: u64 = 661_720_259_375_529_984;
/// Where threads are opened.
pub const CHANNEL: u64 = 661_720_259_379_724_293;
/// The bot's Discord user.
pub const BOT: u64 = 661_720_259_379_000_001;
/// alice's Discord id, linked in the fixture Redmine's "Discord ID" field.
pub const ALICE: u64 = 123_456_789_012_345_678;
/// Someone nobody linked.
pub const CAROL: u64 = 345_678_901_234_567_890;

/// A fixture Redmine (admin key) and a fixture Discord, and a threader between them.
pub struct World {
    /// The fixture Redmine.
    pub redmine: DemoRedmine,
    /// The fixture Discord.
    pub discord: FakeDiscord,
}

impl World {
    /// Both servers, fresh.
    pub async fn new() -> Self {
        Self {
            redmine: DemoRedmine::start_admin().await,
            discord: FakeDiscord::start(GUILD, BOT, &[CHANNEL]).await,
        }
    }

    /// The real Redmine adapter on the fixture, with the admin key.
    pub fn tracker(&self) -> Redmine {
        Redmine::new(redmine::RedmineConfig {
            url: self.redmine.url(),
            key: redmine::ApiKey::new(testkit::redmine::DEMO_ADMIN_KEY),
            act_as: None,
            timeout: Duration::from_secs(5),
        })
        .expect("a client")
        .with_issue_fields(IssueFieldNames {
            thread: Some(String::from("Discord thread")),
            state: Some(String::from("Discord sync")),
        })
    }

    /// The threader over the real adapters.
    pub fn threader(&self, dry_run: bool) -> Threader<Redmine, DiscordChat> {
        self.threader_over(dry_run, None)
    }

    /// The threader over the real adapters, for every ticket or `only` one.
    pub fn threader_over(
        &self,
        dry_run: bool,
        only: Option<domain::TicketId>,
    ) -> Threader<Redmine, DiscordChat> {
        let chat = DiscordChat::connect(&BotToken::new("test-token"), Some(&self.discord.uri()))
            .with_rate_limits(RateLimitPolicy {
                retries: 3,
                longest_wait: Duration::from_secs(2),
            });
        Threader::new(
            self.tracker(),
            chat,
            ThreaderSettings {
                guild: GuildId::new(GUILD).expect("guild"),
                channel: ChannelId::new(CHANNEL).expect("channel"),
                routes: BTreeMap::new(),
                dry_run,
                only,
                stop: ports::threader::CancellationToken::new(),
                max_upload: domain::limits::DEFAULT_MAX_UPLOAD,
                due_events: None,
            },
        )
    }

    /// One pass, as `threader` runs it.
    pub async fn pass(&self) -> PassReport {
        self.pass_over(None).await
    }

    /// One pass over one ticket, as `threader --ticket N` runs it.
    pub async fn pass_only(&self, ticket: u64) -> PassReport {
        self.pass_over(Some(ticket)).await
    }

    async fn pass_over(&self, only: Option<u64>) -> PassReport {
        let tracker = self.tracker();
        let people = WhoIsWho::from_directory(&RedmineDirectory::new(&tracker, "Discord ID"))
            .await
            .expect("who is who");
        let only = only.map(|only| domain::TicketId::new(only).expect("a ticket id"));
        self.threader_over(false, only)
            .pass(people)
            .await
            .expect("a pass")
    }

    /// The thread a ticket's field links to.
    pub fn thread_of(&self, ticket: u64) -> u64 {
        thread_in(&self.redmine.issue(ticket))
    }

    /// The texts of a thread's messages, oldest first.
    pub fn thread_texts(&self, thread: u64) -> Vec<String> {
        self.discord
            .messages(thread)
            .into_iter()
            .map(|message| message.content)
            .collect()
    }

    /// The notes of a ticket as text, oldest first.
    pub fn note_texts(&self, ticket: u64) -> Vec<String> {
        self.redmine
            .notes(ticket)
            .into_iter()
            .map(|(_, text)| text)
            .collect()
    }
}

/// The thread an issue's "Discord thread" field links to (Redmine's issue JSON).
pub fn thread_in(issue: &serde_json::Value) -> u64 {
    let value = issue["custom_fields"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|field| field["name"] == "Discord thread")
        .and_then(|field| field["value"].as_str())
        .unwrap_or_default()
        .to_owned();
    ThreadLink::parse(&value)
        .unwrap_or_else(|| panic!("issue {} has no thread link: {value:?}", issue["id"]))
        .thread
        .get()
}
