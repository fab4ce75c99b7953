//! The long-running threader: it listens to the chat and applies each event as it arrives
//! (the dispatcher), and passes every `every` for what the tracker says and for catching up.
//!
//! A pass reads only what someone changed in the tracker while the connection is up and
//! nothing was missed (one request when nothing changed). It reads everything, the chat's
//! threads too, at start, after every new session (a reconnect that did not resume, so events
//! may be lost), after an event that failed, and while the connection is down. What the
//! threader knows beforehand (its user, the statuses, who is who) is read at start and again
//! every `refresh`, not on every pass.

use std::future::Future;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};

use arc_swap::ArcSwapOption;
use chrono::Utc;
use domain::auto_threads::Since;
use domain::notify::NotifyRules;
use thiserror::Error;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;
use tracing::{debug, error, info, warn};

use super::{Dispatcher, Outcome};
use crate::auto_threads::AutoThreads;
use crate::chat::{Chat, ChatError, ChatEvent, ChatFiles, ChatListener, GuildEvents, Heard};
use crate::directory::DirectoryError;
use crate::notify::Notifier;
use crate::threader::{Known, PassError, PassReport, Scope, Threader, WhoIsWho};
use crate::tracker::{
    ActAs, ArrivalFilter, Arrivals, Catalog, NoteEdits, People, SyncStore, TicketFeed, TicketFiles,
    Tickets,
};
use crate::vitals::Vitals;

/// How often the long-running threader does what.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LiveSettings {
    /// Between passes.
    pub every: Duration,
    /// Between two readings of what the threader knows (who is who, statuses).
    pub refresh: Duration,
    /// Between two notification passes (at least `every`).
    pub notify_every: Duration,
}

/// What the long-running threader does besides syncing, when configured.
#[derive(Debug, Clone, Copy, Default)]
pub struct Extras<'a> {
    /// Notifications (`[notify]`), every `notify_every`.
    pub notify: Option<&'a NotifyRules>,
    /// Automatic threads for new tickets (`[threader] auto_trackers`, `auto_projects`),
    /// looked for every `notify_every`.
    pub auto_threads: Option<&'a ArrivalFilter>,
}

/// What stops the long-running threader.
#[derive(Debug, Error)]
pub enum LiveError {
    /// The chat refused the connection itself (a token or intents problem).
    #[error("the chat refused the connection")]
    Chat(#[from] ChatError),
    /// What the threader must know could not be read at start.
    #[error("cannot read what the threader needs at start")]
    Start(#[from] PassError),
}

/// Runs until `stop`: listens with `listener`, applies events as they come, and passes.
/// `refresh` reads who is who (at start, and every `settings.refresh`).
///
/// # Errors
/// [`LiveError`] when the chat refuses the connection; anything else (a tracker that is
/// down, a key that lost its admin rights) is logged, reported to `vitals`, and tried again
/// at the next pass.
pub async fn run<T, C, L, V, R, F>(
    threader: Arc<Threader<T, C>>,
    listener: L,
    mut refresh: R,
    extras: Extras<'_>,
    vitals: Arc<V>,
    settings: LiveSettings,
    stop: CancellationToken,
) -> Result<(), LiveError>
where
    T: Tickets
        + TicketFiles
        + People
        + Catalog
        + SyncStore
        + ActAs
        + NoteEdits
        + TicketFeed
        + Arrivals,
    C: Chat + ChatFiles + GuildEvents,
    L: ChatListener,
    V: Vitals,
    R: FnMut() -> F,
    F: Future<Output = Result<WhoIsWho, DirectoryError>>,
{
    let known: Arc<ArcSwapOption<Known>> = Arc::new(ArcSwapOption::empty());
    let outcome = Arc::new(Outcome::default());
    // The first pass is a whole one.
    outcome.catch_up.store(true, Ordering::SeqCst);
    let connected = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let (send, mut heard) = mpsc::channel::<Heard>(1024);
    let listening = tokio::spawn({
        let stop = stop.clone();
        async move { listener.listen(send, stop).await }
    });
    let dispatching = tokio::spawn({
        let mut dispatcher = Dispatcher::new(
            Arc::clone(&threader),
            Arc::clone(&known),
            Arc::clone(&vitals),
            Arc::clone(&outcome),
        );
        let outcome = Arc::clone(&outcome);
        let vitals = Arc::clone(&vitals);
        let connected = Arc::clone(&connected);
        async move {
            while let Some(event) = heard.recv().await {
                match &event.event {
                    ChatEvent::Connected { resumed } => {
                        info!(resumed, "connected to the chat");
                        connected.store(true, Ordering::SeqCst);
                        vitals.chat_connection(true, None);
                        if !*resumed {
                            // Events may have been missed: catch up over REST now.
                            dispatcher.forget_order();
                            outcome.catch_up.store(true, Ordering::SeqCst);
                            outcome.wake.notify_one();
                        }
                    }
                    ChatEvent::Disconnected { why } => {
                        warn!(%why, "the chat connection is lost; reconnecting");
                        connected.store(false, Ordering::SeqCst);
                        vitals.chat_connection(false, Some(why));
                    }
                    _ => dispatcher.dispatch(event),
                }
            }
        }
    });

    let mut known_at: Option<Instant> = None;
    let mut notified_at: Option<Instant> = None;
    let mut since = Since::first_look(Utc::now());
    let result = loop {
        if listening.is_finished() {
            break finished(listening).await;
        }
        if known_at.is_none_or(|at| at.elapsed() >= settings.refresh) {
            match read_known(&threader, &mut refresh).await {
                Ok(fresh) => {
                    known.store(Some(Arc::new(fresh)));
                    known_at = Some(Instant::now());
                }
                Err(why) if known.load().is_some() => {
                    warn!(error = %why, "cannot read who is who and the statuses again; keeping what was read");
                }
                Err(why) => {
                    error!(error = %why, "the pass could not run; trying again next pass");
                    vitals.pass_ended(false, Duration::ZERO, Some(&why));
                    if !sleep_unless_stopped(settings.every, &outcome, &stop).await {
                        break Ok(());
                    }
                    continue;
                }
            }
        }
        let Some(current) = known.load_full() else {
            continue;
        };
        let due = notified_at.is_none_or(|at| at.elapsed() >= settings.notify_every);
        let asked = match (extras.auto_threads, due) {
            (Some(filter), true) => auto_threads(&threader, filter, &mut since).await,
            _ => false,
        };
        let whole = outcome.catch_up.swap(false, Ordering::SeqCst);
        // A ticket the threader itself asked a thread for is not "changed by others": a
        // whole pass opens its thread.
        let scope = if whole || asked || !connected.load(Ordering::SeqCst) {
            Scope::Full
        } else {
            Scope::TrackerOnly
        };
        let started = Instant::now();
        match threader.pass_in(&current, scope).await {
            Ok(mut report) => {
                if due {
                    notified_at = Some(Instant::now());
                    if let Some(rules) = extras.notify {
                        notify_pass(&threader, rules, &current, &mut report).await;
                    }
                }
                for _ in 0..report.to_discord {
                    vitals.note_to_chat();
                }
                for _ in 0..report.to_redmine {
                    vitals.note_to_tracker(None);
                }
                for _ in &report.failed {
                    vitals.failed();
                }
                if !report.failed.is_empty() && scope == Scope::Full {
                    // A ticket that failed in a whole pass gets another whole look.
                    outcome.catch_up.store(true, Ordering::SeqCst);
                }
                vitals.pass_ended(true, started.elapsed(), None);
                log_pass(&report, scope, started);
            }
            Err(error) => {
                let error = crate::with_causes(&error);
                error!(%error, "the pass could not run; trying again next pass");
                if scope == Scope::Full {
                    outcome.catch_up.store(true, Ordering::SeqCst);
                }
                vitals.pass_ended(false, started.elapsed(), Some(&error));
            }
        }
        if !sleep_unless_stopped(settings.every, &outcome, &stop).await {
            break Ok(());
        }
    };
    stop.cancel();
    dispatching.abort();
    result
}

/// Waits `every`, or less when an event asks for a catch-up; `false` when asked to stop.
async fn sleep_unless_stopped(
    every: Duration,
    outcome: &Outcome,
    stop: &CancellationToken,
) -> bool {
    tokio::select! {
        () = tokio::time::sleep(every) => {}
        () = outcome.wake.notified() => {}
        () = stop.cancelled() => {}
    }
    !stop.is_cancelled()
}

/// Who is who and what the threader knows, read again; the reason in one line when not.
async fn read_known<T, C, R, F>(threader: &Threader<T, C>, refresh: &mut R) -> Result<Known, String>
where
    T: Tickets + TicketFiles + People + Catalog + SyncStore + ActAs,
    C: Chat + ChatFiles + GuildEvents,
    R: FnMut() -> F,
    F: Future<Output = Result<WhoIsWho, DirectoryError>>,
{
    let people = refresh()
        .await
        .map_err(|error| crate::with_causes_of("reading who is who", &error))?;
    threader
        .know(people)
        .await
        .map_err(|error| crate::with_causes(&error))
}

/// How the listener ended: its own error, or a clean stop.
async fn finished(
    listening: tokio::task::JoinHandle<Result<(), ChatError>>,
) -> Result<(), LiveError> {
    match listening.await {
        Ok(Ok(())) => Ok(()),
        Ok(Err(error)) => Err(LiveError::Chat(error)),
        Err(join) => Err(LiveError::Chat(ChatError::Unexpected {
            action: String::from("listen to the chat"),
            cause: Box::new(join),
        })),
    }
}

/// The notifications, as a pass of the one-shot threader makes them.
async fn notify_pass<T, C>(
    threader: &Threader<T, C>,
    rules: &NotifyRules,
    known: &Known,
    report: &mut PassReport,
) where
    T: Tickets + TicketFeed + TicketFiles + People + Catalog + SyncStore + ActAs,
    C: Chat + ChatFiles + GuildEvents,
{
    let notifier = Notifier::new(threader.tracker(), threader.chat(), rules, false);
    match notifier.pass(Utc::now(), &known.people.users).await {
        Ok(notified) => report.add_notifications(notified),
        Err(error) => {
            let error = crate::with_causes(&error);
            warn!(%error, "notifications skipped this pass");
            report.notify_error = Some(error);
        }
    }
}

/// One look for new tickets to ask a thread for; whether any was asked. A look that fails
/// keeps `since` for the next one.
async fn auto_threads<T, C>(
    threader: &Threader<T, C>,
    filter: &ArrivalFilter,
    since: &mut Since,
) -> bool
where
    T: Arrivals + SyncStore,
{
    match AutoThreads::new(threader.tracker(), filter, false)
        .pass(since)
        .await
    {
        Ok(report) => {
            *since = report.next;
            !report.asked.is_empty()
        }
        Err(error) => {
            warn!(error = %crate::with_causes(&error), "automatic threads skipped this look");
            false
        }
    }
}

/// A pass that did something is a line at info; a quiet one only at debug.
fn log_pass(report: &PassReport, scope: Scope, started: Instant) {
    let elapsed_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
    let quiet = report.to_discord == 0
        && report.to_redmine == 0
        && report.rewritten == 0
        && report.threads_created == 0
        && report.failed.is_empty()
        && report.notify_error.is_none()
        && report
            .notified
            .is_none_or(|(announced, reminded)| announced + reminded == 0);
    if quiet {
        debug!(?scope, elapsed_ms, "{}", report.summary());
    } else {
        info!(?scope, elapsed_ms, "{}", report.summary());
    }
}
