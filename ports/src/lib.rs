//! The ports netbot's core needs from the world, and the use cases that drive them.
//!
//! Use cases are async and generic over the port traits: they fetch inputs, let `domain`
//! decide, and execute the decision. Adapters implement the traits; apps wire them.

pub mod auto_threads;
pub mod bot;
pub mod chat;
pub mod directory;
pub mod due_events;
pub mod hours;
pub mod identities;
pub mod inventory;
pub mod notify;
pub mod sites;
pub mod status;
pub mod threader;
pub mod tickets;
pub mod tracker;
pub mod vitals;

/// What caused a port error, kept whole (an adapter's own error type: a network failure, say)
/// so that a caller can log or inspect it, rather than flattened into a string.
pub type Cause = Box<dyn std::error::Error + Send + Sync + 'static>;

/// The causes of an error, nearest first (its `source`, the source's `source`, …): the one
/// walk of a cause chain for the ports and everything above them. (The HTTP kit of the
/// adapters, which the ports do not depend on, has the same walk as `httpkit::chain`.)
pub fn causes<'a>(
    error: &'a (dyn std::error::Error + 'static),
) -> impl Iterator<Item = &'a (dyn std::error::Error + 'static)> {
    std::iter::successors(error.source(), |cause| cause.source())
}

/// `text` followed by the causes of `error`: `text: cause: cause`.
#[must_use]
pub fn with_causes_of(
    text: impl Into<String>,
    error: &(dyn std::error::Error + 'static),
) -> String {
    let mut text = text.into();
    for cause in causes(error) {
        text.push_str(": ");
        text.push_str(&cause.to_string());
    }
    text
}

/// An error and its causes on one line, `error: cause: cause`, for the operator's log.
#[must_use]
pub fn with_causes(error: &(dyn std::error::Error + 'static)) -> String {
    with_causes_of(error.to_string(), error)
}

pub use chat::{Chat, ChatError, ChatFiles, GuildEvents};
pub use directory::{Directory, DirectoryError};
pub use inventory::{Inventory, InventoryError};
pub use tracker::{
    ActAs, Catalog, NewFile, NoteEdits, People, SavedFilter, StatusNames, StatusRole, SyncFields,
    SyncStore, ThreadedScope, TicketFeed, TicketFiles, Tickets, TrackerError, Uploaded, Watchers,
};
pub use tracker::{ArrivalFilter, Arrivals, TeamWork};
pub use tracker::{TimeEntry, TimeLog};

#[cfg(any(test, feature = "mocks"))]
pub use chat::{MockChat, MockChatFiles, MockChatWithFiles, MockGuildEvents};
#[cfg(any(test, feature = "mocks"))]
pub use directory::MockDirectory;
#[cfg(any(test, feature = "mocks"))]
pub use inventory::MockInventory;
#[cfg(any(test, feature = "mocks"))]
pub use tracker::MockTimeLog;
#[cfg(any(test, feature = "mocks"))]
pub use tracker::{
    MockActAs, MockCatalog, MockPeople, MockSyncStore, MockTicketFeed, MockTicketFiles,
    MockTickets, MockTracker, MockWatchers,
};

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, thiserror::Error)]
    #[error("{text}")]
    struct Layer {
        text: &'static str,
        #[source]
        source: Option<Box<Layer>>,
    }

    fn layers(texts: &[&'static str]) -> Layer {
        let mut error: Option<Box<Layer>> = None;
        for text in texts.iter().rev() {
            error = Some(Box::new(Layer {
                text,
                source: error,
            }));
        }
        *error.expect("at least one layer")
    }

    #[test]
    fn an_error_and_its_causes_are_written_on_one_line_nearest_first() {
        let error = layers(&[
            "cannot reach the tracker",
            "tcp connect",
            "Connection refused",
        ]);
        assert_eq!(
            causes(&error).map(ToString::to_string).collect::<Vec<_>>(),
            ["tcp connect", "Connection refused"]
        );
        assert_eq!(
            with_causes(&error),
            "cannot reach the tracker: tcp connect: Connection refused"
        );
        assert_eq!(
            with_causes_of("the key was refused", &layers(&["alone"])),
            "the key was refused"
        );
    }
}
