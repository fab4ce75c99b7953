//! `netbot check`'s decisions: what a deployment's facts mean, as one verdict per check, and
//! how the verdicts read (a line each, or JSON). The facts are gathered by the app through
//! the adapters; every branch that turns them into words lives here, where it is cheap to test.

mod report;

pub use report::{json, state, text, State};

/// What one check found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// All good; the detail says what was seen (never a secret).
    Pass(String),
    /// Something is wrong: what, and what to do about it.
    Fail {
        /// What is wrong.
        problem: String,
        /// What to do.
        fix: String,
    },
    /// Works, but not as it could: what happens instead, and what to do about it. Not a
    /// failure (`netbot check` still succeeds).
    Warn {
        /// What happens.
        problem: String,
        /// What to do.
        fix: String,
    },
    /// Not checked, and not a failure: why (an optional service not configured, or a check
    /// that needs one that already failed).
    Skip(String),
}

/// One check and its outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    /// Its name, e.g. `redmine key`.
    pub name: String,
    /// What it found.
    pub outcome: Outcome,
}

impl Check {
    /// A check that passed.
    #[must_use]
    pub fn pass(name: impl Into<String>, detail: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            outcome: Outcome::Pass(detail.into()),
        }
    }

    /// A check that failed: what is wrong, and what to do.
    #[must_use]
    pub fn fail(
        name: impl Into<String>,
        problem: impl Into<String>,
        fix: impl Into<String>,
    ) -> Self {
        Self {
            name: name.into(),
            outcome: Outcome::Fail {
                problem: problem.into(),
                fix: fix.into(),
            },
        }
    }

    /// A check that found something working, but not as it could: what happens, and what to
    /// do.
    #[must_use]
    pub fn warn(
        name: impl Into<String>,
        problem: impl Into<String>,
        fix: impl Into<String>,
    ) -> Self {
        Self {
            name: name.into(),
            outcome: Outcome::Warn {
                problem: problem.into(),
                fix: fix.into(),
            },
        }
    }

    /// A check not made, and why.
    #[must_use]
    pub fn skip(name: impl Into<String>, reason: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            outcome: Outcome::Skip(reason.into()),
        }
    }

    /// Whether it failed.
    #[must_use]
    pub fn failed(&self) -> bool {
        matches!(self.outcome, Outcome::Fail { .. })
    }

    /// Its one line: `✓ name: detail`, `✗ name: problem — fix`, `! name: problem — fix` (a
    /// warning), or `- name: skipped (why)`.
    #[must_use]
    pub fn line(&self) -> String {
        match &self.outcome {
            Outcome::Pass(detail) if detail.is_empty() => format!("✓ {}", self.name),
            Outcome::Pass(detail) => format!("✓ {}: {detail}", self.name),
            Outcome::Fail { problem, fix } => format!("✗ {}: {problem} — {fix}", self.name),
            Outcome::Warn { problem, fix } => format!("! {}: {problem} — {fix}", self.name),
            Outcome::Skip(reason) => format!("- {}: skipped ({reason})", self.name),
        }
    }
}

/// A permission the bot needs in a channel, named as Discord's settings name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ChannelRight {
    /// See the channel at all.
    ViewChannel,
    /// Post messages.
    SendMessages,
    /// Open public threads.
    CreatePublicThreads,
    /// Post in threads.
    SendMessagesInThreads,
    /// Read what was written before.
    ReadMessageHistory,
    /// Archive and unarchive threads.
    ManageThreads,
}

impl ChannelRight {
    /// Its name in Discord's channel settings.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::ViewChannel => "View Channel",
            Self::SendMessages => "Send Messages",
            Self::CreatePublicThreads => "Create Public Threads",
            Self::SendMessagesInThreads => "Send Messages in Threads",
            Self::ReadMessageHistory => "Read Message History",
            Self::ManageThreads => "Manage Threads",
        }
    }
}

/// What the bot needs in every configured channel.
pub const CHANNEL_RIGHTS: [ChannelRight; 5] = [
    ChannelRight::ViewChannel,
    ChannelRight::SendMessages,
    ChannelRight::CreatePublicThreads,
    ChannelRight::SendMessagesInThreads,
    ChannelRight::ReadMessageHistory,
];

/// What the bot needs where the threader opens, archives and unarchives threads.
pub const THREAD_CHANNEL_RIGHTS: [ChannelRight; 6] = [
    ChannelRight::ViewChannel,
    ChannelRight::SendMessages,
    ChannelRight::CreatePublicThreads,
    ChannelRight::SendMessagesInThreads,
    ChannelRight::ReadMessageHistory,
    ChannelRight::ManageThreads,
];

/// What was found about one configured channel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChannelFinding {
    /// No such channel, or one the bot cannot see at all.
    NotFound,
    /// A channel of another server.
    OtherGuild,
    /// In the guild; these rights are missing (none: all good).
    Missing(Vec<ChannelRight>),
}

/// The verdict on one configured channel: `key` is where netbot.toml names it.
#[must_use]
pub fn channel(key: &str, id: u64, finding: &ChannelFinding) -> Check {
    let name = format!("channel {key}");
    match finding {
        ChannelFinding::NotFound => Check::fail(
            name,
            format!("no channel {id} that the bot can see"),
            format!("set {key} in netbot.toml to a text channel of the server (right-click → Copy Channel ID)"),
        ),
        ChannelFinding::OtherGuild => Check::fail(
            name,
            format!("channel {id} belongs to another server"),
            format!("set {key} in netbot.toml to a channel of DISCORD_GUILD_ID's server"),
        ),
        ChannelFinding::Missing(missing) if missing.is_empty() => {
            Check::pass(name, format!("{id}"))
        }
        ChannelFinding::Missing(missing) => {
            let names: Vec<&str> = missing.iter().map(|right| right.name()).collect();
            Check::fail(
                name,
                format!("the bot lacks {} in channel {id}", names.join(", ")),
                "allow them to the bot's role in the channel's permissions (Edit Channel → Permissions)",
            )
        }
    }
}

/// A custom field as the tracker describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldFound {
    /// Its name.
    pub name: String,
    /// What it is on: `user`, `issue`, `project`, …
    pub on: String,
    /// Its format: `string`, `link`, `int`, …
    pub format: String,
}

/// A custom field the configuration names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldWanted<'a> {
    /// Where netbot.toml names it, e.g. `threader.thread_field`.
    pub key: &'a str,
    /// Its configured name.
    pub name: &'a str,
    /// What it must be on: `user` or `issue`.
    pub on: &'a str,
    /// The formats that work.
    pub formats: &'a [&'a str],
}

/// The verdict on one custom field: it exists (by name, without regard to case), on the
/// right kind of object, with a usable format.
#[must_use]
pub fn custom_field(wanted: &FieldWanted<'_>, fields: &[FieldFound]) -> Check {
    let name = format!("custom field \"{}\"", wanted.name);
    let create = format!(
        "create it in Redmine (Administration → Custom fields → New, {} field, format {}), or set {} in netbot.toml",
        wanted.on,
        wanted.formats.join(" or "),
        wanted.key
    );
    let same_name: Vec<&FieldFound> = fields
        .iter()
        .filter(|field| field.name.trim().eq_ignore_ascii_case(wanted.name.trim()))
        .collect();
    let Some(field) = same_name
        .iter()
        .find(|field| field.on == wanted.on)
        .or_else(|| same_name.first())
    else {
        return Check::fail(
            name,
            format!("Redmine has no custom field named \"{}\"", wanted.name),
            create,
        );
    };
    if field.on != wanted.on {
        return Check::fail(
            name,
            format!("it is {} field, not {} field", a(&field.on), a(wanted.on)),
            create,
        );
    }
    if !wanted.formats.contains(&field.format.as_str()) {
        return Check::fail(
            name,
            format!(
                "its format is {}, not {}",
                field.format,
                wanted.formats.join(" or ")
            ),
            create,
        );
    }
    Check::pass(name, format!("{} field, {}", field.on, field.format))
}

/// `a user`, `an issue` (no field kind starts with a vowel sound written `u`).
fn a(word: &str) -> String {
    if word.starts_with(['a', 'e', 'i', 'o']) {
        format!("an {word}")
    } else {
        format!("a {word}")
    }
}

/// The verdict on names the configuration uses (statuses, trackers, groups, projects): each
/// `(key, name)` must be among `known` (without regard to case).
#[must_use]
pub fn names(
    check: &str,
    kind: &str,
    configured: &[(String, String)],
    known: &[String],
    fix: &str,
) -> Check {
    let missing: Vec<String> = configured
        .iter()
        .filter(|(_, name)| {
            !known
                .iter()
                .any(|known| known.eq_ignore_ascii_case(name.trim()))
        })
        .map(|(key, name)| format!("\"{name}\" ({key})"))
        .collect();
    if missing.is_empty() {
        let mut found: Vec<&str> = configured.iter().map(|(_, name)| name.as_str()).collect();
        found.dedup();
        return Check::pass(check, found.join(", "));
    }
    let mut known: Vec<&str> = known.iter().map(String::as_str).collect();
    known.sort_unstable();
    let known = if known.is_empty() {
        String::from("none")
    } else {
        known.join(", ")
    };
    Check::fail(
        check,
        format!(
            "Redmine has no {kind} {} (known: {known})",
            missing.join(", ")
        ),
        fix,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(name: &str, on: &str, format: &str) -> FieldFound {
        FieldFound {
            name: name.into(),
            on: on.into(),
            format: format.into(),
        }
    }

    const THREAD: FieldWanted<'static> = FieldWanted {
        key: "threader.thread_field",
        name: "Discord thread",
        on: "issue",
        formats: &["string", "link"],
    };

    #[track_caller]
    fn check_field(fields: &[FieldFound], expect: &str) {
        assert_eq!(custom_field(&THREAD, fields).line(), expect);
    }

    #[test]
    fn a_custom_field_must_exist_on_the_right_object_with_a_usable_format() {
        check_field(
            &[field("discord THREAD", "issue", "link")],
            "✓ custom field \"Discord thread\": issue field, link",
        );
        check_field(
            &[
                field("Discord thread", "user", "string"),
                field("Discord thread", "issue", "string"),
            ],
            "✓ custom field \"Discord thread\": issue field, string",
        );
        check_field(
            &[],
            "✗ custom field \"Discord thread\": Redmine has no custom field named \"Discord thread\" — create it in Redmine (Administration → Custom fields → New, issue field, format string or link), or set threader.thread_field in netbot.toml",
        );
        check_field(
            &[field("Discord thread", "user", "string")],
            "✗ custom field \"Discord thread\": it is a user field, not an issue field — create it in Redmine (Administration → Custom fields → New, issue field, format string or link), or set threader.thread_field in netbot.toml",
        );
        check_field(
            &[field("Discord thread", "issue", "int")],
            "✗ custom field \"Discord thread\": its format is int, not string or link — create it in Redmine (Administration → Custom fields → New, issue field, format string or link), or set threader.thread_field in netbot.toml",
        );
    }

    #[test]
    fn configured_names_are_found_without_regard_to_case_and_missing_ones_listed() {
        let known = vec![String::from("New"), String::from("Closed")];
        let configured = vec![
            (String::from("statuses.new"), String::from("new")),
            (String::from("statuses.resolved"), String::from("Done")),
        ];
        assert_eq!(
            names("statuses", "status", &configured[..1], &known, "fix").line(),
            "✓ statuses: new"
        );
        assert_eq!(
            names("statuses", "status", &configured, &known, "set [statuses]").line(),
            "✗ statuses: Redmine has no status \"Done\" (statuses.resolved) (known: Closed, New) — set [statuses]"
        );
    }

    #[test]
    fn a_channel_lists_the_rights_the_bot_lacks() {
        let missing = ChannelFinding::Missing(vec![
            ChannelRight::SendMessages,
            ChannelRight::ManageThreads,
        ]);
        assert_eq!(
            channel("threader.channel", 7, &missing).line(),
            "✗ channel threader.channel: the bot lacks Send Messages, Manage Threads in channel 7 — allow them to the bot's role in the channel's permissions (Edit Channel → Permissions)"
        );
        assert_eq!(
            channel("channels.intake", 7, &ChannelFinding::Missing(Vec::new())).line(),
            "✓ channel channels.intake: 7"
        );
    }
}
