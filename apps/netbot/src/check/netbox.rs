//! `netbot check`'s NetBox checks: reachable, and the token accepted.

use appkit::settings::Settings;
use appkit::words;
use domain::check::Check;
use netbox::Netbox;
use ports::{Inventory as _, InventoryError};

/// NetBox: reachable, and its token accepted (by listing the sites).
pub async fn netbox_checks(checks: &mut Vec<Check>, settings: &Settings) {
    let timeout = settings.backend_timeout;
    let config = match crate::config::netbox(crate::config::NetboxTimeout::Backend(timeout)) {
        Ok(config) => config,
        Err(error) => {
            checks.push(Check::fail(
                "netbox",
                format!("{error:#}"),
                "fix the NETBOX_* settings (see `netbot sites --help`)",
            ));
            return;
        }
    };
    let url = httpkit::shown_text(&config.url);
    let netbox = match Netbox::new(config) {
        Ok(netbox) => netbox,
        Err(error) => {
            checks.push(Check::fail(
                "netbox reachable",
                crate::config::netbox_error(&error).to_string(),
                "fix the NETBOX_* settings (see `netbot sites --help`)",
            ));
            return;
        }
    };
    match netbox.sites().await {
        Ok(sites) => {
            checks.push(Check::pass("netbox reachable", url));
            checks.push(Check::pass(
                "netbox token",
                format!("accepted ({} sites)", sites.len()),
            ));
        }
        Err(error @ (InventoryError::Unauthorized | InventoryError::Forbidden)) => {
            checks.push(Check::pass("netbox reachable", url));
            checks.push(Check::fail(
                "netbox token",
                words::inventory(&error),
                "create a token in NetBox (your profile → API Tokens) and put it in NETBOX_TOKEN",
            ));
        }
        Err(error) => {
            checks.push(Check::fail(
                "netbox reachable",
                words::inventory(&error),
                "check NETBOX_URL and that NetBox is up and reachable from here",
            ));
            checks.push(Check::skip("netbox token", "NetBox is unreachable"));
        }
    }
}
