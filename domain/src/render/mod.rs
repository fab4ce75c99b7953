//! Renderings of tickets: aligned text for terminals and stable JSON for scripts.
//!
//! Renderers take `now` so that ages are reproducible in tests.

pub mod discord;
pub mod json;
pub mod template;
pub mod text;

/// Replaces control characters (terminal escapes included) so that text typed by anyone
/// cannot move the cursor or recolour a terminal; newlines become spaces unless kept.
#[must_use]
pub fn sanitize(text: &str, keep_newlines: bool) -> String {
    text.replace("\r\n", "\n")
        .chars()
        .map(|c| match c {
            '\n' if keep_newlines => '\n',
            '\t' => ' ',
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

#[cfg(test)]
mod tests {
    use super::sanitize;

    #[test]
    fn escapes_and_newlines_cannot_break_a_line() {
        assert_eq!(
            sanitize("a\u{1b}[31mred\nb\r\nc\td", false),
            "a\u{FFFD}[31mred b c d"
        );
        assert_eq!(sanitize("a\r\nb\nc", true), "a\nb\nc");
    }
}
