//! Notifications decided as values: where a new ticket is announced and whom it may ping,
//! which tickets are new since the last pass, and which have gone stale.
//!
//! No local state: what was already announced or reminded is read back from the bot's own
//! recent messages, which carry the ticket's link (and, for a reminder, the ticket's last
//! update as a Discord timestamp). Sending is the record, so a crash between sending and
//! recording cannot happen.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, NaiveDate, NaiveTime, TimeDelta, Utc};
use chrono_tz::Tz;

use crate::chat::message::{ChatMessage, Mentions};
use crate::ids::{ChannelId, DiscordUserId, ProjectId, RoleId, UserId};
use crate::people::Principal;
use crate::render::discord::{escape, link};
use crate::ticket::{Ticket, TicketId};
use crate::tracker_links::TicketLinks;

mod recycle;

pub use recycle::{recycle, Recycle, RecycleRule};

/// Whom a route pings when it announces or reminds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ping {
    /// Nobody.
    Nobody,
    /// The assignee's linked Discord member (nobody for a team or an unlinked person).
    Assignee,
    /// A Discord role.
    Role(RoleId),
}

/// One `[[notify.route]]`, resolved: names checked and turned into what tickets carry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    /// The project's tracker id.
    pub project: Option<ProjectId>,
    /// The tracker's name (Bug, Feature, …).
    pub tracker: Option<String>,
    /// The category's name.
    pub category: Option<String>,
    /// The assignee's (user or team) tracker id.
    pub assignee: Option<UserId>,
    /// Where its tickets are announced.
    pub channel: ChannelId,
    /// Whom it pings.
    pub ping: Ping,
    /// The team its idle tickets are handed back to (`[notify.recycle]`); none: left alone.
    pub team: Option<crate::people::Team>,
}

impl Route {
    fn matches(&self, ticket: &Ticket) -> bool {
        let same = |wanted: &Option<String>, have: Option<&str>| {
            wanted.as_deref().is_none_or(|wanted| {
                have.is_some_and(|have| have.trim().eq_ignore_ascii_case(wanted.trim()))
            })
        };
        self.project
            .is_none_or(|project| ticket.project.id == project)
            && same(&self.tracker, Some(&ticket.tracker.name))
            && same(
                &self.category,
                ticket
                    .category
                    .as_ref()
                    .map(|category| category.name.as_str()),
            )
            && self.assignee.is_none_or(|assignee| {
                ticket
                    .assigned_to
                    .as_ref()
                    .is_some_and(|who| who.id() == assignee)
            })
    }
}

/// What the notifications are configured to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotifyRules {
    /// Tickets no route takes, or nobody is assigned to.
    pub intake: ChannelId,
    /// The first pass ever announces nothing older than this.
    pub window: TimeDelta,
    /// First match wins.
    pub routes: Vec<Route>,
    /// Status id → idle time before one reminder.
    pub stale: BTreeMap<u64, TimeDelta>,
    /// A daily digest of the stale tickets per channel instead of single reminders.
    pub digest: Option<DigestRule>,
    /// Idle tickets handed back to their route's team; off when `None`.
    pub recycle: Option<RecycleRule>,
}

/// When the daily digest goes out: from this local time on, once per local day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DigestRule {
    /// The local time of day.
    pub at: NaiveTime,
    /// The time zone it is read in.
    pub zone: Tz,
}

/// Why a digest setting cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DigestRuleError {
    /// The time is not `HH:MM`.
    #[error("notify.digest_at must be a time such as \"10:00\", not '{0}'")]
    Time(String),
    /// The zone is not a known time zone.
    #[error("notify.time_zone must be a time zone such as \"Europe/Zurich\", not '{0}'")]
    Zone(String),
}

impl DigestRule {
    /// Reads `digest_at = "HH:MM"` and `time_zone = "Area/City"` (default UTC).
    ///
    /// # Errors
    /// [`DigestRuleError`] naming the key and the value.
    pub fn parse(at: &str, zone: Option<&str>) -> Result<Self, DigestRuleError> {
        let time = NaiveTime::parse_from_str(at.trim(), "%H:%M")
            .map_err(|_| DigestRuleError::Time(at.to_owned()))?;
        Ok(Self {
            at: time,
            zone: parse_zone(zone)?,
        })
    }
}

/// `[notify] time_zone`: the zone dates and times are read in (the digest's hour, due dates
/// and their events' 09:00); UTC when unset.
///
/// # Errors
/// [`DigestRuleError::Zone`] naming what is not an IANA zone name.
pub fn parse_zone(zone: Option<&str>) -> Result<Tz, DigestRuleError> {
    match zone {
        None => Ok(Tz::UTC),
        Some(name) => name
            .trim()
            .parse::<Tz>()
            .map_err(|_| DigestRuleError::Zone(name.to_owned())),
    }
}

/// The local day whose digest is due at `now`, or `None` before the day's digest time.
#[must_use]
pub fn digest_due(rule: &DigestRule, now: DateTime<Utc>) -> Option<NaiveDate> {
    let local = now.with_timezone(&rule.zone);
    (local.time() >= rule.at).then(|| local.date_naive())
}

/// The first mark of a digest, by which the next pass finds the day's digest.
fn digest_mark(day: NaiveDate) -> String {
    format!("🗓 Stale tickets, {}", day.format("%Y-%m-%d"))
}

/// The day's digest for one channel: every stale ticket routed there, oldest update first,
/// pinging the union of what their routes ask for (and nothing else).
#[must_use]
pub fn digest(
    channel: ChannelId,
    day: NaiveDate,
    tickets: &[(&Ticket, Ping)],
    members: &BTreeMap<UserId, DiscordUserId>,
) -> DigestNotice {
    let mut mentions = Mentions::none();
    let mut lines = Vec::new();
    let mut sorted: Vec<&(&Ticket, Ping)> = tickets.iter().collect();
    sorted.sort_by_key(|(ticket, _)| (ticket.updated_on, ticket.id));
    for (ticket, ping) in sorted {
        let (_, wanted) = mention(*ping, ticket, members);
        for user in wanted.users {
            if !mentions.users.contains(&user) {
                mentions.users.push(user);
            }
        }
        for role in wanted.roles {
            if !mentions.roles.contains(&role) {
                mentions.roles.push(role);
            }
        }
        let who = ticket
            .assigned_to
            .as_ref()
            .map_or_else(|| String::from("nobody"), |who| escape(who.name()));
        lines.push(format!(
            "- **{}** {} · {} since {} · {who}",
            link(&format!("#{}", ticket.id), &ticket.url),
            escape(&ticket.subject),
            escape(&ticket.status.name),
            spell_marker(ticket),
        ));
    }
    let pings: String = mentions
        .users
        .iter()
        .map(|user| format!("<@{user}> "))
        .chain(mentions.roles.iter().map(|role| format!("<@&{role}> ")))
        .collect();
    DigestNotice {
        channel,
        text: format!(
            "{} {}\n{}",
            digest_mark(day),
            pings.trim_end(),
            lines.join("\n")
        )
        .replace(" \n", "\n"),
        mentions,
    }
}

/// A day's digest for one channel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DigestNotice {
    /// Where it goes.
    pub channel: ChannelId,
    /// Its text (split at lines by the chat when long).
    pub text: String,
    /// Exactly the ids it may ping.
    pub mentions: Mentions,
}

/// Whether the bot already sent the day's digest among `messages`.
#[must_use]
pub fn digest_sent(messages: &[ChatMessage], day: NaiveDate) -> bool {
    let mark = digest_mark(day);
    messages
        .iter()
        .any(|message| message.author_is_bot && message.content.starts_with(&mark))
}

/// Where one ticket goes, and who is pinged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Routing {
    /// The channel.
    pub channel: ChannelId,
    /// The route that took it; `None` for the intake.
    pub route: Option<usize>,
    /// The ping the route asks for.
    pub ping: Ping,
}

/// Routes a ticket: the first matching route, or the intake when none matches or nobody is
/// assigned.
#[must_use]
pub fn route(ticket: &Ticket, rules: &NotifyRules) -> Routing {
    if ticket.assigned_to.is_some() {
        if let Some((index, found)) = rules
            .routes
            .iter()
            .enumerate()
            .find(|(_, route)| route.matches(ticket))
        {
            return Routing {
                channel: found.channel,
                route: Some(index),
                ping: found.ping,
            };
        }
    }
    Routing {
        channel: rules.intake,
        route: None,
        ping: Ping::Nobody,
    }
}

/// The one id a message may ping, and the mention text that goes with it.
fn mention(
    ping: Ping,
    ticket: &Ticket,
    members: &BTreeMap<UserId, DiscordUserId>,
) -> (String, Mentions) {
    match ping {
        Ping::Nobody => (String::new(), Mentions::none()),
        Ping::Role(role) => (
            format!("<@&{role}> "),
            Mentions {
                users: Vec::new(),
                roles: vec![role],
            },
        ),
        Ping::Assignee => match ticket.assigned_to.as_ref().and_then(|who| match who {
            Principal::User(user) => members.get(&user.id),
            Principal::Team(_) => None,
        }) {
            Some(member) => (
                format!("<@{member}> "),
                Mentions {
                    users: vec![*member],
                    roles: Vec::new(),
                },
            ),
            None => (String::new(), Mentions::none()),
        },
    }
}

/// A message to send: where, what, and the only ids it may ping.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    /// The ticket it is about.
    pub ticket: TicketId,
    /// Where it goes.
    pub channel: ChannelId,
    /// Its text.
    pub text: String,
    /// Exactly the ids it may ping (at most one).
    pub mentions: Mentions,
}

/// The first mark of an announcement, by which the next pass finds it.
const ANNOUNCED: &str = "📥 New ticket";

/// The ticket's link as every notice writes it: `(<URL>)`.
fn link_marker(ticket: &Ticket) -> String {
    format!("(<{}>)", ticket.url)
}

/// The announcement of a new ticket.
#[must_use]
pub fn announcement(
    ticket: &Ticket,
    routing: &Routing,
    members: &BTreeMap<UserId, DiscordUserId>,
) -> Notice {
    let (ping, mentions) = mention(routing.ping, ticket, members);
    let to = match (&ticket.assigned_to, routing.route) {
        (Some(who), Some(_)) => format!("for {}", escape(who.name())),
        (Some(who), None) => format!("for {} (no route matches)", escape(who.name())),
        (None, _) => String::from("needs a person to route it"),
    };
    let text = format!(
        "{ping}{ANNOUNCED} **{}** {} ({}, {}) · {to}",
        link(&format!("#{}", ticket.id), &ticket.url),
        escape(&ticket.subject),
        escape(&ticket.tracker.name),
        escape(&ticket.priority.name),
    );
    Notice {
        ticket: ticket.id,
        channel: routing.channel,
        text,
        mentions,
    }
}

/// The tickets the bot has announced among `messages`: its own messages that begin (after the
/// route's one ping, if any) with the mark and the ticket's link, `📥 New ticket
/// **[#N](<TICKET_PAGE>)**`. Anchored at the start, so a reminder or a thread message whose
/// ticket subject contains the mark is no announcement.
#[must_use]
pub fn announced(messages: &[ChatMessage], links: &TicketLinks) -> BTreeSet<TicketId> {
    messages
        .iter()
        .filter(|message| message.author_is_bot)
        .filter_map(|message| announced_ticket(&message.content, links))
        .collect()
}

/// The ticket one announcement is about, if `content` is one.
fn announced_ticket(content: &str, links: &TicketLinks) -> Option<TicketId> {
    let rest = without_ping(content)
        .strip_prefix(ANNOUNCED)?
        .strip_prefix(" **[#")?;
    let digits = &rest[..rest.find(|c: char| !c.is_ascii_digit())?];
    let id = TicketId::parse(digits).ok()?;
    rest[digits.len()..]
        .starts_with(&format!("](<{}>)**", links.ticket(id)))
        .then_some(id)
}

/// `content` without the leading `<@ID> ` or `<@&ID> ` that a route's ping puts first.
fn without_ping(content: &str) -> &str {
    let Some(inner) = content.strip_prefix("<@") else {
        return content;
    };
    let inner = inner.strip_prefix('&').unwrap_or(inner);
    let digits = inner.find(|c: char| !c.is_ascii_digit()).unwrap_or(0);
    match inner[digits..].strip_prefix("> ") {
        Some(rest) if digits > 0 => rest,
        _ => content,
    }
}

/// The new tickets to announce, oldest first: among the newest tickets, those not yet
/// announced that are newer than the newest one announced, or (whatever their number)
/// created within the window. The first pass ever (nothing announced yet) takes only the
/// window: no flood.
#[must_use]
pub fn new_tickets<'a>(
    newest: &'a [Ticket],
    already: &BTreeSet<TicketId>,
    window: TimeDelta,
    now: DateTime<Utc>,
) -> Vec<&'a Ticket> {
    let high_water = already.iter().max().copied();
    let mut picked: Vec<&Ticket> = newest
        .iter()
        .filter(|ticket| !already.contains(&ticket.id))
        .filter(|ticket| {
            high_water.is_some_and(|mark| ticket.id > mark) || now - ticket.created_on <= window
        })
        .collect();
    picked.sort_by_key(|ticket| ticket.id);
    picked
}

/// The reminder for a ticket idle in its status longer than allowed: it names the last update
/// as a Discord timestamp, which is also how the next pass knows it was sent for this idle
/// spell (a new update makes a new spell).
#[must_use]
pub fn reminder(
    ticket: &Ticket,
    channel: ChannelId,
    ping: Ping,
    members: &BTreeMap<UserId, DiscordUserId>,
) -> Notice {
    let (ping, mentions) = mention(ping, ticket, members);
    let text = format!(
        "{ping}⏰ **{}** {} has been {} with no update since {}.",
        link(&format!("#{}", ticket.id), &ticket.url),
        escape(&ticket.subject),
        escape(&ticket.status.name),
        spell_marker(ticket),
    );
    Notice {
        ticket: ticket.id,
        channel,
        text,
        mentions,
    }
}

/// `<t:UNIX:R>`: Discord shows it as "3 days ago"; unique to the ticket's last update.
fn spell_marker(ticket: &Ticket) -> String {
    format!("<t:{}:R>", ticket.updated_on.timestamp())
}

/// Whether the bot already reminded this idle spell of the ticket among `messages`.
#[must_use]
pub fn reminded(messages: &[ChatMessage], ticket: &Ticket) -> bool {
    let link = link_marker(ticket);
    let spell = spell_marker(ticket);
    messages.iter().any(|message| {
        message.author_is_bot && message.content.contains(&link) && message.content.contains(&spell)
    })
}

/// Whether a ticket has been idle in its status longer than its threshold.
#[must_use]
pub fn is_stale(ticket: &Ticket, rules: &NotifyRules, now: DateTime<Utc>) -> bool {
    idle_too_long(ticket, &rules.stale, now)
}

/// The stale rule itself, for whoever holds `[notify.stale]` by status id (the notifier, and
/// a team's status): idle in its status longer than the status allows. A status without a
/// threshold never goes stale.
#[must_use]
pub fn idle_too_long(
    ticket: &Ticket,
    stale: &BTreeMap<u64, TimeDelta>,
    now: DateTime<Utc>,
) -> bool {
    stale
        .get(&ticket.status.id)
        .is_some_and(|idle| now - ticket.updated_on > *idle)
}
