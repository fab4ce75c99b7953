//! Saved queries' line templates (minijinja), the original tool's "command → query + format":
//! one line per ticket, with everything from outside escaped before the template sees it.

use chrono::{DateTime, Utc};
use minijinja::Environment;
use serde::Serialize;

use super::discord::{escape, fit_lines};
use crate::age::age;
use crate::ticket::Ticket;

/// The values a line template can use, each already escaped for Discord.
#[derive(Debug, Serialize)]
struct TicketFields {
    id: u64,
    subject: String,
    status: String,
    priority: String,
    tracker: String,
    project: String,
    assigned_to: String,
    author: String,
    url: String,
    age: String,
    updated: String,
}

fn fields(ticket: &Ticket, now: DateTime<Utc>) -> TicketFields {
    TicketFields {
        id: ticket.id.get(),
        subject: escape(&ticket.subject),
        status: escape(&ticket.status.name),
        priority: escape(&ticket.priority.name),
        tracker: escape(&ticket.tracker.name),
        project: escape(&ticket.project.name),
        assigned_to: ticket
            .assigned_to
            .as_ref()
            .map_or_else(|| String::from("nobody"), |who| escape(who.name())),
        author: escape(&ticket.author),
        url: ticket.url.replace('>', "%3E"),
        age: age(ticket.created_on, now),
        updated: age(ticket.updated_on, now),
    }
}

/// Why a line template cannot be used. The message carries minijinja's own (there is no
/// `#[source]`, so a chain of causes says it once).
#[derive(Debug, thiserror::Error)]
pub enum TemplateError {
    /// The template does not compile, or uses a field that does not exist.
    #[error("{0} (fields: {FIELDS})")]
    Invalid(minijinja::Error),
    /// The template did not render a ticket.
    #[error("{0}")]
    Render(minijinja::Error),
}

/// The fields a template may use, for error messages and documentation.
pub const FIELDS: &str =
    "id, subject, status, priority, tracker, project, assigned_to, author, url, age, updated";

/// Checks that a line template compiles and uses only known fields (see [`FIELDS`]).
///
/// # Errors
/// [`TemplateError::Invalid`] with minijinja's message.
pub fn check(source: &str) -> Result<(), TemplateError> {
    let sample = TicketFields {
        id: 1,
        subject: String::new(),
        status: String::new(),
        priority: String::new(),
        tracker: String::new(),
        project: String::new(),
        assigned_to: String::new(),
        author: String::new(),
        url: String::new(),
        age: String::new(),
        updated: String::new(),
    };
    strict(source)
        .and_then(|environment| {
            environment
                .get_template("line")
                .and_then(|template| template.render(sample))
                .map(drop)
        })
        .map_err(TemplateError::Invalid)
}

fn strict(source: &str) -> Result<Environment<'_>, minijinja::Error> {
    let mut environment = Environment::new();
    environment.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
    environment.add_template("line", source)?;
    Ok(environment)
}

/// Each ticket rendered by the line template, fitted into one Discord message.
///
/// # Errors
/// [`TemplateError::Render`] with minijinja's message when the template does not render.
pub fn ticket_lines(
    source: &str,
    tickets: &[Ticket],
    now: DateTime<Utc>,
    see_all: &str,
) -> Result<String, TemplateError> {
    let environment = strict(source).map_err(TemplateError::Render)?;
    let template = environment
        .get_template("line")
        .map_err(TemplateError::Render)?;
    let lines = tickets
        .iter()
        .map(|ticket| {
            template
                .render(fields(ticket, now))
                // The fields are escaped already: keep their mention-defusing zero-width
                // spaces, drop only what the template itself may have added.
                .map(|line| super::sanitize_controls(&line, false))
                .map_err(TemplateError::Render)
        })
        .collect::<Result<Vec<String>, TemplateError>>()?;
    Ok(fit_lines(&lines, "No tickets.", see_all))
}
