//! A ticket's due date as a Discord scheduled event: which event to create, move or delete,
//! or to leave, given the ticket, the events the guild has, the time zone and now.
//!
//! One event per ticket, named `Ticket #ID due`, external, from 09:00 to 10:00 local time on
//! the due day, with the ticket's link as its location; it is found again by its name and link
//! (never by a remembered id), so that a second look never duplicates it.

use chrono::{DateTime, NaiveDate, NaiveTime, TimeZone, Utc};
pub use chrono_tz::Tz;

use crate::TicketId;

/// When the event starts, local time on the due day.
pub const EVENT_START: NaiveTime = match NaiveTime::from_hms_opt(9, 0, 0) {
    Some(time) => time,
    None => NaiveTime::MIN,
};

/// How long the event lasts.
pub const EVENT_HOURS: i64 = 1;

/// A scheduled event's id in the chat.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ScheduledEventId(u64);

impl ScheduledEventId {
    /// The id, refusing zero (never handed out).
    ///
    /// # Errors
    /// [`crate::InvalidId`] for zero.
    pub fn new(n: u64) -> Result<Self, crate::InvalidId> {
        if n == 0 {
            Err(crate::InvalidId {
                kind: "scheduled event id",
                text: n.to_string(),
            })
        } else {
            Ok(Self(n))
        }
    }

    /// The number itself.
    #[must_use]
    pub fn get(self) -> u64 {
        self.0
    }
}

impl std::fmt::Display for ScheduledEventId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// When an event takes place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EventTimes {
    /// Its start.
    pub start: DateTime<Utc>,
    /// Its end.
    pub end: DateTime<Utc>,
}

/// A scheduled event as the guild lists it (only what the decision reads).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScheduledEvent {
    /// Its id.
    pub id: ScheduledEventId,
    /// Its name.
    pub name: String,
    /// Where it takes place (an external event's location), if anywhere.
    pub location: Option<String>,
    /// When.
    pub times: EventTimes,
}

/// A new external event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEvent {
    /// Its name: `Ticket #ID due`.
    pub name: String,
    /// Its location: the ticket's link.
    pub location: String,
    /// When.
    pub times: EventTimes,
}

/// One step of a due event's plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EventStep {
    /// Create the event.
    Create(NewEvent),
    /// Move an existing event to these times.
    Move(ScheduledEventId, EventTimes),
    /// Delete an event (no due date, the ticket closed, or a duplicate).
    Delete(ScheduledEventId),
}

/// The name of a ticket's due event.
#[must_use]
pub fn event_name(id: TicketId) -> String {
    format!("Ticket #{} due", id.get())
}

/// When the due event of a ticket due on `day` takes place: 09:00 to 10:00 local time in
/// `zone` (a 09:00 that a clock change skips is read an hour later; one it repeats, the
/// first time).
#[must_use]
pub fn event_times(day: NaiveDate, zone: Tz) -> EventTimes {
    let local = day.and_time(EVENT_START);
    let start = zone
        .from_local_datetime(&local)
        .earliest()
        .or_else(|| {
            zone.from_local_datetime(&(local + chrono::Duration::hours(1)))
                .earliest()
        })
        .map_or_else(
            || Utc.from_utc_datetime(&local),
            |start| start.with_timezone(&Utc),
        );
    EventTimes {
        start,
        end: start + chrono::Duration::hours(EVENT_HOURS),
    }
}

/// What the ticket's due event needs, as steps (none: leave everything as it is).
///
/// The ticket's events are those named `Ticket #ID due` whose location is the ticket's link.
/// An open ticket with a due date keeps one of them (the oldest) at the due day's times,
/// moved there when it is elsewhere, created when there is none, and the others are deleted.
/// A due day whose 09:00 has passed gets no new event (the chat refuses events in the
/// past): an event already at its times stays, others go. No due date, or a closed ticket:
/// every one of its events is deleted.
#[must_use]
pub fn plan(
    id: TicketId,
    link: &str,
    due: Option<NaiveDate>,
    closed: bool,
    found: &[ScheduledEvent],
    zone: Tz,
    now: DateTime<Utc>,
) -> Vec<EventStep> {
    let name = event_name(id);
    let mut ours: Vec<&ScheduledEvent> = found
        .iter()
        .filter(|event| event.name == name && event.location.as_deref() == Some(link))
        .collect();
    ours.sort_by_key(|event| event.id);
    let wanted = match due {
        Some(day) if !closed => Some(event_times(day, zone)),
        _ => None,
    };
    let Some(times) = wanted else {
        return ours
            .into_iter()
            .map(|event| EventStep::Delete(event.id))
            .collect();
    };
    let future = times.start > now;
    let kept = ours
        .iter()
        .position(|event| event.times == times)
        .or_else(|| (future && !ours.is_empty()).then_some(0));
    let mut steps = Vec::new();
    match kept {
        Some(index) if ours[index].times != times => {
            steps.push(EventStep::Move(ours[index].id, times));
        }
        Some(_) => {}
        None if future => steps.push(EventStep::Create(NewEvent {
            name,
            location: link.to_owned(),
            times,
        })),
        None => {}
    }
    steps.extend(
        ours.iter()
            .enumerate()
            .filter(|(index, _)| Some(*index) != kept)
            .map(|(_, event)| EventStep::Delete(event.id)),
    );
    steps
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    const LINK: &str = "https://redmine.example.org/issues/42";

    fn ticket() -> TicketId {
        TicketId::new(42).unwrap()
    }

    fn day(m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, d).unwrap()
    }

    fn utc(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .unwrap()
            .with_timezone(&Utc)
    }

    /// 2026-11-27, noon UTC.
    fn now() -> DateTime<Utc> {
        utc("2026-11-27T12:00:00Z")
    }

    fn event(id: u64, name: &str, location: &str, day: NaiveDate) -> ScheduledEvent {
        ScheduledEvent {
            id: ScheduledEventId::new(id).unwrap(),
            name: name.to_owned(),
            location: Some(location.to_owned()),
            times: event_times(day, Tz::UTC),
        }
    }

    fn ours(id: u64, day: NaiveDate) -> ScheduledEvent {
        event(id, "Ticket #42 due", LINK, day)
    }

    fn eid(id: u64) -> ScheduledEventId {
        ScheduledEventId::new(id).unwrap()
    }

    #[track_caller]
    fn check(due: Option<NaiveDate>, closed: bool, found: &[ScheduledEvent], expect: &[EventStep]) {
        assert_eq!(
            plan(ticket(), LINK, due, closed, found, Tz::UTC, now()),
            expect
        );
    }

    #[test]
    fn the_event_is_from_nine_to_ten_local_time() {
        let zurich: Tz = "Europe/Zurich".parse().unwrap();
        assert_eq!(
            event_times(day(12, 24), zurich),
            EventTimes {
                start: utc("2026-12-24T08:00:00Z"),
                end: utc("2026-12-24T09:00:00Z"),
            }
        );
        assert_eq!(
            event_times(day(7, 1), zurich).start,
            utc("2026-07-01T07:00:00Z")
        );
        assert_eq!(
            event_times(day(12, 24), Tz::UTC).start,
            utc("2026-12-24T09:00:00Z")
        );
    }

    #[test]
    fn a_due_date_without_an_event_creates_one() {
        check(
            Some(day(12, 24)),
            false,
            &[event(
                7,
                "Ticket #42 due",
                "https://elsewhere/issues/42",
                day(12, 1),
            )],
            &[EventStep::Create(NewEvent {
                name: "Ticket #42 due".into(),
                location: LINK.into(),
                times: event_times(day(12, 24), Tz::UTC),
            })],
        );
    }

    #[test]
    fn an_event_at_the_due_day_is_left_alone() {
        check(Some(day(12, 24)), false, &[ours(7, day(12, 24))], &[]);
    }

    #[test]
    fn a_new_due_date_moves_the_event() {
        check(
            Some(day(12, 24)),
            false,
            &[ours(7, day(12, 1))],
            &[EventStep::Move(eid(7), event_times(day(12, 24), Tz::UTC))],
        );
    }

    #[test]
    fn no_due_date_or_a_closed_ticket_deletes_every_event_of_the_ticket() {
        let found = [
            ours(7, day(12, 1)),
            event(
                8,
                "Ticket #4 due",
                "https://redmine.example.org/issues/4",
                day(12, 1),
            ),
        ];
        check(None, false, &found, &[EventStep::Delete(eid(7))]);
        check(
            Some(day(12, 24)),
            true,
            &found,
            &[EventStep::Delete(eid(7))],
        );
        check(None, false, &[], &[]);
    }

    #[test]
    fn duplicates_are_deleted_and_the_one_at_the_right_time_kept() {
        check(
            Some(day(12, 24)),
            false,
            &[ours(9, day(12, 24)), ours(7, day(12, 1))],
            &[EventStep::Delete(eid(7))],
        );
        check(
            Some(day(12, 24)),
            false,
            &[ours(9, day(12, 2)), ours(7, day(12, 1))],
            &[
                EventStep::Move(eid(7), event_times(day(12, 24), Tz::UTC)),
                EventStep::Delete(eid(9)),
            ],
        );
    }

    #[test]
    fn a_due_day_already_begun_gets_no_new_event_and_loses_a_stale_one() {
        check(Some(day(11, 27)), false, &[], &[]);
        check(Some(day(11, 27)), false, &[ours(7, day(11, 27))], &[]);
        check(
            Some(day(11, 20)),
            false,
            &[ours(7, day(12, 1))],
            &[EventStep::Delete(eid(7))],
        );
    }
}
