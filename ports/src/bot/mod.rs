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
//! `link` (and person autocomplete), `thread`, `hours` (`/hours` and activity autocomplete),
//! `notify` (`/ticket ID notify`), `status` (`/status` and team autocomplete).

mod cache;
mod hours;
mod link;
mod notify;
mod query;
mod sites;
mod status;
mod thread;
mod tickets;

use std::collections::BTreeMap;

use domain::bot::access::{self, Acting, Need, Refusal};
use domain::bot::replies::{self, Trouble};
use domain::{GuildId, Login, Member, Reply, RoleId};
use tracing::{info, warn};

use crate::directory::{Directory, DirectoryError};
use crate::identities::{Identities, Identity};
use crate::inventory::{Inventory, InventoryError};
use crate::tracker::{ActAs, SavedFilter, StatusNames, TrackerError};

pub use domain::bot::MAX_CHOICES;

/// What the bot needs to know besides its ports (from `netbot.toml` and the environment).
#[derive(Debug, Clone)]
pub struct BotSettings {
    /// The one server the bot serves; interactions from any other are refused.
    pub guild_id: GuildId,
    /// Members with this role may `/link`.
    pub admin_role: Option<RoleId>,
    /// Unlinked members may read open tickets as this Redmine login; `None`: they may not.
    pub reader_login: Option<Login>,
    /// The project `/new` opens tickets in.
    pub default_project: String,
    /// Statuses set by unassign, progress and resolve.
    pub status_names: StatusNames,
    /// The backend timeout, for the message a member reads when it runs out.
    pub timeout_seconds: u64,
    /// Saved queries by name, for `/query`.
    pub queries: BTreeMap<String, SavedQuery>,
    /// `[notify] time_zone` (UTC when unset): the day "tomorrow" is read against, and the
    /// zone a due event's 09:00 is in.
    pub time_zone: domain::due_event::Tz,
    /// `[notify.stale]` as configured (status name → idle time), for `/status`'s stale bucket.
    pub stale: BTreeMap<String, chrono::TimeDelta>,
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
    /// What autocomplete reads without a request per keystroke.
    caches: cache::Caches,
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
    /// Set the status named by the value.
    Status,
    /// Set the priority named by the value.
    Priority,
    /// Set the tracker (ticket kind) named by the value.
    Tracker,
    /// Set the subject to the value.
    Subject,
    /// Replace the description with the value.
    Description,
    /// Set the parent to the value's ticket number, or clear it with `none`.
    Parent,
    /// Add the user (default: me) to the watchers.
    Watch,
    /// Remove the user (default: me) from the watchers.
    Unwatch,
    /// Add the value as a note.
    Note,
    /// Set the due date the value names (`2026-12-24`, `tomorrow`, …), or clear it with `none`.
    Due,
    /// Ping the ticket's assignee and watchers who are linked members in its thread, with the
    /// value as an optional text.
    Notify,
}

impl TicketAction {
    /// The verb of the `tickets` grammar this action is.
    #[must_use]
    pub fn verb(self) -> &'static str {
        match self {
            Self::Show => "show",
            Self::Assign => "assign",
            Self::Unassign => "unassign",
            Self::Progress => "progress",
            Self::Resolve => "resolve",
            Self::Status => "status",
            Self::Priority => "priority",
            Self::Tracker => "tracker",
            Self::Subject => "subject",
            Self::Description => "description",
            Self::Parent => "parent",
            Self::Watch => "watch",
            Self::Unwatch => "unwatch",
            Self::Note => "note",
            Self::Due => "due",
            Self::Notify => "notify",
        }
    }

    /// Whether the action may change the due date or close the ticket, after which its due
    /// event follows.
    #[must_use]
    pub fn may_move_due_event(self) -> bool {
        matches!(
            self,
            Self::Due | Self::Status | Self::Resolve | Self::Progress | Self::Unassign
        )
    }
}

/// The member's sentence for a tracker error, and the operator's line in the log: at `error`
/// when the operator must fix something (key, settings, the tracker's setup), at `warn` when it
/// may pass (unreachable, slow, an odd answer), at `info` when the member's own request was
/// refused (their words already say why).
fn tracker_error(error: &TrackerError, seconds: u64) -> Reply {
    const REDMINE: &str = "Redmine";
    match error {
        TrackerError::Timeout { .. } => {
            warn!(error = %crate::with_causes(error), "a command's tracker request timed out");
            replies::timed_out(REDMINE, seconds)
        }
        TrackerError::Unauthorized => {
            tracing::error!(error = %crate::with_causes(error), "the tracker refused the bot's key");
            replies::trouble(Trouble::KeyRejected(REDMINE))
        }
        TrackerError::CannotActAs { .. } => {
            tracing::error!(error = %crate::with_causes(error), "the tracker would not act as a member");
            replies::trouble(Trouble::CannotActAsYou(REDMINE))
        }
        TrackerError::UnknownStatus { role, .. } => {
            tracing::error!(error = %crate::with_causes(error), ?role, "a configured status is missing in the tracker");
            replies::trouble(Trouble::NotSetUp(REDMINE))
        }
        TrackerError::NoSuchField(_) => {
            tracing::error!(error = %crate::with_causes(error), "a configured ticket field is missing in the tracker");
            replies::trouble(Trouble::NotSetUp(REDMINE))
        }
        TrackerError::Unreachable { .. } => {
            warn!(error = %crate::with_causes(error), "a command could not reach the tracker");
            replies::trouble(Trouble::Unreachable(REDMINE))
        }
        TrackerError::Unexpected { .. } | TrackerError::Redirected { .. } => {
            warn!(error = %crate::with_causes(error), "a command got an answer from the tracker it does not understand");
            replies::trouble(Trouble::Misanswered(REDMINE))
        }
        TrackerError::Rejected { errors, .. } => {
            info!(error = %error, "the tracker refused a member's change");
            replies::refused(REDMINE, errors)
        }
        TrackerError::UnknownName {
            kind,
            name,
            closest,
        } => {
            info!(error = %error, "a member named a value the tracker does not have");
            replies::unknown_name(REDMINE, kind, name, closest)
        }
        TrackerError::PartlyApplied { error: rest, .. } if !member_caused(rest) => {
            tracing::error!(error = %crate::with_causes(error), "a change was applied only in part");
            Reply::error(&error.to_string())
        }
        member_caused => {
            info!(error = %member_caused, "the tracker refused a member's request");
            Reply::error(&member_caused.to_string())
        }
    }
}

/// Whether the member can act on the error's own words (their request was refused).
fn member_caused(error: &TrackerError) -> bool {
    matches!(
        error,
        TrackerError::Forbidden { .. }
            | TrackerError::TicketNotFound(_)
            | TrackerError::Rejected { .. }
            | TrackerError::UnknownPerson(_)
            | TrackerError::UnknownName { .. }
            | TrackerError::Ambiguous { .. }
            | TrackerError::NotApplied { .. }
    )
}

/// The member's sentence for an inventory error, and the operator's line in the log.
fn inventory_error(error: &InventoryError, seconds: u64) -> Reply {
    const NETBOX: &str = "NetBox";
    match error {
        InventoryError::Timeout { .. } => {
            warn!(error = %crate::with_causes(error), "a command's inventory request timed out");
            replies::timed_out(NETBOX, seconds)
        }
        InventoryError::Unauthorized | InventoryError::Forbidden => {
            tracing::error!(error = %crate::with_causes(error), "the inventory refused the bot's token");
            replies::trouble(Trouble::KeyRejected(NETBOX))
        }
        InventoryError::Unreachable { .. } | InventoryError::UntrustedCertificate { .. } => {
            warn!(error = %crate::with_causes(error), "a command could not reach the inventory");
            replies::trouble(Trouble::Unreachable(NETBOX))
        }
        InventoryError::Unexpected { .. } | InventoryError::Redirected { .. } => {
            warn!(error = %crate::with_causes(error), "a command got an answer from the inventory it does not understand");
            replies::trouble(Trouble::Misanswered(NETBOX))
        }
        member_caused @ (InventoryError::SiteNotFound { .. }
        | InventoryError::AmbiguousSite { .. }) => Reply::error(&member_caused.to_string()),
    }
}

fn directory_error(error: &DirectoryError, seconds: u64) -> Reply {
    match error {
        DirectoryError::NotAdmin => {
            tracing::error!(error = %crate::with_causes(error), "the bot's key may not act for members");
            replies::refusal(&Refusal::KeyActsAsItself)
        }
        DirectoryError::UnknownLogin(login) => replies::unknown_login(login),
        DirectoryError::NoLinkField(_) => {
            tracing::error!(error = %crate::with_causes(error), "cannot link members");
            replies::no_link_field()
        }
        DirectoryError::Tracker(cause) => tracker_error(cause, seconds),
    }
}

impl<T, I: Inventory, D: Directory> Bot<T, I, D> {
    /// A bot over these ports; the identity map starts empty and nobody is acted for until
    /// the first [`Self::refresh_identities`].
    pub fn new(tracker: T, inventory: I, directory: D, settings: BotSettings) -> Self {
        Self {
            tracker,
            inventory,
            settings,
            identities: Identities::new(directory),
            caches: cache::Caches::new(),
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

    /// The command's one deadline: the backend timeout for the whole use case, however many
    /// requests it makes (each request has the same timeout, so without this one command could
    /// take several in a row while the member waits).
    async fn within(&self, system: &str, work: impl std::future::Future<Output = Reply>) -> Reply {
        let seconds = self.settings.timeout_seconds;
        match tokio::time::timeout(std::time::Duration::from_secs(seconds), work).await {
            Ok(reply) => reply,
            Err(_) => {
                warn!(system, seconds, "a command ran out of its time");
                replies::timed_out(system, seconds)
            }
        }
    }

    /// Refuses members of other servers and direct messages.
    fn admit(&self, member: &Member) -> Result<(), Reply> {
        access::admit(member, self.settings.guild_id).map_err(|refusal| replies::refusal(&refusal))
    }

    /// Who the member is in the current snapshot.
    fn identity(&self, member: &Member) -> Identity {
        self.identities.snapshot().identity(member.id)
    }
}

impl<T: ActAs, I: Inventory, D: Directory> Bot<T, I, D> {
    /// The tracker acting as the member (their own login, or the reader login for reading),
    /// as `domain::bot::access` decides.
    fn actor(&self, member: &Member, need: Need) -> Result<T, Reply> {
        let acting = access::acting(
            member,
            self.settings.guild_id,
            self.identities.snapshot().key(),
            self.identity(member),
            self.settings.reader_login.as_ref(),
            need,
        )
        .map_err(|refusal| replies::refusal(&refusal))?;
        Ok(match acting {
            Acting::Member(login) | Acting::Reader(login) => self.tracker.acting_as(&login),
        })
    }
}

#[cfg(test)]
mod tests;
