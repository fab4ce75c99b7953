//! The live path: what the threader does with a chat event as it arrives, one ticket at a
//! time and in the order the events happened.
//!
//! A member's new message becomes its note at once. The look is cheap when it can be: when
//! the message just before it in the thread is the one the ticket's state marks as handled
//! and the tracker has nothing new for the thread, the event's own messages are all there is
//! to read; otherwise (a message heard while the ticket failed, the first event after a
//! reconnect, news in the tracker) it is a whole look, exactly as a pass makes it. Either way
//! the ticket is read first, so a note already written (by a pass, or before a crash) is
//! found by its origin and never written twice.
//!
//! An edited message edits its note in place, and a deleted one leaves its note a single line
//! saying so: as the note's author where the tracker allows it, else as the threader's user.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::sync::PoisonError;

use domain::render::mirror;
use domain::sync::{foreign_since, note_for_message, plan, SyncState, ThreadAsk, ThreadLink};
use domain::{
    ChannelId, ChatMessage, GuildNames, Journal, Login, MessageId, ThreadInfo, Ticket, TicketId,
};
use tokio::sync::OnceCell;
use tracing::{debug, warn};

use super::execute::{Carried, Executor};
use super::round::Round;
use super::{Known, Pass, PassReport, Threader, TicketSyncError};
use crate::chat::{Chat, ChatFiles, GuildEvents};
use crate::tracker::{
    ActAs, Catalog, NoteEdits, People, SyncStore, TicketFiles, Tickets, TrackerError,
};

mod dispatch;
mod run;
#[cfg(test)]
mod tests;

pub use dispatch::{Dispatcher, Outcome};
pub use run::{run, Extras, LiveError, LiveSettings};

/// What applying one event did to its ticket.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Applied {
    /// Notes written for new messages.
    pub notes: usize,
    /// Notes that followed an edit.
    pub edited: usize,
    /// Notes that followed a deletion.
    pub deleted: usize,
    /// Whether it took a whole look (the thread read over REST) rather than the event alone.
    pub whole_look: bool,
    /// Mirrors posted in the thread on the way (tracker news found by a whole look).
    pub to_chat: usize,
}

impl<T, C> Threader<T, C>
where
    T: Tickets + TicketFiles + People + Catalog + SyncStore + ActAs + NoteEdits,
    C: Chat + ChatFiles + GuildEvents,
{
    /// Applies the messages heard in `thread`, oldest first, to `ticket`. `before` is the
    /// thread's message heard just before the first of them (`None` when unknown).
    ///
    /// # Errors
    /// [`TicketSyncError`] when the tracker or the chat fails; nothing is marked as handled
    /// then, so a later look writes what is missing, once.
    pub async fn apply_posted(
        &self,
        known: &Known,
        ticket: TicketId,
        thread: ChannelId,
        messages: &[ChatMessage],
        before: Option<MessageId>,
    ) -> Result<Applied, TicketSyncError> {
        let _lane = self.lane(ticket).await;
        let fetched = self.tracker.get(ticket).await?;
        let Some(link) = linked_to(&fetched, thread) else {
            return Ok(Applied::default());
        };
        let state = SyncState::parse(fetched.sync_state.as_deref());
        let unhandled = |message: &&ChatMessage| state.message.is_none_or(|mark| message.id > mark);
        if !messages
            .iter()
            .filter(unhandled)
            .any(|message| !message.author_is_bot)
        {
            // The threader's own posts, or messages a look already handled.
            return Ok(Applied::default());
        }
        let news = !foreign_since(&fetched, state.journal, &link, Some(known.bot_user)).is_empty();
        let mut report = PassReport::default();
        let pass = self.live_pass(known);
        let newest = messages.last().map(|message| message.id);
        if news || !heard_all_since(messages, before, state.message) {
            debug!(%ticket, news, "a whole look: the event alone is not all there is to read");
            let mut round = Round::first(&just_written_in(link, newest), state);
            round.fetched = Some(fetched);
            self.sync(&pass, ticket, link, round, false, &mut report)
                .await?;
            return Ok(Applied {
                notes: report.to_redmine,
                whole_look: true,
                to_chat: report.to_discord,
                ..Applied::default()
            });
        }
        let fresh: Vec<ChatMessage> = messages.iter().filter(unhandled).cloned().collect();
        let guild = self.guild_names(&pass, &fresh, state.message).await?;
        let no_names = GuildNames::default();
        let decided = plan(&pass.input(
            &fetched,
            state,
            link,
            false,
            &fresh,
            guild.unwrap_or(&no_names),
        ));
        let carried = pass
            .executor
            .carry_out(ticket, link, &decided, state, &mut report)
            .await?;
        if matches!(carried, Carried::Written(_)) && decided.state != state {
            pass.executor.record_state(ticket, decided.state).await?;
        }
        if decided.blank.is_some() {
            return Err(TicketSyncError::NoMessageContent);
        }
        let mut applied = Applied {
            notes: report.to_redmine,
            ..Applied::default()
        };
        // Recording the state made the threader the ticket's last updater, which hides it
        // from the next pass's "changed by others": look once more for anything a person
        // wrote in the tracker meanwhile.
        let after = self.tracker.get(ticket).await?;
        if !foreign_since(&after, decided.state.journal, &link, Some(known.bot_user)).is_empty() {
            let mut round = Round::first(&just_written_in(link, newest), decided.state);
            round.fetched = Some(after);
            let mut more = PassReport::default();
            self.sync(&pass, ticket, link, round, false, &mut more)
                .await?;
            applied.notes += more.to_redmine;
            applied.to_chat += more.to_discord;
            applied.whole_look = true;
        }
        Ok(applied)
    }

    /// Follows an edit of `message` in `thread`: its note is rewritten in place. A message
    /// not yet handled is applied as a new one instead (it carries its new text).
    ///
    /// # Errors
    /// [`TicketSyncError`] when the tracker or the chat fails.
    pub async fn apply_edited(
        &self,
        known: &Known,
        ticket: TicketId,
        thread: ChannelId,
        message: &ChatMessage,
    ) -> Result<Applied, TicketSyncError> {
        if message.author_is_bot {
            return Ok(Applied::default());
        }
        let lane = self.lane(ticket).await;
        let fetched = self.tracker.get(ticket).await?;
        let Some(link) = linked_to(&fetched, thread) else {
            return Ok(Applied::default());
        };
        let state = SyncState::parse(fetched.sync_state.as_deref());
        let Some(journal) = note_of(&fetched, &link, message.id) else {
            drop(lane);
            if state.message.is_none_or(|mark| message.id > mark) {
                // Not written yet: written now, with its new text, by a whole look.
                let messages = std::slice::from_ref(message);
                return self
                    .apply_posted(known, ticket, thread, messages, None)
                    .await;
            }
            return Ok(Applied::default());
        };
        let pass = self.live_pass(known);
        let messages = std::slice::from_ref(message);
        let guild = self.guild_names(&pass, messages, None).await?;
        let no_names = GuildNames::default();
        let input = pass.input(
            &fetched,
            state,
            link,
            false,
            messages,
            guild.unwrap_or(&no_names),
        );
        let author = author_login(known, journal);
        let as_member = journal.author_id != Some(known.bot_user);
        let text = mirror::edited_message_note(&input, message, as_member);
        if journal.text == text {
            return Ok(Applied::default());
        }
        self.edit_as(ticket, journal, author.as_ref(), &text)
            .await?;
        Ok(Applied {
            edited: 1,
            ..Applied::default()
        })
    }

    /// Follows the deletion of `message` in `thread`: its note keeps who and when, and one
    /// line saying it was deleted on Discord, and nothing of its text.
    ///
    /// # Errors
    /// [`TicketSyncError`] when the tracker fails.
    pub async fn apply_deleted(
        &self,
        known: &Known,
        ticket: TicketId,
        thread: ChannelId,
        message: MessageId,
    ) -> Result<Applied, TicketSyncError> {
        let _lane = self.lane(ticket).await;
        let fetched = self.tracker.get(ticket).await?;
        let Some(link) = linked_to(&fetched, thread) else {
            return Ok(Applied::default());
        };
        let Some(journal) = note_of(&fetched, &link, message) else {
            return Ok(Applied::default());
        };
        let author = author_login(known, journal);
        let as_member = journal.author_id != Some(known.bot_user);
        let text = mirror::deleted_message_note(&link, message, message_author(journal, as_member));
        if journal.text == text {
            return Ok(Applied::default());
        }
        self.edit_as(ticket, journal, author.as_ref(), &text)
            .await?;
        Ok(Applied {
            deleted: 1,
            ..Applied::default()
        })
    }

    /// Rewrites `journal`'s note as `author` (its member) where the tracker allows it, else
    /// as the threader's own user (the reason logged).
    async fn edit_as(
        &self,
        ticket: TicketId,
        journal: &Journal,
        author: Option<&Login>,
        text: &str,
    ) -> Result<(), TrackerError> {
        if let Some(login) = author {
            match self
                .tracker
                .acting_as(login)
                .edit_note(ticket, journal.id, text)
                .await
            {
                Ok(()) => return Ok(()),
                Err(TrackerError::Forbidden { action }) => {
                    let first = self
                        .edits_refused
                        .lock()
                        .unwrap_or_else(PoisonError::into_inner)
                        .insert(login.clone());
                    if first {
                        warn!(%login, %ticket, %action,
                            "the tracker does not let this member edit their own notes (Redmine: \"Edit own notes\"); editing them as the threader");
                    }
                }
                Err(other) => return Err(other),
            }
        }
        self.tracker.edit_note(ticket, journal.id, text).await
    }

    /// A pass's context for the live path: writing, with what the process knows.
    fn live_pass<'p>(&'p self, known: &'p Known) -> Pass<'p, T, C> {
        Pass {
            bot_user: Some(known.bot_user),
            statuses: &known.statuses,
            people: Cow::Borrowed(&known.people),
            links: self.tracker.ticket_links(),
            executor: Executor::Write {
                tracker: &self.tracker,
                chat: &self.chat,
                guild: self.settings.guild,
                refused: &self.refused,
            },
            threads: BTreeMap::new(),
            guild: OnceCell::new(),
            max_upload: self.settings.max_upload,
        }
    }
}

/// The login of the member who wrote `journal`, when a member did (a note the threader's
/// own user wrote for someone has none).
fn author_login(known: &Known, journal: &Journal) -> Option<Login> {
    let author = journal.author_id?;
    if author == known.bot_user {
        return None;
    }
    known
        .people
        .logins
        .iter()
        .find(|(_, user)| **user == author)
        .map(|(login, _)| login.clone())
}

/// Who wrote the message `journal` is the note of: its author when they wrote it as
/// themselves, else the name the threader's note gives.
fn message_author(journal: &Journal, as_member: bool) -> &str {
    if as_member {
        &journal.author
    } else {
        mirror::written_for(&journal.text).unwrap_or("")
    }
}

/// Whether `messages` (heard in a row, oldest first, `before` heard just before them) hold
/// every message after `mark`: the message before the first one after the mark is the mark.
fn heard_all_since(
    messages: &[ChatMessage],
    before: Option<MessageId>,
    mark: Option<MessageId>,
) -> bool {
    let Some(mark) = mark else {
        return false;
    };
    let first = messages.iter().position(|message| message.id > mark);
    let predecessor = match first {
        None => return true,
        Some(0) => before,
        Some(at) => Some(messages[at - 1].id),
    };
    predecessor == Some(mark)
}

/// The thread as an event shows it: a member just wrote `newest` in it, so the chat
/// unarchived it (no request needed to know).
fn just_written_in(link: ThreadLink, newest: Option<MessageId>) -> ThreadInfo {
    ThreadInfo {
        id: link.thread,
        parent: None,
        name: String::new(),
        archived: false,
        locked: false,
        last_message_id: newest,
    }
}

/// The ticket's thread link, when it is `thread`.
fn linked_to(ticket: &Ticket, thread: ChannelId) -> Option<ThreadLink> {
    match ThreadAsk::of(ticket.thread_field.as_deref()) {
        ThreadAsk::Linked(link) if link.thread == thread => Some(link),
        _ => None,
    }
}

/// The note written for `message` of the thread `link`, found by its origin.
fn note_of<'t>(ticket: &'t Ticket, link: &ThreadLink, message: MessageId) -> Option<&'t Journal> {
    let id = note_for_message(&ticket.journals, link, message)?;
    ticket.journals.iter().find(|journal| journal.id == id)
}
