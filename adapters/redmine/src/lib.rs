//! netbot's Redmine adapter: the tracker role ports and `Directory` over Redmine's REST API.
//!
//! Only this crate knows Redmine's URLs, headers and JSON; everything it returns is a domain
//! type, a `TrackerError` or a `DirectoryError`.

mod client;
mod convert;
mod directory;
mod dto;
mod error;
mod issues;
mod journals;
mod people;
mod setup;
mod statuses;
mod team_work;
mod threads;
mod time_entries;
mod tracker;
mod watchers;

pub use client::{ApiKey, ConfigError, Redmine, RedmineConfig};
pub use convert::IssueFieldNames;
pub use directory::RedmineDirectory;
pub use setup::RoleNoteRights;
