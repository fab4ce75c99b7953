//! Following notes edited or deleted in the tracker: which mirrors in the thread no longer
//! say what their journal says, and the text each is rewritten to (never a new post).

use super::origins::{came_from_thread, Mirrors};
use super::{closing, journal_send, rendered, Edit, EditKind, SyncInput, PIECE_LIMIT};
use crate::chat::message::ChatMessage;
use crate::render::mirror;

/// Whether the mirrors found of a journal are cut in another number of pieces than its text
/// now takes: an edit fits the text to them, nothing more is posted.
pub(super) fn reshaped(found: &[(&ChatMessage, Option<(usize, usize)>)], text: &str) -> bool {
    let n = crate::chat::split_message(text, PIECE_LIMIT).len().max(1);
    found
        .iter()
        .any(|(_, part)| part.map_or(1, |(_, total)| total) != n || (n > 1 && part.is_none()))
}

/// A mirror's text fitted to the `n` messages it already has (`None`: one message without
/// piece marks): a longer text is cut, with a line saying so, a shorter one leaves its
/// surplus pieces saying that. Never more messages, so an edit never posts a second copy.
fn fitted(text: &str, n: Option<usize>) -> Vec<String> {
    let count = n.unwrap_or(1);
    let mut split = crate::chat::split_message(text, PIECE_LIMIT);
    if n.is_none() && split.len() <= 1 {
        return vec![text.to_owned()];
    }
    if split.len() > count {
        split.truncate(count);
        if let Some(last) = split.last_mut() {
            let room = PIECE_LIMIT.saturating_sub(mirror::CUT_LINE.chars().count() + 1);
            *last = last.chars().take(room).collect();
            last.push('\n');
            last.push_str(mirror::CUT_LINE);
        }
    }
    while split.len() < count {
        split.push(String::from(mirror::EMPTY_PIECE));
    }
    split
}

/// Whether a message already says `text` (the chat may trim and normalise line ends).
fn says_text(content: &str, text: &str) -> bool {
    content.replace("\r\n", "\n").trim() == text.replace("\r\n", "\n").trim()
}

/// The mirrors in the thread that no longer say what their journal says: a note edited in
/// the tracker (where the tracker tells which notes were edited, only those), or deleted
/// (its journal gone, or left with nothing a mirror shows). Each is rewritten where it is.
pub(super) fn edits(input: &SyncInput<'_>, mirrors: &Mirrors<'_>) -> Vec<Edit> {
    let ticket = input.ticket;
    let mut edits = Vec::new();
    for (&id, found) in mirrors {
        let journal = ticket.journals.iter().find(|journal| journal.id == id);
        if journal.is_some_and(|journal| {
            !journal.may_be_edited() || came_from_thread(journal, &input.link)
        }) {
            continue;
        }
        let send = journal
            .map(|journal| journal_send(input, journal).0)
            .unwrap_or_default();
        let text = journal
            .and_then(|journal| rendered(input, journal, closing(input.statuses, journal), &send));
        let origin = mirror::journal_origin(input, id);
        let kind = if text.is_some() {
            EditKind::Edited
        } else {
            EditKind::Deleted
        };
        for &(message, part) in found {
            let wanted = match (&text, part) {
                (Some(text), None) => fitted(text, None).into_iter().next().unwrap_or_default(),
                (Some(text), Some((p, n))) => {
                    let piece = fitted(text, Some(n))
                        .into_iter()
                        .nth(p - 1)
                        .unwrap_or_default();
                    mirror::piece(ticket.id, &piece, (p, n), &origin)
                }
                (None, None) => mirror::deleted(ticket.id, &origin),
                (None, Some((p, n))) => {
                    mirror::piece(ticket.id, mirror::DELETED_PIECE, (p, n), &origin)
                }
            };
            // Files that went as files but were linked instead (the tracker no longer had
            // one, or the chat refused them) are not an edit, and stay linked in a rewrite.
            let (found, linked) = mirror::without_file_links(&message.content, &send, input.links);
            if !says_text(&found, &wanted) {
                let text = if text.is_some() {
                    mirror::with_file_links(&wanted, &linked, input.links)
                } else {
                    wanted
                };
                edits.push(Edit {
                    journal: id,
                    message: message.id,
                    part: part.unwrap_or((1, 1)),
                    kind,
                    text,
                });
            }
        }
    }
    edits
}
