//! netbot's configuration: `NETBOX_*` variables from the environment or `.env` (`REDMINE_*`
//! are read by `appkit::settings`, for every binary).

use std::path::PathBuf;
use std::time::Duration;

use anyhow::Result;
use appkit::env::{flag, required, seconds, var};
use netbox::{NetboxConfig, NetboxToken};
use tracing::warn;

/// How long each NetBox request may take.
#[derive(Debug, Clone, Copy)]
pub enum NetboxTimeout {
    /// `NETBOX_TIMEOUT` seconds (default 10): `netbot sites`.
    Environment,
    /// The bot's `backend_timeout` from `netbot.toml` (`netbot run`, `netbot check`), which
    /// also bounds each command as a whole: `NETBOX_TIMEOUT` does not apply, and a warning
    /// says so when it is set.
    Backend(Duration),
}

fn timeout(timeout: NetboxTimeout) -> Result<Duration> {
    match timeout {
        NetboxTimeout::Environment => seconds("NETBOX_TIMEOUT", 10, 600),
        NetboxTimeout::Backend(duration) => {
            if var("NETBOX_TIMEOUT").is_some() {
                warn!(
                    seconds = duration.as_secs(),
                    "NETBOX_TIMEOUT is ignored here: backend_timeout in netbot.toml sets every Redmine and NetBox request and each command's deadline"
                );
            }
            Ok(duration)
        }
    }
}

fn common(url: String, token: NetboxToken, limit: NetboxTimeout) -> Result<NetboxConfig> {
    Ok(NetboxConfig {
        url,
        token,
        ca_cert: var("NETBOX_CA_CERT").map(PathBuf::from),
        insecure: flag("NETBOX_INSECURE")?,
        timeout: timeout(limit)?,
        cache_for: seconds("NETBOX_CACHE_SECONDS", 300, 86_400)?,
    })
}

/// How to reach NetBox, from `NETBOX_URL`, `NETBOX_TOKEN` and the optional settings.
pub fn netbox(limit: NetboxTimeout) -> Result<NetboxConfig> {
    common(
        required("NETBOX_URL")?,
        NetboxToken::new(required("NETBOX_TOKEN")?),
        limit,
    )
}

/// The demo's NetBox: the embedded fixture server, no credentials.
pub fn demo(url: String) -> Result<NetboxConfig> {
    common(
        url,
        NetboxToken::new(demo::netbox::DEMO_TOKEN),
        NetboxTimeout::Environment,
    )
}
