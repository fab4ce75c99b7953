//! Choosing among the tracker's named values (statuses, priorities, trackers) by what a person
//! typed: an exact name wins, anything else is answered with the closest names.

use crate::ticket::Named;

/// How many close names an unknown one is answered with.
pub const CLOSEST: usize = 3;

/// The value named `typed`, ignoring case and surrounding spaces.
#[must_use]
pub fn named<'a, Id>(known: &'a [Named<Id>], typed: &str) -> Option<&'a Named<Id>> {
    let typed = typed.trim();
    known
        .iter()
        .find(|value| value.name.trim().eq_ignore_ascii_case(typed))
}

/// Up to [`CLOSEST`] of `known` closest to `typed` (Jaro–Winkler, then a name that contains
/// what was typed), best first; all of them (up to [`CLOSEST`]) when none is close.
#[must_use]
pub fn closest<'a>(known: impl IntoIterator<Item = &'a str>, typed: &str) -> Vec<String> {
    let typed = typed.trim().to_lowercase();
    let mut scored: Vec<(f64, &str)> = known
        .into_iter()
        .map(|name| {
            let lower = name.to_lowercase();
            let mut score = strsim::jaro_winkler(&typed, &lower);
            if !typed.is_empty() && lower.contains(&typed) {
                score += 1.0;
            }
            (score, name)
        })
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(b.1)));
    scored
        .into_iter()
        .take(CLOSEST)
        .map(|(_, name)| name.to_owned())
        .collect()
}

/// Named values for autocomplete: those whose name contains `typed` (any case), prefix
/// matches first, at most `limit`.
#[must_use]
pub fn complete<'a, Id>(known: &'a [Named<Id>], typed: &str, limit: usize) -> Vec<&'a str> {
    let typed = typed.trim().to_lowercase();
    let mut found: Vec<(bool, &str)> = known
        .iter()
        .map(|value| value.name.as_str())
        .filter(|name| name.to_lowercase().contains(&typed))
        .map(|name| (!name.to_lowercase().starts_with(&typed), name))
        .collect();
    found.sort_by_key(|(later, _)| *later);
    found
        .into_iter()
        .take(limit)
        .map(|(_, name)| name)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn priorities() -> Vec<Named> {
        ["Low", "Normal", "High", "Urgent", "Immediate"]
            .iter()
            .zip(1..)
            .map(|(name, id)| Named::new(id, *name))
            .collect()
    }

    #[test]
    fn a_name_is_found_whatever_its_case() {
        assert_eq!(named(&priorities(), " urgent ").map(|p| p.id), Some(4));
        assert_eq!(named(&priorities(), "urgnt"), None);
    }

    #[test]
    fn a_misspelt_name_is_answered_with_the_closest_first() {
        let known = priorities();
        let names = known.iter().map(|p| p.name.as_str());
        assert_eq!(closest(names, "urgnt")[0], "Urgent");
        let names = known.iter().map(|p| p.name.as_str());
        assert_eq!(closest(names, "imm")[0], "Immediate");
    }

    #[test]
    fn completion_puts_names_starting_with_the_typed_text_first() {
        let known = vec![
            Named::new(1, "In Progress"),
            Named::new(2, "Resolved"),
            Named::new(3, "New"),
        ];
        assert_eq!(complete(&known, "n", 25), vec!["New", "In Progress"]);
        assert_eq!(complete(&known, "", 2), vec!["In Progress", "Resolved"]);
    }
}
