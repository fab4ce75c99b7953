//! netbot's test kit: fixture servers on wiremock, fed by the recorded JSON in `fixtures/`,
//! and helpers that let a test read as arrange / act / assert.
//!
//! Also linked into the apps for `--demo`, which runs against the same fixture servers.

pub mod netbox;
pub mod real_netbox;
pub mod real_redmine;
pub mod redmine;
pub mod requests;
pub mod tls;

use include_dir::{include_dir, Dir};
use serde_json::Value;

/// Every recorded fixture, embedded so that tests and demos run from any directory.
static FIXTURES: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/../fixtures");

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
