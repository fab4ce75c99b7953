//! The HTTP side: `GET /healthz` and `GET /metrics` on hyper, in a spawned task until the
//! stop token is cancelled. Answers are made from the state at the time of the request;
//! nothing of the request is echoed, bodies are a line or the metrics text.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::Full;
use hyper::header::{HeaderValue, ALLOW, CACHE_CONTROL, CONTENT_TYPE};
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tokio_util::sync::CancellationToken;

use crate::Health;

/// Most connections served at once; more are closed at once (a probe retries).
const MAX_CONNECTIONS: usize = 32;

/// How long a client may take to send its request's head.
const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(5);

/// How long one connection may stay open, whatever it does.
const CONNECTION_LIMIT: Duration = Duration::from_secs(30);

const TEXT: &str = "text/plain; charset=utf-8";
const OPENMETRICS: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

/// Why the health endpoint could not be served.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// The address could not be listened on (in use, not this host's, not allowed).
    #[error("cannot listen on {addr}")]
    Bind {
        /// The address asked for.
        addr: SocketAddr,
        /// What the system said.
        #[source]
        source: std::io::Error,
    },
}

impl Health {
    /// Listens on `addr` and answers `/healthz` and `/metrics` from this health in a spawned
    /// task until `stop` is cancelled; returns the address bound (the port chosen, for
    /// port 0).
    ///
    /// # Errors
    /// [`ServeError::Bind`] when the address cannot be listened on.
    pub async fn serve(
        &self,
        addr: SocketAddr,
        stop: CancellationToken,
    ) -> Result<SocketAddr, ServeError> {
        let bind = |source| ServeError::Bind { addr, source };
        let listener = TcpListener::bind(addr).await.map_err(bind)?;
        let bound = listener.local_addr().map_err(bind)?;
        tokio::spawn(accept(listener, self.clone(), stop));
        Ok(bound)
    }
}

async fn accept(listener: TcpListener, health: Health, stop: CancellationToken) {
    let connections = Arc::new(Semaphore::new(MAX_CONNECTIONS));
    loop {
        let stream = tokio::select! {
            () = stop.cancelled() => return,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(error) => {
                    // Out of descriptors, or a connection reset before it was taken: wait a
                    // little rather than spin.
                    tracing::debug!(%error, "the health endpoint could not accept a connection");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
        };
        let Ok(permit) = Arc::clone(&connections).try_acquire_owned() else {
            continue;
        };
        let health = health.clone();
        let stop = stop.clone();
        tokio::spawn(async move {
            let _permit = permit;
            let service = hyper::service::service_fn(move |request: Request<_>| {
                let response = answer(&health, request.method(), request.uri().path());
                async move { Ok::<_, Infallible>(response) }
            });
            let connection = hyper::server::conn::http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(HEADER_READ_TIMEOUT)
                .serve_connection(TokioIo::new(stream), service);
            tokio::select! {
                _ = tokio::time::timeout(CONNECTION_LIMIT, connection) => {}
                () = stop.cancelled() => {}
            }
        });
    }
}

/// The answer to `method path`, from the health as it is now.
fn answer(health: &Health, method: &Method, path: &str) -> Response<Full<Bytes>> {
    let known = matches!(path, "/healthz" | "/metrics");
    if !known {
        return response(StatusCode::NOT_FOUND, TEXT, String::from("not found\n"));
    }
    if method != Method::GET && method != Method::HEAD {
        let mut refused = response(
            StatusCode::METHOD_NOT_ALLOWED,
            TEXT,
            String::from("only GET and HEAD\n"),
        );
        refused
            .headers_mut()
            .insert(ALLOW, HeaderValue::from_static("GET, HEAD"));
        return refused;
    }
    if path == "/metrics" {
        return response(StatusCode::OK, OPENMETRICS, health.metrics_text());
    }
    match health.verdict() {
        Ok(()) => response(StatusCode::OK, TEXT, String::from("ok\n")),
        Err(why) => response(StatusCode::SERVICE_UNAVAILABLE, TEXT, format!("{why}\n")),
    }
}

fn response(status: StatusCode, content_type: &'static str, body: String) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from(body)));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}
