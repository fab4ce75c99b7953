//! Files carried between the chat and the tracker: which of a message's files the threader
//! tries to keep, and how a file that was not kept is named in its note (with its size and
//! why), so that a refusal never stops a pass and never loses the file without a word.

use std::fmt;

use crate::chat::message::Attachment;
use crate::limits::{CARRIED_FILE_LIMIT, FILES_PER_MESSAGE_LIMIT};
use crate::ticket::TicketFile;

/// Why a file of a message was not kept on the ticket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotKeptReason {
    /// Larger than the tracker accepts (its attachment size limit).
    OverTrackerLimit,
    /// Larger than the threader carries ([`CARRIED_FILE_LIMIT`]).
    OverCarryLimit,
    /// The tracker refused it for another reason, in its own words.
    Refused(String),
    /// The chat no longer serves it (deleted, or its link expired).
    Unreadable,
}

impl NotKeptReason {
    /// The reason for a file the tracker refused with these messages: a refusal that speaks of
    /// size (or says nothing, as a `413` does) is the tracker's size limit; anything else is
    /// passed on in the tracker's words.
    #[must_use]
    pub fn refused(errors: &[String]) -> Self {
        let said = errors.join("; ");
        let lower = said.to_lowercase();
        let about_size = ["size", "too big", "too large", "too long", "exceeds"]
            .iter()
            .any(|word| lower.contains(word));
        if said.trim().is_empty() || about_size {
            Self::OverTrackerLimit
        } else {
            Self::Refused(said)
        }
    }
}

impl fmt::Display for NotKeptReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::OverTrackerLimit => f.write_str("over Redmine's limit"),
            Self::OverCarryLimit => write!(
                f,
                "over the threader's limit of {}",
                human_size(CARRIED_FILE_LIMIT)
            ),
            Self::Refused(why) => write!(f, "refused: {why}"),
            Self::Unreadable => f.write_str("no longer downloadable from Discord"),
        }
    }
}

/// A file that was not kept, as its note names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotKept {
    /// The file's name.
    pub name: String,
    /// Its size in bytes.
    pub size: u64,
    /// Why it was not kept.
    pub reason: NotKeptReason,
}

impl NotKept {
    /// `file` not kept, for `reason`.
    #[must_use]
    pub fn new(file: &Attachment, reason: NotKeptReason) -> Self {
        Self {
            name: file.name.clone(),
            size: file.size,
            reason,
        }
    }
}

impl fmt::Display for NotKept {
    /// `(not kept: report.pdf, 48 MB, over Redmine's limit)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "(not kept: {}, {}, {})",
            self.name.trim(),
            human_size(self.size),
            self.reason
        )
    }
}

/// A size as people read it, in decimal units as Discord and Redmine show them: `980 B`,
/// `12 KB`, `4.7 MB`, `48 MB`, `1.2 GB`.
#[must_use]
pub fn human_size(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["KB", "MB", "GB", "TB"];
    if bytes < 1000 {
        return format!("{bytes} B");
    }
    // Tenths of the unit, in integers: no float rounding surprises.
    let mut tenths = bytes / 100;
    let mut unit = 0;
    while tenths >= 10_000 && unit + 1 < UNITS.len() {
        tenths /= 1000;
        unit += 1;
    }
    if tenths >= 100 {
        format!("{} {}", tenths / 10, UNITS[unit])
    } else {
        format!("{}.{} {}", tenths / 10, tenths % 10, UNITS[unit])
    }
}

/// Which of a message's files to carry to the tracker, and which are named as not kept
/// without trying (larger than the threader carries, by the size the chat reports).
#[must_use]
pub fn to_carry(files: &[Attachment]) -> (Vec<&Attachment>, Vec<NotKept>) {
    let mut carry = Vec::new();
    let mut not_kept = Vec::new();
    for file in files {
        if file.size > CARRIED_FILE_LIMIT {
            not_kept.push(NotKept::new(file, NotKeptReason::OverCarryLimit));
        } else {
            carry.push(file);
        }
    }
    (carry, not_kept)
}

/// Which of a journal's (or the description's) files go into the thread as files with their
/// message, and which as links to the tracker: files go, in order, while together they stay
/// within `max_upload` bytes and Discord's [`FILES_PER_MESSAGE_LIMIT`]; the rest are linked.
#[must_use]
pub fn to_send(files: &[TicketFile], max_upload: u64) -> (Vec<TicketFile>, Vec<TicketFile>) {
    let mut send = Vec::new();
    let mut link = Vec::new();
    let mut total = 0u64;
    for file in files {
        let fits =
            total.saturating_add(file.size) <= max_upload && send.len() < FILES_PER_MESSAGE_LIMIT;
        if fits {
            total += file.size;
            send.push(file.clone());
        } else {
            link.push(file.clone());
        }
    }
    (send, link)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn check_size(bytes: u64, expect: &str) {
        assert_eq!(human_size(bytes), expect, "{bytes}");
    }

    #[test]
    fn sizes_read_in_decimal_units_with_at_most_one_decimal() {
        check_size(0, "0 B");
        check_size(999, "999 B");
        check_size(1000, "1.0 KB");
        check_size(12_345, "12 KB");
        check_size(4_700_000, "4.7 MB");
        check_size(48_000_000, "48 MB");
        check_size(5 * 1024 * 1024, "5.2 MB");
        check_size(1_200_000_000, "1.2 GB");
    }

    #[track_caller]
    fn check_refusal(errors: &[&str], expect: &NotKeptReason) {
        let errors: Vec<String> = errors.iter().map(|&error| error.to_owned()).collect();
        assert_eq!(&NotKeptReason::refused(&errors), expect, "{errors:?}");
    }

    #[test]
    fn a_refusal_about_size_is_the_trackers_limit_and_any_other_keeps_its_words() {
        check_refusal(&[], &NotKeptReason::OverTrackerLimit);
        check_refusal(
            &["This file cannot be uploaded because it exceeds the maximum allowed file size (5 MB)"],
            &NotKeptReason::OverTrackerLimit,
        );
        check_refusal(&["File is too big"], &NotKeptReason::OverTrackerLimit);
        check_refusal(
            &["Extension is not allowed"],
            &NotKeptReason::Refused(String::from("Extension is not allowed")),
        );
    }

    #[test]
    fn a_file_not_kept_is_named_with_its_size_and_reason() {
        let file = Attachment {
            name: String::from("report.pdf"),
            url: String::from("https://cdn.example/report.pdf"),
            size: 48_000_000,
            content_type: Some(String::from("application/pdf")),
        };
        assert_eq!(
            NotKept::new(&file, NotKeptReason::OverTrackerLimit).to_string(),
            "(not kept: report.pdf, 48 MB, over Redmine's limit)"
        );
        assert_eq!(
            NotKept::new(&file, NotKeptReason::Unreadable).to_string(),
            "(not kept: report.pdf, 48 MB, no longer downloadable from Discord)"
        );
    }

    #[track_caller]
    fn check_send(sizes: &[u64], max_upload: u64, sent: &[u64]) {
        let files: Vec<TicketFile> = sizes
            .iter()
            .enumerate()
            .map(|(n, &size)| TicketFile {
                id: n as u64 + 1,
                name: format!("f{n}"),
                size,
                content_type: None,
            })
            .collect();
        let (send, link) = to_send(&files, max_upload);
        let ids: Vec<u64> = send.iter().map(|file| file.id).collect();
        assert_eq!(ids, sent, "{sizes:?} within {max_upload}");
        assert_eq!(
            send.len() + link.len(),
            files.len(),
            "every file goes somewhere"
        );
    }

    #[test]
    fn files_go_as_files_while_together_within_the_upload_limit_and_ten_a_message() {
        check_send(&[], 100, &[]);
        check_send(&[10, 20], 100, &[1, 2]);
        check_send(&[100], 100, &[1]);
        check_send(&[101], 100, &[]);
        check_send(&[60, 60, 30], 100, &[1, 3]);
        check_send(&[1; 12], 100, &[1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
        check_send(&[0], 0, &[1]);
    }

    #[test]
    fn files_over_the_carry_limit_are_named_without_trying() {
        let file = |name: &str, size: u64| Attachment {
            name: name.to_owned(),
            url: format!("https://cdn.example/{name}"),
            size,
            content_type: None,
        };
        let files = [
            file("small.png", 10),
            file("huge.iso", CARRIED_FILE_LIMIT + 1),
            file("edge.bin", CARRIED_FILE_LIMIT),
        ];
        let (carry, not_kept) = to_carry(&files);
        let carried: Vec<&str> = carry.iter().map(|file| file.name.as_str()).collect();
        assert_eq!(carried, ["small.png", "edge.bin"]);
        assert_eq!(
            not_kept,
            [NotKept::new(&files[1], NotKeptReason::OverCarryLimit)]
        );
    }
}
