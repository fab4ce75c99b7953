//! The fake Redmine: a small stateful Redmine built from a few recordings, for the demos
//! (served by [`crate::server`]) and the end-to-end tests (served by `testkit` on wiremock).

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use crate::fixture;
use crate::server::{Fake as Serve, Request, Response, Server};
use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{json, Value};

/// The recorded ticket with a description and several notes.
pub const NOTED_TICKET: u64 = 42;

/// The key the demos give the fake (it accepts any key; the owner is chosen at start).
pub const DEMO_ADMIN_KEY: &str = "demo-admin-key";

/// A Redmine error answer: `status` with Redmine's `{"errors": [...]}` body.
#[must_use]
pub fn error(status: u16, errors: &[&str]) -> Response {
    Response::json(status, json!({ "errors": errors }))
}

/// The fake's state: tickets by id, the people it knows, and whose key it is.
#[derive(Debug)]
struct State {
    issues: BTreeMap<u64, Value>,
    /// `/users/current.json` bodies by login: alice, bob, and the admin.
    accounts: BTreeMap<String, Value>,
    /// The admin's `/users.json` listing, with the user custom fields `PUT /users/N` changes.
    users: Vec<Value>,
    /// Whose key the fake was started with: "alice" (a member) or "admin".
    key_owner: String,
    statuses: Vec<Value>,
    people: BTreeMap<u64, String>,
    /// Group id → ids of its users.
    groups: BTreeMap<u64, Vec<u64>>,
    /// The custom field definitions: the recorded user field plus the threader's two issue
    /// fields.
    custom_fields: Value,
    /// One journal id sequence across all tickets, as in Redmine.
    next_journal: u64,
    /// The fake's clock, set by the test (it starts at 2026-11-27T12:00:00Z, the instant the
    /// end-to-end tests compute ages from): `created_on`, `updated_on` and journal times.
    now: DateTime<Utc>,
    /// Write requests (POST, PUT, DELETE) counted from when a failure was armed, and which
    /// one fails with which status.
    writes_seen: u64,
    fail_write: Option<(u64, u16)>,
    /// Logins whose role may not add notes: a change with notes made as them answers 403.
    no_notes: std::collections::BTreeSet<String>,
    /// Logins whose role lacks "Edit own notes" (`edit_own_issue_notes`): editing their own
    /// note with `PUT /journals/N.json` answers 403. Everyone else has it.
    no_edit_own_notes: std::collections::BTreeSet<String>,
    /// Logins whose role has "Edit notes" (`edit_issue_notes`): they may edit anyone's note.
    /// Nobody but the admin has it unless a test grants it.
    edit_notes: std::collections::BTreeSet<String>,
    /// The roles `/roles.json` and `/roles/N.json` answer: `{id, name, assignable,
    /// permissions}`, as Redmine's default roles but Developer may edit its own notes.
    roles: Vec<Value>,
    /// Every file uploaded, attached or not, by id (one id sequence, as Redmine's).
    files: BTreeMap<u64, StoredFile>,
    /// Redmine's attachment size limit (Administration » Settings » Files), in bytes.
    attachment_limit: usize,
    /// The time-entry activities, as `/enumerations/time_entry_activities.json` lists them.
    activities: Vec<Value>,
    /// Time logged with `POST /time_entries.json`, oldest first.
    time_entries: Vec<Value>,
}

/// A file uploaded to the fake: who uploaded it, its name, media type and bytes, and the
/// issue it was attached to, if any.
#[derive(Debug, Clone)]
struct StoredFile {
    token: String,
    author: u64,
    name: String,
    content_type: String,
    bytes: Vec<u8>,
    issue: Option<u64>,
}

/// Redmine 5's default attachment size limit: 5120 KB.
pub const DEFAULT_ATTACHMENT_LIMIT: usize = 5120 * 1024;

/// The id of the issue custom field "Discord thread" in the fake.
pub const THREAD_FIELD_ID: u64 = 2;
/// The id of the issue custom field "Discord sync" in the fake.
pub const SYNC_FIELD_ID: u64 = 3;

impl State {
    fn from_fixtures() -> Self {
        let mut issues: BTreeMap<u64, Value> = fixture("redmine/issues__open_all.json")["issues"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|issue| Some((issue["id"].as_u64()?, issue.clone())))
            .collect();
        let noted = fixture(&format!("redmine/issue__{NOTED_TICKET}.json"))["issue"].clone();
        issues.insert(NOTED_TICKET, noted);
        let memberships = fixture("redmine/projects__netops__memberships.json");
        let people = memberships["memberships"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|member| {
                let who = if member["user"].is_object() {
                    &member["user"]
                } else {
                    &member["group"]
                };
                Some((who["id"].as_u64()?, who["name"].as_str()?.to_owned()))
            })
            .collect();
        let mut admin = fixture("redmine/users__list_with_discord.json")["users"][0].clone();
        admin["admin"] = json!(true);
        let accounts = [
            fixture("redmine/users__current.json")["user"].clone(),
            fixture("redmine/users__current_bob.json")["user"].clone(),
            admin,
        ]
        .into_iter()
        .filter_map(|user| Some((user["login"].as_str()?.to_owned(), user)))
        .collect();
        let field_team = fixture("redmine/groups__7.json")["group"].clone();
        let groups = field_team["id"]
            .as_u64()
            .map(|id| {
                let users = field_team["users"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|user| user["id"].as_u64())
                    .collect();
                (id, users)
            })
            .into_iter()
            .collect();
        let mut custom_fields = fixture("redmine/custom_fields.json");
        if let Some(fields) = custom_fields["custom_fields"].as_array_mut() {
            for (id, name) in [
                (THREAD_FIELD_ID, "Discord thread"),
                (SYNC_FIELD_ID, "Discord sync"),
            ] {
                fields.push(json!({
                    "id": id, "name": name, "customized_type": "issue", "field_format": "string",
                    "is_required": false, "is_filter": true, "multiple": false,
                    "visible": id == THREAD_FIELD_ID
                }));
            }
        }
        let next_journal = issues
            .values()
            .flat_map(|issue| issue["journals"].as_array().cloned().unwrap_or_default())
            .filter_map(|journal| journal["id"].as_u64())
            .max()
            .unwrap_or(0)
            + 1;
        Self {
            issues,
            accounts,
            users: fixture("redmine/users__list_with_discord.json")["users"]
                .as_array()
                .cloned()
                .unwrap_or_default(),
            custom_fields,
            next_journal,
            now: DateTime::parse_from_rfc3339("2026-11-27T12:00:00Z")
                .map(|time| time.with_timezone(&Utc))
                .unwrap_or_default(),
            writes_seen: 0,
            fail_write: None,
            no_notes: std::collections::BTreeSet::new(),
            no_edit_own_notes: std::collections::BTreeSet::new(),
            edit_notes: std::collections::BTreeSet::new(),
            roles: default_roles(),
            files: BTreeMap::new(),
            attachment_limit: DEFAULT_ATTACHMENT_LIMIT,
            activities: fixture("redmine/enumerations__time_entry_activities.json")
                ["time_entry_activities"]
                .as_array()
                .cloned()
                .unwrap_or_default(),
            time_entries: Vec::new(),
            key_owner: String::from("alice"),
            groups,
            statuses: fixture("redmine/issue_statuses.json")["issue_statuses"]
                .as_array()
                .cloned()
                .unwrap_or_default(),
            people,
        }
    }

    fn is_open(&self, issue: &Value) -> bool {
        let status = issue["status"]["id"].as_u64();
        !self
            .statuses
            .iter()
            .any(|known| known["id"].as_u64() == status && known["is_closed"] == json!(true))
    }

    /// Ids that `assigned_to_id=me` covers: me and my groups (Redmine 5 includes them).
    fn my_ids(&self, me: &Value) -> Vec<u64> {
        let Some(my_id) = me["id"].as_u64() else {
            return Vec::new();
        };
        let mut ids = vec![my_id];
        ids.extend(
            self.groups
                .iter()
                .filter(|(_, users)| users.contains(&my_id))
                .map(|(group, _)| *group),
        );
        ids
    }

    fn list(&self, me: &Value, query: &BTreeMap<String, String>) -> Value {
        let assignees: Option<Vec<u64>> = query.get("assigned_to_id").map(|value| {
            if value == "me" {
                self.my_ids(me)
            } else {
                value.split(',').filter_map(|id| id.parse().ok()).collect()
            }
        });
        let ids: Option<Vec<u64>> = query
            .get("issue_id")
            .map(|value| value.split(',').filter_map(|id| id.parse().ok()).collect());
        let matching: Vec<&Value> = self
            .issues
            .values()
            .rev()
            .filter(|issue| {
                // As Redmine 5.0.4: no `status_id` means open tickets only; `*` all of them.
                match query.get("status_id").map(String::as_str) {
                    None | Some("open" | "o") => self.is_open(issue),
                    Some("closed" | "c") => !self.is_open(issue),
                    Some("*") => true,
                    Some(id) => {
                        issue["status"]["id"].as_u64().map(|id| id.to_string())
                            == Some(id.to_owned())
                    }
                }
            })
            .filter(|issue| {
                // `cf_N=*`: the custom field has a value.
                query
                    .keys()
                    .filter_map(|name| name.strip_prefix("cf_")?.parse::<u64>().ok())
                    .all(|field| custom_value(issue, field).is_some())
            })
            .filter(|issue| {
                // `last_updated_by=!me`: the newest journal is not mine (or there is none).
                query.get("last_updated_by").map(String::as_str) != Some("!me")
                    || issue["journals"]
                        .as_array()
                        .and_then(|journals| journals.last())
                        .is_none_or(|last| last["user"]["id"] != me["id"])
            })
            .filter(|issue| {
                assignees.as_ref().is_none_or(|ids| {
                    issue["assigned_to"]["id"]
                        .as_u64()
                        .is_some_and(|id| ids.contains(&id))
                })
            })
            .filter(|issue| {
                // Saved queries filter by these ids too.
                ["priority", "tracker", "project"].iter().all(|field| {
                    query.get(&format!("{field}_id")).is_none_or(|wanted| {
                        // Several values are separated by `|`, as Redmine reads them.
                        let id = issue[*field]["id"].as_u64().map(|id| id.to_string());
                        wanted.split('|').any(|one| id.as_deref() == Some(one))
                    })
                })
            })
            .filter(|issue| self.in_group_or_created_since(issue, query))
            .filter(|issue| {
                ids.as_ref()
                    .is_none_or(|ids| issue["id"].as_u64().is_some_and(|id| ids.contains(&id)))
            })
            .collect();
        let (offset, limit) = paging(query);
        let page: Vec<Value> = matching
            .iter()
            .skip(offset)
            .take(limit)
            .map(|issue| {
                let mut issue = (*issue).clone();
                if let Some(fields) = issue.as_object_mut() {
                    fields.remove("journals");
                }
                issue
            })
            .collect();
        json!({ "issues": page, "total_count": matching.len(), "offset": offset, "limit": limit })
    }

    /// Issue 17's listing filters, as Redmine 5 reads them: `member_of_group=G` (the
    /// assignee is group G or one of its users), `created_on=>=TIME` (created at or after
    /// an ISO 8601 time) and `updated_on=<=TIME` (last updated at or before).
    fn in_group_or_created_since(&self, issue: &Value, query: &BTreeMap<String, String>) -> bool {
        let in_group = query.get("member_of_group").is_none_or(|group| {
            let Ok(group) = group.parse::<u64>() else {
                return false;
            };
            let members = self.groups.get(&group).cloned().unwrap_or_default();
            issue["assigned_to"]["id"]
                .as_u64()
                .is_some_and(|id| id == group || members.contains(&id))
        });
        let created_since = query.get("created_on").is_none_or(|filter| {
            let since = filter
                .strip_prefix(">=")
                .and_then(|time| DateTime::parse_from_rfc3339(time).ok());
            let created = issue["created_on"]
                .as_str()
                .and_then(|time| DateTime::parse_from_rfc3339(time).ok());
            matches!((since, created), (Some(since), Some(created)) if created >= since)
        });
        let updated_until = query.get("updated_on").is_none_or(|filter| {
            let until = filter
                .strip_prefix("<=")
                .and_then(|time| DateTime::parse_from_rfc3339(time).ok());
            let updated = issue["updated_on"]
                .as_str()
                .and_then(|time| DateTime::parse_from_rfc3339(time).ok());
            matches!((until, updated), (Some(until), Some(updated)) if updated <= until)
        });
        in_group && created_since && updated_until
    }

    /// `/users.json` (admin): the recorded users, filtered by `name` like Redmine does.
    fn users(&self, query: &BTreeMap<String, String>) -> Value {
        let name = query.get("name").map(|name| name.to_lowercase());
        let users: Vec<Value> = self
            .users
            .iter()
            .filter(|user| {
                name.as_ref().is_none_or(|name| {
                    ["login", "firstname", "lastname", "mail"]
                        .iter()
                        .any(|key| {
                            user[*key]
                                .as_str()
                                .unwrap_or_default()
                                .to_lowercase()
                                .contains(name)
                        })
                })
            })
            .cloned()
            .collect();
        json!({ "users": users, "total_count": users.len(), "offset": 0, "limit": 100 })
    }

    /// `PUT /users/N.json` (admin): the user's custom field values stick, as in Redmine.
    fn update_user(&mut self, id: u64, body: &Value) -> Response {
        let Some(user) = self
            .users
            .iter_mut()
            .find(|user| user["id"].as_u64() == Some(id))
        else {
            return Response::empty(404);
        };
        for change in body["user"]["custom_fields"]
            .as_array()
            .into_iter()
            .flatten()
        {
            let Some(field) = change["id"].as_u64() else {
                continue;
            };
            if let Some(fields) = user["custom_fields"].as_array_mut() {
                if let Some(known) = fields
                    .iter_mut()
                    .find(|known| known["id"].as_u64() == Some(field))
                {
                    known["value"] = change["value"].clone();
                }
            }
        }
        Response::empty(204)
    }

    /// `POST /issues.json`: a new ticket in the recorded project, authored by `me`.
    fn create(&mut self, me: &Value, body: &Value) -> Response {
        let subject = body["issue"]["subject"].as_str().unwrap_or_default();
        if subject.trim().is_empty() {
            return error(422, &["Subject cannot be blank"]);
        }
        let mut issue = fixture("redmine/issue__created.json")["issue"].clone();
        let id = self.issues.keys().max().copied().unwrap_or_default() + 1;
        issue["id"] = json!(id);
        issue["subject"] = json!(subject);
        issue["description"] = body["issue"]["description"].clone();
        issue["author"] = json!({ "id": me["id"], "name": full_name(me) });
        issue["created_on"] = json!(self.now.to_rfc3339_opts(SecondsFormat::Secs, true));
        issue["updated_on"] = issue["created_on"].clone();
        // Redmine lists every issue custom field of the ticket's tracker, `null` when unset.
        issue["custom_fields"] = json!([
            { "id": THREAD_FIELD_ID, "name": "Discord thread", "value": null },
            { "id": SYNC_FIELD_ID, "name": "Discord sync", "value": null },
        ]);
        self.issues.insert(id, issue.clone());
        Response::json(201, json!({ "issue": issue }))
    }

    /// `POST /issues/N/watchers.json` and `DELETE /issues/N/watchers/UID.json`: Redmine
    /// answers 404 for a ticket or a person it does not know, and 204 otherwise (adding a
    /// watcher twice, or removing one who is not there, changes nothing).
    fn watch(&mut self, id: u64, user: Option<u64>, watching: bool) -> Response {
        let Some(name) = user.and_then(|user| self.people.get(&user).cloned()) else {
            return Response::empty(404);
        };
        let Some(issue) = self.issues.get_mut(&id) else {
            return Response::empty(404);
        };
        if !issue["watchers"].is_array() {
            issue["watchers"] = json!([]);
        }
        if let Some(watchers) = issue["watchers"].as_array_mut() {
            watchers.retain(|watcher| watcher["id"].as_u64() != user);
            if watching {
                watchers.push(json!({ "id": user, "name": name }));
            }
        }
        Response::empty(204)
    }

    /// `/search.json`: open tickets with every word in the subject, description or notes.
    /// `POST /time_entries.json` as Redmine answers it: the issue must exist, hours be more
    /// than zero, and the activity be an active one, or the default one when none is given
    /// ("Activity cannot be blank" when there is no default).
    fn log_time(&mut self, me: &Value, body: &Value) -> Response {
        let entry = &body["time_entry"];
        let issue = entry["issue_id"]
            .as_u64()
            .filter(|id| self.issues.contains_key(id));
        let hours = entry["hours"].as_f64().filter(|hours| *hours > 0.0);
        let active = |activity: &&Value| activity["active"] != json!(false);
        let activity = match entry["activity_id"].as_u64() {
            Some(id) => self
                .activities
                .iter()
                .filter(active)
                .find(|activity| activity["id"].as_u64() == Some(id))
                .ok_or("Activity is not included in the list"),
            None => self
                .activities
                .iter()
                .filter(active)
                .find(|activity| activity["is_default"] == json!(true))
                .ok_or("Activity cannot be blank"),
        };
        let mut errors = Vec::new();
        if issue.is_none() {
            errors.push("Issue is invalid");
        }
        if hours.is_none() {
            errors.push("Hours is invalid");
        }
        if let Err(reason) = activity {
            errors.push(reason);
        }
        match (issue, hours, activity) {
            (Some(issue), Some(hours), Ok(activity)) => {
                let id = self.time_entries.len() + 1;
                let logged = json!({
                    "id": id,
                    "issue": { "id": issue },
                    "user": { "id": me["id"], "name": full_name(me) },
                    "activity": { "id": activity["id"], "name": activity["name"] },
                    "hours": hours,
                    "comments": entry["comments"].as_str().unwrap_or_default(),
                    "spent_on": self.now.date_naive().to_string(),
                });
                self.time_entries.push(logged.clone());
                Response::json(201, json!({ "time_entry": logged }))
            }
            _ => error(422, &errors),
        }
    }

    fn search(&self, query: &BTreeMap<String, String>) -> Value {
        let words: Vec<String> = query
            .get("q")
            .map(|text| text.split_whitespace().map(str::to_lowercase).collect())
            .unwrap_or_default();
        let hits: Vec<Value> = self
            .issues
            .values()
            .rev()
            .filter(|issue| self.is_open(issue))
            .filter(|issue| {
                let mut text = format!(
                    "{} {}",
                    issue["subject"].as_str().unwrap_or_default(),
                    issue["description"].as_str().unwrap_or_default()
                );
                for journal in issue["journals"].as_array().into_iter().flatten() {
                    text.push(' ');
                    text.push_str(journal["notes"].as_str().unwrap_or_default());
                }
                let text = text.to_lowercase();
                !words.is_empty() && words.iter().all(|word| text.contains(word))
            })
            .map(|issue| json!({ "id": issue["id"], "type": "issue", "title": issue["subject"] }))
            .collect();
        let (offset, limit) = paging(query);
        let page: Vec<&Value> = hits.iter().skip(offset).take(limit).collect();
        json!({ "results": page, "total_count": hits.len(), "offset": offset, "limit": limit })
    }

    /// `POST /uploads.json`: the body is the file (`application/octet-stream` only, else
    /// 406, as Redmine); over the attachment limit it answers 422 with Redmine's words.
    fn upload(&mut self, me: &Value, request: &Request) -> Response {
        if request.header("content-type") != Some("application/octet-stream") {
            return Response::empty(406);
        }
        if request.body.len() > self.attachment_limit {
            let limit = format!(
                "This file cannot be uploaded because it exceeds the maximum allowed file size ({})",
                self.attachment_limit
            );
            return error(422, &[limit.as_str()]);
        }
        let query = request.query();
        let name = query.get("filename").cloned().unwrap_or_default();
        let kind = query
            .get("content_type")
            .cloned()
            .unwrap_or_else(|| String::from("application/octet-stream"));
        let token = self.store_file(me, &name, &kind, &request.body, None);
        let id = token.split('.').next().unwrap_or_default().to_owned();
        Response::json(
            201,
            json!({ "upload": { "id": id.parse::<u64>().unwrap_or_default(), "token": token } }),
        )
    }

    /// Keeps a file (attached to `issue`, or an upload waiting to be), returns its token.
    fn store_file(
        &mut self,
        author: &Value,
        name: &str,
        kind: &str,
        bytes: &[u8],
        issue: Option<u64>,
    ) -> String {
        let id = self.files.keys().max().copied().unwrap_or(100) + 1;
        let token = format!("{id}.{:x}", bytes.len() * 7919 + 17);
        self.files.insert(
            id,
            StoredFile {
                token: token.clone(),
                author: author["id"].as_u64().unwrap_or_default(),
                name: name.to_owned(),
                content_type: kind.to_owned(),
                bytes: bytes.to_vec(),
                issue,
            },
        );
        token
    }

    /// The files of an issue as Redmine's `attachments` list, linked from `base`.
    fn attachments_of(&self, issue: u64, base: &str) -> Value {
        let base = base.trim_end_matches('/');
        self.files
            .iter()
            .filter(|(_, file)| file.issue == Some(issue))
            .map(|(id, file)| {
                json!({
                    "id": id, "filename": file.name, "filesize": file.bytes.len(),
                    "content_type": file.content_type, "description": "",
                    "content_url": format!("{base}/attachments/download/{id}/{}", file.name),
                    "author": { "id": file.author, "name": "" },
                    "created_on": self.now.to_rfc3339_opts(SecondsFormat::Secs, true),
                })
            })
            .collect()
    }

    /// Attaches the uploads a `PUT` names (by token, not yet attached) to issue `id`: the
    /// details of the journal that records them. An unknown token is skipped, as Redmine does;
    /// stricter than Redmine 5, an upload by another user is skipped too, so that a file
    /// uploaded as the wrong user shows in the tests.
    fn attach(&mut self, me: &Value, id: u64, uploads: &Value) -> Vec<Value> {
        let mut details = Vec::new();
        let author = me["id"].as_u64().unwrap_or_default();
        for upload in uploads.as_array().into_iter().flatten() {
            let token = upload["token"].as_str().unwrap_or_default();
            let found = self.files.iter_mut().find(|(_, file)| {
                file.token == token && file.author == author && file.issue.is_none()
            });
            if let Some((file_id, file)) = found {
                file.issue = Some(id);
                if let Some(name) = upload["filename"].as_str() {
                    name.clone_into(&mut file.name);
                }
                if let Some(content_type) = upload["content_type"].as_str() {
                    content_type.clone_into(&mut file.content_type);
                }
                details.push(json!({
                    "property": "attachment", "name": file_id.to_string(),
                    "old_value": null, "new_value": file.name
                }));
            }
        }
        details
    }

    fn update(&mut self, me: &Value, id: u64, body: &Value) -> Result<(), Response> {
        if !self.issues.contains_key(&id) {
            return Err(Response::empty(404));
        }
        let attached = self.attach(me, id, &body["issue"]["uploads"]);
        let changes = &body["issue"];
        let assignee = match &changes["assigned_to_id"] {
            Value::Null => None,
            Value::String(text) if text.is_empty() => Some(None),
            value => {
                let who = value
                    .as_u64()
                    .or_else(|| value.as_str().and_then(|text| text.parse().ok()));
                match who.and_then(|who| Some((who, self.people.get(&who)?.clone()))) {
                    Some((who, name)) => Some(Some(json!({ "id": who, "name": name }))),
                    None => return Err(error(422, &["Assignee is invalid"])),
                }
            }
        };
        let status = match changes["status_id"].as_u64() {
            None => None,
            Some(wanted) => match self
                .statuses
                .iter()
                .find(|s| s["id"].as_u64() == Some(wanted))
            {
                Some(found) => Some(json!({ "id": wanted, "name": found["name"] })),
                None => return Err(error(422, &["Status is invalid"])),
            },
        };
        let priority = match changes.get("priority_id") {
            None => None,
            Some(wanted) => match named_in(&priorities(), wanted) {
                Some(found) => Some(found),
                None => return Err(error(422, &["Priority cannot be blank"])),
            },
        };
        let tracker = match changes.get("tracker_id") {
            None => None,
            Some(wanted) => match named_in(&trackers(), wanted) {
                Some(found) => Some(found),
                None => return Err(error(422, &["Tracker is not included in the list"])),
            },
        };
        let subject = changes["subject"].as_str().map(str::trim);
        if subject.is_some_and(str::is_empty) {
            return Err(error(422, &["Subject cannot be blank"]));
        }
        let description = changes["description"].as_str();
        // `parent_issue_id`: a ticket number sets it, an empty string (or null) clears it.
        let parent = match changes.get("parent_issue_id") {
            None => None,
            Some(Value::Null) => Some(None),
            Some(Value::String(text)) if text.is_empty() => Some(None),
            Some(wanted) => {
                let wanted = wanted
                    .as_u64()
                    .or_else(|| wanted.as_str().and_then(|text| text.parse().ok()));
                match wanted.filter(|parent| *parent != id && self.issues.contains_key(parent)) {
                    Some(parent) => Some(Some(parent)),
                    None => return Err(error(422, &["Parent task is invalid"])),
                }
            }
        };
        // `due_date`: YYYY-MM-DD sets it, an empty string (or null) clears it; as in Redmine,
        // it may not be before the start date.
        let due = match changes.get("due_date") {
            None => None,
            Some(Value::Null) => Some(None),
            Some(Value::String(text)) if text.is_empty() => Some(None),
            Some(wanted) => {
                let Some(day) = wanted
                    .as_str()
                    .and_then(|text| chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").ok())
                else {
                    return Err(error(422, &["Due date is not a valid date"]));
                };
                let start = self
                    .issues
                    .get(&id)
                    .and_then(|issue| issue["start_date"].as_str())
                    .and_then(|text| chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").ok());
                if start.is_some_and(|start| day < start) {
                    return Err(error(422, &["Due date must be greater than start date"]));
                }
                Some(Some(day.format("%Y-%m-%d").to_string()))
            }
        };
        let me = json!({ "id": me["id"], "name": full_name(me) });
        let custom: Vec<(u64, String)> = changes["custom_fields"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|field| {
                let value = match &field["value"] {
                    Value::String(text) => text.clone(),
                    Value::Null => String::new(),
                    other => other.to_string(),
                };
                Some((field["id"].as_u64()?, value))
            })
            .collect();
        // Redmine 5.0.4 ignores values of fields it does not know (204, nothing changes).
        let known = |field: u64| {
            self.custom_fields["custom_fields"]
                .as_array()
                .into_iter()
                .flatten()
                .any(|known| {
                    known["id"].as_u64() == Some(field) && known["customized_type"] == "issue"
                })
        };
        let custom: Vec<(u64, String)> = custom
            .into_iter()
            .filter(|(field, _)| known(*field))
            .collect();
        let now = json!(self.now.to_rfc3339_opts(SecondsFormat::Secs, true));
        let journal_id = self.next_journal;
        let Some(issue) = self.issues.get_mut(&id) else {
            return Err(Response::empty(404));
        };
        let mut details = attached;
        let attr = |name: &str, old: &Value, new: &Value| {
            let text = |value: &Value| value["id"].as_u64().map(|id| id.to_string());
            json!({ "property": "attr", "name": name, "old_value": text(old), "new_value": text(new) })
        };
        match assignee {
            Some(Some(who)) => {
                if issue["assigned_to"]["id"] != who["id"] {
                    details.push(attr("assigned_to_id", &issue["assigned_to"], &who));
                }
                issue["assigned_to"] = who;
            }
            Some(None) => {
                if let Some(fields) = issue.as_object_mut() {
                    if let Some(old) = fields.remove("assigned_to") {
                        details.push(attr("assigned_to_id", &old, &Value::Null));
                    }
                }
            }
            None => {}
        }
        if let Some(status) = status {
            if issue["status"]["id"] != status["id"] {
                details.push(attr("status_id", &issue["status"], &status));
            }
            issue["status"] = status;
        }
        for (name, value) in [("priority", priority), ("tracker", tracker)] {
            if let Some(value) = value {
                if issue[name]["id"] != value["id"] {
                    details.push(attr(&format!("{name}_id"), &issue[name], &value));
                }
                issue[name] = value;
            }
        }
        for (name, value) in [("subject", subject), ("description", description)] {
            if let Some(value) = value {
                if issue[name].as_str() != Some(value) {
                    details.push(json!({
                        "property": "attr", "name": name,
                        "old_value": issue[name], "new_value": value
                    }));
                    issue[name] = json!(value);
                }
            }
        }
        if let Some(due) = due {
            let old = issue["due_date"].as_str().map(str::to_owned);
            if old != due {
                details.push(json!({
                    "property": "attr", "name": "due_date", "old_value": old, "new_value": due
                }));
                issue["due_date"] = json!(due);
            }
        }
        if let Some(parent) = parent {
            let old = issue["parent"]["id"].as_u64();
            if old != parent {
                details.push(json!({
                    "property": "attr", "name": "parent_id",
                    "old_value": old.map(|id| id.to_string()),
                    "new_value": parent.map(|id| id.to_string())
                }));
                match parent {
                    Some(parent) => issue["parent"] = json!({ "id": parent }),
                    None => {
                        if let Some(fields) = issue.as_object_mut() {
                            fields.remove("parent");
                        }
                    }
                }
            }
        }
        for (field, value) in custom {
            let old = custom_value(issue, field);
            if old.as_deref() != Some(value.as_str()) && !(old.is_none() && value.is_empty()) {
                details.push(json!({
                    "property": "cf", "name": field.to_string(),
                    "old_value": old, "new_value": value
                }));
                set_custom_value(issue, field, &value);
            }
        }
        let notes = changes["notes"].as_str().filter(|notes| !notes.is_empty());
        if notes.is_none() && details.is_empty() {
            // Redmine saves nothing, and changes neither the journals nor updated_on.
            return Ok(());
        }
        issue["updated_on"] = now.clone();
        let journals = issue
            .as_object_mut()
            .map(|fields| fields.entry("journals").or_insert_with(|| json!([])));
        if let Some(Value::Array(journals)) = journals {
            journals.push(json!({
                "id": journal_id, "user": me, "notes": notes.unwrap_or_default(),
                "created_on": now, "private_notes": false, "details": details
            }));
            self.next_journal += 1;
        }
        Ok(())
    }
}

impl State {
    /// `PUT /journals/N.json`: the note becomes `notes`; emptied, a journal without details
    /// is deleted. As Redmine 5.0 (and 6.0), the issue's `updated_on` stays as it was.
    fn update_journal(&mut self, id: u64, body: &Value) -> Response {
        let Some(notes) = body["journal"]["notes"].as_str() else {
            return Response::empty(204);
        };
        for issue in self.issues.values_mut() {
            let Some(journals) = issue["journals"].as_array_mut() else {
                continue;
            };
            let Some(index) = journals
                .iter()
                .position(|journal| journal["id"].as_u64() == Some(id))
            else {
                continue;
            };
            let no_details = journals[index]["details"]
                .as_array()
                .is_none_or(Vec::is_empty);
            // Redmine's `notes.blank?`: spaces alone are empty too.
            if notes.trim().is_empty() && no_details {
                journals.remove(index);
            } else {
                journals[index]["notes"] = json!(notes);
            }
            return Response::empty(204);
        }
        Response::empty(404)
    }
}

impl State {
    /// The journal with this id, wherever it is.
    fn journal(&self, id: u64) -> Option<&Value> {
        self.issues
            .values()
            .filter_map(|issue| issue["journals"].as_array())
            .flatten()
            .find(|journal| journal["id"].as_u64() == Some(id))
    }

    /// Whether `login` (`me`) may edit journal `id`'s note, as Redmine's
    /// `Journal#editable_by?`: "Edit notes", or "Edit own notes" on their own; an admin may
    /// always. `None` when there is no such journal.
    fn may_edit_journal(&self, id: u64, login: &str, me: &Value) -> Option<bool> {
        let journal = self.journal(id)?;
        let own = journal["user"]["id"].as_u64().is_some() && journal["user"]["id"] == me["id"];
        Some(
            me["admin"] == json!(true)
                || self.edit_notes.contains(login)
                || (own && !self.no_edit_own_notes.contains(login)),
        )
    }
}

/// The fake's roles: Redmine's three default ones (Manager with every permission, so with
/// "Edit notes"; Reporter without either notes permission), except that the fake's
/// Developer, the role its members hold, may edit its own notes; and the admins-only role
/// `configure.rb` makes. Only the issue permissions the threader cares about are listed.
fn default_roles() -> Vec<Value> {
    let role = |id: u64, name: &str, assignable: bool, permissions: &[&str]| {
        json!({
            "id": id, "name": name, "assignable": assignable,
            "issues_visibility": "default", "time_entries_visibility": "all",
            "users_visibility": "all", "permissions": permissions
        })
    };
    vec![
        role(
            3,
            "Manager",
            true,
            &[
                "view_issues",
                "add_issues",
                "edit_issues",
                "add_issue_notes",
                "edit_issue_notes",
                "edit_own_issue_notes",
                "log_time",
            ],
        ),
        role(
            4,
            "Developer",
            true,
            &[
                "view_issues",
                "add_issues",
                "edit_issues",
                "add_issue_notes",
                "edit_own_issue_notes",
                "log_time",
            ],
        ),
        role(
            5,
            "Reporter",
            true,
            &["view_issues", "add_issues", "add_issue_notes", "log_time"],
        ),
        role(6, "netbot: admins only", false, &[]),
    ]
}

/// The fake's ticket priorities, as `/enumerations/issue_priorities.json` lists them.
fn priorities() -> Vec<Value> {
    fixture("redmine/enumerations__issue_priorities.json")["issue_priorities"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

/// The fake's trackers, as `/trackers.json` lists them.
fn trackers() -> Vec<Value> {
    ["Bug", "Feature", "Support"]
        .iter()
        .zip(1_u64..)
        .map(|(name, id)| json!({ "id": id, "name": name }))
        .collect()
}

/// `{id, name}` of the value with this id (a number or a numeric string), as an issue holds it.
fn named_in(known: &[Value], wanted: &Value) -> Option<Value> {
    let wanted = wanted
        .as_u64()
        .or_else(|| wanted.as_str().and_then(|text| text.parse().ok()))?;
    known
        .iter()
        .find(|value| value["id"].as_u64() == Some(wanted))
        .map(|value| json!({ "id": wanted, "name": value["name"] }))
}

/// The value of an issue's custom field, when set and not empty.
fn custom_value(issue: &Value, field: u64) -> Option<String> {
    issue["custom_fields"]
        .as_array()?
        .iter()
        .find(|custom| custom["id"].as_u64() == Some(field))?["value"]
        .as_str()
        .filter(|value| !value.is_empty())
        .map(str::to_owned)
}

fn set_custom_value(issue: &mut Value, field: u64, value: &str) {
    let name = match field {
        THREAD_FIELD_ID => "Discord thread",
        SYNC_FIELD_ID => "Discord sync",
        _ => "",
    };
    if !issue["custom_fields"].is_array() {
        issue["custom_fields"] = json!([]);
    }
    if let Some(fields) = issue["custom_fields"].as_array_mut() {
        match fields
            .iter_mut()
            .find(|custom| custom["id"].as_u64() == Some(field))
        {
            Some(existing) => existing["value"] = json!(value),
            None => fields.push(json!({ "id": field, "name": name, "value": value })),
        }
    }
}

fn full_name(user: &Value) -> String {
    format!(
        "{} {}",
        user["firstname"].as_str().unwrap_or_default(),
        user["lastname"].as_str().unwrap_or_default()
    )
}

/// `offset` and `limit` as Redmine reads them: 25 by default, at most 100.
fn paging(query: &BTreeMap<String, String>) -> (usize, usize) {
    let number = |name: &str, default: usize| {
        query
            .get(name)
            .and_then(|value| value.parse().ok())
            .unwrap_or(default)
    };
    (number("offset", 0), number("limit", 25).min(100))
}

impl Serve for FakeRedmine {
    fn respond(&self, request: &Request) -> Response {
        if request.header("x-redmine-api-key").is_none() {
            return Response::empty(401);
        }
        let Ok(mut state) = self.state.lock() else {
            return Response::empty(500);
        };
        // Redmine switches users only for an admin's key, and answers 412 for an unknown login.
        let switched = request
            .header("x-redmine-switch-user")
            .filter(|_| state.key_owner == "admin");
        let login = switched.unwrap_or(&state.key_owner).to_owned();
        let Some(me) = state.accounts.get(&login).cloned() else {
            return Response::empty(412);
        };
        let admin = me["admin"] == json!(true);
        let query = request.query();
        let path = request.url.path();
        if request.method.as_str() != "GET" {
            state.writes_seen += 1;
            if let Some((n, status)) = state.fail_write {
                if state.writes_seen == n {
                    state.fail_write = None;
                    return Response::empty(status);
                }
            }
        }
        let ticket = path
            .strip_prefix("/issues/")
            .and_then(|rest| rest.strip_suffix(".json"))
            .and_then(|id| id.parse::<u64>().ok());
        match (request.method.as_str(), path, ticket) {
            ("GET", "/issues.json", _) => Response::json(200, state.list(&me, &query)),
            ("POST", "/issues.json", _) => match serde_json::from_slice::<Value>(&request.body) {
                Ok(body) => state.create(&me, &body),
                Err(_) => Response::empty(400),
            },
            ("GET", "/search.json", _) => Response::json(200, state.search(&query)),
            ("POST", "/uploads.json", _) => state.upload(&me, request),
            ("GET", path, _) if path.starts_with("/attachments/download/") => {
                let file = path
                    .trim_start_matches("/attachments/download/")
                    .split('/')
                    .next()
                    .and_then(|id| id.parse::<u64>().ok())
                    .and_then(|id| state.files.get(&id))
                    .filter(|file| file.issue.is_some());
                match file {
                    Some(file) => Response::file(&file.content_type, file.bytes.clone()),
                    None => Response::empty(404),
                }
            }
            ("GET", _, Some(id)) => match state.issues.get(&id) {
                Some(issue) => {
                    let mut issue = issue.clone();
                    if issue.get("journals").is_none() {
                        issue["journals"] = json!([]);
                    }
                    let include = query.get("include").cloned().unwrap_or_default();
                    if include.split(',').any(|part| part == "attachments") {
                        let base = request.url.origin().ascii_serialization();
                        issue["attachments"] = state.attachments_of(id, &base);
                    }
                    Response::json(200, json!({ "issue": issue }))
                }
                None => Response::empty(404),
            },
            ("PUT", _, Some(id)) => match serde_json::from_slice::<Value>(&request.body) {
                Ok(body)
                    if state.no_notes.contains(&login)
                        && body["issue"]["notes"]
                            .as_str()
                            .is_some_and(|n| !n.is_empty()) =>
                {
                    Response::empty(403)
                }
                Ok(body) => state
                    .update(&me, id, &body)
                    .map_or_else(|refusal| refusal, |()| Response::empty(204)),
                Err(_) => Response::empty(400),
            },
            ("PUT", path, _) if path.starts_with("/journals/") => {
                let journal = path
                    .strip_prefix("/journals/")
                    .and_then(|rest| rest.strip_suffix(".json"))
                    .and_then(|id| id.parse::<u64>().ok());
                match (journal, serde_json::from_slice::<Value>(&request.body)) {
                    (Some(id), Ok(body)) => match state.may_edit_journal(id, &login, &me) {
                        None => Response::empty(404),
                        Some(false) => Response::empty(403),
                        Some(true) => state.update_journal(id, &body),
                    },
                    _ => Response::empty(400),
                }
            }
            ("POST", path, _) if path.ends_with("/watchers.json") => {
                let id = path
                    .strip_prefix("/issues/")
                    .and_then(|rest| rest.strip_suffix("/watchers.json"))
                    .and_then(|id| id.parse::<u64>().ok());
                let user = serde_json::from_slice::<Value>(&request.body)
                    .ok()
                    .and_then(|body| {
                        let user = &body["user_id"];
                        user.as_u64()
                            .or_else(|| user.as_str().and_then(|text| text.parse().ok()))
                    });
                match id {
                    Some(id) => state.watch(id, user, true),
                    None => Response::empty(404),
                }
            }
            ("DELETE", path, _) if path.contains("/watchers/") => {
                let mut parts = path
                    .strip_prefix("/issues/")
                    .and_then(|rest| rest.strip_suffix(".json"))
                    .unwrap_or_default()
                    .split("/watchers/")
                    .map(|part| part.parse::<u64>().ok());
                match (parts.next().flatten(), parts.next().flatten()) {
                    (Some(id), user) => state.watch(id, user, false),
                    _ => Response::empty(404),
                }
            }
            ("GET", "/enumerations/time_entry_activities.json", _) => Response::json(
                200,
                json!({ "time_entry_activities": state.activities.clone() }),
            ),
            ("POST", "/time_entries.json", _) => {
                match serde_json::from_slice::<Value>(&request.body) {
                    Ok(body) => state.log_time(&me, &body),
                    Err(_) => Response::empty(400),
                }
            }
            ("GET", "/enumerations/issue_priorities.json", _) => {
                Response::json(200, json!({ "issue_priorities": priorities() }))
            }
            ("GET", "/users/current.json", _) => Response::json(200, json!({ "user": me })),
            ("GET", "/issue_statuses.json", _) => {
                Response::json(200, fixture("redmine/issue_statuses.json"))
            }
            ("GET", "/trackers.json", _) => Response::json(200, json!({ "trackers": trackers() })),
            // Any API key may read the roles, as in Redmine (`require_admin_or_api_request`).
            ("GET", "/roles.json", _) => {
                let roles: Vec<Value> = state
                    .roles
                    .iter()
                    .map(|role| json!({ "id": role["id"], "name": role["name"] }))
                    .collect();
                Response::json(200, json!({ "roles": roles }))
            }
            ("GET", path, _) if path.starts_with("/roles/") => {
                let role = path
                    .strip_prefix("/roles/")
                    .and_then(|rest| rest.strip_suffix(".json"))
                    .and_then(|id| id.parse::<u64>().ok())
                    .and_then(|id| {
                        state
                            .roles
                            .iter()
                            .find(|role| role["id"].as_u64() == Some(id))
                    });
                match role {
                    Some(role) => Response::json(200, json!({ "role": role })),
                    None => Response::empty(404),
                }
            }
            ("GET", "/projects/netops.json" | "/projects/1.json", _) => Response::json(
                200,
                json!({
                    "project": fixture("redmine/projects.json")["projects"][0].clone()
                }),
            ),
            ("GET", "/projects/1/issue_categories.json", _) => Response::json(
                200,
                json!({
                    "issue_categories": [{ "id": 1, "name": "Links" }, { "id": 2, "name": "Power" }],
                    "total_count": 2
                }),
            ),
            ("GET", "/projects.json", _) => Response::json(200, fixture("redmine/projects.json")),
            ("GET", "/projects/netops/memberships.json", _) => {
                Response::json(200, fixture("redmine/projects__netops__memberships.json"))
            }
            ("GET", path, _)
                if path.starts_with("/projects/") && path.ends_with("/memberships.json") =>
            {
                Response::json(200, fixture("redmine/projects__netops__memberships.json"))
            }
            // Admin listings are open to admins only, as in Redmine.
            ("GET", "/users.json" | "/groups.json" | "/custom_fields.json", _) if !admin => {
                Response::empty(403)
            }
            ("GET", "/users.json", _) => Response::json(200, state.users(&query)),
            ("GET", "/groups.json", _) => Response::json(200, fixture("redmine/groups.json")),
            ("GET", "/custom_fields.json", _) => Response::json(200, state.custom_fields.clone()),
            ("PUT", path, _) if admin && path.starts_with("/users/") => {
                let user = path
                    .strip_prefix("/users/")
                    .and_then(|rest| rest.strip_suffix(".json"))
                    .and_then(|id| id.parse::<u64>().ok());
                match (user, serde_json::from_slice::<Value>(&request.body)) {
                    (Some(id), Ok(body)) => state.update_user(id, &body),
                    _ => Response::empty(400),
                }
            }
            _ => Response::empty(404),
        }
    }
}

/// The stateful fake Redmine: the recorded tickets, people and statuses; changes are
/// remembered. Started with a member's key (alice's) or an admin's. Clones share the state.
///
/// The ticket actions' fields behave as in Redmine: priority, tracker, subject, description,
/// parent and due date are set by `PUT /issues/N.json` (a bad value is refused with 422 and Redmine's
/// reason), and watchers are added and removed through their own resource.
///
/// Where the threader leans on Redmine it behaves like Redmine: one journal id sequence
/// across all tickets, a journal for every change (notes, status and assignee as `attr`
/// details, custom fields as `cf` details) written as the switched-to user, `updated_on`
/// and `created_on` from a clock the caller sets, issue custom fields that persist, and the
/// `cf_N=*`, `status_id=*` and `last_updated_by=!me` filters, and `PUT /journals/N.json`
/// (an emptied note without details deletes its journal; the issue's `updated_on` stays;
/// only an admin, a login with "Edit notes", or the author with "Edit own notes" may edit,
/// else 403), and the roles with their permissions (`/roles.json`, `/roles/N.json`).
#[derive(Debug, Clone)]
pub struct FakeRedmine {
    state: Arc<Mutex<State>>,
}

impl FakeRedmine {
    /// The fake with a member's key (alice's).
    #[must_use]
    pub fn member() -> Self {
        Self::with_key_of("alice")
    }

    /// The fake with an admin's key, as the bot uses it: admin listings open, and
    /// `X-Redmine-Switch-User` acts as alice or bob.
    #[must_use]
    pub fn admin() -> Self {
        Self::with_key_of("admin")
    }

    fn with_key_of(owner: &str) -> Self {
        let mut state = State::from_fixtures();
        owner.clone_into(&mut state.key_owner);
        Self {
            state: Arc::new(Mutex::new(state)),
        }
    }

    fn with_state<R>(&self, work: impl FnOnce(&mut State) -> R) -> R {
        let mut state = self
            .state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        work(&mut state)
    }

    /// The time logged so far, as Redmine would list it (`issue`, `user`, `activity`,
    /// `hours`, `comments`), oldest first.
    #[must_use]
    pub fn time_entries(&self) -> Vec<Value> {
        self.with_state(|state| state.time_entries.clone())
    }

    /// Leaves the fake without a default time-entry activity, as a fresh Redmine is.
    pub fn clear_default_activity(&self) {
        self.with_state(|state| {
            for activity in &mut state.activities {
                activity["is_default"] = json!(false);
            }
        });
    }

    /// Sets the fake's clock.
    pub fn set_now(&self, now: DateTime<Utc>) {
        self.with_state(|state| state.now = now);
    }

    /// The `n`-th write request (POST, PUT, DELETE) from now answers `status`, once.
    pub fn fail_nth_write(&self, n: u64, status: u16) {
        self.with_state(|state| {
            state.writes_seen = 0;
            state.fail_write = Some((n, status));
        });
    }

    /// From now on `login`'s role may not add notes: `PUT /issues/N.json` with notes, made as
    /// them, answers 403 (as Redmine does for a role without "Add notes").
    pub fn deny_notes(&self, login: &str) {
        self.with_state(|state| {
            state.no_notes.insert(login.to_owned());
        });
    }

    /// From now on `login`'s role lacks "Edit own notes": `PUT /journals/N.json` on their own
    /// note, made as them, answers 403 (as Redmine does), unless they may edit all notes.
    pub fn deny_edit_own_notes(&self, login: &str) {
        self.with_state(|state| {
            state.no_edit_own_notes.insert(login.to_owned());
        });
    }

    /// From now on `login`'s role has "Edit notes": they may edit anyone's note.
    pub fn allow_edit_notes(&self, login: &str) {
        self.with_state(|state| {
            state.edit_notes.insert(login.to_owned());
        });
    }

    /// Takes a permission (`edit_own_issue_notes`, …) from the role named `role` as
    /// `/roles/N.json` describes it (what `netbot check` reads; the journal edits themselves
    /// follow [`Self::deny_edit_own_notes`]). Returns whether the role exists.
    pub fn remove_role_permission(&self, role: &str, permission: &str) -> bool {
        self.with_state(|state| {
            let Some(found) = state.roles.iter_mut().find(|known| known["name"] == role) else {
                return false;
            };
            if let Some(permissions) = found["permissions"].as_array_mut() {
                permissions.retain(|known| known != permission);
            }
            true
        })
    }

    /// The current note of a journal, `None` when there is no such journal (never written,
    /// or deleted by emptying it).
    #[must_use]
    pub fn journal_notes(&self, journal: u64) -> Option<String> {
        self.with_state(|state| {
            state
                .journal(journal)
                .map(|found| found["notes"].as_str().unwrap_or_default().to_owned())
        })
    }

    /// Opens a ticket as `login` (alice, bob or admin), with the "Discord thread" field set
    /// to `thread` when given; returns its id.
    pub fn open_ticket(
        &self,
        login: &str,
        subject: &str,
        description: &str,
        thread: Option<&str>,
    ) -> u64 {
        self.with_state(|state| {
            let me = state.accounts.get(login).cloned().unwrap_or(Value::Null);
            let body = json!({ "issue": { "subject": subject, "description": description } });
            state.create(&me, &body);
            let id = state.issues.keys().max().copied().unwrap_or_default();
            if let Some(value) = thread {
                if let Some(issue) = state.issues.get_mut(&id) {
                    set_custom_value(issue, THREAD_FIELD_ID, value);
                }
            }
            id
        })
    }

    /// Changes a ticket as `login`, like a person in Redmine's web UI would: `changes` is the
    /// body of `PUT /issues/N.json`'s `issue` (notes, status_id, assigned_to_id,
    /// custom_fields). Returns whether the fake accepted the change.
    pub fn change_as(&self, login: &str, id: u64, changes: &Value) -> bool {
        self.with_state(|state| {
            let me = state.accounts.get(login).cloned().unwrap_or(Value::Null);
            state.update(&me, id, &json!({ "issue": changes })).is_ok()
        })
    }

    /// Edits a journal's note as Redmine's web UI (or `PUT /journals/N.json`) does: the
    /// note becomes `notes`, and an emptied note without details deletes the journal. The
    /// issue's `updated_on` does not move. Returns whether the journal was found.
    pub fn edit_journal(&self, journal: u64, notes: &str) -> bool {
        self.with_state(|state| {
            let body = json!({ "journal": { "notes": notes } });
            state.update_journal(journal, &body).status == 204
        })
    }

    /// The ids of a ticket's journals, oldest first.
    #[must_use]
    pub fn journal_ids(&self, id: u64) -> Vec<u64> {
        self.issue(id)["journals"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|journal| journal["id"].as_u64())
            .collect()
    }

    /// Sets a ticket's fields directly, without a journal (as if it had been so for long):
    /// e.g. `{"assigned_to": {"id": 5, "name": "Alice Liddell"}, "updated_on": "…"}`.
    pub fn set_fields(&self, id: u64, fields: &Value) {
        self.with_state(|state| {
            if let (Some(issue), Some(fields)) = (state.issues.get_mut(&id), fields.as_object()) {
                for (name, value) in fields {
                    issue[name.as_str()] = value.clone();
                }
            }
        });
    }

    /// One ticket as the fake holds it (with journals and custom fields).
    #[must_use]
    pub fn issue(&self, id: u64) -> Value {
        self.with_state(|state| state.issues.get(&id).cloned().unwrap_or(Value::Null))
    }

    /// A person attaches files to a ticket in Redmine's web UI, as `login`, with a note
    /// (possibly empty): one journal records the note and the files. Returns whether the fake
    /// accepted the change.
    pub fn attach_as(
        &self,
        login: &str,
        id: u64,
        notes: &str,
        files: &[(&str, &str, &[u8])],
    ) -> bool {
        self.with_state(|state| {
            let me = state.accounts.get(login).cloned().unwrap_or(Value::Null);
            let uploads: Vec<Value> = files
                .iter()
                .map(|(name, kind, bytes)| {
                    let token = state.store_file(&me, name, kind, bytes, None);
                    json!({ "token": token })
                })
                .collect();
            let body = json!({ "issue": { "notes": notes, "uploads": uploads } });
            state.update(&me, id, &body).is_ok()
        })
    }

    /// A file that came with the ticket when it was opened (the description's), recorded in
    /// no journal.
    pub fn attach_to_description(&self, id: u64, name: &str, kind: &str, bytes: &[u8]) {
        self.with_state(|state| {
            let author = state
                .issues
                .get(&id)
                .map_or(Value::Null, |issue| issue["author"].clone());
            state.store_file(&author, name, kind, bytes, Some(id));
        });
    }

    /// Sets Redmine's attachment size limit, in bytes (default [`DEFAULT_ATTACHMENT_LIMIT`]).
    pub fn set_attachment_limit(&self, bytes: usize) {
        self.with_state(|state| state.attachment_limit = bytes);
    }

    /// The files attached to a ticket, by id: `(name, media type, bytes)`.
    #[must_use]
    pub fn attachments(&self, id: u64) -> Vec<(String, String, Vec<u8>)> {
        self.with_state(|state| {
            state
                .files
                .values()
                .filter(|file| file.issue == Some(id))
                .map(|file| {
                    (
                        file.name.clone(),
                        file.content_type.clone(),
                        file.bytes.clone(),
                    )
                })
                .collect()
        })
    }

    /// How many uploads nothing attached (Redmine discards them after a while).
    #[must_use]
    pub fn unattached_uploads(&self) -> usize {
        self.with_state(|state| {
            state
                .files
                .values()
                .filter(|file| file.issue.is_none())
                .count()
        })
    }

    /// The ids of the files each journal of a ticket attached, oldest journal first (only
    /// journals that attached any).
    #[must_use]
    pub fn attached_by_journal(&self, id: u64) -> Vec<Vec<String>> {
        self.issue(id)["journals"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|journal| {
                journal["details"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter(|detail| detail["property"] == "attachment")
                    .filter_map(|detail| detail["new_value"].as_str().map(str::to_owned))
                    .collect::<Vec<_>>()
            })
            .filter(|names| !names.is_empty())
            .collect()
    }

    /// The notes of a ticket, oldest first, as `(author name, text)`.
    #[must_use]
    pub fn notes(&self, id: u64) -> Vec<(String, String)> {
        self.issue(id)["journals"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|journal| {
                journal["notes"]
                    .as_str()
                    .is_some_and(|notes| !notes.is_empty())
            })
            .map(|journal| {
                (
                    journal["user"]["name"]
                        .as_str()
                        .unwrap_or_default()
                        .to_owned(),
                    journal["notes"].as_str().unwrap_or_default().to_owned(),
                )
            })
            .collect()
    }
}

/// The fake Redmine served on a free loopback port, for `--demo`; dropped, it stops.
#[derive(Debug)]
pub struct DemoRedmine {
    server: Server,
    fake: FakeRedmine,
}

impl DemoRedmine {
    /// Serves the fake with a member's key (alice's).
    ///
    /// # Errors
    /// When no loopback port can be bound.
    pub async fn start() -> std::io::Result<Self> {
        Self::serve(FakeRedmine::member()).await
    }

    /// Serves the fake with an admin's key.
    ///
    /// # Errors
    /// When no loopback port can be bound.
    pub async fn start_admin() -> std::io::Result<Self> {
        Self::serve(FakeRedmine::admin()).await
    }

    async fn serve(fake: FakeRedmine) -> std::io::Result<Self> {
        let server = Server::start(fake.clone()).await?;
        Ok(Self { server, fake })
    }

    /// The base URL to give the adapter.
    #[must_use]
    pub fn url(&self) -> String {
        self.server.url()
    }
}

impl std::ops::Deref for DemoRedmine {
    type Target = FakeRedmine;

    fn deref(&self) -> &FakeRedmine {
        &self.fake
    }
}
