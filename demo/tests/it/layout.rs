//! The workspace's shape, as ARCHITECTURE.md states it: each binary's `main.rs` is wiring
//! under 300 lines (the logic lives in modules beside it, where it can be tested), and no
//! source file passes 500 lines but the fakes of whole servers, which ARCHITECTURE.md names
//! and says why.

use std::path::{Path, PathBuf};

/// Most lines a binary's `main.rs` may have.
const MAIN_LIMIT: usize = 300;

/// Most lines any other source file under a crate's `src/` may have.
const FILE_LIMIT: usize = 500;

/// The fakes of whole servers, allowed past [`FILE_LIMIT`] (ARCHITECTURE.md says why for
/// each), and nothing else.
const FAKES: &[&str] = &[
    // Discord's REST endpoints the chat port uses, with paging, archive, 429s and failures.
    "testkit/src/discord.rs",
    // Seeds a real Redmine through its REST API for the contract tests.
    "testkit/src/real_redmine.rs",
    // A stateful Redmine: listing filters, search, paging, updates, custom fields, errors.
    "demo/src/redmine.rs",
];

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the workspace root")
        .to_path_buf()
}

/// Every workspace member's directory, as the root manifest lists them.
fn members() -> Vec<String> {
    let text = std::fs::read_to_string(workspace_root().join("Cargo.toml")).expect("Cargo.toml");
    let root: toml::Table = text.parse().expect("Cargo.toml is TOML");
    root["workspace"]["members"]
        .as_array()
        .expect("workspace.members")
        .iter()
        .map(|member| member.as_str().expect("a member path").to_owned())
        .collect()
}

/// Every `.rs` file under `dir`, with its number of lines, its path relative to the root.
fn line_counts(dir: &Path, out: &mut Vec<(String, usize)>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            line_counts(&path, out);
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            let text = std::fs::read_to_string(&path).expect("a readable source");
            let relative = path
                .strip_prefix(workspace_root())
                .expect("under the root")
                .display()
                .to_string();
            out.push((relative, text.lines().count()));
        }
    }
}

/// A unit-test module kept in its own file (`mod tests;` under `#[cfg(test)]`): tests, not
/// production code, so not held to the file limit.
fn is_test_module(path: &str) -> bool {
    path.ends_with("/tests.rs")
}

#[test]
fn each_binarys_main_is_wiring_under_300_lines() {
    let mut mains = Vec::new();
    for member in members() {
        let main = workspace_root().join(&member).join("src/main.rs");
        if let Ok(text) = std::fs::read_to_string(&main) {
            mains.push((member, text.lines().count()));
        }
    }
    assert!(
        mains.len() >= 3,
        "tickets, netbot and threader were found: {mains:?}"
    );
    let long: Vec<&(String, usize)> = mains
        .iter()
        .filter(|(_, lines)| *lines >= MAIN_LIMIT)
        .collect();
    assert!(
        long.is_empty(),
        "a main.rs wires config → adapters → use case; move the logic to a module beside it \
         (or to appkit, ports or domain), where it can be tested: {long:?}"
    );
}

#[test]
fn no_source_file_passes_500_lines_but_the_fakes_of_whole_servers() {
    let mut files = Vec::new();
    for member in members() {
        line_counts(&workspace_root().join(&member).join("src"), &mut files);
    }
    assert!(files.len() > 100, "the sources were found: {}", files.len());
    for fake in FAKES {
        assert!(
            files.iter().any(|(path, _)| path == fake),
            "{fake} is named as a fake but does not exist: update FAKES and ARCHITECTURE.md"
        );
    }
    let long: Vec<&(String, usize)> = files
        .iter()
        .filter(|(path, lines)| {
            *lines > FILE_LIMIT && !is_test_module(path) && !FAKES.contains(&path.as_str())
        })
        .collect();
    assert!(
        long.is_empty(),
        "split these by concern (or, for a fake of a whole server, name it in FAKES and say \
         why in ARCHITECTURE.md): {long:?}"
    );
}
