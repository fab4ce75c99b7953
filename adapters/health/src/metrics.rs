//! The metrics `/metrics` serves, on `prometheus-client` (the Prometheus project's Rust
//! client): each registered once with its HELP line, every label value present from the start
//! (a counter at 0 is news to an alert; a missing series is not).

use std::sync::atomic::AtomicU64;
use std::time::Duration;

use prometheus_client::encoding::{EncodeLabelSet, EncodeLabelValue};
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;

/// The event-to-note histogram's upper bounds, in seconds: fine around the targets (a 1 s
/// median, a 2 s 95th percentile), coarse past them.
pub(crate) const EVENT_TO_NOTE_BUCKETS: [f64; 12] = [
    0.05, 0.1, 0.25, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0, 5.0, 7.5, 10.0,
];

#[derive(Debug, Clone, Copy, Hash, PartialEq, Eq, EncodeLabelValue)]
#[allow(non_camel_case_types)]
enum Outcome {
    ok,
    failed,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct OutcomeLabel {
    outcome: Outcome,
}

#[derive(Debug, Clone, Copy, Hash, PartialEq, Eq, EncodeLabelValue)]
#[allow(non_camel_case_types)]
enum Direction {
    to_tracker,
    to_chat,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct DirectionLabel {
    direction: Direction,
}

/// Every metric, and the registry that encodes them.
pub(crate) struct Metrics {
    registry: Registry,
    passes: Family<OutcomeLabel, Counter>,
    notes: Family<DirectionLabel, Counter>,
    note_edits: Counter,
    note_deletions: Counter,
    failures: Counter,
    last_pass_seconds: Gauge<f64, AtomicU64>,
    chat_connected: Gauge,
    event_to_note: Histogram,
}

impl Metrics {
    pub(crate) fn new() -> Self {
        let passes = Family::<OutcomeLabel, Counter>::default();
        let notes = Family::<DirectionLabel, Counter>::default();
        for outcome in [Outcome::ok, Outcome::failed] {
            drop(passes.get_or_create(&OutcomeLabel { outcome }));
        }
        for direction in [Direction::to_tracker, Direction::to_chat] {
            drop(notes.get_or_create(&DirectionLabel { direction }));
        }
        let metrics = Self {
            registry: Registry::default(),
            passes,
            notes,
            note_edits: Counter::default(),
            note_deletions: Counter::default(),
            failures: Counter::default(),
            last_pass_seconds: Gauge::default(),
            chat_connected: Gauge::default(),
            event_to_note: Histogram::new(EVENT_TO_NOTE_BUCKETS),
        };
        metrics.registered()
    }

    fn registered(mut self) -> Self {
        // Counters get their `_total` from the encoder.
        let registry = &mut self.registry;
        registry.register(
            "netbot_passes",
            "Passes that ended, by outcome (failed: the pass could not run)",
            self.passes.clone(),
        );
        registry.register(
            "netbot_notes",
            "Notes carried: chat messages written to the tracker, tracker notes posted in the chat",
            self.notes.clone(),
        );
        registry.register(
            "netbot_note_edits",
            "Notes that followed an edit of their chat message",
            self.note_edits.clone(),
        );
        registry.register(
            "netbot_note_deletions",
            "Notes that followed the deletion of their chat message",
            self.note_deletions.clone(),
        );
        registry.register(
            "netbot_failures",
            "Tickets or events that failed on their own (the rest went on)",
            self.failures.clone(),
        );
        registry.register(
            "netbot_last_pass_seconds",
            "How long the last pass took, in seconds",
            self.last_pass_seconds.clone(),
        );
        registry.register(
            "netbot_chat_connected",
            "Whether the chat connection (the gateway) is up: 1 or 0",
            self.chat_connected.clone(),
        );
        registry.register(
            "netbot_event_to_note_seconds",
            "Seconds from a chat event being heard to its note being written, on the live path",
            self.event_to_note.clone(),
        );
        self
    }

    pub(crate) fn pass_ended(&self, ok: bool, took: Duration) {
        let outcome = if ok { Outcome::ok } else { Outcome::failed };
        self.passes.get_or_create(&OutcomeLabel { outcome }).inc();
        self.last_pass_seconds.set(took.as_secs_f64());
    }

    pub(crate) fn note_to_tracker(&self, event_to_note: Option<Duration>) {
        self.notes
            .get_or_create(&DirectionLabel {
                direction: Direction::to_tracker,
            })
            .inc();
        if let Some(took) = event_to_note {
            self.event_to_note.observe(took.as_secs_f64());
        }
    }

    pub(crate) fn note_to_chat(&self) {
        self.notes
            .get_or_create(&DirectionLabel {
                direction: Direction::to_chat,
            })
            .inc();
    }

    pub(crate) fn note_edited(&self) {
        self.note_edits.inc();
    }

    pub(crate) fn note_deleted(&self) {
        self.note_deletions.inc();
    }

    pub(crate) fn failed(&self) {
        self.failures.inc();
    }

    pub(crate) fn chat_connection(&self, connected: bool) {
        self.chat_connected.set(i64::from(connected));
    }

    /// The text `/metrics` answers. Encoding into a `String` cannot fail; were it to, the
    /// text so far is still served rather than an error.
    pub(crate) fn encode(&self) -> String {
        let mut text = String::new();
        if prometheus_client::encoding::text::encode(&mut text, &self.registry).is_err() {
            tracing::warn!("the metrics could not be encoded whole");
        }
        text
    }
}
