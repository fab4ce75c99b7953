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
//! ```

use thiserror::Error;

use crate::ticket::{InvalidTicketId, TicketId};

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
}

impl Action {
    /// The verb, as typed.
    #[must_use]
    pub fn verb(&self) -> &'static str {
        match self {
            Self::Assign(_) => "assign",
            Self::Unassign => "unassign",
            Self::Progress => "progress",
            Self::Resolve => "resolve",
        }
    }
}

/// Why the words do not form a command.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum QueryError {
    /// `tickets N something` where something is not an action.
    #[error("unknown action '{0}' after the ticket number (expected assign, unassign, progress or resolve)")]
    UnknownAction(String),
    /// A number that is no ticket number (`0`, too large), or anything before an action.
    #[error(transparent)]
    BadTicketNumber(#[from] InvalidTicketId),
    /// `tickets N assign` with nobody.
    #[error("'assign' needs a user or team: tickets N assign USER")]
    AssignWithoutUser,
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
        let before_an_action = rest.first().is_some_and(|verb| {
            ["assign", "unassign", "progress", "resolve"].contains(&verb.to_lowercase().as_str())
        });
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
            "assign" => Ok(Self::Act(id, Action::Assign(args.join(" ")))),
            "unassign" => no_args(Action::Unassign),
            "progress" => no_args(Action::Progress),
            "resolve" => no_args(Action::Resolve),
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
    fn blank_words_are_ignored() {
        check("  42  ", Ok(TicketQuery::Show(id(42))));
    }

    #[test]
    fn usage_errors_read_as_one_line() {
        insta::assert_snapshot!(QueryError::UnknownAction("close".into()), @"unknown action 'close' after the ticket number (expected assign, unassign, progress or resolve)");
        insta::assert_snapshot!(QueryError::AssignWithoutUser, @"'assign' needs a user or team: tickets N assign USER");
    }
}
