//! Who is who, as the bot sees it: one immutable snapshot of the directory, swapped whole.
//!
//! Readers take the current snapshot without waiting (`arc-swap`); the timer's refresh and
//! `/link` are the only writers and take turns (an async mutex held across their tracker
//! calls), so a refresh that started before a `/link` finishes before the link is written and
//! cannot drop it. There is no lock a panic could poison: a reader always gets a snapshot.
//!
//! Fail closed: each refresh asks whether the key may still act as other people; while it may
//! not (or before the first refresh), nobody is acted for, because the tracker would silently
//! act as the key's owner instead.

mod snapshot;
#[cfg(test)]
mod tests;

use std::sync::Arc;

use arc_swap::ArcSwap;
use domain::{DiscordUserId, Login};
use tracing::{error, info, warn};

use crate::directory::{Directory, DirectoryError};
use snapshot::same_login;

pub use domain::bot::{Identity, KeyStatus, Linked};
pub use snapshot::{Conflict, Snapshot};

/// Why `/link` did nothing.
#[derive(Debug, thiserror::Error)]
pub enum LinkError {
    /// The member is already linked to another login (or to several): moving a member to
    /// another tracker user is done in the tracker, deliberately, not by a second `/link`.
    #[error("the member is already linked to {}", logins.iter().map(Login::as_str).collect::<Vec<_>>().join(", "))]
    MemberLinkedElsewhere {
        /// The login(s) the member is linked to.
        logins: Vec<Login>,
    },
    /// The directory refused or failed.
    #[error(transparent)]
    Directory(#[from] DirectoryError),
}

/// The bot's identity map: the directory, the current snapshot, and the writers' turn.
#[derive(Debug)]
pub struct Identities<D> {
    directory: D,
    current: ArcSwap<Snapshot>,
    /// Held by a refresh or a link across their tracker calls: they take turns.
    writer: tokio::sync::Mutex<()>,
}

impl<D: Directory> Identities<D> {
    /// An empty map over `directory`; nobody is acted for until the first [`Self::refresh`].
    pub fn new(directory: D) -> Self {
        Self {
            directory,
            current: ArcSwap::from_pointee(Snapshot::default()),
            writer: tokio::sync::Mutex::new(()),
        }
    }

    /// The current snapshot (cheap; never waits for a refresh or a link).
    #[must_use]
    pub fn snapshot(&self) -> Arc<Snapshot> {
        self.current.load_full()
    }

    /// Reloads who is who: checks the key may still act as others, then reads the roster.
    /// Returns how many members are linked. Conflicts are logged at warn.
    ///
    /// # Errors
    /// [`DirectoryError::NotAdmin`] when the key may no longer act as others (from now on
    /// nobody is acted for; logged at error), or any other [`DirectoryError`] (the previous
    /// snapshot stays).
    pub async fn refresh(&self) -> Result<usize, DirectoryError> {
        let _turn = self.writer.lock().await;
        let acts_as_others = match self.directory.can_act_as_others().await {
            Ok(acts) => acts,
            Err(DirectoryError::NotAdmin) => false,
            Err(other) => return Err(other),
        };
        if !acts_as_others {
            return Err(self.key_lost());
        }
        let roster = match self.directory.roster().await {
            Ok(roster) => roster,
            Err(DirectoryError::NotAdmin) => return Err(self.key_lost()),
            Err(other) => return Err(other),
        };
        let (snapshot, conflicts) = Snapshot::from_roster(roster, KeyStatus::ActsAsOthers);
        for conflict in &conflicts {
            let logins: Vec<&str> = conflict.logins.iter().map(Login::as_str).collect();
            warn!(
                member = conflict.member.get(),
                logins = %logins.join(", "),
                "one Discord member is linked to several tracker users: linked to none of them until the tracker is corrected"
            );
        }
        let n_linked = snapshot.n_linked();
        self.current.store(Arc::new(snapshot));
        Ok(n_linked)
    }

    /// Marks the key as unable to act as others (keeping the rest), and logs the moment it
    /// stopped being able to (the caller reports a key that never could).
    fn key_lost(&self) -> DirectoryError {
        let snapshot = self.current.load();
        if snapshot.key() == KeyStatus::ActsAsOthers {
            error!("the bot's tracker key may no longer act as other people (it is not an admin's): refusing to act for members until it may");
        }
        self.current
            .store(Arc::new(snapshot.with_key(KeyStatus::ActsAsItself)));
        DirectoryError::NotAdmin
    }

    /// Links `member` to `login` in the directory, then in the snapshot at once. A login
    /// linked to someone else is moved to `member` (the reply says whom it replaced); a member
    /// linked to another login is refused.
    ///
    /// # Errors
    /// [`LinkError::MemberLinkedElsewhere`], or the directory's [`DirectoryError`].
    pub async fn link(&self, member: DiscordUserId, login: &Login) -> Result<Linked, LinkError> {
        let _turn = self.writer.lock().await;
        let before = self.current.load_full();
        let previous = match before.identity(member) {
            Identity::Linked(known) if same_login(&known, login) => {
                return Ok(Linked::Already(known))
            }
            Identity::Linked(known) => {
                warn!(member = member.get(), linked = %known, asked = %login, "refused to link a member already linked to another tracker user");
                return Err(LinkError::MemberLinkedElsewhere {
                    logins: vec![known],
                });
            }
            Identity::Ambiguous(logins) => {
                warn!(
                    member = member.get(),
                    "refused to link a member whose Discord id several tracker users hold"
                );
                return Err(LinkError::MemberLinkedElsewhere { logins });
            }
            Identity::Unlinked => before.member_of(login),
        };
        let login = match self.directory.link(member, login).await {
            Ok(login) => login,
            Err(DirectoryError::NotAdmin) => return Err(self.key_lost().into()),
            Err(other) => return Err(other.into()),
        };
        self.current
            .store(Arc::new(before.with_link(member, login.clone())));
        match previous {
            Some(previous) => {
                warn!(member = member.get(), previous = previous.get(), login = %login, "linked a tracker user that was linked to another member: that member is no longer linked");
                Ok(Linked::Replaced { login, previous })
            }
            None => {
                info!(member = member.get(), login = %login, "linked a member");
                Ok(Linked::New(login))
            }
        }
    }
}
