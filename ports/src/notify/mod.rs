//! The notifications' use case, run inside each threader pass: announce new tickets where a
//! person will act on them, hand tickets idle for long back to their team (`recycle.rs`), and
//! remind once of tickets gone stale. What was already sent is
//! read back from the bot's own recent messages (see `domain::notify`), so there is no local
//! state and nothing is sent twice across restarts or crashes.

mod recycle;
#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};
use domain::notify::{
    announced, announcement, digest, digest_due, digest_sent, is_stale, new_tickets, reminded,
    reminder, route, DigestRule, NotifyRules, Ping,
};
use domain::sync::ThreadAsk;
use domain::{ChannelId, ChatMessage, DiscordUserId, Mentions, StatusId, Ticket, TicketId, UserId};
use tracing::{info, warn};

use crate::chat::{Chat, ChatError};
use crate::tracker::{TicketFeed, Tickets, TrackerError};

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
    /// Idle tickets handed back to their team (`[notify.recycle]`).
    pub recycled: usize,
    /// Notices that could not be sent, with why.
    pub failed: Vec<(TicketId, String)>,
    /// In a dry run: one line per notice that would be sent.
    pub planned: Vec<String>,
}

/// What stops the notifications before any notice is sent. The cause is the source, not
/// part of the message, so a chain of causes says it once.
#[derive(Debug, thiserror::Error)]
pub enum NotifyError {
    /// The tracker could not be read.
    #[error("cannot list the tickets to notify about")]
    Tracker(#[from] TrackerError),
    /// A notification channel could not be read.
    #[error("cannot read the notification channels")]
    Chat(#[from] ChatError),
}

/// What a notice is, for the report and the log.
#[derive(Debug, Clone, Copy)]
enum Kind {
    /// A new ticket's announcement.
    Announcement(TicketId),
    /// A stale ticket's reminder.
    Reminder(TicketId),
    /// A channel's daily digest of `count` stale tickets, `first` the first of them.
    Digest { first: TicketId, count: usize },
}

impl Kind {
    /// The ticket a failure is reported against.
    fn ticket(self) -> TicketId {
        match self {
            Self::Announcement(ticket) | Self::Reminder(ticket) => ticket,
            Self::Digest { first, .. } => first,
        }
    }

    /// A dry run's line.
    fn planned(self, channel: ChannelId) -> String {
        match self {
            Self::Announcement(ticket) => format!("#{ticket}: would announce in channel {channel}"),
            Self::Reminder(ticket) => format!("#{ticket}: would remind in channel {channel}"),
            Self::Digest { count, .. } => {
                format!("would send the digest of {count} stale tickets to channel {channel}")
            }
        }
    }

    /// Counts the notice as sent.
    fn count(self, report: &mut NotifyReport) {
        match self {
            Self::Announcement(_) => report.announced += 1,
            Self::Reminder(_) => report.reminded += 1,
            Self::Digest { count, .. } => report.reminded += count,
        }
    }

    /// What was done, for the log.
    fn done(self) -> &'static str {
        match self {
            Self::Announcement(_) => "announced",
            Self::Reminder(_) => "reminded",
            Self::Digest { .. } => "digest sent",
        }
    }

    /// What could not be done, for the log.
    fn not_done(self) -> &'static str {
        match self {
            Self::Announcement(_) => "could not announce",
            Self::Reminder(_) => "could not remind",
            Self::Digest { .. } => "could not send the digest",
        }
    }
}

/// Announcements and reminders over a tracker and a chat.
#[derive(Debug)]
pub struct Notifier<'a, T, C> {
    tracker: &'a T,
    chat: &'a C,
    rules: &'a NotifyRules,
    dry_run: bool,
}

impl<'a, T: TicketFeed + Tickets, C: Chat> Notifier<'a, T, C> {
    /// Notifications with these rules; a dry run sends nothing.
    pub fn new(tracker: &'a T, chat: &'a C, rules: &'a NotifyRules, dry_run: bool) -> Self {
        Self {
            tracker,
            chat,
            rules,
            dry_run,
        }
    }

    /// One pass: new tickets, then idle ones handed back, then stale ones. `members` maps tracker user ids to their
    /// linked Discord members (for "ping the assignee").
    ///
    /// # Errors
    /// [`NotifyError`] when the newest tickets or the channels cannot be read; a notice that
    /// cannot be sent is reported in [`NotifyReport::failed`] instead.
    pub async fn pass(
        &self,
        now: DateTime<Utc>,
        members: &BTreeMap<UserId, DiscordUserId>,
    ) -> Result<NotifyReport, NotifyError> {
        let mut report = NotifyReport::default();
        let mut recent: BTreeMap<ChannelId, Vec<ChatMessage>> = BTreeMap::new();
        self.announce(now, members, &mut recent, &mut report)
            .await?;
        if let Some(rule) = &self.rules.recycle {
            self.recycle(rule, now, &mut report).await?;
        }
        self.remind(now, members, &mut recent, &mut report).await?;
        Ok(report)
    }

    /// Sends one notice (a dry run only records it) and reports it: a notice that cannot
    /// be sent is a failure of its ticket, not of the pass.
    async fn send(
        &self,
        kind: Kind,
        channel: ChannelId,
        text: &str,
        mentions: &Mentions,
        report: &mut NotifyReport,
    ) {
        if self.dry_run {
            report.planned.push(kind.planned(channel));
        } else if let Err(error) = self.chat.post(channel, text, mentions).await {
            let error = crate::with_causes(&error);
            warn!(ticket = %kind.ticket(), %channel, %error, "{}", kind.not_done());
            report.failed.push((kind.ticket(), error));
            return;
        } else {
            info!(ticket = %kind.ticket(), %channel, "{}", kind.done());
        }
        kind.count(report);
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
        members: &BTreeMap<UserId, DiscordUserId>,
        recent: &mut BTreeMap<ChannelId, Vec<ChatMessage>>,
        report: &mut NotifyReport,
    ) -> Result<(), NotifyError> {
        let newest = self.tracker.newest(NEWEST).await?;
        if newest.is_empty() {
            return Ok(());
        }
        let links = self.tracker.ticket_links();
        let channels: BTreeSet<ChannelId> = std::iter::once(self.rules.intake)
            .chain(self.rules.routes.iter().map(|route| route.channel))
            .collect();
        let mut already = BTreeSet::new();
        for channel in channels {
            already.extend(announced(self.recent(channel, recent).await?, &links));
        }
        for ticket in new_tickets(&newest, &already, self.rules.window, now) {
            let notice = announcement(ticket, &route(ticket, self.rules), members);
            let kind = Kind::Announcement(ticket.id);
            self.send(kind, notice.channel, &notice.text, &notice.mentions, report)
                .await;
        }
        Ok(())
    }

    async fn remind(
        &self,
        now: DateTime<Utc>,
        members: &BTreeMap<UserId, DiscordUserId>,
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
                        report.failed.push((ticket.id, crate::with_causes(&error)));
                        continue;
                    }
                };
                if reminded(messages, ticket) {
                    continue;
                }
                let notice = reminder(ticket, target, routing.ping, members);
                let kind = Kind::Reminder(ticket.id);
                self.send(kind, target, &notice.text, &notice.mentions, report)
                    .await;
            }
        }
        Ok(())
    }
}

impl<T: TicketFeed + Tickets, C: Chat> Notifier<'_, T, C> {
    /// The daily digest instead of single reminders: once the day's digest time has come,
    /// one message per channel listing its stale tickets (unless already sent that day).
    async fn digest(
        &self,
        rule: &DigestRule,
        now: DateTime<Utc>,
        members: &BTreeMap<UserId, DiscordUserId>,
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
            let Some((first, _)) = tickets.first() else {
                continue;
            };
            if digest_sent(self.recent(channel, recent).await?, day) {
                continue;
            }
            let notice = digest(channel, day, &tickets, members);
            let kind = Kind::Digest {
                first: first.id,
                count: tickets.len(),
            };
            self.send(kind, channel, &notice.text, &notice.mentions, report)
                .await;
        }
        Ok(())
    }
}
