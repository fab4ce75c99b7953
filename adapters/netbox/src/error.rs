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

/// The error for a request that brought no answer to read.
pub(crate) fn from_failure(
    failure: httpkit::Failure,
    action: &str,
    host: &str,
    timeout_seconds: u64,
) -> InventoryError {
    let unexpected = |detail: String| InventoryError::Unexpected {
        host: host.to_owned(),
        action: action.to_owned(),
        detail,
    };
    match failure {
        httpkit::Failure::Redirect(refused) => InventoryError::Redirected {
            host: host.to_owned(),
            action: action.to_owned(),
            refused,
        },
        httpkit::Failure::Timeout => InventoryError::Timeout {
            host: host.to_owned(),
            seconds: timeout_seconds,
        },
        unreadable @ (httpkit::Failure::Unreadable(_) | httpkit::Failure::TooLarge(_)) => {
            unexpected(unreadable.to_string())
        }
        httpkit::Failure::Unreachable(network) => {
            let reason = network.to_string();
            if reason.contains("certificate") || reason.contains("UnknownIssuer") {
                InventoryError::UntrustedCertificate {
                    host: host.to_owned(),
                    cause: Box::new(network),
                }
            } else {
                InventoryError::Unreachable {
                    host: host.to_owned(),
                    cause: Box::new(network),
                }
            }
        }
    }
}
