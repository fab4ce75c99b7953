//! The directory port: who is who between the chat and the tracker (which Discord member is
//! which tracker login), and whether the bot's key may act as them at all.

use std::future::Future;

use domain::{DiscordUserId, Login, Principal};
use thiserror::Error;

use crate::tracker::TrackerError;

/// What went wrong reading or changing who is who.
#[derive(Debug, Error)]
pub enum DirectoryError {
    /// The key may not read or change who is who: it is not a tracker admin's.
    #[error("the bot's tracker key may not read or change who is who: it must be an admin's")]
    NotAdmin,
    /// No active tracker user has this login.
    #[error("no active tracker user has the login '{0}'")]
    UnknownLogin(Login),
    /// The tracker has nowhere to keep Discord ids: the configured user field is missing.
    #[error("the tracker has no user field named '{0}' to keep Discord ids in")]
    NoLinkField(String),
    /// The tracker could not be asked (timeout, unreachable, an answer that makes no sense).
    #[error("the tracker could not be asked who is who")]
    Tracker(#[source] TrackerError),
}

/// One Discord member linked to one tracker login.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Link {
    /// The Discord member.
    pub member: DiscordUserId,
    /// The tracker login they act as.
    pub login: Login,
}

/// Who is who at one moment: every link the tracker holds, and everyone autocomplete may
/// offer (active users and teams).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Roster {
    /// Every active user holding a Discord id, as the tracker has them (conflicts included:
    /// one member may appear on two logins; the caller decides what that means).
    pub links: Vec<Link>,
    /// Every active user and team.
    pub people: Vec<Principal>,
}

/// The directory of who is who, kept in the tracker.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
pub trait Directory: Send + Sync + 'static {
    /// Whether the directory's key may act as other people. When it may not, the tracker
    /// silently acts as the key's owner instead of the person asked for.
    ///
    /// # Errors
    /// [`DirectoryError::Tracker`] when the tracker cannot be asked.
    fn can_act_as_others(&self) -> impl Future<Output = Result<bool, DirectoryError>> + Send;

    /// Every link and every person, complete (the adapter pages to the end).
    ///
    /// # Errors
    /// [`DirectoryError::NotAdmin`] for a key that may not list people, or
    /// [`DirectoryError::Tracker`].
    fn roster(&self) -> impl Future<Output = Result<Roster, DirectoryError>> + Send;

    /// Links `member` to `login`: afterwards the user `login` holds `member`'s Discord id
    /// (replacing whichever member it held before). Returns the login as the tracker spells it.
    ///
    /// # Errors
    /// [`DirectoryError::UnknownLogin`], [`DirectoryError::NoLinkField`],
    /// [`DirectoryError::NotAdmin`] or [`DirectoryError::Tracker`].
    fn link(
        &self,
        member: DiscordUserId,
        login: &Login,
    ) -> impl Future<Output = Result<Login, DirectoryError>> + Send;
}
