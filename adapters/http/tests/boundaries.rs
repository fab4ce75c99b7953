//! The invariant of ARCHITECTURE.md: the HTTP adapters build their clients with
//! `httpkit::client` (its redirect policy) and read bodies with `httpkit::body_text` (its cap).

#![allow(clippy::unwrap_used, clippy::panic, missing_docs)]

use std::path::Path;

#[test]
fn adapters_build_clients_and_read_bodies_only_through_httpkit() {
    let adapters = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut checked = 0;
    for adapter in ["redmine", "netbox"] {
        let sources = adapters.join(adapter).join("src");
        for entry in std::fs::read_dir(&sources).unwrap() {
            let path = entry.unwrap().path();
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
        checked, 2,
        "each adapter builds its client with httpkit::client"
    );
}
