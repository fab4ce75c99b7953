//! The Redmine client: how to reach a Redmine (configuration, the key, acting as someone) and
//! the HTTP plumbing every resource shares (URLs, requests, paged listings). The resources are
//! next door: `issues.rs`, `people.rs`, `statuses.rs`, `threads.rs`; `tracker.rs` puts them
//! together as the tracker role ports (`Tickets`, `TicketFiles`, `Watchers`, `People`,
//! `Catalog`, `SyncStore`, `TicketFeed`, `NoteEdits`, `ActAs`).

use secrecy::{ExposeSecret as _, SecretString};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use arc_swap::ArcSwapOption;
use domain::TicketId;
use ports::TrackerError;
use reqwest::Method;
use serde::de::DeserializeOwned;
use serde_json::Value;
use tracing::debug;
use url::Url;

use crate::convert::{self, IssueFieldNames};
use crate::dto::{CustomFieldDto, CustomFieldsEnvelope, GroupsPage, Keyed, NamedDto};
use crate::error::{from_failure, from_status, Attempt};

/// Redmine's largest page.
pub(crate) const PAGE_SIZE: u64 = 100;

/// Pages of users a name lookup reads at most (an admin key can list everyone).
pub(crate) const NAME_LOOKUP_PAGES: usize = 3;

/// An API key: a `SecretString`, shown as `[REDACTED]` by `Debug` so it cannot reach a log by
/// accident.
#[derive(Clone, Debug)]
pub struct ApiKey(SecretString);

impl ApiKey {
    /// Wraps a key.
    #[must_use]
    pub fn new(key: impl Into<String>) -> Self {
        Self(SecretString::from(key.into()))
    }

    fn expose(&self) -> &str {
        self.0.expose_secret()
    }
}

/// Why a Redmine client could not be built.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The base URL is not an http(s) URL (the app names its setting).
    #[error("the tracker URL '{}' is not an http(s) URL", httpkit::shown_text(.0))]
    BadUrl(String),
    /// The API key holds characters no header can carry (a line break, say).
    #[error("the API key contains characters that cannot be sent in a header (a line break?)")]
    BadKey,
    /// The login to act as holds characters no header can carry.
    #[error("the login to act as contains characters that cannot be sent in a header")]
    BadLogin,
    /// The TLS backend could not start.
    #[error("cannot set up the HTTP client: {0}")]
    Http(String),
}

/// How to reach a Redmine.
#[derive(Debug, Clone)]
pub struct RedmineConfig {
    /// The server's base URL, e.g. `https://redmine.example.org` (a sub-path is kept).
    pub url: String,
    /// The API key of the acting user (or of an admin, with `act_as`).
    pub key: ApiKey,
    /// Act as this login through `X-Redmine-Switch-User` (admin keys only).
    pub act_as: Option<String>,
    /// How long one request may take.
    pub timeout: Duration,
}

/// A Redmine server, as the tracker role ports.
#[derive(Debug, Clone)]
pub struct Redmine {
    http: reqwest::Client,
    base: Url,
    /// `base` without user-info: what links and errors show.
    pub(crate) web: Url,
    pub(crate) host: String,
    key: ApiKey,
    act_as: Option<String>,
    timeout: Duration,
    /// Which issue custom fields the threader uses, by name.
    pub(crate) issue_fields: Arc<IssueFieldNames>,
    /// Issue custom field ids by lower-cased name, read once (concurrent first callers wait
    /// for the one reading; a failed reading leaves it empty for the next caller to retry).
    pub(crate) issue_field_ids: Arc<tokio::sync::OnceCell<BTreeMap<String, u64>>>,
    /// Whether the acting user is an admin, as Redmine last said (a hint that saves asking:
    /// an admin's name lookup goes straight to the user listing, and a 403 there corrects it).
    /// Swapped whole, never patched under a lock.
    pub(crate) acting_admin: Arc<ArcSwapOption<bool>>,
}

impl Redmine {
    /// The same client, reading and writing the threader's issue custom fields by these names.
    #[must_use]
    pub fn with_issue_fields(mut self, names: IssueFieldNames) -> Self {
        self.issue_fields = Arc::new(names);
        self
    }

    pub(crate) fn issue_fields(&self) -> Arc<IssueFieldNames> {
        Arc::clone(&self.issue_fields)
    }

    /// The base for links people see: the configured URL without user-info.
    pub(crate) fn web_base(&self) -> &Url {
        &self.web
    }

    /// A client for the server in `config`.
    ///
    /// # Errors
    /// [`ConfigError`] for a URL that is not http(s) or a TLS backend that fails to start.
    pub fn new(config: RedmineConfig) -> Result<Self, ConfigError> {
        let mut base = Url::parse(config.url.trim())
            .ok()
            .filter(|url| matches!(url.scheme(), "http" | "https") && url.host().is_some())
            .ok_or_else(|| ConfigError::BadUrl(config.url.clone()))?;
        if reqwest::header::HeaderValue::from_str(config.key.expose()).is_err() {
            return Err(ConfigError::BadKey);
        }
        if let Some(login) = &config.act_as {
            if reqwest::header::HeaderValue::from_str(login).is_err() {
                return Err(ConfigError::BadLogin);
            }
        }
        if !base.path().ends_with('/') {
            let path = format!("{}/", base.path());
            base.set_path(&path);
        }
        base.set_query(None);
        base.set_fragment(None);
        let host = match base.port() {
            Some(port) => format!("{}:{port}", base.host_str().unwrap_or_default()),
            None => base.host_str().unwrap_or_default().to_owned(),
        };
        let http = httpkit::client(config.timeout)
            .build()
            .map_err(|error| ConfigError::Http(error.to_string()))?;
        Ok(Self {
            http,
            web: httpkit::without_user_info(&base),
            base,
            host,
            key: config.key,
            act_as: config.act_as.filter(|login| !login.trim().is_empty()),
            timeout: config.timeout,
            issue_fields: Arc::default(),
            issue_field_ids: Arc::default(),
            acting_admin: Arc::default(),
        })
    }

    /// The same server, acting as another login (`X-Redmine-Switch-User`); shares the
    /// connection pool.
    #[must_use]
    pub fn acting_as(&self, login: impl Into<String>) -> Self {
        Self {
            act_as: Some(login.into()),
            acting_admin: Arc::default(),
            ..self.clone()
        }
    }

    /// The same server as the key's own owner (no `X-Redmine-Switch-User`).
    pub(crate) fn as_key_owner(&self) -> Self {
        Self {
            act_as: None,
            acting_admin: Arc::default(),
            ..self.clone()
        }
    }

    /// The web address of a ticket.
    #[must_use]
    pub fn ticket_url(&self, id: TicketId) -> String {
        convert::ticket_url(&self.web, id)
    }

    pub(crate) fn url(&self, path: &str, query: &[(&str, String)]) -> Url {
        httpkit::join(&self.base, path, query)
    }

    pub(crate) async fn send(
        &self,
        method: Method,
        url: Url,
        body: Option<&Value>,
        attempt: &Attempt<'_>,
    ) -> Result<String, TrackerError> {
        let mut request = self.request(method, url);
        if let Some(body) = body {
            request = request.json(body);
        }
        self.answer(request, attempt).await
    }

    /// `POST` of raw bytes (`application/octet-stream`, as `/uploads.json` wants them): the
    /// bytes are moved into the request, not copied. A `413` (a proxy's or Redmine's own size
    /// limit) reads as a refusal without reasons.
    pub(crate) async fn send_bytes(
        &self,
        url: Url,
        bytes: Vec<u8>,
        attempt: &Attempt<'_>,
    ) -> Result<String, TrackerError> {
        let request = self
            .request(Method::POST, url)
            .header(reqwest::header::CONTENT_TYPE, "application/octet-stream")
            .body(bytes);
        match self.answer(request, attempt).await {
            Err(TrackerError::Unexpected { detail, .. }) if detail == "HTTP 413" => {
                Err(TrackerError::Rejected {
                    action: attempt.action.to_owned(),
                    errors: Vec::new(),
                })
            }
            answer => answer,
        }
    }

    /// `GET` of a file's bytes, read once up to `max_bytes`: a file gone (404) or larger
    /// reads as a refusal, so that the caller links it instead.
    pub(crate) async fn get_bytes(
        &self,
        url: Url,
        max_bytes: u64,
        attempt: &Attempt<'_>,
    ) -> Result<Vec<u8>, TrackerError> {
        let refused = |why: &str| TrackerError::Rejected {
            action: attempt.action.to_owned(),
            errors: vec![why.to_owned()],
        };
        let response = httpkit::send(self.request(Method::GET, url))
            .await
            .map_err(|failure| {
                from_failure(failure, attempt, &self.host, self.timeout.as_secs())
            })?;
        let status = response.status();
        if status == reqwest::StatusCode::NOT_FOUND {
            return Err(refused("the file is gone"));
        }
        if !status.is_success() {
            return Err(from_status(
                status,
                "",
                attempt,
                &self.host,
                self.act_as.as_deref(),
            ));
        }
        let max_bytes = usize::try_from(max_bytes).unwrap_or(usize::MAX);
        httpkit::body_bytes(response, max_bytes)
            .await
            .map_err(|error| match error {
                httpkit::BodyError::TooLarge => refused("the file is over the size carried"),
                httpkit::BodyError::Transport(error) => from_failure(
                    httpkit::Failure::of(error),
                    attempt,
                    &self.host,
                    self.timeout.as_secs(),
                ),
            })
    }

    /// A request with the key (and the login acted as).
    fn request(&self, method: Method, url: Url) -> reqwest::RequestBuilder {
        debug!(method = %method, path = url.path(), query = url.query().unwrap_or(""), "redmine request");
        let mut request = self
            .http
            .request(method, url)
            .header("X-Redmine-API-Key", self.key.expose())
            .header(reqwest::header::ACCEPT, "application/json");
        if let Some(login) = &self.act_as {
            request = request.header("X-Redmine-Switch-User", login);
        }
        request
    }

    /// Sends a request and reads its answer: the body of a success, else the error its
    /// status means.
    async fn answer(
        &self,
        request: reqwest::RequestBuilder,
        attempt: &Attempt<'_>,
    ) -> Result<String, TrackerError> {
        let (status, text) = httpkit::exchange(request).await.map_err(|failure| {
            from_failure(failure, attempt, &self.host, self.timeout.as_secs())
        })?;
        debug!(status = status.as_u16(), "redmine answer");
        if status.is_success() {
            Ok(text)
        } else {
            Err(from_status(
                status,
                &text,
                attempt,
                &self.host,
                self.act_as.as_deref(),
            ))
        }
    }

    pub(crate) async fn get<T: DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, String)],
        attempt: &Attempt<'_>,
    ) -> Result<T, TrackerError> {
        self.get_url(self.url(path, query), attempt).await
    }

    pub(crate) async fn get_url<T: DeserializeOwned>(
        &self,
        url: Url,
        attempt: &Attempt<'_>,
    ) -> Result<T, TrackerError> {
        let text = self.send(Method::GET, url, None, attempt).await?;
        httpkit::decode(&text).map_err(|error| TrackerError::Unexpected {
            host: self.host.clone(),
            action: attempt.action.to_owned(),
            detail: error.to_string(),
        })
    }

    /// Every item of a paged listing: `limit=100&offset=…` until `total_count` is reached,
    /// a page brings nothing new, or (an error) the bound on pages is reached. No item is
    /// listed twice.
    /// `GET /custom_fields.json` (admin keys only): the one reading of the custom field
    /// definitions, for the threader's issue fields and the directory's user field alike.
    pub(crate) async fn read_custom_fields(&self) -> Result<Vec<CustomFieldDto>, TrackerError> {
        let fields: CustomFieldsEnvelope = self
            .get(
                "custom_fields.json",
                &[],
                &Attempt {
                    action: "read the custom fields",
                    ticket: None,
                },
            )
            .await?;
        Ok(fields.custom_fields)
    }

    /// `GET /groups.json`, every page (admin keys only): the one reading of the groups, for
    /// name lookups and the directory's roster alike.
    pub(crate) async fn read_groups(&self) -> Result<Vec<NamedDto>, TrackerError> {
        self.get_all(
            "groups.json",
            &[],
            &Attempt {
                action: "list groups",
                ticket: None,
            },
            |page: GroupsPage| (page.groups, page.total_count),
        )
        .await
    }

    pub(crate) async fn get_all<P, T>(
        &self,
        path: &str,
        query: &[(&str, String)],
        attempt: &Attempt<'_>,
        split: impl Fn(P) -> (Vec<T>, u64),
    ) -> Result<Vec<T>, TrackerError>
    where
        P: DeserializeOwned,
        T: Keyed,
    {
        let pager = httpkit::Pager::default();
        self.get_pages(path, query, attempt, split, pager).await
    }

    /// [`Self::get_all`] with its own bound on pages.
    pub(crate) async fn get_pages<P, T>(
        &self,
        path: &str,
        query: &[(&str, String)],
        attempt: &Attempt<'_>,
        split: impl Fn(P) -> (Vec<T>, u64),
        mut pager: httpkit::Pager<(u64, bool)>,
    ) -> Result<Vec<T>, TrackerError>
    where
        P: DeserializeOwned,
        T: Keyed,
    {
        let paging_error = |error: httpkit::PagingError| TrackerError::Unexpected {
            host: self.host.clone(),
            action: attempt.action.to_owned(),
            detail: error.to_string(),
        };
        let mut items = Vec::new();
        let mut offset = 0;
        loop {
            let mut page_query = query.to_vec();
            page_query.push(("limit", PAGE_SIZE.to_string()));
            page_query.push(("offset", offset.to_string()));
            let url = self.url(path, &page_query);
            if !pager.visit(&url).map_err(paging_error)? {
                return Ok(items);
            }
            let (page, total) = split(self.get_url(url, attempt).await?);
            let n_items = page.len() as u64;
            let n_new = pager
                .add(page, Keyed::key, &mut items)
                .map_err(paging_error)?;
            offset += n_items;
            if n_new == 0 || offset >= total {
                return Ok(items);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_key_never_shows_in_debug_output() {
        let redmine = Redmine::new(RedmineConfig {
            url: "https://redmine.example.org/".into(),
            key: ApiKey::new("s3cret-key"),
            act_as: None,
            timeout: Duration::from_secs(1),
        })
        .unwrap();
        let debug = format!("{redmine:?}");
        assert!(!debug.contains("s3cret-key"), "{debug}");
        assert!(debug.contains("[REDACTED]"), "{debug}");
    }

    #[test]
    fn urls_keep_a_sub_path_and_encode_query_values() {
        let redmine = Redmine::new(RedmineConfig {
            url: "https://example.org/redmine".into(),
            key: ApiKey::new("k"),
            act_as: None,
            timeout: Duration::from_secs(1),
        })
        .unwrap();
        let url = redmine.url("issues.json", &[("any_searchable", "~a&b c".into())]);
        assert_eq!(
            url.as_str(),
            "https://example.org/redmine/issues.json?any_searchable=%7Ea%26b+c"
        );
        assert_eq!(
            redmine.ticket_url(TicketId::new(7).unwrap()),
            "https://example.org/redmine/issues/7"
        );
    }

    #[test]
    fn a_url_that_is_not_http_is_refused() {
        for url in ["redmine.example.org", "ftp://x.org", ""] {
            let error = Redmine::new(RedmineConfig {
                url: url.into(),
                key: ApiKey::new("k"),
                act_as: None,
                timeout: Duration::from_secs(1),
            })
            .unwrap_err();
            assert!(matches!(error, ConfigError::BadUrl(_)), "{error}");
        }
    }
}
