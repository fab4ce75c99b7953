//! The domain crate stays pure: a short dependency list and no clock, I/O or async.

use std::path::Path;

#[test]
fn domain_depends_only_on_the_short_list() {
    let manifest =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml"))
            .expect("read domain/Cargo.toml");
    let section = manifest
        .split("[dependencies]")
        .nth(1)
        .and_then(|rest| rest.split("\n[").next())
        .expect("a [dependencies] section");
    let names: Vec<&str> = section
        .lines()
        .filter_map(|line| line.split(['.', '=', ' ']).next())
        .filter(|name| !name.is_empty() && !name.starts_with('#'))
        .collect();
    assert_eq!(
        names,
        [
            "chrono",
            "chrono-humanize",
            "chrono-tz",
            "comfy-table",
            "minijinja",
            "serde",
            "serde_json",
            "strsim",
            "interim",
            "thiserror"
        ],
        "domain must stay pure: a new dependency needs a reason in ARCHITECTURE.md and here"
    );
}

fn rust_sources(dir: &Path, out: &mut Vec<(String, String)>) {
    for entry in std::fs::read_dir(dir).expect("read src") {
        let path = entry.expect("dir entry").path();
        if path.is_dir() {
            rust_sources(&path, out);
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            let text = std::fs::read_to_string(&path).expect("read source");
            out.push((path.display().to_string(), text));
        }
    }
}

#[test]
fn domain_reads_no_clock_and_does_no_io() {
    let mut sources = Vec::new();
    rust_sources(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut sources,
    );
    assert!(!sources.is_empty());
    let forbidden = [
        "Utc::now",
        "Local::now",
        "SystemTime",
        "Instant::now",
        "std::fs",
        "std::net",
        "std::env",
        "async fn",
        ".await",
    ];
    for (path, text) in &sources {
        for word in forbidden {
            assert!(
                !text.contains(word),
                "{path} uses {word}: domain must stay pure"
            );
        }
    }
}
