//! `netbot --help`: what a newcomer reads first says what the binary does today.

use crate::netbot;

#[tokio::test]
async fn help_opens_with_what_netbot_does_today() {
    let run = netbot(&["--help"], &[]).await;
    assert_eq!(run.code, 0, "{}", run.transcript());
    let first = run.stdout.lines().next().unwrap_or_default();
    assert_eq!(
        first,
        "The community network's Discord bot (netbot run), its deployment check (netbot check), and NetBox sites from a terminal (netbot sites)"
    );
    assert!(!run.stdout.contains("(later)"), "{}", run.stdout);
}

#[tokio::test]
async fn check_help_names_the_json_states() {
    let run = netbot(&["check", "--help"], &[]).await;
    assert!(
        run.stdout.contains("state is passed, failed or skipped"),
        "{}",
        run.stdout
    );
}
