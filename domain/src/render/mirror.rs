//! The sync's texts: the mirrors the threader posts in a thread (the description, a journal, a
//! piece of a long one) and the notes it writes on a ticket (a thread message), each ending in
//! its origin. `domain::sync` decides what is mirrored where; this module only words it.
//!
//! Origins are closed markers, so journal 12's is never found in journal 123's: a journal's
//! mirror carries `(<JOURNAL_LINK>)` (as the tracker's `TicketLinks` shape it), a message's
//! note `(from Discord: https://discord.com/channels/GUILD/THREAD/MESSAGE)`.

use std::collections::{BTreeMap, BTreeSet};

use super::discord::{escape, link};
use super::sanitize;
use crate::chat::message::ChatMessage;
use crate::files::NotKept;
use crate::ids::{JournalId, MessageId, UserId};
use crate::sync::{SyncInput, ThreadLink, THREAD_NAME_LIMIT};
use crate::ticket::{Change, Journal, Status, Ticket, TicketFile, TicketId};
use crate::tracker_links::TicketLinks;

/// A thread's name for a ticket: `#42 Subject`, clamped to Discord's 100 characters.
#[must_use]
pub fn thread_name(ticket: &Ticket) -> String {
    let name = sanitize(&format!("#{} {}", ticket.id, ticket.subject.trim()), false);
    if name.chars().count() <= THREAD_NAME_LIMIT {
        return name;
    }
    let mut clamped: String = name.chars().take(THREAD_NAME_LIMIT - 1).collect();
    clamped.push('…');
    clamped
}

/// The first message in the channel, from which the thread is started: the ticket's line
/// with its link (the link is how a crashed creation finds its message again).
#[must_use]
pub fn starter_text(ticket: &Ticket) -> String {
    format!(
        "**{}** {} ({}, {})",
        link(&format!("#{}", ticket.id), &ticket.url),
        escape(&ticket.subject),
        escape(&ticket.status.name),
        escape(&ticket.priority.name),
    )
}

/// How a mirror in the thread names its origin: `(<ORIGIN>)`.
#[must_use]
pub fn origin_marker(origin: &str) -> String {
    format!("(<{origin}>)")
}

/// The address a journal's mirror links to (its origin).
#[must_use]
pub fn journal_origin(input: &SyncInput<'_>, journal: JournalId) -> String {
    input.links.journal(input.ticket, journal)
}

/// How every note mirroring a message of this thread ends, up to the message id:
/// `(from Discord: https://discord.com/channels/GUILD/THREAD/`.
#[must_use]
pub fn note_origin(link: &ThreadLink) -> String {
    format!("(from Discord: {link}/")
}

/// The marker a message's note carries: `(from Discord: …/channels/GUILD/THREAD/MESSAGE)`.
#[must_use]
pub fn message_marker(link: &ThreadLink, message: MessageId) -> String {
    format!("(from Discord: {})", link.message_url(message))
}

/// How a piece of a long mirror marks its number: `part P/N]`.
#[must_use]
pub fn part_mark(part: usize, n: usize) -> String {
    format!("part {part}/{n}]")
}

/// One piece of a long mirror: the piece, then `-# [#ID part P/N](<ORIGIN>)`.
#[must_use]
pub fn piece(ticket: TicketId, text: &str, (part, n): (usize, usize), origin: &str) -> String {
    format!(
        "{text}\n-# {}",
        link(&format!("#{ticket} part {part}/{n}"), origin)
    )
}

/// Defuses mentions in a note's text while keeping its markdown (the empty
/// `allowed_mentions` is the second guard): a zero-width space after the `@`.
fn defuse_mentions(text: &str) -> String {
    text.replace("@everyone", "@\u{200B}everyone")
        .replace("@here", "@\u{200B}here")
        .replace("<@", "<@\u{200B}")
}

fn status_name(statuses: &[Status], id: Option<u64>) -> String {
    id.map_or_else(
        || String::from("none"),
        |id| {
            statuses
                .iter()
                .find(|status| status.id.get() == id)
                .map_or_else(|| format!("#{id}"), |status| status.name.clone())
        },
    )
}

fn person_name(people: &BTreeMap<UserId, String>, id: Option<u64>) -> String {
    id.map_or_else(
        || String::from("nobody"),
        |id| {
            UserId::new(id)
                .ok()
                .and_then(|user| people.get(&user))
                .cloned()
                .unwrap_or_else(|| format!("#{id}"))
        },
    )
}

/// The message mirroring one journal, or `None` when it has nothing people read (a change
/// to another field, the threader's own state). `closing` says whether the journal closed
/// (`Some(true)`) or reopened (`Some(false)`) the ticket, as the planner decided.
#[must_use]
pub fn journal(
    input: &SyncInput<'_>,
    journal: &Journal,
    closing: Option<bool>,
    sent: &BTreeSet<u64>,
) -> Option<String> {
    let mut changes = Vec::new();
    let mut attachments = Vec::new();
    let mut has_files = false;
    for change in &journal.changes {
        match change {
            Change::Status { from, to } => changes.push(format!(
                "status: {} → {}",
                escape(&status_name(input.statuses, *from)),
                escape(&status_name(input.statuses, *to))
            )),
            Change::Assignee { from, to } => changes.push(format!(
                "assignee: {} → {}",
                escape(&person_name(input.people, *from)),
                escape(&person_name(input.people, *to))
            )),
            // A file sent with the message needs no link; any other is linked.
            Change::Attachment { id, .. } if sent.contains(id) => has_files = true,
            Change::Attachment { id, name } => {
                attachments.push(file_link(*id, name, input.links));
            }
            Change::Other => {}
        }
    }
    if !journal.has_note() && changes.is_empty() && attachments.is_empty() && !has_files {
        return None;
    }
    let origin = link(
        &format!("#{}", input.ticket.id),
        &journal_origin(input, journal.id),
    );
    let mut text = format!("**{}** on {origin}", escape(&journal.author));
    if !changes.is_empty() {
        text.push_str(" · ");
        text.push_str(&changes.join(", "));
    }
    if journal.has_note() {
        text.push('\n');
        text.push_str(&defuse_mentions(sanitize(journal.text.trim(), true).trim()));
    }
    for line in attachments {
        text.push('\n');
        text.push_str(&line);
    }
    match closing {
        Some(true) => text.push_str("\nThe ticket is closed: this thread is archived."),
        Some(false) => text.push_str("\nThe ticket is open again."),
        None => {}
    }
    Some(text)
}

/// A link to one of the tracker's files: `📎 [name](<LINK>)`.
#[must_use]
pub fn file_link(id: u64, name: &str, links: &TicketLinks) -> String {
    format!("📎 {}", link(name, &links.attachment(id)))
}

/// A mirror's text with links to the tracker's files that could not go as files (Discord
/// refused them), one a line at the end.
#[must_use]
pub fn with_file_links(text: &str, files: &[TicketFile], links: &TicketLinks) -> String {
    let mut text = text.to_owned();
    for file in files {
        text.push('\n');
        text.push_str(&file_link(file.id, &file.name, links));
    }
    text
}

/// The description's message, posted first in a new thread; `linked` are its files that go
/// as links (the others go with it as files).
#[must_use]
pub fn description(ticket: &Ticket, linked: &[TicketFile], links: &TicketLinks) -> String {
    let mut text = format!(
        "**{}** {}",
        link(&format!("#{}", ticket.id), &ticket.url),
        escape(&ticket.subject)
    );
    let description = sanitize(ticket.description.trim(), true);
    if !description.trim().is_empty() {
        text.push('\n');
        text.push_str(&defuse_mentions(description.trim()));
    }
    with_file_links(&text, linked, links)
}

/// The note mirroring one thread message; `mapped` when it is written as the member's own
/// tracker user (else it names the author). Its files are not in the text: they are attached
/// to the note itself.
#[must_use]
pub fn message_note(link: &ThreadLink, message: &ChatMessage, mapped: bool) -> String {
    let mut parts = Vec::new();
    if !mapped {
        parts.push(format!("{} on Discord wrote:", message.author_name.trim()));
    }
    let content = message.content.trim();
    if !content.is_empty() {
        parts.push(content.to_owned());
    }
    // The message's files travel with the note as the tracker's own attachments (the
    // executor uploads them); a file that could not be kept is named by [`with_not_kept`].
    parts.push(message_marker(link, message.id));
    parts.join("\n\n")
}

/// A message's note with the files that were not kept named before its origin line, one a
/// line: `(not kept: report.pdf, 48 MB, over Redmine's limit)`.
#[must_use]
pub fn with_not_kept(note: &str, not_kept: &[NotKept]) -> String {
    if not_kept.is_empty() {
        return note.to_owned();
    }
    let lines: Vec<String> = not_kept.iter().map(ToString::to_string).collect();
    let lines = lines.join("\n");
    match note.rfind("\n\n(from Discord: ") {
        Some(at) => format!("{}\n\n{lines}{}", &note[..at], &note[at..]),
        None => format!("{lines}\n\n{note}"),
    }
}
