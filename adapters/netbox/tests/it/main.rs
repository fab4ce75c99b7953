//! The NetBox adapter against fixture servers (wiremock, plain and TLS) and, in `contract`,
//! a real NetBox.

#![allow(clippy::unwrap_used, clippy::panic, missing_docs)]

mod contract;
mod details;
mod errors;
mod hostile;
mod listing;
mod tls;

use std::time::Duration;

use netbox::{Netbox, NetboxConfig, NetboxToken};

/// A classic (v1) token for fixture servers.
pub const V1_TOKEN: &str = "0123456789abcdef0123456789abcdef01234567";

/// The settings for a fixture server at `url`, with a classic token and no cache.
pub fn config(url: &str) -> NetboxConfig {
    NetboxConfig {
        url: url.to_owned(),
        token: NetboxToken::new(V1_TOKEN),
        ca_cert: None,
        insecure: false,
        timeout: Duration::from_secs(2),
        cache_for: Duration::ZERO,
    }
}

/// The adapter pointed at a fixture server.
pub fn netbox(url: &str) -> Netbox {
    Netbox::new(config(url)).expect("a valid fixture URL")
}
