//! What the members' roles may do with notes (`netbot check`'s question), read from the
//! member lists and `/roles/N.json` of the stateful fake Redmine.

use std::time::Duration;

use redmine::{ApiKey, Redmine, RedmineConfig, RoleNoteRights};
use testkit::redmine::DemoRedmine;

fn admin(fake: &DemoRedmine) -> Redmine {
    Redmine::new(RedmineConfig {
        url: fake.url(),
        key: ApiKey::new("admin-key-0123456789"),
        act_as: None,
        timeout: Duration::from_secs(2),
    })
    .unwrap()
}

fn rights(name: &str, edit_own_notes: bool, edit_all_notes: bool) -> RoleNoteRights {
    RoleNoteRights {
        name: name.into(),
        edit_own_notes,
        edit_all_notes,
    }
}

#[tokio::test]
async fn the_roles_members_hold_in_a_project_are_read_once_each() {
    let fake = DemoRedmine::start_admin().await;

    let found = admin(&fake)
        .note_rights_of_roles(&[String::from("netops")])
        .await
        .unwrap();

    assert_eq!(found, [rights("Developer", true, false)]);
    insta::assert_debug_snapshot!(fake.received().await, @r#"
    [
        "GET /projects/netops/memberships.json?limit=100&offset=0",
        "GET /roles/4.json",
    ]
    "#);
}

#[tokio::test]
async fn a_role_without_the_permission_reads_as_unable() {
    let fake = DemoRedmine::start_admin().await;
    assert!(fake.remove_role_permission("Developer", "edit_own_issue_notes"));

    let found = admin(&fake)
        .note_rights_of_roles(&[String::from("netops")])
        .await
        .unwrap();

    assert_eq!(found, [rights("Developer", false, false)]);
}

#[tokio::test]
async fn without_projects_every_role_that_can_be_given_is_read() {
    let fake = DemoRedmine::start_admin().await;

    let found = admin(&fake).note_rights_of_roles(&[]).await.unwrap();

    assert_eq!(
        found,
        [
            rights("Developer", true, false),
            rights("Manager", true, true),
            rights("Reporter", false, false),
        ]
    );
}
