//! `netbot check`'s Redmine checks: reachable, the REST API on, whose key and whether an
//! administrator's, the names the settings use, and whether the threader's members may edit
//! their own notes.

use anyhow::anyhow;
use appkit::settings::Settings;
use appkit::words::{self, StatusSettings};
use domain::check::{self, Check, FieldWanted};
use ports::directory::Directory as _;
use ports::{Catalog as _, People as _, TrackerError};
use redmine::{Redmine, RedmineDirectory, RoleNoteRights};

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
    match (&settings.threader, admin) {
        (None, _) => checks.push(Check::skip(NOTE_EDITS, "no [threader] in netbot.toml")),
        (Some(_), false) => checks.push(Check::skip(
            NOTE_EDITS,
            "without an administrator's key the threader writes every note as its own user",
        )),
        (Some(threader), true) => {
            let projects: Vec<String> = threader.projects.keys().cloned().collect();
            checks.push(match tracker.note_rights_of_roles(&projects).await {
                Ok(rights) => note_edits(&rights, &projects),
                Err(error) => Check::skip(
                    NOTE_EDITS,
                    format!(
                        "could not read the roles: {}",
                        words::tracker(&error, StatusSettings::NetbotToml)
                    ),
                ),
            });
        }
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

/// The name of the check on the members' note rights.
const NOTE_EDITS: &str = "note edits";

/// The verdict on the roles the threader's members hold (those held in `projects`, or every
/// role when the threader names none): a member's Discord edit or deletion reaches their note
/// as them only when their role may edit their own notes ("Edit notes" covers it too);
/// otherwise the threader makes it as its own user. A warning, not a failure: it still works.
fn note_edits(rights: &[RoleNoteRights], projects: &[String]) -> Check {
    let held = if projects.is_empty() {
        String::from("of all roles: [threader.projects] names no project")
    } else {
        format!("held in {}", projects.join(", "))
    };
    let (able, unable): (Vec<&RoleNoteRights>, Vec<&RoleNoteRights>) = rights
        .iter()
        .partition(|role| role.edit_own_notes || role.edit_all_notes);
    let names = |roles: &[&RoleNoteRights]| {
        roles
            .iter()
            .map(|role| role.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    if rights.is_empty() {
        return Check::pass(NOTE_EDITS, format!("no roles ({held})"));
    }
    if unable.is_empty() {
        return Check::pass(
            NOTE_EDITS,
            format!(
                "{} ({held}) may edit their own notes: Discord edits and deletions reach Redmine as the member",
                names(&able)
            ),
        );
    }
    Check::warn(
        NOTE_EDITS,
        format!(
            "{} ({held}) {} \"Edit own notes\": Discord edits and deletions of their members' messages reach Redmine as the threader's user, not as the member",
            names(&unable),
            if unable.len() == 1 { "lacks" } else { "lack" }
        ),
        "give those roles \"Edit own notes\" (Redmine: Administration → Roles and permissions → the role → Issue tracking)",
    )
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

    fn role(name: &str, edit_own_notes: bool, edit_all_notes: bool) -> RoleNoteRights {
        RoleNoteRights {
            name: name.into(),
            edit_own_notes,
            edit_all_notes,
        }
    }

    #[track_caller]
    fn check_note_edits(rights: &[RoleNoteRights], projects: &[&str], expect: &str) {
        let projects: Vec<String> = projects.iter().map(|p| (*p).to_owned()).collect();
        assert_eq!(note_edits(rights, &projects).line(), expect);
    }

    #[test]
    fn roles_without_edit_own_notes_are_a_warning_that_says_what_happens() {
        check_note_edits(
            &[
                role("Developer", true, false),
                role("Manager", false, true),
            ],
            &["netops"],
            "✓ note edits: Developer, Manager (held in netops) may edit their own notes: Discord edits and deletions reach Redmine as the member",
        );
        check_note_edits(
            &[
                role("Developer", false, false),
                role("Manager", true, true),
                role("Reporter", false, false),
            ],
            &["netops", "outreach"],
            "! note edits: Developer, Reporter (held in netops, outreach) lack \"Edit own notes\": Discord edits and deletions of their members' messages reach Redmine as the threader's user, not as the member — give those roles \"Edit own notes\" (Redmine: Administration → Roles and permissions → the role → Issue tracking)",
        );
        check_note_edits(
            &[],
            &[],
            "✓ note edits: no roles (of all roles: [threader.projects] names no project)",
        );
        check_note_edits(
            &[role("Reporter", false, false)],
            &[],
            "! note edits: Reporter (of all roles: [threader.projects] names no project) lacks \"Edit own notes\": Discord edits and deletions of their members' messages reach Redmine as the threader's user, not as the member — give those roles \"Edit own notes\" (Redmine: Administration → Roles and permissions → the role → Issue tracking)",
        );
        assert!(!note_edits(&[role("Reporter", false, false)], &[]).failed());
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
