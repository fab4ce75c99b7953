//! Discord markdown: what the bot replies. Links are wrapped in `<…>` so Discord shows no
//! embeds, and text from outside is escaped so it can neither break the line's formatting nor
//! mention anyone (the bot also sends an empty `allowed_mentions`: this is the second guard).

use std::fmt::Write as _;

use chrono::{DateTime, Utc};

use crate::age::age;
use crate::site::{Site, SiteDetails};
use crate::ticket::Ticket;

pub use crate::limits::MESSAGE_LIMIT;

/// Escapes Discord markdown and defuses mentions in text from outside (a subject, a name),
/// for use inside a line: the renderings here never start a line with outside text, so
/// line-start markdown (headings, quotes, lists) cannot be triggered by it.
#[must_use]
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in super::sanitize(text, false).chars() {
        match c {
            '\\' | '*' | '_' | '~' | '`' | '|' | '[' | ']' => {
                out.push('\\');
                out.push(c);
            }
            // A zero-width space after '@' keeps "@everyone", "@here" and "<@123>" inert.
            '@' => out.push_str("@\u{200B}"),
            '<' => out.push_str("<\u{200B}"),
            c => out.push(c),
        }
    }
    out
}

/// A link that Discord shows without an embed: `[text](<url>)`.
#[must_use]
pub fn link(text: &str, url: &str) -> String {
    format!("[{}](<{}>)", escape(text), url.replace('>', "%3E"))
}

/// One line per site: `**[slug](<url>)** - Name`.
#[must_use]
pub fn site_list(sites: &[Site]) -> String {
    if sites.is_empty() {
        return String::from("No sites.");
    }
    let mut out = String::new();
    for site in sites {
        let _ = writeln!(
            out,
            "**{}** - {}",
            link(&site.slug, &site.url),
            escape(&site.name)
        );
    }
    out.trim_end().to_owned()
}

/// One site in full, as a compact block.
#[must_use]
pub fn site_details(details: &SiteDetails) -> String {
    let site = &details.site;
    let mut out = format!(
        "**{}** (`{}`) - {}\n",
        link(&site.name, &site.url),
        site.slug.replace('`', "'"),
        escape(&site.status)
    );
    let fields = [
        ("Region", site.region.as_deref()),
        ("Tenant", site.tenant.as_deref()),
        ("Facility", site.facility.as_deref()),
        ("Address", site.physical_address.as_deref()),
    ];
    for (name, value) in fields {
        if let Some(value) = value {
            let _ = writeln!(out, "{name}: {}", escape(value));
        }
    }
    if let Some((latitude, longitude)) = site.coordinates {
        let _ = writeln!(out, "Location: {latitude}, {longitude}");
    }
    let counts = details.counts;
    let _ = writeln!(
        out,
        "Devices: {} · Prefixes: {} · Circuits: {}",
        counts.devices, counts.prefixes, counts.circuits
    );
    if let Some(description) = site.description.as_deref() {
        let _ = writeln!(out, "> {}", escape(description));
    }
    out.trim_end().to_owned()
}

/// One ticket as a line, the original bot's format:
/// `**[#ID](<URL>)** SUBJECT - PRIORITY - AGE old`.
#[must_use]
pub fn ticket_line(ticket: &Ticket, now: DateTime<Utc>) -> String {
    format!(
        "**{}** {} - {} - {} old",
        link(&format!("#{}", ticket.id), &ticket.url),
        escape(&ticket.subject),
        escape(&ticket.priority.name),
        age(ticket.created_on, now)
    )
}

/// Lines joined into one message of at most [`MESSAGE_LIMIT`] characters, cut at a line
/// boundary with "… and N more" and where to see them all, never in the middle of a line.
#[must_use]
pub fn fit_lines(lines: &[String], empty: &str, see_all: &str) -> String {
    if lines.is_empty() {
        return empty.to_owned();
    }
    let mut out = String::new();
    for (shown, line) in lines.iter().enumerate() {
        let rest = lines.len() - shown - 1;
        let tail = if rest == 0 {
            String::new()
        } else {
            format!("\n… and {rest} more ({see_all})")
        };
        let candidate_len =
            out.chars().count() + usize::from(!out.is_empty()) + line.chars().count();
        if candidate_len + tail.chars().count() > MESSAGE_LIMIT {
            let hidden = lines.len() - shown;
            let _ = write!(out, "\n… and {hidden} more ({see_all})");
            return out;
        }
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(line);
    }
    out
}

/// A list of tickets as one message; `see_all` says where the rest are when it is cut.
#[must_use]
pub fn ticket_list(tickets: &[Ticket], now: DateTime<Utc>, see_all: &str) -> String {
    let lines: Vec<String> = tickets
        .iter()
        .map(|ticket| ticket_line(ticket, now))
        .collect();
    fit_lines(&lines, "No tickets.", see_all)
}

/// A ticket as it stands after a change: its line, then its status, tracker and assignee
/// (what the field actions change, besides the line's subject and priority).
#[must_use]
pub fn ticket_state(ticket: &Ticket, now: DateTime<Utc>) -> String {
    let assignee = ticket
        .assigned_to
        .as_ref()
        .map_or_else(|| String::from("nobody"), |who| escape(who.name()));
    format!(
        "{}\n{} · {} · assigned to {}",
        ticket_line(ticket, now),
        escape(&ticket.status.name),
        escape(&ticket.tracker.name),
        assignee
    )
}

/// One ticket as a compact block: its line, status and assignee, then the latest notes that
/// fit in one message.
#[must_use]
pub fn ticket_details(ticket: &Ticket, now: DateTime<Utc>) -> String {
    let mut out = ticket_state(ticket, now);
    out.push('\n');
    // The description as a quote, line by line, cut at 300 characters.
    let description = shorten(&super::sanitize(ticket.description.trim(), true), 300);
    for line in description.lines().filter(|line| !line.trim().is_empty()) {
        let _ = writeln!(out, "> {}", escape(line.trim()));
    }
    // The latest notes first in importance: keep as many of the newest as fit.
    let mut notes: Vec<String> = Vec::new();
    for note in ticket.notes().rev() {
        let text = format!(
            "**{}**, {} ago: {}",
            escape(&note.author),
            age(note.created_on, now),
            shorten(&escape(&super::sanitize(note.text.trim(), false)), 400)
        );
        let used: usize = notes.iter().map(|n| n.chars().count() + 1).sum();
        if out.chars().count() + used + text.chars().count() + 1 > MESSAGE_LIMIT {
            break;
        }
        notes.push(text);
    }
    for note in notes.iter().rev() {
        let _ = writeln!(out, "{note}");
    }
    out.trim_end().to_owned()
}

/// At most `limit` characters, ending in "…" when cut.
fn shorten(text: &str, limit: usize) -> String {
    if text.chars().count() <= limit {
        return text.to_owned();
    }
    let mut cut: String = text.chars().take(limit.saturating_sub(1)).collect();
    // Never leave a dangling escape backslash at the cut.
    if cut.ends_with('\\') {
        cut.pop();
    }
    cut.push('…');
    cut
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mentions_and_markdown_in_outside_text_are_defused() {
        assert_eq!(
            escape("@everyone **now** <@&123> [x](y)"),
            "@\u{200B}everyone \\*\\*now\\*\\* <\u{200B}@\u{200B}&123> \\[x\\](y)"
        );
    }

    #[test]
    fn links_never_embed() {
        assert_eq!(
            link("othello", "https://nb.example.org/dcim/sites/3/"),
            "[othello](<https://nb.example.org/dcim/sites/3/>)"
        );
    }
}
