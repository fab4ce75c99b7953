//! `--demo` runs against the embedded fixture Redmine with no configuration at all.

use crate::tickets;

#[tokio::test]
async fn the_demo_needs_no_credentials() {
    let run = tickets(&["--demo"], &[]).await;
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("ticket"), "{}", run.stdout);
}

#[tokio::test]
async fn the_demo_shows_a_ticket_with_notes() {
    let run = tickets(&["--demo", "42"], &[]).await;
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.starts_with("#42 "), "{}", run.stdout);
}
