//! Text for people at a terminal: an aligned table for lists, a details view for one ticket.
//!
//! Colour is a parameter: the caller decides whether its output is a terminal.

use std::fmt::Write as _;

use chrono::{DateTime, Utc};
use comfy_table::{presets, Attribute, Cell, Color, ContentArrangement, Table};

use super::sanitize;
use crate::age::age;
use crate::site::{Site, SiteDetails};
use crate::ticket::Ticket;

/// Whether to colour the output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Colour {
    /// ANSI colours, for a terminal.
    Always,
    /// Plain text, for pipes, files and tests.
    Never,
}

fn priority_colour(priority: &str) -> Option<Color> {
    match priority.to_lowercase().as_str() {
        "immediate" | "urgent" => Some(Color::Red),
        "high" => Some(Color::Yellow),
        _ => None,
    }
}

fn styled(text: String, colour: Option<Color>) -> Cell {
    let cell = Cell::new(text);
    match colour {
        Some(colour) => cell.fg(colour),
        None => cell,
    }
}

/// The longest text a table cell shows, in characters: the layout's cost grows with the
/// square of a cell's length, and a row is read at a glance anyway.
const MAX_CELL_CHARS: usize = 200;

/// A table cell's text: sanitised, and cut to [`MAX_CELL_CHARS`] before any layout.
fn cell_text(text: &str) -> String {
    let mut chars = text.chars();
    let head: String = chars.by_ref().take(MAX_CELL_CHARS).collect();
    let mut cell = sanitize(&head, false);
    if chars.next().is_some() {
        cell.push('…');
    }
    cell
}

fn assignee(ticket: &Ticket) -> String {
    ticket
        .assigned_to
        .as_ref()
        .map_or_else(|| String::from("-"), |who| cell_text(who.name()))
}

/// The aligned table of a list: id, status, priority, age, assignee, subject.
///
/// An empty list says so in words rather than printing a bare header.
#[must_use]
pub fn ticket_table(tickets: &[Ticket], now: DateTime<Utc>, colour: Colour) -> String {
    let rows = tickets.iter().map(|ticket| {
        vec![
            Cell::new(format!("#{}", ticket.id)).add_attribute(Attribute::Bold),
            Cell::new(cell_text(&ticket.status.name)),
            styled(
                cell_text(&ticket.priority.name),
                priority_colour(&ticket.priority.name),
            ),
            Cell::new(age(ticket.created_on, now)),
            Cell::new(assignee(ticket)),
            Cell::new(cell_text(&ticket.subject)),
        ]
    });
    aligned(
        &["ID", "STATUS", "PRIORITY", "AGE", "ASSIGNEE", "SUBJECT"],
        rows,
        "ticket",
        colour,
    )
}

/// An aligned, borderless table with a bold header and a closing count ("3 tickets"); an
/// empty one says "No tickets." instead of printing a bare header.
fn aligned(
    header: &[&str],
    rows: impl ExactSizeIterator<Item = Vec<Cell>>,
    noun: &str,
    colour: Colour,
) -> String {
    let n_rows = rows.len();
    if n_rows == 0 {
        return format!("No {noun}s.\n");
    }
    let mut table = Table::new();
    table
        .load_preset(presets::NOTHING)
        .set_content_arrangement(ContentArrangement::Disabled);
    match colour {
        Colour::Always => table.enforce_styling(),
        Colour::Never => table.force_no_tty(),
    };
    table.set_header(
        header
            .iter()
            .map(|title| Cell::new(title).add_attribute(Attribute::Bold)),
    );
    for row in rows {
        table.add_row(row);
    }
    for column in table.column_iter_mut() {
        column.set_padding((0, 2));
    }
    let mut out = String::new();
    for line in table.lines() {
        out.push_str(line.trim_end());
        out.push('\n');
    }
    let _ = writeln!(out, "{n_rows} {noun}{}", if n_rows == 1 { "" } else { "s" });
    out
}

fn bold(text: &str, colour: Colour) -> String {
    match colour {
        Colour::Always => format!("\u{1b}[1m{text}\u{1b}[0m"),
        Colour::Never => text.to_owned(),
    }
}

/// One ticket in full: its fields, description and every note with author and age.
#[must_use]
pub fn ticket_details(ticket: &Ticket, now: DateTime<Utc>, colour: Colour) -> String {
    let mut out = String::new();
    let title = format!("#{} {}", ticket.id, sanitize(&ticket.subject, false));
    let _ = writeln!(out, "{}", bold(&title, colour));
    let fields = [
        ("Status", sanitize(&ticket.status.name, false)),
        ("Priority", sanitize(&ticket.priority.name, false)),
        ("Tracker", sanitize(&ticket.tracker.name, false)),
        ("Project", sanitize(&ticket.project.name, false)),
        ("Assignee", assignee(ticket)),
        (
            "Author",
            format!(
                "{}, {} ago",
                sanitize(&ticket.author, false),
                age(ticket.created_on, now)
            ),
        ),
        ("Updated", format!("{} ago", age(ticket.updated_on, now))),
        ("URL", ticket.url.clone()),
    ];
    for (name, value) in fields {
        let _ = writeln!(out, "{:<10}{value}", format!("{name}:"));
    }
    let description = sanitize(ticket.description.trim(), true);
    if !description.is_empty() {
        let _ = writeln!(out, "\n{description}");
    }
    if ticket.notes().next().is_none() {
        let _ = writeln!(out, "\nNo notes.");
    }
    for note in ticket.notes() {
        let heading = format!(
            "--- {}, {} ago (note {})",
            sanitize(&note.author, false),
            age(note.created_on, now),
            note.id
        );
        let _ = writeln!(out, "\n{}", bold(&heading, colour));
        let _ = writeln!(out, "{}", sanitize(note.text.trim(), true));
    }
    out
}

/// The aligned table of sites: slug, name, status, region.
#[must_use]
pub fn site_table(sites: &[Site], colour: Colour) -> String {
    let rows = sites.iter().map(|site| {
        vec![
            Cell::new(cell_text(&site.slug)).add_attribute(Attribute::Bold),
            Cell::new(cell_text(&site.name)),
            Cell::new(cell_text(&site.status)),
            Cell::new(
                site.region
                    .as_deref()
                    .map_or_else(|| String::from("-"), cell_text),
            ),
        ]
    });
    aligned(&["SLUG", "NAME", "STATUS", "REGION"], rows, "site", colour)
}

/// One site in full: its fields, what stands there, its link and description.
#[must_use]
pub fn site_details(details: &SiteDetails, colour: Colour) -> String {
    let site = &details.site;
    let mut out = String::new();
    let title = format!(
        "{} ({})",
        sanitize(&site.name, false),
        sanitize(&site.slug, false)
    );
    let _ = writeln!(out, "{}", bold(&title, colour));
    let optional = |value: Option<&str>| {
        value.map_or_else(|| String::from("-"), |value| sanitize(value, false))
    };
    let counts = details.counts;
    let fields = [
        ("Status", sanitize(&site.status, false)),
        ("Region", optional(site.region.as_deref())),
        ("Tenant", optional(site.tenant.as_deref())),
        ("Facility", optional(site.facility.as_deref())),
        ("Address", optional(site.physical_address.as_deref())),
        (
            "Location",
            site.coordinates.map_or_else(
                || String::from("-"),
                |(latitude, longitude)| format!("{latitude}, {longitude}"),
            ),
        ),
        ("Devices", counts.devices.to_string()),
        ("Prefixes", counts.prefixes.to_string()),
        ("Circuits", counts.circuits.to_string()),
        ("URL", site.url.clone()),
    ];
    for (name, value) in fields {
        let _ = writeln!(out, "{:<10}{value}", format!("{name}:"));
    }
    if let Some(description) = site.description.as_deref() {
        let _ = writeln!(out, "\n{}", sanitize(description.trim(), true));
    }
    out
}
