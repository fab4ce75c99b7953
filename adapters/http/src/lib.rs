//! What netbot's HTTP adapters (Redmine, NetBox) do the same way against a server they do not
//! trust: follow no redirect to another origin, bound every listing, cap every body, and never
//! show the user-info part of a URL.
//!
//! One place for the policy, so that the two adapters cannot drift apart; and one place for
//! the plumbing they share: joining a path and query onto a base URL (`join`), sending a
//! request and reading its answer (`exchange`, which sorts a failed request into a `Failure`),
//! decoding JSON (`decode`), and the innermost cause of an error (`innermost`).

use std::time::Duration;

use reqwest::redirect;
use url::Url;

mod paging;

pub use paging::{next_page, Pager, PagingError, MAX_ITEMS, MAX_PAGES};

/// Redirects followed within one origin before giving up.
pub const MAX_REDIRECTS: usize = 5;

/// The largest response body read, in bytes.
pub const MAX_BODY_BYTES: usize = 32 * 1024 * 1024;

/// A redirect to another origin (scheme, host or port), refused: the credentials in our
/// headers are for the configured server only.
#[derive(Debug, thiserror::Error)]
#[error("a redirect to {to}, another server, not followed")]
pub struct CrossOriginRedirect {
    /// Where the redirect pointed, without user-info.
    pub to: String,
}

/// Too many redirects within the configured server.
#[derive(Debug, thiserror::Error)]
#[error("more than {MAX_REDIRECTS} redirects, not followed")]
pub struct TooManyRedirects;

/// An HTTP client builder with netbot's policy: a timeout, a user agent, and redirects
/// followed only within the origin of the request.
pub fn client(timeout: Duration) -> reqwest::ClientBuilder {
    reqwest::Client::builder()
        .timeout(timeout)
        .user_agent(concat!("netbot/", env!("CARGO_PKG_VERSION")))
        .redirect(redirect::Policy::custom(same_origin_only))
}

/// reqwest drops `Authorization` on a redirect to another host but keeps custom headers
/// (`X-Redmine-API-Key`) and, for 307/308, the body; and the other host's answer would be
/// believed. So no redirect leaves the origin the request was sent to.
fn same_origin_only(attempt: redirect::Attempt<'_>) -> redirect::Action {
    let leaves_origin = attempt
        .previous()
        .first()
        .is_some_and(|first| first.origin() != attempt.url().origin());
    if leaves_origin {
        let to = shown(attempt.url());
        attempt.error(CrossOriginRedirect { to })
    } else if attempt.previous().len() > MAX_REDIRECTS {
        attempt.error(TooManyRedirects)
    } else {
        attempt.follow()
    }
}

/// Why a request failed, when the redirect policy refused it: "a redirect to … not followed".
#[must_use]
pub fn refused_redirect(error: &reqwest::Error) -> Option<String> {
    chain(error).find_map(|cause| {
        cause
            .downcast_ref::<CrossOriginRedirect>()
            .map(ToString::to_string)
            .or_else(|| {
                cause
                    .downcast_ref::<TooManyRedirects>()
                    .map(ToString::to_string)
            })
    })
}

/// An error, then its causes, nearest first: the walk of a cause chain below the ports
/// (`ports::causes` is the same walk above them; httpkit may not depend on the ports, and the
/// ports must not know reqwest).
pub fn chain<'a>(
    error: &'a (dyn std::error::Error + 'static),
) -> impl Iterator<Item = &'a (dyn std::error::Error + 'static)> {
    std::iter::successors(Some(error), |cause| cause.source())
}

/// A URL as it may be shown to a person: without `user:password@`.
#[must_use]
pub fn shown(url: &Url) -> String {
    without_user_info(url).to_string()
}

/// The URL without `user:password@`.
#[must_use]
pub fn without_user_info(url: &Url) -> Url {
    let mut url = url.clone();
    // Fails only for URLs that cannot have user-info at all (no host), which have none.
    let _ = url.set_username("");
    let _ = url.set_password(None);
    url
}

/// Configured URL text as it may be shown in an error, even when it does not parse: any
/// `…@` before the host is cut.
#[must_use]
pub fn shown_text(text: &str) -> String {
    if let Ok(url) = Url::parse(text.trim()) {
        if url.has_host() {
            return shown(&url);
        }
    }
    let (scheme, rest) = text
        .split_once("://")
        .map_or(("", text), |(scheme, rest)| (scheme, rest));
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, path) = rest.split_at(authority_end);
    let host = authority
        .rsplit_once('@')
        .map_or(authority, |(_, host)| host);
    if scheme.is_empty() && !text.contains("://") {
        format!("{host}{path}")
    } else {
        format!("{scheme}://{host}{path}")
    }
}

/// Why a body could not be read.
#[derive(Debug, thiserror::Error)]
pub enum BodyError {
    /// The body is larger than [`MAX_BODY_BYTES`].
    #[error("an answer larger than {} MiB, not read", MAX_BODY_BYTES / (1024 * 1024))]
    TooLarge,
    /// The connection failed while reading.
    #[error("the answer could not be read")]
    Transport(#[source] reqwest::Error),
}

/// The body as text (lossy UTF-8), read up to [`MAX_BODY_BYTES`].
///
/// # Errors
/// [`BodyError::TooLarge`] past the cap, [`BodyError::Transport`] when reading fails.
pub async fn body_text(response: reqwest::Response) -> Result<String, BodyError> {
    body_text_capped(response, MAX_BODY_BYTES).await
}

async fn body_text_capped(
    mut response: reqwest::Response,
    max_bytes: usize,
) -> Result<String, BodyError> {
    let announced = response.content_length().unwrap_or(0);
    if usize::try_from(announced).map_or(true, |announced| announced > max_bytes) {
        return Err(BodyError::TooLarge);
    }
    let mut bytes = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(BodyError::Transport)? {
        if bytes.len() + chunk.len() > max_bytes {
            return Err(BodyError::TooLarge);
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// The body as bytes, read once up to `max_bytes` (a body announced larger is refused before
/// reading): a file held once, under a cap.
///
/// # Errors
/// [`BodyError::TooLarge`] past the cap, [`BodyError::Transport`] when reading fails.
pub async fn body_bytes(
    mut response: reqwest::Response,
    max_bytes: usize,
) -> Result<Vec<u8>, BodyError> {
    let announced = response.content_length().unwrap_or(0);
    let announced = usize::try_from(announced).map_err(|_| BodyError::TooLarge)?;
    if announced > max_bytes {
        return Err(BodyError::TooLarge);
    }
    let mut bytes = Vec::with_capacity(announced);
    while let Some(chunk) = response.chunk().await.map_err(BodyError::Transport)? {
        if bytes.len() + chunk.len() > max_bytes {
            return Err(BodyError::TooLarge);
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(bytes)
}

/// `path` joined onto `base` (a directory URL, ending in `/`), with `query` appended, its
/// values encoded. A path that cannot be joined leaves the base.
#[must_use]
pub fn join(base: &Url, path: &str, query: &[(&str, String)]) -> Url {
    let mut url = base.join(path).unwrap_or_else(|_| base.clone());
    if !query.is_empty() {
        let mut pairs = url.query_pairs_mut();
        for (name, value) in query {
            pairs.append_pair(name, value);
        }
    }
    url
}

/// The deepest cause's message: "Connection refused (os error 111)" rather than reqwest's
/// "error sending request for url (…)". The adapters send their credentials in headers, never
/// in the URL, and show the URL without user-info elsewhere.
#[must_use]
pub fn innermost(error: &(dyn std::error::Error + 'static)) -> String {
    chain(error)
        .last()
        .map_or_else(|| error.to_string(), ToString::to_string)
}

/// Why a request brought no answer to read: what every adapter tells apart the same way.
#[derive(Debug, thiserror::Error)]
pub enum Failure {
    /// The redirect policy refused a redirect ("a redirect to … not followed").
    #[error("{0}")]
    Redirect(String),
    /// The client's timeout ran out.
    #[error("no answer in time")]
    Timeout,
    /// An answer came but could not be read.
    #[error("unreadable answer ({})", innermost(.0))]
    Unreadable(#[source] reqwest::Error),
    /// The body was larger than [`MAX_BODY_BYTES`].
    #[error("{0}")]
    TooLarge(BodyError),
    /// No connection (refused, DNS, TLS): the cause is the network's.
    #[error("{0}")]
    Unreachable(Network),
}

/// A network failure, kept whole. Shown as its innermost cause ("Connection refused (os error
/// 111)"), which already says what reqwest's outer layers would repeat, so it names no further
/// source; the whole error, without its URL (which may hold user-info), is [`Network::error`].
#[derive(Debug)]
pub struct Network(reqwest::Error);

impl Network {
    /// The request's error, without its URL.
    #[must_use]
    pub fn error(&self) -> &reqwest::Error {
        &self.0
    }
}

impl std::fmt::Display for Network {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&innermost(&self.0))
    }
}

impl std::error::Error for Network {}

impl Failure {
    /// The failure a transport error is.
    #[must_use]
    pub fn of(error: reqwest::Error) -> Self {
        if let Some(refused) = refused_redirect(&error) {
            return Self::Redirect(refused);
        }
        if error.is_timeout() {
            return Self::Timeout;
        }
        if error.is_decode() || error.is_body() {
            return Self::Unreadable(error);
        }
        Self::Unreachable(Network(error.without_url()))
    }

    fn of_body(error: BodyError) -> Self {
        match error {
            BodyError::Transport(error) => Self::of(error),
            too_large @ BodyError::TooLarge => Self::TooLarge(too_large),
        }
    }
}

/// Sends the request and hands back the answer unread, for a body that is not text (a file,
/// read by [`body_bytes`] under its own cap).
///
/// # Errors
/// A [`Failure`] when no answer came.
pub async fn send(request: reqwest::RequestBuilder) -> Result<reqwest::Response, Failure> {
    request.send().await.map_err(Failure::of)
}

/// Sends the request and reads its answer: the status and the body (capped at
/// [`MAX_BODY_BYTES`]), whatever the status.
///
/// # Errors
/// A [`Failure`] when no answer could be read.
pub async fn exchange(
    request: reqwest::RequestBuilder,
) -> Result<(reqwest::StatusCode, String), Failure> {
    let response = request.send().await.map_err(Failure::of)?;
    let status = response.status();
    let text = body_text(response).await.map_err(Failure::of_body)?;
    Ok((status, text))
}

/// An answer that is not the JSON expected.
#[derive(Debug, thiserror::Error)]
#[error("unreadable JSON ({0})")]
pub struct Undecodable(#[source] pub serde_json::Error);

/// The answer's JSON as `T`.
///
/// # Errors
/// [`Undecodable`] when it is not.
pub fn decode<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, Undecodable> {
    serde_json::from_str(text).map_err(Undecodable)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn check(input: &str, expect: &str) {
        assert_eq!(shown_text(input), expect, "{input:?}");
    }

    #[test]
    fn a_path_and_query_join_onto_a_sub_path_with_values_encoded() {
        let base = Url::parse("https://example.org/redmine/").unwrap();
        let url = join(&base, "issues.json", &[("any_searchable", "~a&b c".into())]);
        assert_eq!(
            url.as_str(),
            "https://example.org/redmine/issues.json?any_searchable=%7Ea%26b+c"
        );
        assert_eq!(
            join(&base, "x", &[]).as_str(),
            "https://example.org/redmine/x"
        );
    }

    #[test]
    fn user_info_is_never_shown() {
        check("http://user:pass@host:8080/x", "http://host:8080/x");
        check("https://user@host/", "https://host/");
        check("https://host/redmine", "https://host/redmine");
        check("http://us er:p@ss@bad host/", "http://bad host/");
        check("user:pass@host", "host");
        check("", "");
    }

    #[test]
    fn the_innermost_cause_is_the_deepest_and_an_error_without_one_is_itself() {
        let inner = std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "refused");
        let outer = BodyError::TooLarge;
        assert_eq!(innermost(&outer), outer.to_string());
        let wrapped = Undecodable(serde_json::from_str::<u8>("x").unwrap_err());
        assert_eq!(chain(&wrapped).count(), 2);
        assert_eq!(innermost(&wrapped), wrapped.0.to_string());
        assert_eq!(innermost(&inner), "refused");
    }
}
