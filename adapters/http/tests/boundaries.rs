//! The invariant of ARCHITECTURE.md: the HTTP adapters (Redmine, NetBox, and the Discord
//! adapter's own requests) build their clients with `httpkit::client` (its redirect policy)
//! and read bodies with `httpkit::body_text` (its cap).

#![allow(clippy::unwrap_used, clippy::panic, missing_docs)]

use std::path::{Path, PathBuf};

/// Every `.rs` file under `dir`, at any depth.
fn sources(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(sources(&path));
        } else if path.extension().is_some_and(|extension| extension == "rs") {
            files.push(path);
        }
    }
    files
}

#[test]
fn adapters_build_clients_and_read_bodies_only_through_httpkit() {
    let adapters = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut checked = 0;
    for adapter in ["redmine", "netbox", "discord"] {
        for path in sources(&adapters.join(adapter).join("src")) {
            let text = std::fs::read_to_string(&path).unwrap();
            for forbidden in [
                "Client::builder",
                "Client::new",
                ".text()",
                ".bytes()",
                ".json::<",
            ] {
                assert!(
                    !text.contains(forbidden),
                    "{} uses {forbidden}: go through httpkit",
                    path.display()
                );
            }
            checked += usize::from(text.contains("httpkit::client("));
        }
    }
    assert_eq!(
        checked, 3,
        "each adapter builds its client with httpkit::client"
    );
}
