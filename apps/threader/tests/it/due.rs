//! A due date set in Redmine becomes the guild's `Ticket #ID due` event on the threader's
//! next look at the ticket, moves with it and goes with it: the real adapters against the
//! fixture Redmine and Discord.

use std::collections::BTreeMap;

use chrono::{Datelike as _, Utc};
use discord::{BotToken, DiscordChat};
use domain::{ChannelId, GuildId};
use ports::threader::{PassReport, Threader, ThreaderSettings, WhoIsWho};
use redmine::RedmineDirectory;
use serde_json::json;

use crate::{World, CHANNEL, GUILD};

/// One pass of a threader that follows due dates (in UTC), as `threader` runs it.
async fn pass_following_due_dates(world: &World) -> PassReport {
    let tracker = world.tracker();
    let people = WhoIsWho::from_directory(&RedmineDirectory::new(&tracker, "Discord ID"))
        .await
        .expect("who is who");
    let chat = DiscordChat::connect(&BotToken::new("test-token"), Some(&world.discord.uri()));
    let threader = Threader::new(
        tracker,
        chat,
        ThreaderSettings {
            guild: GuildId::new(GUILD).expect("guild"),
            channel: ChannelId::new(CHANNEL).expect("channel"),
            routes: BTreeMap::new(),
            dry_run: false,
            only: None,
            stop: ports::threader::CancellationToken::new(),
            max_upload: domain::limits::DEFAULT_MAX_UPLOAD,
            due_events: Some(domain::due_event::Tz::UTC),
        },
    );
    let report = threader.pass(people).await.expect("a pass");
    assert!(report.failed.is_empty(), "{report:?}");
    report
}

#[tokio::test]
async fn a_due_date_set_in_redmine_gets_its_event_at_the_next_look_which_moves_and_goes_with_it() {
    let world = World::new().await;
    let ticket = world
        .redmine
        .open_ticket("alice", "Replace the UPS battery", "", Some("yes"));
    pass_following_due_dates(&world).await;
    assert!(world.discord.scheduled_events().is_empty());
    let year = Utc::now().year() + 1;

    assert!(world.redmine.change_as(
        "bob",
        ticket,
        &json!({ "due_date": format!("{year}-03-10") })
    ));
    pass_following_due_dates(&world).await;
    let events = world.discord.scheduled_events();
    assert_eq!(events.len(), 1, "{events:?}");
    assert_eq!(events[0].name, format!("Ticket #{ticket} due"));
    assert!(
        events[0]
            .start
            .starts_with(&format!("{year}-03-10T09:00:00")),
        "{events:?}"
    );
    assert!(
        events[0]
            .location
            .as_deref()
            .is_some_and(|location| location.ends_with(&format!("/issues/{ticket}"))),
        "{events:?}"
    );

    // Looked at again with nothing new: still one event.
    assert!(world
        .redmine
        .change_as("bob", ticket, &json!({ "notes": "Battery ordered." })));
    pass_following_due_dates(&world).await;
    assert_eq!(world.discord.scheduled_events().len(), 1);

    assert!(world.redmine.change_as(
        "bob",
        ticket,
        &json!({ "due_date": format!("{year}-03-12") })
    ));
    pass_following_due_dates(&world).await;
    let moved = world.discord.scheduled_events();
    assert_eq!(moved.len(), 1, "{moved:?}");
    assert_eq!(moved[0].id, events[0].id, "moved, not made anew");
    assert!(
        moved[0]
            .start
            .starts_with(&format!("{year}-03-12T09:00:00")),
        "{moved:?}"
    );

    assert!(world
        .redmine
        .change_as("bob", ticket, &json!({ "due_date": "" })));
    pass_following_due_dates(&world).await;
    assert!(world.discord.scheduled_events().is_empty());
}
