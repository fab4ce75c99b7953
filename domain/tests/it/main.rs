//! Integration tests of the pure core: renderings and the crate's own boundaries.

#![allow(clippy::unwrap_used, clippy::panic, missing_docs)]

mod auto_threads;
mod bot;
mod boundaries;
mod discord;
mod live_notes;
mod notify;
mod recycle;
mod render;
mod sync;
mod team_status;
