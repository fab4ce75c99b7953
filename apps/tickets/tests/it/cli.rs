//! All eight forms of the grammar, plus `--json` and every error, through the real adapter.

use insta::assert_snapshot;

use crate::{against_fixture, assert_run, tickets};

#[tokio::test]
async fn no_words_lists_my_tickets_and_my_teams() {
    let (run, redmine) = against_fixture(&[]).await;
    assert_run!(run.transcript());
    insta::assert_debug_snapshot!(redmine.received().await);
}

#[tokio::test]
async fn a_user_lists_that_users_tickets() {
    let (run, redmine) = against_fixture(&["bob"]).await;
    assert_run!(run.transcript());
    insta::assert_debug_snapshot!(redmine.received().await);
}

#[tokio::test]
async fn with_an_admins_key_a_login_needs_no_group_list() {
    let redmine = testkit::redmine::DemoRedmine::start_admin().await;
    let url = redmine.url();
    let run = tickets(
        &["bob"],
        &[("REDMINE_URL", &url), ("REDMINE_TOKEN", "admin-key")],
    )
    .await;
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("2 tickets"), "{}", run.stdout);
    insta::assert_debug_snapshot!(redmine.received().await);
}

#[tokio::test]
async fn with_an_admins_key_a_team_name_reads_the_group_list() {
    let redmine = testkit::redmine::DemoRedmine::start_admin().await;
    let url = redmine.url();
    let run = tickets(
        &["Field", "Team"],
        &[("REDMINE_URL", &url), ("REDMINE_TOKEN", "admin-key")],
    )
    .await;
    assert_eq!(run.code, 0, "{}", run.stderr);
    insta::assert_debug_snapshot!(redmine.received().await);
}

#[tokio::test]
async fn a_team_name_lists_the_teams_tickets() {
    let (run, redmine) = against_fixture(&["Field", "Team"]).await;
    assert_run!(run.transcript());
    insta::assert_debug_snapshot!(redmine.received().await);
}

#[tokio::test]
async fn a_number_shows_the_ticket_with_its_notes() {
    let (run, _) = against_fixture(&["#42"]).await;
    assert_run!(run.transcript());
}

#[tokio::test]
async fn other_words_search_open_tickets() {
    let (run, redmine) = against_fixture(&["rooftop"]).await;
    assert_run!(run.transcript());
    insta::assert_debug_snapshot!(redmine.received().await);
}

#[tokio::test]
async fn assign_gives_the_ticket_to_the_named_user() {
    let (run, redmine) = against_fixture(&["42", "assign", "bob"]).await;
    assert_run!(run.transcript());
    insta::assert_debug_snapshot!(redmine.received().await);
}

#[tokio::test]
async fn unassign_clears_the_assignee_and_sets_new() {
    let (run, _) = against_fixture(&["42", "unassign"]).await;
    assert_run!(run.transcript());
}

#[tokio::test]
async fn progress_takes_the_ticket_and_sets_in_progress() {
    let (run, redmine) = against_fixture(&["4", "progress"]).await;
    assert_run!(run.transcript());
    insta::assert_debug_snapshot!(redmine.received().await);
}

#[tokio::test]
async fn resolve_sets_resolved() {
    let (run, _) = against_fixture(&["42", "resolve"]).await;
    assert_run!(run.transcript());
}

#[tokio::test]
async fn json_lists_are_arrays_of_ticket_objects() {
    let (run, _) = against_fixture(&["--json"]).await;
    assert_eq!(run.code, 0, "{}", run.stderr);
    let value: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert!(value.is_array());
    assert_run!(run.stdout);
}

#[tokio::test]
async fn json_details_add_description_and_notes() {
    let (run, _) = against_fixture(&["--json", "42"]).await;
    assert_run!(run.stdout);
}

#[tokio::test]
async fn a_missing_ticket_is_a_one_line_error_and_exit_1() {
    let (run, _) = against_fixture(&["999"]).await;
    assert_run!(run.transcript());
}

#[tokio::test]
async fn assigning_to_nobody_known_names_the_person() {
    let (run, _) = against_fixture(&["42", "assign", "zed"]).await;
    assert_run!(run.transcript());
}

#[tokio::test]
async fn a_bad_action_is_a_usage_error_and_exit_2() {
    let run = tickets(&["42", "close"], &[]).await;
    assert_run!(run.transcript());
}

#[tokio::test]
async fn a_missing_url_names_the_variable() {
    let run = tickets(&[], &[("REDMINE_TOKEN", "x")]).await;
    assert_run!(run.transcript());
}

#[tokio::test]
async fn a_missing_token_names_the_variable() {
    let run = tickets(&[], &[("REDMINE_URL", "http://127.0.0.1:9")]).await;
    assert_run!(run.transcript());
}

#[tokio::test]
async fn a_rejected_key_says_so_without_showing_it() {
    let redmine = wiremock::MockServer::start().await;
    wiremock::Mock::given(wiremock::matchers::any())
        .respond_with(wiremock::ResponseTemplate::new(401))
        .mount(&redmine)
        .await;
    let run = tickets(
        &[],
        &[
            ("REDMINE_URL", &redmine.uri()),
            ("REDMINE_TOKEN", "sekrit-key-456"),
        ],
    )
    .await;
    assert!(!run.stderr.contains("sekrit"));
    assert_run!(run.transcript());
}

#[tokio::test]
async fn acting_as_an_unknown_login_says_who() {
    let (run, _) = against_fixture(&["--as", "mallory"]).await;
    assert_run!(run.transcript());
}

#[tokio::test]
async fn an_unreachable_redmine_names_the_host() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{port}");
    let run = tickets(&[], &[("REDMINE_URL", &url), ("REDMINE_TOKEN", "k")]).await;
    assert_eq!(run.code, 1);
    assert_snapshot!(run.stderr.replace(&port.to_string(), "[port]"), @"tickets: error: cannot reach the tracker at 127.0.0.1:[port]: Connection refused (os error 111)");
}

#[tokio::test]
async fn a_dot_env_file_supplies_settings_and_the_environment_wins() {
    let redmine = testkit::redmine::DemoRedmine::start().await;
    let dir = std::env::temp_dir().join(format!("tickets-dotenv-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join(".env"),
        format!(
            "REDMINE_URL={}\nREDMINE_TOKEN=from-dotenv\nREDMINE_TIMEOUT=oops\n",
            redmine.url()
        ),
    )
    .unwrap();
    let output = tokio::process::Command::new(env!("CARGO_BIN_EXE_tickets"))
        .current_dir(&dir)
        .env_clear()
        .env("REDMINE_TIMEOUT", "5")
        .output()
        .await
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[tokio::test]
async fn acting_as_with_a_key_that_cannot_switch_users_is_refused() {
    // A member's key: Redmine ignores X-Redmine-Switch-User and answers as the key's owner.
    let redmine = wiremock::MockServer::start().await;
    wiremock::Mock::given(wiremock::matchers::path("/users/current.json"))
        .respond_with(testkit::redmine::ok("users__current.json"))
        .mount(&redmine)
        .await;
    let run = tickets(
        &["--as", "bob"],
        &[
            ("REDMINE_URL", &redmine.uri()),
            ("REDMINE_TOKEN", "member-key"),
        ],
    )
    .await;
    assert_eq!(run.code, 1);
    assert_snapshot!(run.stderr, @"tickets: error: cannot act as 'bob': no such active user, or the API key is not an admin's");
}

#[tokio::test]
async fn acting_as_the_demo_member_works() {
    let (run, _) = against_fixture(&["--as", "alice", "--json"]).await;
    assert_eq!(run.code, 0, "{}", run.stderr);
}

#[tokio::test]
async fn the_key_is_not_logged_even_at_trace_and_json_lines_are_json() {
    let redmine = testkit::redmine::DemoRedmine::start().await;
    let key = "redmine-key-QX7Zsecret";
    for format in ["text", "json"] {
        let run = tickets(
            &["42"],
            &[
                ("REDMINE_URL", &redmine.url()),
                ("REDMINE_TOKEN", key),
                ("RUST_LOG", "trace"),
                ("NETBOT_LOG_FORMAT", format),
            ],
        )
        .await;
        assert_eq!(run.code, 0, "{}", run.stderr);
        assert!(run.stderr.contains("redmine request"), "{}", run.stderr);
        assert!(
            !run.stderr.contains(key),
            "the key was logged:\n{}",
            run.stderr
        );
        assert!(!run.stdout.contains(key));
        let json_lines = run
            .stderr
            .lines()
            .filter(|line| serde_json::from_str::<serde_json::Value>(line).is_ok())
            .count();
        let expected = if format == "json" {
            run.stderr.lines().count()
        } else {
            0
        };
        assert_eq!(json_lines, expected, "{format}: {}", run.stderr);
    }
}

/// Runs `tickets ARGS` against `redmine` with `input` on standard input.
async fn with_standard_input(
    redmine: &testkit::redmine::DemoRedmine,
    args: &[&str],
    input: &str,
) -> std::process::Output {
    use tokio::io::AsyncWriteExt as _;
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_tickets"))
        .args(args)
        .current_dir(std::env::temp_dir())
        .env_clear()
        .env("NO_COLOR", "1")
        .env("TICKETS_NOW", "2026-11-27T12:00:00Z")
        .env("REDMINE_URL", redmine.url())
        .env("REDMINE_TOKEN", "fixture-key-123")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(input.as_bytes()).await.unwrap();
    drop(stdin);
    child.wait_with_output().await.unwrap()
}

#[tokio::test]
async fn status_sets_the_named_status() {
    let (run, redmine) = against_fixture(&["42", "status", "feedback"]).await;
    assert_run!(run.transcript());
    assert_eq!(redmine.issue(42)["status"]["name"], "Feedback");
}

#[tokio::test]
async fn priority_and_tracker_are_set_by_name_and_json_shows_the_ticket_as_it_stands() {
    let (run, redmine) = against_fixture(&["--json", "42", "priority", "High"]).await;
    assert_eq!(run.code, 0, "{}", run.stderr);
    let ticket: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(ticket["priority"], "High");
    let url = redmine.url();
    let env = [
        ("REDMINE_URL", url.as_str()),
        ("REDMINE_TOKEN", "fixture-key-123"),
    ];
    let run = tickets(&["--json", "42", "tracker", "feature"], &env).await;
    assert_eq!(run.code, 0, "{}", run.stderr);
    let ticket: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(ticket["tracker"], "Feature");
}

#[tokio::test]
async fn an_unknown_priority_fails_with_the_closest_names() {
    let (run, _) = against_fixture(&["42", "priority", "urgnt"]).await;
    assert_eq!(run.code, 1);
    assert_snapshot!(run.stderr, @"tickets: error: there is no priority named 'urgnt' (closest: Urgent, High, Normal)");
}

#[tokio::test]
async fn subject_takes_the_rest_of_the_words() {
    let (run, redmine) =
        against_fixture(&["42", "subject", "Packet", "loss", "on", "Othello"]).await;
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(redmine.issue(42)["subject"], "Packet loss on Othello");
}

#[tokio::test]
async fn a_description_of_dash_is_read_from_standard_input() {
    let redmine = testkit::redmine::DemoRedmine::start().await;
    let output = with_standard_input(
        &redmine,
        &["42", "description", "-"],
        "Swapped the injector.\nLoss is gone.\n",
    )
    .await;
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(
        redmine.issue(42)["description"],
        "Swapped the injector.\nLoss is gone."
    );
}

#[tokio::test]
async fn a_note_of_dash_is_read_from_standard_input_and_empty_input_is_a_usage_error() {
    let redmine = testkit::redmine::DemoRedmine::start().await;
    let output = with_standard_input(&redmine, &["42", "note", "-"], "Back online\n").await;
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(
        redmine.notes(42).last().map(|(_, text)| text.as_str()),
        Some("Back online")
    );
    let output = with_standard_input(&redmine, &["42", "note", "-"], " \n").await;
    assert_eq!(output.status.code(), Some(2));
}

#[tokio::test]
async fn a_note_in_words_is_added_as_me() {
    let (run, redmine) = against_fixture(&["42", "note", "checked", "the", "cable"]).await;
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        redmine.notes(42).last().cloned(),
        Some(("Alice Liddell".to_owned(), "checked the cable".to_owned()))
    );
}

#[tokio::test]
async fn parent_sets_and_clears_and_a_refused_parent_is_exit_1_with_redmines_reason() {
    let (run, redmine) = against_fixture(&["42", "parent", "#4"]).await;
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(redmine.issue(42)["parent"]["id"], 4);
    let url = redmine.url();
    let env = [
        ("REDMINE_URL", url.as_str()),
        ("REDMINE_TOKEN", "fixture-key-123"),
    ];
    let run = tickets(&["42", "parent", "none"], &env).await;
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(redmine.issue(42).get("parent").is_none());
    let run = tickets(&["42", "parent", "42"], &env).await;
    assert_eq!(run.code, 1);
    assert_snapshot!(run.stderr, @"tickets: error: the tracker refused to update ticket 42: Parent task is invalid");
}

#[tokio::test]
async fn watch_adds_me_and_unwatch_removes_a_named_user() {
    let (run, redmine) = against_fixture(&["42", "watch"]).await;
    assert_eq!(run.code, 0, "{}", run.stderr);
    let url = redmine.url();
    let env = [
        ("REDMINE_URL", url.as_str()),
        ("REDMINE_TOKEN", "fixture-key-123"),
    ];
    let run = tickets(&["42", "watch", "bob"], &env).await;
    assert_eq!(run.code, 0, "{}", run.stderr);
    let run = tickets(&["42", "unwatch", "Alice", "Liddell"], &env).await;
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        redmine.issue(42)["watchers"],
        serde_json::json!([{ "id": 6, "name": "Bob Builder" }])
    );
}

#[tokio::test]
async fn a_field_action_without_its_value_is_a_usage_error_and_exit_2() {
    for words in [
        &["42", "status"][..],
        &["42", "parent", "soon"],
        &["42", "note"],
    ] {
        let (run, redmine) = against_fixture(words).await;
        assert_eq!(run.code, 2, "{words:?}: {}", run.stderr);
        assert!(redmine.received().await.is_empty(), "{words:?}");
    }
}

#[tokio::test]
async fn due_sets_the_date_and_a_text_that_is_no_date_is_a_usage_error() {
    let (run, redmine) = against_fixture(&["42", "due", "12/24"]).await;
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(redmine.issue(42)["due_date"], "2026-12-24");
    let url = redmine.url();
    let env = [
        ("REDMINE_URL", url.as_str()),
        ("REDMINE_TOKEN", "fixture-key-123"),
    ];
    let run = tickets(&["42", "due", "next", "friday"], &env).await;
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(redmine.issue(42)["due_date"], "2026-12-04");
    let run = tickets(&["42", "due", "2026-11-01"], &env).await;
    assert_eq!(run.code, 1);
    assert!(
        run.stderr
            .contains("Due date must be greater than start date"),
        "{}",
        run.stderr
    );
    let run = tickets(&["42", "due", "soon"], &env).await;
    assert_eq!(run.code, 2, "{}", run.stderr);
}

#[tokio::test]
async fn hours_are_logged_as_me_under_the_named_activity_with_a_comment() {
    let (run, redmine) = against_fixture(&[
        "42",
        "hours",
        "1h30",
        "field",
        "work",
        "--comment",
        "spliced the fibre",
    ])
    .await;
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_snapshot!(run.stdout.trim(), @"Logged 1h30 on ticket 42 as Field work.");
    let entries = redmine.time_entries();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0]["issue"]["id"], 42);
    assert_eq!(entries[0]["user"]["name"], "Alice Liddell");
    assert_eq!(entries[0]["activity"]["name"], "Field work");
    assert_eq!(entries[0]["hours"], 1.5);
    assert_eq!(entries[0]["comments"], "spliced the fibre");
}

#[tokio::test]
async fn hours_without_an_activity_use_redmines_default_and_json_says_what_was_logged() {
    let (run, redmine) = against_fixture(&["--json", "42", "hours", "90m"]).await;
    assert_eq!(run.code, 0, "{}", run.stderr);
    let printed: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(
        printed,
        serde_json::json!({
            "ticket": 42, "hours": 1.5, "minutes": 90, "activity": null, "comment": ""
        })
    );
    assert_eq!(redmine.time_entries()[0]["activity"]["name"], "Development");
}

#[tokio::test]
async fn hours_without_a_default_activity_fail_naming_the_activities() {
    let redmine = testkit::redmine::DemoRedmine::start().await;
    redmine.clear_default_activity();
    let url = redmine.url();
    let run = tickets(
        &["42", "hours", "1.5"],
        &[("REDMINE_URL", &url), ("REDMINE_TOKEN", "fixture-key-123")],
    )
    .await;
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_snapshot!(run.stderr.trim(), @"tickets: error: the tracker has no default activity: name one (Design, Development, Field work)");
    assert!(redmine.time_entries().is_empty());
}

#[tokio::test]
async fn an_unknown_activity_fails_with_the_closest_names() {
    let (run, redmine) = against_fixture(&["42", "hours", "1", "Desgn"]).await;
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_snapshot!(run.stderr.trim(), @"tickets: error: there is no activity named 'Desgn' (closest: Design, Development, Field work)");
    assert!(redmine.time_entries().is_empty());
}

#[tokio::test]
async fn hours_without_an_amount_or_with_an_unreadable_one_are_usage_errors() {
    for words in [
        &["42", "hours"][..],
        &["42", "hours", "lots"],
        &["42", "note", "x", "--comment", "y"],
    ] {
        let (run, redmine) = against_fixture(words).await;
        assert_eq!(run.code, 2, "{words:?}: {}", run.stderr);
        assert!(redmine.received().await.is_empty(), "{words:?}");
    }
}
