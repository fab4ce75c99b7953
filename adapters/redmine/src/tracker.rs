//! The tracker's role ports for `Redmine`, one `impl` per role: each method is one resource's
//! (`issues.rs`, `people.rs`, `statuses.rs`, `threads.rs`, `watchers.rs`).

use domain::{
    JournalId, Login, Named, Principal, ProjectId, Status, StatusId, Ticket, TicketFile, TicketId,
    TicketLinks, TicketQuery, TicketUpdate, User, UserId,
};
use ports::{
    ActAs, Catalog, NewFile, NoteEdits, People, SavedFilter, SyncFields, SyncStore, ThreadedScope,
    TicketFeed, TicketFiles, Tickets, TrackerError, Uploaded, Watchers,
};

use ports::{TimeEntry, TimeLog};

use crate::client::Redmine;

impl Tickets for Redmine {
    async fn list_mine(&self) -> Result<Vec<Ticket>, TrackerError> {
        self.issues_mine().await
    }

    async fn list_assigned(&self, assignee: &Principal) -> Result<Vec<Ticket>, TrackerError> {
        self.issues_assigned(assignee).await
    }

    async fn search(&self, words: &[String]) -> Result<Vec<Ticket>, TrackerError> {
        self.search_issues(words).await
    }

    async fn get(&self, id: TicketId) -> Result<Ticket, TrackerError> {
        self.issue(id).await
    }

    async fn update(&self, id: TicketId, update: &TicketUpdate) -> Result<(), TrackerError> {
        self.update_issue(id, update).await
    }

    async fn add_note(&self, id: TicketId, text: &str) -> Result<(), TrackerError> {
        self.add_issue_note(id, text).await
    }

    async fn list_query(&self, filter: &SavedFilter) -> Result<Vec<Ticket>, TrackerError> {
        self.issues_of_filter(filter).await
    }

    async fn create(
        &self,
        project: &str,
        subject: &str,
        description: &str,
    ) -> Result<Ticket, TrackerError> {
        self.create_issue(project, subject, description).await
    }

    fn web_link(&self, query: &TicketQuery) -> String {
        self.web_link_of(query)
    }

    /// Redmine's: `BASE/issues/N`, `BASE/issues/N#change-J`, `BASE/attachments/A`.
    fn ticket_links(&self) -> TicketLinks {
        let base = self.web_base();
        let page = |path: &str| {
            base.join(path)
                .map_or_else(|_| format!("{base}{path}"), String::from)
        };
        TicketLinks::new(page("issues/"), "#change-", page("attachments/"))
    }
}

impl TicketFiles for Redmine {
    async fn upload(&self, file: NewFile) -> Result<Uploaded, TrackerError> {
        self.upload_file(file).await
    }

    async fn add_note_with_files(
        &self,
        id: TicketId,
        text: &str,
        files: &[Uploaded],
    ) -> Result<(), TrackerError> {
        self.add_issue_note_with_files(id, text, files).await
    }

    async fn download(&self, file: &TicketFile, max_bytes: u64) -> Result<Vec<u8>, TrackerError> {
        self.download_file(file, max_bytes).await
    }
}

impl Watchers for Redmine {
    async fn add_watcher(&self, id: TicketId, watcher: UserId) -> Result<(), TrackerError> {
        self.add_issue_watcher(id, watcher).await
    }

    async fn remove_watcher(&self, id: TicketId, watcher: UserId) -> Result<(), TrackerError> {
        self.remove_issue_watcher(id, watcher).await
    }

    async fn watchers(&self, id: TicketId) -> Result<Vec<UserId>, TrackerError> {
        self.issue_watchers(id).await
    }
}

impl People for Redmine {
    async fn current_user(&self) -> Result<User, TrackerError> {
        self.me().await
    }

    async fn find_person(&self, name: &str) -> Result<Option<Principal>, TrackerError> {
        self.person_named(name).await
    }
}

impl Catalog for Redmine {
    async fn statuses(&self) -> Result<Vec<Status>, TrackerError> {
        self.ticket_statuses().await
    }

    async fn priorities(&self) -> Result<Vec<Named>, TrackerError> {
        self.ticket_priorities().await
    }

    async fn trackers(&self) -> Result<Vec<Named>, TrackerError> {
        self.tracker_kinds().await
    }

    async fn categories(&self, project: &str) -> Result<Vec<Named>, TrackerError> {
        self.project_categories(project).await
    }

    async fn project(&self, identifier: &str) -> Result<Named<ProjectId>, TrackerError> {
        self.project_named(identifier).await
    }
}

impl SyncStore for Redmine {
    async fn threaded(&self, scope: ThreadedScope) -> Result<Vec<Ticket>, TrackerError> {
        self.threaded_tickets(scope).await
    }

    async fn set_sync_fields(&self, id: TicketId, fields: &SyncFields) -> Result<(), TrackerError> {
        self.write_sync_fields(id, fields).await
    }
}

impl TicketFeed for Redmine {
    async fn newest(&self, limit: usize) -> Result<Vec<Ticket>, TrackerError> {
        self.newest_tickets(limit).await
    }

    async fn in_status(&self, status: StatusId) -> Result<Vec<Ticket>, TrackerError> {
        self.tickets_in_status(status).await
    }

    async fn idle_since(
        &self,
        until: chrono::DateTime<chrono::Utc>,
    ) -> Result<Vec<Ticket>, TrackerError> {
        self.tickets_idle_since(until).await
    }
}

impl TimeLog for Redmine {
    async fn activities(&self) -> Result<Vec<Named>, TrackerError> {
        self.time_entry_activities().await
    }

    async fn log_time(&self, entry: &TimeEntry) -> Result<(), TrackerError> {
        self.log_time_entry(entry).await
    }
}

impl NoteEdits for Redmine {
    async fn edit_note(
        &self,
        ticket: TicketId,
        journal: JournalId,
        text: &str,
    ) -> Result<(), TrackerError> {
        self.edit_journal_note(ticket, journal, text).await
    }
}

impl ActAs for Redmine {
    fn acting_as(&self, login: &Login) -> Self {
        Redmine::acting_as(self, login.as_str())
    }
}
