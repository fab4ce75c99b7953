//! How the verdicts read: a line each and a count, or JSON. A skipped check is its own
//! state in both, never counted or shown as passed.

use super::{Check, Outcome};
use serde::Serialize;

/// What became of one check, as `--json` names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum State {
    /// Checked, and all good.
    Passed,
    /// Checked, and wrong.
    Failed,
    /// Checked, and working, but not as it could.
    Warned,
    /// Not checked: an optional service not configured, or a check that needs one that failed.
    Skipped,
}

/// The state of a check.
#[must_use]
pub fn state(check: &Check) -> State {
    match check.outcome {
        Outcome::Pass(_) => State::Passed,
        Outcome::Fail { .. } => State::Failed,
        Outcome::Warn { .. } => State::Warned,
        Outcome::Skip(_) => State::Skipped,
    }
}

/// The checks as lines, then a last line counting the failures and the skipped checks.
#[must_use]
pub fn text(checks: &[Check]) -> String {
    let mut out: Vec<String> = checks.iter().map(Check::line).collect();
    out.push(summary(checks));
    out.join("\n")
}

/// `all checks passed`, `1 check failed`, `3 checks failed, 2 skipped`, `no check failed, 1 skipped`,
/// `no check failed, 1 warning`.
fn summary(checks: &[Check]) -> String {
    let count = |wanted: State| checks.iter().filter(|check| state(check) == wanted).count();
    let (failed, skipped, warned) = (
        count(State::Failed),
        count(State::Skipped),
        count(State::Warned),
    );
    let mut line = match (failed, skipped + warned) {
        (0, 0) => return String::from("all checks passed"),
        (0, _) => String::from("no check failed"),
        (1, _) => String::from("1 check failed"),
        (n, _) => format!("{n} checks failed"),
    };
    if skipped > 0 {
        line.push_str(&format!(", {skipped} skipped"));
    }
    match warned {
        0 => {}
        1 => line.push_str(", 1 warning"),
        n => line.push_str(&format!(", {n} warnings")),
    }
    line
}

#[derive(Serialize)]
struct CheckView<'a> {
    check: &'a str,
    state: State,
    detail: String,
}

/// The checks as a JSON array of `{check, state, detail}`: `state` is `passed`, `failed`, `warned` or
/// `skipped`; `detail` is what was seen, what is wrong and what to do, or why it was skipped.
#[must_use]
pub fn json(checks: &[Check]) -> String {
    let views: Vec<CheckView<'_>> = checks
        .iter()
        .map(|check| CheckView {
            check: &check.name,
            state: state(check),
            detail: match &check.outcome {
                Outcome::Pass(detail) => detail.clone(),
                Outcome::Fail { problem, fix } | Outcome::Warn { problem, fix } => {
                    format!("{problem} — {fix}")
                }
                Outcome::Skip(reason) => reason.clone(),
            },
        })
        .collect();
    serde_json::to_string_pretty(&views).unwrap_or_else(|_| String::from("[]"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn checks() -> Vec<Check> {
        vec![
            Check::pass("redmine key", "belongs to admin"),
            Check::fail("discord token", "rejected", "copy it again"),
            Check::skip("netbox", "NETBOX_URL is not set"),
        ]
    }

    #[test]
    fn json_gives_a_skipped_check_its_own_state_not_a_pass() {
        let json: serde_json::Value = serde_json::from_str(&json(&checks())).unwrap();
        assert_eq!(
            json,
            serde_json::json!([
                { "check": "redmine key", "state": "passed", "detail": "belongs to admin" },
                { "check": "discord token", "state": "failed", "detail": "rejected — copy it again" },
                { "check": "netbox", "state": "skipped", "detail": "NETBOX_URL is not set" },
            ])
        );
    }

    #[test]
    fn the_last_line_counts_failures_and_skipped_checks_apart() {
        #[track_caller]
        fn check(checks: &[Check], expect: &str) {
            assert_eq!(text(checks).lines().last(), Some(expect));
        }
        let [passed, failed, skipped] = <[Check; 3]>::try_from(checks()).unwrap();
        check(std::slice::from_ref(&passed), "all checks passed");
        check(
            &[passed.clone(), skipped.clone()],
            "no check failed, 1 skipped",
        );
        check(&[passed.clone(), failed.clone()], "1 check failed");
        check(
            &[failed.clone(), failed.clone(), skipped],
            "2 checks failed, 1 skipped",
        );
        check(&[failed.clone(), failed], "2 checks failed");
    }

    #[test]
    fn a_warning_is_counted_apart_and_is_no_failure() {
        let warned = Check::warn(
            "note edits",
            "made as the threader",
            "give the role the right",
        );
        assert_eq!(state(&warned), State::Warned);
        assert!(!warned.failed());
        assert_eq!(
            warned.line(),
            "! note edits: made as the threader — give the role the right"
        );
        let [passed, failed, skipped] = <[Check; 3]>::try_from(checks()).unwrap();
        let last = |checks: &[Check]| text(checks).lines().last().map(str::to_owned);
        assert_eq!(
            last(&[passed, warned.clone()]).as_deref(),
            Some("no check failed, 1 warning")
        );
        assert_eq!(
            last(&[failed, skipped, warned.clone(), warned.clone()]).as_deref(),
            Some("1 check failed, 1 skipped, 2 warnings")
        );
        let json: serde_json::Value = serde_json::from_str(&json(&[warned])).unwrap();
        assert_eq!(
            json,
            serde_json::json!([{
                "check": "note edits", "state": "warned",
                "detail": "made as the threader — give the role the right"
            }])
        );
    }

    #[test]
    fn each_check_keeps_its_own_line_before_the_count() {
        assert_eq!(
            text(&checks()),
            "✓ redmine key: belongs to admin\n✗ discord token: rejected — copy it again\n- netbox: skipped (NETBOX_URL is not set)\n1 check failed, 1 skipped"
        );
    }
}
