//! The guild's scheduled events, as a chat role of its own: the due dates of tickets become
//! events (`crate::due_events`); nothing else in the chat port needs them.

use std::future::Future;

use domain::due_event::{EventTimes, NewEvent, ScheduledEvent, ScheduledEventId};
use domain::GuildId;

use super::ChatError;

/// A guild's scheduled events: listed, created, moved and deleted.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
pub trait GuildEvents: Send + Sync + 'static {
    /// Every scheduled event of the guild (those not yet over).
    ///
    /// # Errors
    /// [`ChatError::Forbidden`] when the bot may not see them, or any other.
    fn scheduled_events(
        &self,
        guild: GuildId,
    ) -> impl Future<Output = Result<Vec<ScheduledEvent>, ChatError>> + Send;

    /// Creates an external event; returns it as the chat holds it.
    ///
    /// # Errors
    /// [`ChatError::Forbidden`] without *Manage Events*, [`ChatError::Rejected`] for a time
    /// in the past, or any other.
    fn create_event(
        &self,
        guild: GuildId,
        event: &NewEvent,
    ) -> impl Future<Output = Result<ScheduledEvent, ChatError>> + Send;

    /// Moves an event to new times.
    ///
    /// # Errors
    /// [`ChatError::NotFound`] for a deleted event, [`ChatError::Forbidden`], or any other.
    fn move_event(
        &self,
        guild: GuildId,
        event: ScheduledEventId,
        times: EventTimes,
    ) -> impl Future<Output = Result<(), ChatError>> + Send;

    /// Deletes an event.
    ///
    /// # Errors
    /// [`ChatError::NotFound`] for an event already gone, [`ChatError::Forbidden`], or any
    /// other.
    fn delete_event(
        &self,
        guild: GuildId,
        event: ScheduledEventId,
    ) -> impl Future<Output = Result<(), ChatError>> + Send;
}
