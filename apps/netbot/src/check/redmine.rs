//! `netbot check`'s Redmine checks: reachable, the REST API on, whose key and whether an
//! administrator's, and the names the settings use.

use anyhow::anyhow;
use appkit::settings::Settings;
use appkit::words::{self, StatusSettings};
use domain::check::{self, Check, FieldWanted};
use ports::directory::Directory as _;
use ports::{Catalog as _, People as _, TrackerError};
use redmine::{Redmine, RedmineDirectory};

use super::configured::Configured;

/// Redmine: reachable, its REST API on, the key an administrator's, then the custom fields,
/// statuses, projects, trackers and assignees the settings name.
pub async fn redmine_checks(
    checks: &mut Vec<Check>,
    url: &str,
    settings: &Settings,
    configured: &Configured,
) {
    let timeout = settings.backend_timeout;
    // The same reader as `netbot run` (the variables were checked above).
    let config = match appkit::settings::redmine(appkit::settings::RedmineTimeout::Backend(timeout))
    {
        Ok(config) => config,
        Err(error) => {
            checks.push(Check::fail(
                "redmine",
                format!("{error:#}"),
                "fix the REDMINE_* settings",
            ));
            return;
        }
    };
    let tracker = match Redmine::new(config) {
        Ok(tracker) => tracker,
        Err(error) => {
            checks.push(Check::fail(
                "redmine reachable",
                words::redmine_config(error).to_string(),
                "set REDMINE_URL to Redmine's address, e.g. https://redmine.example.org",
            ));
            return;
        }
    };
    let owner = match tracker.current_user().await {
        Ok(owner) => {
            checks.push(Check::pass("redmine reachable", httpkit::shown_text(url)));
            checks.push(Check::pass("redmine REST API", "enabled"));
            checks.push(Check::pass(
                "redmine key",
                format!(
                    "belongs to {}",
                    owner.login.as_deref().unwrap_or(&owner.name)
                ),
            ));
            owner
        }
        Err(error) => {
            checks.extend(redmine_refusal(&error, &httpkit::shown_text(url)));
            return;
        }
    };
    let login = owner.login.unwrap_or(owner.name);
    let admin = match RedmineDirectory::new(&tracker, settings.discord_field.as_str())
        .can_act_as_others()
        .await
    {
        Ok(true) => {
            checks.push(Check::pass(
                "redmine admin key",
                format!("{login} is an administrator"),
            ));
            true
        }
        Ok(false) => {
            checks.push(Check::fail(
                "redmine admin key",
                format!("{login} is not an administrator, so the bot cannot act as members"),
                "put an administrator's API key in REDMINE_TOKEN",
            ));
            false
        }
        Err(error) => {
            checks.push(Check::fail(
                "redmine admin key",
                format!("{:#}", anyhow!(error)),
                "check Redmine's log",
            ));
            false
        }
    };
    if admin {
        match tracker.custom_fields().await {
            Ok(fields) => {
                for (key, name, on, formats) in &configured.fields {
                    checks.push(check::custom_field(
                        &FieldWanted {
                            key,
                            name,
                            on,
                            formats,
                        },
                        &fields,
                    ));
                }
            }
            Err(error) => checks.push(tracker_failure("custom fields", &error)),
        }
    } else {
        checks.push(Check::skip(
            "custom fields",
            "they need an administrator's key",
        ));
    }
    let statuses = tracker
        .statuses()
        .await
        .map(|all| all.into_iter().map(|status| status.name).collect());
    checks.push(names(
        "statuses",
        "status",
        &configured.statuses,
        statuses,
        "set [statuses] in netbot.toml to names Redmine has, or create them (Administration → Issue statuses)",
    ));
    checks.push(names(
        "projects",
        "project",
        &configured.projects,
        tracker.project_identifiers().await,
        "use the project's identifier (in its URL: /projects/IDENTIFIER), or create the project",
    ));
    if !configured.trackers.is_empty() {
        checks.push(names(
            "trackers",
            "tracker",
            &configured.trackers,
            tracker.tracker_names().await,
            "use a tracker Redmine has (Administration → Trackers)",
        ));
    }
    if !configured.assignees.is_empty() {
        let people = match (tracker.group_names().await, tracker.user_logins().await) {
            (Ok(mut groups), Ok(logins)) => {
                groups.extend(logins);
                Ok(groups)
            }
            (Err(error), _) | (_, Err(error)) => Err(error),
        };
        checks.push(names(
            "assignees",
            "active user login or group",
            &configured.assignees,
            people,
            "use a login or a group name Redmine has (Administration → Users, Groups)",
        ));
    }
}

/// The verdicts when Redmine does not tell whose key it is.
fn redmine_refusal(error: &TrackerError, url: &str) -> Vec<Check> {
    let skip = |name: &str, why: &str| Check::skip(name, why);
    match error {
        TrackerError::Unauthorized => vec![
            Check::pass("redmine reachable", url),
            Check::pass("redmine REST API", "enabled"),
            Check::fail(
                "redmine key",
                "Redmine rejected REDMINE_TOKEN (401)",
                "copy the key again (Redmine: My account → API access key → Show)",
            ),
        ],
        TrackerError::Forbidden { .. } => vec![
            Check::pass("redmine reachable", url),
            Check::fail(
                "redmine REST API",
                "Redmine refused the API (403): its REST web service is off",
                "enable it (Administration → Settings → API → Enable REST web service)",
            ),
            skip("redmine key", "the REST API is off"),
        ],
        TrackerError::Unreachable { .. } | TrackerError::Timeout { .. } => vec![
            Check::fail(
                "redmine reachable",
                ports::with_causes(error),
                "check REDMINE_URL and that Redmine is up and reachable from here",
            ),
            skip("redmine REST API", "Redmine is unreachable"),
            skip("redmine key", "Redmine is unreachable"),
        ],
        other => vec![
            Check::fail(
                "redmine reachable",
                format!(
                    "REDMINE_URL does not answer like Redmine's API: {}",
                    words::tracker(other, StatusSettings::NetbotToml)
                ),
                "set REDMINE_URL to the address of Redmine's home page (with its sub-path, if any)",
            ),
            skip("redmine REST API", "Redmine is not reachable"),
            skip("redmine key", "Redmine is not reachable"),
        ],
    }
}

fn tracker_failure(name: &str, error: &TrackerError) -> Check {
    Check::fail(
        name,
        format!(
            "could not read them: {}",
            words::tracker(error, StatusSettings::NetbotToml)
        ),
        "check Redmine's log and run netbot check again",
    )
}

fn names(
    name: &str,
    kind: &str,
    configured: &[(String, String)],
    known: Result<Vec<String>, TrackerError>,
    fix: &str,
) -> Check {
    match known {
        Ok(known) => check::names(name, kind, configured, &known, fix),
        Err(error) => tracker_failure(name, &error),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(checks: &[Check]) -> Vec<String> {
        checks.iter().map(Check::line).collect()
    }

    #[test]
    fn a_rejected_key_means_redmine_was_reached_and_its_api_is_on() {
        let checks = redmine_refusal(&TrackerError::Unauthorized, "https://redmine.example.org/");
        assert_eq!(
            lines(&checks),
            [
                "✓ redmine reachable: https://redmine.example.org/",
                "✓ redmine REST API: enabled",
                "✗ redmine key: Redmine rejected REDMINE_TOKEN (401) — copy the key again (Redmine: My account → API access key → Show)",
            ]
        );
    }

    #[test]
    fn a_refused_api_skips_the_key_check_rather_than_failing_it() {
        let checks = redmine_refusal(
            &TrackerError::Forbidden {
                action: String::from("read the current user"),
            },
            "https://redmine.example.org/",
        );
        assert_eq!(checks.iter().filter(|check| check.failed()).count(), 1);
        assert_eq!(
            checks.last().map(Check::line).as_deref(),
            Some("- redmine key: skipped (the REST API is off)")
        );
    }
}
