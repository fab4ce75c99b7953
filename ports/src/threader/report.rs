//! What one threader pass did (or, in a dry run, would do), and its one summary line.

use domain::TicketId;

/// What one pass did (or, in a dry run, would do).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct PassReport {
    /// Tickets that ask for a thread.
    pub looked_at: usize,
    /// Messages posted in threads (journals and descriptions mirrored).
    pub to_discord: usize,
    /// Mirrors rewritten in threads (notes edited or deleted in Redmine).
    pub rewritten: usize,
    /// Notes written on tickets (messages mirrored).
    pub to_redmine: usize,
    /// Threads created (or recreated).
    pub threads_created: usize,
    /// Tickets that failed, with why.
    pub failed: Vec<(TicketId, String)>,
    /// In a dry run: one line per thing that would be done.
    pub planned: Vec<String>,
    /// Notifications, when configured: new tickets announced and stale ones reminded.
    pub notified: Option<(usize, usize)>,
    /// Tickets handed back to their team (`[notify.recycle]`).
    pub recycled: usize,
    /// Why the notifications could not run this pass.
    pub notify_error: Option<String>,
}

impl PassReport {
    /// The pass's one summary line.
    #[must_use]
    pub fn summary(&self) -> String {
        let notified = match (self.notified, &self.notify_error) {
            (_, Some(_)) => String::from(", notifications failed"),
            (Some((announced, reminded)), None) => format!(
                ", {} announced, {}",
                counted(announced, "ticket", "tickets"),
                counted(reminded, "reminder", "reminders")
            ),
            (None, None) => String::new(),
        };
        let notified = if self.recycled == 0 {
            notified
        } else {
            format!("{notified}, {} recycled", self.recycled)
        };
        let rewritten = if self.rewritten == 0 {
            String::new()
        } else {
            format!(" ({} rewritten)", self.rewritten)
        };
        format!(
            "threader: {} looked at, {} to Discord{rewritten}, {} to Redmine, {} created{notified}, {} failed",
            counted(self.looked_at, "ticket", "tickets"),
            counted(self.to_discord, "note", "notes"),
            counted(self.to_redmine, "note", "notes"),
            counted(self.threads_created, "thread", "threads"),
            self.failed.len() + usize::from(self.notify_error.is_some())
        )
    }

    /// Adds what the notifications did to this pass's report.
    pub fn add_notifications(&mut self, notified: crate::notify::NotifyReport) {
        self.notified = Some((notified.announced, notified.reminded));
        self.recycled += notified.recycled;
        self.planned.extend(notified.planned);
        self.failed.extend(notified.failed);
    }
}

/// `1 note`, `2 notes`.
fn counted(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}
