//! One port per role (ARCHITECTURE.md, "Architecture invariant" of `ports`): no port trait
//! passes ten methods, so each mocks in one screen. A trait that grows past that serves more
//! than one role: split it by who calls what, as the tracker's was (`Tickets`, `TicketFiles`,
//! `Watchers`, `People`, `Catalog`, `SyncStore`, `TicketFeed`, `ActAs`) and the chat's
//! (`Chat`, `ChatFiles`).

use std::path::Path;

/// Most methods a port trait may have.
const METHOD_LIMIT: usize = 10;

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

/// Each `pub trait` in `text` (a trait's body ends at the first `}` in the first column),
/// with the number of its methods.
fn traits(text: &str) -> Vec<(String, usize)> {
    let mut found = Vec::new();
    let mut current: Option<(String, usize)> = None;
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("pub trait ") {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            current = Some((name, 0));
        } else if let Some((_, methods)) = current.as_mut() {
            if line.trim_start().starts_with("fn ") {
                *methods += 1;
            } else if line.starts_with('}') {
                found.extend(current.take());
            }
        }
    }
    found
}

#[test]
fn the_trait_reader_counts_methods_up_to_the_traits_end() {
    let text = "pub trait One: Send {\n    fn a(&self);\n    fn b(\n        &self,\n    );\n}\n\nfn outside() {}\npub trait Two {}\n}\n";
    assert_eq!(
        traits(text),
        [(String::from("One"), 2), (String::from("Two"), 0)]
    );
}

#[test]
fn no_port_trait_passes_ten_methods() {
    let mut sources = Vec::new();
    rust_sources(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut sources,
    );
    let found: Vec<(String, String, usize)> = sources
        .iter()
        .flat_map(|(path, text)| {
            traits(text)
                .into_iter()
                .map(move |(name, methods)| (path.clone(), name, methods))
        })
        .collect();
    for role in [
        "Tickets",
        "TicketFiles",
        "Watchers",
        "People",
        "Catalog",
        "SyncStore",
        "TicketFeed",
        "ActAs",
        "Chat",
        "ChatFiles",
        "Directory",
        "Inventory",
    ] {
        assert!(
            found
                .iter()
                .any(|(_, name, methods)| name == role && *methods > 0),
            "the port {role} was read: {found:?}"
        );
    }
    let big: Vec<&(String, String, usize)> = found
        .iter()
        .filter(|(_, _, methods)| *methods > METHOD_LIMIT)
        .collect();
    assert!(
        big.is_empty(),
        "a port this big serves more than one role: split it by who calls what: {big:?}"
    );
}
