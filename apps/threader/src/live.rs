//! `threader --every`: the long-running threader, listening on Discord's gateway and
//! passing every DURATION (ports::threader::live does the work; this wires it).

use std::sync::Arc;
use std::time::Duration;

use anyhow::anyhow;
use appkit::health::Health;
use appkit::{failed, Failure};
use discord::DiscordGateway;
use ports::threader::live::{self, Extras, LiveError, LiveSettings};
use ports::threader::{CancellationToken, WhoIsWho};
use redmine::RedmineDirectory;

use crate::setup::Setup;

/// How often what the threader knows (who is who, statuses) is read again: a new `/link`
/// takes effect within this long.
const REFRESH: Duration = Duration::from_secs(10 * 60);

/// The least time between two notification passes (and looks for new tickets to thread
/// automatically): their reads (the newest tickets, the channels' recent messages, the stale
/// tickets) are not repeated on every quick pass.
const NOTIFY_EVERY: Duration = Duration::from_secs(60);

/// Runs until `stop`.
///
/// # Errors
/// A failure when Discord refuses the connection (a bad token, an intent the bot may not use)
/// or `NETBOT_HEALTH_ADDR` cannot be served.
pub async fn run(setup: Setup, every: Duration, stop: CancellationToken) -> Result<(), Failure> {
    let health = Health::for_threader();
    appkit::health::serve(&health, stop.clone()).await?;
    let listener = DiscordGateway::new(&setup.token, setup.api_url.as_deref(), setup.guild);
    let directory = RedmineDirectory::new(&setup.tracker, setup.discord_field.as_str());
    let settings = LiveSettings {
        every,
        refresh: REFRESH,
        notify_every: NOTIFY_EVERY.max(every),
    };
    let threader = Arc::new(setup.threader);
    live::run(
        threader,
        listener,
        || WhoIsWho::from_directory(&directory),
        Extras {
            notify: setup.notify.as_ref(),
            auto_threads: setup.auto_threads.as_ref(),
        },
        Arc::new(health),
        settings,
        stop,
    )
    .await
    .map_err(|error| match error {
        LiveError::Chat(chat) => failed(anyhow!(
            "Discord refused the gateway connection: {}",
            ports::with_causes(&chat)
        )),
        other => failed(anyhow!(ports::with_causes(&other))),
    })
}
