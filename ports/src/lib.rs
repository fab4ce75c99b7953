//! The ports netbot's core needs from the world, and the use cases that drive them.
//!
//! Use cases are async and generic over the port traits: they fetch inputs, let `domain`
//! decide, and execute the decision. Adapters implement the traits; apps wire them.

pub mod bot;
pub mod chat;
pub mod directory;
pub mod identities;
pub mod inventory;
pub mod notify;
pub mod sites;
pub mod threader;
pub mod tickets;
pub mod tracker;

/// What caused a port error, kept whole (an adapter's own error type: a network failure, say)
/// so that a caller can log or inspect it, rather than flattened into a string.
pub type Cause = Box<dyn std::error::Error + Send + Sync + 'static>;

/// An error and its causes on one line, `error: cause: cause`, for the operator's log.
#[must_use]
pub fn with_causes(error: &(dyn std::error::Error + 'static)) -> String {
    let mut text = error.to_string();
    let mut cause = error.source();
    while let Some(current) = cause {
        text.push_str(": ");
        text.push_str(&current.to_string());
        cause = current.source();
    }
    text
}

pub use chat::{Chat, ChatError};
pub use directory::{Directory, DirectoryError};
pub use inventory::{Inventory, InventoryError};
pub use tracker::{
    ActAs, Catalog, People, SavedFilter, StatusNames, StatusRole, SyncFields, SyncStore,
    ThreadedScope, TicketFeed, Tickets, TrackerError,
};

#[cfg(any(test, feature = "mocks"))]
pub use chat::MockChat;
#[cfg(any(test, feature = "mocks"))]
pub use directory::MockDirectory;
#[cfg(any(test, feature = "mocks"))]
pub use inventory::MockInventory;
#[cfg(any(test, feature = "mocks"))]
pub use tracker::{
    MockActAs, MockCatalog, MockPeople, MockSyncStore, MockTicketFeed, MockTickets, MockTracker,
};
