//! The sync's texts: the mirrors the threader posts in a thread (the description, a journal, a
//! piece of a long one) and the notes it writes on a ticket (a thread message), each ending in
//! its origin. `domain::sync` decides what is mirrored where; this module only words it.
//!
//! Origins are closed markers, so journal 12's is never found in journal 123's: a journal's
//! mirror carries `(<JOURNAL_LINK>)` (as the tracker's `TicketLinks` shape it), a message's
//! note `(from Discord: https://discord.com/channels/GUILD/THREAD/MESSAGE)`. A mirror's origin
//! is read back from its own lines by [`mirrored_origin`]; a deleted note's mirror becomes
//! [`deleted`]'s one line.

use std::collections::{BTreeMap, BTreeSet};

use super::discord::{escape, link};
use super::sanitize;
use crate::chat::message::ChatMessage;
use crate::files::NotKept;
use crate::ids::{JournalId, MessageId, UserId};
use crate::mentions::{self, ChatNames, TrackerNames};
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

/// The one line that replaces the mirror of a note deleted in Redmine (or emptied of all
/// that a mirror shows), keeping its origin so the note is never posted again.
#[must_use]
pub fn deleted(ticket: TicketId, origin: &str) -> String {
    format!(
        "-# A note on {} was deleted in Redmine.",
        link(&format!("#{ticket}"), origin)
    )
}

/// What a piece of a deleted note's long mirror says instead of its text.
pub const DELETED_PIECE: &str = "-# (deleted in Redmine)";

/// What a piece says when an edit made the note shorter than its mirror's pieces.
pub const EMPTY_PIECE: &str = "-# (nothing more: the note was shortened in Redmine)";

/// How a mirror that an edit made longer than its messages ends.
pub const CUT_LINE: &str = "-# … (cut: the note grew in Redmine, where it is whole)";

/// The origin a mirror the threader posted names, read back from its own lines: a piece of a
/// long mirror names it in its last line (`-# [#ID part P/N](<ORIGIN>)`, with `(P, N)`), any
/// other mirror in its first (`**Author** on [#ID](<ORIGIN>) …`, or the description's
/// `**[#ID](<ORIGIN>)** …`). A person's text inside a mirror cannot pass for either: names
/// and subjects are escaped, and a note's lines are neither the first nor a piece's last.
#[must_use]
pub fn mirrored_origin(ticket: TicketId, text: &str) -> Option<(&str, Option<(usize, usize)>)> {
    let text = text.trim();
    let last = text.lines().last()?.trim();
    if let Some(rest) = last.strip_prefix(&format!("-# [#{ticket} part ")) {
        let (count, origin) = rest.split_once("](<")?;
        let origin = origin.strip_suffix(">)")?;
        let (part, n) = count.split_once('/')?;
        let (part, n) = (part.parse().ok()?, n.parse().ok()?);
        return (1..=n).contains(&part).then_some((origin, Some((part, n))));
    }
    let first = text.lines().next()?;
    let opening = format!("[#{ticket}](<");
    let start = first.find(&opening)? + opening.len();
    let length = first[start..].find(">)")?;
    Some((&first[start..start + length], None))
}

/// How a tracker text's `@login` mentions are read, for this sync.
fn tracker_names<'a>(input: &SyncInput<'a>) -> TrackerNames<'a> {
    TrackerNames {
        logins: input.logins,
        members: input.users,
        people: input.people,
    }
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
        let note = sanitize(journal.text.trim(), true);
        text.push_str(&mentions::to_chat(note.trim(), &tracker_names(input)));
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
/// refused them), one a line at the end (before a piece's mark, which stays last so the
/// piece's origin is still read back from it).
#[must_use]
pub fn with_file_links(text: &str, files: &[TicketFile], links: &TicketLinks) -> String {
    let lines: Vec<String> = files
        .iter()
        .map(|file| file_link(file.id, &file.name, links))
        .collect();
    if lines.is_empty() {
        return text.to_owned();
    }
    let lines = lines.join("\n");
    match text.rsplit_once('\n') {
        Some((body, last)) if is_piece_mark(last) => format!("{body}\n{lines}\n{last}"),
        _ => format!("{text}\n{lines}"),
    }
}

/// Whether a line is a piece's mark: `-# [#ID part P/N](<ORIGIN>)`.
fn is_piece_mark(line: &str) -> bool {
    let line = line.trim();
    line.starts_with("-# [#") && line.contains(" part ") && line.ends_with(">)")
}

/// A found mirror's text without the links to `files` that the executor added when they
/// could not go as files (the tracker no longer had one, or the chat refused them), and
/// those files: what is left is what the plan rendered, so comparing it with what the plan
/// renders now tells an edit from a fallback.
#[must_use]
pub fn without_file_links(
    text: &str,
    files: &[TicketFile],
    links: &TicketLinks,
) -> (String, Vec<TicketFile>) {
    let mut linked = Vec::new();
    let kept: Vec<&str> = text
        .lines()
        .filter(|line| {
            let file = files
                .iter()
                .find(|file| line.trim() == file_link(file.id, &file.name, links));
            if let Some(file) = file {
                linked.push(file.clone());
            }
            file.is_none()
        })
        .collect();
    (kept.join("\n"), linked)
}

/// The description's message, posted first in a new thread; `linked` are its files that go
/// as links (the others go with it as files).
#[must_use]
pub fn description(input: &SyncInput<'_>, linked: &[TicketFile]) -> String {
    let ticket = input.ticket;
    let mut text = format!(
        "**{}** {}",
        link(&format!("#{}", ticket.id), &ticket.url),
        escape(&ticket.subject)
    );
    let description = sanitize(ticket.description.trim(), true);
    if !description.trim().is_empty() {
        text.push('\n');
        text.push_str(&mentions::to_chat(
            description.trim(),
            &tracker_names(input),
        ));
    }
    with_file_links(&text, linked, input.links)
}

/// The note mirroring one thread message; `mapped` when it is written as the member's own
/// tracker user (else it names the author). Discord's markup reads as people and names
/// (`domain::mentions::to_tracker`). Its files are not in the text: they are attached to the
/// note itself.
#[must_use]
pub fn message_note(input: &SyncInput<'_>, message: &ChatMessage, mapped: bool) -> String {
    let mut parts = Vec::new();
    if !mapped {
        parts.push(format!("{} on Discord wrote:", message.author_name.trim()));
    }
    let content = message.content.trim();
    if !content.is_empty() {
        let names = ChatNames {
            members: input.members,
            users: &message.mentioned,
            guild: input.guild,
        };
        parts.push(mentions::to_tracker(content, &names));
    }
    // The message's files travel with the note as the tracker's own attachments (the
    // executor uploads them); a file that could not be kept is named by [`with_not_kept`].
    parts.push(message_marker(&input.link, message.id));
    parts.join("\n\n")
}

/// Who a note the threader's own user wrote for a member names as its author: the name
/// before ` on Discord wrote:` on its first line ([`message_note`] unmapped), if any.
#[must_use]
pub fn written_for(note: &str) -> Option<&str> {
    note.lines()
        .next()?
        .strip_suffix(" on Discord wrote:")
        .map(str::trim)
        .filter(|name| !name.is_empty())
}

/// The note's text after its message was edited on Discord: the very note
/// [`message_note`] writes for a new message, from the message as it reads now, so its
/// origin line ([`message_marker`]) stays and exactly-once still recognises it. The files
/// stay attached to the note as they were (an edit changes its text only).
#[must_use]
pub fn edited_message_note(input: &SyncInput<'_>, message: &ChatMessage, mapped: bool) -> String {
    message_note(input, message, mapped)
}

/// The note's text after its message was deleted on Discord: one line saying so, who wrote
/// the message and when (read from its id, in UTC), then its origin line ([`message_marker`],
/// so exactly-once still recognises the note and never writes the message again). None of
/// the old text is kept: whoever deleted the message meant it gone. `author` is who wrote it
/// (a display name), kept on one line and unable to mention anyone in the tracker.
#[must_use]
pub fn deleted_message_note(link: &ThreadLink, message: MessageId, author: &str) -> String {
    let author: Vec<&str> = author.split_whitespace().collect();
    let author = match author.join(" ") {
        name if name.is_empty() => String::from("someone"),
        // A zero-width space after every `@`: a name is never a tracker mention.
        name => name.replace('@', "@\u{200B}"),
    };
    format!(
        "A message {author} wrote on Discord at {} was deleted there. {}",
        message.created_at().format("%Y-%m-%d %H:%M UTC"),
        message_marker(link, message)
    )
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

#[cfg(test)]
mod tests {
    use super::written_for;

    #[test]
    fn the_name_a_threaders_note_gives_its_author_is_read_back_and_a_members_note_has_none() {
        assert_eq!(
            written_for("alice on Discord wrote:\n\nOn my way."),
            Some("alice")
        );
        assert_eq!(written_for("On my way.\n\n(from Discord: x)"), None);
        assert_eq!(written_for(" on Discord wrote:\n\nx"), None);
    }
}
