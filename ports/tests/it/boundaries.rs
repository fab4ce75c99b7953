//! `ports` knows no protocol (ARCHITECTURE.md, "Architecture invariant" of `ports`): no URL,
//! no HTTP client or status code, no JSON, no header or environment variable of a system the
//! adapters or apps talk to. Wire vocabulary belongs to an adapter, and the names of settings
//! to the app that reads them; a port that spoke them would tie every other implementation
//! (the demo's fakes, a future tracker) to one server's protocol.
//!
//! Unit tests inside `src` (after `#[cfg(test)]`, or a file under `#![cfg(test)]`) are left out: they hold example tickets whose
//! links are data, not protocol.

use std::path::Path;

fn rust_sources(dir: &Path, out: &mut Vec<(String, String)>) {
    for entry in std::fs::read_dir(dir).expect("read src") {
        let path = entry.expect("dir entry").path();
        if path.is_dir() {
            rust_sources(&path, out);
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            let text = std::fs::read_to_string(&path).expect("read source");
            if text.contains("#![cfg(test)]") {
                continue;
            }
            let code = text
                .split("#[cfg(test)]")
                .next()
                .unwrap_or_default()
                .to_owned();
            out.push((path.display().to_string(), code));
        }
    }
}

fn sources() -> Vec<(String, String)> {
    let mut sources = Vec::new();
    rust_sources(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut sources,
    );
    assert!(sources.len() > 5, "the sources of ports were found");
    sources
}

#[test]
fn ports_names_no_url_http_client_json_header_or_setting() {
    let forbidden = [
        "http://",
        "https://",
        "reqwest",
        "serde_json",
        "X-Redmine",
        "REDMINE_",
        "NETBOX_",
        "DISCORD_",
        "Authorization",
    ];
    let mut offences = Vec::new();
    for (path, text) in &sources() {
        for word in forbidden {
            for (number, line) in text.lines().enumerate() {
                if line.contains(word) {
                    offences.push(format!("{path}:{}: {word}", number + 1));
                }
            }
        }
    }
    assert!(
        offences.is_empty(),
        "ports must know no protocol: {offences:#?}"
    );
}

/// The text of every `#[error(…)]` attribute, with where it is.
fn error_texts() -> Vec<(String, String)> {
    let mut texts = Vec::new();
    for (path, text) in &sources() {
        let mut rest = text.as_str();
        while let Some(start) = rest.find("#[error(") {
            let after = &rest[start..];
            let end = after.find(")]\n").unwrap_or(after.len());
            texts.push((path.clone(), after[..end].to_owned()));
            rest = &after[end..];
        }
    }
    texts
}

/// A three-digit number from 100 to 599 standing alone: an HTTP status code.
fn status_code_in(text: &str) -> Option<u16> {
    text.split(|c: char| !c.is_ascii_digit())
        .filter(|digits| digits.len() == 3)
        .filter_map(|digits| digits.parse::<u16>().ok())
        .find(|code| (100..600).contains(code))
}

#[test]
fn ports_error_texts_hold_no_http_status_code() {
    let texts = error_texts();
    assert!(texts.len() > 20, "the error texts of ports were found");
    let offences: Vec<String> = texts
        .iter()
        .filter(|(_, text)| status_code_in(text).is_some() || text.contains("HTTP"))
        .map(|(path, text)| format!("{path}: {text}"))
        .collect();
    assert!(
        offences.is_empty(),
        "an error of a port speaks of what happened, not of HTTP: {offences:#?}"
    );
}

#[test]
fn a_status_code_is_recognised_and_a_ticket_number_is_not_mistaken_for_one() {
    assert_eq!(status_code_in("rejected the key (401)"), Some(401));
    assert_eq!(status_code_in("ticket {0} not found"), None);
    assert_eq!(status_code_in("at most 2000 characters"), None);
}

/// ARCHITECTURE.md: "use cases only sequence calls". The bot's use cases word nothing and
/// decide nothing themselves: who may act is `domain::bot::access`, and every sentence comes
/// from `domain::bot::replies` or `domain::render`. So no text is made in `src/bot/`.
#[test]
fn the_bots_use_cases_make_no_sentence_of_their_own() {
    let mut offences = Vec::new();
    for (path, text) in sources().iter().filter(|(path, _)| path.contains("/bot/")) {
        for word in [
            "format!(",
            "Reply::error(\"",
            "Reply::private(",
            "Reply::public(\"",
        ] {
            if text.contains(word) {
                offences.push(format!("{path}: {word}"));
            }
        }
    }
    assert!(
        offences.is_empty(),
        "word it in domain::bot::replies: {offences:#?}"
    );
}
