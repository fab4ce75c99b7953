//! Paged listings that always end: the bounds, the bookkeeping of one listing (`Pager`) and
//! the following of a server's next-page link (`next_page`), apart from the rest of the
//! policy because only listings need them.

use std::collections::HashSet;
use std::hash::Hash;

use url::Url;

/// Pages read for one listing before giving up.
pub const MAX_PAGES: usize = 200;

/// Items kept for one listing before giving up.
pub const MAX_ITEMS: usize = 50_000;

/// Why a listing was given up.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PagingError {
    /// More pages than [`MAX_PAGES`] (a server whose list never ends).
    #[error("the list did not end after {0} pages")]
    TooManyPages(usize),
    /// More items than [`MAX_ITEMS`].
    #[error("the list did not end after {0} items")]
    TooManyItems(usize),
    /// A link to the next page with another scheme than the configured server's
    /// (`javascript:alert(1)`): the link is not the server's page, so it is not followed.
    #[error("a next page link with the scheme {found}: rather than {expected}:, not followed")]
    ForeignScheme {
        /// The scheme of the link (lowercase letters, digits, `+-.` only: URL syntax).
        found: String,
        /// The configured server's scheme.
        expected: String,
    },
}

/// The page a server's `next` link names, read from the configured server: its path and
/// query, on `origin`'s scheme, host and port (a server behind a proxy names the host it
/// believes it has, so the host is not the server's to choose, and the credentials only ever
/// go to `origin`). `Ok(None)` when the link is not an absolute URL (the list ends there).
///
/// # Errors
/// [`PagingError::ForeignScheme`] when the link's scheme is not `origin`'s, or it names no
/// path to follow (`javascript:`, `data:`, `mailto:`).
pub fn next_page(origin: &Url, next: &str) -> Result<Option<Url>, PagingError> {
    let Ok(next) = Url::parse(next) else {
        return Ok(None);
    };
    if next.scheme() != origin.scheme() || next.cannot_be_a_base() {
        return Err(PagingError::ForeignScheme {
            found: next.scheme().to_owned(),
            expected: origin.scheme().to_owned(),
        });
    }
    let mut url = origin.clone();
    url.set_path(next.path());
    url.set_query(next.query());
    Ok(Some(url))
}

/// The bookkeeping of one paged listing, so that it always ends and never lists an item
/// twice: pages already read are not read again, a page that brings nothing new ends the
/// list, and past [`MAX_PAGES`] pages or [`MAX_ITEMS`] items the listing fails.
#[derive(Debug)]
pub struct Pager<K> {
    n_pages: usize,
    max_pages: usize,
    visited: HashSet<String>,
    seen: HashSet<K>,
}

impl<K: Hash + Eq> Default for Pager<K> {
    fn default() -> Self {
        Self::with_max_pages(MAX_PAGES)
    }
}

impl<K: Hash + Eq> Pager<K> {
    /// A pager that gives up after `max_pages` pages.
    #[must_use]
    pub fn with_max_pages(max_pages: usize) -> Self {
        Self {
            n_pages: 0,
            max_pages,
            visited: HashSet::new(),
            seen: HashSet::new(),
        }
    }

    /// Whether to read the page at `url`: `Ok(false)` when it was read already (the server
    /// points back: the list is complete).
    ///
    /// # Errors
    /// [`PagingError::TooManyPages`] when the bound is reached.
    pub fn visit(&mut self, url: &Url) -> Result<bool, PagingError> {
        if !self.visited.insert(url.to_string()) {
            return Ok(false);
        }
        if self.n_pages >= self.max_pages {
            return Err(PagingError::TooManyPages(self.n_pages));
        }
        self.n_pages += 1;
        Ok(true)
    }

    /// Adds to `items` the items of `page` not seen before; returns how many were new (none
    /// means the list is complete).
    ///
    /// # Errors
    /// [`PagingError::TooManyItems`] when the bound is reached.
    pub fn add<T>(
        &mut self,
        page: Vec<T>,
        key: impl Fn(&T) -> K,
        items: &mut Vec<T>,
    ) -> Result<usize, PagingError> {
        let before = items.len();
        items.extend(page.into_iter().filter(|item| self.seen.insert(key(item))));
        if items.len() > MAX_ITEMS {
            return Err(PagingError::TooManyItems(MAX_ITEMS));
        }
        Ok(items.len() - before)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_next_link_is_read_on_the_configured_origin_and_only_with_its_scheme() {
        let origin = Url::parse("https://nb.example.org:8443/api/").unwrap();
        let followed = next_page(&origin, "https://internal:8080/api/dcim/sites/?offset=2");
        assert_eq!(
            followed.unwrap().map(String::from).as_deref(),
            Some("https://nb.example.org:8443/api/dcim/sites/?offset=2")
        );
        assert_eq!(next_page(&origin, "/api/dcim/sites/?offset=2"), Ok(None));
        for (next, found) in [
            ("javascript:alert(1)", "javascript"),
            (
                "http://nb.example.org:8443/api/dcim/sites/?offset=2",
                "http",
            ),
            ("data:text/html,<p>", "data"),
            ("file:///etc/passwd", "file"),
        ] {
            assert_eq!(
                next_page(&origin, next),
                Err(PagingError::ForeignScheme {
                    found: found.into(),
                    expected: "https".into()
                }),
                "{next}"
            );
        }
    }

    #[test]
    fn a_page_read_before_or_with_nothing_new_ends_the_list() {
        let mut pager = Pager::with_max_pages(3);
        let mut items = Vec::new();
        let first = Url::parse("http://h/a?offset=0").unwrap();
        assert_eq!(pager.visit(&first), Ok(true));
        assert_eq!(pager.add(vec![1, 2, 2], |n| *n, &mut items), Ok(2));
        assert_eq!(pager.visit(&first), Ok(false));
        let second = Url::parse("http://h/a?offset=2").unwrap();
        assert_eq!(pager.visit(&second), Ok(true));
        assert_eq!(pager.add(vec![1, 2], |n| *n, &mut items), Ok(0));
        assert_eq!(items, [1, 2]);
        for n in 3..=4 {
            let url = Url::parse(&format!("http://h/a?offset={n}")).unwrap();
            let visit = pager.visit(&url);
            if n == 3 {
                assert_eq!(visit, Ok(true));
            } else {
                assert_eq!(visit, Err(PagingError::TooManyPages(3)));
            }
        }
    }
}
