//! netbot's configuration: `NETBOX_*` variables from the environment or `.env`.

use std::path::PathBuf;

use anyhow::Result;
use appkit::env::{flag, required, seconds, var};
use netbox::{NetboxConfig, NetboxToken};

fn common(url: String, token: NetboxToken) -> Result<NetboxConfig> {
    Ok(NetboxConfig {
        url,
        token,
        ca_cert: var("NETBOX_CA_CERT").map(PathBuf::from),
        insecure: flag("NETBOX_INSECURE")?,
        timeout: seconds("NETBOX_TIMEOUT", 10, 600)?,
        cache_for: seconds("NETBOX_CACHE_SECONDS", 300, 86_400)?,
    })
}

/// How to reach NetBox, from `NETBOX_URL`, `NETBOX_TOKEN` and the optional settings.
pub fn netbox() -> Result<NetboxConfig> {
    common(
        required("NETBOX_URL")?,
        NetboxToken::new(required("NETBOX_TOKEN")?),
    )
}

/// The demo's NetBox: the embedded fixture server, no credentials.
pub fn demo(url: String) -> Result<NetboxConfig> {
    common(url, NetboxToken::new(demo::netbox::DEMO_TOKEN))
}

/// How to reach Redmine for the bot: `REDMINE_URL` and an admin's `REDMINE_TOKEN` (the bot
/// acts as each member through Redmine's switch-user header, which only admin keys may do).
pub fn redmine(timeout: std::time::Duration) -> Result<redmine::RedmineConfig> {
    Ok(redmine::RedmineConfig {
        url: required("REDMINE_URL")?,
        key: redmine::ApiKey::new(required("REDMINE_TOKEN")?),
        act_as: None,
        timeout,
    })
}
