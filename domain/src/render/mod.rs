//! Renderings: aligned text for terminals, stable JSON for scripts, Discord markdown, and the
//! sync's mirrors.
//!
//! Renderers take `now` so that ages are reproducible in tests.

pub mod discord;
pub mod json;
pub mod mirror;
pub mod template;
pub mod text;

/// Replaces control characters (terminal escapes included) so that text typed by anyone
/// cannot move the cursor or recolour a terminal; newlines become spaces unless kept. Bidi
/// controls and zero-width characters, which reorder or hide what a line shows, are dropped.
#[must_use]
pub fn sanitize(text: &str, keep_newlines: bool) -> String {
    let visible: String = text.chars().filter(|c| !is_invisible_format(*c)).collect();
    sanitize_controls(&visible, keep_newlines)
}

/// [`sanitize`] without dropping zero-width characters: for text that has been escaped
/// already, whose zero-width spaces defuse mentions.
#[must_use]
pub fn sanitize_controls(text: &str, keep_newlines: bool) -> String {
    text.replace("\r\n", "\n")
        .chars()
        .map(|c| match c {
            '\n' if keep_newlines => '\n',
            '\t' => ' ',
            '\u{2028}' | '\u{2029}' if keep_newlines => '\n',
            '\u{2028}' | '\u{2029}' => ' ',
            c if c.is_control() => {
                if c == '\n' || c == '\r' {
                    ' '
                } else {
                    '\u{FFFD}'
                }
            }
            c => c,
        })
        .collect()
}

/// Bidi controls (U+061C, U+200E/F, U+202A–E, U+2066–9) and zero-width characters
/// (U+200B–D, U+2060–4, U+FEFF, U+180E, U+00AD): they reorder or hide what a line shows.
fn is_invisible_format(c: char) -> bool {
    matches!(
        c,
        '\u{061C}'
            | '\u{00AD}'
            | '\u{180E}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{2069}'
            | '\u{FEFF}'
    )
}

/// A message made of text from servers, for one line of a terminal: [`sanitize`]d, without
/// line breaks and without surrounding space.
#[must_use]
pub fn one_line(text: &str) -> String {
    sanitize(text, false).trim().to_owned()
}

#[cfg(test)]
mod tests {
    use super::{one_line, sanitize};

    #[test]
    fn bidi_controls_and_zero_width_characters_are_dropped() {
        assert_eq!(
            sanitize("a\u{202E}cba\u{202C} b\u{200B}c\u{2066}d\u{FEFF}", false),
            "acba bcd"
        );
        assert_eq!(
            one_line(" x\n\u{1b}]52;c;aGk=\u{7} "),
            "x \u{FFFD}]52;c;aGk=\u{FFFD}"
        );
    }

    #[test]
    fn escapes_and_newlines_cannot_break_a_line() {
        assert_eq!(
            sanitize("a\u{1b}[31mred\nb\r\nc\td", false),
            "a\u{FFFD}[31mred b c d"
        );
        assert_eq!(sanitize("a\r\nb\nc", true), "a\nb\nc");
    }
}
