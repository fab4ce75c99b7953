//! A small HTTP/1.1 server on loopback (hyper) for the demo's fakes: one request in, one JSON
//! answer out. The fakes see a [`Request`] and answer a [`Response`], so that `testkit` can
//! serve the same fakes on wiremock.

use std::collections::BTreeMap;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;

use http_body_util::{BodyExt as _, Full};
use hyper::body::{Bytes, Incoming};
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use serde_json::Value;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use url::Url;

/// The largest request body the demo server reads.
const MAX_BODY_BYTES: usize = 1 << 20;

/// A request as a fake sees it.
#[derive(Debug, Clone)]
pub struct Request {
    /// `GET`, `PUT`, …
    pub method: String,
    /// The full URL, with the server's own address as host.
    pub url: Url,
    /// Headers by lower-case name (the last value of a repeated header).
    pub headers: BTreeMap<String, String>,
    /// The body as sent.
    pub body: Vec<u8>,
}

impl Request {
    /// The query pairs, decoded (the last value of a repeated name).
    #[must_use]
    pub fn query(&self) -> BTreeMap<String, String> {
        self.url
            .query_pairs()
            .map(|(name, value)| (name.into_owned(), value.into_owned()))
            .collect()
    }

    /// A header's value, by any case of its name.
    #[must_use]
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .get(&name.to_ascii_lowercase())
            .map(String::as_str)
    }
}

/// A fake's answer: a status and, unless empty, a JSON body.
#[derive(Debug, Clone, PartialEq)]
pub struct Response {
    /// The HTTP status.
    pub status: u16,
    /// The JSON body, if any.
    pub body: Option<Value>,
    /// A file's body instead, as (media type, bytes).
    pub file: Option<(String, Vec<u8>)>,
}

impl Response {
    /// `status` with a JSON body.
    #[must_use]
    pub fn json(status: u16, body: Value) -> Self {
        Self {
            status,
            body: Some(body),
            file: None,
        }
    }

    /// `200` with a file's bytes as the body.
    #[must_use]
    pub fn file(content_type: &str, bytes: Vec<u8>) -> Self {
        Self {
            status: 200,
            body: None,
            file: Some((content_type.to_owned(), bytes)),
        }
    }

    /// `status` with an empty body.
    #[must_use]
    pub fn empty(status: u16) -> Self {
        Self {
            status,
            body: None,
            file: None,
        }
    }
}

/// Something that answers requests like a server would.
pub trait Fake: Send + Sync + 'static {
    /// The answer to one request.
    fn respond(&self, request: &Request) -> Response;
}

/// A fake served on a free loopback port until dropped.
#[derive(Debug)]
pub struct Server {
    address: SocketAddr,
    task: JoinHandle<()>,
}

impl Server {
    /// Serves `fake` on a free loopback port.
    ///
    /// # Errors
    /// When no loopback port can be bound.
    pub async fn start(fake: impl Fake) -> std::io::Result<Self> {
        let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
        let address = listener.local_addr()?;
        let fake: Arc<dyn Fake> = Arc::new(fake);
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let fake = Arc::clone(&fake);
                tokio::spawn(async move {
                    let service = service_fn(move |request| {
                        let fake = Arc::clone(&fake);
                        async move { Ok::<_, Infallible>(answer(&*fake, address, request).await) }
                    });
                    // A connection the client drops is no concern of the demo's.
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
        });
        Ok(Self { address, task })
    }

    /// The base URL, e.g. `http://127.0.0.1:41234`.
    #[must_use]
    pub fn url(&self) -> String {
        format!("http://{}", self.address)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn answer(
    fake: &dyn Fake,
    address: SocketAddr,
    request: hyper::Request<Incoming>,
) -> hyper::Response<Full<Bytes>> {
    let (parts, body) = request.into_parts();
    let body = match http_body_util::Limited::new(body, MAX_BODY_BYTES)
        .collect()
        .await
    {
        Ok(collected) => collected.to_bytes().to_vec(),
        Err(_) => return reply(&Response::empty(413)),
    };
    let path_and_query = parts
        .uri
        .path_and_query()
        .map_or("/", hyper::http::uri::PathAndQuery::as_str);
    let Ok(url) = Url::parse(&format!("http://{address}{path_and_query}")) else {
        return reply(&Response::empty(400));
    };
    let headers = parts
        .headers
        .iter()
        .filter_map(|(name, value)| {
            Some((name.as_str().to_owned(), value.to_str().ok()?.to_owned()))
        })
        .collect();
    let request = Request {
        method: parts.method.as_str().to_owned(),
        url,
        headers,
        body,
    };
    reply(&fake.respond(&request))
}

fn reply(response: &Response) -> hyper::Response<Full<Bytes>> {
    let mut builder = hyper::Response::builder().status(response.status);
    let body = match &response.body {
        Some(json) => {
            builder = builder.header("content-type", "application/json");
            Bytes::from(json.to_string())
        }
        None => match &response.file {
            Some((content_type, bytes)) => {
                builder = builder.header("content-type", content_type.as_str());
                Bytes::from(bytes.clone())
            }
            None => Bytes::new(),
        },
    };
    builder
        .body(Full::new(body))
        .unwrap_or_else(|_| hyper::Response::new(Full::new(Bytes::new())))
}
