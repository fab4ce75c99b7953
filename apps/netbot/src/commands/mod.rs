//! The slash commands: thin poise glue around `ports::bot`. Each command answers through
//! `discord::answer` (defer first, then the reply with mentions off).

mod admin;
mod sites;
mod status;
mod tickets;

use chrono::Utc;
use domain::{Member, Reply};
use netbox::Netbox;
use poise::serenity_prelude as serenity;
use ports::bot::Bot;
use redmine::{Redmine, RedmineDirectory};

/// The bot's use cases over the real adapters.
pub type NetBot = Bot<Redmine, Netbox, RedmineDirectory>;

/// What every command can reach: the bot (shared with the identity refresh timer).
pub struct Data {
    /// The bot.
    pub bot: std::sync::Arc<NetBot>,
    /// Discord as the `Chat` port, over the gateway client's HTTP (for `/thread`).
    pub chat: discord::DiscordChat,
}

/// poise's error type for this bot.
pub type Error = Box<dyn std::error::Error + Send + Sync>;

/// poise's context for this bot.
pub type Context<'a> = poise::Context<'a, Data, Error>;

/// Every command, for registration.
pub fn all() -> Vec<poise::Command<Data, Error>> {
    vec![
        tickets::tickets(),
        tickets::ticket(),
        tickets::new(),
        tickets::thread(),
        tickets::query(),
        tickets::hours(),
        status::status(),
        sites::site(),
        admin::link(),
    ]
}

/// Who invoked the command, from which server, with which roles; `None` only if Discord
/// sent a zero id, which it never hands out.
fn member(ctx: Context<'_>) -> Option<Member> {
    let role_ids = match ctx {
        poise::Context::Application(app) => app
            .interaction
            .member
            .as_ref()
            .map(|member| {
                member
                    .roles
                    .iter()
                    .filter_map(|role| domain::RoleId::new(role.get()).ok())
                    .collect()
            })
            .unwrap_or_default(),
        poise::Context::Prefix(_) => Vec::new(),
    };
    let guild_id = match ctx.guild_id() {
        Some(guild) => Some(domain::GuildId::new(guild.get()).ok()?),
        None => None,
    };
    Some(Member {
        id: domain::DiscordUserId::new(ctx.author().id.get()).ok()?,
        guild_id,
        role_ids,
    })
}

/// Runs `work` the way every command answers: defer, work, deliver.
async fn answer(ctx: Context<'_>, work: impl std::future::Future<Output = Reply>) {
    let poise::Context::Application(app) = ctx else {
        return;
    };
    let interaction = discord::InteractionRef {
        id: app.interaction.id,
        token: app.interaction.token.clone().into(),
    };
    let command = ctx.command().qualified_name.clone();
    discord::answer(ctx.http(), &interaction, &command, work).await;
}

/// Autocomplete choices from `(shown, value)` pairs.
fn choices(pairs: Vec<(String, String)>) -> serenity::CreateAutocompleteResponse {
    serenity::CreateAutocompleteResponse::new().set_choices(
        pairs
            .into_iter()
            .map(|(name, value)| serenity::AutocompleteChoice::new(shorten(&name), value))
            .collect(),
    )
}

/// Discord's limit on a choice's name is 100 characters.
fn shorten(name: &str) -> String {
    name.chars().take(100).collect()
}

/// "Now", for ages in replies.
fn now() -> chrono::DateTime<Utc> {
    Utc::now()
}

/// The one error handler: logs without the request URLs serenity would print (they hold
/// interaction tokens).
pub async fn on_error(error: poise::FrameworkError<'_, Data, Error>) {
    match error {
        poise::FrameworkError::Setup { error, .. } => {
            tracing::error!(error = %error, "could not register the commands");
        }
        poise::FrameworkError::Command { error, ctx, .. } => {
            tracing::warn!(command = %ctx.command().name, error = %error, "a command failed");
        }
        poise::FrameworkError::ArgumentParse { ctx, input, .. } => {
            tracing::info!(command = %ctx.command().name, ?input, "could not read the arguments");
        }
        poise::FrameworkError::GuildOnly { ctx, .. } => {
            tracing::info!(command = %ctx.command().name, "refused a command outside a server");
        }
        other => tracing::warn!(error = %other, "netbot could not handle an event"),
    }
}

#[cfg(test)]
mod tests {
    /// Discord refuses to register a command whose name or description, or an option's,
    /// is longer than this (and the whole registration with it).
    const DESCRIPTION_LIMIT: usize = 100;

    #[test]
    fn every_description_fits_discords_limit() {
        for command in super::all() {
            let description = command.description.clone().unwrap_or_default();
            assert!(
                (1..=DESCRIPTION_LIMIT).contains(&description.chars().count()),
                "/{}: {description:?}",
                command.name
            );
            for parameter in &command.parameters {
                let text = parameter.description.clone().unwrap_or_default();
                assert!(
                    (1..=DESCRIPTION_LIMIT).contains(&text.chars().count()),
                    "/{} {}: {text:?} is {} characters",
                    command.name,
                    parameter.name,
                    text.chars().count()
                );
            }
        }
    }
}
