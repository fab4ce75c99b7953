//! Routes the chat's events to their tickets: one worker per ticket applies its events one
//! after another, in the order they were heard, while other tickets' events go on beside
//! them. A worker takes the messages that queued up in its thread meanwhile as one batch: a
//! burst of twenty messages is one look that writes twenty notes, in order.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Instant;

use arc_swap::ArcSwapOption;
use domain::{ChannelId, ChatMessage, MessageId, TicketId};
use tokio::sync::{mpsc, Notify};
use tracing::{debug, info, warn};

use super::Applied;
use crate::chat::{Chat, ChatEvent, ChatFiles, GuildEvents, Heard};
use crate::threader::{Known, Threader};
use crate::tracker::{ActAs, Catalog, NoteEdits, People, SyncStore, TicketFiles, Tickets};
use crate::vitals::Vitals;

/// One event for one ticket's worker.
#[derive(Debug)]
enum Job {
    /// A message posted; `before` is the thread's message heard just before it.
    Posted {
        thread: ChannelId,
        message: ChatMessage,
        before: Option<MessageId>,
        at: Instant,
    },
    /// A message edited.
    Edited {
        thread: ChannelId,
        message: ChatMessage,
        at: Instant,
    },
    /// A message deleted.
    Deleted {
        thread: ChannelId,
        message: MessageId,
        at: Instant,
    },
}

/// What the dispatcher tells the loop that drives it.
#[derive(Debug, Default)]
pub struct Outcome {
    /// Set when an event could not be applied: the next pass must be a whole one, so that
    /// what the event should have written is written.
    pub catch_up: AtomicBool,
    /// Woken when `catch_up` is set.
    pub wake: Notify,
}

/// Sends each event heard to its ticket's worker.
pub struct Dispatcher<T, C, V> {
    threader: Arc<Threader<T, C>>,
    known: Arc<ArcSwapOption<Known>>,
    vitals: Arc<V>,
    outcome: Arc<Outcome>,
    /// The newest message heard in each thread since the connection's session began.
    newest: HashMap<ChannelId, MessageId>,
    workers: HashMap<TicketId, mpsc::UnboundedSender<Job>>,
}

impl<T, C, V> Dispatcher<T, C, V>
where
    T: Tickets + TicketFiles + People + Catalog + SyncStore + ActAs + NoteEdits,
    C: Chat + ChatFiles + GuildEvents,
    V: Vitals,
{
    /// A dispatcher for `threader`, reading what the process knows from `known` at each
    /// event (nothing yet: the event is left to the first pass), reporting to `vitals`, and raising `outcome` when an event fails.
    pub fn new(
        threader: Arc<Threader<T, C>>,
        known: Arc<ArcSwapOption<Known>>,
        vitals: Arc<V>,
        outcome: Arc<Outcome>,
    ) -> Self {
        Self {
            threader,
            known,
            vitals,
            outcome,
            newest: HashMap::new(),
            workers: HashMap::new(),
        }
    }

    /// Forgets which message came last in each thread: after a new session (events may have
    /// been missed), the first message of each thread takes a whole look.
    pub fn forget_order(&mut self) {
        self.newest.clear();
    }

    /// Sends one event to its ticket's worker (connection events are the loop's, not this).
    pub fn dispatch(&mut self, heard: Heard) {
        let at = heard.at;
        let (thread, job) = match heard.event {
            ChatEvent::MessagePosted { channel, message } => {
                let before = self.newest.insert(channel, message.id);
                let job = Job::Posted {
                    thread: channel,
                    message,
                    before,
                    at,
                };
                (channel, job)
            }
            ChatEvent::MessageEdited { channel, message } => (
                channel,
                Job::Edited {
                    thread: channel,
                    message,
                    at,
                },
            ),
            ChatEvent::MessageDeleted { channel, message } => (
                channel,
                Job::Deleted {
                    thread: channel,
                    message,
                    at,
                },
            ),
            ChatEvent::Connected { .. } | ChatEvent::Disconnected { .. } => return,
        };
        let Some(ticket) = self.threader.ticket_of(thread) else {
            // Not a synced thread (or one no pass has seen yet: its first look reads it).
            return;
        };
        let worker = self.workers.entry(ticket).or_insert_with(|| {
            let (send, receive) = mpsc::unbounded_channel();
            tokio::spawn(work(
                Arc::clone(&self.threader),
                Arc::clone(&self.known),
                Arc::clone(&self.vitals),
                Arc::clone(&self.outcome),
                ticket,
                receive,
            ));
            send
        });
        if let Err(lost) = worker.send(job) {
            // The worker is gone (it cannot end while its sender lives, but say so if it
            // did): a whole pass writes what the event should have.
            warn!(%ticket, job = ?lost.0, "a ticket's worker is gone; the next pass catches up");
            self.workers.remove(&ticket);
            self.outcome.catch_up.store(true, Ordering::SeqCst);
            self.outcome.wake.notify_one();
        }
    }
}

/// One ticket's worker: applies its jobs in order, the messages queued in one thread as
/// one batch.
async fn work<T, C, V>(
    threader: Arc<Threader<T, C>>,
    known: Arc<ArcSwapOption<Known>>,
    vitals: Arc<V>,
    outcome: Arc<Outcome>,
    ticket: TicketId,
    mut jobs: mpsc::UnboundedReceiver<Job>,
) where
    T: Tickets + TicketFiles + People + Catalog + SyncStore + ActAs + NoteEdits,
    C: Chat + ChatFiles + GuildEvents,
    V: Vitals,
{
    let mut held: Option<Job> = None;
    loop {
        let job = match held.take() {
            Some(job) => job,
            None => match jobs.recv().await {
                Some(job) => job,
                None => return,
            },
        };
        let Some(known) = known.load_full() else {
            // Nothing is known yet (the tracker is down since the start): the first pass
            // that runs is a whole one, and it writes what this event would have.
            debug!(%ticket, "an event before anything is known; left to the first pass");
            outcome.catch_up.store(true, Ordering::SeqCst);
            continue;
        };
        let started = Instant::now();
        let (direction, heard, applied) = match job {
            Job::Posted {
                thread,
                message,
                before,
                at,
            } => {
                let mut messages = vec![message];
                let mut heard = vec![at];
                while let Ok(next) = jobs.try_recv() {
                    match next {
                        Job::Posted {
                            thread: same,
                            message,
                            at,
                            ..
                        } if same == thread => {
                            messages.push(message);
                            heard.push(at);
                        }
                        other => {
                            held = Some(other);
                            break;
                        }
                    }
                }
                let applied = threader
                    .apply_posted(&known, ticket, thread, &messages, before)
                    .await;
                ("to_tracker", heard, applied)
            }
            Job::Edited {
                thread,
                message,
                at,
            } => {
                let applied = threader
                    .apply_edited(&known, ticket, thread, &message)
                    .await;
                ("edit", vec![at], applied)
            }
            Job::Deleted {
                thread,
                message,
                at,
            } => {
                let applied = threader
                    .apply_deleted(&known, ticket, thread, message)
                    .await;
                ("deletion", vec![at], applied)
            }
        };
        report(
            &*vitals, &outcome, ticket, direction, &heard, started, applied,
        );
    }
}

/// One line per event applied, and the vitals.
fn report<V: Vitals>(
    vitals: &V,
    outcome: &Outcome,
    ticket: TicketId,
    direction: &str,
    heard: &[Instant],
    started: Instant,
    applied: Result<Applied, super::TicketSyncError>,
) {
    let elapsed_ms = millis(started.elapsed());
    match applied {
        Ok(applied) => {
            let now = Instant::now();
            for at in heard.iter().take(applied.notes) {
                vitals.note_to_tracker(Some(now.duration_since(*at)));
            }
            for _ in heard.len()..applied.notes {
                vitals.note_to_tracker(None);
            }
            for _ in 0..applied.to_chat {
                vitals.note_to_chat();
            }
            for _ in 0..applied.edited {
                vitals.note_edited();
            }
            for _ in 0..applied.deleted {
                vitals.note_deleted();
            }
            let wrote = applied.notes + applied.edited + applied.deleted + applied.to_chat;
            if wrote > 0 {
                let event_ms = heard.first().map_or(0, |at| millis(at.elapsed()));
                info!(%ticket, direction, events = heard.len(), notes = applied.notes,
                    edited = applied.edited, deleted = applied.deleted, to_chat = applied.to_chat,
                    whole_look = applied.whole_look, elapsed_ms, event_ms, "event applied");
            }
        }
        Err(error) => {
            let error = crate::with_causes(&error);
            warn!(%ticket, direction, elapsed_ms, %error, "event not applied; the next pass catches up");
            vitals.failed();
            outcome.catch_up.store(true, Ordering::SeqCst);
            outcome.wake.notify_one();
        }
    }
}

/// Milliseconds, saturating.
fn millis(duration: std::time::Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}
