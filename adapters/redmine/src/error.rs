//! Turning HTTP failures into `TrackerError`s a person can act on, without leaking the key.

use domain::TicketId;
use ports::TrackerError;
use reqwest::StatusCode;

use crate::dto::ErrorsDto;

/// What a request was for, so that an error can say what failed.
#[derive(Debug, Clone)]
pub(crate) struct Attempt<'a> {
    /// "list open tickets", "update ticket 42", …
    pub action: &'a str,
    /// The ticket concerned, so that a 404 reads "ticket N not found".
    pub ticket: Option<TicketId>,
}

/// The error for an answer that was not a success.
pub(crate) fn from_status(
    status: StatusCode,
    body: &str,
    attempt: &Attempt<'_>,
    host: &str,
    act_as: Option<&str>,
) -> TrackerError {
    match (status.as_u16(), attempt.ticket) {
        (401, _) => TrackerError::Unauthorized,
        (403, _) => TrackerError::Forbidden {
            action: attempt.action.to_owned(),
        },
        (404, Some(id)) => TrackerError::TicketNotFound(id),
        (412, _) => TrackerError::CannotActAs {
            login: act_as.unwrap_or("(nobody)").to_owned(),
        },
        (422, _) => TrackerError::Rejected {
            action: attempt.action.to_owned(),
            errors: httpkit::decode::<ErrorsDto>(body)
                .map(|dto| dto.errors)
                .ok()
                .filter(|errors| !errors.is_empty())
                .unwrap_or_else(|| vec![String::from("no reason given")]),
        },
        (code, _) => TrackerError::Unexpected {
            host: host.to_owned(),
            action: attempt.action.to_owned(),
            detail: format!("HTTP {code}"),
        },
    }
}

/// The error for a request that brought no answer to read.
pub(crate) fn from_failure(
    failure: httpkit::Failure,
    attempt: &Attempt<'_>,
    host: &str,
    timeout_seconds: u64,
) -> TrackerError {
    let unexpected = |detail: String| TrackerError::Unexpected {
        host: host.to_owned(),
        action: attempt.action.to_owned(),
        detail,
    };
    match failure {
        httpkit::Failure::Redirect(refused) => TrackerError::Redirected {
            host: host.to_owned(),
            action: attempt.action.to_owned(),
            refused,
        },
        httpkit::Failure::Timeout => TrackerError::Timeout {
            host: host.to_owned(),
            seconds: timeout_seconds,
        },
        unreadable @ (httpkit::Failure::Unreadable(_) | httpkit::Failure::TooLarge(_)) => {
            unexpected(unreadable.to_string())
        }
        httpkit::Failure::Unreachable(network) => TrackerError::Unreachable {
            host: host.to_owned(),
            cause: Box::new(network),
        },
    }
}
