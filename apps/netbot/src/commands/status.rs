//! `/status [team]`: a team's open work (or everyone's) in one message.

use poise::serenity_prelude as serenity;

use super::{answer, choices, member, now, Context, Error};

async fn autocomplete_team(
    ctx: Context<'_>,
    partial: &str,
) -> serenity::CreateAutocompleteResponse {
    choices(ctx.data().bot.complete_team(partial).await)
}

/// A team's open tickets by priority, and the stale ones (without a team: every open ticket)
#[poise::command(slash_command, guild_only)]
pub async fn status(
    ctx: Context<'_>,
    #[description = "a team (a Redmine group); default: every open ticket"]
    #[autocomplete = "autocomplete_team"]
    team: Option<String>,
) -> Result<(), Error> {
    let Some(member) = member(ctx) else {
        return Ok(());
    };
    answer(ctx, ctx.data().bot.status(&member, team.as_deref(), now())).await;
    Ok(())
}
