//! netbot's Redmine adapter: the `TicketTracker` port over Redmine's REST API.
//!
//! Only this crate knows Redmine's URLs, headers and JSON; everything it returns is a domain
//! type or a `TrackerError`.

mod client;
mod convert;
mod dto;
mod error;
mod threads;

pub use client::{ApiKey, ConfigError, Redmine, RedmineConfig};
pub use convert::IssueFieldNames;
