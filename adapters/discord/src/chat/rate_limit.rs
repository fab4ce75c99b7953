//! How 429 answers are waited out: the policy a caller may set, and how long one answer asks
//! to wait.

use std::time::Duration;

use serde_json::Value;
use tracing::warn;

use ports::ChatError;

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

impl RateLimitPolicy {
    /// What to do with a 429 to the `retries`-th try of `action`: the wait before trying again
    /// (counting the retry and logging it), or [`ChatError::RateLimited`] when the policy's
    /// retries or longest wait are spent.
    pub(super) fn wait_for(
        &self,
        action: &str,
        answer: &Answer,
        retries: &mut u32,
    ) -> Result<Duration, ChatError> {
        let wait = retry_after(answer);
        if *retries >= self.retries || wait > self.longest_wait {
            return Err(ChatError::RateLimited {
                action: action.to_owned(),
                retry_after: wait,
            });
        }
        *retries += 1;
        warn!(
            action = %action,
            wait_ms = wait.as_millis(),
            retry = *retries,
            "rate limited by Discord; waiting"
        );
        Ok(wait)
    }
}

/// How long a 429 asks to wait: the body's `retry_after` (seconds, fractional), else the
/// `Retry-After` header, else a second.
fn retry_after(answer: &Answer) -> Duration {
    serde_json::from_str::<Value>(&answer.body)
        .ok()
        .and_then(|body| body["retry_after"].as_f64())
        .or(answer.retry_after_header)
        .and_then(|seconds| Duration::try_from_secs_f64(seconds).ok())
        .unwrap_or(DEFAULT_RETRY_AFTER)
}
