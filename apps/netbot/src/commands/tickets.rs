//! `/tickets`, `/ticket`, `/new` and `/thread`: Redmine tickets, as the member's own user.

use poise::serenity_prelude as serenity;
use ports::bot::TicketAction;

use super::{answer, choices, member, now, Context, Error};

/// What to do to a ticket.
#[derive(Debug, Clone, Copy, poise::ChoiceParameter)]
pub enum ActionChoice {
    /// Show it.
    #[name = "show"]
    Show,
    /// Assign it (to USER, or to me).
    #[name = "assign"]
    Assign,
    /// Clear the assignee and set it New.
    #[name = "unassign"]
    Unassign,
    /// Take it and set it In Progress.
    #[name = "progress"]
    Progress,
    /// Set it Resolved.
    #[name = "resolve"]
    Resolve,
}

impl From<ActionChoice> for TicketAction {
    fn from(choice: ActionChoice) -> Self {
        match choice {
            ActionChoice::Show => Self::Show,
            ActionChoice::Assign => Self::Assign,
            ActionChoice::Unassign => Self::Unassign,
            ActionChoice::Progress => Self::Progress,
            ActionChoice::Resolve => Self::Resolve,
        }
    }
}

async fn autocomplete_person(
    ctx: Context<'_>,
    partial: &str,
) -> serenity::CreateAutocompleteResponse {
    choices(ctx.data().bot.complete_person(partial))
}

/// Open tickets: mine and my teams', a person's, one ticket, or a search
#[poise::command(slash_command, guild_only)]
pub async fn tickets(
    ctx: Context<'_>,
    #[description = "nothing: mine; a number; a person or team; or words to search"] query: Option<
        String,
    >,
) -> Result<(), Error> {
    let Some(member) = member(ctx) else {
        return Ok(());
    };
    let words = query.unwrap_or_default();
    answer(ctx, ctx.data().bot.tickets(&member, &words, now())).await;
    Ok(())
}

/// Show, assign, unassign, progress or resolve a ticket
#[poise::command(slash_command, guild_only)]
pub async fn ticket(
    ctx: Context<'_>,
    #[description = "the ticket number"] id: String,
    #[description = "what to do"] action: ActionChoice,
    #[description = "for assign: who (default: me)"]
    #[autocomplete = "autocomplete_person"]
    user: Option<String>,
) -> Result<(), Error> {
    let Some(member) = member(ctx) else {
        return Ok(());
    };
    answer(
        ctx,
        ctx.data()
            .bot
            .ticket(&member, &id, action.into(), user.as_deref(), now()),
    )
    .await;
    Ok(())
}

/// Open a new ticket in Redmine, as you
#[poise::command(slash_command, guild_only)]
pub async fn new(
    ctx: Context<'_>,
    #[description = "a one-line summary"] title: String,
    #[description = "more details"] description: Option<String>,
) -> Result<(), Error> {
    let Some(member) = member(ctx) else {
        return Ok(());
    };
    let description = description.unwrap_or_default();
    answer(
        ctx,
        ctx.data()
            .bot
            .new_ticket(&member, &title, &description, now()),
    )
    .await;
    Ok(())
}

/// Open a thread for a ticket in this channel; the threader keeps it and the ticket in step
#[poise::command(slash_command, guild_only)]
pub async fn thread(
    ctx: Context<'_>,
    #[description = "the ticket number"] id: String,
) -> Result<(), Error> {
    let Some(member) = member(ctx) else {
        return Ok(());
    };
    let Ok(channel) = domain::ChannelId::new(ctx.channel_id().get()) else {
        return Ok(());
    };
    let data = ctx.data();
    answer(ctx, data.bot.thread(&data.chat, &member, &id, channel)).await;
    Ok(())
}

async fn autocomplete_query(
    ctx: Context<'_>,
    partial: &str,
) -> serenity::CreateAutocompleteResponse {
    choices(ctx.data().bot.complete_query(partial))
}

/// Run a saved query from netbot.toml
#[poise::command(slash_command, guild_only)]
pub async fn query(
    ctx: Context<'_>,
    #[description = "the saved query"]
    #[autocomplete = "autocomplete_query"]
    name: String,
) -> Result<(), Error> {
    let Some(member) = member(ctx) else {
        return Ok(());
    };
    answer(ctx, ctx.data().bot.query(&member, &name, now())).await;
    Ok(())
}
