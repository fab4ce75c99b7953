//! What a long-running process (the threader's loop, `netbot run`) reports through
//! [`ports::vitals::Vitals`], kept as a health answer and Prometheus metrics, served over
//! HTTP (`GET /healthz`, `GET /metrics`) and probed by the binaries' `health` subcommands.
//!
//! The use cases report; [`Health`] remembers the chat connection and the last pass, counts
//! the rest in [`metrics`], and [`serve`](Health::serve) answers from that state on every
//! request, so a lost connection reads as unhealthy from the next request on.

mod metrics;
mod probe;
mod serve;

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use ports::vitals::Vitals;

pub use probe::{probe, PROBE_TIMEOUT};
pub use serve::ServeError;

use metrics::Metrics;

/// What "healthy" requires of a process: a chat connection that is up, a last pass that ran,
/// or both. A process that has no passes (the bot) must not wait for one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Needs {
    /// The chat connection (the gateway) must be up.
    pub chat_connection: bool,
    /// A pass must have run and the last one must have succeeded.
    pub passes: bool,
}

/// The health and metrics of one process: cheap to clone (the state is shared), handed to
/// the use cases as their [`Vitals`] and to [`serve`](Health::serve).
#[derive(Clone)]
pub struct Health {
    shared: Arc<Shared>,
}

struct Shared {
    needs: Needs,
    state: Mutex<State>,
    metrics: Metrics,
}

/// What the health answer is made of; the metrics count the rest.
#[derive(Debug, Default)]
struct State {
    /// `None` until the connection is first reported; `Err(why)` while it is down.
    chat: Option<Result<(), String>>,
    /// `None` until a pass ends; `Err(why)` when the last one did not run.
    last_pass: Option<Result<(), String>>,
}

impl std::fmt::Debug for Health {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("Health")
            .field("needs", &self.shared.needs)
            .field("state", &*self.state())
            .finish_non_exhaustive()
    }
}

/// Why a chat connection that was never reported is not up yet.
const NOT_CONNECTED_YET: &str = "connecting";

impl Health {
    /// Health that requires what `needs` says.
    #[must_use]
    pub fn new(needs: Needs) -> Self {
        Self {
            shared: Arc::new(Shared {
                needs,
                state: Mutex::new(State::default()),
                metrics: Metrics::new(),
            }),
        }
    }

    /// The threader's: healthy while the chat connection is up and the last pass succeeded.
    #[must_use]
    pub fn for_threader() -> Self {
        Self::new(Needs {
            chat_connection: true,
            passes: true,
        })
    }

    /// The bot's (`netbot run`): healthy while the chat connection is up; it has no passes.
    #[must_use]
    pub fn for_bot() -> Self {
        Self::new(Needs {
            chat_connection: true,
            passes: false,
        })
    }

    /// The health answer now: `Ok` when healthy, else one line saying why (`chat: not
    /// connected (WHY)`, `starting: no pass yet`, `last pass failed: WHY`). A lost connection
    /// is said first: it is the most urgent and the newest.
    ///
    /// # Errors
    /// The one line saying why the process is not healthy.
    pub fn verdict(&self) -> Result<(), String> {
        let needs = self.shared.needs;
        let state = self.state();
        if needs.chat_connection {
            if let Some(Err(why)) = &state.chat {
                return Err(format!("chat: not connected ({why})"));
            }
        }
        if needs.passes {
            match &state.last_pass {
                None => return Err(String::from("starting: no pass yet")),
                Some(Err(why)) => return Err(format!("last pass failed: {why}")),
                Some(Ok(())) => {}
            }
        }
        if needs.chat_connection && state.chat.is_none() {
            return Err(format!("chat: not connected ({NOT_CONNECTED_YET})"));
        }
        Ok(())
    }

    /// The metrics in Prometheus' text format (OpenMetrics), as `/metrics` serves them.
    #[must_use]
    pub fn metrics_text(&self) -> String {
        self.shared.metrics.encode()
    }

    fn state(&self) -> MutexGuard<'_, State> {
        // The state is two plain values, each written whole: one left by a panicking
        // reporter is still a state, so a poisoned lock is read on.
        self.shared
            .state
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }
}

/// One line, short: a reason is shown in a health answer, never a whole error chain.
fn one_line(why: Option<&str>, otherwise: &str) -> String {
    const MOST: usize = 200;
    let text = why
        .map(str::trim)
        .filter(|why| !why.is_empty())
        .unwrap_or(otherwise);
    let line: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .take(MOST)
        .collect();
    line
}

impl Vitals for Health {
    fn pass_ended(&self, ok: bool, took: Duration, why: Option<&str>) {
        self.shared.metrics.pass_ended(ok, took);
        self.state().last_pass = Some(if ok {
            Ok(())
        } else {
            Err(one_line(why, "no reason given"))
        });
    }

    fn note_to_tracker(&self, event_to_note: Option<Duration>) {
        self.shared.metrics.note_to_tracker(event_to_note);
    }

    fn note_to_chat(&self) {
        self.shared.metrics.note_to_chat();
    }

    fn note_edited(&self) {
        self.shared.metrics.note_edited();
    }

    fn note_deleted(&self) {
        self.shared.metrics.note_deleted();
    }

    fn failed(&self) {
        self.shared.metrics.failed();
    }

    fn chat_connection(&self, connected: bool, why: Option<&str>) {
        self.shared.metrics.chat_connection(connected);
        self.state().chat = Some(if connected {
            Ok(())
        } else {
            Err(one_line(why, "lost"))
        });
    }
}
