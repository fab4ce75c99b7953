//! `netbot check`: verifies a deployment before anyone relies on it. Reads the settings the
//! way `netbot run` and `threader` do, asks each system what it needs to know through the
//! adapters, and leaves the verdicts to `domain::check`.

mod configured;
mod discord;
mod netbox;
mod redmine;

use appkit::env::var;
use appkit::settings::Settings;
use domain::check::Check;
use domain::GuildId;

/// The settings file: where it is, and whether it loads.
fn settings_file(checks: &mut Vec<Check>) -> Settings {
    let place = match appkit::settings::settings_path() {
        (path, true) => path.display().to_string(),
        (path, false) if path.exists() => format!("./{}", path.display()),
        (path, false) => format!("no ./{}, defaults", path.display()),
    };
    match appkit::settings::file_settings() {
        Ok(file) => {
            checks.push(Check::pass("netbot.toml", place));
            file
        }
        Err(error) => {
            checks.push(Check::fail(
                "netbot.toml",
                format!("{error:#}"),
                "fix it (the README lists every key); the other checks use the defaults",
            ));
            Settings::default()
        }
    }
}

/// One variable: a secret is shown as set or unset, never its value.
fn variable(checks: &mut Vec<Check>, name: &str, secret: bool, fix: &str) -> Option<String> {
    let value = var(name);
    checks.push(variable_check(name, value.as_deref(), secret, fix));
    value
}

/// The check of one variable's value: a secret as set or unset, anything else as written
/// but for a user or password (a URL's, even one that does not parse).
fn variable_check(name: &str, value: Option<&str>, secret: bool, fix: &str) -> Check {
    match value {
        Some(_) if secret => Check::pass(name, "set"),
        Some(value) => Check::pass(name, httpkit::shown_text(value)),
        None => Check::fail(name, "not set", fix),
    }
}

/// Runs every check, in order.
pub async fn checks() -> Vec<Check> {
    let mut checks = Vec::new();
    let settings = settings_file(&mut checks);
    let configured = configured::configured(&settings);
    let discord_token = variable(
        &mut checks,
        "DISCORD_TOKEN",
        true,
        "put the bot's token in the environment or .env (Developer Portal → Bot → Reset Token)",
    );
    let guild = variable(
        &mut checks,
        "DISCORD_GUILD_ID",
        false,
        "put the server's id in the environment or .env (right-click the server → Copy Server ID)",
    )
    .and_then(|text| match GuildId::parse(&text) {
        Ok(guild) => Some(guild),
        Err(_) => {
            if let Some(last) = checks.last_mut() {
                *last = Check::fail(
                    "DISCORD_GUILD_ID",
                    format!("'{text}' is not a server id"),
                    "set it to the server's numeric id (right-click the server → Copy Server ID)",
                );
            }
            None
        }
    });
    let redmine_url = variable(
        &mut checks,
        "REDMINE_URL",
        false,
        "put Redmine's address in the environment or .env",
    );
    let redmine_token = variable(
        &mut checks,
        "REDMINE_TOKEN",
        true,
        "put an administrator's API key in the environment or .env (Redmine: My account → API access key)",
    );
    let netbox_url = var("NETBOX_URL");
    if netbox_url.is_some() {
        variable(&mut checks, "NETBOX_URL", false, "");
        variable(
            &mut checks,
            "NETBOX_TOKEN",
            true,
            "put a NetBox API token in the environment or .env, or unset NETBOX_URL",
        );
    }
    match (redmine_url, redmine_token) {
        (Some(url), Some(_)) => {
            redmine::redmine_checks(&mut checks, &url, &settings, &configured).await;
        }
        _ => checks.push(Check::skip(
            "redmine",
            "REDMINE_URL and REDMINE_TOKEN are needed",
        )),
    }
    match netbox_url {
        Some(_) => netbox::netbox_checks(&mut checks, &settings).await,
        None => checks.push(Check::skip("netbox", "NETBOX_URL is not set")),
    }
    match discord_token {
        Some(token) => discord::discord_checks(&mut checks, &token, guild, &configured).await,
        None => checks.push(Check::skip("discord", "DISCORD_TOKEN is not set")),
    }
    checks
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_shown_without_credentials_even_when_they_do_not_parse() {
        for (value, shown) in [
            (
                "https://bot:s3cret@redmine.example.org/r",
                "https://redmine.example.org/r",
            ),
            (
                "https://bot:s3cret@redmine example.org/r",
                "https://redmine example.org/r",
            ),
            ("bot:s3cret@redmine:99999", "redmine:99999"),
            ("1310000000000000000", "1310000000000000000"),
        ] {
            let check = variable_check("REDMINE_URL", Some(value), false, "");
            assert_eq!(check, Check::pass("REDMINE_URL", shown), "{value}");
        }
    }

    #[test]
    fn a_secret_is_shown_as_set() {
        let check = variable_check("REDMINE_TOKEN", Some("s3cret"), true, "");
        assert_eq!(check, Check::pass("REDMINE_TOKEN", "set"));
    }
}
