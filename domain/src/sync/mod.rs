//! What a sync between a ticket and its chat thread must do, decided as a value: what goes
//! where, by ids and kinds (`render::mirror` words the texts).
//!
//! The threader's use case fetches the ticket (with its journals), the thread's newer
//! messages and the stored state, calls [`plan`], and carries out the [`SyncPlan`]. Every
//! branch of the sync lives here, where it is tested without servers.
//!
//! Exactly once rests on *origins*: every message the threader posts carries the link of the
//! journal it mirrors (as the tracker's [`TicketLinks`] shape it), and every note it writes
//! ends with the link of the message it mirrors; both markers are closed, so journal 12's is
//! never found in journal 123's, and a person's text that merely quotes an address is not
//! taken for a mirror. Before writing, the plan looks for that origin on the other side, so a
//! pass that crashed between writing and recording is repaired, never doubled, by the next
//! one. The high-water marks in [`SyncState`] are ids, never clock times; they only make the
//! next look cheaper.
//!
//! The same origins, read back from the mirrors among the thread's newest messages, let the
//! plan follow notes edited or deleted in the tracker: a mirror that no longer says what its
//! journal says is rewritten in place ([`Edit`]), never posted again.

mod edits;
mod origins;
mod state;

use std::collections::{BTreeMap, BTreeSet};

use crate::chat::message::{ChatMessage, GuildNames};
use crate::files;
use crate::ids::{DiscordUserId, JournalId, Login, MessageId, UserId};
use crate::render::mirror;
use crate::ticket::{Change, Journal, Status, Ticket, TicketFile};
use crate::tracker_links::TicketLinks;

pub use crate::render::mirror::{starter_text, thread_name};

pub use crate::limits::THREAD_NAME_LIMIT;

pub use origins::{foreign_since, is_own_bookkeeping, is_starter_of, note_for_message};
pub use state::{
    mark_after_posting, needs_look, MarkAfterPosting, SyncState, ThreadAsk, ThreadLink,
};

use edits::{edits, reshaped};
use origins::{came_from_thread, mirrors_found};

/// Everything the plan for one ticket needs to know.
#[derive(Debug, Clone)]
pub struct SyncInput<'a> {
    /// The ticket with every journal.
    pub ticket: &'a Ticket,
    /// The stored state.
    pub state: SyncState,
    /// The ticket's thread.
    pub link: ThreadLink,
    /// Whether the thread is archived now.
    pub archived: bool,
    /// The thread's messages the pass read, oldest first (the bot's own included): every one
    /// after `state.message`, and the newest ones before it, where the mirrors of notes
    /// edited or deleted in the tracker are found again.
    pub messages: &'a [ChatMessage],
    /// Which Discord members are which tracker logins.
    pub members: &'a BTreeMap<DiscordUserId, Login>,
    /// Every ticket status (for names and for what counts as closed).
    pub statuses: &'a [Status],
    /// Display names of users and teams by tracker id, for assignee changes and mentions.
    pub people: &'a BTreeMap<UserId, String>,
    /// Tracker logins in lower case → the user, for a note's `@login` mentions.
    pub logins: &'a BTreeMap<Login, UserId>,
    /// Tracker users linked to a Discord member, for a note's `@login` mentions.
    pub users: &'a BTreeMap<UserId, DiscordUserId>,
    /// The server's role and channel names, for a message's `<@&ROLE>` and `<#CHANNEL>`.
    pub guild: &'a GuildNames,
    /// How the tracker's pages are addressed (journals' origins, attachments).
    pub links: &'a TicketLinks,
    /// The most bytes of files one message may carry into the thread (`[threader]
    /// max_upload`); files beyond it are linked to the tracker instead.
    pub max_upload: u64,
}

/// A message to post in the thread, mirroring one journal (or the description).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ToThread {
    /// The journal it mirrors; `None` for the ticket's description.
    pub journal: Option<JournalId>,
    /// Which piece of the mirror this is, and of how many: a text longer than one message
    /// is posted as pieces, each carrying its origin and its number, so a pass that stopped
    /// after some of them posts exactly the rest.
    pub part: (usize, usize),
    /// The text of one message (at most [`PIECE_LIMIT`] characters).
    pub text: String,
    /// The tracker's files to send with it, as files (on the last piece of a long mirror).
    pub files: Vec<TicketFile>,
}

/// The longest piece of a mirror: Discord's 2000 characters less room for the piece's mark.
pub const PIECE_LIMIT: usize = 1900;

/// The mirror of one origin as messages: the text itself when it fits in one, else pieces
/// each ending in their number and origin, less those already in the thread.
fn pieces(
    input: &SyncInput<'_>,
    journal: Option<JournalId>,
    origin: &str,
    text: &str,
    files: &[TicketFile],
) -> Vec<ToThread> {
    let marker = mirror::origin_marker(origin);
    let posted_by_bot = |needle: &str| {
        input.messages.iter().any(|message| {
            message.author_is_bot
                && message.content.contains(&marker)
                && message.content.contains(needle)
        })
    };
    let split = crate::chat::split_message(text, PIECE_LIMIT);
    let n = split.len();
    if n <= 1 {
        if posted_by_bot("") {
            return Vec::new();
        }
        return vec![ToThread {
            journal,
            part: (1, 1),
            text: text.to_owned(),
            files: files.to_vec(),
        }];
    }
    split
        .into_iter()
        .enumerate()
        .map(|(index, piece)| (index + 1, piece))
        .filter(|(part, _)| !posted_by_bot(&mirror::part_mark(*part, n)))
        .map(|(part, piece)| ToThread {
            journal,
            part: (part, n),
            text: mirror::piece(input.ticket.id, &piece, (part, n), origin),
            files: if part == n {
                files.to_vec()
            } else {
                Vec::new()
            },
        })
        .collect()
}

/// A note to write on the ticket, mirroring one thread message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ToTicket {
    /// The message it mirrors.
    pub message: MessageId,
    /// Write as this member's tracker login; `None`: as the threader's own user.
    pub as_login: Option<Login>,
    /// The note (files that could not be kept are named in it by
    /// [`mirror::with_not_kept`](crate::render::mirror::with_not_kept) once known).
    pub text: String,
    /// The note as the threader's own user writes it (`NAME on Discord wrote:`) when the
    /// tracker refuses to let the member write (they may not add notes there); `None` when
    /// the note is the threader's already. One person's permissions never stop a thread.
    pub fallback: Option<String>,
    /// The message's files, to attach to the note in the same write (by whoever writes it).
    pub files: Vec<crate::chat::message::Attachment>,
}

/// Why a mirror in the thread is rewritten.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EditKind {
    /// Its journal says something else now (its note was edited in the tracker).
    Edited,
    /// Its journal is gone (its note was deleted) or has nothing left to show: the mirror
    /// becomes one line saying so, and keeps its origin.
    Deleted,
}

/// A mirror message in the thread to rewrite in place; its origin (and piece mark) stays.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    /// The journal it mirrors.
    pub journal: JournalId,
    /// The message.
    pub message: MessageId,
    /// Which piece of the mirror it is (`(1, 1)` for a mirror in one message).
    pub part: (usize, usize),
    /// Why.
    pub kind: EditKind,
    /// The message's new text.
    pub text: String,
}

/// What one ticket's sync must do, in this order: unarchive, post, edit, write notes,
/// archive, record the state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncPlan {
    /// Unarchive the thread before posting.
    pub unarchive: bool,
    /// Messages to post in the thread, oldest first.
    pub to_thread: Vec<ToThread>,
    /// Mirrors to rewrite in the thread (notes edited or deleted in the tracker).
    pub to_edit: Vec<Edit>,
    /// Notes to write on the ticket, oldest first.
    pub to_ticket: Vec<ToTicket>,
    /// Archive the thread at the end (the ticket was closed).
    pub archive: bool,
    /// The state to record once all of the above is done.
    pub state: SyncState,
    /// Messages from people that arrived without content (the bot lacks the Message Content
    /// intent): nothing at or after the first one is synced, so nothing is lost once the
    /// intent is switched on.
    pub blank: Option<MessageId>,
}

impl SyncPlan {
    /// Nothing to write on either side, and the state stays as it is.
    #[must_use]
    pub fn is_empty(&self, stored: SyncState) -> bool {
        !self.unarchive
            && self.to_thread.is_empty()
            && self.to_edit.is_empty()
            && self.to_ticket.is_empty()
            && !self.archive
            && self.state == stored
    }
}

fn is_closed(statuses: &[Status], id: Option<u64>) -> bool {
    id.is_some_and(|id| {
        statuses
            .iter()
            .any(|status| status.id.get() == id && status.is_closed)
    })
}

/// Whether a journal closed the ticket (`Some(true)`), reopened it (`Some(false)`), or
/// neither: its last status change that crosses between open and closed decides.
fn closing(statuses: &[Status], journal: &Journal) -> Option<bool> {
    journal
        .changes
        .iter()
        .rev()
        .find_map(|change| match change {
            Change::Status { from, to } => {
                let is = is_closed(statuses, *to);
                (is_closed(statuses, *from) != is).then_some(is)
            }
            _ => None,
        })
}

/// The files a journal attached, as the ticket lists them (a file deleted since is not
/// there: its mirror keeps a link).
fn journal_files(ticket: &Ticket, journal: &Journal) -> Vec<TicketFile> {
    journal
        .changes
        .iter()
        .filter_map(|change| match change {
            Change::Attachment { id, .. } => ticket.attachments.iter().find(|file| file.id == *id),
            _ => None,
        })
        .cloned()
        .collect()
}

/// The files of the description: those no journal attached (they came with the ticket).
fn description_files(ticket: &Ticket) -> Vec<TicketFile> {
    let by_journals: BTreeSet<u64> = ticket
        .journals
        .iter()
        .flat_map(|journal| &journal.changes)
        .filter_map(|change| match change {
            Change::Attachment { id, .. } => Some(*id),
            _ => None,
        })
        .collect();
    ticket
        .attachments
        .iter()
        .filter(|file| !by_journals.contains(&file.id))
        .cloned()
        .collect()
}

/// The files of a journal that go with its mirror as files (within `max_upload`); the
/// others are linked in its text. The same for posting and for comparing a found mirror.
fn journal_send(input: &SyncInput<'_>, journal: &Journal) -> (Vec<TicketFile>, Vec<TicketFile>) {
    files::to_send(&journal_files(input.ticket, journal), input.max_upload)
}

/// A journal's mirror as the plan posts it now, with `send` going as files: one rendering,
/// for posting and for telling whether a mirror found in the thread says something else.
fn rendered(
    input: &SyncInput<'_>,
    journal: &Journal,
    closing: Option<bool>,
    send: &[TicketFile],
) -> Option<String> {
    let sent: BTreeSet<u64> = send.iter().map(|file| file.id).collect();
    mirror::journal(input, journal, closing, &sent)
}

/// Decides one ticket's sync. Pure: the same inputs always give the same plan.
#[must_use]
pub fn plan(input: &SyncInput<'_>) -> SyncPlan {
    let ticket = input.ticket;
    let mirrors = mirrors_found(input);

    // Redmine → Discord.
    let mut to_thread = Vec::new();
    let mut archive = false;
    let mut reopen = false;
    if input.state.journal.is_none() && input.state.message.is_none() {
        let (send, link) = files::to_send(&description_files(ticket), input.max_upload);
        to_thread.extend(pieces(
            input,
            None,
            &ticket.url,
            &mirror::description(input, &link),
            &send,
        ));
    }
    for journal in &ticket.journals {
        if input.state.journal.is_some_and(|seen| journal.id <= seen) {
            continue;
        }
        if came_from_thread(journal, &input.link) {
            continue;
        }
        let closing = closing(input.statuses, journal);
        let (send, _) = journal_send(input, journal);
        let Some(text) = rendered(input, journal, closing, &send) else {
            continue;
        };
        match closing {
            Some(true) => {
                archive = true;
                reopen = false;
            }
            Some(false) => {
                reopen = true;
                archive = false;
            }
            None => {}
        }
        if mirrors
            .get(&journal.id)
            .is_some_and(|found| reshaped(found, &text))
        {
            continue;
        }
        to_thread.extend(pieces(
            input,
            Some(journal.id),
            &mirror::journal_origin(input, journal.id),
            &text,
            &send,
        ));
    }

    let to_edit = edits(input, &mirrors);

    // Discord → Redmine.
    let mut to_ticket = Vec::new();
    let mut blank = None;
    let mut last_handled = input.state.message;
    for message in input.messages {
        if input.state.message.is_some_and(|seen| message.id <= seen) {
            continue;
        }
        if !message.author_is_bot {
            if message.content.trim().is_empty() && message.attachments.is_empty() {
                blank = Some(message.id);
                break;
            }
            let marker = mirror::message_marker(&input.link, message.id);
            let written = ticket
                .journals
                .iter()
                .any(|journal| journal.text.contains(&marker));
            if !written {
                let as_login = input.members.get(&message.author).cloned();
                let text = mirror::message_note(input, message, as_login.is_some());
                let fallback = as_login
                    .is_some()
                    .then(|| mirror::message_note(input, message, false));
                to_ticket.push(ToTicket {
                    message: message.id,
                    as_login,
                    text,
                    fallback,
                    files: message.attachments.clone(),
                });
            }
        }
        last_handled = Some(message.id);
    }

    let has_posts = !to_thread.is_empty() || !to_edit.is_empty();
    let state = SyncState {
        journal: ticket
            .journals
            .iter()
            .map(|journal| journal.id)
            .max()
            .or(input.state.journal),
        message: last_handled,
        recreated: input.state.recreated,
    };
    // A thread archived because its ticket is closed goes back to the archive once the
    // posts it was unarchived for are made.
    let still_closed = !reopen && is_closed(input.statuses, Some(ticket.status.id));
    SyncPlan {
        unarchive: input.archived && (has_posts || reopen),
        to_thread,
        to_edit,
        to_ticket,
        archive: (archive && (!input.archived || has_posts))
            || (still_closed && input.archived && has_posts),
        state,
        blank,
    }
}
