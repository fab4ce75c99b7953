//! The `tickets` grammar, shared by the CLI and the bot's `/tickets`, parsed into a value.
//!
//! ```text
//! tickets                   open tickets assigned to me or to a team I am in
//! tickets USER              open tickets assigned to USER (login, full name, or a team name)
//! tickets N                 details of ticket N (also #N), with its notes
//! tickets QUERY...          open tickets whose subject or text contains the words
//! tickets N assign USER     assign ticket N to USER
//! tickets N unassign        clear the assignee and set the status back to New
//! tickets N progress        assign ticket N to me and set it In Progress
//! tickets N resolve         set ticket N Resolved
//! tickets N status S        set ticket N's status to S (by name)
//! tickets N priority P      set its priority to P (by name)
//! tickets N tracker T       set its tracker (kind) to T (by name)
//! tickets N subject TEXT…   set its subject
//! tickets N description TEXT…  replace its description (the tracker's history keeps the old)
//! tickets N parent M|none   make it a subtask of M, or of nothing
//! tickets N watch [USER]    add USER (default: me) to its watchers
//! tickets N unwatch [USER]  remove USER (default: me) from its watchers
//! tickets N note TEXT…      add a note
//! tickets N due DATE|none   set its due date (2026-12-24, 12/24, tomorrow, in 5 days, …)
//! ```

use thiserror::Error;

use crate::ticket::{InvalidTicketId, ParentChange, TicketId};

/// What a person asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TicketQuery {
    /// Open tickets assigned to me or one of my teams.
    Mine,
    /// One ticket with its notes.
    Show(TicketId),
    /// Words that name a user or team, or else are a search: a name wins over a search.
    NameOrSearch(Vec<String>),
    /// Change a ticket.
    Act(TicketId, Action),
}

/// A change to a ticket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Assign to the named user or team.
    Assign(String),
    /// Clear the assignee and set the "new" status.
    Unassign,
    /// Assign to me and set the "in progress" status.
    Progress,
    /// Set the "resolved" status.
    Resolve,
    /// Set the status with this name.
    Status(String),
    /// Set the priority with this name.
    Priority(String),
    /// Set the tracker (ticket kind) with this name.
    Tracker(String),
    /// Set the subject.
    Subject(String),
    /// Replace the description.
    Description(String),
    /// Set or clear the parent ticket.
    Parent(ParentChange),
    /// Add the named user (`None`: me) to the watchers.
    Watch(Option<String>),
    /// Remove the named user (`None`: me) from the watchers.
    Unwatch(Option<String>),
    /// Add a note.
    Note(String),
    /// Set the due date as typed (read against today when the change is made), or `none`.
    Due(String),
}

/// Every action verb, as typed after a ticket number.
pub const VERBS: [&str; 14] = [
    "assign",
    "unassign",
    "progress",
    "resolve",
    "status",
    "priority",
    "tracker",
    "subject",
    "description",
    "parent",
    "watch",
    "unwatch",
    "note",
    "due",
];

impl Action {
    /// The verb, as typed.
    #[must_use]
    pub fn verb(&self) -> &'static str {
        match self {
            Self::Assign(_) => "assign",
            Self::Unassign => "unassign",
            Self::Progress => "progress",
            Self::Resolve => "resolve",
            Self::Status(_) => "status",
            Self::Priority(_) => "priority",
            Self::Tracker(_) => "tracker",
            Self::Subject(_) => "subject",
            Self::Description(_) => "description",
            Self::Parent(_) => "parent",
            Self::Watch(_) => "watch",
            Self::Unwatch(_) => "unwatch",
            Self::Note(_) => "note",
            Self::Due(_) => "due",
        }
    }

    /// An action whose value is free text or a name, from its verb and the text (`None` for
    /// a verb that takes no such value, or an empty text where one is needed).
    ///
    /// # Errors
    /// [`QueryError`] when the value is missing or, for `parent`, neither a ticket number nor
    /// `none`.
    pub fn with_value(verb: &str, value: &str) -> Result<Self, QueryError> {
        let value = value.trim();
        let verb = verb.to_lowercase();
        let needs = |usage: &'static str| {
            if value.is_empty() {
                Err(QueryError::MissingValue { usage })
            } else {
                Ok(value.to_owned())
            }
        };
        let someone = (!value.is_empty()).then(|| value.to_owned());
        match verb.as_str() {
            "assign" => needs("tickets N assign USER").map(Self::Assign),
            "status" => needs("tickets N status STATUS").map(Self::Status),
            "priority" => needs("tickets N priority PRIORITY").map(Self::Priority),
            "tracker" => needs("tickets N tracker TRACKER").map(Self::Tracker),
            "subject" => needs("tickets N subject TEXT").map(Self::Subject),
            "description" => needs("tickets N description TEXT").map(Self::Description),
            "note" => needs("tickets N note TEXT").map(Self::Note),
            "parent" => {
                let value = needs("tickets N parent M|none")?;
                if value.eq_ignore_ascii_case("none") {
                    Ok(Self::Parent(ParentChange::Clear))
                } else {
                    TicketId::parse(&value)
                        .map(|parent| Self::Parent(ParentChange::Set(parent)))
                        .map_err(|_| QueryError::BadParent(value))
                }
            }
            "due" => {
                let value = needs("tickets N due DATE|none")?;
                match crate::due::unreadable(&value) {
                    None => Ok(Self::Due(value)),
                    Some(bad) => Err(QueryError::BadDue(bad)),
                }
            }
            "watch" => Ok(Self::Watch(someone)),
            "unwatch" => Ok(Self::Unwatch(someone)),
            _ => Err(QueryError::UnknownAction(verb)),
        }
    }
}

/// Why the words do not form a command.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum QueryError {
    /// `tickets N something` where something is not an action.
    #[error("unknown action '{0}' after the ticket number (expected assign, unassign, progress, resolve, status, priority, tracker, subject, description, parent, due, watch, unwatch or note)")]
    UnknownAction(String),
    /// A number that is no ticket number (`0`, too large), or anything before an action.
    #[error(transparent)]
    BadTicketNumber(#[from] InvalidTicketId),
    /// `tickets N assign` with nobody.
    #[error("'assign' needs a user or team: tickets N assign USER")]
    AssignWithoutUser,
    /// An action that needs a value, without one.
    #[error("a value is missing: {usage}")]
    MissingValue {
        /// The form that was meant.
        usage: &'static str,
    },
    /// `tickets N parent` with something that is neither a ticket number nor `none`.
    #[error("'{0}' is not a parent: give a ticket number such as 42, or none")]
    BadParent(String),
    /// `tickets N due` with something that is no date.
    #[error(transparent)]
    BadDue(#[from] crate::due::BadDue),
    /// `tickets N resolve extra words`.
    #[error("'{verb}' takes no further words, but got '{extra}'")]
    UnexpectedWords {
        /// The action.
        verb: &'static str,
        /// What followed it.
        extra: String,
    },
}

impl TicketQuery {
    /// Parses the words after `tickets`.
    ///
    /// # Errors
    /// [`QueryError`] when a ticket number is followed by something that is not an action.
    pub fn parse<S: AsRef<str>>(words: &[S]) -> Result<Self, QueryError> {
        let words: Vec<&str> = words
            .iter()
            .map(|word| word.as_ref().trim())
            .filter(|word| !word.is_empty())
            .collect();
        let Some((first, rest)) = words.split_first() else {
            return Ok(Self::Mine);
        };
        let looks_like_a_number = {
            let digits = first.strip_prefix('#').unwrap_or(first);
            !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
        };
        let before_an_action = rest
            .first()
            .is_some_and(|verb| VERBS.contains(&verb.to_lowercase().as_str()));
        let id = match TicketId::parse(first) {
            Ok(id) => id,
            // `tickets 0`, `tickets 99999999999999999999`, `tickets 5x resolve`: meant as a
            // number, so a search for them would pass a mistake as success.
            Err(invalid) if looks_like_a_number || before_an_action => return Err(invalid.into()),
            Err(_) => {
                return Ok(Self::NameOrSearch(
                    words.iter().map(|word| (*word).to_owned()).collect(),
                ));
            }
        };
        let Some((verb, args)) = rest.split_first() else {
            return Ok(Self::Show(id));
        };
        let no_args = |action: Action| {
            if args.is_empty() {
                Ok(Self::Act(id, action))
            } else {
                Err(QueryError::UnexpectedWords {
                    verb: action.verb(),
                    extra: args.join(" "),
                })
            }
        };
        match verb.to_lowercase().as_str() {
            "assign" if args.is_empty() => Err(QueryError::AssignWithoutUser),
            "unassign" => no_args(Action::Unassign),
            "progress" => no_args(Action::Progress),
            "resolve" => no_args(Action::Resolve),
            "parent" if args.len() > 1 => Err(QueryError::UnexpectedWords {
                verb: "parent",
                extra: args[1..].join(" "),
            }),
            known if VERBS.contains(&known) => {
                Action::with_value(known, &args.join(" ")).map(|action| Self::Act(id, action))
            }
            _ => Err(QueryError::UnknownAction((*verb).to_owned())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(n: u64) -> TicketId {
        TicketId::new(n).unwrap()
    }

    #[track_caller]
    fn check(input: &str, expect: Result<TicketQuery, QueryError>) {
        let words: Vec<&str> = input.split(' ').collect();
        assert_eq!(TicketQuery::parse(&words), expect, "{input:?}");
    }

    #[test]
    fn all_eight_forms_of_the_grammar_parse() {
        check("", Ok(TicketQuery::Mine));
        check("alice", Ok(TicketQuery::NameOrSearch(vec!["alice".into()])));
        check("42", Ok(TicketQuery::Show(id(42))));
        check("#42", Ok(TicketQuery::Show(id(42))));
        check(
            "rooftop node",
            Ok(TicketQuery::NameOrSearch(vec![
                "rooftop".into(),
                "node".into(),
            ])),
        );
        check(
            "42 assign Alice Liddell",
            Ok(TicketQuery::Act(
                id(42),
                Action::Assign("Alice Liddell".into()),
            )),
        );
        check(
            "42 unassign",
            Ok(TicketQuery::Act(id(42), Action::Unassign)),
        );
        check(
            "#42 progress",
            Ok(TicketQuery::Act(id(42), Action::Progress)),
        );
        check("42 RESOLVE", Ok(TicketQuery::Act(id(42), Action::Resolve)));
    }

    #[test]
    fn a_bad_number_is_a_usage_error_not_a_search() {
        for words in [
            "0",
            "#0",
            "0 resolve",
            "5x resolve",
            "99999999999999999999 assign bob",
        ] {
            let first = words.split(' ').next().unwrap();
            check(
                words,
                Err(QueryError::BadTicketNumber(InvalidTicketId(first.into()))),
            );
        }
        check("5G", Ok(TicketQuery::NameOrSearch(vec!["5G".into()])));
        check(
            "5G antenna",
            Ok(TicketQuery::NameOrSearch(vec![
                "5G".into(),
                "antenna".into(),
            ])),
        );
    }

    #[test]
    fn a_number_followed_by_something_else_is_a_usage_error() {
        check("42 assign", Err(QueryError::AssignWithoutUser));
        check("42 close", Err(QueryError::UnknownAction("close".into())));
        check(
            "42 resolve now please",
            Err(QueryError::UnexpectedWords {
                verb: "resolve",
                extra: "now please".into(),
            }),
        );
    }

    #[test]
    fn the_field_actions_parse_their_values() {
        check(
            "42 status In Progress",
            Ok(TicketQuery::Act(
                id(42),
                Action::Status("In Progress".into()),
            )),
        );
        check(
            "42 priority urgent",
            Ok(TicketQuery::Act(id(42), Action::Priority("urgent".into()))),
        );
        check(
            "42 tracker Feature",
            Ok(TicketQuery::Act(id(42), Action::Tracker("Feature".into()))),
        );
        check(
            "42 subject Rooftop link down",
            Ok(TicketQuery::Act(
                id(42),
                Action::Subject("Rooftop link down".into()),
            )),
        );
        check(
            "42 description -",
            Ok(TicketQuery::Act(id(42), Action::Description("-".into()))),
        );
        check(
            "42 parent #7",
            Ok(TicketQuery::Act(
                id(42),
                Action::Parent(ParentChange::Set(id(7))),
            )),
        );
        check(
            "42 parent NONE",
            Ok(TicketQuery::Act(
                id(42),
                Action::Parent(ParentChange::Clear),
            )),
        );
        check(
            "42 watch",
            Ok(TicketQuery::Act(id(42), Action::Watch(None))),
        );
        check(
            "42 unwatch Bob Builder",
            Ok(TicketQuery::Act(
                id(42),
                Action::Unwatch(Some("Bob Builder".into())),
            )),
        );
        check(
            "42 note swapped the injector",
            Ok(TicketQuery::Act(
                id(42),
                Action::Note("swapped the injector".into()),
            )),
        );
    }

    #[test]
    fn a_field_action_without_its_value_is_a_usage_error() {
        check(
            "42 status",
            Err(QueryError::MissingValue {
                usage: "tickets N status STATUS",
            }),
        );
        check(
            "42 note",
            Err(QueryError::MissingValue {
                usage: "tickets N note TEXT",
            }),
        );
        check("42 parent soon", Err(QueryError::BadParent("soon".into())));
        check(
            "42 parent 7 8",
            Err(QueryError::UnexpectedWords {
                verb: "parent",
                extra: "8".into(),
            }),
        );
        check(
            "0 note hello",
            Err(QueryError::BadTicketNumber(InvalidTicketId("0".into()))),
        );
    }

    #[test]
    fn due_keeps_the_text_to_read_against_today_and_refuses_what_is_no_date() {
        check(
            "42 due next friday",
            Ok(TicketQuery::Act(id(42), Action::Due("next friday".into()))),
        );
        check(
            "42 due none",
            Ok(TicketQuery::Act(id(42), Action::Due("none".into()))),
        );
        assert!(matches!(
            TicketQuery::parse(&["42", "due", "soon"]),
            Err(QueryError::BadDue(_))
        ));
    }

    #[test]
    fn blank_words_are_ignored() {
        check("  42  ", Ok(TicketQuery::Show(id(42))));
    }

    #[test]
    fn usage_errors_read_as_one_line() {
        insta::assert_snapshot!(QueryError::UnknownAction("close".into()), @"unknown action 'close' after the ticket number (expected assign, unassign, progress, resolve, status, priority, tracker, subject, description, parent, due, watch, unwatch or note)");
        insta::assert_snapshot!(QueryError::AssignWithoutUser, @"'assign' needs a user or team: tickets N assign USER");
    }
}
