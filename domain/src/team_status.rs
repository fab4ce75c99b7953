//! A team's status (`/status [team]`, `tickets --status [TEAM]`): its open tickets sorted
//! into four buckets (high priority, normal, low, and stale) and worded for Discord (one
//! message, cut with "and N more"), a terminal or JSON.
//!
//! Stale is the notifier's rule ([`crate::notify::idle_too_long`], `[notify.stale]`): a
//! stale ticket is listed under stale only, whatever its priority.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use chrono::{DateTime, TimeDelta, Utc};
use serde::Serialize;

use crate::limits::MESSAGE_LIMIT;
use crate::notify::idle_too_long;
use crate::render::discord::{escape, ticket_line};
use crate::render::text::{ticket_table, Colour};
use crate::ticket::{Named, Ticket};

/// The priority that splits high from low when the tracker has one by this name (Redmine's
/// default priorities: Low, Normal, High, Urgent, Immediate).
pub const NORMAL_PRIORITY: &str = "Normal";

/// One of the four buckets, in the order they are shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Bucket {
    /// Priorities above the normal one.
    High,
    /// The normal priority, or one the tracker does not list.
    Normal,
    /// Priorities below the normal one.
    Low,
    /// Idle in its status longer than `[notify.stale]` allows.
    Stale,
}

impl Bucket {
    /// Every bucket, in the order shown.
    pub const ALL: [Self; 4] = [Self::High, Self::Normal, Self::Low, Self::Stale];

    /// Its heading.
    #[must_use]
    pub fn title(self) -> &'static str {
        match self {
            Self::High => "High priority",
            Self::Normal => "Normal",
            Self::Low => "Low",
            Self::Stale => "Stale",
        }
    }

    /// Its key in the JSON output and its word in the counts.
    #[must_use]
    pub fn key(self) -> &'static str {
        match self {
            Self::High => "high",
            Self::Normal => "normal",
            Self::Low => "low",
            Self::Stale => "stale",
        }
    }
}

/// A team's (or everyone's) open tickets, bucketed, each bucket oldest first: the priority
/// buckets by creation, the stale one by last update (the longest idle first).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TeamStatus {
    /// The team's name; `None` for every open ticket.
    pub team: Option<String>,
    /// The tickets of each bucket, in [`Bucket::ALL`]'s order.
    pub buckets: [Vec<Ticket>; 4],
}

impl TeamStatus {
    /// The tickets of one bucket.
    #[must_use]
    pub fn bucket(&self, bucket: Bucket) -> &[Ticket] {
        &self.buckets[bucket as usize]
    }

    /// How many tickets in all.
    #[must_use]
    pub fn total(&self) -> usize {
        self.buckets.iter().map(Vec::len).sum()
    }
}

/// Which priority bucket a priority id falls in: `priorities` are the tracker's, lowest
/// first; the one named [`NORMAL_PRIORITY`] (or, without one, the middle one) is normal.
#[must_use]
pub fn priority_bucket(priorities: &[Named], priority: u64) -> Bucket {
    let Some(position) = priorities.iter().position(|known| known.id == priority) else {
        return Bucket::Normal;
    };
    let normal = priorities
        .iter()
        .position(|known| known.name.trim().eq_ignore_ascii_case(NORMAL_PRIORITY))
        .unwrap_or((priorities.len().saturating_sub(1)) / 2);
    match position.cmp(&normal) {
        std::cmp::Ordering::Greater => Bucket::High,
        std::cmp::Ordering::Equal => Bucket::Normal,
        std::cmp::Ordering::Less => Bucket::Low,
    }
}

/// Sorts open tickets into the buckets. `stale` is `[notify.stale]` by status id.
#[must_use]
pub fn team_status(
    team: Option<&str>,
    tickets: Vec<Ticket>,
    priorities: &[Named],
    stale: &BTreeMap<u64, TimeDelta>,
    now: DateTime<Utc>,
) -> TeamStatus {
    let mut buckets: [Vec<Ticket>; 4] = Default::default();
    for ticket in tickets {
        let bucket = if idle_too_long(&ticket, stale, now) {
            Bucket::Stale
        } else {
            priority_bucket(priorities, ticket.priority.id)
        };
        buckets[bucket as usize].push(ticket);
    }
    for (bucket, tickets) in Bucket::ALL.iter().zip(buckets.iter_mut()) {
        if *bucket == Bucket::Stale {
            tickets.sort_by_key(|ticket| (ticket.updated_on, ticket.id));
        } else {
            tickets.sort_by_key(|ticket| (ticket.created_on, ticket.id));
        }
    }
    TeamStatus {
        team: team.map(str::to_owned),
        buckets,
    }
}

/// The first line: whose tickets, how many, and each bucket's count.
fn counts(status: &TeamStatus, name: &str) -> String {
    let each: Vec<String> = Bucket::ALL
        .iter()
        .map(|bucket| format!("{} {}", status.bucket(*bucket).len(), bucket.key()))
        .collect();
    format!("{name}: {} open · {}", status.total(), each.join(" · "))
}

/// The status as one Discord message of at most [`MESSAGE_LIMIT`] characters: the counts,
/// then each bucket's heading and lines; when it does not fit, the lines that do, then "and N
/// more" (N the tickets not shown). Headings of buckets with nothing shown are left out.
#[must_use]
pub fn discord_message(status: &TeamStatus, now: DateTime<Utc>) -> String {
    discord_message_within(status, now, MESSAGE_LIMIT)
}

/// [`discord_message`] within `limit` characters (a parameter so that tests can cut short).
#[must_use]
pub fn discord_message_within(status: &TeamStatus, now: DateTime<Utc>, limit: usize) -> String {
    let name = status.team.as_deref().map_or_else(
        || String::from("**All open tickets**"),
        |team| format!("**{}**", escape(team)),
    );
    let mut out = counts(status, &name);
    if status.total() == 0 {
        return out;
    }
    let mut left = status.total();
    for bucket in Bucket::ALL {
        let tickets = status.bucket(bucket);
        if tickets.is_empty() {
            continue;
        }
        let heading = format!("\n__{} ({})__", bucket.title(), tickets.len());
        for (index, ticket) in tickets.iter().enumerate() {
            let line = format!("\n- {}", bucket_line(bucket, ticket, now));
            let heading = if index == 0 { heading.as_str() } else { "" };
            let after = left - 1;
            let tail = if after == 0 {
                String::new()
            } else {
                format!("\nand {after} more")
            };
            let needed = out.chars().count()
                + heading.chars().count()
                + line.chars().count()
                + tail.chars().count();
            if needed > limit {
                let _ = write!(out, "\nand {left} more");
                return out;
            }
            out.push_str(heading);
            out.push_str(&line);
            left = after;
        }
    }
    out
}

/// One ticket's line: the bot's ticket line, and for a stale one since when it is idle.
fn bucket_line(bucket: Bucket, ticket: &Ticket, now: DateTime<Utc>) -> String {
    let line = ticket_line(ticket, now);
    if bucket == Bucket::Stale {
        format!(
            "{line} · {} since <t:{}:R>",
            escape(&ticket.status.name),
            ticket.updated_on.timestamp()
        )
    } else {
        line
    }
}

/// The status for a terminal: the counts, then each non-empty bucket as an aligned table
/// (every ticket: a terminal has no message limit).
#[must_use]
pub fn text(status: &TeamStatus, now: DateTime<Utc>, colour: Colour) -> String {
    let name = status.team.as_deref().map_or_else(
        || String::from("All open tickets"),
        |team| crate::render::sanitize(team, false),
    );
    let mut out = counts(status, &name);
    out.push('\n');
    for bucket in Bucket::ALL {
        let tickets = status.bucket(bucket);
        if tickets.is_empty() {
            continue;
        }
        let _ = write!(
            out,
            "\n{}\n{}",
            bucket.title(),
            ticket_table(tickets, now, colour)
        );
    }
    out
}

/// One bucket in the JSON output.
#[derive(Debug, Serialize)]
struct BucketView {
    count: usize,
    tickets: serde_json::Value,
}

/// The status in the JSON output: `team` (null for every open ticket), `total`, and one
/// object per bucket (`high`, `normal`, `low`, `stale`) with its `count` and its `tickets`
/// (ticket objects as `--json` lists them), oldest first.
#[must_use]
pub fn json(status: &TeamStatus) -> String {
    let mut buckets = serde_json::Map::new();
    for bucket in Bucket::ALL {
        let tickets = status.bucket(bucket);
        let view = BucketView {
            count: tickets.len(),
            tickets: serde_json::from_str(&crate::render::json::ticket_list(tickets))
                .unwrap_or(serde_json::Value::Null),
        };
        buckets.insert(
            bucket.key().to_owned(),
            serde_json::to_value(view).unwrap_or(serde_json::Value::Null),
        );
    }
    let mut object = serde_json::Map::new();
    object.insert("team".into(), serde_json::json!(status.team));
    object.insert("total".into(), serde_json::json!(status.total()));
    object.extend(buckets);
    serde_json::to_string_pretty(&serde_json::Value::Object(object))
        .unwrap_or_else(|_| String::from("null"))
}
