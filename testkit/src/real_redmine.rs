//! A real Redmine for contract tests: found through `REDMINE_CONTRACT_URL` and
//! `REDMINE_CONTRACT_ADMIN_KEY` (set by `scripts/redmine/start.sh`), seeded through its REST API.
//!
//! Seeding happens once per test process, on its own thread and runtime, with names unique
//! to the run so that reruns against the same server do not collide.

use std::sync::OnceLock;
use std::time::Duration;

use serde_json::{json, Value};

/// Tickets assigned to the busy member: more than one page of 100.
pub const BUSY_TICKETS: u64 = 105;

/// What the seeding created.
#[derive(Debug, Clone)]
pub struct Seed {
    /// The server's base URL.
    pub url: String,
    /// The admin API key (acting as members through `X-Redmine-Switch-User`).
    pub admin_key: String,
    /// A run suffix that makes this run's names unique.
    pub run: String,
    /// Login of a member with [`BUSY_TICKETS`] open tickets.
    pub busy_login: String,
    /// Login of a member of the team.
    pub crew_login: String,
    /// Full name of the team member.
    pub crew_name: String,
    /// The team (Redmine group) name.
    pub team_name: String,
    /// The team's id.
    pub team_id: u64,
    /// A ticket assigned to the team.
    pub team_ticket: u64,
    /// A ticket with a unique word in its description, for search.
    pub searchable_ticket: u64,
    /// The unique word.
    pub search_word: String,
    /// A spare unassigned ticket to change.
    pub spare_ticket: u64,
    /// The busy member's own API key, when the server shows it to the admin.
    pub busy_key: Option<String>,
}

/// The seeded real Redmine, or `None` when no server is configured (never under `CI=true`).
///
/// # Panics
/// Under `CI=true` when the server is not configured, and whenever seeding fails.
pub fn seeded() -> Option<&'static Seed> {
    static SEED: OnceLock<Result<Seed, String>> = OnceLock::new();
    crate::seed_once(
        &SEED,
        "Redmine",
        "scripts/redmine/start.sh",
        &["REDMINE_CONTRACT_URL", "REDMINE_CONTRACT_ADMIN_KEY"],
        |mut values| async move {
            let admin_key = values.pop().unwrap_or_default();
            let url = values.pop().unwrap_or_default();
            seed(url, admin_key).await
        },
    )
}

struct Admin {
    http: reqwest::Client,
    url: String,
    key: String,
    /// `X-Redmine-Switch-User`, when acting as a member.
    act_as: Option<String>,
}

impl Admin {
    /// One request, retried twice on a 5xx: Redmine on SQLite answers 500 "database is
    /// locked" now and then under the seeding's write load.
    async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> Result<Value, String> {
        let mut attempt = 0;
        loop {
            attempt += 1;
            match self.call_once(method.clone(), path, body.clone()).await {
                Err((status, _)) if status >= 500 && attempt < 3 => {
                    tokio::time::sleep(Duration::from_millis(300)).await;
                }
                result => return result.map_err(|(_, message)| message),
            }
        }
    }

    async fn call_once(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> Result<Value, (u16, String)> {
        let mut request = self
            .http
            .request(method.clone(), format!("{}/{path}", self.url))
            .header("X-Redmine-API-Key", &self.key);
        if let Some(login) = &self.act_as {
            request = request.header("X-Redmine-Switch-User", login);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request
            .send()
            .await
            .map_err(|error| (0, format!("{method} {path}: {error}")))?;
        let status = response.status();
        let text = response
            .text()
            .await
            .map_err(|error| (0, error.to_string()))?;
        if !status.is_success() {
            return Err((
                status.as_u16(),
                format!("{method} {path}: HTTP {status}: {text}"),
            ));
        }
        if text.trim().is_empty() {
            return Ok(Value::Null);
        }
        serde_json::from_str(&text).map_err(|error| (0, format!("{method} {path}: {error}")))
    }

    /// The server's custom fields: the one reading of `custom_fields.json` in the seeding.
    async fn custom_fields(&self) -> Result<Value, String> {
        self.get("custom_fields.json").await
    }

    async fn get(&self, path: &str) -> Result<Value, String> {
        self.call(reqwest::Method::GET, path, None).await
    }

    async fn post(&self, path: &str, body: Value) -> Result<Value, String> {
        self.call(reqwest::Method::POST, path, Some(body)).await
    }

    async fn create_user(&self, login: &str, first: &str, last: &str) -> Result<u64, String> {
        let created = self
            .post(
                "users.json",
                json!({ "user": {
                    "login": login, "firstname": first, "lastname": last,
                    "mail": format!("{login}@example.org"), "password": "contract-pass-123"
                }}),
            )
            .await?;
        created["user"]["id"]
            .as_u64()
            .ok_or_else(|| format!("no id for user {login}"))
    }

    async fn create_issue(
        &self,
        project: u64,
        subject: &str,
        description: &str,
        assignee: Option<u64>,
    ) -> Result<u64, String> {
        let mut issue =
            json!({ "project_id": project, "subject": subject, "description": description });
        if let Some(assignee) = assignee {
            issue["assigned_to_id"] = json!(assignee);
        }
        let created = self.post("issues.json", json!({ "issue": issue })).await?;
        created["issue"]["id"]
            .as_u64()
            .ok_or_else(|| format!("no id for issue {subject}"))
    }
}

impl Admin {
    /// A private project with every tracker and the issue tracking module, and the role its
    /// members get (Developer, else the first).
    async fn project_and_role(&self, name: &str, identifier: &str) -> Result<(u64, u64), String> {
        let trackers = self.get("trackers.json").await?;
        let tracker_ids: Vec<u64> = trackers["trackers"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|tracker| tracker["id"].as_u64())
            .collect();
        let role = first_id(&self.get("roles.json").await?, "roles", "Developer")
            .ok_or("the server has no roles: load Redmine's default data")?;
        let project = self
            .post(
                "projects.json",
                json!({ "project": {
                    "name": name, "identifier": identifier,
                    "is_public": false, "tracker_ids": tracker_ids,
                    "enabled_module_names": ["issue_tracking"]
                }}),
            )
            .await?["project"]["id"]
            .as_u64()
            .ok_or("no project id")?;
        Ok((project, role))
    }
}

fn first_id(list: &Value, key: &str, preferred: &str) -> Option<u64> {
    let items = list[key].as_array()?;
    items
        .iter()
        .find(|item| item["name"] == json!(preferred))
        .or_else(|| items.first())
        .and_then(|item| item["id"].as_u64())
}

async fn seed(url: String, admin_key: String) -> Result<Seed, String> {
    let admin = Admin {
        http: reqwest::Client::builder()
            .timeout(Duration::from_secs(60))
            .build()
            .map_err(|error| error.to_string())?,
        url: url.trim_end_matches('/').to_owned(),
        key: admin_key.clone(),
        act_as: None,
    };
    let run = crate::run_suffix();
    let (project, role) = admin
        .project_and_role(&format!("Contract {run}"), &format!("contract-{run}"))
        .await?;
    let busy_login = format!("busy{run}");
    let crew_login = format!("crew{run}");
    let busy = admin
        .create_user(&busy_login, "Busy", &format!("Member{run}"))
        .await?;
    let crew_first = format!("Crewmate{run}");
    let crew = admin
        .create_user(&crew_login, &crew_first, "Person")
        .await?;
    let team_name = format!("Crew {run}");
    let team_id = admin
        .post(
            "groups.json",
            json!({ "group": { "name": team_name, "user_ids": [crew] } }),
        )
        .await?["group"]["id"]
        .as_u64()
        .ok_or("no group id")?;
    for member in [busy, crew, team_id] {
        admin
            .post(
                &format!("projects/{project}/memberships.json"),
                json!({ "membership": { "user_id": member, "role_ids": [role] } }),
            )
            .await?;
    }
    // Sequential on purpose: Redmine on sqlite serialises writes anyway.
    for n in 0..BUSY_TICKETS {
        admin
            .create_issue(
                project,
                &format!("Busy ticket {n} of run {run}"),
                "",
                Some(busy),
            )
            .await?;
    }
    let team_ticket = admin
        .create_issue(
            project,
            &format!("Team ticket of run {run}"),
            "For the crew.",
            Some(team_id),
        )
        .await?;
    let search_word = format!("zebracable{run}");
    let searchable_ticket = admin
        .create_issue(
            project,
            "Cable inventory",
            &format!("Find the {search_word} in the shed."),
            None,
        )
        .await?;
    let spare_ticket = admin
        .create_issue(
            project,
            &format!("Spare ticket of run {run}"),
            "To be changed.",
            None,
        )
        .await?;
    let busy_key = admin.get(&format!("users/{busy}.json")).await?["user"]["api_key"]
        .as_str()
        .map(str::to_owned);
    Ok(Seed {
        url,
        admin_key,
        run,
        busy_login,
        crew_login,
        crew_name: format!("{crew_first} Person"),
        team_name,
        team_id,
        team_ticket,
        searchable_ticket,
        search_word,
        spare_ticket,
        busy_key,
    })
}

/// What the threader's contract test works with: a project, a member whose Discord id is
/// linked (the "Discord ID" user field), and a member without one, all unique to the run.
#[derive(Debug, Clone)]
pub struct ThreaderSeed {
    /// The server's base URL.
    pub url: String,
    /// The admin API key (the threader's key).
    pub admin_key: String,
    /// A run suffix that makes this run's names unique.
    pub run: String,
    /// The project the tickets go into.
    pub project: u64,
    /// Login of the member linked to [`Self::linked_discord_id`].
    pub linked_login: String,
    /// Full name of the linked member.
    pub linked_name: String,
    /// The linked member's Discord id (unique to the run).
    pub linked_discord_id: u64,
    /// Login of a member with no Discord link.
    pub other_login: String,
    /// Full name of that member.
    pub other_name: String,
}

/// The real Redmine seeded for the threader, or `None` when no server is configured (never
/// under `CI=true`). Needs the issue fields "Discord thread" and "Discord sync" and the user
/// field "Discord ID" that `scripts/redmine/configure.rb` creates.
///
/// # Panics
/// Under `CI=true` when the server is not configured, and whenever seeding fails.
pub fn threader_seeded() -> Option<&'static ThreaderSeed> {
    static SEED: OnceLock<Result<ThreaderSeed, String>> = OnceLock::new();
    crate::seed_once(
        &SEED,
        "Redmine",
        "scripts/redmine/start.sh",
        &["REDMINE_CONTRACT_URL", "REDMINE_CONTRACT_ADMIN_KEY"],
        |mut values| async move {
            let admin_key = values.pop().unwrap_or_default();
            let url = values.pop().unwrap_or_default();
            seed_threader(url, admin_key).await
        },
    )
}

async fn seed_threader(url: String, admin_key: String) -> Result<ThreaderSeed, String> {
    let admin = RealRedmine::new(&url, &admin_key)?;
    let admin = &admin.0;
    let run = crate::run_suffix();
    let fields = admin.custom_fields().await?;
    let field = |kind: &str, name: &str| {
        custom_field_id(&fields, kind, name)
            .map_err(|error| format!("{error}: run scripts/redmine/start.sh again"))
    };
    let discord_field = field("user", "Discord ID")?;
    field("issue", "Discord thread")?;
    field("issue", "Discord sync")?;
    let (project, role) = admin
        .project_and_role(&format!("Threader {run}"), &format!("threader-{run}"))
        .await?;
    // 18 digits, unique to the run (the suffix has at most 8).
    let linked_discord_id: u64 = format!("7{run:0>17}")
        .parse()
        .map_err(|error| format!("discord id: {error}"))?;
    let linked_login = format!("linked{run}");
    let linked = admin
        .post(
            "users.json",
            json!({ "user": {
                "login": linked_login, "firstname": "Linked", "lastname": format!("Member{run}"),
                "mail": format!("{linked_login}@example.org"), "password": "contract-pass-123",
                "custom_fields": [{ "id": discord_field, "value": linked_discord_id.to_string() }]
            }}),
        )
        .await?["user"]["id"]
        .as_u64()
        .ok_or("no id for the linked member")?;
    let other_login = format!("other{run}");
    let other = admin
        .create_user(&other_login, "Other", &format!("Member{run}"))
        .await?;
    for member in [linked, other] {
        admin
            .post(
                &format!("projects/{project}/memberships.json"),
                json!({ "membership": { "user_id": member, "role_ids": [role] } }),
            )
            .await?;
    }
    Ok(ThreaderSeed {
        url,
        admin_key,
        linked_name: format!("Linked Member{run}"),
        other_name: format!("Other Member{run}"),
        run,
        project,
        linked_login,
        linked_discord_id,
        other_login,
    })
}

/// The id of the custom field of `kind` (`user`, `issue`) named `name`, in the answer of
/// `GET /custom_fields.json`.
fn custom_field_id(fields: &Value, kind: &str, name: &str) -> Result<u64, String> {
    fields["custom_fields"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|field| field["customized_type"] == kind && field["name"] == name)
        .and_then(|field| field["id"].as_u64())
        .ok_or_else(|| format!("no {kind} custom field '{name}'"))
}

/// A client for arranging and checking things on the real Redmine as its admin, or as a
/// member through `X-Redmine-Switch-User`, the way a person would in the web UI.
pub struct RealRedmine(Admin);

impl RealRedmine {
    /// A client with the admin key.
    ///
    /// # Errors
    /// When the HTTP client cannot be built.
    pub fn new(url: &str, admin_key: &str) -> Result<Self, String> {
        Ok(Self(Admin {
            http: reqwest::Client::builder()
                .timeout(Duration::from_secs(60))
                .build()
                .map_err(|error| error.to_string())?,
            url: url.trim_end_matches('/').to_owned(),
            key: admin_key.to_owned(),
            act_as: None,
        }))
    }

    /// The same client acting as `login`.
    #[must_use]
    pub fn acting_as(&self, login: &str) -> Self {
        Self(Admin {
            http: self.0.http.clone(),
            url: self.0.url.clone(),
            key: self.0.key.clone(),
            act_as: Some(login.to_owned()),
        })
    }

    /// Opens a ticket in `project`, with the "Discord thread" field set to `thread`.
    ///
    /// # Errors
    /// When Redmine refuses.
    pub async fn open_ticket(
        &self,
        project: u64,
        subject: &str,
        description: &str,
        thread: Option<&str>,
    ) -> Result<u64, String> {
        let fields = self.0.custom_fields().await?;
        let thread_field = custom_field_id(&fields, "issue", "Discord thread")?;
        let mut issue =
            json!({ "project_id": project, "subject": subject, "description": description });
        if let Some(value) = thread {
            issue["custom_fields"] = json!([{ "id": thread_field, "value": value }]);
        }
        let created = self
            .0
            .post("issues.json", json!({ "issue": issue }))
            .await?;
        created["issue"]["id"]
            .as_u64()
            .ok_or_else(|| format!("no id for issue {subject}"))
    }

    /// Changes a ticket: `changes` is the body of `PUT /issues/N.json`'s `issue`.
    ///
    /// # Errors
    /// When Redmine refuses.
    pub async fn change(&self, ticket: u64, changes: Value) -> Result<(), String> {
        self.0
            .call(
                reqwest::Method::PUT,
                &format!("issues/{ticket}.json"),
                Some(json!({ "issue": changes })),
            )
            .await
            .map(drop)
    }

    /// Edits a journal's note as the web UI does (`PUT /journals/N.json`); an empty note on a
    /// journal without other changes deletes the journal.
    ///
    /// # Errors
    /// When Redmine refuses.
    pub async fn edit_journal(&self, journal: u64, notes: &str) -> Result<(), String> {
        self.0
            .call(
                reqwest::Method::PUT,
                &format!("journals/{journal}.json"),
                Some(json!({ "journal": { "notes": notes } })),
            )
            .await
            .map(drop)
    }

    /// A ticket with its journals and files, as Redmine's JSON.
    ///
    /// # Errors
    /// When Redmine refuses.
    pub async fn issue(&self, ticket: u64) -> Result<Value, String> {
        Ok(self
            .0
            .get(&format!(
                "issues/{ticket}.json?include=attachments,journals"
            ))
            .await?["issue"]
            .clone())
    }

    /// Uploads a file as the acting user, the way the web UI does before a note attaches it;
    /// returns its token.
    ///
    /// # Errors
    /// When Redmine refuses.
    pub async fn upload(&self, name: &str, kind: &str, bytes: &[u8]) -> Result<String, String> {
        let mut request = self
            .0
            .http
            .post(format!("{}/uploads.json", self.0.url))
            .query(&[("filename", name), ("content_type", kind)])
            .header("X-Redmine-API-Key", &self.0.key)
            .header("Content-Type", "application/octet-stream")
            .body(bytes.to_vec());
        if let Some(login) = &self.0.act_as {
            request = request.header("X-Redmine-Switch-User", login);
        }
        let answer: Value = request
            .send()
            .await
            .map_err(|error| format!("upload {name}: {error}"))?
            .error_for_status()
            .map_err(|error| format!("upload {name}: {error}"))?
            .json()
            .await
            .map_err(|error| format!("upload {name}: {error}"))?;
        answer["upload"]["token"]
            .as_str()
            .map(str::to_owned)
            .ok_or_else(|| format!("upload {name}: no token in {answer}"))
    }

    /// A file's bytes, by its id.
    ///
    /// # Errors
    /// When Redmine refuses.
    pub async fn attachment_bytes(&self, id: u64) -> Result<Vec<u8>, String> {
        let bytes = self
            .0
            .http
            .get(format!("{}/attachments/download/{id}", self.0.url))
            .header("X-Redmine-API-Key", &self.0.key)
            .send()
            .await
            .map_err(|error| format!("attachment {id}: {error}"))?
            .error_for_status()
            .map_err(|error| format!("attachment {id}: {error}"))?
            .bytes()
            .await
            .map_err(|error| format!("attachment {id}: {error}"))?;
        Ok(bytes.to_vec())
    }
}
