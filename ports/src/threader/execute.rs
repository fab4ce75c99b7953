//! The sync's executors: one carries a decision out against the tracker and the chat, the
//! other (a dry run) records one line per thing it would do and writes nothing. The pass
//! chooses one at its start; the loop in `threader` never asks which it has.

use std::collections::BTreeSet;
use std::sync::{Mutex, PoisonError};

use domain::files::{self, NotKept, NotKeptReason};
use domain::render::mirror;
use domain::sync::{
    is_starter_of, starter_text, thread_name, EditKind, SyncPlan, SyncState, ThreadLink, ToThread,
    ToTicket,
};
use domain::{Attachment, ChannelId, GuildId, Login, Mentions, MessageId, Ticket, TicketId};
use tracing::{info, warn};

use super::{PassReport, TicketSyncError};
use crate::chat::{Chat, ChatError, ChatFiles, CARRIED_FILE_LIMIT};
use crate::tracker::{ActAs, NewFile, SyncFields, SyncStore, TicketFiles, Tickets, TrackerError};

/// Who carries out the threader's decisions.
pub(super) enum Executor<'a, T, C> {
    /// Writes to the tracker and the chat.
    Write {
        /// The tracker (an admin's key: notes are written as members).
        tracker: &'a T,
        /// The chat.
        chat: &'a C,
        /// The Discord server threads are linked in.
        guild: GuildId,
        /// Members whose tracker user was refused a note and who were warned about.
        refused: &'a Mutex<BTreeSet<Login>>,
    },
    /// Writes nothing: records in the report what would be done (a dry run).
    Record,
}

/// What opening a ticket's thread gave.
pub(super) enum Opened {
    /// The thread exists and its link is recorded in the ticket, with this state.
    Thread(ThreadLink, SyncState),
    /// Only recorded: there is no thread to sync.
    Recorded,
}

/// What carrying out one round's plan did.
pub(super) enum Carried {
    /// Nothing was written (nothing to do, or only recorded): the ticket is done.
    Nothing,
    /// The plan was written; these are the messages the threader posted.
    Written(BTreeSet<MessageId>),
}

impl<T: Tickets + TicketFiles + SyncStore + ActAs, C: Chat + ChatFiles> Executor<'_, T, C> {
    /// Opens the ticket's thread in `channel` (or finds the one a crashed pass opened) and
    /// records its link in the thread field with a fresh state. `deleted` is the ticket's
    /// thread known to be gone.
    pub(super) async fn open(
        &self,
        ticket: &Ticket,
        channel: ChannelId,
        state: SyncState,
        deleted: Option<ChannelId>,
        report: &mut PassReport,
    ) -> Result<Opened, TicketSyncError> {
        let (tracker, chat, guild) = match self {
            Self::Record => {
                report.threads_created += 1;
                let why = if deleted.is_some() {
                    " (its thread was deleted)"
                } else {
                    ""
                };
                report.planned.push(format!(
                    "#{}: would open a thread in channel {channel}{why}",
                    ticket.id
                ));
                return Ok(Opened::Recorded);
            }
            Self::Write {
                tracker,
                chat,
                guild,
                ..
            } => (tracker, chat, *guild),
        };
        let link = open_thread(*chat, guild, channel, ticket, deleted).await?;
        let recorded = SyncState {
            recreated: state.recreated || deleted.is_some(),
            ..SyncState::default()
        };
        let fields = SyncFields {
            thread: Some(link.to_string()),
            state: Some(recorded.to_string()),
        };
        tracker.set_sync_fields(ticket.id, &fields).await?;
        info!(ticket = %ticket.id, thread = %link.thread, "thread opened");
        report.threads_created += 1;
        Ok(Opened::Thread(link, recorded))
    }

    /// Carries out one round's plan for ticket `id`, whose recorded state is `stored`:
    /// unarchive, post, rewrite mirrors, write notes (a member's as the member), archive.
    pub(super) async fn carry_out(
        &self,
        id: TicketId,
        link: ThreadLink,
        plan: &SyncPlan,
        stored: SyncState,
        report: &mut PassReport,
    ) -> Result<Carried, TicketSyncError> {
        let (tracker, chat, refused) = match self {
            Self::Record => {
                record(id, plan, report);
                return Ok(Carried::Nothing);
            }
            Self::Write {
                tracker,
                chat,
                refused,
                ..
            } => (tracker, chat, refused),
        };
        if plan.is_empty(stored) {
            return Ok(Carried::Nothing);
        }
        if plan.unarchive {
            chat.set_archived(link.thread, false).await?;
        }
        let mut posted = BTreeSet::new();
        for post in &plan.to_thread {
            let ids = if post.files.is_empty() {
                chat.post(link.thread, &post.text, &Mentions::none())
                    .await?
            } else {
                post_with_files(*tracker, *chat, link.thread, post).await?
            };
            posted.extend(ids);
            report.to_discord += usize::from(is_last_piece(post));
        }
        for edit in &plan.to_edit {
            match chat.edit(link.thread, edit.message, &edit.text).await {
                Ok(()) => report.rewritten += 1,
                // A mirror another bot posted (an earlier application) cannot be edited, and
                // one deleted meanwhile has nothing to edit: neither may block the thread.
                Err(error @ (ChatError::Forbidden { .. } | ChatError::NotFound { .. })) => {
                    warn!(ticket = %id, message = %edit.message, %error,
                        "a mirror of a note changed in Redmine cannot be rewritten; left as it is");
                }
                Err(error) => return Err(error.into()),
            }
        }
        for note in &plan.to_ticket {
            write_note(*tracker, *chat, refused, id, note).await?;
            report.to_redmine += 1;
        }
        if plan.archive {
            chat.set_archived(link.thread, true).await?;
        }
        Ok(Carried::Written(posted))
    }

    /// Records the ticket's new state (only a writer has anything to record).
    pub(super) async fn record_state(
        &self,
        id: TicketId,
        state: SyncState,
    ) -> Result<(), TrackerError> {
        match self {
            Self::Record => Ok(()),
            Self::Write { tracker, .. } => {
                let fields = SyncFields {
                    thread: None,
                    state: Some(state.to_string()),
                };
                tracker.set_sync_fields(id, &fields).await
            }
        }
    }
}

/// Writes one message's note with its files: a member's as the member, files included, so
/// that the files, like the note, are theirs in the tracker. When the tracker refuses the
/// member (their user may not add notes or files there), the note is written once as the
/// threader's own user with their name, its files uploaded again by the threader (the
/// member's uploads, attached to nothing, are discarded by the tracker, so no file is
/// attached twice); the reason is logged the first time for that member.
async fn write_note<T: Tickets + TicketFiles + ActAs, C: ChatFiles>(
    tracker: &T,
    chat: &C,
    refused: &Mutex<BTreeSet<Login>>,
    id: TicketId,
    note: &ToTicket,
) -> Result<(), TicketSyncError> {
    let Some(login) = &note.as_login else {
        return write_with_files(tracker, chat, id, &note.text, &note.files).await;
    };
    let written =
        write_with_files(&tracker.acting_as(login), chat, id, &note.text, &note.files).await;
    let (Err(TicketSyncError::Tracker(TrackerError::Forbidden { action })), Some(fallback)) =
        (&written, &note.fallback)
    else {
        return written;
    };
    let first = refused
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .insert(login.clone());
    if first {
        warn!(%login, ticket = %id, %action,
            "the tracker does not let this member write notes; writing their messages as the threader with their name");
    }
    write_with_files(tracker, chat, id, fallback, &note.files).await
}

/// Writes one note with its files, as whoever `tracker` acts for: each file is downloaded
/// from the chat and uploaded to the tracker, one at a time (a file is held once, and only
/// while it travels), then the note is written with every kept file attached in the same
/// request. A file the chat no longer serves or the tracker refuses is named in the note
/// instead, and the note is still written; any other failure fails the write before the
/// note, leaving at most uploads nothing attaches (the tracker discards them), and the next
/// pass (or the fallback) uploads again and writes the note once.
async fn write_with_files<T: Tickets + TicketFiles, C: ChatFiles>(
    tracker: &T,
    chat: &C,
    id: TicketId,
    text: &str,
    files: &[Attachment],
) -> Result<(), TicketSyncError> {
    if files.is_empty() {
        tracker.add_note(id, text).await?;
        return Ok(());
    }
    let (carry, mut not_kept) = files::to_carry(files);
    let mut uploaded = Vec::new();
    for file in carry {
        let bytes = match chat.download(file).await {
            Ok(bytes) => bytes,
            Err(ChatError::NotFound { .. } | ChatError::Rejected { .. }) => {
                warn!(ticket = %id, file = %file.name, "a message's file could not be downloaded");
                not_kept.push(NotKept::new(file, NotKeptReason::Unreadable));
                continue;
            }
            Err(error) => return Err(error.into()),
        };
        let size = bytes.len() as u64;
        let upload = NewFile {
            name: file.name.clone(),
            content_type: file.content_type.clone(),
            bytes,
        };
        match tracker.upload(upload).await {
            Ok(token) => uploaded.push(token),
            Err(TrackerError::Rejected { errors, .. }) => {
                warn!(ticket = %id, file = %file.name, reason = %errors.join("; "), "the tracker refused a file");
                let mut refused = NotKept::new(file, NotKeptReason::refused(&errors));
                refused.size = size;
                not_kept.push(refused);
            }
            Err(error) => return Err(error.into()),
        }
    }
    let text = mirror::with_not_kept(text, &not_kept);
    if uploaded.is_empty() {
        tracker.add_note(id, &text).await?;
    } else {
        tracker.add_note_with_files(id, &text, &uploaded).await?;
    }
    Ok(())
}

/// Posts one mirror with the tracker's files: each is downloaded (one message's files are
/// within `max_upload` together, so that is what is held at once) and sent with the message.
/// A file the tracker no longer has is linked instead; when the chat refuses the files, the
/// text is posted alone with a link to each. The message carries its origin either way, so
/// a pass that fails before it posts again, and one that fails after finds it.
async fn post_with_files<T: Tickets + TicketFiles, C: Chat + ChatFiles>(
    tracker: &T,
    chat: &C,
    thread: ChannelId,
    post: &ToThread,
) -> Result<Vec<MessageId>, TicketSyncError> {
    let links = tracker.ticket_links();
    let mut files = Vec::new();
    let mut linked = Vec::new();
    for file in &post.files {
        match tracker.download(file, CARRIED_FILE_LIMIT).await {
            Ok(bytes) => files.push(NewFile {
                name: file.name.clone(),
                content_type: file.content_type.clone(),
                bytes,
            }),
            Err(TrackerError::Rejected { .. }) => linked.push(file.clone()),
            Err(error) => return Err(error.into()),
        }
    }
    let text = mirror::with_file_links(&post.text, &linked, &links);
    if files.is_empty() {
        return Ok(chat.post(thread, &text, &Mentions::none()).await?);
    }
    match chat
        .post_with_files(thread, &text, files, &Mentions::none())
        .await
    {
        Ok(ids) => Ok(ids),
        Err(ChatError::Rejected { detail, .. }) => {
            warn!(%thread, reason = %detail, "the chat refused a message's files; linking them");
            let text = mirror::with_file_links(&post.text, &post.files, &links);
            Ok(chat.post(thread, &text, &Mentions::none()).await?)
        }
        Err(error) => Err(error.into()),
    }
}

/// A long mirror is several pieces: it counts once, at its last piece.
fn is_last_piece(post: &ToThread) -> bool {
    post.part.0 == post.part.1
}

/// A dry run's lines for one plan (the first piece of each mirror, and each note), and its
/// counts.
fn record(id: TicketId, plan: &SyncPlan, report: &mut PassReport) {
    for post in plan.to_thread.iter().filter(|post| post.part.0 == 1) {
        // A long mirror's files ride on its last piece.
        let n_files = plan
            .to_thread
            .iter()
            .filter(|piece| piece.journal == post.journal)
            .map(|piece| piece.files.len())
            .sum::<usize>();
        report.planned.push(format!(
            "#{id}: would post to Discord{}: {}",
            files_said(n_files),
            first_line(&post.text)
        ));
    }
    for edit in &plan.to_edit {
        let why = match edit.kind {
            EditKind::Edited => "edited",
            EditKind::Deleted => "deleted",
        };
        report.planned.push(format!(
            "#{id}: would edit message {} in Discord (note {} {why} in Redmine): {}",
            edit.message,
            edit.journal,
            first_line(&edit.text)
        ));
    }
    report.rewritten += plan.to_edit.len();
    for note in &plan.to_ticket {
        let who = note
            .as_login
            .as_ref()
            .map_or_else(String::new, |login| format!(" as {login}"));
        report.planned.push(format!(
            "#{id}: would write a note{who}{}: {}",
            files_said(note.files.len()),
            first_line(&note.text)
        ));
    }
    report.to_discord += plan
        .to_thread
        .iter()
        .filter(|post| is_last_piece(post))
        .count();
    report.to_redmine += plan.to_ticket.len();
}

/// ` with N files` for a dry run's line, nothing without files.
fn files_said(n: usize) -> String {
    match n {
        0 => String::new(),
        1 => String::from(" with 1 file"),
        n => format!(" with {n} files"),
    }
}

fn first_line(text: &str) -> String {
    let line = text.lines().next().unwrap_or_default();
    let mut shown: String = line.chars().take(80).collect();
    if line.chars().count() > 80 {
        shown.push('…');
    }
    shown
}

/// Opens a ticket's thread in `channel`: finds the bot's starter message for the ticket among
/// the channel's recent messages (a crashed pass may have posted it) or posts one, then
/// starts the thread from it, so the thread's id is the message's. `deleted` is a thread
/// known to be gone: its starter is not reused.
///
/// # Errors
/// [`ChatError`] when the channel cannot be read or written.
pub async fn open_thread<C: Chat>(
    chat: &C,
    guild: GuildId,
    channel: ChannelId,
    ticket: &Ticket,
    deleted: Option<ChannelId>,
) -> Result<ThreadLink, ChatError> {
    let starter = if deleted.is_some() {
        None
    } else {
        let recent = chat.recent_messages(channel, 100).await?;
        recent
            .into_iter()
            .rev()
            .find(|message| is_starter_of(message, ticket))
    };
    let thread = match starter {
        Some(message) => match message.thread {
            Some(thread) => thread,
            None => {
                chat.start_thread(channel, message.id, &thread_name(ticket))
                    .await?
                    .id
            }
        },
        None => {
            let ids = chat
                .post(channel, &starter_text(ticket), &Mentions::none())
                .await?;
            let Some(&first) = ids.first() else {
                return Err(ChatError::Rejected {
                    action: String::from("post the ticket's first message"),
                    detail: String::from("no message was created"),
                });
            };
            chat.start_thread(channel, first, &thread_name(ticket))
                .await?
                .id
        }
    };
    Ok(ThreadLink { guild, thread })
}
