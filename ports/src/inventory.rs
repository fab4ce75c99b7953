//! The inventory port: what netbot needs from NetBox (or anything like it).

use std::future::Future;
use std::sync::Arc;

use domain::{Site, SiteCounts};
use thiserror::Error;

/// What went wrong reading the inventory, in terms a person can act on. Never holds the token.
#[derive(Debug, Error)]
pub enum InventoryError {
    /// The token was not accepted (unknown, expired or malformed).
    #[error("NetBox rejected the token")]
    Unauthorized,
    /// The token was accepted but may not read the inventory (NetBox also says this of a
    /// token it does not know).
    #[error("NetBox refused the token")]
    Forbidden,
    /// No site matches the name.
    #[error("no site named '{name}'{}", closest_hint(closest))]
    SiteNotFound {
        /// What was typed.
        name: String,
        /// The closest names, best first.
        closest: Vec<String>,
    },
    /// Several sites match equally well.
    #[error("'{name}' matches several sites: {}; say which", matches.join(", "))]
    AmbiguousSite {
        /// What was typed.
        name: String,
        /// Their slugs.
        matches: Vec<String>,
    },
    /// No answer in time.
    #[error("NetBox at {host} did not answer in {seconds} s, try again")]
    Timeout {
        /// Host of the NetBox URL.
        host: String,
        /// The timeout that ran out.
        seconds: u64,
    },
    /// Could not connect, or TLS failed.
    #[error("cannot reach NetBox at {host}")]
    Unreachable {
        /// Host of the NetBox URL.
        host: String,
        /// What the network or TLS said (the adapter's error, with a hint where one helps).
        #[source]
        cause: crate::Cause,
    },
    /// TLS failed because NetBox's certificate is not trusted (a NetBox with its own CA):
    /// the app names the setting that adds a CA.
    #[error("cannot reach NetBox at {host}")]
    UntrustedCertificate {
        /// Host of the NetBox URL.
        host: String,
        /// What TLS said.
        #[source]
        cause: crate::Cause,
    },
    /// NetBox answered with a redirect that was not followed (to another server or scheme):
    /// the configured base URL is likely not NetBox's own. The app names the setting.
    #[error("unexpected answer from NetBox at {host} to {action}: {refused}")]
    Redirected {
        /// Host of the NetBox URL.
        host: String,
        /// What was attempted.
        action: String,
        /// Where the redirect led, and why it was not followed.
        refused: String,
    },
    /// Any other answer the adapter cannot make sense of.
    #[error("unexpected answer from NetBox at {host} to {action}: {detail}")]
    Unexpected {
        /// Host of the NetBox URL.
        host: String,
        /// What was attempted.
        action: String,
        /// What was wrong with the answer, in the adapter's words.
        detail: String,
    },
}

fn closest_hint(closest: &[String]) -> String {
    if closest.is_empty() {
        String::new()
    } else {
        format!(" (closest: {})", closest.join(", "))
    }
}

/// The network's inventory: its sites and what stands at them.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
pub trait Inventory: Send + Sync + 'static {
    /// Every site, complete (the adapter follows every page). May come from a short-lived
    /// cache, so that autocomplete does not ask NetBox on every keystroke.
    ///
    /// # Errors
    /// [`InventoryError`] when NetBox cannot be read.
    fn sites(&self) -> impl Future<Output = Result<Arc<[Site]>, InventoryError>> + Send;

    /// The site, read afresh, with how much stands at it.
    ///
    /// # Errors
    /// [`InventoryError`] when NetBox cannot be read.
    fn site_details(
        &self,
        site_id: u64,
    ) -> impl Future<Output = Result<(Site, SiteCounts), InventoryError>> + Send;
}
