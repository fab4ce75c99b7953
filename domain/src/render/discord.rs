//! Discord markdown: what the bot replies. Links are wrapped in `<…>` so Discord shows no
//! embeds, and text from outside is escaped so it can neither break the line's formatting nor
//! mention anyone (the bot also sends an empty `allowed_mentions`: this is the second guard).

use std::fmt::Write as _;

use crate::site::{Site, SiteDetails};

/// Escapes Discord markdown and defuses mentions in text from outside (a subject, a name).
#[must_use]
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for (i, c) in super::sanitize(text, false).chars().enumerate() {
        match c {
            '\\' | '*' | '_' | '~' | '`' | '|' | '[' | ']' => {
                out.push('\\');
                out.push(c);
            }
            // Headings, quotes and list items only start a line.
            '#' | '>' | '-' if i == 0 => {
                out.push('\\');
                out.push(c);
            }
            // A zero-width space after '@' keeps "@everyone", "@here" and "<@123>" inert.
            '@' => out.push_str("@\u{200B}"),
            '<' => out.push_str("<\u{200B}"),
            c => out.push(c),
        }
    }
    out
}

/// A link that Discord shows without an embed: `[text](<url>)`.
#[must_use]
pub fn link(text: &str, url: &str) -> String {
    format!("[{}](<{}>)", escape(text), url.replace('>', "%3E"))
}

/// One line per site: `**[slug](<url>)** - Name`.
#[must_use]
pub fn site_list(sites: &[Site]) -> String {
    if sites.is_empty() {
        return String::from("No sites.");
    }
    let mut out = String::new();
    for site in sites {
        let _ = writeln!(
            out,
            "**{}** - {}",
            link(&site.slug, &site.url),
            escape(&site.name)
        );
    }
    out.trim_end().to_owned()
}

/// One site in full, as a compact block.
#[must_use]
pub fn site_details(details: &SiteDetails) -> String {
    let site = &details.site;
    let mut out = format!(
        "**{}** (`{}`) - {}\n",
        link(&site.name, &site.url),
        site.slug.replace('`', "'"),
        escape(&site.status)
    );
    let fields = [
        ("Region", site.region.as_deref()),
        ("Tenant", site.tenant.as_deref()),
        ("Facility", site.facility.as_deref()),
        ("Address", site.physical_address.as_deref()),
    ];
    for (name, value) in fields {
        if let Some(value) = value {
            let _ = writeln!(out, "{name}: {}", escape(value));
        }
    }
    if let Some((latitude, longitude)) = site.coordinates {
        let _ = writeln!(out, "Location: {latitude}, {longitude}");
    }
    let counts = details.counts;
    let _ = writeln!(
        out,
        "Devices: {} · Prefixes: {} · Circuits: {}",
        counts.devices, counts.prefixes, counts.circuits
    );
    if let Some(description) = site.description.as_deref() {
        let _ = writeln!(out, "> {}", escape(description));
    }
    out.trim_end().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mentions_and_markdown_in_outside_text_are_defused() {
        assert_eq!(
            escape("@everyone **now** <@&123> [x](y)"),
            "@\u{200B}everyone \\*\\*now\\*\\* <\u{200B}@\u{200B}&123> \\[x\\](y)"
        );
    }

    #[test]
    fn links_never_embed() {
        assert_eq!(
            link("othello", "https://nb.example.org/dcim/sites/3/"),
            "[othello](<https://nb.example.org/dcim/sites/3/>)"
        );
    }
}
