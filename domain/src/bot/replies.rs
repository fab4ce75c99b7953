//! What a member reads: every sentence the bot answers with, besides the renderings of tickets
//! and sites (`render::discord`).

use std::fmt::Display;

use super::access::Refusal;
use super::{Linked, MAX_CHOICES};
use crate::render::discord;
use crate::{DiscordUserId, Login, Reply, Site, TicketId};

/// A login as shown between backticks.
fn shown(login: &Login) -> String {
    login.as_str().replace('`', "'")
}

/// The sentence for a refusal.
#[must_use]
pub fn refusal(refusal: &Refusal) -> Reply {
    match refusal {
        Refusal::OtherServer => Reply::error("This bot only answers in its own Discord server"),
        Refusal::KeyActsAsItself => Reply::error(
            "I cannot act as you right now: my Redmine key is no longer allowed to act for \
             members, and I will not act in someone else's name. Please tell a netbot admin",
        ),
        Refusal::Ambiguous(logins) => {
            let logins: Vec<String> = logins
                .iter()
                .map(|login| format!("`{}`", shown(login)))
                .collect();
            Reply::error(&format!(
                "Your Discord account is linked to several Redmine users ({}): ask an admin \
                 to keep only one",
                logins.join(", ")
            ))
        }
        Refusal::Unlinked => Reply::error(
            "You are not linked to a Redmine user yet: ask an admin to run /link with your \
             name and your Redmine login",
        ),
        Refusal::NotAdmin => Reply::error("Only members with the netbot admin role may /link"),
    }
}

/// Where to see a whole listing: the CLI command and the tracker's page.
#[must_use]
pub fn see_all(words: &str, web_link: &str) -> String {
    let command = if words.trim().is_empty() {
        String::from("`tickets`")
    } else {
        format!("`tickets {}`", words.trim().replace('`', "'"))
    };
    format!("use {command} or <{web_link}>")
}

/// Every site, one line each, cut to fit a message.
#[must_use]
pub fn sites(all: &[Site]) -> String {
    let lines: Vec<String> = all
        .iter()
        .map(|site| discord::site_list(std::slice::from_ref(site)))
        .collect();
    discord::fit_lines(&lines, "No sites.", "use `netbot sites`")
}

/// A change the backend refused, with its own reasons (Redmine's are written for people:
/// "Parent task is invalid", "Status is invalid").
#[must_use]
pub fn refused(system: &str, reasons: &[String]) -> Reply {
    let reasons: Vec<&str> = reasons
        .iter()
        .map(|reason| reason.trim().trim_end_matches('.'))
        .filter(|reason| !reason.is_empty())
        .collect();
    if reasons.is_empty() {
        Reply::error(&format!("{system} refused the change without saying why"))
    } else {
        Reply::error(&format!(
            "{system} refused the change: {}",
            reasons.join("; ")
        ))
    }
}

/// A status, priority or tracker name the backend does not have, with the closest ones.
#[must_use]
pub fn unknown_name(system: &str, kind: &str, name: &str, closest: &[String]) -> Reply {
    let name = name.trim().replace('`', "'");
    if closest.is_empty() {
        return Reply::error(&format!("{system} has no {kind} named '{name}'"));
    }
    let closest: Vec<String> = closest
        .iter()
        .map(|known| format!("`{}`", known.replace('`', "'")))
        .collect();
    Reply::error(&format!(
        "{system} has no {kind} named '{name}': did you mean {}?",
        or_list(&closest)
    ))
}

/// `a`, `a or b`, `a, b or c`.
fn or_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [only] => only.clone(),
        [rest @ .., last] => format!("{} or {last}", rest.join(", ")),
    }
}

/// A `/ticket` action that needs a value, without one.
#[must_use]
pub fn value_missing(verb: &str, what: &str) -> Reply {
    Reply::error(&format!("`{verb}` needs a value: {what}"))
}

/// `/new` without a title.
#[must_use]
pub fn no_title() -> Reply {
    Reply::error("A new ticket needs a title")
}

/// `/query` with a name no saved query has.
#[must_use]
pub fn unknown_query(name: &str, known: &[&str]) -> Reply {
    Reply::error(&format!(
        "No saved query named '{}' (known: {})",
        name.trim(),
        if known.is_empty() {
            String::from("none")
        } else {
            known.join(", ")
        }
    ))
}

/// A saved query whose template fails on these tickets.
#[must_use]
pub fn broken_template(name: &str, error: &dyn Display) -> Reply {
    Reply::error(&format!(
        "The saved query '{name}' has a broken template: {error}"
    ))
}

/// Saved query choices for what has been typed: `(name and description, name)`, at most
/// [`MAX_CHOICES`], from `(name, description)` pairs.
#[must_use]
pub fn query_choices<'a>(
    queries: impl IntoIterator<Item = (&'a str, &'a str)>,
    typed: &str,
) -> Vec<(String, String)> {
    let typed = typed.trim().to_lowercase();
    queries
        .into_iter()
        .filter(|(name, _)| name.to_lowercase().contains(&typed))
        .take(MAX_CHOICES)
        .map(|(name, description)| {
            let shown = if description.is_empty() {
                name.to_owned()
            } else {
                format!("{name}: {description}")
            };
            (shown, name.to_owned())
        })
        .collect()
}

/// Ticket autocomplete: the ticket of the thread the member is in first (`#42 subject`),
/// when what was typed is empty or begins its number (a `#` before it is fine); then
/// what was typed, when it is another ticket number. As `(shown, value)`.
#[must_use]
pub fn ticket_choices(here: Option<(TicketId, &str)>, typed: &str) -> Vec<(String, String)> {
    let typed = typed.trim();
    let digits = typed.trim_start_matches('#');
    let mut choices = Vec::new();
    if let Some((id, subject)) = here {
        if id.get().to_string().starts_with(digits) {
            choices.push((format!("#{id} {subject}"), id.get().to_string()));
        }
    }
    if let Ok(id) = TicketId::parse(typed) {
        let value = id.get().to_string();
        if !choices.iter().any(|(_, known)| *known == value) {
            choices.push((format!("#{value}"), value));
        }
    }
    choices
}

/// What a `/link` did, as the admin reads it.
#[must_use]
pub fn linked(target: DiscordUserId, linked: &Linked) -> Reply {
    match linked {
        Linked::New(login) => Reply::private(format!(
            "Linked <@{target}> to the Redmine user `{}`.",
            shown(login)
        )),
        Linked::Already(login) => Reply::private(format!(
            "<@{target}> is already linked to the Redmine user `{}`.",
            shown(login)
        )),
        Linked::Replaced { login, previous } => Reply::private(format!(
            "Linked <@{target}> to the Redmine user `{}`; it was linked to <@{previous}>, who \
             is no longer linked.",
            shown(login)
        )),
    }
}

/// `/link` of a member already linked to other logins: refused.
#[must_use]
pub fn member_linked_elsewhere(target: DiscordUserId, logins: &[Login]) -> Reply {
    let logins: Vec<String> = logins
        .iter()
        .map(|login| format!("`{}`", shown(login)))
        .collect();
    Reply::error(&format!(
        "<@{target}> is already linked to the Redmine user {}: to move them, remove their \
         Discord id from that user in Redmine first",
        logins.join(", ")
    ))
}

/// `/link` to a login nobody active has.
#[must_use]
pub fn unknown_login(login: &Login) -> Reply {
    Reply::error(&format!("No Redmine user with the login '{login}'"))
}

/// `/link` while Redmine has no field to keep Discord ids in.
#[must_use]
pub fn no_link_field() -> Reply {
    Reply::error("Redmine has nowhere to keep Discord ids yet: ask the bot's operator")
}

/// A backend that did not answer within the command's time.
#[must_use]
pub fn timed_out(system: &str, seconds: u64) -> Reply {
    Reply::error(&format!(
        "{system} did not answer in {seconds} s, try again"
    ))
}

/// What went wrong on the bot's side, as a member reads it: what they can do (wait, try
/// again, or nothing but know that the operator has the details in the log). The
/// operator's wording (keys, settings, HTTP answers) never reaches a member.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trouble<'a> {
    /// The backend did not accept the bot's key or token.
    KeyRejected(&'a str),
    /// The backend would not let the bot act as the member.
    CannotActAsYou(&'a str),
    /// The backend could not be reached.
    Unreachable(&'a str),
    /// The backend answered something the bot does not understand.
    Misanswered(&'a str),
    /// The backend lacks something the bot's configuration names (a status, a field).
    NotSetUp(&'a str),
}

/// The sentence for a trouble.
#[must_use]
pub fn trouble(trouble: Trouble<'_>) -> Reply {
    match trouble {
        Trouble::KeyRejected(system) => Reply::error(&format!(
            "{system} did not accept my key: the bot's operator has the details in the log"
        )),
        Trouble::CannotActAsYou(system) => Reply::error(&format!(
            "{system} would not let me act as you: your account there may be locked or \
             renamed; the bot's operator has the details in the log"
        )),
        Trouble::Unreachable(system) => Reply::error(&format!(
            "I cannot reach {system} right now: try again in a few minutes"
        )),
        Trouble::Misanswered(system) => Reply::error(&format!(
            "{system} gave an answer I do not understand: try again later; the bot's \
             operator has the details in the log"
        )),
        Trouble::NotSetUp(system) => Reply::error(&format!(
            "{system} is not set up for this yet: the bot's operator has the details in the log"
        )),
    }
}

/// Said after a ticket's line when its due date's Discord event could not follow the change.
#[must_use]
pub fn due_event_not_followed() -> &'static str {
    "The change is made, but I could not update the due date's Discord event: the bot's \
     operator has the details in the log (does netbot have the Manage Events permission?)"
}

/// `/ticket ID notify` for a ticket without a thread.
#[must_use]
pub fn notify_needs_thread(id: TicketId) -> Reply {
    Reply::error(&format!(
        "Ticket {id} has no thread to ping people in: open one with /thread {id}"
    ))
}

/// `/ticket ID notify` for a ticket nobody on which is a linked member.
#[must_use]
pub fn nobody_to_notify(id: TicketId) -> Reply {
    Reply::error(&format!(
        "Nobody on ticket {id} (its assignee and watchers) is linked to a Discord member: nobody to ping"
    ))
}

/// `/ticket ID notify` when Discord refused the message.
#[must_use]
pub fn thread_refused_post(id: TicketId, thread: &dyn Display) -> Reply {
    Reply::error(&format!(
        "Discord refused my message in the thread of ticket {id} (<{thread}>): is it locked, or may netbot not post there?"
    ))
}

/// `/ticket ID notify` done.
#[must_use]
pub fn notified(id: TicketId, count: usize, thread: &dyn Display) -> Reply {
    let people = if count == 1 { "person" } else { "people" };
    Reply::private(format!(
        "Pinged {count} {people} on ticket {id} in its thread: <{thread}>"
    ))
}

/// `/hours` done: what was logged, on which ticket, under which activity.
#[must_use]
pub fn hours_logged(id: TicketId, hours: &dyn Display, activity: Option<&str>) -> Reply {
    match activity {
        Some(activity) => Reply::public(format!(
            "Logged {hours} on ticket {id} as {}.",
            activity.replace('`', "'")
        )),
        None => Reply::public(format!("Logged {hours} on ticket {id}.")),
    }
}

/// `/hours` without an activity while Redmine has no default one.
#[must_use]
pub fn activity_needed(system: &str, known: &[String]) -> Reply {
    if known.is_empty() {
        return Reply::error(&format!(
            "{system} has no time-entry activities to log hours under: ask a Redmine admin to add one"
        ));
    }
    let known: Vec<String> = known
        .iter()
        .map(|name| format!("`{}`", name.replace('`', "'")))
        .collect();
    Reply::error(&format!(
        "{system} has no default activity: choose one in `activity` ({})",
        or_list(&known)
    ))
}

/// `/hours` without `ticket` outside a ticket's thread.
#[must_use]
pub fn hours_need_ticket() -> Reply {
    Reply::error(
        "Which ticket? Give `ticket`, the ticket's number (in a ticket's thread it is that ticket)",
    )
}

/// `/thread` for a ticket that has one.
#[must_use]
pub fn thread_exists(id: TicketId, link: &dyn Display) -> Reply {
    Reply::public(format!("Ticket {id} already has a thread: <{link}>"))
}

/// `/thread` when Discord did not say whether the ticket's thread is still there.
#[must_use]
pub fn thread_unknown() -> Reply {
    Reply::error(
        "Discord did not say whether the ticket's thread still exists: try again in a moment",
    )
}

/// `/thread` when Discord refused to open it.
#[must_use]
pub fn thread_refused() -> Reply {
    Reply::error(
        "Discord refused to open the thread: does netbot have the Create Public Threads permission here?",
    )
}

/// `/thread` done.
#[must_use]
pub fn thread_opened(id: TicketId, link: &dyn Display) -> Reply {
    Reply::public(format!(
        "Thread opened for ticket {id}: <{link}>. The ticket's notes will follow, and what is said there goes to the ticket."
    ))
}

/// `/thread` opened the thread but could not write it into the ticket.
#[must_use]
pub fn thread_not_recorded(id: TicketId, link: &dyn Display) -> Reply {
    Reply::error(&format!(
        "The thread <{link}> is open, but I could not record it on ticket {id}: run /thread {id} again and I will record this same thread"
    ))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn in_a_tickets_thread_its_ticket_is_offered_first() {
        let id = TicketId::new(42).unwrap();
        let here = Some((id, "Packet loss"));
        let values = |choices: Vec<(String, String)>| -> Vec<String> {
            choices.into_iter().map(|(_, value)| value).collect()
        };
        assert_eq!(
            ticket_choices(here, ""),
            [("#42 Packet loss".to_owned(), "42".to_owned())]
        );
        assert_eq!(values(ticket_choices(here, "#4")), ["42", "4"]);
        assert_eq!(values(ticket_choices(here, "42")), ["42"]);
        assert_eq!(values(ticket_choices(here, "7")), ["7"]);
        assert_eq!(values(ticket_choices(None, "7")), ["7"]);
        assert!(ticket_choices(None, "").is_empty());
        assert!(ticket_choices(None, "abc").is_empty());
    }
}
