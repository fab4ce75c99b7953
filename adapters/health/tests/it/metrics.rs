//! `GET /metrics`: every metric with its HELP line, counting what was reported.

use std::collections::BTreeMap;
use std::time::Duration;

use health::Health;
use ports::vitals::Vitals as _;

use crate::{get, served};

const NAMES: [&str; 8] = [
    "netbot_passes_total",
    "netbot_notes_total",
    "netbot_note_edits_total",
    "netbot_note_deletions_total",
    "netbot_failures_total",
    "netbot_last_pass_seconds",
    "netbot_chat_connected",
    "netbot_event_to_note_seconds",
];

/// Each sample line, `name{labels}` to its value.
fn samples(text: &str) -> BTreeMap<String, f64> {
    text.lines()
        .filter(|line| !line.starts_with('#') && !line.trim().is_empty())
        .map(|line| {
            let (series, value) = line.rsplit_once(' ').unwrap();
            (series.to_owned(), value.parse().unwrap())
        })
        .collect()
}

#[track_caller]
fn check(samples: &BTreeMap<String, f64>, series: &str, expect: f64) {
    assert_eq!(
        samples.get(series),
        Some(&expect),
        "{series} in {samples:#?}"
    );
}

#[tokio::test]
async fn every_metric_is_named_with_its_help_before_anything_happens() {
    let health = Health::for_threader();
    let (addr, _stop) = served(&health).await;

    let answer = get(addr, "/metrics").await;

    assert_eq!(answer.status, 200);
    assert!(
        answer
            .head
            .contains("content-type: application/openmetrics-text"),
        "{}",
        answer.head
    );
    for name in NAMES {
        let family = name.strip_suffix("_total").unwrap_or(name);
        assert!(
            answer.body.contains(&format!("# HELP {family} ")),
            "no HELP for {name}:\n{}",
            answer.body
        );
    }
    let samples = samples(&answer.body);
    check(&samples, "netbot_passes_total{outcome=\"ok\"}", 0.0);
    check(&samples, "netbot_passes_total{outcome=\"failed\"}", 0.0);
    check(
        &samples,
        "netbot_notes_total{direction=\"to_tracker\"}",
        0.0,
    );
    check(&samples, "netbot_notes_total{direction=\"to_chat\"}", 0.0);
    check(&samples, "netbot_chat_connected", 0.0);
    check(&samples, "netbot_event_to_note_seconds_count", 0.0);
}

#[tokio::test]
async fn what_was_reported_is_counted() {
    let health = Health::for_threader();
    let (addr, _stop) = served(&health).await;
    health.chat_connection(true, None);
    health.pass_ended(true, Duration::from_millis(500), None);
    health.pass_ended(false, Duration::from_millis(100), Some("down"));
    health.pass_ended(true, Duration::from_millis(2500), None);
    for _ in 0..3 {
        health.note_to_tracker(None);
    }
    health.note_to_chat();
    health.note_edited();
    health.note_edited();
    health.note_deleted();
    health.failed();

    let samples = samples(&get(addr, "/metrics").await.body);

    check(&samples, "netbot_passes_total{outcome=\"ok\"}", 2.0);
    check(&samples, "netbot_passes_total{outcome=\"failed\"}", 1.0);
    check(
        &samples,
        "netbot_notes_total{direction=\"to_tracker\"}",
        3.0,
    );
    check(&samples, "netbot_notes_total{direction=\"to_chat\"}", 1.0);
    check(&samples, "netbot_note_edits_total", 2.0);
    check(&samples, "netbot_note_deletions_total", 1.0);
    check(&samples, "netbot_failures_total", 1.0);
    check(&samples, "netbot_last_pass_seconds", 2.5);
    check(&samples, "netbot_chat_connected", 1.0);
    check(&samples, "netbot_event_to_note_seconds_count", 0.0);
}

#[tokio::test]
async fn a_lost_connection_sets_the_gauge_to_zero() {
    let health = Health::for_bot();
    health.chat_connection(true, None);
    health.chat_connection(false, Some("gateway closed"));

    check(
        &samples(&health.metrics_text()),
        "netbot_chat_connected",
        0.0,
    );
}

#[tokio::test]
async fn the_histogram_counts_an_observed_note_in_its_bucket() {
    let health = Health::for_threader();
    let (addr, _stop) = served(&health).await;
    health.note_to_tracker(Some(Duration::from_millis(800)));

    let samples = samples(&get(addr, "/metrics").await.body);

    check(&samples, "netbot_event_to_note_seconds_count", 1.0);
    check(&samples, "netbot_event_to_note_seconds_sum", 0.8);
    check(
        &samples,
        "netbot_event_to_note_seconds_bucket{le=\"0.75\"}",
        0.0,
    );
    check(
        &samples,
        "netbot_event_to_note_seconds_bucket{le=\"1.0\"}",
        1.0,
    );
    check(
        &samples,
        "netbot_event_to_note_seconds_bucket{le=\"10.0\"}",
        1.0,
    );
    check(
        &samples,
        "netbot_event_to_note_seconds_bucket{le=\"+Inf\"}",
        1.0,
    );
    check(
        &samples,
        "netbot_notes_total{direction=\"to_tracker\"}",
        1.0,
    );
}
