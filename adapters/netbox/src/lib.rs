//! netbot's NetBox adapter: the `Inventory` port over NetBox's REST API.
//!
//! Only this crate knows NetBox's URLs, headers and JSON; everything it returns is a domain
//! type or an `InventoryError`.

mod client;
mod convert;
mod dto;
mod error;

pub use client::{ConfigError, Netbox, NetboxConfig, NetboxToken};
