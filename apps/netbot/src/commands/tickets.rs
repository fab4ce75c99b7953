//! `/tickets`, `/ticket`, `/new`, `/thread` and `/hours`: Redmine tickets, as the member's own user.

use poise::serenity_prelude as serenity;
use poise::ChoiceParameter as _;
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
    /// Set its status (value: a status name).
    #[name = "status"]
    Status,
    /// Set its priority (value: a priority name).
    #[name = "priority"]
    Priority,
    /// Set its tracker (value: a tracker name).
    #[name = "tracker"]
    Tracker,
    /// Set its subject (value: the text).
    #[name = "subject"]
    Subject,
    /// Replace its description (value: the text); Redmine's history keeps the old one.
    #[name = "description"]
    Description,
    /// Set its parent (value: a ticket number, or none).
    #[name = "parent"]
    Parent,
    /// Add a watcher (USER, or me).
    #[name = "watch"]
    Watch,
    /// Remove a watcher (USER, or me).
    #[name = "unwatch"]
    Unwatch,
    /// Add a note (value: the text).
    #[name = "note"]
    Note,
    /// Set its due date (value: 2026-12-24, 12/24, tomorrow, in 5 days, next friday, or none).
    #[name = "due"]
    Due,
    /// Ping its assignee and watchers in its thread (value: an optional text).
    #[name = "notify"]
    Notify,
}

impl From<ActionChoice> for TicketAction {
    fn from(choice: ActionChoice) -> Self {
        match choice {
            ActionChoice::Show => Self::Show,
            ActionChoice::Assign => Self::Assign,
            ActionChoice::Unassign => Self::Unassign,
            ActionChoice::Progress => Self::Progress,
            ActionChoice::Resolve => Self::Resolve,
            ActionChoice::Status => Self::Status,
            ActionChoice::Priority => Self::Priority,
            ActionChoice::Tracker => Self::Tracker,
            ActionChoice::Subject => Self::Subject,
            ActionChoice::Description => Self::Description,
            ActionChoice::Parent => Self::Parent,
            ActionChoice::Watch => Self::Watch,
            ActionChoice::Unwatch => Self::Unwatch,
            ActionChoice::Note => Self::Note,
            ActionChoice::Due => Self::Due,
            ActionChoice::Notify => Self::Notify,
        }
    }
}

async fn autocomplete_person(
    ctx: Context<'_>,
    partial: &str,
) -> serenity::CreateAutocompleteResponse {
    choices(ctx.data().bot.complete_person(partial))
}

/// The action already chosen in the command being typed (Discord sends the other options
/// with an autocomplete request; a choice arrives as its index).
fn chosen_action(ctx: Context<'_>) -> Option<ActionChoice> {
    let poise::Context::Application(app) = ctx else {
        return None;
    };
    let option = app
        .interaction
        .data
        .options
        .iter()
        .find(|option| option.name == "action")?;
    match &option.value {
        serenity::CommandDataOptionValue::Integer(index) => usize::try_from(*index)
            .ok()
            .and_then(ActionChoice::from_index),
        serenity::CommandDataOptionValue::String(name) => ActionChoice::from_name(name),
        _ => None,
    }
}

/// In a ticket's thread, that ticket first; then the number typed.
async fn autocomplete_ticket(
    ctx: Context<'_>,
    partial: &str,
) -> serenity::CreateAutocompleteResponse {
    let channel = domain::ChannelId::new(ctx.channel_id().get()).ok();
    choices(ctx.data().bot.complete_ticket(channel, partial).await)
}

async fn autocomplete_value(
    ctx: Context<'_>,
    partial: &str,
) -> serenity::CreateAutocompleteResponse {
    let Some(action) = chosen_action(ctx) else {
        return choices(Vec::new());
    };
    choices(ctx.data().bot.complete_value(action.into(), partial).await)
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

/// Show or change a ticket: assign, status, priority, parent, watchers, a note, …
#[poise::command(slash_command, guild_only)]
pub async fn ticket(
    ctx: Context<'_>,
    #[description = "the ticket number (in a ticket's thread: that ticket)"]
    #[autocomplete = "autocomplete_ticket"]
    id: String,
    #[description = "what to do"] action: ActionChoice,
    #[description = "for assign, watch, unwatch: who (default: me)"]
    #[autocomplete = "autocomplete_person"]
    user: Option<String>,
    #[description = "a status, priority or tracker name; a text; a parent number; a due date; or none"]
    #[autocomplete = "autocomplete_value"]
    value: Option<String>,
) -> Result<(), Error> {
    let Some(member) = member(ctx) else {
        return Ok(());
    };
    let data = ctx.data();
    answer(
        ctx,
        data.bot.ticket(
            &data.chat,
            &member,
            &id,
            action.into(),
            user.as_deref(),
            value.as_deref(),
            now(),
        ),
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

async fn autocomplete_activity(
    ctx: Context<'_>,
    partial: &str,
) -> serenity::CreateAutocompleteResponse {
    choices(ctx.data().bot.complete_activity(partial).await)
}

/// Log time on a ticket, as you (in a ticket's thread, that ticket by default)
#[poise::command(slash_command, guild_only)]
pub async fn hours(
    ctx: Context<'_>,
    #[description = "how long: 1.5, 1h30 or 90m"] hours: String,
    #[description = "the ticket number (default: this thread's ticket)"]
    #[autocomplete = "autocomplete_ticket"]
    ticket: Option<String>,
    #[description = "what kind of work (default: Redmine's default activity)"]
    #[autocomplete = "autocomplete_activity"]
    activity: Option<String>,
    #[description = "what was done"] comment: Option<String>,
) -> Result<(), Error> {
    let Some(member) = member(ctx) else {
        return Ok(());
    };
    let channel = domain::ChannelId::new(ctx.channel_id().get()).ok();
    answer(
        ctx,
        ctx.data().bot.hours(
            &member,
            channel,
            &hours,
            ticket.as_deref(),
            activity.as_deref(),
            comment.as_deref(),
        ),
    )
    .await;
    Ok(())
}
