//! Two small roles of the tracker: a team's open work (`/status`, `tickets --status`) and the
//! tickets opened since a given instant (the threader's automatic threads). Each its own port,
//! so that a use case asks for nothing else of the tracker.

use std::future::Future;

use chrono::{DateTime, Utc};
use domain::{ProjectId, Team, Ticket};

use super::TrackerError;

/// Teams and their open tickets.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
pub trait TeamWork: Send + Sync + 'static {
    /// Every team (a group of users) the tracker has, by name.
    ///
    /// # Errors
    /// [`TrackerError`] when the tracker cannot be read (Redmine lists groups to admins only).
    fn teams(&self) -> impl Future<Output = Result<Vec<Team>, TrackerError>> + Send;

    /// Every open ticket assigned to `team` or to one of its members, paged to the end; with
    /// `None`, every open ticket. One listing (Redmine: the "assignee's group" filter, which
    /// covers the group itself and its users).
    ///
    /// # Errors
    /// [`TrackerError`] when the tracker cannot be read.
    fn open_work(
        &self,
        team: Option<Team>,
    ) -> impl Future<Output = Result<Vec<Ticket>, TrackerError>> + Send;
}

/// Which new tickets to list: of these trackers (ticket kinds, by id) and in these projects;
/// an empty list does not narrow (both empty: every new ticket).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ArrivalFilter {
    /// Tracker (ticket kind) ids.
    pub trackers: Vec<u64>,
    /// Project ids.
    pub projects: Vec<ProjectId>,
}

/// Tickets as they arrive.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
pub trait Arrivals: Send + Sync + 'static {
    /// Every ticket (any status) created at or after `since` that the filter takes, oldest
    /// first, with the threader's fields, in one listing (paged to the end).
    ///
    /// # Errors
    /// [`TrackerError`] when the tracker cannot be read.
    fn created_since(
        &self,
        since: DateTime<Utc>,
        filter: &ArrivalFilter,
    ) -> impl Future<Output = Result<Vec<Ticket>, TrackerError>> + Send;
}
