//! The Redmine client: `TicketTracker` over Redmine's REST API with reqwest.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use domain::people::name_match_rank;
use domain::{
    AssigneeChange, Principal, Status, Ticket, TicketId, TicketQuery, TicketUpdate, User,
};
use ports::{SavedFilter, SyncFields, ThreadedScope, TicketTracker, TrackerError};
use reqwest::Method;
use serde::de::DeserializeOwned;
use serde_json::{json, Value};
use tracing::debug;
use url::Url;

use crate::convert::{self, IssueFieldNames};
use crate::dto::{
    GroupsPage, IssueEnvelope, IssuesPage, Keyed, MembershipsPage, SearchPage, StatusesEnvelope,
    UserEnvelope, UsersPage,
};
use crate::error::{from_body, from_status, from_transport, Attempt};

/// Redmine's largest page.
const PAGE_SIZE: u64 = 100;

/// Pages of users a name lookup reads at most (an admin key can list everyone).
const NAME_LOOKUP_PAGES: usize = 3;

/// An API key: shown as `[redacted]` by `Debug` so it cannot reach a log by accident.
#[derive(Clone)]
pub struct ApiKey(String);

impl ApiKey {
    /// Wraps a key.
    #[must_use]
    pub fn new(key: impl Into<String>) -> Self {
        Self(key.into())
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiKey([redacted])")
    }
}

/// Why a Redmine client could not be built.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// `REDMINE_URL` is not an http(s) URL.
    #[error("REDMINE_URL '{}' is not an http(s) URL", httpkit::shown_text(.0))]
    BadUrl(String),
    /// `REDMINE_TOKEN` holds characters no header can carry (a line break, say).
    #[error("REDMINE_TOKEN contains characters that cannot be sent in a header (a line break?)")]
    BadKey,
    /// The login to act as holds characters no header can carry.
    #[error("the login to act as contains characters that cannot be sent in a header")]
    BadLogin,
    /// The TLS backend could not start.
    #[error("cannot set up the HTTP client: {0}")]
    Http(String),
}

/// How to reach a Redmine.
#[derive(Debug, Clone)]
pub struct RedmineConfig {
    /// The server's base URL, e.g. `https://redmine.example.org` (a sub-path is kept).
    pub url: String,
    /// The API key of the acting user (or of an admin, with `act_as`).
    pub key: ApiKey,
    /// Act as this login through `X-Redmine-Switch-User` (admin keys only).
    pub act_as: Option<String>,
    /// How long one request may take.
    pub timeout: Duration,
}

/// A Redmine server, as a `TicketTracker`.
#[derive(Debug, Clone)]
pub struct Redmine {
    http: reqwest::Client,
    base: Url,
    /// `base` without user-info: what links and errors show.
    web: Url,
    host: String,
    key: ApiKey,
    act_as: Option<String>,
    timeout: Duration,
    /// Which issue custom fields the threader uses, by name.
    issue_fields: Arc<IssueFieldNames>,
    /// Issue custom field ids by lower-cased name, once read.
    issue_field_ids: Arc<Mutex<Option<BTreeMap<String, u64>>>>,
    /// Whether the acting user is an admin, as Redmine last said (a hint that saves asking:
    /// an admin's name lookup goes straight to the user listing, and a 403 there corrects it).
    acting_admin: Arc<Mutex<Option<bool>>>,
}

impl Redmine {
    /// The same client, reading and writing the threader's issue custom fields by these names.
    #[must_use]
    pub fn with_issue_fields(mut self, names: IssueFieldNames) -> Self {
        self.issue_fields = Arc::new(names);
        self
    }

    pub(crate) fn issue_fields(&self) -> Arc<IssueFieldNames> {
        Arc::clone(&self.issue_fields)
    }

    /// The base for links people see: the configured URL without user-info.
    pub(crate) fn web_base(&self) -> &Url {
        &self.web
    }

    pub(crate) fn cached_issue_fields(&self) -> Option<BTreeMap<String, u64>> {
        self.issue_field_ids
            .lock()
            .ok()
            .and_then(|cache| cache.clone())
    }

    pub(crate) fn cache_issue_fields(&self, ids: BTreeMap<String, u64>) {
        if let Ok(mut cache) = self.issue_field_ids.lock() {
            *cache = Some(ids);
        }
    }

    /// A client for the server in `config`.
    ///
    /// # Errors
    /// [`ConfigError`] for a URL that is not http(s) or a TLS backend that fails to start.
    pub fn new(config: RedmineConfig) -> Result<Self, ConfigError> {
        let mut base = Url::parse(config.url.trim())
            .ok()
            .filter(|url| matches!(url.scheme(), "http" | "https") && url.host().is_some())
            .ok_or_else(|| ConfigError::BadUrl(config.url.clone()))?;
        if reqwest::header::HeaderValue::from_str(&config.key.0).is_err() {
            return Err(ConfigError::BadKey);
        }
        if let Some(login) = &config.act_as {
            if reqwest::header::HeaderValue::from_str(login).is_err() {
                return Err(ConfigError::BadLogin);
            }
        }
        if !base.path().ends_with('/') {
            let path = format!("{}/", base.path());
            base.set_path(&path);
        }
        base.set_query(None);
        base.set_fragment(None);
        let host = match base.port() {
            Some(port) => format!("{}:{port}", base.host_str().unwrap_or_default()),
            None => base.host_str().unwrap_or_default().to_owned(),
        };
        let http = httpkit::client(config.timeout)
            .build()
            .map_err(|error| ConfigError::Http(error.to_string()))?;
        Ok(Self {
            http,
            web: httpkit::without_user_info(&base),
            base,
            host,
            key: config.key,
            act_as: config.act_as.filter(|login| !login.trim().is_empty()),
            timeout: config.timeout,
            issue_fields: Arc::default(),
            issue_field_ids: Arc::default(),
            acting_admin: Arc::default(),
        })
    }

    /// The same server, acting as another login (`X-Redmine-Switch-User`); shares the
    /// connection pool.
    #[must_use]
    pub fn acting_as(&self, login: impl Into<String>) -> Self {
        Self {
            act_as: Some(login.into()),
            acting_admin: Arc::default(),
            ..self.clone()
        }
    }

    /// The same server as the key's own owner (no `X-Redmine-Switch-User`).
    pub(crate) fn as_key_owner(&self) -> Self {
        Self {
            act_as: None,
            acting_admin: Arc::default(),
            ..self.clone()
        }
    }

    /// The web address of a ticket.
    #[must_use]
    pub fn ticket_url(&self, id: TicketId) -> String {
        convert::ticket_url(&self.web, id)
    }

    pub(crate) fn url(&self, path: &str, query: &[(&str, String)]) -> Url {
        let mut url = self.base.join(path).unwrap_or_else(|_| self.base.clone());
        if !query.is_empty() {
            let mut pairs = url.query_pairs_mut();
            for (name, value) in query {
                pairs.append_pair(name, value);
            }
        }
        url
    }

    pub(crate) async fn send(
        &self,
        method: Method,
        url: Url,
        body: Option<&Value>,
        attempt: &Attempt<'_>,
    ) -> Result<String, TrackerError> {
        debug!(method = %method, path = url.path(), query = url.query().unwrap_or(""), "redmine request");
        let mut request = self
            .http
            .request(method, url)
            .header("X-Redmine-API-Key", &self.key.0)
            .header(reqwest::header::ACCEPT, "application/json");
        if let Some(login) = &self.act_as {
            request = request.header("X-Redmine-Switch-User", login);
        }
        if let Some(body) = body {
            request = request.json(body);
        }
        let timeout_seconds = self.timeout.as_secs();
        let response = request
            .send()
            .await
            .map_err(|error| from_transport(&error, attempt, &self.host, timeout_seconds))?;
        let status = response.status();
        let text = httpkit::body_text(response)
            .await
            .map_err(|error| from_body(&error, attempt, &self.host, timeout_seconds))?;
        debug!(status = status.as_u16(), "redmine answer");
        if status.is_success() {
            Ok(text)
        } else {
            Err(from_status(
                status,
                &text,
                attempt,
                &self.host,
                self.act_as.as_deref(),
            ))
        }
    }

    pub(crate) async fn get<T: DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, String)],
        attempt: &Attempt<'_>,
    ) -> Result<T, TrackerError> {
        self.get_url(self.url(path, query), attempt).await
    }

    async fn get_url<T: DeserializeOwned>(
        &self,
        url: Url,
        attempt: &Attempt<'_>,
    ) -> Result<T, TrackerError> {
        let text = self.send(Method::GET, url, None, attempt).await?;
        serde_json::from_str(&text).map_err(|error| TrackerError::Unexpected {
            host: self.host.clone(),
            action: attempt.action.to_owned(),
            detail: format!("unreadable JSON ({error})"),
        })
    }

    /// Every item of a paged listing: `limit=100&offset=…` until `total_count` is reached,
    /// a page brings nothing new, or (an error) the bound on pages is reached. No item is
    /// listed twice.
    pub(crate) async fn get_all<P, T>(
        &self,
        path: &str,
        query: &[(&str, String)],
        attempt: &Attempt<'_>,
        split: impl Fn(P) -> (Vec<T>, u64),
    ) -> Result<Vec<T>, TrackerError>
    where
        P: DeserializeOwned,
        T: Keyed,
    {
        let pager = httpkit::Pager::default();
        self.get_pages(path, query, attempt, split, pager).await
    }

    /// [`Self::get_all`] with its own bound on pages.
    async fn get_pages<P, T>(
        &self,
        path: &str,
        query: &[(&str, String)],
        attempt: &Attempt<'_>,
        split: impl Fn(P) -> (Vec<T>, u64),
        mut pager: httpkit::Pager<(u64, bool)>,
    ) -> Result<Vec<T>, TrackerError>
    where
        P: DeserializeOwned,
        T: Keyed,
    {
        let paging_error = |error: httpkit::PagingError| TrackerError::Unexpected {
            host: self.host.clone(),
            action: attempt.action.to_owned(),
            detail: error.to_string(),
        };
        let mut items = Vec::new();
        let mut offset = 0;
        loop {
            let mut page_query = query.to_vec();
            page_query.push(("limit", PAGE_SIZE.to_string()));
            page_query.push(("offset", offset.to_string()));
            let url = self.url(path, &page_query);
            if !pager.visit(&url).map_err(paging_error)? {
                return Ok(items);
            }
            let (page, total) = split(self.get_url(url, attempt).await?);
            let n_items = page.len() as u64;
            let n_new = pager
                .add(page, Keyed::key, &mut items)
                .map_err(paging_error)?;
            offset += n_items;
            if n_new == 0 || offset >= total {
                return Ok(items);
            }
        }
    }

    async fn list_issues(
        &self,
        filters: &[(&str, String)],
        action: &str,
    ) -> Result<Vec<Ticket>, TrackerError> {
        let mut query = vec![
            ("status_id", String::from("open")),
            // Stable order, so that pages neither repeat nor skip a ticket.
            ("sort", String::from("priority:desc,id:desc")),
        ];
        query.extend_from_slice(filters);
        self.list_issues_as_asked(&query, action).await
    }

    /// Every issue of a listing with exactly these parameters (paging added).
    async fn list_issues_as_asked(
        &self,
        query: &[(&str, String)],
        action: &str,
    ) -> Result<Vec<Ticket>, TrackerError> {
        let attempt = Attempt {
            action,
            ticket: None,
        };
        let issues = self
            .get_all("issues.json", query, &attempt, |page: IssuesPage| {
                (page.issues, page.total_count)
            })
            .await?;
        let mut seen = std::collections::HashSet::new();
        Ok(issues
            .into_iter()
            .filter(|issue| seen.insert(issue.id))
            .filter_map(|issue| convert::ticket(issue, &self.web))
            .collect())
    }

    async fn current_user_with_memberships(&self) -> Result<crate::dto::UserDto, TrackerError> {
        let attempt = Attempt {
            action: "read the current user",
            ticket: None,
        };
        let envelope: UserEnvelope = self
            .get(
                "users/current.json",
                &[("include", String::from("memberships,groups"))],
                &attempt,
            )
            .await?;
        Ok(envelope.user)
    }

    fn acting_admin(&self) -> Option<bool> {
        self.acting_admin.lock().ok().and_then(|known| *known)
    }

    fn remember_acting_admin(&self, admin: Option<bool>) {
        if let (Ok(mut known), Some(admin)) = (self.acting_admin.lock(), admin) {
            *known = Some(admin);
        }
    }

    /// The best match for `name` among everyone the acting user can see, asking only what the
    /// answer needs:
    /// - an admin known as such (from an earlier answer): the user search, then the group
    ///   list only when no user's login is `name` (a team has no login, so it cannot tie);
    /// - otherwise the current user first: it says whether the user is an admin (then as
    ///   above) and, for a member, which projects' member lists hold the people they can see.
    async fn find_among_visible(&self, name: &str) -> Result<Option<Principal>, TrackerError> {
        if self.acting_admin() == Some(true) {
            match self.people_as_admin(name, Vec::new()).await? {
                Some(found) => return Ok(found),
                // No longer an admin: Redmine refused the listing.
                None => self.remember_acting_admin(Some(false)),
            }
        }
        let me = self.current_user_with_memberships().await?;
        self.remember_acting_admin(me.admin);
        let mut mine = vec![Candidate::user(convert::user(&me))];
        mine.extend(me.groups.iter().cloned().map(Candidate::team));
        // Redmine says whether the acting user is an admin; only then are the user and group
        // listings open, and asking a member's key for them would only earn a 403.
        if me.admin != Some(false) {
            if let Some(found) = self.people_as_admin(name, mine).await? {
                self.remember_acting_admin(Some(true));
                return Ok(found);
            }
            self.remember_acting_admin(Some(false));
            mine = vec![Candidate::user(convert::user(&me))];
            mine.extend(me.groups.iter().cloned().map(Candidate::team));
        }
        mine.extend(self.people_as_member(&me).await?);
        best_match(name, mine)
    }

    /// The best match for `name` among `known` and the users and groups an admin can list
    /// (the groups only when no user's login is `name`); `None` when the acting user is not an
    /// admin.
    async fn people_as_admin(
        &self,
        name: &str,
        known: Vec<Candidate>,
    ) -> Result<Option<Option<Principal>>, TrackerError> {
        let attempt = Attempt {
            action: "list users",
            ticket: None,
        };
        // Redmine's `name` filter matches login, first name, last name and mail, one word.
        let first_word = name.split_whitespace().next().unwrap_or(name).to_owned();
        // A name is not a listing: a word that matches more users than a few pages hold is
        // refused rather than downloading everyone.
        let users = match self
            .get_pages(
                "users.json",
                &[("name", first_word.clone()), ("status", String::from("1"))],
                &attempt,
                |page: UsersPage| (page.users, page.total_count),
                httpkit::Pager::with_max_pages(NAME_LOOKUP_PAGES),
            )
            .await
        {
            Ok(users) => users,
            Err(TrackerError::Forbidden { .. }) => return Ok(None),
            Err(TrackerError::Unexpected { detail, .. })
                if detail == httpkit::PagingError::TooManyPages(NAME_LOOKUP_PAGES).to_string() =>
            {
                return Err(TrackerError::Ambiguous {
                    name: name.to_owned(),
                    matches: vec![format!(
                        "more than {} users",
                        NAME_LOOKUP_PAGES as u64 * PAGE_SIZE
                    )],
                });
            }
            Err(error) => return Err(error),
        };
        let mut candidates = known;
        candidates.extend(
            users
                .iter()
                .map(|user| Candidate::user(convert::user(user))),
        );
        // A login match ranks first, and a team has no login: no group can tie it.
        let login_matches = candidates.iter().any(|candidate| {
            name_match_rank(name, candidate.login.as_deref(), candidate.person.name()) == Some(0)
        });
        if login_matches {
            return best_match(name, candidates).map(Some);
        }
        let groups = self
            .get_all(
                "groups.json",
                &[],
                &Attempt {
                    action: "list groups",
                    ticket: None,
                },
                |page: GroupsPage| (page.groups, page.total_count),
            )
            .await?;
        candidates.extend(groups.into_iter().map(Candidate::team));
        best_match(name, candidates).map(Some)
    }

    /// Users and groups a member can see: those of the projects they belong to.
    async fn people_as_member(
        &self,
        me: &crate::dto::UserDto,
    ) -> Result<Vec<Candidate>, TrackerError> {
        let mut candidates = Vec::new();
        for membership in &me.memberships {
            let path = format!("projects/{}/memberships.json", membership.project.id);
            let action = format!("list the members of project '{}'", membership.project.name);
            let attempt = Attempt {
                action: &action,
                ticket: None,
            };
            let members = match self
                .get_all(&path, &[], &attempt, |page: MembershipsPage| {
                    (page.memberships, page.total_count)
                })
                .await
            {
                Ok(members) => members,
                // A project whose member list is hidden from this user adds nobody.
                Err(TrackerError::Forbidden { .. }) => continue,
                Err(error) => return Err(error),
            };
            for member in members {
                if let Some(user) = member.user {
                    candidates.push(Candidate::user(User {
                        id: user.id,
                        login: None,
                        name: user.name,
                    }));
                } else if let Some(group) = member.group {
                    candidates.push(Candidate::team(group));
                }
            }
        }
        Ok(candidates)
    }
}

/// Someone a typed name might mean.
struct Candidate {
    person: Principal,
    login: Option<String>,
}

impl Candidate {
    fn user(user: User) -> Self {
        Self {
            login: user.login.clone(),
            person: Principal::User(user),
        }
    }

    fn team(group: crate::dto::NamedDto) -> Self {
        Self {
            person: convert::team(group),
            login: None,
        }
    }
}

/// The best match for `name`, or an error when several different people match equally well.
fn best_match(name: &str, candidates: Vec<Candidate>) -> Result<Option<Principal>, TrackerError> {
    let mut ranked: BTreeMap<u8, BTreeMap<u64, Principal>> = BTreeMap::new();
    for candidate in candidates {
        if let Some(rank) =
            name_match_rank(name, candidate.login.as_deref(), candidate.person.name())
        {
            ranked
                .entry(rank)
                .or_default()
                .entry(candidate.person.id())
                .or_insert(candidate.person);
        }
    }
    let Some((_, best)) = ranked.into_iter().next() else {
        return Ok(None);
    };
    if best.len() == 1 {
        return Ok(best.into_values().next());
    }
    Err(TrackerError::Ambiguous {
        name: name.to_owned(),
        matches: best
            .values()
            .map(|person| person.name().to_owned())
            .collect(),
    })
}

impl TicketTracker for Redmine {
    async fn list_mine(&self) -> Result<Vec<Ticket>, TrackerError> {
        // Redmine 5's `me` already covers tickets assigned to the user's groups.
        self.list_issues(
            &[("assigned_to_id", String::from("me"))],
            "list my open tickets",
        )
        .await
    }

    async fn list_assigned(&self, assignee: &Principal) -> Result<Vec<Ticket>, TrackerError> {
        let action = format!("list the open tickets of {}", assignee.name());
        self.list_issues(&[("assigned_to_id", assignee.id().to_string())], &action)
            .await
    }

    async fn search(&self, words: &[String]) -> Result<Vec<Ticket>, TrackerError> {
        // Redmine 5.0 has no `any_searchable` issue filter (5.1 added it, and 5.0 silently
        // ignores unknown filters), so full-text search goes through `/search.json`, which
        // matches every word in subjects, descriptions and notes; the hits are then read as
        // tickets, 100 ids a request.
        let attempt = Attempt {
            action: "search tickets",
            ticket: None,
        };
        let query = [
            ("q", words.join(" ")),
            ("issues", String::from("1")),
            ("open_issues", String::from("1")),
            ("all_words", String::from("1")),
        ];
        let hits = self
            .get_all("search.json", &query, &attempt, |page: SearchPage| {
                (page.results, page.total_count.unwrap_or_default())
            })
            .await?;
        let ids: Vec<String> = hits
            .iter()
            .filter(|hit| hit.kind.starts_with("issue"))
            .map(|hit| hit.id.to_string())
            .collect();
        let mut tickets = Vec::new();
        for chunk in ids.chunks(PAGE_SIZE as usize) {
            tickets.extend(
                self.list_issues(&[("issue_id", chunk.join(","))], "search tickets")
                    .await?,
            );
        }
        Ok(tickets)
    }

    async fn get(&self, id: TicketId) -> Result<Ticket, TrackerError> {
        let action = format!("read ticket {id}");
        let attempt = Attempt {
            action: &action,
            ticket: Some(id),
        };
        let envelope: IssueEnvelope = self
            .get(
                &format!("issues/{id}.json"),
                &[("include", String::from("journals"))],
                &attempt,
            )
            .await?;
        convert::ticket_with_fields(envelope.issue, &self.web, &self.issue_fields)
            .ok_or(TrackerError::TicketNotFound(id))
    }

    async fn update(&self, id: TicketId, update: &TicketUpdate) -> Result<(), TrackerError> {
        let mut issue = serde_json::Map::new();
        match update.assignee {
            AssigneeChange::Keep => {}
            AssigneeChange::Set(person) => {
                issue.insert("assigned_to_id".into(), json!(person));
            }
            // Redmine ignores null here; an empty string clears the assignee.
            AssigneeChange::Clear => {
                issue.insert("assigned_to_id".into(), json!(""));
            }
        }
        if let Some(status) = &update.status {
            issue.insert("status_id".into(), json!(status.id));
        }
        let action = format!("update ticket {id}");
        let attempt = Attempt {
            action: &action,
            ticket: Some(id),
        };
        let url = self.url(&format!("issues/{id}.json"), &[]);
        self.send(Method::PUT, url, Some(&json!({ "issue": issue })), &attempt)
            .await
            .map(drop)
    }

    async fn add_note(&self, id: TicketId, text: &str) -> Result<(), TrackerError> {
        let action = format!("add a note to ticket {id}");
        let attempt = Attempt {
            action: &action,
            ticket: Some(id),
        };
        let url = self.url(&format!("issues/{id}.json"), &[]);
        let body = json!({ "issue": { "notes": text } });
        self.send(Method::PUT, url, Some(&body), &attempt)
            .await
            .map(drop)
    }

    async fn current_user(&self) -> Result<User, TrackerError> {
        let attempt = Attempt {
            action: "read the current user",
            ticket: None,
        };
        let envelope: UserEnvelope = self.get("users/current.json", &[], &attempt).await?;
        self.remember_acting_admin(envelope.user.admin);
        Ok(convert::user(&envelope.user))
    }

    async fn find_person(&self, name: &str) -> Result<Option<Principal>, TrackerError> {
        let name = name.trim();
        if name.is_empty() {
            return Ok(None);
        }
        self.find_among_visible(name).await
    }

    async fn list_query(&self, filter: &SavedFilter) -> Result<Vec<Ticket>, TrackerError> {
        // A saved filter is the parameters of Redmine's issue list, as a query string.
        let params: Vec<(String, String)> =
            url::form_urlencoded::parse(filter.as_str().trim_start_matches('?').as_bytes())
                .into_owned()
                .collect();
        // Paging is the adapter's: a saved query's own limit or offset would cut the list.
        let query: Vec<(&str, String)> = params
            .iter()
            .filter(|(name, _)| name != "limit" && name != "offset")
            .map(|(name, value)| (name.as_str(), value.clone()))
            .collect();
        self.list_issues_as_asked(&query, "run a saved query").await
    }

    async fn create(
        &self,
        project: &str,
        subject: &str,
        description: &str,
    ) -> Result<Ticket, TrackerError> {
        let action = format!("open a ticket in project '{project}'");
        let attempt = Attempt {
            action: &action,
            ticket: None,
        };
        let body = json!({ "issue": {
            "project_id": project, "subject": subject, "description": description
        }});
        let text = self
            .send(
                Method::POST,
                self.url("issues.json", &[]),
                Some(&body),
                &attempt,
            )
            .await?;
        let envelope: IssueEnvelope =
            serde_json::from_str(&text).map_err(|error| TrackerError::Unexpected {
                host: self.host.clone(),
                action: action.clone(),
                detail: format!("unreadable JSON ({error})"),
            })?;
        convert::ticket(envelope.issue, &self.web).ok_or_else(|| TrackerError::Unexpected {
            host: self.host.clone(),
            action,
            detail: String::from("the new ticket has no number"),
        })
    }

    async fn newest(&self, limit: usize) -> Result<Vec<Ticket>, TrackerError> {
        self.newest_tickets(limit).await
    }

    async fn in_status(&self, status_id: u64) -> Result<Vec<Ticket>, TrackerError> {
        self.tickets_in_status(status_id).await
    }

    async fn trackers(&self) -> Result<Vec<domain::Named>, TrackerError> {
        self.tracker_kinds().await
    }

    async fn categories(&self, project: &str) -> Result<Vec<domain::Named>, TrackerError> {
        self.project_categories(project).await
    }

    async fn project(&self, identifier: &str) -> Result<domain::Named, TrackerError> {
        self.project_named(identifier).await
    }

    async fn threaded(&self, scope: ThreadedScope) -> Result<Vec<Ticket>, TrackerError> {
        self.threaded_tickets(scope).await
    }

    async fn set_sync_fields(&self, id: TicketId, fields: &SyncFields) -> Result<(), TrackerError> {
        self.write_sync_fields(id, fields).await
    }

    fn acting_as(&self, login: &str) -> Self {
        Redmine::acting_as(self, login)
    }

    fn web_link(&self, query: &TicketQuery) -> String {
        let (path, pairs): (&str, Vec<(&str, String)>) = match query {
            TicketQuery::Show(id) | TicketQuery::Act(id, _) => {
                return self.ticket_url(*id);
            }
            TicketQuery::Mine => (
                "issues",
                vec![
                    ("set_filter", "1".into()),
                    ("status_id", "o".into()),
                    ("assigned_to_id", "me".into()),
                ],
            ),
            TicketQuery::NameOrSearch(words) => (
                "search",
                vec![
                    ("q", words.join(" ")),
                    ("issues", "1".into()),
                    ("open_issues", "1".into()),
                ],
            ),
        };
        httpkit::shown(&self.url(path, &pairs))
    }

    async fn statuses(&self) -> Result<Vec<Status>, TrackerError> {
        let attempt = Attempt {
            action: "list ticket statuses",
            ticket: None,
        };
        let envelope: StatusesEnvelope = self.get("issue_statuses.json", &[], &attempt).await?;
        Ok(envelope
            .issue_statuses
            .into_iter()
            .map(convert::status)
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_key_never_shows_in_debug_output() {
        let redmine = Redmine::new(RedmineConfig {
            url: "https://redmine.example.org/".into(),
            key: ApiKey::new("s3cret-key"),
            act_as: None,
            timeout: Duration::from_secs(1),
        })
        .unwrap();
        let debug = format!("{redmine:?}");
        assert!(!debug.contains("s3cret-key"), "{debug}");
        assert!(debug.contains("[redacted]"));
    }

    #[test]
    fn urls_keep_a_sub_path_and_encode_query_values() {
        let redmine = Redmine::new(RedmineConfig {
            url: "https://example.org/redmine".into(),
            key: ApiKey::new("k"),
            act_as: None,
            timeout: Duration::from_secs(1),
        })
        .unwrap();
        let url = redmine.url("issues.json", &[("any_searchable", "~a&b c".into())]);
        assert_eq!(
            url.as_str(),
            "https://example.org/redmine/issues.json?any_searchable=%7Ea%26b+c"
        );
        assert_eq!(
            redmine.ticket_url(TicketId::new(7).unwrap()),
            "https://example.org/redmine/issues/7"
        );
    }

    #[test]
    fn a_url_that_is_not_http_is_refused() {
        for url in ["redmine.example.org", "ftp://x.org", ""] {
            let error = Redmine::new(RedmineConfig {
                url: url.into(),
                key: ApiKey::new("k"),
                act_as: None,
                timeout: Duration::from_secs(1),
            })
            .unwrap_err();
            assert!(error.to_string().starts_with("REDMINE_URL"), "{error}");
        }
    }

    #[test]
    fn equally_good_matches_of_different_people_are_ambiguous() {
        let alice = |id| {
            Candidate::user(User {
                id,
                login: None,
                name: format!("Alice {id}"),
            })
        };
        let error = best_match("alice", vec![alice(1), alice(2)]).unwrap_err();
        assert!(matches!(error, TrackerError::Ambiguous { .. }), "{error}");
        let one = best_match("alice", vec![alice(1), alice(1)]).unwrap();
        assert_eq!(one.map(|person| person.id()), Some(1));
    }
}
