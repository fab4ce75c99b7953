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

/// The fields a template may use, for error messages and documentation.
pub const FIELDS: &str =
    "id, subject, status, priority, tracker, project, assigned_to, author, url, age, updated";

/// Checks that a line template compiles and uses only known fields (see [`FIELDS`]).
///
/// # Errors
/// minijinja's message, in one line.
pub fn check(source: &str) -> Result<(), String> {
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
    strict(source)?
        .get_template("line")
        .and_then(|template| template.render(sample))
        .map(drop)
        .map_err(|error| format!("{error} (fields: {FIELDS})"))
}

fn strict(source: &str) -> Result<Environment<'_>, String> {
    let mut environment = Environment::new();
    environment.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
    environment
        .add_template("line", source)
        .map_err(|error| error.to_string())?;
    Ok(environment)
}

/// Each ticket rendered by the line template, fitted into one Discord message.
///
/// # Errors
/// minijinja's message when the template does not render.
pub fn ticket_lines(
    source: &str,
    tickets: &[Ticket],
    now: DateTime<Utc>,
    see_all: &str,
) -> Result<String, String> {
    let environment = strict(source)?;
    let template = environment
        .get_template("line")
        .map_err(|error| error.to_string())?;
    let lines = tickets
        .iter()
        .map(|ticket| {
            template
                .render(fields(ticket, now))
                // The fields are escaped already: keep their mention-defusing zero-width
                // spaces, drop only what the template itself may have added.
                .map(|line| super::sanitize_controls(&line, false))
                .map_err(|error| error.to_string())
        })
        .collect::<Result<Vec<String>, String>>()?;
    Ok(fit_lines(&lines, "No tickets.", see_all))
}
