//! The threader's use case: one pass that keeps each ticket that asks for it and its chat
//! thread in step, both ways. It fetches, lets `domain::sync` decide, and carries the plan
//! out; a failure on one ticket is reported and the pass goes on with the others.
//!
//! What makes it exactly once is in `domain::sync` (origins on both sides); what makes a
//! pass cheap is here: tickets whose latest change is the threader's own and whose thread
//! has no newer message are not looked at at all.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use domain::sync::{
    foreign_since, is_starter_of, needs_look, plan, starter_text, thread_name, SyncInput,
    SyncState, ThreadAsk, ThreadLink,
};
use domain::{
    ChannelId, DiscordUserId, GuildId, Login, Mentions, MessageId, ProjectId, Status, ThreadInfo,
    Ticket, TicketId, UserId,
};
use thiserror::Error;
use tracing::{info, info_span, warn, Instrument as _};

use crate::chat::{Chat, ChatError};
use crate::directory::{Directory, DirectoryError};
use crate::tracker::{
    ActAs, Catalog, People, SyncFields, SyncStore, ThreadedScope, Tickets, TrackerError,
};

/// How many rounds one ticket may take in a pass when people keep writing while it syncs.
const MAX_ROUNDS: usize = 3;

/// Where threads go and what one pass covers.
#[derive(Debug, Clone)]
pub struct ThreaderSettings {
    /// The Discord server.
    pub guild: GuildId,
    /// Where new threads are opened when no project route says otherwise.
    pub channel: ChannelId,
    /// Project id → channel for new threads.
    pub routes: BTreeMap<ProjectId, ChannelId>,
    /// Decide and report, write nothing.
    pub dry_run: bool,
    /// Only this ticket.
    pub only: Option<TicketId>,
    /// Set (by a signal handler) to stop after the ticket at hand.
    pub stop: Arc<AtomicBool>,
}

/// Who is who, for writing members' messages as their own tracker users.
#[derive(Debug, Clone, Default)]
pub struct WhoIsWho {
    /// Discord member → tracker login.
    pub members: BTreeMap<DiscordUserId, Login>,
    /// Tracker user or team id → display name (for assignee changes).
    pub names: BTreeMap<u64, String>,
    /// Tracker user id → linked Discord member (for pinging an assignee).
    pub users: BTreeMap<u64, DiscordUserId>,
}

impl WhoIsWho {
    /// Who is who, from the directory. Refuses a key that cannot act as others: the tracker
    /// would silently write every member's message as the key's owner. A member linked to
    /// two logins is written for by the threader's own user (with their name), and logged.
    ///
    /// # Errors
    /// [`DirectoryError::NotAdmin`] for such a key, or any failure to read the directory.
    pub async fn from_directory<D: Directory>(directory: &D) -> Result<Self, DirectoryError> {
        if !directory.can_act_as_others().await? {
            return Err(DirectoryError::NotAdmin);
        }
        let roster = directory.roster().await?;
        let mut members: BTreeMap<DiscordUserId, Login> = BTreeMap::new();
        let mut clashing: BTreeSet<DiscordUserId> = BTreeSet::new();
        for link in roster.links {
            match members.get(&link.member) {
                Some(known) if *known != link.login => {
                    warn!(member = %link.member, first = %known, second = %link.login,
                        "one Discord member is linked to two Redmine users; writing for neither");
                    clashing.insert(link.member);
                }
                _ => {
                    members.insert(link.member, link.login);
                }
            }
        }
        for member in clashing {
            members.remove(&member);
        }
        let names = roster
            .people
            .iter()
            .map(|person| (person.id().get(), person.name().to_owned()))
            .collect();
        let users = roster
            .people
            .iter()
            .filter_map(|person| match person {
                domain::Principal::User(user) => {
                    let login = user.login.as_deref()?;
                    let member = members
                        .iter()
                        .find(|(_, linked)| linked.as_str().eq_ignore_ascii_case(login))?
                        .0;
                    Some((user.id.get(), *member))
                }
                domain::Principal::Team(_) => None,
            })
            .collect();
        Ok(Self {
            members,
            names,
            users,
        })
    }
}

/// What went wrong with one ticket.
#[derive(Debug, Error)]
pub enum TicketSyncError {
    /// The tracker failed.
    #[error(transparent)]
    Tracker(#[from] TrackerError),
    /// The chat failed.
    #[error(transparent)]
    Chat(#[from] ChatError),
    /// The thread was deleted a second time: recreating it again would fight a person.
    #[error("its thread was deleted again after being recreated once: set the thread field to 'yes' to ask for a new one")]
    DeletedTwice,
    /// Members' messages arrive without content: the bot lacks the Message Content intent.
    #[error("messages from members arrive empty: switch on the bot's Message Content intent (Discord Developer Portal » Bot » Privileged Gateway Intents)")]
    NoMessageContent,
}

/// What stops a whole pass before any ticket is looked at.
#[derive(Debug, Error)]
pub enum PassError {
    /// The tracker could not be read.
    #[error("cannot list the tickets")]
    Tracker(#[from] TrackerError),
    /// The chat could not be read.
    #[error("cannot list the active threads")]
    Chat(#[from] ChatError),
}

/// What one pass did (or, in a dry run, would do).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct PassReport {
    /// Tickets that ask for a thread.
    pub looked_at: usize,
    /// Messages posted in threads (journals and descriptions mirrored).
    pub to_discord: usize,
    /// Notes written on tickets (messages mirrored).
    pub to_redmine: usize,
    /// Threads created (or recreated).
    pub threads_created: usize,
    /// Tickets that failed, with why.
    pub failed: Vec<(TicketId, String)>,
    /// In a dry run: one line per thing that would be done.
    pub planned: Vec<String>,
    /// Notifications, when configured: new tickets announced and stale ones reminded.
    pub notified: Option<(usize, usize)>,
    /// Why the notifications could not run this pass.
    pub notify_error: Option<String>,
}

impl PassReport {
    /// The pass's one summary line.
    #[must_use]
    pub fn summary(&self) -> String {
        let notified = match (self.notified, &self.notify_error) {
            (_, Some(_)) => String::from(", notifications failed"),
            (Some((announced, reminded)), None) => format!(
                ", {} announced, {}",
                counted(announced, "ticket", "tickets"),
                counted(reminded, "reminder", "reminders")
            ),
            (None, None) => String::new(),
        };
        format!(
            "threader: {} looked at, {} to Discord, {} to Redmine, {} created{notified}, {} failed",
            counted(self.looked_at, "ticket", "tickets"),
            counted(self.to_discord, "note", "notes"),
            counted(self.to_redmine, "note", "notes"),
            counted(self.threads_created, "thread", "threads"),
            self.failed.len() + usize::from(self.notify_error.is_some())
        )
    }

    /// Adds what the notifications did to this pass's report.
    pub fn add_notifications(&mut self, notified: crate::notify::NotifyReport) {
        self.notified = Some((notified.announced, notified.reminded));
        self.planned.extend(notified.planned);
        self.failed.extend(notified.failed);
    }
}

/// The threader: a tracker with an admin's key (it writes members' notes as them) and a chat.
#[derive(Debug)]
pub struct Threader<T, C> {
    tracker: T,
    chat: C,
    settings: ThreaderSettings,
}

/// What a pass knows before it looks at tickets.
#[derive(Clone)]
struct PassContext {
    bot_user: Option<UserId>,
    statuses: Vec<Status>,
    people: WhoIsWho,
}

impl<T: Tickets + People + Catalog + SyncStore + ActAs, C: Chat> Threader<T, C> {
    /// A threader over these ports.
    pub fn new(tracker: T, chat: C, settings: ThreaderSettings) -> Self {
        Self {
            tracker,
            chat,
            settings,
        }
    }

    /// One pass over every ticket that asks for a thread (or the one in `only`).
    ///
    /// # Errors
    /// [`PassError`] when the listing or the active threads cannot be read; failures of
    /// single tickets are in the report instead.
    pub async fn pass(&self, people: WhoIsWho) -> Result<PassReport, PassError> {
        let me = self.tracker.current_user().await?;
        let context = PassContext {
            bot_user: Some(me.id),
            statuses: self.tracker.statuses().await?,
            people,
        };
        let tickets = self.tracker.threaded(ThreadedScope::All).await?;
        let changed: BTreeSet<TicketId> = self
            .tracker
            .threaded(ThreadedScope::ChangedByOthers)
            .await?
            .into_iter()
            .map(|ticket| ticket.id)
            .collect();
        let active: BTreeMap<ChannelId, ThreadInfo> = self
            .chat
            .active_threads(self.settings.guild)
            .await?
            .into_iter()
            .map(|thread| (thread.id, thread))
            .collect();
        let mut report = PassReport::default();
        let mut people = context.people.clone();
        for ticket in &tickets {
            if let Some(assignee) = &ticket.assigned_to {
                people
                    .names
                    .entry(assignee.id().get())
                    .or_insert_with(|| assignee.name().to_owned());
            }
        }
        let context = PassContext { people, ..context };
        for ticket in tickets
            .iter()
            .filter(|ticket| self.settings.only.is_none_or(|only| only == ticket.id))
        {
            if self.settings.stop.load(Ordering::SeqCst) {
                info!("stopping before ticket {} as asked", ticket.id);
                break;
            }
            report.looked_at += 1;
            let span = info_span!("ticket", id = %ticket.id);
            let outcome = self
                .ticket(
                    ticket,
                    changed.contains(&ticket.id),
                    &active,
                    &context,
                    &mut report,
                )
                .instrument(span)
                .await;
            if let Err(error) = outcome {
                let error = crate::with_causes(&error);
                warn!(ticket = %ticket.id, %error, "ticket not synced");
                report.failed.push((ticket.id, error));
            }
        }
        Ok(report)
    }

    /// One ticket from the listing: create its thread, or sync it when something changed.
    async fn ticket(
        &self,
        listed: &Ticket,
        changed: bool,
        active: &BTreeMap<ChannelId, ThreadInfo>,
        context: &PassContext,
        report: &mut PassReport,
    ) -> Result<(), TicketSyncError> {
        let state = SyncState::parse(listed.sync_state.as_deref());
        match ThreadAsk::of(listed.thread_field.as_deref()) {
            ThreadAsk::None => Ok(()),
            ThreadAsk::Wanted => {
                self.create_and_sync(listed, state, None, context, report)
                    .await
            }
            ThreadAsk::Linked(link) => {
                let newest = active
                    .get(&link.thread)
                    .and_then(|thread| thread.last_message_id);
                if !needs_look(state, changed, newest) {
                    return Ok(());
                }
                let thread = match active.get(&link.thread) {
                    Some(thread) => thread.clone(),
                    None => match self.chat.thread(link.thread).await? {
                        Some(thread) => thread,
                        None if state.recreated => return Err(TicketSyncError::DeletedTwice),
                        None => {
                            return self
                                .create_and_sync(listed, state, Some(link.thread), context, report)
                                .await;
                        }
                    },
                };
                self.sync(listed.id, link, &thread, state, context, report)
                    .await
            }
        }
    }

    /// Opens the ticket's thread (a new one when `deleted` is gone), then syncs it from the
    /// state recorded with its link: the description and every note go in.
    async fn create_and_sync(
        &self,
        listed: &Ticket,
        state: SyncState,
        deleted: Option<ChannelId>,
        context: &PassContext,
        report: &mut PassReport,
    ) -> Result<(), TicketSyncError> {
        let Some((link, recorded)) = self.create(listed, state, deleted, report).await? else {
            return Ok(());
        };
        let thread = ThreadInfo {
            id: link.thread,
            parent: None,
            name: thread_name(listed),
            archived: false,
            locked: false,
            last_message_id: None,
        };
        self.sync(listed.id, link, &thread, recorded, context, report)
            .await
    }

    /// Opens the ticket's thread (or finds the one a crashed pass opened) and records its
    /// link in the thread field with a fresh state; `None` in a dry run.
    async fn create(
        &self,
        ticket: &Ticket,
        state: SyncState,
        deleted: Option<ChannelId>,
        report: &mut PassReport,
    ) -> Result<Option<(ThreadLink, SyncState)>, TicketSyncError> {
        let channel = self
            .settings
            .routes
            .get(&ticket.project.id)
            .copied()
            .unwrap_or(self.settings.channel);
        if self.settings.dry_run {
            report.planned.push(format!(
                "#{}: would open a thread in channel {channel}{}",
                ticket.id,
                if deleted.is_some() {
                    " (its thread was deleted)"
                } else {
                    ""
                }
            ));
            report.threads_created += 1;
            return Ok(None);
        }
        let link = open_thread(&self.chat, self.settings.guild, channel, ticket, deleted).await?;
        let recorded = SyncState {
            recreated: state.recreated || deleted.is_some(),
            ..SyncState::default()
        };
        self.tracker
            .set_sync_fields(
                ticket.id,
                &SyncFields {
                    thread: Some(link.to_string()),
                    state: Some(recorded.to_string()),
                },
            )
            .await?;
        info!(ticket = %ticket.id, thread = %link.thread, "thread opened");
        report.threads_created += 1;
        Ok(Some((link, recorded)))
    }

    /// Syncs one ticket with its thread, round after round until a look finds nothing new
    /// (at most [`MAX_ROUNDS`]).
    async fn sync(
        &self,
        id: TicketId,
        link: ThreadLink,
        thread: &ThreadInfo,
        mut state: SyncState,
        context: &PassContext,
        report: &mut PassReport,
    ) -> Result<(), TicketSyncError> {
        let mut archived = thread.archived;
        let mut may_have_messages =
            thread.last_message_id.is_none() || thread.last_message_id > state.message;
        let mut fetched: Option<Ticket> = None;
        for _round in 0..MAX_ROUNDS {
            let ticket = match fetched.take() {
                Some(ticket) => ticket,
                None => self.tracker.get(id).await?,
            };
            let messages = if may_have_messages {
                self.chat.messages_after(link.thread, state.message).await?
            } else {
                Vec::new()
            };
            let decided = plan(&SyncInput {
                ticket: &ticket,
                state,
                link,
                archived,
                messages: &messages,
                members: &context.people.members,
                statuses: &context.statuses,
                people: &context.people.names,
            });
            if self.settings.dry_run {
                for post in decided.to_thread.iter().filter(|post| post.part.0 == 1) {
                    report.planned.push(format!(
                        "#{id}: would post to Discord: {}",
                        first_line(&post.text)
                    ));
                }
                for note in &decided.to_ticket {
                    report.planned.push(format!(
                        "#{id}: would write a note{}: {}",
                        note.as_login
                            .as_ref()
                            .map_or_else(String::new, |login| format!(" as {login}")),
                        first_line(&note.text)
                    ));
                }
                report.to_discord += decided
                    .to_thread
                    .iter()
                    .filter(|post| post.part.0 == post.part.1)
                    .count();
                report.to_redmine += decided.to_ticket.len();
                return blank_error(decided.blank);
            }
            if decided.is_empty(state) {
                return blank_error(decided.blank);
            }
            if decided.unarchive {
                self.chat.set_archived(link.thread, false).await?;
                archived = false;
            }
            let mut posted: BTreeSet<MessageId> = BTreeSet::new();
            for post in &decided.to_thread {
                let ids = self
                    .chat
                    .post(link.thread, &post.text, &Mentions::none())
                    .await?;
                posted.extend(ids);
                // A long mirror is several pieces; count it once, at its last piece.
                if post.part.0 == post.part.1 {
                    report.to_discord += 1;
                }
            }
            for note in &decided.to_ticket {
                match &note.as_login {
                    Some(login) => {
                        self.tracker
                            .acting_as(login)
                            .add_note(id, &note.text)
                            .await?;
                    }
                    None => self.tracker.add_note(id, &note.text).await?,
                }
                report.to_redmine += 1;
            }
            if decided.archive {
                self.chat.set_archived(link.thread, true).await?;
                archived = true;
            }
            let mut next = decided.state;
            // The threader's own posts move the message mark only when nobody wrote in
            // between: a member's message older than our post must still be read.
            may_have_messages = false;
            if let Some(&newest) = posted.last() {
                let after = self.chat.messages_after(link.thread, next.message).await?;
                if after.iter().all(|message| posted.contains(&message.id)) {
                    next.message = Some(newest);
                } else {
                    may_have_messages = true;
                }
            }
            if next != state {
                self.tracker
                    .set_sync_fields(
                        id,
                        &SyncFields {
                            thread: None,
                            state: Some(next.to_string()),
                        },
                    )
                    .await?;
            }
            state = next;
            if decided.blank.is_some() {
                return Err(TicketSyncError::NoMessageContent);
            }
            // Writing the state made the threader the ticket's last updater, which hides the
            // ticket from the next pass's "changed by others": look once more for anything a
            // person wrote while this round ran.
            let after = self.tracker.get(id).await?;
            let foreign = !foreign_since(&after, state.journal, &link, context.bot_user).is_empty();
            if !foreign && !may_have_messages {
                return Ok(());
            }
            fetched = Some(after);
        }
        Ok(())
    }
}

/// `1 note`, `2 notes`.
fn counted(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn blank_error(blank: Option<MessageId>) -> Result<(), TicketSyncError> {
    match blank {
        Some(_) => Err(TicketSyncError::NoMessageContent),
        None => Ok(()),
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
