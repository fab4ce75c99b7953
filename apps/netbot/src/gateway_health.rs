//! `netbot run`'s health: the gateway's connection, as serenity tells it, reported to the
//! health endpoint (`NETBOT_HEALTH_ADDR`). The bot has no passes, so it is healthy while its
//! shard is connected.
//!
//! Two sources, because neither alone says every loss: serenity's events (ready, resumed, a
//! shard's stage changing) say it at once, but a shard restarted after a dropped connection,
//! and one that cannot reconnect, send none; the shard manager's list of runners, looked at
//! every second, says those too.

use std::sync::Arc;
use std::time::Duration;

use appkit::health::Health;
use poise::serenity_prelude as serenity;
use ports::vitals::Vitals as _;

/// How often the shard manager's runners are looked at.
const WATCH_EVERY: Duration = Duration::from_secs(1);

/// Reports the gateway's ready, resumed and stage events.
pub struct GatewayReporter {
    health: Health,
}

impl GatewayReporter {
    /// Reports to `health`.
    pub fn new(health: Health) -> Self {
        Self { health }
    }
}

#[serenity::async_trait]
impl serenity::EventHandler for GatewayReporter {
    async fn ready(&self, _: serenity::Context, _: serenity::Ready) {
        self.health.chat_connection(true, None);
    }

    async fn resume(&self, _: serenity::Context, _: serenity::ResumedEvent) {
        self.health.chat_connection(true, None);
    }

    async fn shard_stage_update(
        &self,
        _: serenity::Context,
        event: serenity::ShardStageUpdateEvent,
    ) {
        report(&self.health, Some(event.new));
    }
}

/// Looks at the shard manager's runners every second for as long as the process runs.
pub fn watch_shards(manager: Arc<serenity::ShardManager>, health: Health) {
    tokio::spawn(async move {
        let mut every = tokio::time::interval(WATCH_EVERY);
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut seen = None;
        loop {
            every.tick().await;
            // A copy under the lock, never held across an await. Before the first shard
            // starts there is nothing to say: the health already says it is connecting.
            let now = {
                let runners = manager.runners.lock().await;
                if runners.is_empty() && seen.is_none() {
                    continue;
                }
                (!runners.is_empty()).then(|| {
                    runners
                        .values()
                        .map(|runner| runner.stage)
                        .find(|stage| *stage != serenity::ConnectionStage::Connected)
                        .unwrap_or(serenity::ConnectionStage::Connected)
                })
            };
            if seen != Some(now) {
                seen = Some(now);
                report(&health, now);
            }
        }
    });
}

/// A stage reported: connected, or not with the stage as why; `None` is no shard running.
fn report(health: &Health, stage: Option<serenity::ConnectionStage>) {
    match stage {
        Some(serenity::ConnectionStage::Connected) => health.chat_connection(true, None),
        Some(stage) => health.chat_connection(false, Some(&format!("gateway {stage}"))),
        None => health.chat_connection(false, Some("no gateway shard running")),
    }
}

#[cfg(test)]
mod tests {
    use super::{report, serenity, Health};

    #[test]
    fn a_shard_stage_other_than_connected_is_a_lost_connection_naming_the_stage() {
        let health = Health::for_bot();
        report(&health, Some(serenity::ConnectionStage::Connected));
        assert_eq!(health.verdict(), Ok(()));

        report(&health, Some(serenity::ConnectionStage::Resuming));
        assert_eq!(
            health.verdict(),
            Err(String::from("chat: not connected (gateway resuming)"))
        );

        report(&health, None);
        assert_eq!(
            health.verdict(),
            Err(String::from(
                "chat: not connected (no gateway shard running)"
            ))
        );
    }
}
