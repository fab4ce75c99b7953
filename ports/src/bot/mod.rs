//! The bot's commands as use cases: a member and their words in, a `Reply` out.
//!
//! Nothing here knows Discord: the Discord adapter defers, calls these, and sends the reply
//! with mentions disabled. Every member acts as their own Redmine user (found through the
//! Discord id stored in a Redmine user custom field), so Redmine's permissions and history
//! are theirs.
//!
//! The use cases only sequence calls: who may act is decided by `domain::bot::access`, and
//! every sentence a member reads comes from `domain::bot::replies` or `domain::render`. One
//! file per command group: `tickets` (`/tickets`, `/ticket`, `/new`), `sites`, `query`,
//! `link` (and person autocomplete), `thread`.

mod link;
mod query;
mod sites;
mod thread;
mod tickets;

use std::collections::BTreeMap;

use domain::bot::access::{self, Acting, Need, Refusal};
use domain::bot::replies;
use domain::{DiscordUserId, Member, Reply};

use crate::directory::{Directory, DirectoryError};
use crate::identities::{Identities, Identity};
use crate::inventory::{Inventory, InventoryError};
use crate::tracker::{SavedFilter, StatusNames, TicketTracker, TrackerError};

pub use domain::bot::MAX_CHOICES;

/// What the bot needs to know besides its ports (from `netbot.toml` and the environment).
#[derive(Debug, Clone)]
pub struct BotSettings {
    /// The one server the bot serves; interactions from any other are refused.
    pub guild_id: u64,
    /// Members with this role may `/link`.
    pub admin_role: Option<u64>,
    /// Unlinked members may read open tickets as this Redmine login; `None`: they may not.
    pub reader_login: Option<String>,
    /// The project `/new` opens tickets in.
    pub default_project: String,
    /// Statuses set by unassign, progress and resolve.
    pub status_names: StatusNames,
    /// The backend timeout, for the message a member reads when it runs out.
    pub timeout_seconds: u64,
    /// Saved queries by name, for `/query`.
    pub queries: BTreeMap<String, SavedQuery>,
}

/// A saved query: a filter in the tracker's words and a line template for its results.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SavedQuery {
    /// What it is for, shown in autocomplete.
    pub description: String,
    /// Which tickets, in the tracker's own words (only the adapter reads them).
    pub filter: SavedFilter,
    /// The minijinja line template (checked when the settings are read).
    pub template: String,
}

/// The original bot's line, as a saved query's default template.
pub const DEFAULT_LINE: &str =
    "**[#{{ id }}](<{{ url }}>)** {{ subject }} - {{ priority }} - {{ age }} old";

/// The bot: an admin-keyed tracker (it acts as each member through it), the inventory, the
/// settings and the identity map over the directory.
#[derive(Debug)]
pub struct Bot<T, I, D> {
    tracker: T,
    inventory: I,
    settings: BotSettings,
    identities: Identities<D>,
}

/// A ticket action as the `/ticket` command offers it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TicketAction {
    /// Show the ticket.
    Show,
    /// Assign it (to the given user, or to me).
    Assign,
    /// Clear the assignee, status New.
    Unassign,
    /// Take it, status In Progress.
    Progress,
    /// Status Resolved.
    Resolve,
}

fn tracker_error(error: &TrackerError, seconds: u64) -> Reply {
    match error {
        TrackerError::Timeout { .. } => replies::timed_out("Redmine", seconds),
        other => Reply::error(&other.to_string()),
    }
}

fn inventory_error(error: &InventoryError, seconds: u64) -> Reply {
    match error {
        InventoryError::Timeout { .. } => replies::timed_out("NetBox", seconds),
        other => Reply::error(&other.to_string()),
    }
}

fn directory_error(error: &DirectoryError, seconds: u64) -> Reply {
    match error {
        DirectoryError::NotAdmin => replies::refusal(&Refusal::KeyActsAsItself),
        DirectoryError::UnknownLogin(login) => replies::unknown_login(login),
        DirectoryError::NoLinkField(_) => {
            tracing::error!(%error, "cannot link members");
            replies::no_link_field()
        }
        DirectoryError::Tracker(cause) => tracker_error(cause, seconds),
    }
}

impl<T: TicketTracker, I: Inventory, D: Directory> Bot<T, I, D> {
    /// A bot over these ports; the identity map starts empty and nobody is acted for until
    /// the first [`Self::refresh_identities`].
    pub fn new(tracker: T, inventory: I, directory: D, settings: BotSettings) -> Self {
        Self {
            tracker,
            inventory,
            settings,
            identities: Identities::new(directory),
        }
    }

    /// The settings.
    pub fn settings(&self) -> &BotSettings {
        &self.settings
    }

    /// Reloads who is who (and the people autocomplete offers); returns how many members are
    /// linked. See [`Identities::refresh`].
    ///
    /// # Errors
    /// [`DirectoryError::NotAdmin`] when the key may no longer act for members (nobody is
    /// acted for until it may), or another [`DirectoryError`] (the old snapshot stays).
    pub async fn refresh_identities(&self) -> Result<usize, DirectoryError> {
        self.identities.refresh().await
    }

    /// Refuses members of other servers and direct messages.
    fn admit(&self, member: &Member) -> Result<(), Reply> {
        access::admit(member, self.settings.guild_id).map_err(|refusal| replies::refusal(&refusal))
    }

    /// Who the member is in the current snapshot.
    fn identity(&self, member: &Member) -> Identity {
        DiscordUserId::new(member.id).map_or(Identity::Unlinked, |id| {
            self.identities.snapshot().identity(id)
        })
    }

    /// The tracker acting as the member (their own login, or the reader login for reading),
    /// as `domain::bot::access` decides.
    fn actor(&self, member: &Member, need: Need) -> Result<T, Reply> {
        let acting = access::acting(
            member,
            self.settings.guild_id,
            self.identities.snapshot().key(),
            self.identity(member),
            self.settings.reader_login.as_deref(),
            need,
        )
        .map_err(|refusal| replies::refusal(&refusal))?;
        Ok(match acting {
            Acting::Member(login) => self.tracker.acting_as(login.as_str()),
            Acting::Reader(reader) => self.tracker.acting_as(&reader),
        })
    }
}

#[cfg(test)]
mod tests;
