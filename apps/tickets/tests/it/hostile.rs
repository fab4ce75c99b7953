//! `tickets` against a hostile server and a hostile working directory: what reaches the
//! terminal is clean and one line per error, passwords in URLs never show, `.env` is this
//! directory's and sets netbot's settings only.

use serde_json::json;
use testkit::redmine::{issues_page, DemoRedmine};
use wiremock::matchers::{any, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::{against_fixture, tickets};

/// What an attacker puts in a string: an OSC 52 clipboard write, a screen clear, a second
/// line that looks like ours, a bidi override.
const NASTY: &str =
    "\u{1b}]52;c;cm0gLXJmIC8=\u{7}\u{1b}[2Jowned\ntickets: error: fake\u{202e}gnp.exe";

fn assert_clean_one_line(stderr: &str) {
    assert_eq!(stderr.lines().count(), 1, "{stderr:?}");
    assert!(
        !stderr.contains(['\u{1b}', '\u{7}', '\u{202e}', '\r']),
        "{stderr:?}"
    );
}

#[tokio::test]
async fn a_refusal_with_escapes_and_line_breaks_is_one_clean_line() {
    let server = MockServer::start().await;
    Mock::given(path("/issue_statuses.json"))
        .respond_with(testkit::redmine::ok("issue_statuses.json"))
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .respond_with(testkit::redmine::error(422, &[NASTY, "second\r\nreason"]))
        .mount(&server)
        .await;

    let run = tickets(
        &["42", "resolve"],
        &[("REDMINE_URL", &server.uri()), ("REDMINE_TOKEN", "k")],
    )
    .await;

    assert_eq!(run.code, 1);
    assert_clean_one_line(&run.stderr);
    assert!(
        run.stderr
            .starts_with("tickets: error: the tracker refused to update ticket 42: "),
        "{}",
        run.stderr
    );
}

#[tokio::test]
async fn status_names_from_the_server_are_cleaned_in_errors() {
    let server = MockServer::start().await;
    Mock::given(path("/issue_statuses.json"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "issue_statuses": [{"id": 1, "name": NASTY, "is_closed": false}]
        })))
        .mount(&server)
        .await;

    let run = tickets(
        &["42", "resolve"],
        &[("REDMINE_URL", &server.uri()), ("REDMINE_TOKEN", "k")],
    )
    .await;

    assert_eq!(run.code, 1);
    assert_clean_one_line(&run.stderr);
}

#[tokio::test]
async fn a_redirect_to_another_host_fails_naming_where_it_pointed() {
    let other = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_json(issues_page(1, 0, 100)))
        .expect(0)
        .mount(&other)
        .await;
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(
            ResponseTemplate::new(302).insert_header("Location", format!("{}/steal", other.uri())),
        )
        .mount(&server)
        .await;

    let run = tickets(
        &[],
        &[("REDMINE_URL", &server.uri()), ("REDMINE_TOKEN", "k")],
    )
    .await;

    assert_eq!(run.code, 1);
    assert_clean_one_line(&run.stderr);
    assert!(
        run.stderr.contains(&format!(
            "a redirect to {}/steal, another server",
            other.uri()
        )),
        "{}",
        run.stderr
    );
    other.verify().await;
}

#[tokio::test]
async fn bidi_and_zero_width_characters_leave_text_output_but_stay_in_json() {
    let server = MockServer::start().await;
    let mut page = issues_page(1, 0, 100);
    page["issues"][0]["subject"] = json!("invoice\u{202e}fdp.exe\u{200b}");
    Mock::given(path("/issues.json"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page))
        .mount(&server)
        .await;
    let env = [("REDMINE_URL", server.uri()), ("REDMINE_TOKEN", "k".into())];
    let env: Vec<(&str, &str)> = env.iter().map(|(n, v)| (*n, v.as_str())).collect();

    let text = tickets(&[], &env).await;
    let json = tickets(&["--json"], &env).await;

    assert_eq!(text.code, 0, "{}", text.stderr);
    assert!(text.stdout.contains("invoicefdp.exe"), "{}", text.stdout);
    let value: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(value[0]["subject"], "invoice\u{202e}fdp.exe\u{200b}");
}

#[tokio::test]
async fn a_password_in_redmine_url_is_shown_nowhere() {
    let redmine = DemoRedmine::start().await;
    let url = redmine.url().replace("http://", "http://admin:Pa55word@");
    let env = [("REDMINE_URL", url.as_str()), ("REDMINE_TOKEN", "k")];
    for args in [&["--json"][..], &[], &["42"], &["--json", "42"], &["999"]] {
        let run = tickets(args, &env).await;
        assert!(
            !run.stdout.contains("Pa55word") && !run.stderr.contains("Pa55word"),
            "{args:?}: {}",
            run.transcript()
        );
    }
    let run = tickets(&["--json", "42"], &env).await;
    assert!(
        run.stdout
            .contains(&format!("\"{}/issues/42\"", redmine.url())),
        "{}",
        run.stdout
    );
}

#[tokio::test]
async fn a_big_subject_is_cut_before_the_table_is_laid_out() {
    let server = MockServer::start().await;
    let mut page = issues_page(2, 0, 100);
    page["issues"][0]["subject"] = json!("x".repeat(2_000_000));
    Mock::given(path("/issues.json"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page))
        .mount(&server)
        .await;

    let started = std::time::Instant::now();
    let run = tickets(
        &[],
        &[("REDMINE_URL", &server.uri()), ("REDMINE_TOKEN", "k")],
    )
    .await;

    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.len() < 10_000, "{}", run.stdout.len());
    assert!(started.elapsed() < std::time::Duration::from_secs(2));
}

/// A scratch directory of its own for one test.
fn scratch(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("tickets-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

async fn tickets_in(dir: &std::path::Path, args: &[&str]) -> testkit::process::Run {
    let output = tokio::process::Command::new(env!("CARGO_BIN_EXE_tickets"))
        .args(args)
        .current_dir(dir)
        .env_clear()
        .env("NO_COLOR", "1")
        .output()
        .await
        .unwrap();
    testkit::process::Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

#[tokio::test]
async fn a_dot_env_in_a_parent_directory_is_not_read() {
    let redmine = DemoRedmine::start().await;
    let parent = scratch("parent-dotenv");
    std::fs::write(
        parent.join(".env"),
        format!("REDMINE_URL={}\nREDMINE_TOKEN=k\n", redmine.url()),
    )
    .unwrap();
    let child = parent.join("child");
    std::fs::create_dir_all(&child).unwrap();

    let run = tickets_in(&child, &[]).await;

    assert_eq!(run.code, 2, "{}", run.transcript());
    assert!(
        run.stderr.contains("REDMINE_URL is not set"),
        "{}",
        run.stderr
    );
}

#[tokio::test]
async fn a_dot_env_may_not_set_a_proxy() {
    // Were HTTP_PROXY honoured, the request for the unresolvable host would reach the proxy.
    let proxy = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_json(issues_page(1, 0, 100)))
        .expect(0)
        .mount(&proxy)
        .await;
    let dir = scratch("proxy-dotenv");
    std::fs::write(
        dir.join(".env"),
        format!(
            "REDMINE_URL=http://redmine.invalid/\nREDMINE_TOKEN=k\nHTTP_PROXY={0}\nhttp_proxy={0}\nALL_PROXY={0}\n",
            proxy.uri()
        ),
    )
    .unwrap();

    let run = tickets_in(&dir, &[]).await;

    assert_eq!(run.code, 1, "{}", run.transcript());
    assert!(run.stderr.contains("ignored in .env"), "{}", run.stderr);
    assert!(
        run.stderr
            .contains("cannot reach the tracker at redmine.invalid"),
        "{}",
        run.stderr
    );
    proxy.verify().await;
}

#[tokio::test]
async fn a_broken_dot_env_says_what_is_wrong_with_it() {
    let dir = scratch("broken-dotenv");
    std::fs::write(
        dir.join(".env"),
        "REDMINE_URL=http://x/\nREDMINE_TOKEN='s3cret\n",
    )
    .unwrap();
    let run = tickets_in(&dir, &[]).await;
    assert_eq!(run.code, 2, "{}", run.transcript());
    assert_eq!(
        run.stderr,
        "tickets: error: .env: line 2 is not NAME=value\n"
    );

    let dir = scratch("directory-dotenv");
    std::fs::create_dir_all(dir.join(".env")).unwrap();
    let run = tickets_in(&dir, &[]).await;
    assert_eq!(run.code, 2, "{}", run.transcript());
    assert_eq!(run.stderr, "tickets: error: .env: is not a regular file\n");
}

#[tokio::test]
async fn the_demo_still_lists_tickets() {
    let (run, _) = against_fixture(&[]).await;
    assert_eq!(run.code, 0, "{}", run.stderr);
}

#[tokio::test]
async fn a_bad_ticket_number_is_a_usage_error_not_a_search() {
    let redmine = DemoRedmine::start().await;
    let env = [
        ("REDMINE_URL", redmine.url()),
        ("REDMINE_TOKEN", "k".into()),
    ];
    let env: Vec<(&str, &str)> = env.iter().map(|(n, v)| (*n, v.as_str())).collect();
    for args in [
        &["0", "resolve"][..],
        &["5x", "resolve"],
        &["99999999999999999999", "assign", "bob"],
    ] {
        let run = tickets(args, &env).await;
        assert_eq!(run.code, 2, "{args:?}: {}", run.transcript());
        assert!(
            run.stderr.contains("is not a ticket number"),
            "{}",
            run.stderr
        );
    }
    assert!(redmine.received().await.is_empty());
}

#[tokio::test]
async fn a_key_with_a_line_break_is_a_configuration_error() {
    let redmine = DemoRedmine::start().await;
    let run = tickets(
        &[],
        &[
            ("REDMINE_URL", &redmine.url()),
            ("REDMINE_TOKEN", "abc\ndef"),
        ],
    )
    .await;
    assert_eq!(run.code, 2, "{}", run.transcript());
    assert!(run.stderr.contains("REDMINE_TOKEN"), "{}", run.stderr);
}
