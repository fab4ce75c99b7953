//! Mentions, both ways, never a ping: a member's `<@ID>` reaches the ticket as the person it
//! names (`@login` for a linked member, Redmine's own mention), and a Redmine `@login` reaches
//! the thread as the member (`<@ID>`, which Discord shows as the member; the threader's empty
//! `allowed_mentions` keeps it from pinging) or as the user's name. A mention nobody can
//! resolve stays readable text; it is never an error and never a ping.

use std::collections::BTreeMap;

use chrono::DateTime;

use crate::chat::message::GuildNames;
use crate::ids::{ChannelId, DiscordUserId, Login, RoleId, UserId};
use crate::render::discord::escape;

/// The longest `<…>` of Discord's markup looked for (an animated emoji's 32-character name
/// and its id fit easily): it keeps a text of many `<` from being read over and over.
const MARKUP_LIMIT: usize = 80;

/// What a Discord message's mentions are read with.
#[derive(Debug, Clone, Copy)]
pub struct ChatNames<'a> {
    /// Linked members → their tracker login.
    pub members: &'a BTreeMap<DiscordUserId, Login>,
    /// Display names of Discord users (those the message mentions, as it carries them).
    pub users: &'a BTreeMap<DiscordUserId, String>,
    /// The server's roles and channels by id.
    pub guild: &'a GuildNames,
}

/// What a tracker note's `@login` mentions are read with.
#[derive(Debug, Clone, Copy)]
pub struct TrackerNames<'a> {
    /// Tracker logins, in lower case (the tracker compares them without case) → the user.
    pub logins: &'a BTreeMap<Login, UserId>,
    /// Tracker users linked to a Discord member.
    pub members: &'a BTreeMap<UserId, DiscordUserId>,
    /// Display names of tracker users.
    pub people: &'a BTreeMap<UserId, String>,
}

/// Discord's markup in a member's text, as the tracker reads it: `<@ID>`/`<@!ID>` of a linked
/// member → `@login`, of anyone else → `@Display Name`; `<@&ROLE>` → `@role-name`;
/// `<#CHANNEL>` → `#channel-name`; `<:name:ID>`/`<a:name:ID>` → `:name:`; `<t:UNIX>` and
/// `<t:UNIX:STYLE>` → `2026-12-05 16:20 UTC`. `@everyone` and `@here` stay as they are. An id
/// nobody knows reads `@unknown-user`, `@unknown-role` or `#unknown-channel`.
#[must_use]
pub fn to_tracker(text: &str, names: &ChatNames<'_>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find('<') {
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        // Markup is short: a '>' further away closes something else.
        let token = after
            .char_indices()
            .take(MARKUP_LIMIT)
            .find(|&(_, c)| c == '>')
            .map(|(end, _)| (&after[..end], &after[end + 1..]));
        match token.and_then(|(inner, tail)| Some((chat_markup(inner, names)?, tail))) {
            Some((read, tail)) => {
                out.push_str(&read);
                rest = tail;
            }
            None => {
                out.push('<');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The tracker's reading of one `<…>` of Discord's markup, `None` when it is not markup.
fn chat_markup(inner: &str, names: &ChatNames<'_>) -> Option<String> {
    if let Some(role) = inner.strip_prefix("@&") {
        let role = RoleId::new(snowflake(role)?).ok()?;
        let name = names.guild.roles.get(&role).map_or("unknown-role", |n| n);
        return Some(unmentioned(name.trim_start_matches('@')));
    }
    if let Some(user) = inner.strip_prefix('@') {
        let user = DiscordUserId::new(snowflake(user.strip_prefix('!').unwrap_or(user))?).ok()?;
        if let Some(login) = names.members.get(&user) {
            return Some(format!("@{login}"));
        }
        let name = names.users.get(&user).map_or("unknown-user", |n| n);
        return Some(unmentioned(name));
    }
    if let Some(channel) = inner.strip_prefix('#') {
        let channel = ChannelId::new(snowflake(channel)?).ok()?;
        let name = names
            .guild
            .channels
            .get(&channel)
            .map_or("unknown-channel", |n| n);
        return Some(format!("#{}", one_line(name)));
    }
    if let Some(time) = inner.strip_prefix("t:") {
        let (seconds, style) = time.split_once(':').unwrap_or((time, "f"));
        let one_letter = style.len() == 1 && style.chars().all(|c| c.is_ascii_alphabetic());
        let seconds: i64 = seconds.parse().ok()?;
        let at = DateTime::from_timestamp(seconds, 0).filter(|_| one_letter)?;
        return Some(at.format("%Y-%m-%d %H:%M UTC").to_string());
    }
    let emoji = inner.strip_prefix('a').unwrap_or(inner);
    let (name, id) = emoji.strip_prefix(':')?.split_once(':')?;
    let is_name = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    (is_name && snowflake(id).is_some()).then(|| format!(":{name}:"))
}

/// `@Name` for someone the tracker must not notify: a zero-width space after the `@` reads
/// the same but is no mention to Redmine (its mention pattern wants a login right after the
/// `@`), so `@Bob Smith` cannot notify a user whose login is `bob`, nor `@net-ops` one whose
/// login is `net-ops`. Only a linked member's `@login` is meant to notify.
fn unmentioned(name: &str) -> String {
    format!("@\u{200B}{}", one_line(name))
}

/// Whether a member's text mentions a role or a channel, whose names must then be read.
#[must_use]
pub fn names_guild(text: &str) -> bool {
    text.contains("<@&") || text.contains("<#")
}

/// Digits only (Discord's ids), as a number.
fn snowflake(text: &str) -> Option<u64> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// A name on one line: a name never breaks the note it stands in.
fn one_line(name: &str) -> String {
    name.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A tracker note's text as Discord markdown that pings nobody: `@login` of a user linked to
/// a member → `<@ID>` (Discord shows the member; the empty `allowed_mentions` keeps it from
/// pinging), of any other known user → their name (escaped like other outside text); an
/// unknown `@login` stays as it is. Everything else a person typed that could ping
/// (`@everyone`, `@here`, `<@…>`) is defused with a zero-width space, the markdown kept.
///
/// A mention is what the tracker (Redmine) takes for one: `@` at the start or after a space,
/// `(`, `,`, `-`, `[` or `>`, then login characters (letters, digits, `_ - @ .`), ending
/// before punctuation that is followed by anything but a login character. Inside code (between
/// backticks) nothing is a mention, as Discord would show `<@ID>` there as it is.
#[must_use]
pub fn to_chat(text: &str, names: &TrackerNames<'_>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending = 0;
    let mut previous: Option<char> = None;
    let mut in_code = false;
    let mut chars = text.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        in_code ^= c == '`';
        let starts = c == '@'
            && !in_code
            && previous
                .is_none_or(|p| p.is_whitespace() || matches!(p, '(' | ',' | '-' | '[' | '>'));
        previous = Some(c);
        if !starts {
            continue;
        }
        let login = tracker_login(&text[at + 1..]);
        let Some(read) = Login::new(&login.to_lowercase())
            .ok()
            .and_then(|login| names.logins.get(&login))
            .and_then(|user| tracker_mention(*user, names))
        else {
            continue;
        };
        out.push_str(&defuse(&text[pending..at]));
        out.push_str(&read);
        pending = at + 1 + login.len();
        while chars.next_if(|(next, _)| *next < pending).is_some() {}
        previous = login.chars().last();
    }
    out.push_str(&defuse(&text[pending..]));
    out
}

/// The login an `@` starts, as Redmine reads it (possibly empty).
fn tracker_login(after: &str) -> &str {
    let is_login = |c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '@' | '.');
    let mut chars = after.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        let next = chars.peek().map(|&(_, next)| next);
        let ends_here = c.is_ascii_punctuation()
            && next.is_none_or(|next| !(next.is_ascii_alphanumeric() || matches!(next, '_' | '/')));
        if !is_login(c) || ends_here {
            return &after[..at];
        }
    }
    after
}

/// How Discord shows a tracker user: the linked member, else their name.
fn tracker_mention(user: UserId, names: &TrackerNames<'_>) -> Option<String> {
    if let Some(member) = names.members.get(&user) {
        return Some(format!("<@{member}>"));
    }
    names.people.get(&user).map(|name| escape(name.trim()))
}

/// Defuses mentions in a note's text while keeping its markdown (the empty
/// `allowed_mentions` is the second guard): a zero-width space after the `@`.
pub(crate) fn defuse(text: &str) -> String {
    text.replace("@everyone", "@\u{200B}everyone")
        .replace("@here", "@\u{200B}here")
        .replace("<@", "<@\u{200B}")
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    const ALICE: u64 = 661_720_255_168_643_076;
    const CAROL: u64 = 661_720_255_168_643_077;
    const OPS: u64 = 900_000_000_000_000_001;
    const GENERAL: u64 = 900_000_000_000_000_002;

    fn chat_names() -> (
        BTreeMap<DiscordUserId, Login>,
        BTreeMap<DiscordUserId, String>,
        GuildNames,
    ) {
        let members = BTreeMap::from([(
            DiscordUserId::new(ALICE).unwrap(),
            Login::new("alice").unwrap(),
        )]);
        let users = BTreeMap::from([
            (DiscordUserId::new(ALICE).unwrap(), String::from("Alice L")),
            (
                DiscordUserId::new(CAROL).unwrap(),
                String::from("Carol  C\n"),
            ),
        ]);
        let guild = GuildNames {
            roles: BTreeMap::from([
                (RoleId::new(OPS).unwrap(), String::from("net-ops")),
                (RoleId::new(1).unwrap(), String::from("@everyone")),
            ]),
            channels: BTreeMap::from([(ChannelId::new(GENERAL).unwrap(), String::from("general"))]),
        };
        (members, users, guild)
    }

    #[track_caller]
    fn check(input: &str, expect: &str) {
        let (members, users, guild) = chat_names();
        let names = ChatNames {
            members: &members,
            users: &users,
            guild: &guild,
        };
        assert_eq!(to_tracker(input, &names), expect);
    }

    #[test]
    fn discord_markup_reads_as_people_and_names_in_the_tracker() {
        check(&format!("<@{ALICE}> look"), "@alice look");
        check(&format!("<@!{ALICE}>, look"), "@alice, look");
        check(&format!("ask <@{CAROL}>"), "ask @\u{200B}Carol C");
        check("ask <@12345>", "ask @\u{200B}unknown-user");
        check(&format!("<@&{OPS}> please"), "@\u{200B}net-ops please");
        check("<@&12345>", "@\u{200B}unknown-role");
        check("<@&1>", "@\u{200B}everyone");
        check(&format!("see <#{GENERAL}>"), "see #general");
        check("see <#12345>", "see #unknown-channel");
        check(
            "<:partyblob:123> and <a:wave:456>",
            ":partyblob: and :wave:",
        );
        check("at <t:1796487600>", "at 2026-12-05 16:20 UTC");
        check("at <t:1796487600:R>", "at 2026-12-05 16:20 UTC");
        check("@everyone and @here", "@everyone and @here");
    }

    #[test]
    fn what_only_looks_like_markup_stays_as_written() {
        check("a <b> c", "a <b> c");
        check("1 < 2 and 3 > 2", "1 < 2 and 3 > 2");
        check("<@alice>", "<@alice>");
        check("<@0>", "<@0>");
        check("<t:soon>", "<t:soon>");
        check("<t:1796487600:long>", "<t:1796487600:long>");
        check("<:not an emoji:1>", "<:not an emoji:1>");
        check("<<@12345>>", "<@\u{200B}unknown-user>");
        check("unclosed <@12345", "unclosed <@12345");
        check("", "");
    }

    const ALICE_USER: u64 = 5;
    const BOB_USER: u64 = 6;

    #[track_caller]
    fn check_chat(input: &str, expect: &str) {
        let logins = BTreeMap::from([
            (
                Login::new("alice").unwrap(),
                UserId::new(ALICE_USER).unwrap(),
            ),
            (Login::new("bob").unwrap(), UserId::new(BOB_USER).unwrap()),
            (Login::new("j.doe").unwrap(), UserId::new(7).unwrap()),
        ]);
        let members = BTreeMap::from([(
            UserId::new(ALICE_USER).unwrap(),
            DiscordUserId::new(ALICE).unwrap(),
        )]);
        let people = BTreeMap::from([
            (
                UserId::new(ALICE_USER).unwrap(),
                String::from("Alice Liddell"),
            ),
            (
                UserId::new(BOB_USER).unwrap(),
                String::from("Bob *Builder*"),
            ),
            (UserId::new(7).unwrap(), String::from("Jane Doe")),
        ]);
        let names = TrackerNames {
            logins: &logins,
            members: &members,
            people: &people,
        };
        let got = to_chat(input, &names).replace('\u{200B}', "[zwsp]");
        assert_eq!(got, expect);
    }

    #[test]
    fn tracker_mentions_read_as_members_or_names_in_discord() {
        check_chat("@alice look", &format!("<@{ALICE}> look"));
        check_chat("thanks @Alice.", &format!("thanks <@{ALICE}>."));
        check_chat(
            "(@alice, @bob)",
            &format!("(<@{ALICE}>, Bob \\*Builder\\*)"),
        );
        check_chat("ask @j.doe", "ask Jane Doe");
        check_chat("ask @j.doe.", "ask Jane Doe.");
        check_chat("@nobody here", "@nobody here");
        check_chat("mail alice@example.org", "mail alice@example.org");
        check_chat("**@alice**", "**@alice**");
        check_chat("`@alice` @alice", &format!("`@alice` <@{ALICE}>"));
        check_chat(
            "```\n@alice\n```\n@alice",
            &format!("```\n@alice\n```\n<@{ALICE}>"),
        );
        check_chat(
            "- @alice\n- @bob",
            &format!("- <@{ALICE}>\n- Bob \\*Builder\\*"),
        );
    }

    #[test]
    fn what_a_tracker_user_typed_to_ping_stays_defused() {
        check_chat("@everyone now", "@[zwsp]everyone now");
        check_chat("@here now", "@[zwsp]here now");
        check_chat("<@123> and <@&42>", "<@[zwsp]123> and <@[zwsp]&42>");
        check_chat("<@alice>", "<@[zwsp]alice>");
        check_chat(
            "@alice <@999> @everyone",
            &format!("<@{ALICE}> <@[zwsp]999> @[zwsp]everyone"),
        );
    }

    /// The logins Redmine 5's `Mentionable` would notify for a note: an `@` at the start or
    /// after a non-word character, a run of login characters, then a space, punctuation, `<`,
    /// `]` or the end (its `MENTION_PATTERN`, read in Redmine's source).
    fn redmine_would_notify(note: &str) -> Vec<String> {
        let is_login = |c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '@' | '.');
        let chars: Vec<char> = note.chars().collect();
        let mut found = Vec::new();
        for (at, &c) in chars.iter().enumerate() {
            let starts = at == 0 || !(chars[at - 1].is_alphanumeric() || chars[at - 1] == '_');
            if c != '@' || !starts {
                continue;
            }
            let login: String = chars[at + 1..]
                .iter()
                .take_while(|&&c| is_login(c))
                .collect();
            let next = chars.get(at + 1 + login.chars().count());
            let ends = next.is_none_or(|&c| {
                c.is_ascii_whitespace() || c.is_ascii_punctuation() || c == '<' || c == ']'
            });
            if !login.is_empty() && ends {
                found.push(login.trim_end_matches('.').to_owned());
            }
        }
        found
    }

    #[test]
    fn only_a_linked_member_becomes_a_mention_redmine_notifies() {
        let (members, users, guild) = chat_names();
        let names = ChatNames {
            members: &members,
            users: &users,
            guild: &guild,
        };
        let note = to_tracker(
            &format!("<@{ALICE}> and <@{CAROL}>, <@&{OPS}> and <@12345>: look"),
            &names,
        );

        assert_eq!(redmine_would_notify(&note), ["alice"]);
        assert_eq!(
            redmine_would_notify("@Carol C and @net-ops"),
            ["Carol", "net-ops"]
        );
    }
}
