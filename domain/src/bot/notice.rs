//! The message `/ticket ID notify` posts in a ticket's thread, and whom it may ping.

use crate::DiscordUserId;

/// The message `/ticket ID notify` posts in the ticket's thread, and the only ids it may ping:
/// `people` (the ticket's assignee and watchers who are linked members, each once, in order).
/// The member who asked is named without a ping (unless they are among `people`); their text
/// follows, defused: it pings nobody and starts no markdown.
#[must_use]
pub fn notify_message(
    id: crate::TicketId,
    by: DiscordUserId,
    people: &[DiscordUserId],
    text: &str,
) -> (String, crate::Mentions) {
    let mut users: Vec<DiscordUserId> = Vec::new();
    for person in people {
        if !users.contains(person) {
            users.push(*person);
        }
    }
    let pings: Vec<String> = users.iter().map(|user| format!("<@{user}>")).collect();
    let mut message = format!("🔔 {} <@{by}> asks for you on ticket {id}", pings.join(" "));
    let text = text.trim();
    if !text.is_empty() {
        message.push_str(": ");
        message.push_str(&crate::render::discord::escape(text));
    }
    (
        message,
        crate::Mentions {
            users,
            roles: Vec::new(),
        },
    )
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn user(id: u64) -> DiscordUserId {
        DiscordUserId::new(id).unwrap()
    }

    #[test]
    fn a_notice_may_ping_only_the_people_of_the_ticket_and_defuses_the_text() {
        let (text, mentions) = notify_message(
            crate::TicketId::new(42).unwrap(),
            user(9),
            &[user(5), user(6), user(5)],
            " @everyone look <@7> **now** ",
        );
        assert_eq!(mentions.users, [user(5), user(6)]);
        assert!(mentions.roles.is_empty());
        assert_eq!(
            text,
            "🔔 <@5> <@6> <@9> asks for you on ticket 42: @\u{200B}everyone look <\u{200B}@\u{200B}7> \\*\\*now\\*\\*"
        );
        let (bare, _) = notify_message(crate::TicketId::new(42).unwrap(), user(9), &[user(5)], "");
        assert_eq!(bare, "🔔 <@5> <@9> asks for you on ticket 42");
    }
}
