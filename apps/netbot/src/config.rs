//! netbot's configuration: `NETBOX_*` variables from the environment or `.env` (`REDMINE_*`
//! are read by `appkit::settings`, for every binary).

use std::path::PathBuf;
use std::time::Duration;

use anyhow::{anyhow, Result};
use appkit::env::{flag, required, seconds, var};
use netbox::{ConfigError, NetboxConfig, NetboxToken};
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
    let insecure = flag("NETBOX_INSECURE")?;
    if insecure {
        warn!(url = %httpkit::shown_text(&url), "NETBOX_INSECURE=true: NetBox's TLS certificate is NOT verified");
    }
    Ok(NetboxConfig {
        url,
        token,
        ca_cert: var("NETBOX_CA_CERT").map(PathBuf::from),
        insecure,
        timeout: timeout(limit)?,
        cache_for: seconds("NETBOX_CACHE_SECONDS", 300, 86_400)?,
    })
}

/// A NetBox client's configuration error as the operator reads it: which `NETBOX_*`
/// setting is wrong.
pub fn netbox_error(error: &ConfigError) -> anyhow::Error {
    match error {
        ConfigError::BadUrl(url) => anyhow!(
            "NETBOX_URL '{}' is not an http(s) URL",
            httpkit::shown_text(url)
        ),
        ConfigError::BadToken => {
            anyhow!("NETBOX_TOKEN contains characters that cannot be sent in a header")
        }
        ConfigError::CaCert { path, reason } => {
            anyhow!("NETBOX_CA_CERT '{}': {reason}", path.display())
        }
        other => anyhow!("{other}"),
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_netbox_setting_that_is_wrong_is_named() {
        assert_eq!(
            netbox_error(&ConfigError::BadUrl("ftp://bot:s3cret@nb.internal/".into())).to_string(),
            "NETBOX_URL 'ftp://nb.internal/' is not an http(s) URL"
        );
        assert_eq!(
            netbox_error(&ConfigError::CaCert {
                path: "/dev/zero".into(),
                reason: "not a regular file".into(),
            })
            .to_string(),
            "NETBOX_CA_CERT '/dev/zero': not a regular file"
        );
        assert_eq!(
            netbox_error(&ConfigError::BadToken).to_string(),
            "NETBOX_TOKEN contains characters that cannot be sent in a header"
        );
    }
}
