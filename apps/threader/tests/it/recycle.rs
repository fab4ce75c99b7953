//! Recycling through the threader binary against the fixture Redmine and Discord: an idle,
//! assigned ticket is handed back to its route's team in the configured status with a note,
//! once per idle spell, and `[notify.recycle]` and `team` are checked at start.

use std::process::Command;

use serde_json::json;

use crate::{World, CHANNEL, GUILD};

/// `threader` (one pass) with `config` as its netbot.toml, against the world's servers.
async fn run_threader(world: &World, config: &str) -> std::process::Output {
    static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    let path = std::env::temp_dir().join(format!(
        "netbot-recycle-test-{}-{n}.toml",
        std::process::id()
    ));
    std::fs::write(&path, config).expect("write the config");
    let mut command = Command::new(env!("CARGO_BIN_EXE_threader"));
    command
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .current_dir(std::env::temp_dir())
        .env("NETBOT_CONFIG", &path)
        .env("REDMINE_URL", world.redmine.url())
        .env("REDMINE_TOKEN", testkit::redmine::DEMO_ADMIN_KEY)
        .env("DISCORD_TOKEN", "test-token")
        .env("DISCORD_GUILD_ID", GUILD.to_string())
        .env("DISCORD_API_URL", world.discord.uri());
    let output = tokio::process::Command::from(command)
        .output()
        .await
        .expect("run threader");
    let _ = std::fs::remove_file(&path);
    output
}

/// Recycling after ten years (so that only the ticket the test makes that old is idle,
/// whatever the day the test runs), back to New, to the Field Team for project netops.
fn config(recycle: &str, team: &str) -> String {
    format!(
        "[threader]\nchannel = {CHANNEL}\n[notify]\nintake = {CHANNEL}\n\
         [[notify.route]]\nproject = \"netops\"\nchannel = {CHANNEL}\nteam = \"{team}\"\n\
         [notify.recycle]\n{recycle}\n"
    )
}

#[tokio::test]
async fn an_idle_assigned_ticket_is_handed_back_to_its_routes_team_once_per_idle_spell() {
    let world = World::new().await;
    let ticket = world.redmine.open_ticket("bob", "Mast light out", "", None);
    world.redmine.set_fields(
        ticket,
        &json!({
            "assigned_to": { "id": 5, "name": "Alice Liddell" },
            "status": { "id": 2, "name": "In Progress" },
            "updated_on": "2010-01-04T10:00:00Z",
        }),
    );
    let toml = config(
        "after = \"3650d\"\nstatus = \"New\"\nskip_priorities = [\"Immediate\"]",
        "Field Team",
    );

    let first = run_threader(&world, &toml).await;
    assert_eq!(
        first.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let issue = world.redmine.issue(ticket);
    assert_eq!(issue["assigned_to"]["id"], 7, "{issue:#}");
    assert_eq!(issue["status"]["name"], "New", "{issue:#}");
    let notes = world.note_texts(ticket);
    assert_eq!(notes.len(), 1, "{notes:#?}");
    assert!(
        notes[0].starts_with("Handed back to Field Team and set to New: no update for "),
        "{notes:#?}"
    );
    assert!(
        notes[0].ends_with("while with Alice Liddell in In Progress."),
        "{notes:#?}"
    );

    // The change itself updated the ticket: that idle spell is over, nothing more is done.
    let second = run_threader(&world, &toml).await;
    assert_eq!(second.status.code(), Some(0));
    assert_eq!(
        world.note_texts(ticket).len(),
        1,
        "recycled once per idle spell"
    );
}

#[tokio::test]
async fn recycling_and_route_teams_are_checked_at_start_naming_the_key() {
    let world = World::new().await;
    let cases = [
        (
            config("after = \"21d\"", "alice"),
            "notify.route[1].team: 'alice' is a user",
        ),
        (
            config("after = \"21d\"", "Roof Crew"),
            "notify.route[1].team: no Redmine group named 'Roof Crew'",
        ),
        (
            config("after = \"21d\"\nstatus = \"Waiting\"", "Field Team"),
            "notify.recycle.status: Redmine has no status named 'Waiting'",
        ),
        (
            config("after = \"21d\"\nstatus = \"Closed\"", "Field Team"),
            "notify.recycle.status: 'Closed' is a closed status",
        ),
        (
            config(
                "after = \"21d\"\nskip_priorities = [\"Epic\"]",
                "Field Team",
            ),
            "notify.recycle.skip_priorities: Redmine has no priority named 'Epic'",
        ),
        (
            config("after = \"soon\"", "Field Team"),
            "notify.recycle.after must be a duration",
        ),
    ];
    for (toml, expected) in cases {
        let output = run_threader(&world, &toml).await;
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{toml}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(stderr.contains(expected), "{toml}: {stderr}");
    }
}
