//! The `tickets` use case: one query of the grammar in, one outcome out. Reading (lists,
//! searches, one ticket) is here; a change lives in `act`, the names it looks up in `fields`.

mod act;
mod fields;
#[cfg(test)]
mod tests;

use chrono::NaiveDate;
use domain::{Ticket, TicketQuery};

use crate::tracker::{Catalog, People, StatusNames, Tickets, TrackerError, Watchers};

/// What a query produced, for the caller to render.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// A list of open tickets (possibly empty).
    List(Vec<Ticket>),
    /// One ticket with its notes.
    Details(Ticket),
    /// A ticket as it is after a change.
    Changed(Ticket),
}

/// Runs one query of the `tickets` grammar against a tracker; `today` is the day a due date
/// such as `tomorrow` is read from.
///
/// # Errors
/// [`TrackerError`] from the tracker, [`TrackerError::UnknownPerson`] for an assignee nobody
/// matches, [`TrackerError::UnknownStatus`] for a configured status the tracker lacks and
/// [`TrackerError::NotApplied`] when the tracker silently skipped a change.
pub async fn run<T: Tickets + Watchers + People + Catalog>(
    tracker: &T,
    query: &TicketQuery,
    status_names: &StatusNames,
    today: NaiveDate,
) -> Result<Outcome, TrackerError> {
    match query {
        TicketQuery::Mine => Ok(Outcome::List(tracker.list_mine().await?)),
        TicketQuery::Show(id) => Ok(Outcome::Details(tracker.get(*id).await?)),
        TicketQuery::NameOrSearch(words) => {
            // A word that is both a user and a search term is a user.
            match tracker.find_person(&words.join(" ")).await? {
                Some(person) => Ok(Outcome::List(tracker.list_assigned(&person).await?)),
                None => Ok(Outcome::List(tracker.search(words).await?)),
            }
        }
        TicketQuery::Act(id, action) => act::act(tracker, *id, action, status_names, today).await,
    }
}

/// Checks that the tracker really acts as `login`: Redmine silently ignores its act-as header
/// when the key is not an admin's, which would make every change the key owner's instead.
///
/// # Errors
/// [`TrackerError::CannotActAs`] when the acting user is someone else.
pub async fn ensure_acting_as<T: People>(tracker: &T, login: &str) -> Result<(), TrackerError> {
    let me = tracker.current_user().await?;
    if me
        .login
        .as_deref()
        .is_some_and(|acting| acting.eq_ignore_ascii_case(login.trim()))
    {
        Ok(())
    } else {
        Err(TrackerError::CannotActAs {
            login: login.to_owned(),
        })
    }
}
