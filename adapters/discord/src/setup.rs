//! What `netbot check` asks Discord: whose token this is, whether the Message Content intent
//! is on, whether the bot is in the guild, and what it may do in a channel, computed from
//! the guild's roles and the channel's permission overwrites the way Discord computes it.

use std::collections::BTreeMap;

use domain::check::{ChannelFinding, ChannelRight};
use domain::GuildId;
use ports::chat::ChatError;
use serde_json::Value;
use serenity::all::{ApplicationFlags, Permissions};

use crate::chat::DiscordChat;

/// The bot's own user, as its token says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BotUser {
    /// Its id.
    pub id: u64,
    /// Its name.
    pub name: String,
}

/// What the bot is in a guild: the guild's roles, its owner, the bot's roles.
#[derive(Debug, Clone)]
pub struct GuildAccess {
    guild: u64,
    bot: u64,
    owner: u64,
    /// Role id → its permissions (the guild's id is `@everyone`'s).
    roles: BTreeMap<u64, Permissions>,
    bot_roles: Vec<u64>,
}

/// A channel permission overwrite.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Overwrite {
    /// A role's (or `@everyone`'s, the guild id) when true; a member's when false.
    pub role: bool,
    pub id: u64,
    pub allow: Permissions,
    pub deny: Permissions,
}

/// What a member may do in a channel, as Discord computes it: the guild owner and
/// `ADMINISTRATOR` may do everything; otherwise `@everyone`'s and the member's roles'
/// permissions, then the channel's overwrites for `@everyone`, for the member's roles (all
/// denies, then all allows), then for the member; without `VIEW_CHANNEL`, nothing.
pub(crate) fn channel_permissions(access: &GuildAccess, overwrites: &[Overwrite]) -> Permissions {
    if access.owner == access.bot {
        return Permissions::all();
    }
    let mut base = guild_permissions(access);
    if base.contains(Permissions::ADMINISTRATOR) {
        return Permissions::all();
    }
    if let Some(everyone) = overwrites.iter().find(|o| o.role && o.id == access.guild) {
        base &= !everyone.deny;
        base |= everyone.allow;
    }
    let (mut allow, mut deny) = (Permissions::empty(), Permissions::empty());
    for overwrite in overwrites
        .iter()
        .filter(|o| o.role && o.id != access.guild && access.bot_roles.contains(&o.id))
    {
        allow |= overwrite.allow;
        deny |= overwrite.deny;
    }
    base &= !deny;
    base |= allow;
    if let Some(member) = overwrites.iter().find(|o| !o.role && o.id == access.bot) {
        base &= !member.deny;
        base |= member.allow;
    }
    if !base.contains(Permissions::VIEW_CHANNEL) {
        return Permissions::empty();
    }
    base
}

/// What the bot may do in the guild as a whole: `@everyone`'s and its roles' permissions
/// (all of them for the owner).
fn guild_permissions(access: &GuildAccess) -> Permissions {
    if access.owner == access.bot {
        return Permissions::all();
    }
    let mut base = access
        .roles
        .get(&access.guild)
        .copied()
        .unwrap_or_else(Permissions::empty);
    for role in &access.bot_roles {
        base |= access
            .roles
            .get(role)
            .copied()
            .unwrap_or_else(Permissions::empty);
    }
    base
}

impl GuildAccess {
    /// Whether the bot may create, move and delete the guild's scheduled events (*Manage
    /// Events*, or *Administrator*): what a ticket's due event needs.
    #[must_use]
    pub fn may_manage_events(&self) -> bool {
        let base = guild_permissions(self);
        base.contains(Permissions::ADMINISTRATOR) || base.contains(Permissions::MANAGE_EVENTS)
    }
}

fn flag(right: ChannelRight) -> Permissions {
    match right {
        ChannelRight::ViewChannel => Permissions::VIEW_CHANNEL,
        ChannelRight::SendMessages => Permissions::SEND_MESSAGES,
        ChannelRight::CreatePublicThreads => Permissions::CREATE_PUBLIC_THREADS,
        ChannelRight::SendMessagesInThreads => Permissions::SEND_MESSAGES_IN_THREADS,
        ChannelRight::ReadMessageHistory => Permissions::READ_MESSAGE_HISTORY,
        ChannelRight::ManageThreads => Permissions::MANAGE_THREADS,
    }
}

/// The rights of `needed` that `permissions` lacks, in order.
pub(crate) fn missing(permissions: Permissions, needed: &[ChannelRight]) -> Vec<ChannelRight> {
    needed
        .iter()
        .copied()
        .filter(|right| !permissions.contains(flag(*right)))
        .collect()
}

/// A snowflake or permission set, which Discord sends as a string.
fn number(value: &Value) -> Option<u64> {
    value
        .as_str()
        .and_then(|text| text.parse().ok())
        .or_else(|| value.as_u64())
}

fn permissions(value: &Value) -> Permissions {
    Permissions::from_bits_truncate(number(value).unwrap_or(0))
}

fn unexpected(action: &str, what: &str) -> ChatError {
    ChatError::Rejected {
        action: action.to_owned(),
        detail: format!("Discord's answer has no {what}"),
    }
}

impl DiscordChat {
    /// The bot's user, or `None` when Discord rejects the token (401).
    ///
    /// # Errors
    /// [`ChatError::Unreachable`] or any other unexpected answer.
    pub async fn bot_user(&self) -> Result<Option<BotUser>, ChatError> {
        let action = "read the bot's user";
        let Some(body) = self.probe(action, "/users/@me").await? else {
            return Ok(None);
        };
        let id = number(&body["id"]).ok_or_else(|| unexpected(action, "user id"))?;
        let name = body["username"].as_str().unwrap_or_default().to_owned();
        Ok(Some(BotUser { id, name }))
    }

    /// Whether the application may read message content: its `GATEWAY_MESSAGE_CONTENT` or
    /// `GATEWAY_MESSAGE_CONTENT_LIMITED` flag (the Message Content intent in the portal).
    ///
    /// # Errors
    /// [`ChatError`] when the token is rejected or Discord cannot be read.
    pub async fn message_content_intent(&self) -> Result<bool, ChatError> {
        let action = "read the bot's application";
        let body = self
            .probe(action, "/applications/@me")
            .await?
            .ok_or_else(|| ChatError::Forbidden {
                action: action.to_owned(),
                detail: String::from("the token was rejected"),
            })?;
        let flags = ApplicationFlags::from_bits_truncate(
            number(&body["flags"]).ok_or_else(|| unexpected(action, "flags"))?,
        );
        Ok(flags.intersects(
            ApplicationFlags::GATEWAY_MESSAGE_CONTENT
                | ApplicationFlags::GATEWAY_MESSAGE_CONTENT_LIMITED,
        ))
    }

    /// The bot's place in `guild`: `None` when it is not a member (or the guild is unknown).
    ///
    /// # Errors
    /// [`ChatError`] when Discord cannot be read.
    pub async fn guild_access(
        &self,
        guild: GuildId,
        bot: u64,
    ) -> Result<Option<GuildAccess>, ChatError> {
        let action = "read the server";
        let guild = guild.get();
        let body = match self.probe(action, &format!("/guilds/{guild}")).await {
            Ok(Some(body)) => body,
            Ok(None) | Err(ChatError::NotFound { .. } | ChatError::Forbidden { .. }) => {
                return Ok(None)
            }
            Err(error) => return Err(error),
        };
        let owner = number(&body["owner_id"]).unwrap_or(0);
        let roles = body["roles"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|role| Some((number(&role["id"])?, permissions(&role["permissions"]))))
            .collect();
        let member = match self
            .probe(action, &format!("/guilds/{guild}/members/{bot}"))
            .await
        {
            Ok(Some(member)) => member,
            Ok(None) | Err(ChatError::NotFound { .. } | ChatError::Forbidden { .. }) => {
                return Ok(None)
            }
            Err(error) => return Err(error),
        };
        let bot_roles = member["roles"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(number)
            .collect();
        Ok(Some(GuildAccess {
            guild,
            bot,
            owner,
            roles,
            bot_roles,
        }))
    }

    /// Whether `channel` is in the guild and which of `needed` the bot lacks there.
    ///
    /// # Errors
    /// [`ChatError`] when Discord cannot be read.
    pub async fn channel_finding(
        &self,
        access: &GuildAccess,
        channel: u64,
        needed: &[ChannelRight],
    ) -> Result<ChannelFinding, ChatError> {
        let action = format!("read channel {channel}");
        let body = match self.probe(&action, &format!("/channels/{channel}")).await {
            Ok(Some(body)) => body,
            Ok(None) | Err(ChatError::NotFound { .. } | ChatError::Forbidden { .. }) => {
                return Ok(ChannelFinding::NotFound)
            }
            Err(error) => return Err(error),
        };
        if number(&body["guild_id"]) != Some(access.guild) {
            return Ok(ChannelFinding::OtherGuild);
        }
        let overwrites: Vec<Overwrite> = body["permission_overwrites"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|overwrite| {
                Some(Overwrite {
                    // Discord: 0 a role, 1 a member.
                    role: number(&overwrite["type"]) == Some(0),
                    id: number(&overwrite["id"])?,
                    allow: permissions(&overwrite["allow"]),
                    deny: permissions(&overwrite["deny"]),
                })
            })
            .collect();
        Ok(ChannelFinding::Missing(missing(
            channel_permissions(access, &overwrites),
            needed,
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::check::THREAD_CHANNEL_RIGHTS;

    const GUILD: u64 = 10;
    const BOT: u64 = 20;
    const BOT_ROLE: u64 = 30;
    const OTHER_ROLE: u64 = 31;

    fn usual() -> Permissions {
        Permissions::VIEW_CHANNEL
            | Permissions::SEND_MESSAGES
            | Permissions::CREATE_PUBLIC_THREADS
            | Permissions::SEND_MESSAGES_IN_THREADS
            | Permissions::READ_MESSAGE_HISTORY
    }

    fn access(everyone: Permissions, bot_role: Permissions) -> GuildAccess {
        GuildAccess {
            guild: GUILD,
            bot: BOT,
            owner: 1,
            roles: [
                (GUILD, everyone),
                (BOT_ROLE, bot_role),
                (OTHER_ROLE, Permissions::all()),
            ]
            .into_iter()
            .collect(),
            bot_roles: vec![BOT_ROLE],
        }
    }

    fn overwrite(role: bool, id: u64, allow: Permissions, deny: Permissions) -> Overwrite {
        Overwrite {
            role,
            id,
            allow,
            deny,
        }
    }

    #[test]
    fn managing_events_takes_manage_events_or_administrator_in_the_guild() {
        assert!(!access(usual(), Permissions::MANAGE_THREADS).may_manage_events());
        assert!(access(usual(), Permissions::MANAGE_EVENTS).may_manage_events());
        assert!(access(Permissions::MANAGE_EVENTS, Permissions::empty()).may_manage_events());
        assert!(access(usual(), Permissions::ADMINISTRATOR).may_manage_events());
    }

    #[track_caller]
    fn check(access: &GuildAccess, overwrites: &[Overwrite], expect: &[ChannelRight]) {
        let missing = missing(
            channel_permissions(access, overwrites),
            &THREAD_CHANNEL_RIGHTS,
        );
        assert_eq!(missing, expect);
    }

    #[test]
    fn roles_add_up_and_overwrites_apply_everyone_then_roles_then_the_member() {
        let none = Permissions::empty();
        // @everyone's and the bot's role's permissions add up.
        check(&access(usual(), Permissions::MANAGE_THREADS), &[], &[]);
        // Another role's permissions are not the bot's.
        check(&access(usual(), none), &[], &[ChannelRight::ManageThreads]);
        // @everyone's overwrite denies; the bot's role's overwrite allows back.
        let deny_send = overwrite(true, GUILD, none, Permissions::SEND_MESSAGES);
        check(
            &access(usual(), Permissions::MANAGE_THREADS),
            &[deny_send],
            &[ChannelRight::SendMessages],
        );
        let role_allows = overwrite(true, BOT_ROLE, Permissions::SEND_MESSAGES, none);
        check(
            &access(usual(), Permissions::MANAGE_THREADS),
            &[deny_send, role_allows],
            &[],
        );
        // A role's allow wins over another of its roles' deny; a member overwrite wins over both.
        let member_denies = overwrite(false, BOT, none, Permissions::READ_MESSAGE_HISTORY);
        check(
            &access(usual(), Permissions::MANAGE_THREADS),
            &[deny_send, role_allows, member_denies],
            &[ChannelRight::ReadMessageHistory],
        );
        // An overwrite for a role the bot does not have changes nothing.
        let other = overwrite(true, OTHER_ROLE, none, usual());
        check(&access(usual(), Permissions::MANAGE_THREADS), &[other], &[]);
    }

    #[test]
    fn without_view_channel_nothing_is_allowed_and_administrator_allows_everything() {
        let none = Permissions::empty();
        let hidden = overwrite(true, GUILD, none, Permissions::VIEW_CHANNEL);
        check(
            &access(usual(), Permissions::MANAGE_THREADS),
            &[hidden],
            &THREAD_CHANNEL_RIGHTS,
        );
        check(&access(none, Permissions::ADMINISTRATOR), &[hidden], &[]);
        let mut owned = access(none, none);
        owned.owner = BOT;
        check(&owned, &[hidden], &[]);
    }
}
