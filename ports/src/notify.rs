//! The notifications' use case, run inside each threader pass: announce new tickets where a
//! person will act on them, and remind once of tickets gone stale. What was already sent is
//! read back from the bot's own recent messages (see `domain::notify`), so there is no local
//! state and nothing is sent twice across restarts or crashes.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};
use domain::notify::{
    announced, announcement, digest, digest_due, digest_sent, is_stale, new_tickets, reminded,
    reminder, route, DigestRule, NotifyRules, Ping,
};
use domain::sync::ThreadAsk;
use domain::{ChannelId, ChatMessage, DiscordUserId, StatusId, Ticket, TicketId};
use tracing::{info, warn};

use crate::chat::{Chat, ChatError};
use crate::tracker::{TicketFeed, TrackerError};

/// How many of the newest tickets a pass considers (one listing page).
const NEWEST: usize = 100;

/// The statuses whose tickets go stale, as status ids (a zero, which no tracker hands out,
/// names no status).
fn stale_statuses(rules: &NotifyRules) -> impl Iterator<Item = StatusId> + '_ {
    rules
        .stale
        .keys()
        .filter_map(|status| StatusId::new(*status).ok())
}

/// What one notification pass did (or, in a dry run, would do).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct NotifyReport {
    /// New tickets announced.
    pub announced: usize,
    /// Stale tickets reminded.
    pub reminded: usize,
    /// Notices that could not be sent, with why.
    pub failed: Vec<(TicketId, String)>,
    /// In a dry run: one line per notice that would be sent.
    pub planned: Vec<String>,
}

/// What stops the notifications before any notice is sent.
#[derive(Debug, thiserror::Error)]
pub enum NotifyError {
    /// The tracker could not be read.
    #[error("cannot list the tickets to notify about: {0}")]
    Tracker(#[from] TrackerError),
    /// A notification channel could not be read.
    #[error("cannot read the notification channels: {0}")]
    Chat(#[from] ChatError),
}

/// Announcements and reminders over a tracker and a chat.
#[derive(Debug)]
pub struct Notifier<'a, T, C> {
    tracker: &'a T,
    chat: &'a C,
    rules: &'a NotifyRules,
    dry_run: bool,
}

impl<'a, T: TicketFeed, C: Chat> Notifier<'a, T, C> {
    /// Notifications with these rules; a dry run sends nothing.
    pub fn new(tracker: &'a T, chat: &'a C, rules: &'a NotifyRules, dry_run: bool) -> Self {
        Self {
            tracker,
            chat,
            rules,
            dry_run,
        }
    }

    /// One pass: new tickets, then stale ones. `members` maps tracker user ids to their
    /// linked Discord members (for "ping the assignee").
    ///
    /// # Errors
    /// [`NotifyError`] when the newest tickets or the channels cannot be read; a notice that
    /// cannot be sent is reported in [`NotifyReport::failed`] instead.
    pub async fn pass(
        &self,
        now: DateTime<Utc>,
        members: &BTreeMap<u64, DiscordUserId>,
    ) -> Result<NotifyReport, NotifyError> {
        let mut report = NotifyReport::default();
        let mut recent: BTreeMap<ChannelId, Vec<ChatMessage>> = BTreeMap::new();
        self.announce(now, members, &mut recent, &mut report)
            .await?;
        self.remind(now, members, &mut recent, &mut report).await?;
        Ok(report)
    }

    async fn recent<'m>(
        &self,
        channel: ChannelId,
        cache: &'m mut BTreeMap<ChannelId, Vec<ChatMessage>>,
    ) -> Result<&'m [ChatMessage], ChatError> {
        if let std::collections::btree_map::Entry::Vacant(slot) = cache.entry(channel) {
            slot.insert(self.chat.recent_messages(channel, 100).await?);
        }
        Ok(cache.get(&channel).map_or(&[][..], Vec::as_slice))
    }

    async fn announce(
        &self,
        now: DateTime<Utc>,
        members: &BTreeMap<u64, DiscordUserId>,
        recent: &mut BTreeMap<ChannelId, Vec<ChatMessage>>,
        report: &mut NotifyReport,
    ) -> Result<(), NotifyError> {
        let newest = self.tracker.newest(NEWEST).await?;
        let Some(base) = newest.first().map(tracker_base) else {
            return Ok(());
        };
        let channels: BTreeSet<ChannelId> = std::iter::once(self.rules.intake)
            .chain(self.rules.routes.iter().map(|route| route.channel))
            .collect();
        let mut already = BTreeSet::new();
        for channel in channels {
            already.extend(announced(self.recent(channel, recent).await?, &base));
        }
        for ticket in new_tickets(&newest, &already, self.rules.window, now) {
            let notice = announcement(ticket, &route(ticket, self.rules), members);
            if self.dry_run {
                report.planned.push(format!(
                    "#{}: would announce in channel {}",
                    ticket.id, notice.channel
                ));
                report.announced += 1;
                continue;
            }
            match self
                .chat
                .post(notice.channel, &notice.text, &notice.mentions)
                .await
            {
                Ok(_) => {
                    info!(ticket = %ticket.id, channel = %notice.channel, "announced");
                    report.announced += 1;
                }
                Err(error) => {
                    warn!(ticket = %ticket.id, %error, "could not announce");
                    report.failed.push((ticket.id, error.to_string()));
                }
            }
        }
        Ok(())
    }

    async fn remind(
        &self,
        now: DateTime<Utc>,
        members: &BTreeMap<u64, DiscordUserId>,
        recent: &mut BTreeMap<ChannelId, Vec<ChatMessage>>,
        report: &mut NotifyReport,
    ) -> Result<(), NotifyError> {
        if let Some(rule) = &self.rules.digest {
            return self.digest(rule, now, members, recent, report).await;
        }
        for status in stale_statuses(self.rules) {
            let tickets = self.tracker.in_status(status).await?;
            for ticket in tickets
                .iter()
                .filter(|ticket| is_stale(ticket, self.rules, now))
            {
                let routing = route(ticket, self.rules);
                let target = match ThreadAsk::of(ticket.thread_field.as_deref()) {
                    ThreadAsk::Linked(link) => link.thread,
                    _ => routing.channel,
                };
                let messages = match self.recent(target, recent).await {
                    Ok(messages) => messages,
                    Err(error) => {
                        report.failed.push((ticket.id, error.to_string()));
                        continue;
                    }
                };
                if reminded(messages, ticket) {
                    continue;
                }
                let notice = reminder(ticket, target, routing.ping, members);
                if self.dry_run {
                    report
                        .planned
                        .push(format!("#{}: would remind in channel {target}", ticket.id));
                    report.reminded += 1;
                    continue;
                }
                match self.chat.post(target, &notice.text, &notice.mentions).await {
                    Ok(_) => {
                        info!(ticket = %ticket.id, channel = %target, "reminded");
                        report.reminded += 1;
                    }
                    Err(error) => {
                        warn!(ticket = %ticket.id, %error, "could not remind");
                        report.failed.push((ticket.id, error.to_string()));
                    }
                }
            }
        }
        Ok(())
    }
}

impl<T: TicketFeed, C: Chat> Notifier<'_, T, C> {
    /// The daily digest instead of single reminders: once the day's digest time has come,
    /// one message per channel listing its stale tickets (unless already sent that day).
    async fn digest(
        &self,
        rule: &DigestRule,
        now: DateTime<Utc>,
        members: &BTreeMap<u64, DiscordUserId>,
        recent: &mut BTreeMap<ChannelId, Vec<ChatMessage>>,
        report: &mut NotifyReport,
    ) -> Result<(), NotifyError> {
        let Some(day) = digest_due(rule, now) else {
            return Ok(());
        };
        let mut stale: Vec<Ticket> = Vec::new();
        for status in stale_statuses(self.rules) {
            stale.extend(
                self.tracker
                    .in_status(status)
                    .await?
                    .into_iter()
                    .filter(|ticket| is_stale(ticket, self.rules, now)),
            );
        }
        let mut by_channel: BTreeMap<ChannelId, Vec<(&Ticket, Ping)>> = BTreeMap::new();
        for ticket in &stale {
            let routing = route(ticket, self.rules);
            by_channel
                .entry(routing.channel)
                .or_default()
                .push((ticket, routing.ping));
        }
        for (channel, tickets) in by_channel {
            if digest_sent(self.recent(channel, recent).await?, day) {
                continue;
            }
            let notice = digest(channel, day, &tickets, members);
            if self.dry_run {
                report.planned.push(format!(
                    "would send the digest of {} stale tickets to channel {channel}",
                    tickets.len()
                ));
                report.reminded += tickets.len();
                continue;
            }
            match self
                .chat
                .post(channel, &notice.text, &notice.mentions)
                .await
            {
                Ok(_) => {
                    info!(%channel, tickets = tickets.len(), "digest sent");
                    report.reminded += tickets.len();
                }
                Err(error) => {
                    warn!(%channel, %error, "could not send the digest");
                    if let Some((ticket, _)) = tickets.first() {
                        report.failed.push((ticket.id, error.to_string()));
                    }
                }
            }
        }
        Ok(())
    }
}

/// The tracker's base address, from a ticket's (`BASE/issues/42`).
fn tracker_base(ticket: &Ticket) -> String {
    ticket
        .url
        .rsplit_once("/issues/")
        .map_or_else(|| ticket.url.clone(), |(base, _)| base.to_owned())
}
