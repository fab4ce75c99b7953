//! The same scenarios against a real Redmine on loopback (see `scripts/redmine/start.sh`).
//!
//! Members are played with the admin key and `X-Redmine-Switch-User`: Redmine then treats
//! every request as the member's own, so the admin-only listings answer 403 exactly as they
//! do for a member's key, and the member path of name resolution is what runs.

use std::time::Duration;

use domain::{Principal, TicketQuery};
use ports::tickets::{run, Outcome};
use ports::{People, StatusNames, Tickets, TrackerError};
use redmine::{ApiKey, Redmine, RedmineConfig};
use testkit::real_redmine::{seeded, Seed, BUSY_TICKETS};

fn as_member(seed: &Seed, login: &str) -> Redmine {
    Redmine::new(RedmineConfig {
        url: seed.url.clone(),
        key: ApiKey::new(&seed.admin_key),
        act_as: Some(login.to_owned()),
        timeout: Duration::from_secs(30),
    })
    .unwrap()
}

async fn query(tracker: &Redmine, words: &str) -> Result<Outcome, TrackerError> {
    let words: Vec<&str> = words.split(' ').collect();
    run(
        tracker,
        &TicketQuery::parse(&words).unwrap(),
        &StatusNames::default(),
        chrono::Utc::now().date_naive(),
    )
    .await
}

fn list(outcome: Outcome) -> Vec<domain::Ticket> {
    match outcome {
        Outcome::List(tickets) => tickets,
        other => panic!("expected a list, got {other:?}"),
    }
}

fn changed(outcome: Outcome) -> domain::Ticket {
    match outcome {
        Outcome::Changed(ticket) => ticket,
        other => panic!("expected a changed ticket, got {other:?}"),
    }
}

#[tokio::test]
async fn real_a_member_with_over_100_tickets_gets_them_all() {
    let Some(seed) = seeded() else { return };
    let busy = as_member(seed, &seed.busy_login);

    let mine = list(query(&busy, "").await.unwrap());

    assert_eq!(mine.len() as u64, BUSY_TICKETS);
    let by_name = format!("Busy Member{}", seed.run);
    let theirs = list(
        query(&as_member(seed, &seed.crew_login), &by_name)
            .await
            .unwrap(),
    );
    assert_eq!(
        theirs.len() as u64,
        BUSY_TICKETS,
        "another member names the busy one"
    );
    let admin = Redmine::new(RedmineConfig {
        url: seed.url.clone(),
        key: ApiKey::new(&seed.admin_key),
        act_as: None,
        timeout: Duration::from_secs(30),
    })
    .unwrap();
    let by_login = list(query(&admin, &seed.busy_login).await.unwrap());
    assert_eq!(
        by_login.len() as u64,
        BUSY_TICKETS,
        "an admin key finds people by login"
    );
}

#[tokio::test]
async fn real_my_tickets_include_my_teams() {
    let Some(seed) = seeded() else { return };
    let crew = as_member(seed, &seed.crew_login);

    let mine = list(query(&crew, "").await.unwrap());

    assert!(
        mine.iter()
            .any(|ticket| ticket.id.get() == seed.team_ticket),
        "{mine:?}"
    );
}

#[tokio::test]
async fn real_a_member_resolves_a_team_and_a_colleague_without_admin_listings() {
    let Some(seed) = seeded() else { return };
    let busy = as_member(seed, &seed.busy_login);

    let team = busy
        .find_person(&seed.team_name.to_uppercase())
        .await
        .unwrap();
    let colleague = busy.find_person(&seed.crew_name).await.unwrap();

    assert!(
        matches!(team, Some(Principal::Team(ref t)) if t.id.get() == seed.team_id),
        "{team:?}"
    );
    assert!(
        matches!(colleague, Some(Principal::User(_))),
        "{colleague:?}"
    );
    let teams_tickets = list(query(&busy, &seed.team_name).await.unwrap());
    assert_eq!(
        teams_tickets.iter().map(|t| t.id.get()).collect::<Vec<_>>(),
        vec![seed.team_ticket]
    );
}

#[tokio::test]
async fn real_search_finds_a_word_in_the_description() {
    let Some(seed) = seeded() else { return };
    let busy = as_member(seed, &seed.busy_login);

    let found = list(query(&busy, &seed.search_word).await.unwrap());

    assert_eq!(
        found.iter().map(|t| t.id.get()).collect::<Vec<_>>(),
        vec![seed.searchable_ticket]
    );
}

#[tokio::test]
async fn real_assign_unassign_progress_resolve_and_notes_round_trip() {
    let Some(seed) = seeded() else { return };
    let busy = as_member(seed, &seed.busy_login);
    let n = seed.spare_ticket;

    let to_team = changed(
        query(&busy, &format!("{n} assign {}", seed.team_name))
            .await
            .unwrap(),
    );
    assert_eq!(
        to_team.assigned_to.as_ref().map(|team| team.id().get()),
        Some(seed.team_id)
    );

    let unassigned = changed(query(&busy, &format!("#{n} unassign")).await.unwrap());
    assert_eq!(unassigned.status.name, "New");
    assert_eq!(unassigned.assigned_to, None);

    let progressed = changed(query(&busy, &format!("{n} progress")).await.unwrap());
    assert_eq!(progressed.status.name, "In Progress");
    assert_eq!(
        progressed
            .assigned_to
            .as_ref()
            .map(Principal::name)
            .map(str::to_owned),
        Some(format!("Busy Member{}", seed.run))
    );

    // Redmine's default workflow lets a Developer go New -> In Progress but not back: it
    // answers 204 and skips the change, which must not pass for success.
    let refused = query(&busy, &format!("{n} unassign")).await;
    assert!(
        matches!(refused, Err(TrackerError::NotApplied { .. })),
        "{refused:?}"
    );

    busy.add_note(domain::TicketId::new(n).unwrap(), "First note")
        .await
        .unwrap();
    as_member(seed, &seed.crew_login)
        .add_note(domain::TicketId::new(n).unwrap(), "Second note")
        .await
        .unwrap();
    let resolved = changed(query(&busy, &format!("{n} resolve")).await.unwrap());
    assert_eq!(resolved.status.name, "Resolved");

    let Outcome::Details(details) = query(&busy, &format!("{n}")).await.unwrap() else {
        panic!("details")
    };
    let notes: Vec<&str> = details.notes().map(|note| note.text.as_str()).collect();
    assert_eq!(notes, ["First note", "Second note"]);
    assert_eq!(
        details.notes().nth(1).map(|note| note.author.as_str()),
        Some(seed.crew_name.as_str())
    );
}

#[tokio::test]
async fn real_errors_are_the_ones_people_can_act_on() {
    let Some(seed) = seeded() else { return };
    let wrong_key = Redmine::new(RedmineConfig {
        url: seed.url.clone(),
        key: ApiKey::new("0000000000000000000000000000000000000000"),
        act_as: None,
        timeout: Duration::from_secs(30),
    })
    .unwrap();

    assert!(matches!(
        wrong_key.list_mine().await,
        Err(TrackerError::Unauthorized)
    ));
    assert!(matches!(
        as_member(seed, "no-such-login").list_mine().await,
        Err(TrackerError::CannotActAs { .. })
    ));
    let missing = as_member(seed, &seed.busy_login)
        .get(domain::TicketId::new(9_999_999).unwrap())
        .await;
    assert!(
        matches!(missing, Err(TrackerError::TicketNotFound(_))),
        "{missing:?}"
    );
    let nobody = query(&as_member(seed, &seed.busy_login), "1 assign nobody-at-all").await;
    assert!(
        matches!(nobody, Err(TrackerError::UnknownPerson(_))),
        "{nobody:?}"
    );
}

#[tokio::test]
async fn real_a_members_own_key_works_without_admin_rights() {
    let Some(seed) = seeded() else { return };
    let Some(key) = &seed.busy_key else {
        // Redmine shows a user's key to the admin only once the user has one.
        return;
    };
    let own = Redmine::new(RedmineConfig {
        url: seed.url.clone(),
        key: ApiKey::new(key),
        act_as: None,
        timeout: Duration::from_secs(30),
    })
    .unwrap();

    assert_eq!(own.list_mine().await.unwrap().len() as u64, BUSY_TICKETS);
    let team = own.find_person(&seed.team_name).await.unwrap();
    assert_eq!(team.map(|t| t.id().get()), Some(seed.team_id));
}

#[tokio::test]
async fn real_status_priority_tracker_note_parent_and_watchers_round_trip() {
    let Some(seed) = seeded() else { return };
    let busy = as_member(seed, &seed.busy_login);
    let project = format!("contract-{}", seed.run);
    let parent = busy
        .create(&project, "Field actions: the parent", "")
        .await
        .unwrap()
        .id;
    let n = busy
        .create(&project, "Field actions: the child", "The first text.")
        .await
        .unwrap()
        .id;

    let in_progress = changed(
        query(&busy, &format!("{n} status in progress"))
            .await
            .unwrap(),
    );
    assert_eq!(in_progress.status.name, "In Progress");
    let urgent = changed(query(&busy, &format!("{n} priority URGENT")).await.unwrap());
    assert_eq!(urgent.priority.name, "Urgent");
    let feature = changed(query(&busy, &format!("{n} tracker feature")).await.unwrap());
    assert_eq!(feature.tracker.name, "Feature");
    let unknown = query(&busy, &format!("{n} priority urgnt")).await;
    assert!(
        matches!(unknown, Err(TrackerError::UnknownName { ref closest, .. }) if closest[0] == "Urgent"),
        "{unknown:?}"
    );

    let renamed = changed(
        query(&busy, &format!("{n} subject Field actions: renamed"))
            .await
            .unwrap(),
    );
    assert_eq!(renamed.subject, "Field actions: renamed");
    let described = changed(
        query(&busy, &format!("{n} description The second text."))
            .await
            .unwrap(),
    );
    assert_eq!(described.description, "The second text.");
    let noted = changed(query(&busy, &format!("{n} note A note")).await.unwrap());
    assert_eq!(
        noted.notes().last().map(|note| note.text.as_str()),
        Some("A note")
    );

    changed(query(&busy, &format!("{n} parent {parent}")).await.unwrap());
    let real = testkit::real_redmine::RealRedmine::new(&seed.url, &seed.admin_key).unwrap();
    assert_eq!(
        real.issue(n.get()).await.unwrap()["parent"]["id"].as_u64(),
        Some(parent.get())
    );
    changed(query(&busy, &format!("{n} parent none")).await.unwrap());
    assert!(real.issue(n.get()).await.unwrap().get("parent").is_none());
    let looped = query(&busy, &format!("{n} parent {n}")).await;
    assert!(
        matches!(looped, Err(TrackerError::Rejected { ref errors, .. }) if !errors.is_empty()),
        "{looped:?}"
    );

    let history = real.issue(n.get()).await.unwrap();
    let old_description = history["journals"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|journal| journal["details"].as_array().cloned().unwrap_or_default())
        .find(|detail| detail["name"] == "description")
        .map(|detail| detail["old_value"].clone());
    assert_eq!(old_description, Some(serde_json::json!("The first text.")));

    // Redmine's default Developer role may not add or delete watchers (Manager may): the
    // member reads that they lack the permission; a user with it (here the admin) does it.
    let refused = query(&busy, &format!("{n} watch")).await;
    assert!(
        matches!(refused, Err(TrackerError::Forbidden { .. })),
        "{refused:?}"
    );
    let admin = Redmine::new(RedmineConfig {
        url: seed.url.clone(),
        key: ApiKey::new(&seed.admin_key),
        act_as: None,
        timeout: Duration::from_secs(30),
    })
    .unwrap();
    changed(query(&admin, &format!("{n} watch")).await.unwrap());
    changed(
        query(&admin, &format!("{n} watch {}", seed.crew_login))
            .await
            .unwrap(),
    );
    changed(query(&admin, &format!("{n} unwatch")).await.unwrap());
    let watchers = reqwest::Client::new()
        .get(format!("{}/issues/{n}.json?include=watchers", seed.url))
        .header("X-Redmine-API-Key", &seed.admin_key)
        .send()
        .await
        .unwrap()
        .json::<serde_json::Value>()
        .await
        .unwrap()["issue"]["watchers"]
        .clone();
    let names: Vec<&str> = watchers
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|watcher| watcher["name"].as_str())
        .collect();
    assert_eq!(names, [seed.crew_name.as_str()]);
}

#[tokio::test]
async fn real_due_dates_are_set_cleared_and_refused_before_the_start() {
    let Some(seed) = seeded() else { return };
    let busy = as_member(seed, &seed.busy_login);
    let project = format!("contract-{}", seed.run);
    let n = busy
        .create(&project, "Field actions: due", "")
        .await
        .unwrap()
        .id;
    let real = testkit::real_redmine::RealRedmine::new(&seed.url, &seed.admin_key).unwrap();

    changed(query(&busy, &format!("{n} due in 5 days")).await.unwrap());
    let expected = (chrono::Utc::now().date_naive() + chrono::Days::new(5))
        .format("%Y-%m-%d")
        .to_string();
    assert_eq!(
        real.issue(n.get()).await.unwrap()["due_date"].as_str(),
        Some(expected.as_str())
    );

    let before_start = query(&busy, &format!("{n} due 2000-01-01")).await;
    assert!(
        matches!(before_start, Err(TrackerError::Rejected { ref errors, .. }) if !errors.is_empty()),
        "{before_start:?}"
    );

    changed(query(&busy, &format!("{n} due none")).await.unwrap());
    assert!(real.issue(n.get()).await.unwrap()["due_date"].is_null());
}

/// The admin's side of the time-log scenario: `time_tracking` enabled on the seeded project
/// (the seed enables only issue tracking), and the entries of a ticket read back.
async fn admin_json(
    seed: &Seed,
    method: reqwest::Method,
    path: &str,
    body: Option<serde_json::Value>,
) -> serde_json::Value {
    let url = format!("{}/{path}", seed.url.trim_end_matches('/'));
    let mut request = reqwest::Client::new()
        .request(method, url)
        .header("X-Redmine-API-Key", &seed.admin_key);
    if let Some(body) = body {
        request = request.json(&body);
    }
    let answer = request.send().await.unwrap();
    assert!(answer.status().is_success(), "{path}: {}", answer.status());
    let text = answer.text().await.unwrap();
    serde_json::from_str(&text).unwrap_or(serde_json::Value::Null)
}

#[tokio::test]
async fn real_hours_are_logged_as_the_member_under_an_activity_found_by_name() {
    use ports::hours::{log_hours, LogError};
    use ports::TimeLog;

    let Some(seed) = seeded() else { return };
    let project = format!("contract-{}", seed.run);
    admin_json(
        seed,
        reqwest::Method::PUT,
        &format!("projects/{project}.json"),
        Some(serde_json::json!({ "project": {
            "enabled_module_names": ["issue_tracking", "time_tracking"]
        }})),
    )
    .await;
    let busy = as_member(seed, &seed.busy_login);
    let n = busy.create(&project, "Hours: logged", "").await.unwrap().id;
    let activities = busy.activities().await.unwrap();
    assert!(
        activities
            .iter()
            .any(|activity| activity.name == "Development"),
        "the server has no Development activity (Administration » Enumerations): {activities:?}"
    );
    let hours = domain::Hours::parse("1h30").unwrap();

    match log_hours(&busy, n, hours, None, "").await {
        // A fresh Redmine has no default activity: the activities are named instead.
        Err(LogError::ActivityNeeded { known }) => {
            assert!(known.iter().any(|name| name == "Development"), "{known:?}");
        }
        // One whose admin set a default logs under it.
        Ok(logged) => assert_eq!(logged.activity, None),
        Err(other) => panic!("{other:?}"),
    }
    let unknown = log_hours(&busy, n, hours, Some("Developmnt"), "").await;
    assert!(
        matches!(&unknown, Err(LogError::Tracker(TrackerError::UnknownName { closest, .. })) if closest[0] == "Development"),
        "{unknown:?}"
    );
    let logged = log_hours(&busy, n, hours, Some("development"), "contract hours")
        .await
        .unwrap();
    assert_eq!(logged.activity.as_deref(), Some("Development"));

    let entries = admin_json(
        seed,
        reqwest::Method::GET,
        &format!("time_entries.json?issue_id={n}&limit=100"),
        None,
    )
    .await;
    let ours: Vec<&serde_json::Value> = entries["time_entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|entry| entry["comments"] == "contract hours")
        .collect();
    assert_eq!(ours.len(), 1, "{entries}");
    assert_eq!(ours[0]["hours"], 1.5);
    assert_eq!(ours[0]["activity"]["name"], "Development");
    assert_eq!(
        ours[0]["user"]["name"],
        format!("Busy Member{}", seed.run),
        "logged as the member, not the admin"
    );
}

/// The id of the journal of ticket `n` whose note is exactly `text`, read as the admin.
async fn journal_with_note(seed: &Seed, n: domain::TicketId, text: &str) -> domain::JournalId {
    let admin = as_key_owner(seed);
    let ticket = admin.get(n).await.unwrap();
    ticket
        .journals
        .iter()
        .find(|journal| journal.text == text)
        .map(|journal| journal.id)
        .unwrap_or_else(|| panic!("no note {text:?} on ticket {n}: {:?}", ticket.journals))
}

fn as_key_owner(seed: &Seed) -> Redmine {
    Redmine::new(RedmineConfig {
        url: seed.url.clone(),
        key: ApiKey::new(&seed.admin_key),
        act_as: None,
        timeout: Duration::from_secs(30),
    })
    .unwrap()
}

#[tokio::test]
async fn real_a_members_note_is_edited_in_place_as_the_member_where_their_role_allows() {
    use ports::NoteEdits;

    let Some(seed) = seeded() else { return };
    let project = format!("contract-{}", seed.run);
    let busy = as_member(seed, &seed.busy_login);
    let n = busy.create(&project, "Note edits", "").await.unwrap().id;
    let original = format!("Written on Discord in run {}", seed.run);
    busy.add_note(n, &original).await.unwrap();
    let journal = journal_with_note(seed, n, &original).await;

    // What `netbot check` reads of the member's role predicts what Redmine decides. Redmine's
    // default Developer role has neither "Edit own notes" nor "Edit notes".
    let rights = as_key_owner(seed)
        .note_rights_of_roles(std::slice::from_ref(&project))
        .await
        .unwrap();
    let developer = rights
        .iter()
        .find(|role| role.name == "Developer")
        .unwrap_or_else(|| panic!("the members are Developers: {rights:?}"));
    let developer_may = developer.edit_own_notes || developer.edit_all_notes;
    let edited = format!("Edited on Discord in run {}", seed.run);
    let as_developer = busy.edit_note(n, journal, &edited).await;
    if developer_may {
        as_developer.unwrap();
    } else {
        assert!(
            matches!(&as_developer, Err(TrackerError::Forbidden { action }) if action.contains(&format!("note {journal}"))),
            "{as_developer:?}"
        );
        assert_eq!(journal_with_note(seed, n, &original).await, journal);
        // The threader's own user (an admin) may edit any note: the fallback.
        as_key_owner(seed)
            .edit_note(n, journal, &edited)
            .await
            .unwrap();
    }
    assert_eq!(journal_with_note(seed, n, &edited).await, journal);

    // A member whose role has "Edit own notes" (Redmine's default Manager has every
    // permission) edits their own note as themselves.
    let roles = admin_json(seed, reqwest::Method::GET, "roles.json", None).await;
    let manager = roles["roles"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|role| role["name"] == "Manager")
        .and_then(|role| role["id"].as_u64())
        .unwrap_or_else(|| {
            panic!("the server has no Manager role (Redmine's default data): {roles}")
        });
    let editor_login = format!("editor{}", seed.run);
    let editor = admin_json(
        seed,
        reqwest::Method::POST,
        "users.json",
        Some(serde_json::json!({ "user": {
            "login": editor_login, "firstname": "Note", "lastname": format!("Editor{}", seed.run),
            "mail": format!("{editor_login}@example.org"), "password": "contract-pass-123"
        }})),
    )
    .await["user"]["id"]
        .as_u64()
        .unwrap();
    admin_json(
        seed,
        reqwest::Method::POST,
        &format!("projects/{project}/memberships.json"),
        Some(serde_json::json!({ "membership": { "user_id": editor, "role_ids": [manager] } })),
    )
    .await;
    let as_editor = as_member(seed, &editor_login);
    let theirs = format!("The editor's note in run {}", seed.run);
    as_editor.add_note(n, &theirs).await.unwrap();
    let their_journal = journal_with_note(seed, n, &theirs).await;
    let their_edit = format!("The editor's note, edited, in run {}", seed.run);
    let updated_on = || async {
        admin_json(
            seed,
            reqwest::Method::GET,
            &format!("issues/{n}.json"),
            None,
        )
        .await["issue"]["updated_on"]
            .clone()
    };
    let before = updated_on().await;
    // Redmine's times have whole seconds: a moved updated_on would show.
    tokio::time::sleep(Duration::from_millis(1100)).await;

    as_editor
        .edit_note(n, their_journal, &their_edit)
        .await
        .unwrap();

    let ticket = as_key_owner(seed).get(n).await.unwrap();
    let note = ticket
        .journals
        .iter()
        .find(|journal| journal.id == their_journal)
        .unwrap();
    assert_eq!(note.text, their_edit);
    assert_eq!(note.author, format!("Note Editor{}", seed.run));

    // An empty text never reaches Redmine (which would delete the note).
    let empty = as_editor.edit_note(n, their_journal, " ").await;
    assert!(
        matches!(empty, Err(TrackerError::Rejected { .. })),
        "{empty:?}"
    );
    assert_eq!(journal_with_note(seed, n, &their_edit).await, their_journal);

    // Redmine 5 does not move the ticket's updated_on for an edited note.
    assert_eq!(updated_on().await, before);
}
