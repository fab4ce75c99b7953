//! Network sites, as NetBox knows them, and how a typed name finds one.

/// A site of the network.
#[derive(Debug, Clone, PartialEq)]
pub struct Site {
    /// NetBox's id.
    pub id: u64,
    /// The short unique name used in URLs, e.g. `othello`.
    pub slug: String,
    /// The display name, e.g. "Othello Village".
    pub name: String,
    /// "Active", "Planned", … (the label, as people read it).
    pub status: String,
    /// The region's name, when set.
    pub region: Option<String>,
    /// The tenant's name, when set.
    pub tenant: Option<String>,
    /// The facility (building, data centre), when set.
    pub facility: Option<String>,
    /// The street address, when set.
    pub physical_address: Option<String>,
    /// Latitude and longitude, when both are set.
    pub coordinates: Option<(f64, f64)>,
    /// A free-text description, when set.
    pub description: Option<String>,
    /// The site's page in NetBox's web UI.
    pub url: String,
}

/// How much stands at a site.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SiteCounts {
    /// Devices at the site.
    pub devices: u64,
    /// IP prefixes scoped to the site.
    pub prefixes: u64,
    /// Circuits terminating at the site.
    pub circuits: u64,
}

/// A site with its counts, for the details view.
#[derive(Debug, Clone, PartialEq)]
pub struct SiteDetails {
    /// The site.
    pub site: Site,
    /// What stands there.
    pub counts: SiteCounts,
}

/// What a typed site name found.
#[derive(Debug, Clone, PartialEq)]
pub enum SiteMatch<'a> {
    /// Exactly one site.
    One(&'a Site),
    /// Several sites match equally well (prefix or substring): the person must say which.
    Several(Vec<&'a Site>),
    /// Nothing: the closest names, best first (at most three).
    None(Vec<&'a Site>),
}

/// How well `typed` matches a site: 0 exact slug or name, 1 prefix, 2 substring.
fn rank(site: &Site, typed: &str) -> Option<u8> {
    let slug = site.slug.to_lowercase();
    let name = site.name.to_lowercase();
    if slug == typed || name == typed {
        Some(0)
    } else if slug.starts_with(typed) || name.starts_with(typed) {
        Some(1)
    } else if slug.contains(typed) || name.contains(typed) {
        Some(2)
    } else {
        None
    }
}

/// Finds the site a person means: exact slug or name first (ignoring case), then a prefix,
/// then a substring of either.
#[must_use]
pub fn find<'a>(sites: &'a [Site], typed: &str) -> SiteMatch<'a> {
    let typed = typed.trim().to_lowercase();
    if typed.is_empty() {
        return SiteMatch::None(Vec::new());
    }
    let best = sites.iter().filter_map(|site| rank(site, &typed)).min();
    let Some(best) = best else {
        return SiteMatch::None(closest(sites, &typed, 3));
    };
    let mut found: Vec<&Site> = sites
        .iter()
        .filter(|site| rank(site, &typed) == Some(best))
        .collect();
    if found.len() == 1 || best == 0 {
        // An exact slug is unique; an exact name that two sites share is still that name.
        return SiteMatch::One(found[0]);
    }
    found.sort_by(|a, b| a.name.cmp(&b.name));
    SiteMatch::Several(found)
}

/// The sites whose slug or name is closest to `typed` (Jaro–Winkler), best first.
fn closest<'a>(sites: &'a [Site], typed: &str, limit: usize) -> Vec<&'a Site> {
    let mut scored: Vec<(f64, &Site)> = sites
        .iter()
        .map(|site| {
            let score = strsim::jaro_winkler(typed, &site.slug.to_lowercase())
                .max(strsim::jaro_winkler(typed, &site.name.to_lowercase()));
            (score, site)
        })
        .filter(|(score, _)| *score >= 0.7)
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.name.cmp(&b.1.name)));
    scored
        .into_iter()
        .take(limit)
        .map(|(_, site)| site)
        .collect()
}

/// Autocomplete: up to `limit` sites for what has been typed so far, best first (exact,
/// prefix, substring, then alphabetical). Nothing typed lists the first sites by name.
#[must_use]
pub fn complete<'a>(sites: &'a [Site], typed: &str, limit: usize) -> Vec<&'a Site> {
    let typed = typed.trim().to_lowercase();
    let mut ranked: Vec<(u8, &Site)> = sites
        .iter()
        .filter_map(|site| {
            if typed.is_empty() {
                Some((0, site))
            } else {
                rank(site, &typed).map(|rank| (rank, site))
            }
        })
        .collect();
    ranked.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.name.cmp(&b.1.name)));
    ranked
        .into_iter()
        .take(limit)
        .map(|(_, site)| site)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(slug: &str, name: &str) -> Site {
        Site {
            id: 1,
            slug: slug.into(),
            name: name.into(),
            status: "Active".into(),
            region: None,
            tenant: None,
            facility: None,
            physical_address: None,
            coordinates: None,
            description: None,
            url: String::new(),
        }
    }

    fn sites() -> Vec<Site> {
        vec![
            site("othello", "Othello Village"),
            site("othello-north", "Othello North"),
            site("filipino-community-village", "Filipino Community Village"),
            site("rainier-beach", "Rainier Beach"),
            site("beacon-hill", "Beacon Hill"),
        ]
    }

    fn slugs(found: &[&Site]) -> Vec<String> {
        found.iter().map(|site| site.slug.clone()).collect()
    }

    #[track_caller]
    fn check(typed: &str, expect: &str) {
        let sites = sites();
        let got = match find(&sites, typed) {
            SiteMatch::One(site) => format!("one {}", site.slug),
            SiteMatch::Several(found) => format!("several {}", slugs(&found).join(",")),
            SiteMatch::None(closest) => format!("none {}", slugs(&closest).join(",")),
        };
        assert_eq!(got, expect, "{typed:?}");
    }

    #[test]
    fn exact_then_prefix_then_substring() {
        check("othello", "one othello");
        check("OTHELLO VILLAGE", "one othello");
        check("othello-n", "one othello-north");
        check("oth", "several othello-north,othello");
        check("rainier", "one rainier-beach");
        check("community", "one filipino-community-village");
        check("village", "several filipino-community-village,othello");
        check("hill", "one beacon-hill");
    }

    #[test]
    fn an_unknown_name_offers_the_closest_ones() {
        check("othelo", "none othello,othello-north");
        check("zzzz", "none ");
        check("", "none ");
    }

    #[test]
    fn completion_is_best_first_and_bounded() {
        let sites = sites();
        assert_eq!(
            slugs(&complete(&sites, "o", 25)),
            [
                "othello-north",
                "othello",
                "beacon-hill",
                "filipino-community-village"
            ]
        );
        assert_eq!(
            slugs(&complete(&sites, "village", 25)),
            ["filipino-community-village", "othello"]
        );
        assert_eq!(complete(&sites, "", 2).len(), 2);
        assert_eq!(slugs(&complete(&sites, "", 1)), ["beacon-hill"]);
    }
}
