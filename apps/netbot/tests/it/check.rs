//! `netbot check` end to end against the fixture Redmine, NetBox and Discord: a sound
//! deployment passes every check, then each failure in turn is named with what to do, and
//! no secret ever appears in the output.

use testkit::discord::{FakeDiscord, BOT_ROLE};
use testkit::netbox::{DemoNetbox, DEMO_TOKEN};
use testkit::redmine::DemoRedmine;
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::netbot;

const GUILD: u64 = 1_300_000_000_000_000_001;
const BOT: u64 = 1_300_000_000_000_000_002;
const THREADS: u64 = 1_300_000_000_000_000_010;
const NETOPS: u64 = 1_300_000_000_000_000_011;
const INTAKE: u64 = 1_300_000_000_000_000_012;
const REDMINE_KEY: &str = "redmine-key-QX7Zsecret";
const DISCORD_TOKEN: &str = "discord-token-VB93secret";

const TOML: &str = "
default_project = \"netops\"
[channels]
intake = 1300000000000000012
[threader]
channel = 1300000000000000010
[threader.projects]
netops = 1300000000000000011
";

/// A deployment of fixture servers and a netbot.toml, with the environment to check it.
struct Deployment {
    redmine: DemoRedmine,
    netbox: DemoNetbox,
    discord: FakeDiscord,
    toml: String,
    env: Vec<(String, String)>,
}

impl Deployment {
    async fn sound() -> Self {
        Self::with(DemoRedmine::start_admin().await, TOML).await
    }

    async fn with(redmine: DemoRedmine, toml: &str) -> Self {
        let netbox = DemoNetbox::start().await;
        let discord = FakeDiscord::start(GUILD, BOT, &[THREADS, NETOPS, INTAKE]).await;
        discord.require_token(DISCORD_TOKEN);
        let dir = std::env::temp_dir().join(format!(
            "netbot-check-{}-{}",
            std::process::id(),
            discord.uri().rsplit(':').next().unwrap_or_default()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("netbot.toml");
        std::fs::write(&path, toml).unwrap();
        let path = path.to_string_lossy().into_owned();
        let env = [
            ("NETBOT_CONFIG", path.as_str()),
            ("DISCORD_TOKEN", DISCORD_TOKEN),
            ("DISCORD_GUILD_ID", &GUILD.to_string()),
            ("DISCORD_API_URL", &discord.uri()),
            ("REDMINE_URL", &redmine.url()),
            ("REDMINE_TOKEN", REDMINE_KEY),
            ("NETBOX_URL", &netbox.url()),
            ("NETBOX_TOKEN", DEMO_TOKEN),
        ]
        .into_iter()
        .map(|(name, value)| (name.to_owned(), value.to_owned()))
        .collect();
        Self {
            redmine,
            netbox,
            discord,
            toml: path,
            env,
        }
    }

    fn set(&mut self, name: &str, value: &str) {
        self.env.retain(|(known, _)| known != name);
        self.env.push((name.to_owned(), value.to_owned()));
    }

    fn unset(&mut self, name: &str) {
        self.env.retain(|(known, _)| known != name);
    }

    /// Runs `netbot check ARGS`; returns the transcript with the servers' addresses named.
    async fn check(&self, args: &[&str]) -> (i32, String) {
        let mut all = vec!["check"];
        all.extend_from_slice(args);
        let env: Vec<(&str, &str)> = self
            .env
            .iter()
            .map(|(name, value)| (name.as_str(), value.as_str()))
            .collect();
        let run = netbot(&all, &env).await;
        let transcript = run.transcript();
        for secret in [REDMINE_KEY, DISCORD_TOKEN, DEMO_TOKEN, "wrong-secret"] {
            assert!(
                !transcript.contains(secret),
                "a secret leaked:\n{transcript}"
            );
        }
        let transcript = transcript
            .replace(&self.redmine.url(), "[redmine]")
            .replace(&self.netbox.url(), "[netbox]")
            .replace(&self.discord.uri(), "[discord]")
            .replace(&self.toml, "[netbot.toml]");
        (run.code, transcript)
    }
}

#[tokio::test]
async fn a_sound_deployment_passes_every_check() {
    let deployment = Deployment::sound().await;
    let (code, transcript) = deployment.check(&[]).await;
    assert_eq!(code, 0, "{transcript}");
    insta::assert_snapshot!(transcript);
}

#[tokio::test]
async fn json_gives_every_check_a_state_and_a_detail() {
    let deployment = Deployment::sound().await;
    let (code, transcript) = deployment.check(&["--json"]).await;
    assert_eq!(code, 0, "{transcript}");
    let json = transcript
        .split("--- stdout\n")
        .nth(1)
        .and_then(|rest| rest.split("--- stderr").next())
        .unwrap();
    let checks: serde_json::Value = serde_json::from_str(json).unwrap();
    assert!(checks
        .as_array()
        .unwrap()
        .iter()
        .all(|check| check["state"] == "passed" && check["check"].is_string()));
    insta::assert_snapshot!(json);
}

#[tokio::test]
async fn netbox_is_skipped_not_failed_without_its_url() {
    let mut deployment = Deployment::sound().await;
    deployment.unset("NETBOX_URL");
    deployment.unset("NETBOX_TOKEN");
    let (code, transcript) = deployment.check(&[]).await;
    assert_eq!(code, 0, "{transcript}");
    assert!(
        transcript.contains("- netbox: skipped (NETBOX_URL is not set)"),
        "{transcript}"
    );
}

#[tokio::test]
async fn unset_variables_are_named_and_secrets_shown_only_as_set() {
    let mut deployment = Deployment::sound().await;
    deployment.unset("REDMINE_TOKEN");
    deployment.unset("DISCORD_TOKEN");
    deployment.set("DISCORD_GUILD_ID", "my server");
    let (code, transcript) = deployment.check(&[]).await;
    assert_eq!(code, 1);
    insta::assert_snapshot!(transcript);
}

#[tokio::test]
async fn an_invalid_netbot_toml_is_named() {
    let deployment = Deployment::with(DemoRedmine::start_admin().await, "admin_rol = 5\n").await;
    let (code, transcript) = deployment.check(&[]).await;
    assert_eq!(code, 1);
    insta::assert_snapshot!(transcript);
}

#[tokio::test]
async fn an_unreachable_redmine_is_named_and_its_other_checks_skipped() {
    let mut deployment = Deployment::sound().await;
    deployment.set("REDMINE_URL", "http://127.0.0.1:9");
    let (code, transcript) = deployment.check(&[]).await;
    assert_eq!(code, 1);
    insta::assert_snapshot!(transcript);
}

async fn redmine_answering(status: u16) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(ResponseTemplate::new(status))
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn a_rejected_redmine_key_is_named() {
    let server = redmine_answering(401).await;
    let mut deployment = Deployment::sound().await;
    deployment.set("REDMINE_URL", &server.uri());
    let (code, transcript) = deployment.check(&[]).await;
    assert_eq!(code, 1);
    let transcript = transcript.replace(&server.uri(), "[redmine]");
    insta::assert_snapshot!(transcript);
}

#[tokio::test]
async fn a_redmine_with_its_rest_api_off_is_named() {
    let server = redmine_answering(403).await;
    let mut deployment = Deployment::sound().await;
    deployment.set("REDMINE_URL", &server.uri());
    let (code, transcript) = deployment.check(&[]).await;
    assert_eq!(code, 1);
    let transcript = transcript.replace(&server.uri(), "[redmine]");
    assert!(
        transcript.contains("✗ redmine REST API: Redmine refused the API (403)"),
        "{transcript}"
    );
}

#[tokio::test]
async fn a_members_key_is_not_an_admins() {
    let deployment = Deployment::with(DemoRedmine::start().await, TOML).await;
    let (code, transcript) = deployment.check(&[]).await;
    assert_eq!(code, 1);
    insta::assert_snapshot!(transcript);
}

#[tokio::test]
async fn missing_and_misplaced_custom_fields_unknown_statuses_and_projects_are_named() {
    let toml = "
discord_field = \"Discord thread\"
default_project = \"nowhere\"
[statuses]
resolved = \"Done\"
[threader]
channel = 1300000000000000010
thread_field = \"Discord link\"
";
    let deployment = Deployment::with(DemoRedmine::start_admin().await, toml).await;
    let (code, transcript) = deployment.check(&[]).await;
    assert_eq!(code, 1);
    insta::assert_snapshot!(transcript);
}

#[tokio::test]
async fn a_rejected_netbox_token_is_named() {
    let mut deployment = Deployment::sound().await;
    deployment.set("NETBOX_TOKEN", "wrong-secret-netbox-token");
    let (code, transcript) = deployment.check(&[]).await;
    assert_eq!(code, 1);
    let failures: Vec<&str> = transcript
        .lines()
        .filter(|line| line.starts_with('✗'))
        .collect();
    insta::assert_snapshot!(failures.join("\n"));
}

#[tokio::test]
async fn a_rejected_discord_token_is_named() {
    let mut deployment = Deployment::sound().await;
    deployment.set("DISCORD_TOKEN", "wrong-secret-discord-token");
    let (code, transcript) = deployment.check(&[]).await;
    assert_eq!(code, 1);
    let failures: Vec<&str> = transcript
        .lines()
        .filter(|line| line.starts_with('✗'))
        .collect();
    insta::assert_snapshot!(failures.join("\n"));
}

#[tokio::test]
async fn the_message_content_intent_off_is_named() {
    let deployment = Deployment::sound().await;
    deployment.discord.set_application_flags(0);
    let (code, transcript) = deployment.check(&[]).await;
    assert_eq!(code, 1);
    let failures: Vec<&str> = transcript
        .lines()
        .filter(|line| line.starts_with('✗'))
        .collect();
    insta::assert_snapshot!(failures.join("\n"));
}

#[tokio::test]
async fn a_bot_not_in_the_server_is_named_and_its_channels_skipped() {
    let deployment = Deployment::sound().await;
    deployment.discord.remove_bot_from_guild();
    let (code, transcript) = deployment.check(&[]).await;
    assert_eq!(code, 1);
    insta::assert_snapshot!(transcript);
}

#[tokio::test]
async fn channels_of_another_server_or_unknown_are_named() {
    let toml = TOML.replace(
        "intake = 1300000000000000012",
        "intake = 1300000000000000012\nforeign = 1300000000000000020\ngone = 1300000000000000021",
    );
    let deployment = Deployment::with(DemoRedmine::start_admin().await, &toml).await;
    deployment
        .discord
        .add_foreign_channel(1_300_000_000_000_000_020, 99);
    let (code, transcript) = deployment.check(&[]).await;
    assert_eq!(code, 1);
    let failures: Vec<&str> = transcript
        .lines()
        .filter(|line| line.starts_with('✗'))
        .collect();
    insta::assert_snapshot!(failures.join("\n"));
}

#[tokio::test]
async fn missing_permissions_are_computed_from_roles_and_overwrites() {
    let deployment = Deployment::sound().await;
    // The bot's role loses Manage Threads: the threader's channels lack it.
    deployment.discord.set_role_permissions(BOT_ROLE, 0);
    // @everyone may not send in the intake channel…
    deployment
        .discord
        .add_overwrite(INTAKE, true, GUILD, 0, 1 << 11);
    // …and the bot's role may not read history in the netops channel, while an overwrite for
    // the bot itself gives Manage Threads back there.
    deployment
        .discord
        .add_overwrite(NETOPS, true, BOT_ROLE, 0, 1 << 16);
    deployment
        .discord
        .add_overwrite(NETOPS, false, BOT, 1 << 34, 0);
    let (code, transcript) = deployment.check(&[]).await;
    assert_eq!(code, 1);
    let channels: Vec<&str> = transcript
        .lines()
        .filter(|line| line.contains(" channel "))
        .collect();
    insta::assert_snapshot!(channels.join("\n"));
}

#[tokio::test]
async fn a_bot_that_may_not_manage_events_is_named() {
    let deployment = Deployment::sound().await;
    deployment
        .discord
        .set_role_permissions(BOT_ROLE, testkit::discord::MANAGE_THREADS);
    let (code, transcript) = deployment.check(&[]).await;
    assert_eq!(code, 1, "{transcript}");
    let events: Vec<&str> = transcript
        .lines()
        .filter(|line| line.contains("discord events") || line.contains("Manage Events"))
        .collect();
    insta::assert_snapshot!(events.join("\n"), @"✗ discord events: the bot lacks Manage Events: due dates get no Discord event — give the bot's role Manage Events (Server Settings → Roles)");
}

#[tokio::test]
async fn notify_channels_trackers_assignees_and_stale_statuses_are_checked() {
    let toml = format!(
        "{TOML}
[notify]
intake = 1300000000000000012
[[notify.route]]
project = \"netops\"
tracker = \"Bug\"
assignee = \"Field Team\"
channel = 1300000000000000011
[[notify.route]]
tracker = \"Incident\"
assignee = \"nobody\"
channel = 1300000000000000030
[notify.stale]
\"In Progress\" = \"7d\"
\"Waiting\" = \"2d\"
"
    );
    let deployment = Deployment::with(DemoRedmine::start_admin().await, &toml).await;
    let (code, transcript) = deployment.check(&[]).await;
    assert_eq!(code, 1);
    insta::assert_snapshot!(transcript);
}

#[tokio::test]
async fn json_marks_a_skipped_check_skipped_not_passed() {
    let mut deployment = Deployment::sound().await;
    deployment.unset("NETBOX_URL");
    deployment.unset("NETBOX_TOKEN");
    let (code, transcript) = deployment.check(&["--json"]).await;
    assert_eq!(code, 0, "{transcript}");
    let json = transcript
        .split("--- stdout\n")
        .nth(1)
        .and_then(|rest| rest.split("--- stderr").next())
        .unwrap();
    let checks: serde_json::Value = serde_json::from_str(json).unwrap();
    let netbox = checks
        .as_array()
        .unwrap()
        .iter()
        .find(|check| check["check"] == "netbox")
        .unwrap();
    assert_eq!(
        netbox,
        &serde_json::json!({ "check": "netbox", "state": "skipped", "detail": "NETBOX_URL is not set" })
    );
    assert!(netbox.get("ok").is_none());
}

#[tokio::test]
async fn roles_that_may_not_edit_their_own_notes_are_a_warning_not_a_failure() {
    let deployment = Deployment::sound().await;
    assert!(deployment
        .redmine
        .remove_role_permission("Developer", "edit_own_issue_notes"));

    let (code, transcript) = deployment.check(&[]).await;

    assert_eq!(code, 0, "{transcript}");
    let lines: Vec<&str> = transcript
        .lines()
        .filter(|line| line.contains("note edits") || line.starts_with("no check failed"))
        .collect();
    insta::assert_snapshot!(lines.join("\n"), @r#"
    ! note edits: Developer (held in netops) lacks "Edit own notes": Discord edits and deletions of their members' messages reach Redmine as the threader's user, not as the member — give those roles "Edit own notes" (Redmine: Administration → Roles and permissions → the role → Issue tracking)
    no check failed, 1 warning
    "#);
}

#[tokio::test]
async fn without_a_threader_the_note_rights_are_not_checked() {
    let toml = "default_project = \"netops\"\n[channels]\nintake = 1300000000000000012\n";
    let deployment = Deployment::with(DemoRedmine::start_admin().await, toml).await;

    let (_, transcript) = deployment.check(&[]).await;

    assert!(
        transcript.contains("- note edits: skipped (no [threader] in netbot.toml)"),
        "{transcript}"
    );
    assert!(
        !deployment
            .redmine
            .received()
            .await
            .iter()
            .any(|line| line.contains("/roles")),
        "no role was read"
    );
}
