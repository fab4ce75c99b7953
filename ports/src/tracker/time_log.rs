//! The time-logging role: its own small port, so that a use case logging hours asks for
//! nothing else of the tracker.

use std::future::Future;

use domain::{Named, TicketId};

use super::TrackerError;

/// Time spent on a ticket, to log as the acting user.
#[derive(Debug, Clone, PartialEq)]
pub struct TimeEntry {
    /// The ticket worked on.
    pub ticket: TicketId,
    /// How long.
    pub hours: domain::Hours,
    /// The time-entry activity's id (looked up by name); `None` lets the tracker use its
    /// default activity.
    pub activity: Option<u64>,
    /// What was done; may be empty.
    pub comment: String,
}

/// Time logging: the activities time is logged under, and logging it as the acting user.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
pub trait TimeLog: Send + Sync + 'static {
    /// Every active time-entry activity (Development, Design, …).
    ///
    /// # Errors
    /// [`TrackerError`] when the tracker cannot be read.
    fn activities(&self) -> impl Future<Output = Result<Vec<Named>, TrackerError>> + Send;

    /// Logs time on a ticket as the acting user.
    ///
    /// # Errors
    /// [`TrackerError::Rejected`] with the tracker's reasons (no default activity, a closed
    /// project, no permission to log time), [`TrackerError::TicketNotFound`], or any other.
    fn log_time(&self, entry: &TimeEntry) -> impl Future<Output = Result<(), TrackerError>> + Send;
}
