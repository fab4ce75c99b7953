//! Turning HTTP failures into `InventoryError`s a person can act on, without the token.

use ports::InventoryError;
use reqwest::StatusCode;

/// The error for an answer that was not a success.
pub(crate) fn from_status(status: StatusCode, action: &str, host: &str) -> InventoryError {
    match status.as_u16() {
        401 => InventoryError::Unauthorized,
        403 => InventoryError::Forbidden,
        code => InventoryError::Unexpected {
            host: host.to_owned(),
            action: action.to_owned(),
            detail: format!("HTTP {code}"),
        },
    }
}

/// The error for a request that got no usable answer.
pub(crate) fn from_transport(
    error: &reqwest::Error,
    action: &str,
    host: &str,
    timeout_seconds: u64,
) -> InventoryError {
    if let Some(refused) = httpkit::refused_redirect(error) {
        return InventoryError::Unexpected {
            host: host.to_owned(),
            action: action.to_owned(),
            detail: format!("{refused} (check NETBOX_URL)"),
        };
    }
    if error.is_timeout() {
        return InventoryError::Timeout {
            host: host.to_owned(),
            seconds: timeout_seconds,
        };
    }
    let reason = innermost(error);
    if error.is_decode() || error.is_body() {
        return InventoryError::Unexpected {
            host: host.to_owned(),
            action: action.to_owned(),
            detail: format!("unreadable answer ({reason})"),
        };
    }
    let hint = if reason.contains("certificate") || reason.contains("UnknownIssuer") {
        " (a NetBox with its own CA: set NETBOX_CA_CERT to the CA's PEM file)"
    } else {
        ""
    };
    InventoryError::Unreachable {
        host: host.to_owned(),
        reason: format!("{reason}{hint}"),
    }
}

/// The error for a body that could not be read in full.
pub(crate) fn from_body(
    error: &httpkit::BodyError,
    action: &str,
    host: &str,
    timeout_seconds: u64,
) -> InventoryError {
    match error {
        httpkit::BodyError::Transport(error) => {
            from_transport(error, action, host, timeout_seconds)
        }
        httpkit::BodyError::TooLarge => InventoryError::Unexpected {
            host: host.to_owned(),
            action: action.to_owned(),
            detail: error.to_string(),
        },
    }
}

/// The deepest cause's message. Requests carry the token in a header, never in the URL.
fn innermost(error: &reqwest::Error) -> String {
    let mut cause: &dyn std::error::Error = error;
    while let Some(source) = cause.source() {
        cause = source;
    }
    cause.to_string()
}
