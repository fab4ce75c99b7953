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

pub use chat::{Chat, ChatError};
pub use directory::{Directory, DirectoryError};
pub use inventory::{Inventory, InventoryError};
pub use tracker::{
    SavedFilter, StatusNames, StatusRole, SyncFields, ThreadedScope, TicketTracker, TrackerError,
};

#[cfg(any(test, feature = "mocks"))]
pub use chat::MockChat;
#[cfg(any(test, feature = "mocks"))]
pub use directory::MockDirectory;
#[cfg(any(test, feature = "mocks"))]
pub use inventory::MockInventory;
#[cfg(any(test, feature = "mocks"))]
pub use tracker::MockTicketTracker;
