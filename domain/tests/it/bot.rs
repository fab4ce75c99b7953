//! The bot's decisions without a mock: who may act and as whom, and what members read.

use domain::bot::access::{acting, may_link, me, Acting, Need, Refusal};
use domain::bot::replies;
use domain::bot::{Identity, KeyStatus, Linked};
use domain::{DiscordUserId, GuildId, Login, Member, RoleId};

const GUILD: u64 = 1000;
const ADMIN: u64 = 77;

fn member(guild: Option<u64>, roles: &[u64]) -> Member {
    Member {
        id: DiscordUserId::new(42).unwrap(),
        guild_id: guild.map(|guild| GuildId::new(guild).unwrap()),
        role_ids: roles
            .iter()
            .map(|role| RoleId::new(*role).unwrap())
            .collect(),
    }
}

fn guild() -> GuildId {
    GuildId::new(GUILD).unwrap()
}

fn admin() -> RoleId {
    RoleId::new(ADMIN).unwrap()
}

fn login(text: &str) -> Login {
    Login::new(text).unwrap()
}

#[track_caller]
fn check(
    key: KeyStatus,
    identity: Identity,
    reader: Option<&str>,
    need: Need,
    expect: Result<Acting, Refusal>,
) {
    let here = member(Some(GUILD), &[]);
    let reader = reader.map(login);
    assert_eq!(
        acting(&here, guild(), key, identity, reader.as_ref(), need),
        expect
    );
}

#[test]
fn a_linked_member_acts_as_themselves_for_any_need() {
    for need in [Need::Read, Need::ReadOwn, Need::Change] {
        check(
            KeyStatus::ActsAsOthers,
            Identity::Linked(login("alice")),
            Some("reader"),
            need,
            Ok(Acting::Member(login("alice"))),
        );
    }
}

#[test]
fn an_unlinked_member_only_reads_and_only_as_the_reader_login() {
    let ok = KeyStatus::ActsAsOthers;
    check(
        ok,
        Identity::Unlinked,
        Some("reader"),
        Need::Read,
        Ok(Acting::Reader(login("reader"))),
    );
    check(
        ok,
        Identity::Unlinked,
        Some("reader"),
        Need::ReadOwn,
        Err(Refusal::Unlinked),
    );
    check(
        ok,
        Identity::Unlinked,
        Some("reader"),
        Need::Change,
        Err(Refusal::Unlinked),
    );
    check(
        ok,
        Identity::Unlinked,
        None,
        Need::Read,
        Err(Refusal::Unlinked),
    );
}

#[test]
fn nobody_is_acted_for_while_the_key_may_not_act_as_others() {
    for key in [KeyStatus::Unchecked, KeyStatus::ActsAsItself] {
        check(
            key,
            Identity::Linked(login("alice")),
            Some("reader"),
            Need::Read,
            Err(Refusal::KeyActsAsItself),
        );
    }
}

#[test]
fn a_member_on_two_logins_is_acted_for_as_neither() {
    let logins = vec![login("alice"), login("alice2")];
    check(
        KeyStatus::ActsAsOthers,
        Identity::Ambiguous(logins.clone()),
        Some("reader"),
        Need::Read,
        Err(Refusal::Ambiguous(logins.clone())),
    );
    let here = member(Some(GUILD), &[]);
    assert_eq!(
        me(&here, guild(), Identity::Ambiguous(logins.clone())),
        Err(Refusal::Ambiguous(logins))
    );
}

#[test]
fn another_server_is_refused_before_anything_else_is_considered() {
    for other in [Some(7), None] {
        let elsewhere = member(other, &[ADMIN]);
        let linked = Identity::Linked(login("alice"));
        assert_eq!(
            acting(
                &elsewhere,
                guild(),
                KeyStatus::ActsAsItself,
                linked.clone(),
                None,
                Need::Read
            ),
            Err(Refusal::OtherServer)
        );
        assert_eq!(me(&elsewhere, guild(), linked), Err(Refusal::OtherServer));
        assert_eq!(
            may_link(&elsewhere, guild(), Some(admin())),
            Err(Refusal::OtherServer)
        );
    }
}

#[test]
fn only_the_admin_role_may_link_and_no_role_means_nobody() {
    assert_eq!(
        may_link(&member(Some(GUILD), &[ADMIN]), guild(), Some(admin())),
        Ok(())
    );
    assert_eq!(
        may_link(&member(Some(GUILD), &[1]), guild(), Some(admin())),
        Err(Refusal::NotAdmin)
    );
    assert_eq!(
        may_link(&member(Some(GUILD), &[ADMIN]), guild(), None),
        Err(Refusal::NotAdmin)
    );
}

#[test]
fn refusals_read_as_one_private_sentence_saying_what_to_do() {
    let ambiguous = replies::refusal(&Refusal::Ambiguous(vec![login("a`b"), login("c")]));
    assert!(ambiguous.ephemeral);
    insta::assert_snapshot!(ambiguous.text, @"Your Discord account is linked to several Redmine users (`a'b`, `c`): ask an admin to keep only one.");
    insta::assert_snapshot!(replies::refusal(&Refusal::Unlinked).text, @"You are not linked to a Redmine user yet: ask an admin to run /link with your name and your Redmine login.");
}

#[test]
fn a_link_says_whom_it_replaced() {
    let target = DiscordUserId::new(42).unwrap();
    let previous = DiscordUserId::new(7).unwrap();
    let reply = replies::linked(
        target,
        &Linked::Replaced {
            login: login("carol"),
            previous,
        },
    );
    insta::assert_snapshot!(reply.text, @"Linked <@42> to the Redmine user `carol`; it was linked to <@7>, who is no longer linked.");
}

#[test]
fn query_choices_match_the_typed_text_and_show_the_description() {
    let queries = [
        ("urgent", "open urgent tickets"),
        ("mine", ""),
        ("Urgent-old", ""),
    ];
    assert_eq!(
        replies::query_choices(queries, " URG "),
        [
            (
                "urgent: open urgent tickets".to_owned(),
                "urgent".to_owned()
            ),
            ("Urgent-old".to_owned(), "Urgent-old".to_owned()),
        ]
    );
    let many: Vec<(String, String)> = (0..40).map(|n| (format!("q{n}"), String::new())).collect();
    let choices = replies::query_choices(
        many.iter()
            .map(|(name, description)| (name.as_str(), description.as_str())),
        "q",
    );
    assert_eq!(choices.len(), domain::bot::MAX_CHOICES);
}

#[test]
fn see_all_names_the_cli_command_and_the_trackers_page() {
    assert_eq!(
        replies::see_all("  ", "https://r.example/issues"),
        "use `tickets` or <https://r.example/issues>"
    );
    assert_eq!(
        replies::see_all("roof `top`", "https://r.example/search"),
        "use `tickets roof 'top'` or <https://r.example/search>"
    );
}
