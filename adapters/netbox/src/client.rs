//! The NetBox client: `Inventory` over NetBox's REST API with reqwest.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use domain::{Site, SiteCounts};
use ports::{Inventory, InventoryError};
use reqwest::header::{HeaderValue, ACCEPT, AUTHORIZATION};
use secrecy::{ExposeSecret as _, SecretString};
use serde::de::DeserializeOwned;
use tracing::debug;
use url::Url;

use crate::convert;
use crate::dto::{CountDto, Page, SiteDto};
use crate::error::{from_failure, from_status};

/// The largest page NetBox serves (its `MAX_PAGE_SIZE` default).
const PAGE_SIZE: u32 = 1000;

/// A NetBox API token: a `SecretString`, so `Debug` shows `[REDACTED]`, never the secret.
#[derive(Clone, Debug)]
pub struct NetboxToken(SecretString);

impl NetboxToken {
    /// Wraps a token.
    #[must_use]
    pub fn new(token: impl Into<String>) -> Self {
        Self(SecretString::from(token.into().trim()))
    }

    /// v2 tokens (NetBox 4.5+, `nbt_…`) go as `Bearer`, classic ones as `Token`.
    fn header(&self) -> Result<HeaderValue, ConfigError> {
        let token = self.0.expose_secret();
        let scheme = if token.starts_with("nbt_") {
            "Bearer"
        } else {
            "Token"
        };
        let mut value = HeaderValue::from_str(&format!("{scheme} {token}"))
            .map_err(|_| ConfigError::BadToken)?;
        value.set_sensitive(true);
        Ok(value)
    }
}

/// Why a NetBox client could not be built.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The base URL is not an http(s) URL (the app names its setting).
    #[error("the NetBox URL '{}' is not an http(s) URL", httpkit::shown_text(.0))]
    BadUrl(String),
    /// The token has characters a header cannot carry.
    #[error("the NetBox token contains characters that cannot be sent in a header")]
    BadToken,
    /// The CA file cannot be read or is not PEM.
    #[error("the CA file '{path}': {reason}")]
    CaCert {
        /// The configured path.
        path: PathBuf,
        /// What went wrong.
        reason: String,
    },
    /// The TLS backend could not start.
    #[error("cannot set up the HTTP client: {0}")]
    Http(String),
}

/// How to reach a NetBox.
#[derive(Debug, Clone)]
pub struct NetboxConfig {
    /// `NETBOX_URL`: with or without a trailing slash or `/api`.
    pub url: String,
    /// `NETBOX_TOKEN`.
    pub token: NetboxToken,
    /// `NETBOX_CA_CERT`: a PEM file of a CA to trust besides the usual roots.
    pub ca_cert: Option<PathBuf>,
    /// `NETBOX_INSECURE=true`: do not verify certificates at all.
    pub insecure: bool,
    /// How long one request may take.
    pub timeout: Duration,
    /// How long the site list is kept before it is read again.
    pub cache_for: Duration,
}

/// The site list, kept `cache_for`; one listing at a time (callers that ask while it is
/// being read wait for it rather than read NetBox again).
type Cache = moka::future::Cache<(), Arc<[Site]>>;

/// A NetBox server, as an `Inventory`.
#[derive(Debug, Clone)]
pub struct Netbox {
    http: reqwest::Client,
    api: Url,
    web: Url,
    host: String,
    auth: HeaderValue,
    timeout: Duration,
    /// `None` when nothing is kept (`cache_for` of zero).
    cache: Option<Cache>,
}

/// `https://nb.example.org/`, `…/api`, `…/api/` all mean the same NetBox.
fn web_base(text: &str) -> Option<Url> {
    let mut url = Url::parse(text.trim()).ok()?;
    if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
        return None;
    }
    let path = url.path().trim_end_matches('/');
    let path = path.strip_suffix("/api").unwrap_or(path);
    let path = format!("{path}/");
    url.set_path(&path);
    url.set_query(None);
    url.set_fragment(None);
    Some(url)
}

/// The largest CA file read: a bundle of every public root is under 300 KiB.
const MAX_CA_BYTES: u64 = 1024 * 1024;

/// A regular file of sane size (not `/dev/zero`, a FIFO or a directory).
///
/// The kind is checked before opening, since opening a FIFO for reading waits for a writer
/// that may never come; and the file is opened without blocking and checked again, so that a
/// path swapped for a FIFO in between cannot block either.
fn read_small_file(path: &std::path::Path) -> Result<Vec<u8>, String> {
    use std::io::Read as _;
    let not_regular = || String::from("not a regular file");
    let metadata = std::fs::metadata(path).map_err(|error| error.to_string())?;
    if !metadata.is_file() {
        return Err(not_regular());
    }
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file = options.open(path).map_err(|error| error.to_string())?;
    let metadata = file.metadata().map_err(|error| error.to_string())?;
    if !metadata.is_file() {
        return Err(not_regular());
    }
    let mut pem = Vec::new();
    file.take(MAX_CA_BYTES + 1)
        .read_to_end(&mut pem)
        .map_err(|error| error.to_string())?;
    if pem.len() as u64 > MAX_CA_BYTES {
        return Err(format!("larger than {} KiB", MAX_CA_BYTES / 1024));
    }
    Ok(pem)
}

impl Netbox {
    /// A client for the NetBox in `config`.
    ///
    /// # Errors
    /// [`ConfigError`] for a bad URL, token or CA file.
    pub fn new(config: NetboxConfig) -> Result<Self, ConfigError> {
        // User-info in NETBOX_URL is dropped: the token is NetBox's credential, and reqwest
        // would turn `user:password@` into a second `Authorization` header. Nothing shown
        // carries it either.
        let web = web_base(&config.url)
            .map(|url| httpkit::without_user_info(&url))
            .ok_or_else(|| ConfigError::BadUrl(config.url.clone()))?;
        let api = web
            .join("api/")
            .map_err(|_| ConfigError::BadUrl(config.url.clone()))?;
        let host = match web.port() {
            Some(port) => format!("{}:{port}", web.host_str().unwrap_or_default()),
            None => web.host_str().unwrap_or_default().to_owned(),
        };
        let mut builder = httpkit::client(config.timeout);
        if let Some(path) = &config.ca_cert {
            let ca_error = |reason: String| ConfigError::CaCert {
                path: path.clone(),
                reason,
            };
            let pem = read_small_file(path).map_err(ca_error)?;
            let certificates = reqwest::Certificate::from_pem_bundle(&pem)
                .map_err(|error| ca_error(error.to_string()))?;
            if certificates.is_empty() {
                return Err(ca_error(String::from("no PEM certificate in the file")));
            }
            for certificate in certificates {
                builder = builder.add_root_certificate(certificate);
            }
        }
        if config.insecure {
            // The app that asked for this says so in its log, naming its setting.
            builder = builder.danger_accept_invalid_certs(true);
        }
        let http = builder
            .build()
            .map_err(|error| ConfigError::Http(error.to_string()))?;
        Ok(Self {
            http,
            api,
            web,
            host,
            auth: config.token.header()?,
            timeout: config.timeout,
            cache: (!config.cache_for.is_zero()).then(|| {
                Cache::builder()
                    .max_capacity(1)
                    .time_to_live(config.cache_for)
                    .build()
            }),
        })
    }

    /// The web page of a site.
    #[must_use]
    pub fn site_url(&self, site_id: u64) -> String {
        convert::site_url(&self.web, site_id)
    }

    fn api_url(&self, path: &str, query: &[(&str, String)]) -> Url {
        httpkit::join(&self.api, path, query)
    }

    async fn get<T: DeserializeOwned>(&self, url: Url, action: &str) -> Result<T, InventoryError> {
        debug!(
            path = url.path(),
            query = url.query().unwrap_or(""),
            "netbox request"
        );
        let request = self
            .http
            .get(url)
            .header(AUTHORIZATION, self.auth.clone())
            .header(ACCEPT, "application/json");
        let (status, text) = httpkit::exchange(request)
            .await
            .map_err(|failure| from_failure(failure, action, &self.host, self.timeout.as_secs()))?;
        debug!(status = status.as_u16(), "netbox answer");
        if !status.is_success() {
            return Err(from_status(status, action, &self.host));
        }
        httpkit::decode(&text).map_err(|error| InventoryError::Unexpected {
            host: self.host.clone(),
            action: action.to_owned(),
            detail: error.to_string(),
        })
    }

    /// Every item of a list, following `next` until it is null, points to a page already
    /// read, or a page brings nothing new; past the bound on pages, an error. No item is
    /// listed twice (`key` says which are the same).
    async fn get_all<T: DeserializeOwned>(
        &self,
        path: &str,
        action: &str,
        key: impl Fn(&T) -> u64,
    ) -> Result<Vec<T>, InventoryError> {
        let paging_error = |error: httpkit::PagingError| InventoryError::Unexpected {
            host: self.host.clone(),
            action: action.to_owned(),
            detail: error.to_string(),
        };
        let mut pager = httpkit::Pager::default();
        let mut url = self.api_url(path, &[("limit", PAGE_SIZE.to_string())]);
        let mut items = Vec::new();
        while pager.visit(&url).map_err(paging_error)? {
            let page: Page<T> = self.get(url, action).await?;
            let n_new = pager
                .add(page.results, &key, &mut items)
                .map_err(paging_error)?;
            // NetBox builds `next` from the host it believes it has, which behind a proxy may
            // not be the one configured: its path and query are read from ours.
            let next = match page.next.as_deref() {
                Some(next) => httpkit::next_page(&self.api, next).map_err(paging_error)?,
                None => None,
            };
            match next {
                Some(next) if n_new > 0 => url = next,
                _ => break,
            }
        }
        Ok(items)
    }

    async fn count(&self, path: &str, site_id: u64, action: &str) -> Result<u64, InventoryError> {
        let url = self.api_url(
            path,
            &[
                ("site_id", site_id.to_string()),
                ("limit", String::from("1")),
            ],
        );
        let answer: CountDto = self.get(url, action).await?;
        Ok(answer.count)
    }

    async fn fetch_sites(&self) -> Result<Arc<[Site]>, InventoryError> {
        let sites: Vec<SiteDto> = self
            .get_all("dcim/sites/", "list sites", |site: &SiteDto| site.id)
            .await?;
        Ok(sites
            .into_iter()
            .map(|site| convert::site(site, &self.web))
            .collect())
    }
}

impl Inventory for Netbox {
    async fn sites(&self) -> Result<Arc<[Site]>, InventoryError> {
        match &self.cache {
            Some(cache) => cache
                .try_get_with((), self.fetch_sites())
                .await
                .map_err(unshared),
            None => self.fetch_sites().await,
        }
    }

    async fn site_details(&self, site_id: u64) -> Result<(Site, SiteCounts), InventoryError> {
        let action = format!("read site {site_id}");
        let dto: SiteDto = self
            .get(
                self.api_url(&format!("dcim/sites/{site_id}/"), &[]),
                &action,
            )
            .await?;
        let counts = match convert::counts(&dto) {
            Some(counts) => counts,
            // Brief, older or trimmed servers leave the counts out: ask for each count alone.
            None => SiteCounts {
                devices: self
                    .count("dcim/devices/", site_id, "count devices")
                    .await?,
                prefixes: self
                    .count("ipam/prefixes/", site_id, "count prefixes")
                    .await?,
                circuits: self
                    .count("circuits/circuits/", site_id, "count circuits")
                    .await?,
            },
        };
        Ok((convert::site(dto, &self.web), counts))
    }
}

/// The error of a listing, for one of the callers that waited for it: the error itself when
/// it is the only one, else a copy whose cause (for `Unreachable`) is the shared one's.
fn unshared(error: Arc<InventoryError>) -> InventoryError {
    let shared = match Arc::try_unwrap(error) {
        Ok(error) => return error,
        Err(shared) => shared,
    };
    match &*shared {
        InventoryError::Unauthorized => InventoryError::Unauthorized,
        InventoryError::Forbidden => InventoryError::Forbidden,
        InventoryError::SiteNotFound { name, closest } => InventoryError::SiteNotFound {
            name: name.clone(),
            closest: closest.clone(),
        },
        InventoryError::AmbiguousSite { name, matches } => InventoryError::AmbiguousSite {
            name: name.clone(),
            matches: matches.clone(),
        },
        InventoryError::Timeout { host, seconds } => InventoryError::Timeout {
            host: host.clone(),
            seconds: *seconds,
        },
        InventoryError::Unexpected {
            host,
            action,
            detail,
        } => InventoryError::Unexpected {
            host: host.clone(),
            action: action.clone(),
            detail: detail.clone(),
        },
        InventoryError::Redirected {
            host,
            action,
            refused,
        } => InventoryError::Redirected {
            host: host.clone(),
            action: action.clone(),
            refused: refused.clone(),
        },
        InventoryError::Unreachable { host, .. } => InventoryError::Unreachable {
            host: host.clone(),
            cause: Box::new(SharedCause(Arc::clone(&shared))),
        },
        InventoryError::UntrustedCertificate { host, .. } => InventoryError::UntrustedCertificate {
            host: host.clone(),
            cause: Box::new(SharedCause(Arc::clone(&shared))),
        },
    }
}

/// The cause of an error several callers share: told as the error's own cause is, with the
/// same causes below it.
#[derive(Debug)]
struct SharedCause(Arc<InventoryError>);

impl std::fmt::Display for SharedCause {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match std::error::Error::source(&*self.0) {
            Some(cause) => std::fmt::Display::fmt(cause, f),
            None => Ok(()),
        }
    }
}

impl std::error::Error for SharedCause {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        std::error::Error::source(&*self.0).and_then(std::error::Error::source)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn check(input: &str, expect: Option<&str>) {
        assert_eq!(
            web_base(input).map(String::from).as_deref(),
            expect,
            "{input:?}"
        );
    }

    #[test]
    fn the_url_may_have_a_trailing_slash_or_api() {
        check("https://nb.example.org", Some("https://nb.example.org/"));
        check("https://nb.example.org/", Some("https://nb.example.org/"));
        check(
            "https://nb.example.org/api",
            Some("https://nb.example.org/"),
        );
        check(
            "https://nb.example.org/api/",
            Some("https://nb.example.org/"),
        );
        check(
            "https://example.org/netbox/api/",
            Some("https://example.org/netbox/"),
        );
        check("nb.example.org", None);
        check("ftp://nb.example.org", None);
    }

    #[test]
    fn a_shared_listing_error_reads_the_same_for_every_caller() {
        let refused = std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "refused");
        let error = Arc::new(InventoryError::Unreachable {
            host: "nb".into(),
            cause: Box::new(refused),
        });
        let expected = ports::with_causes(&*error);
        let other_caller = Arc::clone(&error);

        let first = unshared(error);
        let last = unshared(other_caller);

        assert_eq!(ports::with_causes(&first), expected);
        assert_eq!(ports::with_causes(&last), expected);
        assert_eq!(expected, "cannot reach NetBox at nb: refused");
    }

    #[test]
    fn tokens_pick_their_scheme_and_never_show() {
        let v1 = NetboxToken::new("0123456789abcdef0123456789abcdef01234567");
        let v2 = NetboxToken::new("nbt_abc.def");
        assert!(v1.header().unwrap().to_str().unwrap().starts_with("Token "));
        assert!(v2
            .header()
            .unwrap()
            .to_str()
            .unwrap()
            .starts_with("Bearer nbt_"));
        let debug = format!("{v1:?} {v2:?}");
        assert!(
            !debug.contains("0123") && !debug.contains("nbt_"),
            "{debug}"
        );
        assert!(debug.contains("[REDACTED]"), "{debug}");
        assert!(v1.header().unwrap().is_sensitive());
    }
}
