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
            errors: serde_json::from_str::<ErrorsDto>(body)
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

/// The error for a request that got no usable answer.
pub(crate) fn from_transport(
    error: &reqwest::Error,
    attempt: &Attempt<'_>,
    host: &str,
    timeout_seconds: u64,
) -> TrackerError {
    if let Some(refused) = httpkit::refused_redirect(error) {
        return TrackerError::Unexpected {
            host: host.to_owned(),
            action: attempt.action.to_owned(),
            detail: format!("{refused} (check REDMINE_URL)"),
        };
    }
    if error.is_timeout() {
        return TrackerError::Timeout {
            host: host.to_owned(),
            seconds: timeout_seconds,
        };
    }
    if error.is_decode() || error.is_body() {
        return TrackerError::Unexpected {
            host: host.to_owned(),
            action: attempt.action.to_owned(),
            detail: format!("unreadable answer ({})", innermost(error)),
        };
    }
    TrackerError::Unreachable {
        host: host.to_owned(),
        reason: innermost(error),
    }
}

/// The error for a body that could not be read in full.
pub(crate) fn from_body(
    error: &httpkit::BodyError,
    attempt: &Attempt<'_>,
    host: &str,
    timeout_seconds: u64,
) -> TrackerError {
    match error {
        httpkit::BodyError::Transport(error) => {
            from_transport(error, attempt, host, timeout_seconds)
        }
        httpkit::BodyError::TooLarge => TrackerError::Unexpected {
            host: host.to_owned(),
            action: attempt.action.to_owned(),
            detail: error.to_string(),
        },
    }
}

/// The deepest cause's message: "Connection refused (os error 111)" rather than reqwest's
/// "error sending request for url (…)". Requests carry the key in a header, never the URL.
fn innermost(error: &reqwest::Error) -> String {
    let mut cause: &dyn std::error::Error = error;
    while let Some(source) = cause.source() {
        cause = source;
    }
    cause.to_string()
}
