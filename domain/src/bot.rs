//! The bot's decisions, as values: who may act and as whom (`access`), and what a member reads
//! back (`replies`). `ports::bot` fetches the inputs (the member, the identity snapshot, the
//! tracker's answers), asks here, and carries out the answer; the branching lives here, where
//! a test needs no mock.

use crate::{DiscordUserId, Login};

/// Discord's limit on autocomplete choices.
pub const MAX_CHOICES: usize = 25;

/// Whether the bot's tracker key may act as other people, as last checked.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum KeyStatus {
    /// Not checked yet: nobody is acted for.
    #[default]
    Unchecked,
    /// The key may act as other people.
    ActsAsOthers,
    /// The key may not: the tracker would act as the key's owner, so nobody is acted for.
    ActsAsItself,
}

/// Who a Discord member is, according to a snapshot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Identity {
    /// Linked to exactly one login.
    Linked(Login),
    /// Not linked.
    Unlinked,
    /// Several logins hold this member's Discord id: none of them is trusted until the
    /// tracker is corrected.
    Ambiguous(Vec<Login>),
}

/// What a `/link` did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Linked {
    /// The member is now linked to the login (as the tracker spells it).
    New(Login),
    /// The member was already linked to the login; nothing was written.
    Already(Login),
    /// The member is now linked to the login, which held `previous` before: that member is
    /// no longer linked.
    Replaced {
        /// The login, as the tracker spells it.
        login: Login,
        /// The member the login was linked to before.
        previous: DiscordUserId,
    },
}

mod notice;
pub use notice::notify_message;

/// Who may act, and as whom.
pub mod access {
    use super::{Identity, KeyStatus};
    use crate::{GuildId, Login, Member, RoleId};

    /// What a command needs from the tracker.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub enum Need {
        /// To read: an unlinked member may read as the reader login, when there is one.
        Read,
        /// To read the member's own tickets: only as themselves.
        ReadOwn,
        /// To change something: only as themselves.
        Change,
    }

    /// As whom the tracker acts for a command.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub enum Acting {
        /// As the member's own login.
        Member(Login),
        /// As the reader login (an unlinked member reading).
        Reader(Login),
    }

    /// Why the bot does not act for a member.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub enum Refusal {
        /// The command came from another server or a direct message.
        OtherServer,
        /// The key may not act as others (or that is not known yet): the tracker would act as
        /// the key's owner, so nobody is acted for.
        KeyActsAsItself,
        /// The member's Discord id is on several logins.
        Ambiguous(Vec<Login>),
        /// The member is not linked (and may not read as the reader login).
        Unlinked,
        /// Only the admin role may do this.
        NotAdmin,
    }

    /// The server check: only the bot's own server is answered.
    ///
    /// # Errors
    /// [`Refusal::OtherServer`] for another server or a direct message.
    pub fn admit(member: &Member, guild_id: GuildId) -> Result<(), Refusal> {
        if member.guild_id == Some(guild_id) {
            Ok(())
        } else {
            Err(Refusal::OtherServer)
        }
    }

    /// As whom to act for `member`: the server first, then whether the key may act for anyone
    /// at all (fail closed), then who the member is.
    ///
    /// # Errors
    /// The [`Refusal`] a member reads.
    pub fn acting(
        member: &Member,
        guild_id: GuildId,
        key: KeyStatus,
        identity: Identity,
        reader_login: Option<&Login>,
        need: Need,
    ) -> Result<Acting, Refusal> {
        admit(member, guild_id)?;
        if key != KeyStatus::ActsAsOthers {
            return Err(Refusal::KeyActsAsItself);
        }
        match identity {
            Identity::Linked(login) => Ok(Acting::Member(login)),
            Identity::Ambiguous(logins) => Err(Refusal::Ambiguous(logins)),
            Identity::Unlinked => match (reader_login, need) {
                (Some(reader), Need::Read) => Ok(Acting::Reader(reader.clone())),
                _ => Err(Refusal::Unlinked),
            },
        }
    }

    /// Whom "assign to me" means: the member's own login.
    ///
    /// # Errors
    /// The [`Refusal`] a member reads (the server check first).
    pub fn me(member: &Member, guild_id: GuildId, identity: Identity) -> Result<Login, Refusal> {
        admit(member, guild_id)?;
        match identity {
            Identity::Linked(login) => Ok(login),
            Identity::Ambiguous(logins) => Err(Refusal::Ambiguous(logins)),
            Identity::Unlinked => Err(Refusal::Unlinked),
        }
    }

    /// Whether the member may `/link` (the server check first).
    ///
    /// # Errors
    /// [`Refusal::OtherServer`] or [`Refusal::NotAdmin`].
    pub fn may_link(
        member: &Member,
        guild_id: GuildId,
        admin_role: Option<RoleId>,
    ) -> Result<(), Refusal> {
        admit(member, guild_id)?;
        if admin_role.is_some_and(|role| member.role_ids.contains(&role)) {
            Ok(())
        } else {
            Err(Refusal::NotAdmin)
        }
    }
}

pub mod replies;
