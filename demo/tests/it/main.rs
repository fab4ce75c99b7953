//! The demo crate: what the release binaries may link, and its fakes served over HTTP.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

mod boundaries;
mod layout;
mod served;
