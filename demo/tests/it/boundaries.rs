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
