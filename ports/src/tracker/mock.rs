//! One mock that plays every tracker role, for use cases that need several roles on one value
//! (the bot, the `tickets` use case, the threader, the notifications): tests set only what
//! they expect.

use std::future::Future;

use domain::{
    JournalId, Login, Named, Principal, ProjectId, Status, StatusId, Ticket, TicketFile, TicketId,
    TicketLinks, TicketQuery, TicketUpdate, User, UserId,
};

use super::{
    ActAs, Catalog, NewFile, NoteEdits, People, SavedFilter, SyncFields, SyncStore, ThreadedScope,
    TicketFeed, TicketFiles, Tickets, TrackerError, Uploaded, Watchers,
};
use super::{ArrivalFilter, Arrivals, TeamWork};
use super::{TimeEntry, TimeLog};

mockall::mock! {
    /// A tracker playing every role: [`Tickets`], [`TicketFiles`], [`Watchers`], [`People`],
    /// [`Catalog`], [`SyncStore`], [`NoteEdits`], [`TicketFeed`], [`TimeLog`], [`TeamWork`], [`Arrivals`] and [`ActAs`].
    pub Tracker {}

    impl Tickets for Tracker {
        fn list_mine(&self) -> impl Future<Output = Result<Vec<Ticket>, TrackerError>> + Send;
        fn list_assigned(
            &self,
            assignee: &Principal,
        ) -> impl Future<Output = Result<Vec<Ticket>, TrackerError>> + Send;
        fn search(
            &self,
            words: &[String],
        ) -> impl Future<Output = Result<Vec<Ticket>, TrackerError>> + Send;
        fn get(&self, id: TicketId) -> impl Future<Output = Result<Ticket, TrackerError>> + Send;
        fn update(
            &self,
            id: TicketId,
            update: &TicketUpdate,
        ) -> impl Future<Output = Result<(), TrackerError>> + Send;
        fn add_note(
            &self,
            id: TicketId,
            text: &str,
        ) -> impl Future<Output = Result<(), TrackerError>> + Send;
        fn list_query(
            &self,
            filter: &SavedFilter,
        ) -> impl Future<Output = Result<Vec<Ticket>, TrackerError>> + Send;
        fn create(
            &self,
            project: &str,
            subject: &str,
            description: &str,
        ) -> impl Future<Output = Result<Ticket, TrackerError>> + Send;
        fn web_link(&self, query: &TicketQuery) -> String;
        fn ticket_links(&self) -> TicketLinks;
    }

    impl NoteEdits for Tracker {
        fn edit_note(
            &self,
            ticket: TicketId,
            journal: JournalId,
            text: &str,
        ) -> impl Future<Output = Result<(), TrackerError>> + Send;
    }

    impl TicketFiles for Tracker {
        fn upload(
            &self,
            file: NewFile,
        ) -> impl Future<Output = Result<Uploaded, TrackerError>> + Send;
        fn add_note_with_files(
            &self,
            id: TicketId,
            text: &str,
            files: &[Uploaded],
        ) -> impl Future<Output = Result<(), TrackerError>> + Send;
        fn download(
            &self,
            file: &TicketFile,
            max_bytes: u64,
        ) -> impl Future<Output = Result<Vec<u8>, TrackerError>> + Send;
    }

    impl Watchers for Tracker {
        fn add_watcher(
            &self,
            id: TicketId,
            watcher: UserId,
        ) -> impl Future<Output = Result<(), TrackerError>> + Send;
        fn remove_watcher(
            &self,
            id: TicketId,
            watcher: UserId,
        ) -> impl Future<Output = Result<(), TrackerError>> + Send;
        fn watchers(
            &self,
            id: TicketId,
        ) -> impl Future<Output = Result<Vec<UserId>, TrackerError>> + Send;
    }

    impl People for Tracker {
        fn current_user(&self) -> impl Future<Output = Result<User, TrackerError>> + Send;
        fn find_person(
            &self,
            name: &str,
        ) -> impl Future<Output = Result<Option<Principal>, TrackerError>> + Send;
    }

    impl Catalog for Tracker {
        fn statuses(&self) -> impl Future<Output = Result<Vec<Status>, TrackerError>> + Send;
        fn priorities(&self) -> impl Future<Output = Result<Vec<Named>, TrackerError>> + Send;
        fn trackers(&self) -> impl Future<Output = Result<Vec<Named>, TrackerError>> + Send;
        fn categories(
            &self,
            project: &str,
        ) -> impl Future<Output = Result<Vec<Named>, TrackerError>> + Send;
        fn project(
            &self,
            identifier: &str,
        ) -> impl Future<Output = Result<Named<ProjectId>, TrackerError>> + Send;
    }

    impl SyncStore for Tracker {
        fn threaded(
            &self,
            scope: ThreadedScope,
        ) -> impl Future<Output = Result<Vec<Ticket>, TrackerError>> + Send;
        fn set_sync_fields(
            &self,
            id: TicketId,
            fields: &SyncFields,
        ) -> impl Future<Output = Result<(), TrackerError>> + Send;
    }

    impl TicketFeed for Tracker {
        fn newest(
            &self,
            limit: usize,
        ) -> impl Future<Output = Result<Vec<Ticket>, TrackerError>> + Send;
        fn in_status(
            &self,
            status: StatusId,
        ) -> impl Future<Output = Result<Vec<Ticket>, TrackerError>> + Send;
        fn idle_since(
            &self,
            until: chrono::DateTime<chrono::Utc>,
        ) -> impl Future<Output = Result<Vec<Ticket>, TrackerError>> + Send;
    }

    impl TimeLog for Tracker {
        fn activities(&self) -> impl Future<Output = Result<Vec<Named>, TrackerError>> + Send;
        fn log_time(
            &self,
            entry: &TimeEntry,
        ) -> impl Future<Output = Result<(), TrackerError>> + Send;
    }

    impl TeamWork for Tracker {
        fn teams(&self) -> impl Future<Output = Result<Vec<domain::Team>, TrackerError>> + Send;
        fn open_work(
            &self,
            team: Option<domain::Team>,
        ) -> impl Future<Output = Result<Vec<Ticket>, TrackerError>> + Send;
    }

    impl Arrivals for Tracker {
        fn created_since(
            &self,
            since: chrono::DateTime<chrono::Utc>,
            filter: &ArrivalFilter,
        ) -> impl Future<Output = Result<Vec<Ticket>, TrackerError>> + Send;
    }

    impl ActAs for Tracker {
        fn acting_as(&self, login: &Login) -> Self;
    }
}
