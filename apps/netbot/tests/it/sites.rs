//! `netbot sites`: the list, one site, `--json`, TLS, and every error, through the real adapter.

use testkit::netbox::{DemoNetbox, DEMO_TOKEN};
use testkit::tls::TlsFront;

use crate::{assert_run, netbot, Run};

async fn against_fixture(args: &[&str]) -> Run {
    let netbox = DemoNetbox::start().await;
    netbot(
        args,
        &[("NETBOX_URL", &netbox.url()), ("NETBOX_TOKEN", DEMO_TOKEN)],
    )
    .await
}

#[tokio::test]
async fn all_sites_are_an_aligned_table() {
    assert_run!(against_fixture(&["sites"]).await.transcript());
}

#[tokio::test]
async fn one_site_shows_its_details_and_counts() {
    assert_run!(against_fixture(&["sites", "othello"]).await.transcript());
}

#[tokio::test]
async fn a_site_is_found_by_part_of_its_name() {
    let run = against_fixture(&["sites", "Filipino"]).await;
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("(filipino-community-village)"),
        "{}",
        run.stdout
    );
}

#[tokio::test]
async fn a_site_without_optional_fields_shows_dashes() {
    assert_run!(against_fixture(&["sites", "bare"]).await.transcript());
}

#[tokio::test]
async fn json_lists_sites_as_an_array() {
    let run = against_fixture(&["sites", "--json"]).await;
    let value: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert!(value.is_array());
    assert_run!(run.stdout);
}

#[tokio::test]
async fn json_details_add_the_counts() {
    assert_run!(
        against_fixture(&["sites", "othello", "--json"])
            .await
            .stdout
    );
}

#[tokio::test]
async fn an_unknown_site_lists_the_closest_names() {
    assert_run!(against_fixture(&["sites", "othelo"]).await.transcript());
}

#[tokio::test]
async fn a_rejected_token_names_the_variable_and_not_the_token() {
    let netbox = DemoNetbox::start().await;
    let run = netbot(
        &["sites"],
        &[
            ("NETBOX_URL", &netbox.url()),
            ("NETBOX_TOKEN", "wrong-token-123"),
        ],
    )
    .await;
    assert!(!run.stderr.contains("wrong-token-123"));
    assert_run!(run.transcript());
}

#[tokio::test]
async fn a_missing_url_names_the_variable() {
    assert_run!(netbot(&["sites"], &[("NETBOX_TOKEN", "x")])
        .await
        .transcript());
}

#[tokio::test]
async fn a_bad_insecure_value_names_the_variable() {
    let run = netbot(
        &["sites"],
        &[
            ("NETBOX_URL", "https://x"),
            ("NETBOX_TOKEN", "x"),
            ("NETBOX_INSECURE", "maybe"),
        ],
    )
    .await;
    assert_run!(run.transcript());
}

#[tokio::test]
async fn a_self_signed_netbox_works_with_its_ca_and_fails_without() {
    let netbox = DemoNetbox::start().await;
    let front = TlsFront::start(netbox.address()).await;
    let ca = std::env::temp_dir().join(format!("netbot-cli-ca-{}.pem", std::process::id()));
    std::fs::write(&ca, front.ca_pem()).unwrap();
    let ca = ca.to_string_lossy().into_owned();

    let refused = netbot(
        &["sites"],
        &[("NETBOX_URL", front.url()), ("NETBOX_TOKEN", DEMO_TOKEN)],
    )
    .await;
    let trusted = netbot(
        &["sites"],
        &[
            ("NETBOX_URL", front.url()),
            ("NETBOX_TOKEN", DEMO_TOKEN),
            ("NETBOX_CA_CERT", &ca),
        ],
    )
    .await;
    let insecure = netbot(
        &["sites"],
        &[
            ("NETBOX_URL", front.url()),
            ("NETBOX_TOKEN", DEMO_TOKEN),
            ("NETBOX_INSECURE", "true"),
        ],
    )
    .await;

    assert_eq!(refused.code, 1);
    assert!(
        refused.stderr.contains("set NETBOX_CA_CERT"),
        "{}",
        refused.stderr
    );
    assert_eq!(trusted.code, 0, "{}", trusted.stderr);
    assert_eq!(insecure.code, 0, "{}", insecure.stderr);
    assert!(
        insecure.stderr.contains("NETBOX_INSECURE=true"),
        "a warning is logged: {}",
        insecure.stderr
    );
}

#[tokio::test]
async fn a_ca_file_that_is_a_fifo_is_a_usage_error_at_once() {
    let fifo = std::env::temp_dir().join(format!("netbot-cli-ca-fifo-{}", std::process::id()));
    let _ = std::fs::remove_file(&fifo);
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    let fifo_text = fifo.to_string_lossy().into_owned();

    let env = [
        ("NETBOX_URL", "https://nb.example.org"),
        ("NETBOX_TOKEN", DEMO_TOKEN),
        ("NETBOX_CA_CERT", fifo_text.as_str()),
    ];
    let run = netbot(&["sites"], &env);
    let run = tokio::time::timeout(std::time::Duration::from_secs(20), run).await;
    std::fs::remove_file(&fifo).unwrap();

    let run = run.expect("refused at once, not blocked on the FIFO");
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("not a regular file"), "{}", run.stderr);
}

#[tokio::test]
async fn the_demo_needs_no_credentials() {
    let run = netbot(&["sites", "--demo"], &[]).await;
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("othello"), "{}", run.stdout);
}

#[tokio::test]
async fn site_names_in_an_ambiguous_error_are_one_clean_line() {
    let netbox = wiremock::MockServer::start().await;
    let mut page = testkit::netbox::sites_page(&netbox.uri(), 2, 0, 1000);
    page["results"][0]["slug"] =
        serde_json::json!("evil-1\u{1b}]52;c;cm0gLXJm\u{7}\nnetbot: error: fake");
    page["results"][1]["slug"] = serde_json::json!("evil-2\u{1b}[2J\u{202e}");
    wiremock::Mock::given(wiremock::matchers::path("/api/dcim/sites/"))
        .respond_with(wiremock::ResponseTemplate::new(200).set_body_json(page))
        .mount(&netbox)
        .await;

    let run = netbot(
        &["sites", "Filler"],
        &[("NETBOX_URL", &netbox.uri()), ("NETBOX_TOKEN", DEMO_TOKEN)],
    )
    .await;

    assert_eq!(run.code, 1, "{}", run.transcript());
    assert_eq!(run.stderr.lines().count(), 1, "{:?}", run.stderr);
    assert!(
        !run.stderr.contains(['\u{1b}', '\u{7}', '\u{202e}']),
        "{:?}",
        run.stderr
    );
    assert!(
        run.stderr.contains("matches several sites"),
        "{}",
        run.stderr
    );
}

#[tokio::test]
async fn a_password_in_netbox_url_is_shown_nowhere() {
    let netbox = DemoNetbox::start().await;
    let url = netbox.url().replace("http://", "http://admin:Pa55word@");
    for args in [
        &["sites", "--json"][..],
        &["sites", "othello"],
        &["sites", "--json", "othello"],
    ] {
        let run = netbot(args, &[("NETBOX_URL", &url), ("NETBOX_TOKEN", DEMO_TOKEN)]).await;
        assert_eq!(run.code, 0, "{}", run.transcript());
        assert!(
            !run.transcript().contains("Pa55word"),
            "{}",
            run.transcript()
        );
        assert!(run.stdout.contains("/dcim/sites/"), "{}", run.stdout);
    }
}
