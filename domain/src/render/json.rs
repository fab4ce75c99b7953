//! The `--json` output: a stable schema documented in the README.
//!
//! A list is an array of ticket objects; details and mutations print one ticket object with
//! `description` and `notes` added. These view types exist only for this output: domain
//! types themselves carry no wire format.

use chrono::{DateTime, SecondsFormat, Utc};
use serde::Serialize;

use crate::site::{Site, SiteCounts, SiteDetails};
use crate::ticket::{Journal, Ticket};

/// One ticket in the JSON output.
#[derive(Debug, Serialize)]
struct TicketView<'a> {
    id: u64,
    subject: &'a str,
    status: &'a str,
    priority: &'a str,
    tracker: &'a str,
    project: &'a str,
    assigned_to: Option<&'a str>,
    author: &'a str,
    created_on: String,
    updated_on: String,
    url: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    notes: Option<Vec<NoteView<'a>>>,
}

/// One note in the JSON output.
#[derive(Debug, Serialize)]
struct NoteView<'a> {
    id: u64,
    author: &'a str,
    created_on: String,
    text: &'a str,
}

fn rfc3339(time: DateTime<Utc>) -> String {
    time.to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn view(ticket: &Ticket, with_details: bool) -> TicketView<'_> {
    TicketView {
        id: ticket.id.get(),
        subject: &ticket.subject,
        status: &ticket.status.name,
        priority: &ticket.priority.name,
        tracker: &ticket.tracker.name,
        project: &ticket.project.name,
        assigned_to: ticket.assigned_to.as_ref().map(crate::Principal::name),
        author: &ticket.author,
        created_on: rfc3339(ticket.created_on),
        updated_on: rfc3339(ticket.updated_on),
        url: &ticket.url,
        description: with_details.then_some(ticket.description.as_str()),
        notes: with_details.then(|| ticket.notes().map(note_view).collect()),
    }
}

fn note_view(note: &Journal) -> NoteView<'_> {
    NoteView {
        id: note.id.get(),
        author: &note.author,
        created_on: rfc3339(note.created_on),
        text: &note.text,
    }
}

fn pretty(value: &impl Serialize) -> String {
    // Serializing these plain structs cannot fail: every key is a string.
    serde_json::to_string_pretty(value).unwrap_or_else(|_| String::from("null"))
}

/// A list of tickets as a JSON array.
#[must_use]
pub fn ticket_list(tickets: &[Ticket]) -> String {
    let views: Vec<TicketView<'_>> = tickets.iter().map(|ticket| view(ticket, false)).collect();
    pretty(&views)
}

/// One ticket with its description and notes, as a JSON object.
#[must_use]
pub fn ticket_details(ticket: &Ticket) -> String {
    pretty(&view(ticket, true))
}

/// One site in the JSON output.
#[derive(Debug, Serialize)]
struct SiteView<'a> {
    id: u64,
    slug: &'a str,
    name: &'a str,
    status: &'a str,
    region: Option<&'a str>,
    tenant: Option<&'a str>,
    facility: Option<&'a str>,
    physical_address: Option<&'a str>,
    latitude: Option<f64>,
    longitude: Option<f64>,
    description: Option<&'a str>,
    url: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    devices: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    prefixes: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    circuits: Option<u64>,
}

fn site_view(site: &Site, counts: Option<SiteCounts>) -> SiteView<'_> {
    SiteView {
        id: site.id,
        slug: &site.slug,
        name: &site.name,
        status: &site.status,
        region: site.region.as_deref(),
        tenant: site.tenant.as_deref(),
        facility: site.facility.as_deref(),
        physical_address: site.physical_address.as_deref(),
        latitude: site.coordinates.map(|(latitude, _)| latitude),
        longitude: site.coordinates.map(|(_, longitude)| longitude),
        description: site.description.as_deref(),
        url: &site.url,
        devices: counts.map(|counts| counts.devices),
        prefixes: counts.map(|counts| counts.prefixes),
        circuits: counts.map(|counts| counts.circuits),
    }
}

/// A list of sites as a JSON array.
#[must_use]
pub fn site_list(sites: &[Site]) -> String {
    let views: Vec<SiteView<'_>> = sites.iter().map(|site| site_view(site, None)).collect();
    pretty(&views)
}

/// One site with its counts, as a JSON object.
#[must_use]
pub fn site_details(details: &SiteDetails) -> String {
    pretty(&site_view(&details.site, Some(details.counts)))
}

/// Time logged on a ticket (`tickets N hours`), as JSON.
#[derive(Debug, Serialize)]
struct TimeLoggedView<'a> {
    ticket: u64,
    hours: f64,
    minutes: u32,
    activity: Option<&'a str>,
    comment: &'a str,
}

/// What `tickets N hours` logged: the ticket, decimal hours and whole minutes, the activity
/// (`null`: the tracker's default) and the comment.
#[must_use]
pub fn time_logged(
    ticket: crate::TicketId,
    hours: crate::Hours,
    activity: Option<&str>,
    comment: &str,
) -> String {
    pretty(&TimeLoggedView {
        ticket: ticket.get(),
        hours: hours.as_decimal(),
        minutes: hours.minutes(),
        activity,
        comment,
    })
}
