//! netbot's configuration: `NETBOX_*` variables from the environment or `.env`.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::{bail, Context as _, Result};
use netbox::{NetboxConfig, NetboxToken};

/// Reads a variable; an empty value counts as unset.
fn var(name: &str) -> Option<String> {
    std::env::var(name)
        .ok()
        .map(|value| value.trim().to_owned())
        .filter(|value| !value.is_empty())
}

fn required(name: &str) -> Result<String> {
    var(name).with_context(|| {
        format!("{name} is not set: put it in the environment or in a .env file here")
    })
}

/// A number of seconds from `name`, within `1..=max`, or `default`.
fn seconds(name: &str, default: u64, max: u64) -> Result<Duration> {
    match var(name) {
        None => Ok(Duration::from_secs(default)),
        Some(text) => match text.parse::<u64>() {
            Ok(seconds) if (1..=max).contains(&seconds) => Ok(Duration::from_secs(seconds)),
            _ => bail!("{name} must be a number of seconds from 1 to {max}, not '{text}'"),
        },
    }
}

/// `true`/`false` (also `1`/`0`, `yes`/`no`) from `name`; unset is `false`.
fn flag(name: &str) -> Result<bool> {
    match var(name).map(|text| text.to_lowercase()).as_deref() {
        None | Some("false" | "0" | "no") => Ok(false),
        Some("true" | "1" | "yes") => Ok(true),
        Some(other) => bail!("{name} must be true or false, not '{other}'"),
    }
}

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
    common(url, NetboxToken::new(testkit::netbox::DEMO_TOKEN))
}
