//! What a fixture server received, in a form tests can assert on and snapshot.

use std::fmt::Write as _;

use wiremock::{MockServer, Request};

/// The requests a server received, one line each: `METHOD /path?sorted&query [headers] body`.
///
/// Query pairs are sorted, keys are shown only as present or absent (tokens by scheme), and
/// `X-Redmine-Switch-User` is shown when sent, so a snapshot pins down exactly what went out.
///
/// # Panics
/// When the server was started without request recording.
pub async fn received(server: &MockServer) -> Vec<String> {
    let requests = server.received_requests().await.unwrap_or_default();
    requests.iter().map(describe).collect()
}

/// One request as a line: see [`received`].
#[must_use]
pub fn describe(request: &Request) -> String {
    let mut pairs: Vec<(String, String)> = request
        .url
        .query_pairs()
        .map(|(name, value)| (name.into_owned(), value.into_owned()))
        .collect();
    pairs.sort();
    let mut line = format!("{} {}", request.method, request.url.path());
    for (i, (name, value)) in pairs.iter().enumerate() {
        let _ = write!(line, "{}{name}={value}", if i == 0 { '?' } else { '&' });
    }
    let header = |name: &str| {
        request
            .headers
            .get(name)
            .and_then(|value| value.to_str().ok())
            .map(str::to_owned)
    };
    match (header("x-redmine-api-key"), header("authorization")) {
        (None, None) => line.push_str(" [no key]"),
        // The scheme only: `Token` for classic NetBox tokens, `Bearer` for v2 ones.
        (_, Some(authorization)) => {
            let scheme = authorization.split(' ').next().unwrap_or_default();
            let _ = write!(line, " [{scheme} …]");
        }
        (Some(_), None) => {}
    }
    if let Some(login) = header("x-redmine-switch-user") {
        let _ = write!(line, " [as {login}]");
    }
    if !request.body.is_empty() {
        let _ = write!(line, " {}", String::from_utf8_lossy(&request.body));
    }
    line
}
