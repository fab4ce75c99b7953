//! `netbot.toml` parsed once: typed values, one default each, and every bad value named.

use chrono::TimeDelta;
use domain::notify::{DigestRule, Ping};

use super::*;

#[track_caller]
fn error(text: &str) -> String {
    format!("{:#}", parse(text).unwrap_err())
}

#[track_caller]
fn channel(id: u64) -> ChannelId {
    ChannelId::new(id).unwrap()
}

#[test]
fn a_full_file_parses_into_typed_values() {
    let settings = parse(
        r#"
        admin_role = 1234
        reader_login = "guest"
        default_project = "netops"
        backend_timeout = 5
        identity_refresh_minutes = 3
        [statuses]
        resolved = "Done"
        [channels]
        intake = 42
        "#,
    )
    .unwrap();
    assert_eq!(settings.admin_role, Some(RoleId::new(1234).unwrap()));
    assert_eq!(
        settings.reader_login.as_ref().map(Login::as_str),
        Some("guest")
    );
    assert_eq!(settings.backend_timeout, Duration::from_secs(5));
    assert_eq!(settings.identity_refresh, Duration::from_secs(180));
    assert_eq!(
        settings.statuses.resolved,
        Defaulted::set("Done".to_owned())
    );
    assert_eq!(settings.statuses.names().resolved, "Done");
    assert_eq!(settings.channels["intake"], channel(42));
}

#[test]
fn an_empty_file_means_the_defaults_each_marked_as_such() {
    let settings = parse("").unwrap();
    assert_eq!(settings.discord_field, DEFAULT_DISCORD_FIELD);
    assert_eq!(settings.backend_timeout, DEFAULT_BACKEND_TIMEOUT);
    assert_eq!(settings.identity_refresh, DEFAULT_IDENTITY_REFRESH);
    assert_eq!(settings.default_project.get(), DEFAULT_PROJECT);
    assert!(!settings.default_project.is_set());
    assert!(!settings.statuses.new.is_set());
    assert_eq!(settings.statuses.names(), StatusNames::default());
    let absent = Settings::default();
    assert_eq!(absent.discord_field, settings.discord_field);
    assert_eq!(absent.default_project, settings.default_project);
    assert_eq!(absent.statuses, settings.statuses);
}

#[test]
fn bad_keys_and_values_are_named() {
    assert!(
        error("admin_rol = 1").starts_with("unknown field `admin_rol`"),
        "{}",
        error("admin_rol = 1")
    );
    assert!(
        error("admin_role = \"x\"").contains("invalid type"),
        "{}",
        error("admin_role = \"x\"")
    );
    assert_eq!(
        error("backend_timeout = 0"),
        "backend_timeout must be 1 to 60 seconds (Discord waits 15 minutes at most), not 0"
    );
    assert_eq!(
        error("[statuses]\nclosed = \"x\""),
        "unknown field `closed`, expected one of `new`, `in_progress`, `resolved`"
    );
    assert_eq!(error("admin_role = 0"), "admin_role must be a role id");
    assert!(
        error("reader_login = \"two words\"").starts_with("reader_login must be a Redmine login"),
        "{}",
        error("reader_login = \"two words\"")
    );
    assert_eq!(
        error("[channels]\nintake = 0"),
        "channels.intake must be a channel id"
    );
    assert_eq!(
        error("identity_refresh_minutes = 0"),
        "identity_refresh_minutes must be at least 1"
    );
    assert_eq!(
        error("default_project = \" \""),
        "default_project must not be empty"
    );
}

#[test]
fn the_threader_section_has_its_fields_defaulted_and_its_channels_typed() {
    let settings = parse("[threader]\nchannel = 7\n[threader.projects]\nnetops = 8\n").unwrap();
    let threader = settings.threader.unwrap();
    assert_eq!(threader.channel, channel(7));
    assert_eq!(threader.thread_field, DEFAULT_THREAD_FIELD);
    assert_eq!(threader.state_field, DEFAULT_STATE_FIELD);
    assert_eq!(threader.projects["netops"], channel(8));
    assert_eq!(
        threader.max_upload,
        8 * 1024 * 1024,
        "the default max_upload"
    );
}

#[track_caller]
fn check_max_upload(value: &str, expect: Option<u64>) {
    let parsed = parse(&format!(
        "[threader]\nchannel = 7\nmax_upload = \"{value}\"\n"
    ));
    match (parsed, expect) {
        (Ok(settings), Some(bytes)) => {
            assert_eq!(settings.threader.unwrap().max_upload, bytes, "{value}");
        }
        (Err(error), None) => assert!(
            error
                .to_string()
                .contains("threader.max_upload must be a size"),
            "{value}: {error}"
        ),
        (parsed, expect) => panic!("{value}: {parsed:?}, expected {expect:?}"),
    }
}

#[test]
fn max_upload_is_a_size_in_bytes_with_its_unit() {
    check_max_upload("8MiB", Some(8 * 1024 * 1024));
    check_max_upload("10 MB", Some(10_000_000));
    check_max_upload("500KiB", Some(500 * 1024));
    check_max_upload("1048576", Some(1_048_576));
    check_max_upload("25mib", Some(25 * 1024 * 1024));
    check_max_upload("8 MiBs", None);
    check_max_upload("MiB", None);
    check_max_upload("-1MB", None);
    check_max_upload("99999999999GiB", None);
}

#[test]
fn bad_threader_values_are_named() {
    assert_eq!(
        error("[threader]\nchannel = 0"),
        "threader.channel must be a channel id"
    );
    assert_eq!(
        error("[threader]\nchannel = 7\n[threader.projects]\nnetops = 0"),
        "threader.projects.netops must be a channel id"
    );
    assert_eq!(
        error("[threader]\nchannel = 7\nthread_field = \"\""),
        "threader.thread_field and threader.state_field must not be empty"
    );
    assert_eq!(
        error("[threader]\nchannel = 7\nthread_field = \"discord sync\""),
        "threader.thread_field and threader.state_field must be two different fields"
    );
}

#[test]
fn notify_is_parsed_into_durations_pings_and_a_digest_rule() {
    let settings = parse(
        r#"
        [notify]
        intake = 5
        digest_at = "10:00"
        time_zone = "Europe/Zurich"
        [[notify.route]]
        project = "netops"
        channel = 6
        ping = "role:99"
        [[notify.route]]
        assignee = "alice"
        channel = 7
        ping = "assignee"
        [[notify.route]]
        tracker = "Bug"
        channel = 8
        [notify.stale]
        "In Progress" = "7d"
        "#,
    )
    .unwrap();
    let notify = settings.notify.unwrap();
    assert_eq!(notify.intake, channel(5));
    assert_eq!(notify.window, TimeDelta::days(1));
    assert_eq!(notify.stale["In Progress"], TimeDelta::days(7));
    assert_eq!(
        notify.digest,
        Some(DigestRule::parse("10:00", Some("Europe/Zurich")).unwrap())
    );
    let pings: Vec<&Ping> = notify.routes.iter().map(|route| &route.ping).collect();
    assert_eq!(
        pings,
        [
            &Ping::Role(RoleId::new(99).unwrap()),
            &Ping::Assignee,
            &Ping::Nobody
        ]
    );
    assert_eq!(notify.routes[1].channel, channel(7));
}

#[test]
fn bad_notify_values_are_named_with_their_key() {
    let notify = |rest: &str| error(&format!("[notify]\nintake = 5\n{rest}"));
    assert_eq!(
        error("[notify]\nintake = 0"),
        "notify.intake must be a channel id"
    );
    assert_eq!(
        notify("window = \"soon\""),
        "notify.window must be a duration such as 30m, 2d or 1w, not 'soon'"
    );
    assert_eq!(
        notify("time_zone = \"Mars/Olympus\""),
        "notify.time_zone must be a time zone such as \"Europe/Zurich\", not 'Mars/Olympus'"
    );
    assert_eq!(
        notify("digest_at = \"25:00\""),
        "notify.digest_at must be a time such as \"10:00\", not '25:00'"
    );
    assert_eq!(
        notify("[notify.stale]\n\"New\" = \"0s\""),
        "notify.stale.\"New\" must be a duration such as 30m, 2d or 1w, not '0s'"
    );
    assert_eq!(
        notify("[[notify.route]]\nchannel = 6"),
        "notify.route[1] needs at least one of project, tracker, category or assignee"
    );
    assert_eq!(
        notify("[[notify.route]]\ncategory = \"Roof\"\nchannel = 6"),
        "notify.route[1].category needs a project: categories belong to a project"
    );
    assert_eq!(
        notify("[[notify.route]]\ntracker = \"Bug\"\nchannel = 0"),
        "notify.route[1].channel must be a channel id"
    );
    for bad in ["role:", "role:x", "role:0", "Assignee", "@here"] {
        assert_eq!(
            notify(&format!(
                "[[notify.route]]\ntracker = \"Bug\"\nchannel = 6\nping = \"{bad}\""
            )),
            format!("notify.route[1].ping must be \"assignee\" or \"role:ROLE_ID\", not '{bad}'")
        );
    }
}

#[test]
fn configured_channels_are_listed_by_section_with_their_keys_and_use() {
    let settings = parse(
        r#"
        [channels]
        general = 1
        [threader]
        channel = 2
        [threader.projects]
        netops = 3
        [notify]
        intake = 4
        [[notify.route]]
        tracker = "Bug"
        channel = 5
        "#,
    )
    .unwrap();
    let listed: Vec<(String, u64, ChannelUse)> = settings
        .configured_channels()
        .into_iter()
        .map(|(key, id, used)| (key, id.get(), used))
        .collect();
    assert_eq!(
        listed,
        [
            ("threader.channel".into(), 2, ChannelUse::Threads),
            ("threader.projects.netops".into(), 3, ChannelUse::Threads),
            ("notify.intake".into(), 4, ChannelUse::Notifications),
            (
                "notify.route[1].channel".into(),
                5,
                ChannelUse::Notifications
            ),
            ("channels.general".into(), 1, ChannelUse::Named),
        ]
    );
}

#[test]
fn saved_queries_get_the_default_line_unless_they_bring_a_format() {
    let settings = parse(
        r#"
        [queries.open]
        query = "status_id=open"
        [queries.short]
        query = "status_id=open"
        format = "{{ id }}"
        "#,
    )
    .unwrap();
    assert_eq!(settings.queries["open"].template, DEFAULT_LINE);
    assert_eq!(settings.queries["short"].template, "{{ id }}");
}

#[test]
fn the_time_zone_is_read_without_a_digest_and_is_utc_when_unset() {
    let zoned = parse("[notify]\nintake = 5\ntime_zone = \"Pacific/Kiritimati\"").unwrap();
    assert_eq!(
        zoned.time_zone(),
        domain::due_event::Tz::Pacific__Kiritimati
    );
    assert!(zoned.notify.unwrap().digest.is_none());
    let unset = parse("[notify]\nintake = 5").unwrap();
    assert_eq!(unset.time_zone(), domain::due_event::Tz::UTC);
    assert_eq!(parse("").unwrap().time_zone(), domain::due_event::Tz::UTC);
}
