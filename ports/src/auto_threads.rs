//! Automatic threads (`[threader] auto_trackers` and `auto_projects`): each new ticket of
//! those trackers and projects gets its thread field set to the ask, as if someone had asked,
//! so the threader opens its thread. Each ticket is considered once (`domain::auto_threads`):
//! a look lists only the tickets created since the previous one, so a ticket whose thread
//! field a person cleared is never asked for again.

#[cfg(test)]
mod tests;

use std::collections::BTreeSet;

use domain::auto_threads::{next_since, to_ask, Since, ASK};
use domain::TicketId;
use tracing::{info, warn};

use crate::tracker::{ArrivalFilter, Arrivals, SyncFields, SyncStore, TrackerError};

/// What one look did (or, in a dry run, would do), and where the next look starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AutoThreadsReport {
    /// Tickets whose thread field was set to the ask.
    pub asked: Vec<TicketId>,
    /// Tickets whose field could not be written, with why (tried again next look).
    pub failed: Vec<(TicketId, String)>,
    /// In a dry run: one line per ticket that would be asked a thread for.
    pub planned: Vec<String>,
    /// Where the next look starts: hand it to the next [`AutoThreads::pass`].
    pub next: Since,
}

/// Automatic threads over a tracker.
#[derive(Debug)]
pub struct AutoThreads<'a, T> {
    tracker: &'a T,
    filter: &'a ArrivalFilter,
    dry_run: bool,
}

impl<'a, T: Arrivals + SyncStore> AutoThreads<'a, T> {
    /// Automatic threads for the tickets `filter` takes; a dry run writes nothing.
    pub fn new(tracker: &'a T, filter: &'a ArrivalFilter, dry_run: bool) -> Self {
        Self {
            tracker,
            filter,
            dry_run,
        }
    }

    /// One look: lists the tickets created since `since` (one listing), sets the thread field
    /// of each new one with an empty field to the ask, and says where the next look starts
    /// ([`AutoThreadsReport::next`]). Start with [`Since::first_look`]; keep `next` in memory
    /// between passes (a restart looks back [`domain::auto_threads::FIRST_LOOK`] again).
    ///
    /// # Errors
    /// [`TrackerError`] when the new tickets cannot be listed (keep `since` for the next try);
    /// a field that cannot be written is reported in [`AutoThreadsReport::failed`] instead.
    pub async fn pass(&self, since: &Since) -> Result<AutoThreadsReport, TrackerError> {
        let listed = self.tracker.created_since(since.at, self.filter).await?;
        let mut report = AutoThreadsReport {
            asked: Vec::new(),
            failed: Vec::new(),
            planned: Vec::new(),
            next: since.clone(),
        };
        let ask = SyncFields {
            thread: Some(ASK.to_owned()),
            state: None,
        };
        for id in to_ask(&listed, since) {
            if self.dry_run {
                report
                    .planned
                    .push(format!("#{id}: would ask for a thread (new ticket)"));
                continue;
            }
            match self.tracker.set_sync_fields(id, &ask).await {
                Ok(()) => {
                    info!(ticket = %id, "asked for a thread for a new ticket");
                    report.asked.push(id);
                }
                Err(error) => {
                    let error = crate::with_causes(&error);
                    warn!(ticket = %id, %error, "could not ask for a thread for a new ticket");
                    report.failed.push((id, error));
                }
            }
        }
        let failed: BTreeSet<TicketId> = report.failed.iter().map(|(id, _)| *id).collect();
        report.next = next_since(&listed, since, &failed);
        Ok(report)
    }
}
