//! How 429 answers are waited out: the policy a caller may set, and how long one answer asks
//! to wait.

use std::time::Duration;

use serde_json::Value;

use super::exchange::Answer;

/// How long to wait when a 429 says neither in its body nor in `Retry-After`.
const DEFAULT_RETRY_AFTER: Duration = Duration::from_secs(1);

/// How 429 answers are waited out before [`ChatError::RateLimited`] is returned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimitPolicy {
    /// Retries of one request after a 429.
    pub retries: u32,
    /// The longest single wait accepted; a longer `retry_after` is returned at once.
    pub longest_wait: Duration,
}

impl Default for RateLimitPolicy {
    /// Three retries, none waiting more than a minute.
    fn default() -> Self {
        Self {
            retries: 3,
            longest_wait: Duration::from_secs(60),
        }
    }
}

/// How long a 429 asks to wait: the body's `retry_after` (seconds, fractional), else the
/// `Retry-After` header, else a second.
pub(super) fn retry_after(answer: &Answer) -> Duration {
    serde_json::from_str::<Value>(&answer.body)
        .ok()
        .and_then(|body| body["retry_after"].as_f64())
        .or(answer.retry_after_header)
        .and_then(|seconds| Duration::try_from_secs_f64(seconds).ok())
        .unwrap_or(DEFAULT_RETRY_AFTER)
}
