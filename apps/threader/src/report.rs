//! What a pass prints, and the exit status it earns.

use anyhow::anyhow;
use appkit::{failed, Failure};
use ports::threader::{PassError, PassReport};

/// The pass as printed: each planned action (a dry run), each failed ticket, then the summary.
#[must_use]
pub fn text(report: &PassReport) -> String {
    let mut out = String::new();
    for line in &report.planned {
        out.push_str(line);
        out.push('\n');
    }
    for (ticket, error) in &report.failed {
        out.push_str(&format!("#{ticket}: failed: {error}\n"));
    }
    out.push_str(&report.summary());
    out
}

/// Prints the pass.
///
/// # Errors
/// When standard output cannot be written.
pub fn print(report: &PassReport) -> Result<(), Failure> {
    appkit::print(&text(report))
}

/// A pass that could not start, worded for the operator: a tracker error says which setting
/// to check (`appkit::words`), as the adapter leaves that to the edge.
#[must_use]
pub fn pass_error(error: PassError) -> anyhow::Error {
    match error {
        PassError::Tracker(error) => {
            anyhow::Error::new(appkit::words::cli_tracker(error)).context("cannot list the tickets")
        }
        other => anyhow::Error::new(other),
    }
}

/// Success when every ticket synced; a failure (exit status 1) counting those that did not.
///
/// # Errors
/// The count of failed tickets.
pub fn outcome(report: &PassReport) -> Result<(), Failure> {
    if report.failed.is_empty() {
        Ok(())
    } else {
        Err(failed(anyhow!(
            "{} of {} tickets failed (see above)",
            report.failed.len(),
            report.looked_at
        )))
    }
}

#[cfg(test)]
mod tests {
    use domain::TicketId;

    use super::*;

    fn report() -> PassReport {
        PassReport {
            looked_at: 3,
            planned: vec![String::from("#1: would open a thread")],
            failed: vec![(TicketId::new(2).unwrap(), String::from("Redmine said no"))],
            ..PassReport::default()
        }
    }

    #[test]
    fn the_plan_and_the_failures_come_before_the_summary() {
        let report = report();
        assert_eq!(
            text(&report),
            format!(
                "#1: would open a thread\n#2: failed: Redmine said no\n{}",
                report.summary()
            )
        );
    }

    #[test]
    fn a_pass_that_cannot_list_the_tickets_names_the_setting_to_check() {
        let error = pass_error(PassError::Tracker(ports::TrackerError::Redirected {
            host: "redmine.internal".into(),
            action: "list the tickets that ask for a Discord thread".into(),
            refused: "a redirect to https://elsewhere/, another server, not followed".into(),
        }));
        assert_eq!(
            format!("{error:#}"),
            "cannot list the tickets: unexpected answer from the tracker at redmine.internal to \
             list the tickets that ask for a Discord thread: a redirect to https://elsewhere/, \
             another server, not followed (check REDMINE_URL)"
        );
    }

    #[test]
    fn a_pass_with_a_failed_ticket_fails_counting_it() {
        let failure = outcome(&report()).unwrap_err();
        assert_eq!(failure.message(), "1 of 3 tickets failed (see above)");
        assert!(outcome(&PassReport::default()).is_ok());
    }
}
