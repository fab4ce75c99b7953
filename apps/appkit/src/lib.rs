//! What every netbot binary does the same way: settings from the environment (and `.env`),
//! exit codes, logging to stderr, and writing the output.

use std::io::{IsTerminal as _, Write as _};
use std::process::ExitCode;

use anyhow::Context as _;
use domain::render::text::Colour;

/// A failure and the exit status it earns: 1 for a failed action, 2 for usage or settings.
#[derive(Debug)]
pub struct Failure {
    error: anyhow::Error,
    code: u8,
}

impl Failure {
    /// The failure as one line (its causes included), for a log.
    #[must_use]
    pub fn message(&self) -> String {
        domain::render::one_line(&format!("{:#}", self.error))
    }
}

/// A usage or configuration error: exit status 2.
pub fn usage(error: impl Into<anyhow::Error>) -> Failure {
    Failure {
        error: error.into(),
        code: 2,
    }
}

/// A failed action (not found, refused, unreachable): exit status 1.
pub fn failed(error: impl Into<anyhow::Error>) -> Failure {
    Failure {
        error: error.into(),
        code: 1,
    }
}

/// The settings a `.env` file may set: netbot's own. Anything else there (`HTTP_PROXY`,
/// `SSL_CERT_FILE`, `LD_PRELOAD`, …) would change how the programs talk to the world and is
/// ignored with a warning.
const DOTENV_PREFIXES: [&str; 5] = ["REDMINE_", "NETBOX_", "DISCORD_", "NETBOT_", "TICKETS_"];
const DOTENV_NAMES: [&str; 2] = ["RUST_LOG", "NO_COLOR"];

/// The largest `.env` read, in bytes.
const MAX_DOTENV_BYTES: u64 = 64 * 1024;

/// Whether a `.env` file may set this variable.
#[must_use]
pub fn dotenv_may_set(name: &str) -> bool {
    DOTENV_PREFIXES
        .iter()
        .any(|prefix| name.starts_with(prefix))
        || DOTENV_NAMES.contains(&name)
}

/// Reads `./.env` if there is one (the working directory only, never a parent's), then logs
/// to stderr, filtered by `RUST_LOG` (default `warn`; it may come from `.env` too), as plain
/// text or, with `NETBOT_LOG_FORMAT=json`, as one JSON object a line. The environment wins
/// over `.env`.
///
/// # Errors
/// A settings failure (exit status 2) naming what is wrong with `.env`: not a file,
/// unreadable, too large, or a line that does not parse.
pub fn start() -> Result<(), Failure> {
    // Read first, so that RUST_LOG and NETBOT_LOG_FORMAT may come from it.
    let dotenv = load_dotenv(std::path::Path::new(".env"));
    let filter = env::var("RUST_LOG").unwrap_or_else(|| String::from("warn"));
    let format = env::var("NETBOT_LOG_FORMAT").map(|format| format.to_ascii_lowercase());
    let json = format.as_deref() == Some("json");
    let subscriber = logging::subscriber(
        &filter,
        json,
        !json && std::io::stderr().is_terminal(),
        std::io::stderr,
    );
    let _ = tracing::subscriber::set_global_default(subscriber);
    if let Some(other) = format.filter(|format| !matches!(format.as_str(), "json" | "text")) {
        tracing::warn!(
            format = %domain::render::one_line(&other),
            "NETBOT_LOG_FORMAT must be json or text; logging as text"
        );
    }
    for name in dotenv? {
        tracing::warn!(
            variable = %domain::render::one_line(&name),
            "ignored in .env: it may set only netbot's own settings (REDMINE_*, NETBOX_*, DISCORD_*, NETBOT_*, TICKETS_*, RUST_LOG, NO_COLOR)"
        );
    }
    Ok(())
}

/// Sets the allowed variables of the `.env` at `path` that the environment does not set;
/// returns the names it ignored. A missing file is fine.
fn load_dotenv(path: &std::path::Path) -> Result<Vec<String>, Failure> {
    use std::io::Read as _;
    let fail = |reason: String| usage(anyhow::anyhow!("{}: {reason}", path.display()));
    let file = match std::fs::File::open(path) {
        Ok(file) => file,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(error) => return Err(fail(format!("cannot be read ({error})"))),
    };
    let metadata = file
        .metadata()
        .map_err(|error| fail(format!("cannot be read ({error})")))?;
    if !metadata.is_file() {
        return Err(fail(String::from("is not a regular file")));
    }
    let mut text = String::new();
    file.take(MAX_DOTENV_BYTES + 1)
        .read_to_string(&mut text)
        .map_err(|error| fail(format!("cannot be read ({error})")))?;
    if text.len() as u64 > MAX_DOTENV_BYTES {
        return Err(fail(format!(
            "is larger than {} KiB",
            MAX_DOTENV_BYTES / 1024
        )));
    }
    let mut ignored = Vec::new();
    for entry in dotenvy::from_read_iter(text.as_bytes()) {
        let (name, value) = entry.map_err(|error| fail(dotenv_problem(&error, &text)))?;
        if !dotenv_may_set(&name) {
            ignored.push(name);
        } else if std::env::var_os(&name).is_none() {
            std::env::set_var(&name, value);
        }
    }
    Ok(ignored)
}

/// What is wrong with a `.env`, by line number: dotenvy's own message quotes the line,
/// which may hold a secret.
fn dotenv_problem(error: &dotenvy::Error, text: &str) -> String {
    match error {
        dotenvy::Error::LineParse(line, _) => {
            let first = line.lines().next().unwrap_or_default().trim();
            let number = text
                .lines()
                .position(|candidate| !first.is_empty() && candidate.trim() == first)
                .map_or_else(String::new, |index| format!(" {}", index + 1));
            format!("line{number} is not NAME=value")
        }
        dotenvy::Error::Io(error) => format!("cannot be read ({error})"),
        _ => String::from("cannot be read"),
    }
}

/// The exit status for a result, with a failure printed as one line: `PROGRAM: error: …`.
///
/// The message is cleaned for a terminal: errors quote servers (a 422's reasons, names,
/// status names), and no escape sequence, line break or bidi control of theirs gets through.
pub fn finish(program: &str, result: Result<(), Failure>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            let message = domain::render::one_line(&format!("{:#}", failure.error));
            let _ = writeln!(std::io::stderr(), "{program}: error: {message}");
            ExitCode::from(failure.code)
        }
    }
}

/// Colour when standard output is a terminal and `NO_COLOR` is not set.
#[must_use]
pub fn colour() -> Colour {
    if std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none() {
        Colour::Always
    } else {
        Colour::Never
    }
}

/// Writes the output with exactly one final newline.
///
/// # Errors
/// A failure when standard output cannot be written.
pub fn print(output: &str) -> Result<(), Failure> {
    let mut stdout = std::io::stdout().lock();
    match write!(stdout, "{}", output.trim_end()).and_then(|()| writeln!(stdout)) {
        // `tickets | head` closing the pipe early is not a failure.
        Err(error) if error.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        result => result.context("writing the output").map_err(failed),
    }
}

pub mod health;
pub mod settings;
pub mod words;

/// Settings from the environment.
pub mod env {
    use std::time::Duration;

    use anyhow::{bail, Context as _, Result};

    /// A variable; an empty value counts as unset.
    #[must_use]
    pub fn var(name: &str) -> Option<String> {
        std::env::var(name)
            .ok()
            .map(|value| value.trim().to_owned())
            .filter(|value| !value.is_empty())
    }

    /// A variable that must be set.
    ///
    /// # Errors
    /// One line naming the variable when it is unset or empty.
    pub fn required(name: &str) -> Result<String> {
        var(name).with_context(|| {
            format!("{name} is not set: put it in the environment or in a .env file here")
        })
    }

    /// A number of seconds within `1..=max`, or `default` when unset.
    ///
    /// # Errors
    /// One line naming the variable and the allowed range.
    pub fn seconds(name: &str, default: u64, max: u64) -> Result<Duration> {
        match var(name) {
            None => Ok(Duration::from_secs(default)),
            Some(text) => match text.parse::<u64>() {
                Ok(seconds) if (1..=max).contains(&seconds) => Ok(Duration::from_secs(seconds)),
                _ => bail!("{name} must be a number of seconds from 1 to {max}, not '{text}'"),
            },
        }
    }

    /// `true`/`false` (also `1`/`0`, `yes`/`no`); unset is `false`.
    ///
    /// # Errors
    /// One line naming the variable when the value is something else.
    pub fn flag(name: &str) -> Result<bool> {
        match var(name).map(|text| text.to_lowercase()).as_deref() {
            None | Some("false" | "0" | "no") => Ok(false),
            Some("true" | "1" | "yes") => Ok(true),
            Some(other) => bail!("{name} must be true or false, not '{other}'"),
        }
    }
}

/// How every binary logs.
pub mod logging {
    use tracing::{Level, Metadata, Subscriber};
    use tracing_subscriber::filter::{filter_fn, EnvFilter};
    use tracing_subscriber::fmt::MakeWriter;
    use tracing_subscriber::layer::SubscriberExt as _;

    /// What is never logged, whatever `RUST_LOG` asks: serenity's spans and events below
    /// `warn`. Its HTTP client records each whole request in a span (`#[instrument]`), and an
    /// interaction's route holds the interaction's token, which would then be printed with
    /// every event inside it (hyper's included).
    fn never_secrets(metadata: &Metadata<'_>) -> bool {
        !(metadata.target().starts_with("serenity") && *metadata.level() > Level::WARN)
    }

    /// The subscriber: `filter` in `RUST_LOG`'s syntax (an unreadable one means `warn`), JSON
    /// lines or text, written to `writer`.
    pub fn subscriber<W>(
        filter: &str,
        json: bool,
        ansi: bool,
        writer: W,
    ) -> Box<dyn Subscriber + Send + Sync>
    where
        W: for<'writer> MakeWriter<'writer> + Send + Sync + 'static,
    {
        let filter = EnvFilter::try_new(filter).unwrap_or_else(|_| EnvFilter::new("warn"));
        let base = tracing_subscriber::registry()
            .with(filter)
            .with(filter_fn(never_secrets));
        if json {
            Box::new(base.with(tracing_subscriber::fmt::layer().json().with_writer(writer)))
        } else {
            Box::new(
                base.with(
                    tracing_subscriber::fmt::layer()
                        .with_ansi(ansi)
                        .with_writer(writer),
                ),
            )
        }
    }
}
