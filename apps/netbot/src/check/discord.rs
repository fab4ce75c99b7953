//! `netbot check`'s Discord checks: the token, the Message Content intent, the bot in the
//! server (and whether it may manage events, for due dates), and its rights in each
//! configured channel.

use appkit::env::var;
use discord::{BotToken, DiscordChat, GuildAccess};
use domain::check::{self, Check};
use domain::GuildId;

use super::configured::Configured;

/// Discord: the token, the Message Content intent, the bot in the server, and its rights in
/// each configured channel.
pub async fn discord_checks(
    checks: &mut Vec<Check>,
    token: &str,
    guild: Option<GuildId>,
    configured: &Configured,
) {
    let chat = DiscordChat::connect(&BotToken::new(token), var("DISCORD_API_URL").as_deref());
    let bot = match chat.bot_user().await {
        Ok(Some(bot)) => {
            checks.push(Check::pass(
                "discord token",
                format!("the bot is {}", bot.name),
            ));
            bot
        }
        Ok(None) => {
            checks.push(Check::fail(
                "discord token",
                "Discord rejected DISCORD_TOKEN (401)",
                "copy the token again (Developer Portal → Bot → Reset Token)",
            ));
            return;
        }
        Err(error) => {
            checks.push(Check::fail(
                "discord token",
                ports::with_causes(&error),
                "check the network (or DISCORD_API_URL) and run netbot check again",
            ));
            return;
        }
    };
    checks.push(match chat.message_content_intent().await {
        Ok(true) => Check::pass("message content intent", "on"),
        Ok(false) => Check::fail(
            "message content intent",
            "off: the threader would read members' messages as empty",
            "turn it on (Developer Portal → Bot → Privileged Gateway Intents → Message Content Intent)",
        ),
        Err(error) => Check::fail(
            "message content intent",
            ports::with_causes(&error),
            "check the application in the Developer Portal",
        ),
    });
    let Some(guild) = guild else {
        checks.push(Check::skip(
            "discord server",
            "DISCORD_GUILD_ID is not a server id",
        ));
        return;
    };
    let access: GuildAccess = match chat.guild_access(guild, bot.id).await {
        Ok(Some(access)) => {
            checks.push(Check::pass(
                "discord server",
                format!("the bot is in {}", guild.get()),
            ));
            access
        }
        Ok(None) => {
            checks.push(Check::fail(
                "discord server",
                format!("the bot is not in server {}", guild.get()),
                "invite it (Developer Portal → OAuth2 → URL Generator, scopes bot and applications.commands), or fix DISCORD_GUILD_ID",
            ));
            for (key, _, _) in &configured.channels {
                checks.push(Check::skip(
                    format!("channel {key}"),
                    "the bot is not in the server",
                ));
            }
            return;
        }
        Err(error) => {
            checks.push(Check::fail(
                "discord server",
                ports::with_causes(&error),
                "check the network and run netbot check again",
            ));
            return;
        }
    };
    checks.push(if access.may_manage_events() {
        Check::pass("discord events", "the bot may manage events (due dates)")
    } else {
        Check::fail(
            "discord events",
            "the bot lacks Manage Events: due dates get no Discord event",
            "give the bot's role Manage Events (Server Settings → Roles)",
        )
    });
    for (key, channel, needed) in &configured.channels {
        checks.push(
            match chat.channel_finding(&access, channel.get(), needed).await {
                Ok(finding) => check::channel(key, channel.get(), &finding),
                Err(error) => Check::fail(
                    format!("channel {key}"),
                    ports::with_causes(&error),
                    "check the network and run netbot check again",
                ),
            },
        );
    }
}
