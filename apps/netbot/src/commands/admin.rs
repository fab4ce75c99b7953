//! `/link`: who is who, for admins.

use domain::{DiscordUserId, Reply};
use poise::serenity_prelude as serenity;

use super::{answer, member, Context, Error};

/// Link a Discord member to their Redmine login (admin role only)
#[poise::command(slash_command, guild_only)]
pub async fn link(
    ctx: Context<'_>,
    #[description = "the Discord member"] who: serenity::User,
    #[description = "their Redmine login"] login: String,
) -> Result<(), Error> {
    let Some(member) = member(ctx) else {
        return Ok(());
    };
    let bot = &ctx.data().bot;
    answer(ctx, async {
        match DiscordUserId::new(who.id.get()) {
            Ok(target) => bot.link(&member, target, &login).await,
            Err(error) => Reply::error(&error.to_string()),
        }
    })
    .await;
    Ok(())
}
