//! `/site`: NetBox sites.

use poise::serenity_prelude as serenity;

use super::{answer, choices, member, Context, Error};

async fn autocomplete_site(
    ctx: Context<'_>,
    partial: &str,
) -> serenity::CreateAutocompleteResponse {
    choices(ctx.data().bot.complete_site(partial).await)
}

/// NetBox sites: all of them, or one in detail
#[poise::command(slash_command, guild_only)]
pub async fn site(
    ctx: Context<'_>,
    #[description = "a site's name or slug"]
    #[autocomplete = "autocomplete_site"]
    name: Option<String>,
) -> Result<(), Error> {
    let Some(member) = member(ctx) else {
        return Ok(());
    };
    let name = name.unwrap_or_default();
    answer(ctx, ctx.data().bot.site(&member, &name)).await;
    Ok(())
}
