//! The threader's use case: one pass that keeps each ticket that asks for it and its chat
//! thread in step, both ways. It fetches, lets `domain::sync` decide, and hands the plan to an
//! executor (`execute`: one that writes, or a dry run's that records); a failure on one ticket
//! is reported and the pass goes on with the others.
//!
//! What makes it exactly once is in `domain::sync` (origins on both sides); what makes a
//! pass cheap is here: tickets whose latest change is the threader's own and whose thread
//! has no newer message are not looked at at all.

mod due;
mod execute;
mod known;
mod lanes;
/// The live path: chat events applied as they arrive.
pub mod live;
mod names;
mod report;
mod round;
#[cfg(test)]
mod tests;
mod who;

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};

use domain::sync::{
    foreign_since, mark_after_posting, needs_look, plan, thread_name, SyncInput, SyncState,
    ThreadAsk, ThreadLink,
};
use domain::{
    ChannelId, ChatMessage, GuildId, GuildNames, Login, MessageId, ProjectId, Status, ThreadInfo,
    Ticket, TicketId, TicketLinks, UserId,
};
use thiserror::Error;
use tokio::sync::OnceCell;
use tracing::{info, info_span, warn, Instrument as _};

pub use execute::open_thread;
pub use known::{Known, Scope};
pub use report::PassReport;
/// The stop signal [`ThreaderSettings::stop`] takes (re-exported so that apps need not name
/// `tokio-util`).
pub use tokio_util::sync::CancellationToken;
pub use who::WhoIsWho;

use crate::chat::{Chat, ChatError, ChatFiles, GuildEvents};
use crate::tracker::{
    ActAs, Catalog, People, SyncStore, ThreadedScope, TicketFiles, Tickets, TrackerError,
};
use execute::{Carried, Executor, Opened};
use round::{writes_nothing, Round};

/// How many rounds one ticket may take in a pass when people keep writing while it syncs.
const MAX_ROUNDS: usize = 3;

/// How many of a thread's newest messages a look reads to find the mirrors of notes edited
/// or deleted in the tracker: one request, whatever the thread's length (mirrors older than
/// these are not followed).
const MIRROR_WINDOW: u8 = 100;

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
    /// Cancelled (by a signal handler) to stop after the ticket at hand.
    pub stop: CancellationToken,
    /// The most bytes of files one message posted in a thread carries (`[threader]
    /// max_upload`); larger files are linked to the tracker.
    pub max_upload: u64,
    /// The zone due dates' events are scheduled in (`[notify] time_zone`, UTC by default);
    /// `None` leaves due dates alone (a dry run).
    pub due_events: Option<domain::due_event::Tz>,
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

/// The threader: a tracker with an admin's key (it writes members' notes as them) and a chat.
#[derive(Debug)]
pub struct Threader<T, C> {
    tracker: T,
    chat: C,
    settings: ThreaderSettings,
    /// Members whose tracker user was refused a note, already warned about: the reason is
    /// logged once per member while the process runs, not on every pass.
    refused: Mutex<BTreeSet<Login>>,
    /// Members whose tracker user was refused an edit of their own note, already warned
    /// about (once per member while the process runs).
    edits_refused: Mutex<BTreeSet<Login>>,
    /// One lane per ticket: a pass and the live path take a ticket's lane before they touch
    /// it, so they never sync one ticket at once, and its events apply one after another.
    lanes: Mutex<BTreeMap<TicketId, Arc<tokio::sync::Mutex<()>>>>,
    /// Which ticket each synced thread belongs to, as the passes found them: where the live
    /// path sends a thread's events.
    routes: Mutex<BTreeMap<ChannelId, TicketId>>,
}

/// What a pass knows before it looks at tickets, and who carries out its decisions.
struct Pass<'p, T, C> {
    bot_user: Option<UserId>,
    statuses: &'p [Status],
    people: Cow<'p, WhoIsWho>,
    links: TicketLinks,
    executor: Executor<'p, T, C>,
    /// The names of the active threads, which the guild's channel list lacks.
    threads: BTreeMap<ChannelId, String>,
    /// The guild's role and channel names, read at most once per pass and only when a
    /// message mentions a role or a channel.
    guild: OnceCell<GuildNames>,
    /// `[threader] max_upload`.
    max_upload: u64,
}

impl<T, C> Pass<'_, T, C> {
    /// What the planner reads for one look at `ticket`.
    fn input<'a>(
        &'a self,
        ticket: &'a Ticket,
        state: SyncState,
        link: ThreadLink,
        archived: bool,
        messages: &'a [ChatMessage],
        guild: &'a GuildNames,
    ) -> SyncInput<'a> {
        SyncInput {
            ticket,
            state,
            link,
            archived,
            messages,
            members: &self.people.members,
            statuses: self.statuses,
            people: &self.people.names,
            logins: &self.people.logins,
            users: &self.people.users,
            guild,
            max_upload: self.max_upload,
            links: &self.links,
        }
    }
}

impl<
        T: Tickets + TicketFiles + People + Catalog + SyncStore + ActAs,
        C: Chat + ChatFiles + GuildEvents,
    > Threader<T, C>
{
    /// A threader over these ports.
    pub fn new(tracker: T, chat: C, settings: ThreaderSettings) -> Self {
        Self {
            tracker,
            chat,
            settings,
            refused: Mutex::new(BTreeSet::new()),
            edits_refused: Mutex::new(BTreeSet::new()),
            lanes: Mutex::new(BTreeMap::new()),
            routes: Mutex::new(BTreeMap::new()),
        }
    }

    /// One pass over every ticket that asks for a thread (or the one in `only`), reading
    /// what it needs to know first ([`Threader::know`]): what a one-shot run does.
    ///
    /// # Errors
    /// [`PassError`] when the listing or the active threads cannot be read; failures of
    /// single tickets are in the report instead.
    pub async fn pass(&self, people: WhoIsWho) -> Result<PassReport, PassError> {
        let known = self.know(people).await?;
        self.pass_in(&known, Scope::Full).await
    }

    /// One pass of `scope`, with what the process already knows.
    ///
    /// # Errors
    /// [`PassError`] when the listing or the active threads cannot be read; failures of
    /// single tickets are in the report instead.
    pub async fn pass_in(&self, known: &Known, scope: Scope) -> Result<PassReport, PassError> {
        let (tickets, changed, active) = match scope {
            Scope::Full => {
                let tickets = self.tracker.threaded(ThreadedScope::All).await?;
                let changed = self
                    .tracker
                    .threaded(ThreadedScope::ChangedByOthers)
                    .await?;
                let active: BTreeMap<ChannelId, ThreadInfo> = self
                    .chat
                    .active_threads(self.settings.guild)
                    .await?
                    .into_iter()
                    .map(|thread| (thread.id, thread))
                    .collect();
                (tickets, changed, active)
            }
            // The live path has seen every message: only what changed in the tracker is
            // looked at, one request when nothing did.
            Scope::TrackerOnly => {
                let changed = self
                    .tracker
                    .threaded(ThreadedScope::ChangedByOthers)
                    .await?;
                (changed.clone(), changed, BTreeMap::new())
            }
        };
        let changed: BTreeSet<TicketId> = changed.into_iter().map(|ticket| ticket.id).collect();
        let mut people = known.people.clone();
        for ticket in &tickets {
            if let Some(assignee) = &ticket.assigned_to {
                people
                    .names
                    .entry(assignee.id())
                    .or_insert_with(|| assignee.name().to_owned());
            }
        }
        let executor = if self.settings.dry_run {
            Executor::Record
        } else {
            Executor::Write {
                tracker: &self.tracker,
                chat: &self.chat,
                guild: self.settings.guild,
                refused: &self.refused,
            }
        };
        let pass = Pass {
            bot_user: Some(known.bot_user),
            statuses: &known.statuses,
            people: Cow::Owned(people),
            links: self.tracker.ticket_links(),
            executor,
            threads: active
                .values()
                .map(|thread| (thread.id, thread.name.clone()))
                .collect(),
            guild: OnceCell::new(),
            max_upload: self.settings.max_upload,
        };
        let mut report = PassReport::default();
        let mut events = None;
        for ticket in tickets
            .iter()
            .filter(|ticket| self.settings.only.is_none_or(|only| only == ticket.id))
        {
            if self.settings.stop.is_cancelled() {
                info!("stopping before ticket {} as asked", ticket.id);
                break;
            }
            report.looked_at += 1;
            let span = info_span!("ticket", id = %ticket.id);
            let changed = changed.contains(&ticket.id);
            let _lane = self.lane(ticket.id).await;
            let outcome = self
                .ticket(&pass, ticket, changed, &active, &mut report)
                .instrument(span)
                .await;
            if changed && outcome.is_ok() && !self.settings.dry_run {
                self.follow_due(ticket, pass.statuses, &mut events).await;
            }
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
        pass: &Pass<'_, T, C>,
        listed: &Ticket,
        changed: bool,
        active: &BTreeMap<ChannelId, ThreadInfo>,
        report: &mut PassReport,
    ) -> Result<(), TicketSyncError> {
        let state = SyncState::parse(listed.sync_state.as_deref());
        let link = match ThreadAsk::of(listed.thread_field.as_deref()) {
            ThreadAsk::None => return Ok(()),
            ThreadAsk::Wanted => {
                return self
                    .create_and_sync(pass, listed, state, None, report)
                    .await;
            }
            ThreadAsk::Linked(link) => link,
        };
        self.route(link.thread, listed.id);
        let newest = active
            .get(&link.thread)
            .and_then(|thread| thread.last_message_id);
        // `--ticket N` always looks: it is how a note edited in Redmine, which leaves the
        // ticket unchanged, reaches its thread without waiting for another change. Such a
        // look records nothing unless it wrote something (its own state journal would
        // otherwise make every look write again).
        let forced = !needs_look(state, changed, newest);
        if forced && self.settings.only.is_none() {
            return Ok(());
        }
        let thread = match active.get(&link.thread) {
            Some(thread) => thread.clone(),
            None => match self.chat.thread(link.thread).await? {
                Some(thread) => thread,
                None if state.recreated => return Err(TicketSyncError::DeletedTwice),
                None => {
                    let deleted = Some(link.thread);
                    return self
                        .create_and_sync(pass, listed, state, deleted, report)
                        .await;
                }
            },
        };
        let round = Round::first(&thread, state);
        self.sync(pass, listed.id, link, round, forced, report)
            .await
    }

    /// Opens the ticket's thread (a new one when `deleted` is gone), then syncs it from the
    /// state recorded with its link: the description and every note go in.
    async fn create_and_sync(
        &self,
        pass: &Pass<'_, T, C>,
        listed: &Ticket,
        state: SyncState,
        deleted: Option<ChannelId>,
        report: &mut PassReport,
    ) -> Result<(), TicketSyncError> {
        let channel = self
            .settings
            .routes
            .get(&listed.project.id)
            .copied()
            .unwrap_or(self.settings.channel);
        let opened = pass
            .executor
            .open(listed, channel, state, deleted, report)
            .await?;
        let Opened::Thread(link, recorded) = opened else {
            return Ok(());
        };
        self.route(link.thread, listed.id);
        let thread = ThreadInfo {
            id: link.thread,
            parent: None,
            name: thread_name(listed),
            archived: false,
            locked: false,
            last_message_id: None,
        };
        let round = Round::first(&thread, recorded);
        self.sync(pass, listed.id, link, round, false, report).await
    }

    /// The thread's messages a look needs, oldest first: its newest ones (where mirrors are
    /// found again; one request), and, when it may hold unread messages, every one after
    /// `mark` (no second request when the newest ones reach back to the mark).
    async fn read_thread(
        &self,
        thread: ChannelId,
        mark: Option<MessageId>,
        unread: bool,
    ) -> Result<Vec<ChatMessage>, ChatError> {
        let mut messages = self.chat.recent_messages(thread, MIRROR_WINDOW).await?;
        let reaches_mark =
            mark.is_some_and(|mark| messages.first().is_some_and(|oldest| oldest.id <= mark));
        if unread && !reaches_mark {
            messages.extend(self.chat.messages_after(thread, mark).await?);
            messages.sort_by_key(|message| message.id);
            messages.dedup_by_key(|message| message.id);
        }
        Ok(messages)
    }

    /// Syncs one ticket with its thread, round after round until a look finds nothing new
    /// (at most [`MAX_ROUNDS`]). `forced`: nothing said the ticket changed (`--ticket N`), so
    /// a plan that writes nothing records nothing either.
    async fn sync(
        &self,
        pass: &Pass<'_, T, C>,
        id: TicketId,
        link: ThreadLink,
        first: Round,
        forced: bool,
        report: &mut PassReport,
    ) -> Result<(), TicketSyncError> {
        let mut round = first;
        for _ in 0..MAX_ROUNDS {
            let ticket = match round.fetched.take() {
                Some(ticket) => ticket,
                None => self.tracker.get(id).await?,
            };
            let messages = self
                .read_thread(link.thread, round.state.message, round.unread)
                .await?;
            let no_names = GuildNames::default();
            let guild = match self
                .guild_names(pass, &messages, round.state.message)
                .await?
            {
                Some(names) => names,
                None => &no_names,
            };
            let decided =
                plan(&pass.input(&ticket, round.state, link, round.archived, &messages, guild));
            if forced && writes_nothing(&decided) {
                return Ok(());
            }
            let carried = pass
                .executor
                .carry_out(id, link, &decided, round.state, report)
                .await?;
            let Carried::Written(posted) = carried else {
                return match decided.blank {
                    Some(_) => Err(TicketSyncError::NoMessageContent),
                    None => Ok(()),
                };
            };
            let newer = if posted.is_empty() {
                Vec::new()
            } else {
                let after = self.chat.messages_after(link.thread, decided.state.message);
                after.await?.into_iter().map(|message| message.id).collect()
            };
            let mark = mark_after_posting(decided.state.message, &posted, &newer);
            let next = SyncState {
                message: mark.message,
                ..decided.state
            };
            if next != round.state {
                pass.executor.record_state(id, next).await?;
            }
            round = round.after(&decided, next, mark.unread);
            if decided.blank.is_some() {
                return Err(TicketSyncError::NoMessageContent);
            }
            // Writing the state made the threader the ticket's last updater, which hides the
            // ticket from the next pass's "changed by others": look once more for anything a
            // person wrote while this round ran.
            let after = self.tracker.get(id).await?;
            let seen = round.state.journal;
            if foreign_since(&after, seen, &link, pass.bot_user).is_empty() && !round.unread {
                return Ok(());
            }
            round.fetched = Some(after);
        }
        Ok(())
    }
}
