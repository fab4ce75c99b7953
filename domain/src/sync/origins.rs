//! Reading origins back: which messages and notes are the threader's own mirrors (their
//! origin markers), and which journals someone other than the threader made. Both sides of
//! exactly-once lean on these, so they live together.

use std::collections::BTreeMap;

use super::{SyncInput, ThreadLink};
use crate::chat::message::ChatMessage;
use crate::ids::{JournalId, MessageId, UserId};
use crate::render::mirror;
use crate::ticket::{Change, Journal, Ticket};

/// Whether `message` is the bot's starter message for `ticket` (it carries the ticket link).
#[must_use]
pub fn is_starter_of(message: &ChatMessage, ticket: &Ticket) -> bool {
    message.author_is_bot
        && message
            .content
            .contains(&mirror::origin_marker(&ticket.url))
}

/// Whether a journal's note came from this thread (a mirrored message). Only the threader's
/// own origin line counts: a person's note that links to a message of the thread is theirs,
/// and goes to the thread like any other.
pub(super) fn came_from_thread(journal: &Journal, link: &ThreadLink) -> bool {
    journal.text.contains(&mirror::note_origin(link))
}

/// The note the threader wrote on a ticket for message `message` of thread `link`, among
/// the ticket's `journals`: the first whose text ends with that message's origin line
/// ([`mirror::message_marker`], a closed marker, so message 4's is never message 40's). A
/// note that only quotes the line somewhere inside is a person's, not the threader's.
#[must_use]
pub fn note_for_message(
    journals: &[Journal],
    link: &ThreadLink,
    message: MessageId,
) -> Option<JournalId> {
    let marker = mirror::message_marker(link, message);
    journals
        .iter()
        .find(|journal| journal.text.trim_end().ends_with(&marker))
        .map(|journal| journal.id)
}

/// The threader's mirrors of journals found in the thread: each message with its piece mark.
pub(super) type Mirrors<'m> = BTreeMap<JournalId, Vec<(&'m ChatMessage, Option<(usize, usize)>)>>;

/// The threader's mirrors of this ticket's journals among the messages read, by journal:
/// each with its piece mark (`None` for a mirror in one message).
pub(super) fn mirrors_found<'m>(input: &SyncInput<'m>) -> Mirrors<'m> {
    let mut found: Mirrors<'m> = BTreeMap::new();
    for message in input
        .messages
        .iter()
        .filter(|message| message.author_is_bot)
    {
        let Some((origin, part)) = mirror::mirrored_origin(input.ticket.id, &message.content)
        else {
            continue;
        };
        if let Some(journal) = input.links.journal_id(input.ticket, origin) {
            found.entry(journal).or_default().push((message, part));
        }
    }
    found
}

/// Whether a journal is one the threader itself made and nobody needs to see: a change of
/// its own fields only, by its own user.
#[must_use]
pub fn is_own_bookkeeping(journal: &Journal, bot_user: Option<UserId>) -> bool {
    bot_user.is_some_and(|bot| journal.author_id == Some(bot))
        && !journal.has_note()
        && journal
            .changes
            .iter()
            .all(|change| matches!(change, Change::Other))
}

/// Journals newer than `seen` that someone other than the threader made, which a pass must
/// look at again (they landed while it was working).
#[must_use]
pub fn foreign_since<'a>(
    ticket: &'a Ticket,
    seen: Option<JournalId>,
    link: &ThreadLink,
    bot_user: Option<UserId>,
) -> Vec<&'a Journal> {
    ticket
        .journals
        .iter()
        .filter(|journal| seen.is_none_or(|seen| journal.id > seen))
        .filter(|journal| !came_from_thread(journal, link))
        .filter(|journal| !is_own_bookkeeping(journal, bot_user))
        .collect()
}
