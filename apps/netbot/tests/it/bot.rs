//! The bot's commands end to end through the real adapters against the fixture Redmine (with
//! an admin key, acting as each member) and the fixture NetBox: a snapshot of every reply.

use std::time::Duration;

use chrono::{DateTime, Utc};
use domain::DiscordUserId;
use domain::{Member, Reply};
use netbox::{Netbox, NetboxConfig, NetboxToken};
use ports::bot::{Bot, BotSettings, SavedQuery, TicketAction};
use ports::StatusNames;
use redmine::{ApiKey, Redmine, RedmineConfig, RedmineDirectory};
use testkit::netbox::{DemoNetbox, DEMO_TOKEN};
use testkit::redmine::DemoRedmine;

const GUILD: u64 = 1000;
const ADMIN_ROLE: u64 = 77;
/// Linked to alice and bob in the recorded users' "Discord ID" field.
const ALICE: u64 = 123_456_789_012_345_678;
const BOB: u64 = 234_567_890_123_456_789;
const NEWCOMER: u64 = 345_678_901_234_567_890;

struct World {
    bot: Bot<Redmine, Netbox, RedmineDirectory>,
    redmine: DemoRedmine,
    _netbox: DemoNetbox,
    /// The fixture Discord `/ticket` talks to (due events, `notify`).
    discord: testkit::discord::FakeDiscord,
    chat: discord::DiscordChat,
}

fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-27T12:00:00Z")
        .unwrap()
        .with_timezone(&Utc)
}

fn discord_id(id: u64) -> DiscordUserId {
    DiscordUserId::new(id).unwrap()
}

fn member(id: u64) -> Member {
    Member {
        id: DiscordUserId::new(id).unwrap(),
        guild_id: Some(domain::GuildId::new(GUILD).unwrap()),
        role_ids: Vec::new(),
    }
}

fn saved_queries() -> std::collections::BTreeMap<String, SavedQuery> {
    let urgent = SavedQuery {
        description: "open urgent tickets".into(),
        filter: ports::SavedFilter::new("status_id=open&priority_id=4"),
        template: "{{ priority }}: **[#{{ id }}](<{{ url }}>)** {{ subject }} ({{ assigned_to }})"
            .into(),
    };
    [("urgent".to_owned(), urgent)].into_iter().collect()
}

async fn world() -> World {
    world_in(domain::due_event::Tz::UTC).await
}

/// The world with the bot reading dates in `zone` (`[notify] time_zone`).
async fn world_in(zone: domain::due_event::Tz) -> World {
    let redmine = DemoRedmine::start_admin().await;
    redmine.set_now(now());
    let netbox = DemoNetbox::start().await;
    let tracker = Redmine::new(RedmineConfig {
        url: redmine.url(),
        key: ApiKey::new("bot-admin-key"),
        act_as: None,
        timeout: Duration::from_secs(8),
    })
    .unwrap()
    .with_issue_fields(redmine::IssueFieldNames {
        thread: Some("Discord thread".into()),
        state: Some("Discord sync".into()),
    });
    let inventory = Netbox::new(NetboxConfig {
        url: netbox.url(),
        token: NetboxToken::new(DEMO_TOKEN),
        ca_cert: None,
        insecure: false,
        timeout: Duration::from_secs(8),
        cache_for: Duration::from_secs(300),
    })
    .unwrap();
    let directory = RedmineDirectory::new(&tracker, "Discord ID");
    let bot = Bot::new(
        tracker,
        inventory,
        directory,
        BotSettings {
            guild_id: domain::GuildId::new(GUILD).unwrap(),
            admin_role: Some(domain::RoleId::new(ADMIN_ROLE).unwrap()),
            reader_login: None,
            default_project: "netops".into(),
            status_names: StatusNames::default(),
            timeout_seconds: 8,
            queries: saved_queries(),
            time_zone: zone,
            stale: std::collections::BTreeMap::new(),
        },
    );
    assert_eq!(
        bot.refresh_identities().await.unwrap(),
        2,
        "alice and bob are linked"
    );
    let (discord, chat) = fake_discord().await;
    World {
        bot,
        redmine,
        _netbox: netbox,
        discord,
        chat,
    }
}

/// A reply as a reviewer reads it: visibility, then the text with ports redacted and the
/// mention-defusing zero-width spaces shown.
fn shown(reply: &Reply) -> String {
    let text = reply.text.replace('\u{200B}', "[zwsp]");
    let mut redacted = String::new();
    let mut rest = text.as_str();
    while let Some(start) = rest.find("http://127.0.0.1:") {
        redacted.push_str(&rest[..start]);
        redacted.push_str("http://[server]");
        rest = rest[start + "http://127.0.0.1:".len()..]
            .trim_start_matches(|c: char| c.is_ascii_digit());
    }
    redacted.push_str(rest);
    format!(
        "{}\n{redacted}",
        if reply.ephemeral {
            "[only you]"
        } else {
            "[channel]"
        }
    )
}

#[tokio::test]
async fn tickets_without_words_are_mine_and_my_teams() {
    let world = world().await;
    insta::assert_snapshot!(shown(&world.bot.tickets(&member(BOB), "", now()).await));
}

#[tokio::test]
async fn tickets_with_a_name_are_that_persons() {
    let world = world().await;
    insta::assert_snapshot!(shown(
        &world.bot.tickets(&member(ALICE), "bob", now()).await
    ));
}

#[tokio::test]
async fn tickets_with_other_words_search() {
    let world = world().await;
    insta::assert_snapshot!(shown(
        &world.bot.tickets(&member(ALICE), "rooftop", now()).await
    ));
}

#[tokio::test]
async fn tickets_with_a_number_show_the_ticket_and_its_latest_notes() {
    let world = world().await;
    insta::assert_snapshot!(shown(
        &world.bot.tickets(&member(ALICE), "#42", now()).await
    ));
}

#[tokio::test]
async fn progress_takes_the_ticket_as_the_member() {
    let world = world().await;
    let reply = world
        .bot
        .ticket(
            &world.chat,
            &member(BOB),
            "4",
            TicketAction::Progress,
            None,
            None,
            now(),
        )
        .await;
    insta::assert_snapshot!(shown(&reply));
}

#[tokio::test]
async fn assign_without_a_user_assigns_to_me() {
    let world = world().await;
    let reply = world
        .bot
        .ticket(
            &world.chat,
            &member(BOB),
            "42",
            TicketAction::Assign,
            None,
            None,
            now(),
        )
        .await;
    assert!(
        reply.text.contains("assigned to Bob Builder"),
        "{}",
        reply.text
    );
}

#[tokio::test]
async fn assign_to_a_team() {
    let world = world().await;
    let reply = world
        .bot
        .ticket(
            &world.chat,
            &member(ALICE),
            "42",
            TicketAction::Assign,
            Some("Field Team"),
            None,
            now(),
        )
        .await;
    assert!(
        reply.text.contains("assigned to Field Team"),
        "{}",
        reply.text
    );
}

#[tokio::test]
async fn a_new_ticket_is_opened_as_the_member_in_the_default_project() {
    let world = world().await;
    let reply = world
        .bot
        .new_ticket(
            &member(ALICE),
            "Rainier Beach AP rebooting every hour",
            "Seen twice today.",
            now(),
        )
        .await;
    insta::assert_snapshot!(shown(&reply));
}

#[tokio::test]
async fn a_missing_ticket_is_a_private_sentence() {
    let world = world().await;
    let reply = world
        .bot
        .ticket(
            &world.chat,
            &member(ALICE),
            "999",
            TicketAction::Show,
            None,
            None,
            now(),
        )
        .await;
    insta::assert_snapshot!(shown(&reply), @r"
    [only you]
    Ticket 999 not found.
    ");
}

#[tokio::test]
async fn sites_list_and_one_site() {
    let world = world().await;
    insta::assert_snapshot!(shown(&world.bot.site(&member(NEWCOMER), "").await));
    insta::assert_snapshot!(shown(&world.bot.site(&member(NEWCOMER), "othello").await));
}

#[tokio::test]
async fn an_unknown_site_names_the_closest() {
    let world = world().await;
    insta::assert_snapshot!(shown(&world.bot.site(&member(NEWCOMER), "othelo").await), @r"
    [only you]
    No site named 'othelo' (closest: othello).
    ");
}

#[tokio::test]
async fn site_choices_come_from_the_cached_list() {
    let world = world().await;
    let choices = world.bot.complete_site("o").await;
    assert_eq!(
        choices.first().map(|(name, _)| name.as_str()),
        Some("Othello")
    );
}

#[tokio::test]
async fn person_choices_come_from_the_refreshed_snapshot_without_a_request_per_keystroke() {
    let world = world().await;
    let asked_before = world.redmine.received().await.len();
    for typed in ["b", "bo", "bob", "field"] {
        let choices = world.bot.complete_person(typed);
        assert!(!choices.is_empty(), "{typed}: {choices:?}");
    }
    let choices = world.bot.complete_person("b");
    assert!(
        choices.iter().any(|(name, _)| name == "Bob Builder"),
        "{choices:?}"
    );
    assert_eq!(world.redmine.received().await.len(), asked_before);
}

#[tokio::test]
async fn an_admin_links_a_newcomer_who_can_then_act() {
    let world = world().await;
    let admin = Member {
        role_ids: vec![domain::RoleId::new(ADMIN_ROLE).unwrap()],
        ..member(ALICE)
    };
    let before = world.bot.tickets(&member(NEWCOMER), "", now()).await;
    assert!(
        before.text.starts_with("You are not linked"),
        "{}",
        before.text
    );
    insta::assert_snapshot!(shown(&world.bot.link(&admin, discord_id(NEWCOMER), "bob").await), @r"
    [only you]
    Linked <@345678901234567890> to the Redmine user `bob`; it was linked to <@234567890123456789>, who is no longer linked.
    ");
    let replaced = world.bot.tickets(&member(BOB), "", now()).await;
    assert!(
        replaced.text.starts_with("You are not linked"),
        "{}",
        replaced.text
    );
    let after = world.bot.tickets(&member(NEWCOMER), "", now()).await;
    assert!(!after.ephemeral, "{}", after.text);
    // The link is kept in Redmine: the next reload of who is who finds it there.
    world.bot.refresh_identities().await.unwrap();
    let reloaded = world.bot.tickets(&member(NEWCOMER), "", now()).await;
    assert!(!reloaded.ephemeral, "{}", reloaded.text);
    let old = world.bot.tickets(&member(BOB), "", now()).await;
    assert!(old.text.starts_with("You are not linked"), "{}", old.text);
}

#[tokio::test]
async fn linking_an_unknown_login_names_it() {
    let world = world().await;
    let admin = Member {
        role_ids: vec![domain::RoleId::new(ADMIN_ROLE).unwrap()],
        ..member(ALICE)
    };
    insta::assert_snapshot!(shown(&world.bot.link(&admin, discord_id(NEWCOMER), "zed").await), @r"
    [only you]
    No Redmine user with the login 'zed'.
    ");
}

/// The channel `/thread` is used in, in the fixture Discord.
const CHANNEL: u64 = 661_720_259_379_724_293;

async fn fake_discord() -> (testkit::discord::FakeDiscord, discord::DiscordChat) {
    let fake = testkit::discord::FakeDiscord::start(GUILD, 999, &[CHANNEL]).await;
    let chat = discord::DiscordChat::connect(&discord::BotToken::new("t"), Some(&fake.uri()));
    (fake, chat)
}

fn channel() -> domain::ChannelId {
    domain::ChannelId::new(CHANNEL).unwrap()
}

#[tokio::test]
async fn a_thread_is_opened_once_and_recorded_on_the_ticket() {
    let world = world().await;
    let (fake, chat) = fake_discord().await;

    let first = world
        .bot
        .thread(&chat, &member(ALICE), "42", channel())
        .await;
    let threads = fake.threads();
    assert_eq!(threads.len(), 1);
    let link = format!("https://discord.com/channels/{GUILD}/{}", threads[0].id);
    assert!(!first.ephemeral, "{}", first.text);
    assert!(
        first
            .text
            .starts_with(&format!("Thread opened for ticket 42: <{link}>")),
        "{}",
        first.text
    );
    assert!(
        threads[0].name.starts_with("#42 Intermittent packet loss"),
        "{}",
        threads[0].name
    );
    let field = world.redmine.issue(42)["custom_fields"].to_string();
    assert!(field.contains(&link), "{field}");

    let second = world
        .bot
        .thread(&chat, &member(ALICE), "#42", channel())
        .await;
    insta::assert_snapshot!(shown(&second).replace(&threads[0].id.to_string(), "[thread]"), @r"
    [channel]
    Ticket 42 already has a thread: <https://discord.com/channels/1000/[thread]>
    ");
    assert_eq!(fake.threads().len(), 1);
}

#[tokio::test]
async fn a_thread_not_recorded_is_named_and_reused_by_the_next_try() {
    let world = world().await;
    let (fake, chat) = fake_discord().await;
    world.redmine.fail_nth_write(1, 500);

    let failed = world
        .bot
        .thread(&chat, &member(ALICE), "42", channel())
        .await;
    assert!(failed.ephemeral);
    let thread = fake.threads()[0].id;
    assert!(
        failed.text.contains(&thread.to_string()),
        "the orphan is named: {}",
        failed.text
    );
    assert!(
        failed.text.contains("run /thread 42 again"),
        "{}",
        failed.text
    );

    let again = world
        .bot
        .thread(&chat, &member(ALICE), "42", channel())
        .await;
    assert!(!again.ephemeral, "{}", again.text);
    assert_eq!(fake.threads().len(), 1, "the same thread, no second one");
    assert!(again.text.contains(&thread.to_string()), "{}", again.text);
}

#[tokio::test]
async fn an_unlinked_member_cannot_open_a_thread() {
    let world = world().await;
    let (fake, chat) = fake_discord().await;
    let reply = world
        .bot
        .thread(&chat, &member(NEWCOMER), "42", channel())
        .await;
    assert!(reply.ephemeral, "{}", reply.text);
    assert!(fake.threads().is_empty());
    assert_eq!(fake.request_count(), 0);
}

#[tokio::test]
async fn a_saved_query_runs_as_the_member_with_its_template() {
    let world = world().await;
    insta::assert_snapshot!(shown(
        &world.bot.query(&member(ALICE), "urgent", now()).await
    ));
    let choices = world.bot.complete_query("urg");
    assert_eq!(
        choices,
        vec![(
            "urgent: open urgent tickets".to_owned(),
            "urgent".to_owned()
        )]
    );
}

#[tokio::test]
async fn an_unknown_saved_query_lists_the_known_ones() {
    let world = world().await;
    insta::assert_snapshot!(shown(&world.bot.query(&member(ALICE), "stale", now()).await), @r"
    [only you]
    No saved query named 'stale' (known: urgent).
    ");
}

/// `/ticket ID ACTION [user] [value]` as a member, through the real adapter.
async fn ticket_action(
    world: &World,
    who: u64,
    id: &str,
    action: TicketAction,
    user: Option<&str>,
    value: Option<&str>,
) -> Reply {
    world
        .bot
        .ticket(&world.chat, &member(who), id, action, user, value, now())
        .await
}

/// The newest journal of a ticket, as the fake Redmine holds it.
fn last_journal(world: &World, id: u64) -> serde_json::Value {
    world.redmine.issue(id)["journals"]
        .as_array()
        .and_then(|journals| journals.last().cloned())
        .unwrap_or_default()
}

#[tokio::test]
async fn status_sets_the_named_status_as_the_member_and_answers_with_the_line() {
    let world = world().await;
    let reply = ticket_action(
        &world,
        BOB,
        "42",
        TicketAction::Status,
        None,
        Some("resolved"),
    )
    .await;
    insta::assert_snapshot!(shown(&reply), @r#"
    [channel]
    **[#42](<http://[server]/issues/42>)** Intermittent packet loss on the Othello to Filipino Community Village link - Urgent - 15 hours old
    Resolved · Bug · assigned to Alice Liddell
    "#);
    assert_eq!(world.redmine.issue(42)["status"]["name"], "Resolved");
    assert_eq!(last_journal(&world, 42)["user"]["name"], "Bob Builder");
}

#[tokio::test]
async fn priority_and_tracker_are_set_by_name() {
    let world = world().await;
    let reply = ticket_action(
        &world,
        ALICE,
        "42",
        TicketAction::Priority,
        None,
        Some("high"),
    )
    .await;
    assert!(reply.text.contains("High"), "{}", reply.text);
    assert_eq!(world.redmine.issue(42)["priority"]["name"], "High");
    ticket_action(
        &world,
        ALICE,
        "42",
        TicketAction::Tracker,
        None,
        Some("Feature"),
    )
    .await;
    assert_eq!(world.redmine.issue(42)["tracker"]["name"], "Feature");
}

#[tokio::test]
async fn an_unknown_priority_answers_with_the_closest_names() {
    let world = world().await;
    let reply = ticket_action(
        &world,
        ALICE,
        "42",
        TicketAction::Priority,
        None,
        Some("urgnt"),
    )
    .await;
    insta::assert_snapshot!(shown(&reply), @r#"
    [only you]
    Redmine has no priority named 'urgnt': did you mean `Urgent`, `High` or `Normal`?
    "#);
    assert_eq!(world.redmine.issue(42)["priority"]["name"], "Urgent");
}

#[tokio::test]
async fn subject_and_description_replace_the_text_and_the_journal_keeps_the_old() {
    let world = world().await;
    let old = world.redmine.issue(42)["description"].clone();
    let reply = ticket_action(
        &world,
        ALICE,
        "42",
        TicketAction::Subject,
        None,
        Some("Packet loss on the Othello link"),
    )
    .await;
    assert!(
        reply.text.contains("Packet loss on the Othello link"),
        "{}",
        reply.text
    );
    ticket_action(
        &world,
        ALICE,
        "42",
        TicketAction::Description,
        None,
        Some("Swapped the PoE injector."),
    )
    .await;
    let issue = world.redmine.issue(42);
    assert_eq!(issue["subject"], "Packet loss on the Othello link");
    assert_eq!(issue["description"], "Swapped the PoE injector.");
    assert_eq!(last_journal(&world, 42)["details"][0]["old_value"], old);
}

#[tokio::test]
async fn a_blank_subject_is_a_missing_value() {
    let world = world().await;
    let reply = ticket_action(&world, ALICE, "42", TicketAction::Subject, None, Some("  ")).await;
    insta::assert_snapshot!(shown(&reply), @r#"
    [only you]
    `subject` needs a value: the new subject.
    "#);
}

#[tokio::test]
async fn parent_sets_and_clears_the_parent_ticket() {
    let world = world().await;
    let reply = ticket_action(&world, ALICE, "42", TicketAction::Parent, None, Some("#4")).await;
    assert!(reply.text.contains("#42"), "{}", reply.text);
    assert_eq!(world.redmine.issue(42)["parent"]["id"], 4);
    ticket_action(
        &world,
        ALICE,
        "42",
        TicketAction::Parent,
        None,
        Some("none"),
    )
    .await;
    assert!(world.redmine.issue(42).get("parent").is_none());
}

#[tokio::test]
async fn a_parent_redmine_refuses_answers_with_redmines_reason() {
    let world = world().await;
    let reply = ticket_action(&world, ALICE, "42", TicketAction::Parent, None, Some("42")).await;
    insta::assert_snapshot!(shown(&reply), @r#"
    [only you]
    Redmine refused the change: Parent task is invalid.
    "#);
}

#[tokio::test]
async fn watch_adds_me_by_default_and_unwatch_removes_the_named_user() {
    let world = world().await;
    let watchers = |world: &World| -> Vec<String> {
        world.redmine.issue(42)["watchers"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|watcher| Some(watcher["name"].as_str()?.to_owned()))
            .collect()
    };
    let reply = ticket_action(&world, BOB, "42", TicketAction::Watch, None, None).await;
    assert!(reply.text.contains("#42"), "{}", reply.text);
    assert_eq!(watchers(&world), ["Bob Builder"]);
    ticket_action(
        &world,
        ALICE,
        "42",
        TicketAction::Watch,
        Some("alice"),
        None,
    )
    .await;
    ticket_action(
        &world,
        ALICE,
        "42",
        TicketAction::Unwatch,
        Some("Bob Builder"),
        None,
    )
    .await;
    assert_eq!(watchers(&world), ["Alice Liddell"]);
}

#[tokio::test]
async fn note_adds_the_text_as_the_member() {
    let world = world().await;
    ticket_action(
        &world,
        BOB,
        "42",
        TicketAction::Note,
        None,
        Some("Swapped the injector, loss is gone"),
    )
    .await;
    assert_eq!(
        world.redmine.notes(42).last().cloned(),
        Some((
            "Bob Builder".to_owned(),
            "Swapped the injector, loss is gone".to_owned()
        ))
    );
}

#[tokio::test]
async fn a_field_action_without_its_value_says_what_is_missing() {
    let world = world().await;
    let reply = ticket_action(&world, ALICE, "42", TicketAction::Status, None, None).await;
    insta::assert_snapshot!(shown(&reply), @r#"
    [only you]
    `status` needs a value: a status name.
    "#);
}

#[tokio::test]
async fn values_autocomplete_from_redmines_names() {
    let world = world().await;
    let names = |choices: Vec<(String, String)>| -> Vec<String> {
        choices.into_iter().map(|(_, value)| value).collect()
    };
    assert_eq!(
        names(world.bot.complete_value(TicketAction::Priority, "ur").await),
        ["Urgent"]
    );
    assert_eq!(
        names(world.bot.complete_value(TicketAction::Status, "reso").await),
        ["Resolved"]
    );
    assert_eq!(
        names(world.bot.complete_value(TicketAction::Tracker, "f").await),
        ["Feature"]
    );
    assert!(world
        .bot
        .complete_value(TicketAction::Note, "")
        .await
        .is_empty());
}

#[tokio::test]
async fn due_sets_a_date_read_against_today_and_none_clears_it() {
    let world = world().await;
    let reply = ticket_action(
        &world,
        ALICE,
        "42",
        TicketAction::Due,
        None,
        Some("tomorrow"),
    )
    .await;
    assert!(reply.text.contains("#42"), "{}", reply.text);
    assert_eq!(world.redmine.issue(42)["due_date"], "2026-11-28");
    ticket_action(
        &world,
        ALICE,
        "42",
        TicketAction::Due,
        None,
        Some("in 5 days"),
    )
    .await;
    assert_eq!(world.redmine.issue(42)["due_date"], "2026-12-02");
    ticket_action(&world, ALICE, "42", TicketAction::Due, None, Some("none")).await;
    assert_eq!(world.redmine.issue(42)["due_date"], serde_json::Value::Null);
}

#[tokio::test]
async fn a_due_date_before_the_start_is_refused_in_redmines_words_and_no_date_is_named() {
    let world = world().await;
    let reply = ticket_action(
        &world,
        ALICE,
        "42",
        TicketAction::Due,
        None,
        Some("2026-11-01"),
    )
    .await;
    insta::assert_snapshot!(shown(&reply), @r#"
    [only you]
    Redmine refused the change: Due date must be greater than start date.
    "#);
    let reply = ticket_action(&world, ALICE, "42", TicketAction::Due, None, Some("soon")).await;
    assert!(
        reply.text.starts_with("'soon' is not a date"),
        "{}",
        reply.text
    );
}

#[tokio::test]
async fn hours_are_logged_as_the_member_under_the_named_activity() {
    let world = world().await;
    let reply = world
        .bot
        .hours(
            &member(ALICE),
            None,
            "1h30",
            Some("#42"),
            Some("field work"),
            Some("spliced the fibre"),
        )
        .await;
    insta::assert_snapshot!(shown(&reply), @r#"
    [channel]
    Logged 1h30 on ticket 42 as Field work.
    "#);
    let entries = world.redmine.time_entries();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0]["user"]["name"], "Alice Liddell");
    assert_eq!(entries[0]["issue"]["id"], 42);
    assert_eq!(entries[0]["hours"], 1.5);
    assert_eq!(entries[0]["comments"], "spliced the fibre");
}

#[tokio::test]
async fn hours_in_a_tickets_thread_go_to_that_ticket() {
    let world = world().await;
    let thread = 5_555_u64;
    world.redmine.set_fields(
        42,
        &serde_json::json!({ "custom_fields": [{
            "id": demo::redmine::THREAD_FIELD_ID,
            "name": "Discord thread",
            "value": format!("https://discord.com/channels/{GUILD}/{thread}")
        }] }),
    );
    let in_thread = domain::ChannelId::new(thread).ok();
    let reply = world
        .bot
        .hours(&member(BOB), in_thread, "90m", None, None, None)
        .await;
    insta::assert_snapshot!(shown(&reply), @r#"
    [channel]
    Logged 1h30 on ticket 42.
    "#);
    let entries = world.redmine.time_entries();
    assert_eq!(entries[0]["issue"]["id"], 42);
    assert_eq!(entries[0]["user"]["name"], "Bob Builder");
    assert_eq!(entries[0]["activity"]["name"], "Development");

    let elsewhere = world
        .bot
        .hours(&member(BOB), Some(channel()), "90m", None, None, None)
        .await;
    insta::assert_snapshot!(shown(&elsewhere), @r#"
    [only you]
    Which ticket? Give `ticket`, the ticket's number (in a ticket's thread it is that ticket).
    "#);
    assert_eq!(world.redmine.time_entries().len(), 1);
}

#[tokio::test]
async fn hours_without_a_default_activity_name_the_activities_and_bad_hours_say_how_to_write_them()
{
    let world = world().await;
    world.redmine.clear_default_activity();
    let reply = world
        .bot
        .hours(&member(ALICE), None, "1.5", Some("42"), None, None)
        .await;
    insta::assert_snapshot!(shown(&reply), @r#"
    [only you]
    Redmine has no default activity: choose one in `activity` (`Design`, `Development` or `Field work`).
    "#);
    let unknown = world
        .bot
        .hours(&member(ALICE), None, "1.5", Some("42"), Some("Desgn"), None)
        .await;
    insta::assert_snapshot!(shown(&unknown), @r#"
    [only you]
    Redmine has no activity named 'Desgn': did you mean `Design`, `Development` or `Field work`?
    "#);
    let unreadable = world
        .bot
        .hours(&member(ALICE), None, "lots", Some("42"), None, None)
        .await;
    insta::assert_snapshot!(shown(&unreadable), @r#"
    [only you]
    'lots' is not an amount of time: write 1.5, 1h30 or 90m.
    "#);
    assert!(world.redmine.time_entries().is_empty());
}

#[tokio::test]
async fn activity_choices_come_from_redmines_time_entry_activities() {
    let world = world().await;
    assert_eq!(
        world.bot.complete_activity("de").await,
        vec![
            ("Design".to_owned(), "Design".to_owned()),
            ("Development".to_owned(), "Development".to_owned())
        ]
    );
}

/// The fixture Discord's scheduled events as `(name, location, start, end)`, ports redacted.
fn events(world: &World) -> Vec<(String, String, String, String)> {
    world
        .discord
        .scheduled_events()
        .into_iter()
        .map(|event| {
            assert_eq!(event.entity_type, 3, "an external event");
            let location = event.location.unwrap_or_default();
            let port = location
                .trim_start_matches("http://127.0.0.1:")
                .split('/')
                .next()
                .unwrap_or_default()
                .to_owned();
            (
                event.name,
                location.replace(&format!("127.0.0.1:{port}"), "[server]"),
                event.start,
                event.end.unwrap_or_default(),
            )
        })
        .collect()
}

fn due_event(start: &str, end: &str) -> (String, String, String, String) {
    (
        "Ticket #42 due".into(),
        "http://[server]/issues/42".into(),
        start.into(),
        end.into(),
    )
}

#[tokio::test]
async fn a_due_date_becomes_an_event_that_moves_with_it_and_goes_with_none() {
    let world = world().await;
    ticket_action(&world, ALICE, "42", TicketAction::Due, None, Some("12/24")).await;
    assert_eq!(
        events(&world),
        [due_event("2026-12-24T09:00:00Z", "2026-12-24T10:00:00Z")]
    );
    let created = world.discord.scheduled_events()[0].id;

    let reply = ticket_action(&world, ALICE, "42", TicketAction::Due, None, Some("12/31")).await;
    assert!(!reply.text.contains("could not"), "{}", reply.text);
    assert_eq!(
        events(&world),
        [due_event("2026-12-31T09:00:00Z", "2026-12-31T10:00:00Z")]
    );
    assert_eq!(
        world.discord.scheduled_events()[0].id,
        created,
        "moved, not made anew"
    );

    ticket_action(&world, ALICE, "42", TicketAction::Due, None, Some("12/31")).await;
    assert_eq!(events(&world).len(), 1, "never duplicated");

    ticket_action(&world, ALICE, "42", TicketAction::Due, None, Some("none")).await;
    assert!(events(&world).is_empty());
}

#[tokio::test]
async fn closing_a_ticket_deletes_its_due_event_and_leaves_other_events() {
    let world = world().await;
    let other = world.discord.add_scheduled_event(
        "Ticket #42 due",
        "https://elsewhere.example.org/issues/42",
        "2026-12-24T09:00:00Z",
        "2026-12-24T10:00:00Z",
    );
    ticket_action(
        &world,
        ALICE,
        "42",
        TicketAction::Due,
        None,
        Some("2026-12-24"),
    )
    .await;
    assert_eq!(events(&world).len(), 2);
    ticket_action(
        &world,
        BOB,
        "42",
        TicketAction::Status,
        None,
        Some("Closed"),
    )
    .await;
    assert_eq!(world.redmine.issue(42)["status"]["name"], "Closed");
    let left: Vec<u64> = world
        .discord
        .scheduled_events()
        .iter()
        .map(|event| event.id)
        .collect();
    assert_eq!(left, [other]);
}

#[tokio::test]
async fn due_dates_are_read_and_scheduled_in_the_notify_time_zone() {
    // 2026-11-27 12:00 UTC is already 2026-11-28 02:00 in Kiritimati (UTC+14).
    let world = world_in("Pacific/Kiritimati".parse().unwrap()).await;
    ticket_action(
        &world,
        ALICE,
        "42",
        TicketAction::Due,
        None,
        Some("tomorrow"),
    )
    .await;
    assert_eq!(world.redmine.issue(42)["due_date"], "2026-11-29");
    assert_eq!(
        events(&world),
        [due_event("2026-11-28T19:00:00Z", "2026-11-28T20:00:00Z")]
    );
}

#[tokio::test]
async fn an_event_discord_refuses_is_said_after_the_changed_line() {
    let world = world().await;
    world.discord.fail_nth_write(1, 403);
    let reply = ticket_action(&world, ALICE, "42", TicketAction::Due, None, Some("12/24")).await;
    assert_eq!(world.redmine.issue(42)["due_date"], "2026-12-24");
    assert!(reply.text.contains("#42"), "{}", reply.text);
    assert!(
        reply
            .text
            .contains("could not update the due date's Discord event"),
        "{}",
        reply.text
    );
    assert!(events(&world).is_empty());
}

#[tokio::test]
async fn notify_pings_exactly_the_assignee_and_watchers_who_are_members_in_the_thread() {
    let world = world().await;
    world
        .bot
        .thread(&world.chat, &member(ALICE), "42", channel())
        .await;
    let thread = world.discord.threads()[0].id;
    ticket_action(&world, BOB, "42", TicketAction::Watch, None, None).await;
    let before = world.discord.allowed_mentions_seen().len();
    let reply = ticket_action(
        &world,
        BOB,
        "42",
        TicketAction::Notify,
        None,
        Some("@everyone the link is down again <@345678901234567890>"),
    )
    .await;
    assert!(
        reply.text.starts_with("Pinged 2 people on ticket 42"),
        "{}",
        reply.text
    );
    let seen = world.discord.allowed_mentions_seen();
    assert_eq!(seen.len(), before + 1, "one message");
    assert_eq!(
        seen[before],
        serde_json::json!({
            "parse": [],
            "users": [ALICE.to_string(), BOB.to_string()],
            "roles": []
        })
    );
    let posted = world.discord.messages(thread).last().cloned().unwrap();
    assert_eq!(
        posted.content.replace('\u{200B}', "[zwsp]"),
        format!(
            "🔔 <@{ALICE}> <@{BOB}> <@{BOB}> asks for you on ticket 42: @[zwsp]everyone the link \
             is down again <[zwsp]@[zwsp]{NEWCOMER}>"
        )
    );
}

#[tokio::test]
async fn notify_without_a_thread_says_so_and_posts_nothing() {
    let world = world().await;
    let reply = ticket_action(&world, BOB, "42", TicketAction::Notify, None, None).await;
    insta::assert_snapshot!(shown(&reply), @r"
    [only you]
    Ticket 42 has no thread to ping people in: open one with /thread 42.
    ");
    assert!(world.discord.allowed_mentions_seen().is_empty());
}

/// How many requests the fixture Redmine received whose line starts with `prefix`.
async fn requests_to(world: &World, prefix: &str) -> usize {
    world
        .redmine
        .received()
        .await
        .iter()
        .filter(|line| line.starts_with(prefix))
        .count()
}

#[tokio::test]
async fn in_a_tickets_thread_its_ticket_is_offered_first_without_a_request_per_keystroke() {
    let world = world().await;
    let thread = 5_555_u64;
    world.redmine.set_fields(
        42,
        &serde_json::json!({ "custom_fields": [{
            "id": demo::redmine::THREAD_FIELD_ID,
            "name": "Discord thread",
            "value": format!("https://discord.com/channels/{GUILD}/{thread}")
        }] }),
    );
    let in_thread = domain::ChannelId::new(thread).ok();
    let listings_before = requests_to(&world, "GET /issues.json").await;
    let first = world.bot.complete_ticket(in_thread, "").await;
    assert_eq!(first[0].1, "42");
    assert!(
        first[0].0.starts_with("#42 Intermittent packet loss"),
        "{first:?}"
    );
    assert_eq!(
        world.bot.complete_ticket(in_thread, "4").await[0].1,
        "42",
        "what was typed begins its number"
    );
    assert_eq!(
        world.bot.complete_ticket(in_thread, "7").await,
        [("#7".to_owned(), "7".to_owned())]
    );
    assert_eq!(
        requests_to(&world, "GET /issues.json").await - listings_before,
        1,
        "one listing for all the keystrokes"
    );
    assert_eq!(
        world.bot.complete_ticket(Some(channel()), "").await,
        Vec::<(String, String)>::new(),
        "elsewhere nothing is offered before a number is typed"
    );
}

#[tokio::test]
async fn names_autocomplete_from_a_cache_without_a_request_per_keystroke() {
    let world = world().await;
    for typed in ["u", "ur", "urg"] {
        assert_eq!(
            world
                .bot
                .complete_value(TicketAction::Priority, typed)
                .await[0]
                .1,
            "Urgent"
        );
        world.bot.complete_value(TicketAction::Status, typed).await;
        world.bot.complete_value(TicketAction::Tracker, typed).await;
        world.bot.complete_activity(typed).await;
    }
    assert_eq!(
        requests_to(&world, "GET /enumerations/issue_priorities.json").await,
        1
    );
    assert_eq!(requests_to(&world, "GET /issue_statuses.json").await, 1);
    assert_eq!(requests_to(&world, "GET /trackers.json").await, 1);
    assert_eq!(
        requests_to(&world, "GET /enumerations/time_entry_activities.json").await,
        1
    );
}
