//! Test code stays out of release binaries: no workspace crate but `testkit` itself lists
//! `testkit`, `wiremock` or `rcgen` among its normal dependencies, so `cargo tree -e normal`
//! of `tickets`, `netbot` and `threader` shows none of them (only internal crates could bring
//! them in, and every internal crate is checked here).

use std::path::{Path, PathBuf};

const TEST_ONLY: &[&str] = &["testkit", "wiremock", "rcgen"];

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the workspace root")
        .to_path_buf()
}

fn manifest(path: &Path) -> toml::Table {
    let text = std::fs::read_to_string(path).unwrap_or_else(|error| panic!("{path:?}: {error}"));
    text.parse()
        .unwrap_or_else(|error| panic!("{path:?} is not TOML: {error}"))
}

/// Every workspace member's directory, as the root manifest lists them.
fn members() -> Vec<String> {
    let root = manifest(&workspace_root().join("Cargo.toml"));
    root["workspace"]["members"]
        .as_array()
        .expect("workspace.members")
        .iter()
        .map(|member| member.as_str().expect("a member path").to_owned())
        .collect()
}

/// The names in a manifest's `[dependencies]` (normal, not dev or build).
fn normal_dependencies(member: &str) -> Vec<String> {
    let manifest = manifest(&workspace_root().join(member).join("Cargo.toml"));
    manifest
        .get("dependencies")
        .and_then(toml::Value::as_table)
        .map(|table| table.keys().cloned().collect())
        .unwrap_or_default()
}

#[test]
fn no_crate_but_the_test_kit_links_test_code() {
    let members = members();
    for app in ["apps/tickets", "apps/netbot", "apps/threader", "demo"] {
        assert!(
            members.iter().any(|member| member == app),
            "{app} is a member"
        );
    }
    let offenders: Vec<String> = members
        .iter()
        .filter(|member| member.as_str() != "testkit")
        .flat_map(|member| {
            normal_dependencies(member)
                .into_iter()
                .filter(|name| TEST_ONLY.contains(&name.as_str()))
                .map(move |name| format!("{member} depends on {name}"))
        })
        .collect();
    assert!(
        offenders.is_empty(),
        "test code would reach a release binary (make it a dev-dependency): {offenders:?}"
    );
}

#[test]
fn the_apps_take_their_demo_from_the_demo_crate() {
    for app in ["apps/tickets", "apps/netbot", "apps/threader"] {
        assert!(
            normal_dependencies(app).iter().any(|name| name == "demo"),
            "{app} should depend on demo for --demo"
        );
    }
}

/// The names in a manifest's dependency tables of every kind (normal, dev and build).
fn every_dependency(member: &str) -> Vec<String> {
    let manifest = manifest(&workspace_root().join(member).join("Cargo.toml"));
    ["dependencies", "dev-dependencies", "build-dependencies"]
        .iter()
        .filter_map(|kind| manifest.get(*kind).and_then(toml::Value::as_table))
        .flat_map(|table| table.keys().cloned())
        .collect()
}

/// Every `.rs` file under `dir`, with its text.
fn rust_sources(dir: &Path, out: &mut Vec<(PathBuf, String)>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            rust_sources(&path, out);
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            let text = std::fs::read_to_string(&path).expect("a readable source");
            out.push((path, text));
        }
    }
}

/// ARCHITECTURE.md: "only `adapters/discord` and `apps/netbot` name serenity or poise". The
/// threader reaches Discord through `ports::Chat` and the discord adapter, never through
/// serenity's types, so that Discord stays one adapter deep.
#[test]
fn only_the_discord_adapter_and_the_bot_name_serenity_or_poise() {
    const MAY: [&str; 2] = ["adapters/discord", "apps/netbot"];
    // Built here, so that this file does not name what it looks for.
    let paths: Vec<String> = ["serenity", "poise"]
        .iter()
        .flat_map(|name| {
            [
                format!("{name}::"),
                format!("use {name}"),
                format!("{name}_prelude"),
            ]
        })
        .collect();
    let mut offences = Vec::new();
    let mut n_sources = 0;
    for member in members()
        .iter()
        .filter(|member| !MAY.contains(&member.as_str()))
    {
        for name in every_dependency(member) {
            if name == "serenity" || name == "poise" {
                offences.push(format!("{member}/Cargo.toml depends on {name}"));
            }
        }
        let mut sources = Vec::new();
        for dir in ["src", "tests", "benches", "examples"] {
            rust_sources(&workspace_root().join(member).join(dir), &mut sources);
        }
        n_sources += sources.len();
        for (path, text) in sources {
            for word in &paths {
                if text.contains(word.as_str()) {
                    offences.push(format!("{} names {word}", path.display()));
                }
            }
        }
    }
    assert!(n_sources > 50, "the workspace's sources were found");
    assert!(
        offences.is_empty(),
        "serenity and poise stay in adapters/discord and apps/netbot: {offences:?}"
    );
}

/// `(name, version, dependencies)` of every package in `Cargo.lock`.
fn locked_packages() -> Vec<(String, String, Vec<String>)> {
    let lock = manifest(&workspace_root().join("Cargo.lock"));
    lock["package"]
        .as_array()
        .expect("Cargo.lock's packages")
        .iter()
        .map(|package| {
            let text = |key: &str| {
                package[key]
                    .as_str()
                    .expect("a name and version")
                    .to_owned()
            };
            let dependencies = package
                .get("dependencies")
                .and_then(toml::Value::as_array)
                .map(|list| {
                    list.iter()
                        .filter_map(toml::Value::as_str)
                        .map(str::to_owned)
                        .collect()
                })
                .unwrap_or_default();
            (text("name"), text("version"), dependencies)
        })
        .collect()
}

/// ARCHITECTURE.md: one reqwest is built (the adapters' and serenity's are the same 0.12), and
/// a second rustls comes only with serenity 0.12's gateway (tokio-tungstenite 0.21 pins
/// rustls 0.22; reqwest has 0.23). When serenity moves on, this test says the note is stale.
#[test]
fn one_reqwest_is_built_and_a_second_rustls_comes_only_with_serenitys_gateway() {
    let packages = locked_packages();
    let versions = |name: &str| -> Vec<String> {
        packages
            .iter()
            .filter(|(package, _, _)| package == name)
            .map(|(_, version, _)| version.clone())
            .collect()
    };
    assert_eq!(
        versions("reqwest").len(),
        1,
        "one reqwest: {:?}",
        versions("reqwest")
    );
    let rustls = versions("rustls");
    assert!(rustls.len() <= 2, "at most two rustls: {rustls:?}");
    let reqwest_rustls: Vec<&String> = rustls
        .iter()
        .filter(|version| {
            packages.iter().any(|(name, _, dependencies)| {
                name == "hyper-rustls"
                    && dependencies.iter().any(|dependency| {
                        dependency == "rustls" || dependency == &format!("rustls {version}")
                    })
            })
        })
        .collect();
    for version in rustls
        .iter()
        .filter(|version| !reqwest_rustls.contains(version))
    {
        let dependents: Vec<String> = packages
            .iter()
            .filter(|(_, _, dependencies)| dependencies.contains(&format!("rustls {version}")))
            .map(|(name, version, _)| format!("{name} {version}"))
            .collect();
        assert!(
            dependents.iter().all(|dependent| {
                dependent.starts_with("tokio-rustls 0.25")
                    || dependent.starts_with("tokio-tungstenite 0.21")
                    || dependent.starts_with("tungstenite 0.21")
            }),
            "rustls {version} comes from {dependents:?}, not only serenity's gateway: say so in \
             ARCHITECTURE.md"
        );
    }
}

/// The sources under `member/src`.
fn member_sources(member: &str) -> Vec<(PathBuf, String)> {
    let mut sources = Vec::new();
    rust_sources(&workspace_root().join(member).join("src"), &mut sources);
    sources
}

/// ARCHITECTURE.md: only adapters know HTTP (only they link reqwest), only `adapters/redmine`
/// speaks Redmine's headers (`testkit` and `demo`, which play Redmine, aside; `httpkit` names
/// the header in the comment that says why redirects stay home), and the Redmine and NetBox
/// adapters leave their HTTP plumbing to `httpkit` (the client and its redirect policy, URL
/// joining, sending and reading capped bodies, JSON decoding, the innermost cause).
#[test]
fn only_adapters_speak_http_and_only_the_redmine_adapter_speaks_redmines_headers() {
    let mut offences = Vec::new();
    for member in members() {
        let speaks_http = member.starts_with("adapters/") || member == "testkit";
        if !speaks_http
            && normal_dependencies(&member)
                .iter()
                .any(|name| name == "reqwest")
        {
            offences.push(format!("{member} links reqwest"));
        }
        let plays_redmine = ["adapters/redmine", "adapters/http", "testkit", "demo"];
        if !plays_redmine.contains(&member.as_str()) {
            let header = format!("X-{}", "Redmine");
            for (path, text) in member_sources(&member) {
                if text.contains(&header) {
                    offences.push(format!("{} names {header}", path.display()));
                }
            }
        }
    }
    // The plumbing is httpkit's: `client`, `join`, `exchange` (send, capped body), `decode`,
    // `innermost`. An adapter doing it again would drift from the other.
    let plumbing = [
        "Client::builder",
        "Client::new(",
        ".send()",
        "body_text",
        "query_pairs_mut",
        "serde_json::from_str",
        "fn innermost",
    ];
    for member in ["adapters/redmine", "adapters/netbox"] {
        for (path, text) in member_sources(member) {
            for word in plumbing {
                if text.contains(word) {
                    offences.push(format!("{} does httpkit's work: {word}", path.display()));
                }
            }
        }
    }
    assert!(offences.is_empty(), "{offences:#?}");
}

/// ARCHITECTURE.md: only `adapters/health` serves HTTP in a deployment (`/healthz` and
/// `/metrics`), besides the fakes that play servers (`demo` for `--demo`, `testkit` for the
/// tests): no other crate lists hyper or hyper-util among its normal dependencies.
#[test]
fn only_the_health_adapter_and_the_fakes_serve_http() {
    const MAY_SERVE: [&str; 3] = ["adapters/health", "demo", "testkit"];
    let members = members();
    assert!(
        members.iter().any(|member| member == "adapters/health"),
        "adapters/health is a member"
    );
    assert!(
        normal_dependencies("adapters/health")
            .iter()
            .any(|name| name == "hyper"),
        "the health adapter serves on hyper"
    );
    let offences: Vec<String> = members
        .iter()
        .filter(|member| !MAY_SERVE.contains(&member.as_str()))
        .flat_map(|member| {
            normal_dependencies(member)
                .into_iter()
                .filter(|name| name == "hyper" || name == "hyper-util")
                .map(move |name| format!("{member} depends on {name}"))
        })
        .collect();
    assert!(
        offences.is_empty(),
        "only adapters/health serves HTTP (demo and testkit play servers): {offences:?}"
    );
}

/// ARCHITECTURE.md: only `adapters/redmine` knows Redmine's URLs, its API's and its web pages'
/// (a ticket's `/issues/N`, a change's `#change-J`: the domain gets them as `TicketLinks` from
/// the tracker port), and only `adapters/netbox` NetBox's (`testkit` and `demo` play the
/// servers). Unit tests, after `#[cfg(test)]` or under `#![cfg(test)]`, are left out: their
/// example links are data.
#[test]
fn each_servers_api_paths_are_known_only_to_its_adapter() {
    let servers: [(&str, &[&str]); 2] = [
        (
            "adapters/redmine",
            &[
                "issues.json",
                "users/current.json",
                "custom_fields.json",
                "/issues/",
                "#change-",
            ],
        ),
        (
            "adapters/netbox",
            &["dcim/sites", "dcim/devices", "ipam/prefixes"],
        ),
    ];
    let mut offences = Vec::new();
    for member in members() {
        if ["testkit", "demo"].contains(&member.as_str()) {
            continue;
        }
        for (path, text) in member_sources(&member) {
            if text.contains("#![cfg(test)]") {
                continue;
            }
            let code = text.split("#[cfg(test)]").next().unwrap_or_default();
            for (owner, paths) in &servers {
                if member == *owner {
                    continue;
                }
                for api_path in paths.iter().filter(|api_path| code.contains(*api_path)) {
                    offences.push(format!("{} knows {owner}'s {api_path}", path.display()));
                }
            }
        }
    }
    assert!(offences.is_empty(), "{offences:#?}");
}

/// The string literals in `code` that are exactly a `REDMINE_*` variable's name
/// (`"REDMINE_URL"`): how a variable is read or looked at, whatever the function.
fn redmine_variables_named(code: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut rest = code;
    while let Some(start) = rest.find("\"REDMINE_") {
        let after = &rest[start + 1..];
        let end = after
            .find(|c: char| !(c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_'))
            .unwrap_or(after.len());
        if after[end..].starts_with('"') {
            names.push(after[..end].to_owned());
        }
        rest = &after[end..];
    }
    names
}

/// ARCHITECTURE.md: `REDMINE_*` is read into a configuration in one place,
/// `appkit::settings` (for `tickets`, `netbot run`, `netbot check` and `threader`). The one
/// other place that names a `REDMINE_*` variable is `netbot check`, which reports whether
/// `REDMINE_URL` and `REDMINE_TOKEN` are set before it configures Redmine through that same
/// reader. Any crate of the workspace but `testkit` (whose `REDMINE_CONTRACT_*` are the
/// contract tests' own) is searched, unit tests left out.
#[test]
fn redmine_settings_are_read_only_by_appkit() {
    const REPORTED_BY_CHECK: (&str, [&str; 2]) =
        ("apps/netbot/src/check.rs", ["REDMINE_URL", "REDMINE_TOKEN"]);
    assert_eq!(
        redmine_variables_named(r#"var("REDMINE_URL"), "REDMINE_ alone", "REDMINE_T" x"#),
        ["REDMINE_URL", "REDMINE_T"]
    );
    let root = workspace_root();
    let mut offences = Vec::new();
    let mut n_sources = 0;
    for member in members()
        .iter()
        .filter(|member| !["apps/appkit", "testkit"].contains(&member.as_str()))
    {
        for (path, text) in member_sources(member) {
            n_sources += 1;
            if text.contains("#![cfg(test)]") {
                continue;
            }
            let code = text.split("#[cfg(test)]").next().unwrap_or_default();
            let relative = path
                .strip_prefix(&root)
                .unwrap_or(&path)
                .display()
                .to_string();
            for name in redmine_variables_named(code) {
                let (reporter, reported) = REPORTED_BY_CHECK;
                if relative == reporter && reported.contains(&name.as_str()) {
                    continue;
                }
                offences.push(format!("{relative} names {name}"));
            }
        }
    }
    assert!(n_sources > 50, "the workspace's sources were found");
    assert!(
        offences.is_empty(),
        "read REDMINE_* through appkit::settings: {offences:#?}"
    );
}

/// The string literals of Rust code (comments left out): ordinary strings with their escapes
/// kept as written, and raw strings.
fn string_literals(code: &str) -> Vec<String> {
    let chars: Vec<char> = code.chars().collect();
    let mut literals = Vec::new();
    let mut at = 0;
    while at < chars.len() {
        let rest = &chars[at..];
        if rest.starts_with(&['/', '/']) {
            at += rest.iter().position(|&c| c == '\n').unwrap_or(rest.len());
        } else if rest.starts_with(&['/', '*']) {
            let end = rest
                .windows(2)
                .position(|pair| pair == ['*', '/'])
                .map_or(rest.len(), |end| end + 2);
            at += end;
        } else if rest.starts_with(&['\'', '"', '\'']) {
            at += 3;
        } else if rest[0] == 'r' && rest.get(1).is_some_and(|&c| c == '#' || c == '"') {
            let hashes = rest[1..].iter().take_while(|&&c| c == '#').count();
            if rest.get(1 + hashes) != Some(&'"') {
                at += 1;
                continue;
            }
            let body = &rest[2 + hashes..];
            let closing: Vec<char> = std::iter::once('"')
                .chain(std::iter::repeat_n('#', hashes))
                .collect();
            let end = body
                .windows(closing.len())
                .position(|window| window == closing.as_slice())
                .unwrap_or(body.len());
            literals.push(body[..end].iter().collect());
            at += 2 + hashes + end + closing.len();
        } else if rest[0] == '"' {
            let mut literal = String::new();
            let mut inside = 1;
            while inside < rest.len() && rest[inside] != '"' {
                if rest[inside] == '\\' && inside + 1 < rest.len() {
                    literal.push(rest[inside]);
                    inside += 1;
                }
                literal.push(rest[inside]);
                inside += 1;
            }
            literals.push(literal);
            at += inside + 1;
        } else {
            at += 1;
        }
    }
    literals
}

#[test]
fn string_literals_are_told_apart_from_comments() {
    let code = "let a = \"REDMINE_URL\"; // NETBOX_URL \"in a comment\"\n\
                /* DISCORD_TOKEN */ let b = r#\"raw \"NETBOX_TOKEN\"\"#; let c = '\"';\n\
                let d = \"with \\\" an escape\";";
    assert_eq!(
        string_literals(code),
        ["REDMINE_URL", "raw \"NETBOX_TOKEN\"", "with \\\" an escape"]
    );
}

/// ARCHITECTURE.md: the adapters name no setting. Their errors carry data (which kind of
/// problem: a bad base URL, an untrusted certificate, a redirect elsewhere); the app that
/// reads `REDMINE_*`, `NETBOX_*` and `DISCORD_*` words them for its operator (`appkit::words`,
/// netbot's `config`). Comments and unit tests (after `#[cfg(test)]`) may name them.
#[test]
fn adapters_name_no_setting_in_their_strings() {
    let settings = ["REDMINE_", "NETBOX_", "DISCORD_"];
    let mut offences = Vec::new();
    let mut read = 0;
    for member in members()
        .iter()
        .filter(|member| member.starts_with("adapters/"))
    {
        for (path, text) in member_sources(member) {
            if text.contains("#![cfg(test)]") {
                continue;
            }
            read += 1;
            let code = text.split("#[cfg(test)]").next().unwrap_or_default();
            for literal in string_literals(code) {
                if settings.iter().any(|setting| literal.contains(setting)) {
                    offences.push(format!("{}: \"{literal}\"", path.display()));
                }
            }
        }
    }
    assert!(read > 10, "the adapters' sources were found ({read})");
    assert!(offences.is_empty(), "{offences:#?}");
}
