//! netbot's test kit: fixture servers on wiremock, fed by the recorded JSON in `fixtures/`,
//! and helpers that let a test read as arrange / act / assert.
//!
//! For tests only (a dev-dependency of every crate that uses it): `--demo` runs against the
//! `demo` crate's fakes, which this kit serves on wiremock for the end-to-end tests.

pub mod discord;
pub mod gateway;
pub mod netbox;
pub mod process;
pub mod real_netbox;
pub mod real_redmine;
pub mod redmine;
pub mod requests;
pub mod tls;

use include_dir::{include_dir, Dir};
use serde_json::Value;

/// Every recorded fixture, embedded so that tests and demos run from any directory.
static FIXTURES: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/../fixtures");

/// One of the `demo` crate's fakes answering a wiremock server's requests.
pub(crate) struct Served<F>(pub(crate) F);

impl<F: demo::server::Fake> wiremock::Respond for Served<F> {
    fn respond(&self, request: &wiremock::Request) -> wiremock::ResponseTemplate {
        let request = demo::server::Request {
            method: request.method.as_str().to_owned(),
            url: request.url.clone(),
            headers: request
                .headers
                .iter()
                .filter_map(|(name, value)| {
                    Some((name.as_str().to_owned(), value.to_str().ok()?.to_owned()))
                })
                .collect(),
            body: request.body.clone(),
        };
        let answer = self.0.respond(&request);
        let template = wiremock::ResponseTemplate::new(answer.status);
        match (answer.body, answer.file) {
            (Some(body), _) => template.set_body_json(body),
            (None, Some((content_type, bytes))) => template.set_body_raw(bytes, &content_type),
            (None, None) => template,
        }
    }
}

/// A recorded JSON fixture, e.g. `fixture("redmine/issue__42.json")`.
///
/// # Panics
/// When the fixture does not exist or is not JSON: a broken test kit, not a test failure.
#[must_use]
#[allow(clippy::panic)]
pub fn fixture(path: &str) -> Value {
    let Some(file) = FIXTURES.get_file(path) else {
        panic!("no fixture fixtures/{path}");
    };
    match serde_json::from_slice(file.contents()) {
        Ok(value) => value,
        Err(error) => panic!("fixture fixtures/{path} is not JSON: {error}"),
    }
}

/// A real server's seed, made once per test process on its own thread and runtime (tests
/// each run their own runtime), from the values of the `required` variables.
///
/// `None` when the variables are unset, with a loud message, except under `CI=true`, where a
/// missing server is a failure.
///
/// # Panics
/// Under `CI=true` without the variables, and whenever seeding fails.
#[allow(clippy::panic, clippy::print_stderr)]
pub(crate) fn seed_once<S, F, Fut>(
    cell: &'static std::sync::OnceLock<Result<S, String>>,
    server: &str,
    script: &str,
    required: &[&str],
    seed: F,
) -> Option<&'static S>
where
    S: Send + Sync + 'static,
    F: FnOnce(Vec<String>) -> Fut + Send + 'static,
    Fut: std::future::Future<Output = Result<S, String>>,
{
    let values: Option<Vec<String>> = required
        .iter()
        .map(|name| std::env::var(name).ok().filter(|value| !value.is_empty()))
        .collect();
    let Some(values) = values else {
        assert!(
            std::env::var("CI").map_or(true, |value| value != "true"),
            "CI=true but {} are not set: .ci/run must start the real {server} ({script})",
            required.join(" / ")
        );
        eprintln!(
            "\n!!! SKIPPING the real-{server} contract test: {} is not set.\n\
             !!! Run {script} (root, Debian) and export what it prints.\n",
            required[0]
        );
        return None;
    };
    let seeded = cell.get_or_init(|| {
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(|error| error.to_string())?;
            runtime.block_on(seed(values))
        })
        .join()
        .unwrap_or_else(|_| Err(String::from("the seeding thread panicked")))
    });
    match seeded {
        Ok(seed) => Some(seed),
        Err(error) => panic!("seeding the real {server} failed: {error}"),
    }
}

/// A suffix unique to this test run, so that reruns against the same server do not collide.
#[must_use]
pub(crate) fn run_suffix() -> String {
    let millis = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|elapsed| elapsed.as_millis())
        .unwrap_or_default();
    (millis % 100_000_000).to_string()
}
