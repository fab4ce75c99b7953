//! `netbot run` refuses to start on bad settings, naming the variable or key, before it
//! connects anywhere.

use testkit::netbox::{DemoNetbox, DEMO_TOKEN};
use testkit::redmine::DemoRedmine;

use crate::{assert_run, netbot};

#[tokio::test]
async fn a_missing_discord_token_names_the_variable() {
    let run = netbot(&["run"], &[("DISCORD_GUILD_ID", "1000")]).await;
    assert_run!(run.transcript());
}

#[tokio::test]
async fn a_guild_id_that_is_not_a_number_names_the_variable() {
    let run = netbot(
        &["run"],
        &[("DISCORD_GUILD_ID", "my server"), ("DISCORD_TOKEN", "t")],
    )
    .await;
    assert_run!(run.transcript());
}

#[tokio::test]
async fn a_misspelt_key_in_netbot_toml_is_named() {
    let dir = std::env::temp_dir().join(format!("netbot-toml-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("netbot.toml");
    std::fs::write(&file, "admin_rol = 5\n").unwrap();
    let file = file.to_string_lossy().into_owned();
    let run = netbot(
        &["run"],
        &[
            ("NETBOT_CONFIG", &file),
            ("DISCORD_GUILD_ID", "1000"),
            ("DISCORD_TOKEN", "t"),
        ],
    )
    .await;
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("is invalid: unknown field `admin_rol`"),
        "{}",
        run.stderr
    );
}

#[tokio::test]
async fn a_named_netbot_toml_that_does_not_exist_is_an_error() {
    let run = netbot(
        &["run"],
        &[
            ("NETBOT_CONFIG", "/nonexistent/netbot.toml"),
            ("DISCORD_GUILD_ID", "1000"),
            ("DISCORD_TOKEN", "t"),
        ],
    )
    .await;
    assert_run!(run.transcript());
}

#[tokio::test]
async fn a_redmine_key_that_is_not_an_admins_stops_the_start() {
    let redmine = DemoRedmine::start().await;
    let netbox = DemoNetbox::start().await;
    let run = netbot(
        &["run"],
        &[
            ("DISCORD_GUILD_ID", "1000"),
            ("DISCORD_TOKEN", "secret-discord-token"),
            ("REDMINE_URL", &redmine.url()),
            ("REDMINE_TOKEN", "member-key"),
            ("NETBOX_URL", &netbox.url()),
            ("NETBOX_TOKEN", DEMO_TOKEN),
        ],
    )
    .await;
    assert!(!run.stderr.contains("secret-discord-token"));
    assert_run!(run.transcript());
}
