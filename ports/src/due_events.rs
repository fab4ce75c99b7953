//! A ticket's due date as the guild's scheduled event: the one use case the bot (after `due`,
//! and after a status change that closes the ticket) and the threader (when it looks at a
//! ticket) call, so that both keep the same one event per ticket.

use chrono::{DateTime, Utc};
use domain::due_event::{self, EventStep, ScheduledEvent, Tz};
use domain::{GuildId, Status, Ticket};
use tracing::info;

use crate::chat::{ChatError, GuildEvents};

/// Brings the guild's event for `ticket`'s due date in line with the ticket: lists the
/// guild's events, lets `domain::due_event::plan` decide (the ticket's due date, whether its
/// status is one of the closed `statuses`, the events named `Ticket #ID due` at its link,
/// local time in `zone`, `now`), and creates, moves or deletes. Returns the steps carried out
/// (empty: nothing to do). An event already gone when it is deleted counts as deleted.
///
/// # Errors
/// The first [`ChatError`] (listing, or a step): later steps are not tried; a second call
/// picks up where this one stopped, since events are found again by name and link.
pub async fn follow<C: GuildEvents>(
    chat: &C,
    guild: GuildId,
    ticket: &Ticket,
    statuses: &[Status],
    zone: Tz,
    now: DateTime<Utc>,
) -> Result<Vec<EventStep>, ChatError> {
    let found = chat.scheduled_events(guild).await?;
    follow_among(chat, guild, ticket, statuses, zone, now, &found).await
}

/// As [`follow`], with the guild's events already listed (`found`): for a caller that looks
/// at many tickets in a row (the threader's pass) and lists the events once. `found` must
/// be listed after the last change this ticket's event had (a second call for the same
/// ticket with the same old list would create its event twice).
///
/// # Errors
/// As [`follow`].
pub async fn follow_among<C: GuildEvents>(
    chat: &C,
    guild: GuildId,
    ticket: &Ticket,
    statuses: &[Status],
    zone: Tz,
    now: DateTime<Utc>,
    found: &[ScheduledEvent],
) -> Result<Vec<EventStep>, ChatError> {
    let closed = statuses
        .iter()
        .any(|status| status.id.get() == ticket.status.id && status.is_closed);
    let steps = due_event::plan(
        ticket.id,
        &ticket.url,
        ticket.due_date,
        closed,
        found,
        zone,
        now,
    );
    for step in &steps {
        match step {
            EventStep::Create(event) => {
                let created = chat.create_event(guild, event).await?;
                info!(ticket = %ticket.id, event = %created.id, "scheduled the ticket's due event");
            }
            EventStep::Move(event, times) => {
                chat.move_event(guild, *event, *times).await?;
                info!(ticket = %ticket.id, %event, "moved the ticket's due event");
            }
            EventStep::Delete(event) => match chat.delete_event(guild, *event).await {
                Ok(()) | Err(ChatError::NotFound { .. }) => {
                    info!(ticket = %ticket.id, %event, "deleted the ticket's due event");
                }
                Err(error) => return Err(error),
            },
        }
    }
    Ok(steps)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use chrono::NaiveDate;
    use domain::due_event::{event_times, ScheduledEventId};
    use domain::{Named, ProjectId, StatusId, TicketId};

    use super::*;
    use crate::chat::MockGuildEvents;

    fn now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-11-27T12:00:00Z")
            .unwrap()
            .with_timezone(&Utc)
    }

    fn guild() -> GuildId {
        GuildId::new(1000).unwrap()
    }

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, d).unwrap()
    }

    fn ticket(status: u64, due: Option<NaiveDate>) -> Ticket {
        Ticket {
            id: TicketId::new(42).unwrap(),
            subject: "Packet loss".into(),
            description: String::new(),
            status: Named::new(status, "S"),
            priority: Named::new(2, "Normal"),
            tracker: Named::new(1, "Bug"),
            project: Named::new(ProjectId::new(1).unwrap(), "netops"),
            category: None,
            assigned_to: None,
            author: "Alice".into(),
            created_on: now(),
            updated_on: now(),
            url: "https://redmine.example.org/issues/42".into(),
            journals: Vec::new(),
            attachments: Vec::new(),
            thread_field: None,
            sync_state: None,
            due_date: due,
        }
    }

    fn statuses() -> Vec<Status> {
        vec![
            Status {
                id: StatusId::new(1).unwrap(),
                name: "New".into(),
                is_closed: false,
            },
            Status {
                id: StatusId::new(5).unwrap(),
                name: "Closed".into(),
                is_closed: true,
            },
        ]
    }

    fn existing(id: u64, on: NaiveDate) -> ScheduledEvent {
        ScheduledEvent {
            id: ScheduledEventId::new(id).unwrap(),
            name: "Ticket #42 due".into(),
            location: Some("https://redmine.example.org/issues/42".into()),
            times: event_times(on, Tz::UTC),
        }
    }

    #[tokio::test]
    async fn a_closed_tickets_event_is_deleted_even_if_it_was_already_gone() {
        let mut chat = MockGuildEvents::new();
        chat.expect_scheduled_events()
            .returning(|_| Box::pin(async { Ok(vec![existing(7, day(24))]) }));
        chat.expect_delete_event()
            .withf(|_, event| event.get() == 7)
            .times(1)
            .returning(|_, _| {
                Box::pin(async {
                    Err(ChatError::NotFound {
                        what: "event 7".into(),
                    })
                })
            });
        let steps = follow(
            &chat,
            guild(),
            &ticket(5, Some(day(24))),
            &statuses(),
            Tz::UTC,
            now(),
        )
        .await
        .unwrap();
        assert_eq!(
            steps,
            [EventStep::Delete(ScheduledEventId::new(7).unwrap())]
        );
    }

    #[tokio::test]
    async fn an_open_ticket_due_later_gets_its_event_created() {
        let mut chat = MockGuildEvents::new();
        chat.expect_scheduled_events()
            .returning(|_| Box::pin(async { Ok(Vec::new()) }));
        chat.expect_create_event()
            .withf(|_, event| {
                event.name == "Ticket #42 due" && event.times == event_times(day(24), Tz::UTC)
            })
            .times(1)
            .returning(|_, _| Box::pin(async { Ok(existing(8, day(24))) }));
        let steps = follow(
            &chat,
            guild(),
            &ticket(1, Some(day(24))),
            &statuses(),
            Tz::UTC,
            now(),
        )
        .await
        .unwrap();
        assert_eq!(steps.len(), 1);
    }
}
