//! The ticket tracker's ports, one per role: what netbot needs from Redmine (or anything
//! like it). A use case asks only for the roles it calls.

use std::future::Future;

use domain::{
    JournalId, Login, Named, Principal, ProjectId, Status, StatusId, Ticket, TicketFile, TicketId,
    TicketLinks, TicketUpdate, User, UserId,
};

mod error;

pub use error::{StatusRole, TrackerError};

/// A saved ticket listing in the tracker's own words, as the operator wrote it for this
/// tracker (for Redmine: its issue list's parameters, `status_id=open&sort=updated_on`).
///
/// Opaque here on purpose: a port method that took one tracker's URL parameters would tie the
/// port to that tracker's protocol. The app passes the text through and only the adapter reads
/// it (the Redmine adapter parses it as a query string, and keeps paging to itself).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SavedFilter(String);

impl SavedFilter {
    /// The filter as written.
    #[must_use]
    pub fn new(text: impl Into<String>) -> Self {
        Self(text.into())
    }

    /// The text, for the adapter to interpret.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Which ticket statuses the actions use, by name (looked up in the tracker, never by id).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusNames {
    /// Set by `unassign` (default "New").
    pub new: String,
    /// Set by `progress` (default "In Progress").
    pub in_progress: String,
    /// Set by `resolve` (default "Resolved").
    pub resolved: String,
}

impl Default for StatusNames {
    fn default() -> Self {
        Self {
            new: "New".into(),
            in_progress: "In Progress".into(),
            resolved: "Resolved".into(),
        }
    }
}

/// Which of the tickets that ask for a chat thread to list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ThreadedScope {
    /// Every one, open or closed.
    All,
    /// Those whose latest change was made by someone other than the acting user: the ones
    /// the threader has not yet looked at since they changed.
    ChangedByOthers,
}

/// New values for the threader's two issue fields; `None` leaves a field as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SyncFields {
    /// The thread's link (or the ask, "yes").
    pub thread: Option<String>,
    /// The threader's state.
    pub state: Option<String>,
}

/// A file to upload: its name, media type and bytes (held once, moved into the request).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewFile {
    /// The file's name, kept as it was.
    pub name: String,
    /// Its media type, when known.
    pub content_type: Option<String>,
    /// Its content.
    pub bytes: Vec<u8>,
}

/// A file the tracker holds, not yet attached: its token (the tracker's handle on it), name
/// and media type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Uploaded {
    /// The tracker's handle on the upload.
    pub token: String,
    /// The file's name.
    pub name: String,
    /// Its media type, when known.
    pub content_type: Option<String>,
}

/// Tickets: list, search, read, change, note and open them, as the acting user.
///
/// Every list is complete (the adapter pages until the end), and lists hold open tickets only.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
pub trait Tickets: Send + Sync + 'static {
    /// Open tickets assigned to the acting user or to any team they are in.
    ///
    /// # Errors
    /// [`TrackerError`] when the tracker cannot be read.
    fn list_mine(&self) -> impl Future<Output = Result<Vec<Ticket>, TrackerError>> + Send;

    /// Open tickets assigned to this user or team.
    ///
    /// # Errors
    /// [`TrackerError`] when the tracker cannot be read.
    fn list_assigned(
        &self,
        assignee: &Principal,
    ) -> impl Future<Output = Result<Vec<Ticket>, TrackerError>> + Send;

    /// Open tickets whose subject or text contains every one of the words.
    ///
    /// # Errors
    /// [`TrackerError`] when the tracker cannot be read.
    fn search(
        &self,
        words: &[String],
    ) -> impl Future<Output = Result<Vec<Ticket>, TrackerError>> + Send;

    /// One ticket with its description and notes.
    ///
    /// # Errors
    /// [`TrackerError::TicketNotFound`] when there is no such ticket (or it is hidden).
    fn get(&self, id: TicketId) -> impl Future<Output = Result<Ticket, TrackerError>> + Send;

    /// Changes the assignee and/or status of a ticket.
    ///
    /// # Errors
    /// [`TrackerError::Rejected`] with the tracker's reasons, or any other [`TrackerError`].
    fn update(
        &self,
        id: TicketId,
        update: &TicketUpdate,
    ) -> impl Future<Output = Result<(), TrackerError>> + Send;

    /// Adds a note to a ticket.
    ///
    /// # Errors
    /// [`TrackerError`] when the note is refused or the tracker cannot be reached.
    fn add_note(
        &self,
        id: TicketId,
        text: &str,
    ) -> impl Future<Output = Result<(), TrackerError>> + Send;

    /// Every ticket a saved filter matches, paged to the end.
    ///
    /// # Errors
    /// [`TrackerError`] when the tracker cannot be read.
    fn list_query(
        &self,
        filter: &SavedFilter,
    ) -> impl Future<Output = Result<Vec<Ticket>, TrackerError>> + Send;

    /// Opens a ticket in `project` (identifier or id) as the acting user.
    ///
    /// # Errors
    /// [`TrackerError::Rejected`] with the tracker's reasons, or any other [`TrackerError`].
    fn create(
        &self,
        project: &str,
        subject: &str,
        description: &str,
    ) -> impl Future<Output = Result<Ticket, TrackerError>> + Send;

    /// The tracker's web page listing the open tickets of a query (for "see all" links).
    fn web_link(&self, query: &domain::TicketQuery) -> String;

    /// How the tracker's pages are addressed (a ticket, a change on it, an attachment): only
    /// the adapter knows its tracker's link shapes, the sync and the notifications use these.
    fn ticket_links(&self) -> TicketLinks;
}

/// Files on tickets: the threader carries files between a ticket and its thread (uploads, a
/// note with files attached, a ticket's file read back).
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
pub trait TicketFiles: Send + Sync + 'static {
    /// Uploads a file to the tracker, not yet attached to anything: the answer is what
    /// [`TicketFiles::add_note_with_files`] attaches. An upload nothing attaches is discarded by
    /// the tracker. The bytes are moved into the request, never copied.
    ///
    /// # Errors
    /// [`TrackerError::Rejected`] when the tracker refuses the file (its size limit, its
    /// allowed extensions), with its reasons; any other [`TrackerError`].
    fn upload(&self, file: NewFile) -> impl Future<Output = Result<Uploaded, TrackerError>> + Send;

    /// Adds a note to a ticket with uploaded files attached, in one write: one entry of the
    /// ticket's history holds the text and its files.
    ///
    /// # Errors
    /// [`TrackerError`] when the note is refused or the tracker cannot be reached.
    fn add_note_with_files(
        &self,
        id: TicketId,
        text: &str,
        files: &[Uploaded],
    ) -> impl Future<Output = Result<(), TrackerError>> + Send;

    /// The content of one of a ticket's files, read whole into memory once and at most
    /// `max_bytes` bytes.
    ///
    /// # Errors
    /// [`TrackerError::Rejected`] when the file is gone or larger than `max_bytes`; any other
    /// [`TrackerError`].
    fn download(
        &self,
        file: &TicketFile,
        max_bytes: u64,
    ) -> impl Future<Output = Result<Vec<u8>, TrackerError>> + Send;
}

/// A ticket's watchers: the field actions add and remove them (`watch`, `unwatch`).
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
pub trait Watchers: Send + Sync + 'static {
    /// Adds a user (or team) to a ticket's watchers; adding one already there changes nothing.
    ///
    /// # Errors
    /// [`TrackerError::Rejected`] with the tracker's reasons, or any other [`TrackerError`].
    fn add_watcher(
        &self,
        id: TicketId,
        watcher: UserId,
    ) -> impl Future<Output = Result<(), TrackerError>> + Send;

    /// Removes a user (or team) from a ticket's watchers.
    ///
    /// # Errors
    /// [`TrackerError::Rejected`] with the tracker's reasons, or any other [`TrackerError`].
    fn remove_watcher(
        &self,
        id: TicketId,
        watcher: UserId,
    ) -> impl Future<Output = Result<(), TrackerError>> + Send;

    /// The users (and teams) watching a ticket, as the acting user may see them.
    ///
    /// # Errors
    /// [`TrackerError::TicketNotFound`], or any other [`TrackerError`].
    fn watchers(
        &self,
        id: TicketId,
    ) -> impl Future<Output = Result<Vec<UserId>, TrackerError>> + Send;
}

/// The tracker's people: who acts, and whom a name means.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
pub trait People: Send + Sync + 'static {
    /// The acting user ("me").
    ///
    /// # Errors
    /// [`TrackerError`] when the tracker cannot be read.
    fn current_user(&self) -> impl Future<Output = Result<User, TrackerError>> + Send;

    /// The user or team a person means by `name` (login, full name, first or last name, or a
    /// team name), or `None` when nobody matches.
    ///
    /// # Errors
    /// [`TrackerError`] when the tracker cannot be read.
    fn find_person(
        &self,
        name: &str,
    ) -> impl Future<Output = Result<Option<Principal>, TrackerError>> + Send;
}

/// The tracker's catalog: the statuses, ticket kinds, categories and projects tickets are
/// filed under (read at setup and to look statuses up by name).
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
pub trait Catalog: Send + Sync + 'static {
    /// Every ticket status the tracker has.
    ///
    /// # Errors
    /// [`TrackerError`] when the tracker cannot be read.
    fn statuses(&self) -> impl Future<Output = Result<Vec<Status>, TrackerError>> + Send;

    /// Every ticket priority (Low, Normal, Urgent, …), lowest first.
    ///
    /// # Errors
    /// [`TrackerError`] when the tracker cannot be read.
    fn priorities(&self) -> impl Future<Output = Result<Vec<Named>, TrackerError>> + Send;

    /// Every tracker (ticket kind: Bug, Feature, …).
    ///
    /// # Errors
    /// [`TrackerError`] when the tracker cannot be read.
    fn trackers(&self) -> impl Future<Output = Result<Vec<Named>, TrackerError>> + Send;

    /// The ticket categories of a project (by identifier).
    ///
    /// # Errors
    /// [`TrackerError`] when the project or its categories cannot be read.
    fn categories(
        &self,
        project: &str,
    ) -> impl Future<Output = Result<Vec<Named>, TrackerError>> + Send;

    /// The project with this identifier (as in its web address).
    ///
    /// # Errors
    /// [`TrackerError::Rejected`] naming the project when there is none, or any other.
    fn project(
        &self,
        identifier: &str,
    ) -> impl Future<Output = Result<Named<ProjectId>, TrackerError>> + Send;
}

/// The threader's sync fields on tickets: which tickets ask for a chat thread, and the
/// thread's link and the threader's state written back.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
pub trait SyncStore: Send + Sync + 'static {
    /// Tickets that ask for a chat thread (the thread field has any value), with the values
    /// of the thread and state fields, paged to the end.
    ///
    /// # Errors
    /// [`TrackerError::NoSuchField`] when the tracker has no thread field, or any other.
    fn threaded(
        &self,
        scope: ThreadedScope,
    ) -> impl Future<Output = Result<Vec<Ticket>, TrackerError>> + Send;

    /// Writes the thread and/or state field of a ticket.
    ///
    /// # Errors
    /// [`TrackerError::NoSuchField`] when a field does not exist, or any other.
    fn set_sync_fields(
        &self,
        id: TicketId,
        fields: &SyncFields,
    ) -> impl Future<Output = Result<(), TrackerError>> + Send;
}

/// The notification feed: the tickets the notifier announces and reminds of.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
pub trait TicketFeed: Send + Sync + 'static {
    /// The newest tickets (any status), newest first, at most `limit` (at most 100).
    ///
    /// # Errors
    /// [`TrackerError`] when the tracker cannot be read.
    fn newest(
        &self,
        limit: usize,
    ) -> impl Future<Output = Result<Vec<Ticket>, TrackerError>> + Send;

    /// Every open ticket in this status, paged to the end.
    ///
    /// # Errors
    /// [`TrackerError`] when the tracker cannot be read.
    fn in_status(
        &self,
        status: StatusId,
    ) -> impl Future<Output = Result<Vec<Ticket>, TrackerError>> + Send;

    /// Every open ticket last updated at or before `until` (idle since), paged to the end, in
    /// one listing (for recycling).
    ///
    /// # Errors
    /// [`TrackerError`] when the tracker cannot be read.
    fn idle_since(
        &self,
        until: chrono::DateTime<chrono::Utc>,
    ) -> impl Future<Output = Result<Vec<Ticket>, TrackerError>> + Send;
}

/// Notes edited in place: how an edit or a deletion in the chat reaches the note it became.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
pub trait NoteEdits: Send + Sync + 'static {
    /// Replaces the text of note `journal` of ticket `ticket`, as the tracker's current user
    /// (see [`ActAs`]). `text` must not be empty: the tracker deletes an entry whose note is
    /// emptied and that changed nothing else.
    ///
    /// # Errors
    /// [`TrackerError::Forbidden`] when the user may not edit that note (Redmine: "Edit own
    /// notes" for the author, "Edit notes" for others), nothing found when the
    /// note or its ticket is gone ([`TrackerError::TicketNotFound`]), or any other.
    fn edit_note(
        &self,
        ticket: TicketId,
        journal: JournalId,
        text: &str,
    ) -> impl Future<Output = Result<(), TrackerError>> + Send;
}

/// Acting as someone else: the same tracker, its requests made as another user.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
pub trait ActAs: Send + Sync + 'static {
    /// The same tracker, acting as `login` (the tracker's own act-as mechanism; only a key
    /// that may act for others can use it).
    fn acting_as(&self, login: &Login) -> Self
    where
        Self: Sized;
}

mod time_log;
#[cfg(any(test, feature = "mocks"))]
pub use time_log::MockTimeLog;
pub use time_log::{TimeEntry, TimeLog};

mod team_work;
pub use team_work::{ArrivalFilter, Arrivals, TeamWork};
#[cfg(any(test, feature = "mocks"))]
pub use team_work::{MockArrivals, MockTeamWork};

#[cfg(any(test, feature = "mocks"))]
mod mock;
#[cfg(any(test, feature = "mocks"))]
pub use mock::MockTracker;
