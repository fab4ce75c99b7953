//! What a long-running process tells about itself as it works: passes, notes each way,
//! edits, deletions, failures, the chat connection. The use cases report here; an adapter
//! turns the reports into a health answer and metrics (or nothing, for a one-shot run).

use std::time::Duration;

/// Where a long-running use case reports what it did. Every method has a default that does
/// nothing, so [`Quiet`] (and a test's own recorder) implement only what they need.
pub trait Vitals: Send + Sync + 'static {
    /// A pass ended: `ok` when it ran (tickets that failed on their own do not make it fail),
    /// after `took`; `why` says in one line what stopped it when it did not run.
    fn pass_ended(&self, ok: bool, took: Duration, why: Option<&str>) {
        let _ = (ok, took, why);
    }
    /// A chat message became a tracker note; `event_to_note` is the time from the event
    /// being heard to the note being written, for a note written by the live path.
    fn note_to_tracker(&self, event_to_note: Option<Duration>) {
        let _ = event_to_note;
    }
    /// A tracker note (or the description) was posted in the chat.
    fn note_to_chat(&self) {}
    /// A note followed an edit of its chat message.
    fn note_edited(&self) {}
    /// A note followed the deletion of its chat message.
    fn note_deleted(&self) {}
    /// One ticket or one event failed (the rest went on).
    fn failed(&self) {}
    /// The chat connection came up (`connected`) or was lost, with why in one line.
    fn chat_connection(&self, connected: bool, why: Option<&str>) {
        let _ = (connected, why);
    }
}

/// Reports to nobody: a one-shot run, or a test that does not look.
#[derive(Debug, Clone, Copy, Default)]
pub struct Quiet;

impl Vitals for Quiet {}
