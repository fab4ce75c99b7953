//! The ports' errors worded for the operator who runs a binary: which setting to check and
//! which HTTP answer came back. The ports know no protocol and no setting (their messages say
//! what happened, for anyone); the apps know both, so the precise words live here, at the edge.
//!
//! [`Worded`] keeps the error itself as the cause chain's origin: only the top line changes.

use std::error::Error;
use std::fmt;

use ports::{with_causes_of, InventoryError, StatusRole, TrackerError};
use redmine::ConfigError;

/// Where the operator set the status names: the CLI's environment or the bot's `netbot.toml`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusSettings {
    /// `REDMINE_STATUS_NEW`, `REDMINE_STATUS_IN_PROGRESS`, `REDMINE_STATUS_RESOLVED`.
    Environment,
    /// `[statuses]` `new`, `in_progress`, `resolved` in `netbot.toml`.
    NetbotToml,
}

impl StatusSettings {
    fn setting(self, role: StatusRole) -> &'static str {
        match (self, role) {
            (Self::Environment, StatusRole::New) => "REDMINE_STATUS_NEW",
            (Self::Environment, StatusRole::InProgress) => "REDMINE_STATUS_IN_PROGRESS",
            (Self::Environment, StatusRole::Resolved) => "REDMINE_STATUS_RESOLVED",
            (Self::NetbotToml, StatusRole::New) => "[statuses] new in netbot.toml",
            (Self::NetbotToml, StatusRole::InProgress) => "[statuses] in_progress in netbot.toml",
            (Self::NetbotToml, StatusRole::Resolved) => "[statuses] resolved in netbot.toml",
        }
    }
}

/// A tracker error as the operator reads it, with its causes (`…: Connection refused`).
#[must_use]
pub fn tracker(error: &TrackerError, statuses: StatusSettings) -> String {
    with_causes_of(tracker_top(error, statuses), error)
}

/// An inventory error as the operator reads it, with its causes (and, for a certificate
/// NetBox's client does not trust, after them what to do).
#[must_use]
pub fn inventory(error: &InventoryError) -> String {
    let text = with_causes_of(inventory_top(error), error);
    match error {
        InventoryError::UntrustedCertificate { .. } => {
            format!("{text} (a NetBox with its own CA: set NETBOX_CA_CERT to the CA's PEM file)")
        }
        _ => text,
    }
}

/// A Redmine client's configuration error as the operator reads it: which `REDMINE_*`
/// setting is wrong.
#[must_use]
pub fn redmine_config(error: ConfigError) -> Worded<ConfigError> {
    let text = match &error {
        ConfigError::BadUrl(url) => format!(
            "REDMINE_URL '{}' is not an http(s) URL",
            httpkit::shown_text(url)
        ),
        ConfigError::BadKey => String::from(
            "REDMINE_TOKEN contains characters that cannot be sent in a header (a line break?)",
        ),
        other => other.to_string(),
    };
    Worded {
        text,
        error,
        causes_in_text: false,
    }
}

/// The operator's words for the error itself, without its causes.
fn tracker_top(error: &TrackerError, statuses: StatusSettings) -> String {
    match error {
        TrackerError::Unauthorized => {
            String::from("the tracker rejected the API key (401): check REDMINE_TOKEN")
        }
        TrackerError::Forbidden { action } => {
            format!("not allowed to {action} (403): ask a tracker admin for the permission")
        }
        TrackerError::UnknownStatus { role, .. } => {
            format!("{error}; set {}", statuses.setting(*role))
        }
        TrackerError::Redirected { .. } => format!("{error} (check REDMINE_URL)"),
        TrackerError::PartlyApplied {
            id,
            applied,
            error: rest,
        } => format!(
            "ticket {id} got {applied}, but not the rest of the change: {}",
            tracker(rest, statuses)
        ),
        other => other.to_string(),
    }
}

/// The operator's words for the error itself, without its causes.
fn inventory_top(error: &InventoryError) -> String {
    match error {
        InventoryError::Unauthorized => {
            String::from("NetBox rejected the token (401): check NETBOX_TOKEN")
        }
        InventoryError::Forbidden => {
            String::from("NetBox rejected the token (403): check NETBOX_TOKEN")
        }
        InventoryError::Redirected { .. } => format!("{error} (check NETBOX_URL)"),
        other => other.to_string(),
    }
}

/// An error with the operator's words on top and the error's own causes below (as its
/// `source`, so that `{:#}` prints them once).
#[derive(Debug)]
pub struct Worded<E> {
    text: String,
    error: E,
    /// The text already ends with the causes (and words after them): none are told again.
    causes_in_text: bool,
}

impl<E> Worded<E> {
    /// The error underneath.
    pub fn error(&self) -> &E {
        &self.error
    }
}

impl<E> fmt::Display for Worded<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl<E: Error + 'static> Error for Worded<E> {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        if self.causes_in_text {
            None
        } else {
            self.error.source()
        }
    }
}

/// A tracker error worded for the CLI's operator (statuses from the environment).
#[must_use]
pub fn cli_tracker(error: TrackerError) -> Worded<TrackerError> {
    Worded {
        text: tracker_top(&error, StatusSettings::Environment),
        error,
        causes_in_text: false,
    }
}

/// An inventory error worded for the operator.
#[must_use]
pub fn operator_inventory(error: InventoryError) -> Worded<InventoryError> {
    let causes_in_text = matches!(error, InventoryError::UntrustedCertificate { .. });
    Worded {
        text: if causes_in_text {
            inventory(&error)
        } else {
            inventory_top(&error)
        },
        error,
        causes_in_text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_operator_reads_the_setting_and_the_answer_the_member_never_sees() {
        assert_eq!(
            cli_tracker(TrackerError::Unauthorized).to_string(),
            "the tracker rejected the API key (401): check REDMINE_TOKEN"
        );
        assert_eq!(
            operator_inventory(InventoryError::Forbidden).to_string(),
            "NetBox rejected the token (403): check NETBOX_TOKEN"
        );
        let unknown = TrackerError::UnknownStatus {
            name: "Done".into(),
            known: "New, Resolved".into(),
            role: StatusRole::Resolved,
        };
        assert_eq!(
            tracker(&unknown, StatusSettings::Environment),
            "the tracker has no status named 'Done' (known: New, Resolved); set REDMINE_STATUS_RESOLVED"
        );
        assert_eq!(
            tracker(&unknown, StatusSettings::NetbotToml),
            "the tracker has no status named 'Done' (known: New, Resolved); set [statuses] resolved in netbot.toml"
        );
    }

    #[test]
    fn an_unreachable_tracker_keeps_its_cause_below_the_operators_words() {
        let error = TrackerError::Unreachable {
            host: "redmine.internal".into(),
            cause: "Connection refused (os error 111)".into(),
        };
        assert_eq!(
            tracker(&error, StatusSettings::Environment),
            "cannot reach the tracker at redmine.internal: Connection refused (os error 111)"
        );
        let worded = anyhow::Error::new(cli_tracker(error));
        assert_eq!(
            format!("{worded:#}"),
            "cannot reach the tracker at redmine.internal: Connection refused (os error 111)"
        );
    }

    #[test]
    fn a_partly_applied_change_words_its_rest_for_the_operator_too() {
        let partly = TrackerError::PartlyApplied {
            id: domain::TicketId::new(4).expect("an id"),
            applied: "the status 'New'".into(),
            error: Box::new(TrackerError::Forbidden {
                action: "update ticket 4".into(),
            }),
        };
        assert_eq!(
            cli_tracker(partly).to_string(),
            "ticket 4 got the status 'New', but not the rest of the change: not allowed to update \
             ticket 4 (403): ask a tracker admin for the permission"
        );
    }

    #[test]
    fn the_operator_reads_which_setting_to_check_where_the_adapter_says_only_what_is_wrong() {
        let redirected = TrackerError::Redirected {
            host: "redmine.internal".into(),
            action: "list open tickets".into(),
            refused: "a redirect to https://elsewhere/, another server, not followed".into(),
        };
        assert_eq!(
            cli_tracker(redirected).to_string(),
            "unexpected answer from the tracker at redmine.internal to list open tickets: a \
             redirect to https://elsewhere/, another server, not followed (check REDMINE_URL)"
        );
        let redirected = InventoryError::Redirected {
            host: "netbox.internal".into(),
            action: "list sites".into(),
            refused: "a redirect to https://elsewhere/, another server, not followed".into(),
        };
        assert!(
            inventory(&redirected).ends_with("not followed (check NETBOX_URL)"),
            "{}",
            inventory(&redirected)
        );
        assert_eq!(
            redmine_config(ConfigError::BadUrl(
                "ftp://bot:s3cret@redmine.internal/".into()
            ))
            .to_string(),
            "REDMINE_URL 'ftp://redmine.internal/' is not an http(s) URL"
        );
        assert_eq!(
            redmine_config(ConfigError::BadKey).to_string(),
            "REDMINE_TOKEN contains characters that cannot be sent in a header (a line break?)"
        );
    }

    #[test]
    fn an_untrusted_certificate_ends_with_the_setting_that_adds_a_ca() {
        let untrusted = || InventoryError::UntrustedCertificate {
            host: "netbox.internal".into(),
            cause: "invalid peer certificate: UnknownIssuer".into(),
        };
        let expected = "cannot reach NetBox at netbox.internal: invalid peer certificate: \
                        UnknownIssuer (a NetBox with its own CA: set NETBOX_CA_CERT to the CA's \
                        PEM file)";
        assert_eq!(inventory(&untrusted()), expected);
        let worded = anyhow::Error::new(operator_inventory(untrusted()));
        assert_eq!(format!("{worded:#}"), expected);
    }
}
