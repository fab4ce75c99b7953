//! The bot's commands as use cases: a member and their words in, a `Reply` out.
//!
//! Nothing here knows Discord: the Discord adapter defers, calls these, and sends the reply
//! with mentions disabled. Every member acts as their own Redmine user (found through the
//! Discord id stored in a Redmine user custom field), so Redmine's permissions and history
//! are theirs.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use domain::render::{discord, template};
use domain::sync::ThreadAsk;
use domain::{
    Action, ChannelId, DiscordUserId, GuildId, Login, Member, Reply, TicketId, TicketQuery,
};
use tracing::warn;

use crate::chat::Chat;
use crate::directory::{Directory, DirectoryError};
use crate::identities::{Identities, Identity, KeyStatus, LinkError, Linked};
use crate::inventory::{Inventory, InventoryError};
use crate::sites;
use crate::threader::open_thread;
use crate::tickets::{run, Outcome};
use crate::tracker::{SavedFilter, StatusNames, SyncFields, TicketTracker, TrackerError};

/// Discord's limit on autocomplete choices.
pub const MAX_CHOICES: usize = 25;

/// What the bot needs to know besides its ports (from `netbot.toml` and the environment).
#[derive(Debug, Clone)]
pub struct BotSettings {
    /// The one server the bot serves; interactions from any other are refused.
    pub guild_id: u64,
    /// Members with this role may `/link`.
    pub admin_role: Option<u64>,
    /// Unlinked members may read open tickets as this Redmine login; `None`: they may not.
    pub reader_login: Option<String>,
    /// The project `/new` opens tickets in.
    pub default_project: String,
    /// Statuses set by unassign, progress and resolve.
    pub status_names: StatusNames,
    /// The backend timeout, for the message a member reads when it runs out.
    pub timeout_seconds: u64,
    /// Saved queries by name, for `/query`.
    pub queries: BTreeMap<String, SavedQuery>,
}

/// A saved query: a filter in the tracker's words and a line template for its results.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SavedQuery {
    /// What it is for, shown in autocomplete.
    pub description: String,
    /// Which tickets, in the tracker's own words (only the adapter reads them).
    pub filter: SavedFilter,
    /// The minijinja line template (checked when the settings are read).
    pub template: String,
}

/// The original bot's line, as a saved query's default template.
pub const DEFAULT_LINE: &str =
    "**[#{{ id }}](<{{ url }}>)** {{ subject }} - {{ priority }} - {{ age }} old";

/// The bot: an admin-keyed tracker (it acts as each member through it), the inventory, the
/// settings and the identity map over the directory.
#[derive(Debug)]
pub struct Bot<T, I, D> {
    tracker: T,
    inventory: I,
    settings: BotSettings,
    identities: Identities<D>,
}

/// A ticket action as the `/ticket` command offers it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TicketAction {
    /// Show the ticket.
    Show,
    /// Assign it (to the given user, or to me).
    Assign,
    /// Clear the assignee, status New.
    Unassign,
    /// Take it, status In Progress.
    Progress,
    /// Status Resolved.
    Resolve,
}

fn tracker_error(error: &TrackerError, seconds: u64) -> Reply {
    match error {
        TrackerError::Timeout { .. } => {
            Reply::error(&format!("Redmine did not answer in {seconds} s, try again"))
        }
        other => Reply::error(&other.to_string()),
    }
}

fn inventory_error(error: &InventoryError, seconds: u64) -> Reply {
    match error {
        InventoryError::Timeout { .. } => {
            Reply::error(&format!("NetBox did not answer in {seconds} s, try again"))
        }
        other => Reply::error(&other.to_string()),
    }
}

fn directory_error(error: &DirectoryError, seconds: u64) -> Reply {
    match error {
        DirectoryError::NotAdmin => cannot_act_for_anyone(),
        DirectoryError::UnknownLogin(login) => {
            Reply::error(&format!("No Redmine user with the login '{login}'"))
        }
        DirectoryError::NoLinkField(_) => {
            tracing::error!(%error, "cannot link members");
            Reply::error("Redmine has nowhere to keep Discord ids yet: ask the bot's operator")
        }
        DirectoryError::Tracker(cause) => tracker_error(cause, seconds),
    }
}

/// Fail closed: the tracker would act as the key's owner instead of the member.
fn cannot_act_for_anyone() -> Reply {
    Reply::error(
        "I cannot act as you right now: my Redmine key is no longer allowed to act for members, \
         and I will not act in someone else's name. Please tell a netbot admin",
    )
}

fn ambiguous(logins: &[Login]) -> Reply {
    let logins: Vec<String> = logins
        .iter()
        .map(|login| format!("`{}`", login.as_str().replace('`', "'")))
        .collect();
    Reply::error(&format!(
        "Your Discord account is linked to several Redmine users ({}): ask an admin to keep \
         only one",
        logins.join(", ")
    ))
}

fn unlinked() -> Reply {
    Reply::error(
        "You are not linked to a Redmine user yet: ask an admin to run /link with your name and \
         your Redmine login",
    )
}

impl<T: TicketTracker, I: Inventory, D: Directory> Bot<T, I, D> {
    /// A bot over these ports; the identity map starts empty and nobody is acted for until
    /// the first [`Self::refresh_identities`].
    pub fn new(tracker: T, inventory: I, directory: D, settings: BotSettings) -> Self {
        Self {
            tracker,
            inventory,
            settings,
            identities: Identities::new(directory),
        }
    }

    /// The settings.
    pub fn settings(&self) -> &BotSettings {
        &self.settings
    }

    /// Reloads who is who (and the people autocomplete offers); returns how many members are
    /// linked. See [`Identities::refresh`].
    ///
    /// # Errors
    /// [`DirectoryError::NotAdmin`] when the key may no longer act for members (nobody is
    /// acted for until it may), or another [`DirectoryError`] (the old snapshot stays).
    pub async fn refresh_identities(&self) -> Result<usize, DirectoryError> {
        self.identities.refresh().await
    }

    /// Refuses members of other servers and direct messages.
    fn admit(&self, member: &Member) -> Result<(), Reply> {
        if member.guild_id == Some(self.settings.guild_id) {
            Ok(())
        } else {
            Err(Reply::error(
                "This bot only answers in its own Discord server",
            ))
        }
    }

    /// Who the member is in the current snapshot.
    fn identity(&self, member: &Member) -> Identity {
        DiscordUserId::new(member.id).map_or(Identity::Unlinked, |id| {
            self.identities.snapshot().identity(id)
        })
    }

    /// The tracker acting as the member: their own login, or the reader login for reading.
    /// Nobody is acted for while the key may not act as others (it would act as its owner).
    fn actor(&self, member: &Member, changes: bool) -> Result<(T, bool), Reply> {
        self.admit(member)?;
        if self.identities.snapshot().key() != KeyStatus::ActsAsOthers {
            return Err(cannot_act_for_anyone());
        }
        match self.identity(member) {
            Identity::Linked(login) => Ok((self.tracker.acting_as(login.as_str()), true)),
            Identity::Ambiguous(logins) => Err(ambiguous(&logins)),
            Identity::Unlinked => match (&self.settings.reader_login, changes) {
                (Some(reader), false) => Ok((self.tracker.acting_as(reader), false)),
                _ => Err(unlinked()),
            },
        }
    }

    fn is_admin(&self, member: &Member) -> bool {
        self.settings
            .admin_role
            .is_some_and(|role| member.role_ids.contains(&role))
    }

    fn see_all(&self, tracker: &T, query: &TicketQuery, words: &str) -> String {
        let command = if words.trim().is_empty() {
            String::from("`tickets`")
        } else {
            format!("`tickets {}`", words.trim().replace('`', "'"))
        };
        format!("use {command} or <{}>", tracker.web_link(query))
    }

    /// `/tickets [query]`: the CLI's grammar.
    pub async fn tickets(&self, member: &Member, words: &str, now: DateTime<Utc>) -> Reply {
        let parts: Vec<&str> = words.split_whitespace().collect();
        let query = match TicketQuery::parse(&parts) {
            Ok(query) => query,
            Err(error) => return Reply::error(&error.to_string()),
        };
        let changes = matches!(query, TicketQuery::Act(..));
        let (tracker, linked) = match self.actor(member, changes) {
            Ok(actor) => actor,
            Err(reply) => return reply,
        };
        if matches!(query, TicketQuery::Mine) && !linked {
            return unlinked();
        }
        self.run_as(&tracker, &query, words, now).await
    }

    /// Runs a query of the grammar as `tracker`'s user and renders the outcome.
    async fn run_as(
        &self,
        tracker: &T,
        query: &TicketQuery,
        words: &str,
        now: DateTime<Utc>,
    ) -> Reply {
        match run(tracker, query, &self.settings.status_names).await {
            Ok(Outcome::List(tickets)) => Reply::public(discord::ticket_list(
                &tickets,
                now,
                &self.see_all(tracker, query, words),
            )),
            Ok(Outcome::Details(ticket) | Outcome::Changed(ticket)) => {
                Reply::public(discord::ticket_details(&ticket, now))
            }
            Err(error) => tracker_error(&error, self.settings.timeout_seconds),
        }
    }

    /// `/ticket ID ACTION [USER]`; `USER` defaults to the member for assign.
    pub async fn ticket(
        &self,
        member: &Member,
        id: &str,
        action: TicketAction,
        user: Option<&str>,
        now: DateTime<Utc>,
    ) -> Reply {
        let id = match TicketId::parse(id.trim()) {
            Ok(id) => id,
            Err(error) => return Reply::error(&error.to_string()),
        };
        let query = match action {
            TicketAction::Show => TicketQuery::Show(id),
            TicketAction::Assign => match user.map(str::trim).filter(|user| !user.is_empty()) {
                Some(user) => TicketQuery::Act(id, Action::Assign(user.to_owned())),
                None => match self.identity(member) {
                    Identity::Linked(login) => {
                        TicketQuery::Act(id, Action::Assign(login.as_str().to_owned()))
                    }
                    Identity::Ambiguous(logins) => {
                        return self
                            .admit(member)
                            .err()
                            .unwrap_or_else(|| ambiguous(&logins))
                    }
                    Identity::Unlinked => return self.admit(member).err().unwrap_or_else(unlinked),
                },
            },
            TicketAction::Unassign => TicketQuery::Act(id, Action::Unassign),
            TicketAction::Progress => TicketQuery::Act(id, Action::Progress),
            TicketAction::Resolve => TicketQuery::Act(id, Action::Resolve),
        };
        let changes = !matches!(query, TicketQuery::Show(_));
        let (tracker, _) = match self.actor(member, changes) {
            Ok(actor) => actor,
            Err(reply) => return reply,
        };
        self.run_as(&tracker, &query, "", now).await
    }

    /// `/new TITLE [DESCRIPTION]`: a ticket in the default project, opened as the member.
    pub async fn new_ticket(
        &self,
        member: &Member,
        title: &str,
        description: &str,
        now: DateTime<Utc>,
    ) -> Reply {
        let (tracker, _) = match self.actor(member, true) {
            Ok(actor) => actor,
            Err(reply) => return reply,
        };
        if title.trim().is_empty() {
            return Reply::error("A new ticket needs a title");
        }
        match tracker
            .create(
                &self.settings.default_project,
                title.trim(),
                description.trim(),
            )
            .await
        {
            Ok(ticket) => Reply::public(discord::ticket_line(&ticket, now)),
            Err(error) => tracker_error(&error, self.settings.timeout_seconds),
        }
    }

    /// `/site [NAME]`: every site, or one in detail.
    pub async fn site(&self, member: &Member, name: &str) -> Reply {
        if let Err(reply) = self.admit(member) {
            return reply;
        }
        let seconds = self.settings.timeout_seconds;
        if name.trim().is_empty() {
            return match sites::list(&self.inventory).await {
                Ok(all) => {
                    let lines: Vec<String> = all
                        .iter()
                        .map(|site| discord::site_list(std::slice::from_ref(site)))
                        .collect();
                    Reply::public(discord::fit_lines(
                        &lines,
                        "No sites.",
                        "use `netbot sites`",
                    ))
                }
                Err(error) => inventory_error(&error, seconds),
            };
        }
        match sites::details(&self.inventory, name).await {
            Ok(details) => Reply::public(discord::site_details(&details)),
            Err(error) => inventory_error(&error, seconds),
        }
    }

    /// Site choices for what has been typed: `(name shown, value sent)`, at most 25.
    pub async fn complete_site(&self, typed: &str) -> Vec<(String, String)> {
        sites::complete(&self.inventory, typed)
            .await
            .unwrap_or_default()
    }

    /// People and teams for what has been typed, at most 25: `(name shown, value sent)`.
    /// Served from the snapshot the identity refresh keeps: no tracker request per keystroke.
    #[must_use]
    pub fn complete_person(&self, typed: &str) -> Vec<(String, String)> {
        self.identities
            .snapshot()
            .people_matching(typed, MAX_CHOICES)
            .into_iter()
            .map(|person| (person.name().to_owned(), person.name().to_owned()))
            .collect()
    }

    /// `/query NAME`: a saved query, run as the member, each ticket by its line template.
    pub async fn query(&self, member: &Member, name: &str, now: DateTime<Utc>) -> Reply {
        let Some(saved) = self.settings.queries.get(name.trim()) else {
            let known: Vec<&str> = self.settings.queries.keys().map(String::as_str).collect();
            return Reply::error(&format!(
                "No saved query named '{}' (known: {})",
                name.trim(),
                if known.is_empty() {
                    String::from("none")
                } else {
                    known.join(", ")
                }
            ));
        };
        let (tracker, _) = match self.actor(member, false) {
            Ok(actor) => actor,
            Err(reply) => return reply,
        };
        match tracker.list_query(&saved.filter).await {
            Ok(tickets) => {
                match template::ticket_lines(&saved.template, &tickets, now, "see Redmine") {
                    Ok(text) => Reply::public(text),
                    Err(error) => Reply::error(&format!(
                        "The saved query '{name}' has a broken template: {error}"
                    )),
                }
            }
            Err(error) => tracker_error(&error, self.settings.timeout_seconds),
        }
    }

    /// Saved query names for what has been typed: `(name and description, name)`, at most 25.
    #[must_use]
    pub fn complete_query(&self, typed: &str) -> Vec<(String, String)> {
        let typed = typed.trim().to_lowercase();
        self.settings
            .queries
            .iter()
            .filter(|(name, _)| name.to_lowercase().contains(&typed))
            .take(MAX_CHOICES)
            .map(|(name, saved)| {
                let shown = if saved.description.is_empty() {
                    name.clone()
                } else {
                    format!("{name}: {}", saved.description)
                };
                (shown, name.clone())
            })
            .collect()
    }

    /// `/link MEMBER LOGIN` (admin role only): writes the member's Discord id into Redmine.
    ///
    /// A login linked to another member is moved to this one, and the reply names whom it
    /// replaced; a member already linked to another login is refused (moving a member to
    /// another Redmine user is done in Redmine, deliberately).
    pub async fn link(&self, member: &Member, target: DiscordUserId, login: &str) -> Reply {
        if let Err(reply) = self.admit(member) {
            return reply;
        }
        if !self.is_admin(member) {
            return Reply::error("Only members with the netbot admin role may /link");
        }
        let login = match Login::new(login) {
            Ok(login) => login,
            Err(error) => return Reply::error(&error.to_string()),
        };
        let shown = |login: &Login| login.as_str().replace('`', "'");
        match self.identities.link(target, &login).await {
            Ok(Linked::New(login)) => Reply::private(format!(
                "Linked <@{target}> to the Redmine user `{}`.",
                shown(&login)
            )),
            Ok(Linked::Already(login)) => Reply::private(format!(
                "<@{target}> is already linked to the Redmine user `{}`.",
                shown(&login)
            )),
            Ok(Linked::Replaced { login, previous }) => Reply::private(format!(
                "Linked <@{target}> to the Redmine user `{}`; it was linked to <@{previous}>, who \
                 is no longer linked.",
                shown(&login)
            )),
            Err(LinkError::MemberLinkedElsewhere { logins }) => {
                let logins: Vec<String> = logins
                    .iter()
                    .map(|login| format!("`{}`", shown(login)))
                    .collect();
                Reply::error(&format!(
                    "<@{target}> is already linked to the Redmine user {}: to move them, \
                     remove their Discord id from that user in Redmine first",
                    logins.join(", ")
                ))
            }
            Err(LinkError::Directory(error)) => {
                directory_error(&error, self.settings.timeout_seconds)
            }
        }
    }

    /// `/thread ID` in `channel`: the ticket's thread, opened once. The member must be able
    /// to see the ticket; a ticket that already has a thread is answered with it; a new thread
    /// is started from a starter message in the channel (found again if an earlier attempt
    /// stopped half-way, so no orphan thread is left) and its link written into the ticket's
    /// thread field, from where the threader syncs it both ways.
    pub async fn thread<C: Chat>(
        &self,
        chat: &C,
        member: &Member,
        id: &str,
        channel: ChannelId,
    ) -> Reply {
        let id = match TicketId::parse(id.trim()) {
            Ok(id) => id,
            Err(error) => return Reply::error(&error.to_string()),
        };
        let (tracker, _) = match self.actor(member, true) {
            Ok(actor) => actor,
            Err(reply) => return reply,
        };
        let ticket = match tracker.get(id).await {
            Ok(ticket) => ticket,
            Err(error) => return tracker_error(&error, self.settings.timeout_seconds),
        };
        if let ThreadAsk::Linked(link) = ThreadAsk::of(ticket.thread_field.as_deref()) {
            match chat.thread(link.thread).await {
                Ok(Some(_)) => {
                    return Reply::public(format!("Ticket {id} already has a thread: <{link}>"));
                }
                Ok(None) => {}
                Err(error) => {
                    warn!(ticket = %id, %error, "could not read the ticket's thread");
                    return Reply::error("Discord did not say whether the ticket's thread still exists: try again in a moment");
                }
            }
        }
        let Ok(guild) = GuildId::new(self.settings.guild_id) else {
            return Reply::error("This bot has no server configured");
        };
        let link = match open_thread(chat, guild, channel, &ticket, None).await {
            Ok(link) => link,
            Err(error) => {
                warn!(ticket = %id, %error, "could not open a thread");
                return Reply::error(
                    "Discord refused to open the thread: does netbot have the Create Public Threads permission here?",
                );
            }
        };
        let fields = SyncFields {
            thread: Some(link.to_string()),
            state: None,
        };
        match self.tracker.set_sync_fields(id, &fields).await {
            Ok(()) => Reply::public(format!(
                "Thread opened for ticket {id}: <{link}>. The ticket's notes will follow, and what is said there goes to the ticket."
            )),
            Err(error) => {
                warn!(ticket = %id, %error, thread = %link, "thread opened but not recorded on the ticket");
                Reply::error(&format!(
                    "The thread <{link}> is open, but I could not record it on ticket {id}: run /thread {id} again and I will record this same thread"
                ))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use domain::{Named, Site, Ticket};

    use super::*;
    use crate::directory::{Link, MockDirectory, Roster};
    use crate::inventory::MockInventory;
    use crate::tracker::MockTicketTracker;

    const GUILD: u64 = 1000;
    const ADMIN_ROLE: u64 = 77;
    const ALICE: u64 = 123_456_789_012_345_678;
    const STRANGER: u64 = 999_999_999_999_999_999;

    fn now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-11-26T12:00:00Z")
            .unwrap()
            .with_timezone(&Utc)
    }

    fn settings(reader_login: Option<&str>) -> BotSettings {
        BotSettings {
            guild_id: GUILD,
            admin_role: Some(ADMIN_ROLE),
            reader_login: reader_login.map(str::to_owned),
            default_project: "netops".into(),
            status_names: StatusNames::default(),
            timeout_seconds: 8,
            queries: BTreeMap::new(),
        }
    }

    fn member(id: u64) -> Member {
        Member {
            id,
            guild_id: Some(GUILD),
            role_ids: Vec::new(),
        }
    }

    fn ticket(id: u64) -> Ticket {
        Ticket {
            id: TicketId::new(id).unwrap(),
            subject: "Othello rooftop node offline".into(),
            description: String::new(),
            status: Named::new(1, "New"),
            priority: Named::new(2, "Normal"),
            tracker: Named::new(1, "Bug"),
            project: Named::new(1, "Network Operations"),
            assigned_to: None,
            author: "Bob Builder".into(),
            created_on: now(),
            updated_on: now(),
            url: format!("https://redmine.example.org/issues/{id}"),
            journals: Vec::new(),
            thread_field: None,
            category: None,
            sync_state: None,
        }
    }

    /// A tracker that must never act for anyone.
    fn tracker_refusing_to_act() -> MockTicketTracker {
        let mut tracker = MockTicketTracker::new();
        tracker.expect_acting_as().never();
        tracker
    }

    fn link(member: u64, login: &str) -> Link {
        Link {
            member: DiscordUserId::new(member).unwrap(),
            login: Login::new(login).unwrap(),
        }
    }

    /// An admin-keyed directory holding these links, which must not be written to.
    fn directory_of(links: &[(u64, &str)]) -> MockDirectory {
        let links: Vec<Link> = links
            .iter()
            .map(|(member, login)| link(*member, login))
            .collect();
        let mut directory = MockDirectory::new();
        directory
            .expect_can_act_as_others()
            .returning(|| Box::pin(async { Ok(true) }));
        directory.expect_roster().returning(move || {
            let links = links.clone();
            Box::pin(async move {
                Ok(Roster {
                    links,
                    people: Vec::new(),
                })
            })
        });
        directory.expect_link().never();
        directory
    }

    async fn bot_with(
        tracker: MockTicketTracker,
        directory: MockDirectory,
        reader: Option<&str>,
    ) -> Bot<MockTicketTracker, MockInventory, MockDirectory> {
        let bot = Bot::new(tracker, MockInventory::new(), directory, settings(reader));
        bot.refresh_identities().await.unwrap();
        bot
    }

    async fn bot(
        tracker: MockTicketTracker,
        reader: Option<&str>,
    ) -> Bot<MockTicketTracker, MockInventory, MockDirectory> {
        bot_with(tracker, directory_of(&[(ALICE, "alice")]), reader).await
    }

    #[tokio::test]
    async fn another_server_is_refused_before_anything_is_asked() {
        let bot = bot(tracker_refusing_to_act(), None).await;
        let elsewhere = Member {
            guild_id: Some(42),
            ..member(ALICE)
        };
        let reply = bot.tickets(&elsewhere, "", now()).await;
        assert_eq!(
            reply,
            Reply::private("This bot only answers in its own Discord server.")
        );
        let direct_message = Member {
            guild_id: None,
            ..member(ALICE)
        };
        assert!(bot.site(&direct_message, "").await.ephemeral);
    }

    #[tokio::test]
    async fn an_unlinked_member_cannot_change_a_ticket_and_is_told_how_to_link() {
        let bot = bot(tracker_refusing_to_act(), Some("reader")).await;
        for reply in [
            bot.ticket(&member(STRANGER), "42", TicketAction::Resolve, None, now())
                .await,
            bot.ticket(&member(STRANGER), "42", TicketAction::Assign, None, now())
                .await,
            bot.tickets(&member(STRANGER), "42 progress", now()).await,
            bot.new_ticket(&member(STRANGER), "Down", "", now()).await,
        ] {
            assert!(reply.ephemeral);
            assert!(
                reply
                    .text
                    .starts_with("You are not linked to a Redmine user yet"),
                "{}",
                reply.text
            );
        }
    }

    #[tokio::test]
    async fn an_unlinked_member_reads_as_the_reader_login_when_configured() {
        let mut tracker = MockTicketTracker::new();
        tracker
            .expect_acting_as()
            .withf(|login| login == "reader")
            .times(1)
            .returning(|_| {
                let mut reader = MockTicketTracker::new();
                reader
                    .expect_get()
                    .returning(|id| Box::pin(async move { Ok(ticket(id.get())) }));
                reader
            });
        let bot = bot_with(tracker, directory_of(&[]), Some("reader")).await;
        let reply = bot.tickets(&member(STRANGER), "42", now()).await;
        assert!(!reply.ephemeral, "{}", reply.text);
        assert!(reply.text.starts_with("**[#42]"), "{}", reply.text);
    }

    #[tokio::test]
    async fn without_a_reader_login_unlinked_members_cannot_read() {
        let bot = bot(tracker_refusing_to_act(), None).await;
        let reply = bot.tickets(&member(STRANGER), "rooftop", now()).await;
        assert!(
            reply.text.starts_with("You are not linked"),
            "{}",
            reply.text
        );
    }

    #[tokio::test]
    async fn a_linked_member_acts_as_their_own_redmine_user() {
        let mut tracker = MockTicketTracker::new();
        tracker
            .expect_acting_as()
            .withf(|login| login == "alice")
            .times(1)
            .returning(|_| {
                let mut alice = MockTicketTracker::new();
                alice
                    .expect_create()
                    .withf(|project, subject, _| project == "netops" && subject == "AP down")
                    .returning(|_, _, _| Box::pin(async { Ok(ticket(800)) }));
                alice
            });
        let bot = bot(tracker, None).await;
        let reply = bot.new_ticket(&member(ALICE), " AP down ", "", now()).await;
        assert_eq!(reply.text, "**[#800](<https://redmine.example.org/issues/800>)** Othello rooftop node offline - Normal - a moment old");
    }

    #[tokio::test]
    async fn only_the_admin_role_may_link_members() {
        let bot = bot(tracker_refusing_to_act(), None).await;
        let reply = bot
            .link(
                &member(ALICE),
                DiscordUserId::new(STRANGER).unwrap(),
                "stranger",
            )
            .await;
        assert_eq!(
            reply,
            Reply::private("Only members with the netbot admin role may /link.")
        );
    }

    #[tokio::test]
    async fn an_admin_links_a_member_and_the_link_takes_effect_at_once() {
        let mut directory = directory_of(&[]);
        directory.checkpoint();
        directory
            .expect_can_act_as_others()
            .returning(|| Box::pin(async { Ok(true) }));
        directory
            .expect_roster()
            .returning(|| Box::pin(async { Ok(Roster::default()) }));
        directory
            .expect_link()
            .withf(|member, login| member.get() == STRANGER && login.as_str() == "carol")
            .times(1)
            .returning(|_, login| {
                let login = login.clone();
                Box::pin(async move { Ok(login) })
            });
        let mut tracker = MockTicketTracker::new();
        tracker
            .expect_acting_as()
            .withf(|login| login == "carol")
            .times(1)
            .returning(|_| {
                let mut carol = MockTicketTracker::new();
                carol
                    .expect_list_mine()
                    .returning(|| Box::pin(async { Ok(vec![]) }));
                carol
                    .expect_web_link()
                    .returning(|_| String::from("https://redmine.example.org/issues"));
                carol
            });
        let bot = bot_with(tracker, directory, None).await;
        let admin = Member {
            role_ids: vec![ADMIN_ROLE],
            ..member(ALICE)
        };
        let linked = bot
            .link(&admin, DiscordUserId::new(STRANGER).unwrap(), " carol ")
            .await;
        assert!(linked.ephemeral);
        assert_eq!(
            linked.text,
            format!("Linked <@{STRANGER}> to the Redmine user `carol`.")
        );
        assert_eq!(
            bot.tickets(&member(STRANGER), "", now()).await.text,
            "No tickets."
        );
    }

    #[tokio::test]
    async fn a_key_that_is_no_longer_an_admins_refuses_to_act_for_anyone_and_says_why() {
        let mut directory = MockDirectory::new();
        let mut admin = vec![true, false].into_iter();
        directory.expect_can_act_as_others().returning(move || {
            let answer = admin.next().unwrap_or(false);
            Box::pin(async move { Ok(answer) })
        });
        directory
            .expect_roster()
            .times(1)
            .returning(|| Box::pin(async { Ok(Roster::default()) }));
        let bot = bot_with(tracker_refusing_to_act(), directory, Some("reader")).await;
        assert!(matches!(
            bot.refresh_identities().await,
            Err(DirectoryError::NotAdmin)
        ));
        for reply in [
            bot.ticket(&member(ALICE), "42", TicketAction::Resolve, None, now())
                .await,
            bot.new_ticket(&member(ALICE), "Down", "", now()).await,
            bot.tickets(&member(STRANGER), "", now()).await,
        ] {
            assert_eq!(
                reply,
                Reply::private(
                    "I cannot act as you right now: my Redmine key is no longer allowed to act \
                     for members, and I will not act in someone else's name. Please tell a \
                     netbot admin."
                )
            );
        }
    }

    #[tokio::test]
    async fn before_the_first_refresh_nobody_is_acted_for() {
        let bot = Bot::new(
            tracker_refusing_to_act(),
            MockInventory::new(),
            directory_of(&[(ALICE, "alice")]),
            settings(None),
        );
        let reply = bot.tickets(&member(ALICE), "", now()).await;
        assert!(
            reply.text.starts_with("I cannot act as you"),
            "{}",
            reply.text
        );
    }

    #[tokio::test]
    async fn a_member_on_two_redmine_users_is_told_and_not_acted_for() {
        let bot = bot_with(
            tracker_refusing_to_act(),
            directory_of(&[(ALICE, "alice"), (ALICE, "alice2")]),
            None,
        )
        .await;
        let reply = bot
            .ticket(&member(ALICE), "42", TicketAction::Assign, None, now())
            .await;
        assert_eq!(
            reply.text,
            "Your Discord account is linked to several Redmine users (`alice`, `alice2`): ask an \
             admin to keep only one."
        );
    }

    #[tokio::test]
    async fn person_choices_come_from_the_snapshot_without_asking_the_tracker() {
        let mut directory = MockDirectory::new();
        directory
            .expect_can_act_as_others()
            .times(1)
            .returning(|| Box::pin(async { Ok(true) }));
        directory.expect_roster().times(1).returning(|| {
            Box::pin(async {
                Ok(Roster {
                    links: Vec::new(),
                    people: (0..40)
                        .map(|n| {
                            domain::Principal::User(domain::User {
                                id: n,
                                login: Some(format!("user{n:02}")),
                                name: format!("Person {n:02}"),
                            })
                        })
                        .collect(),
                })
            })
        });
        // The tracker mock panics on any call: autocomplete must not reach it.
        let bot = bot_with(MockTicketTracker::new(), directory, None).await;
        let choices = bot.complete_person("person");
        assert_eq!(choices.len(), MAX_CHOICES);
        assert_eq!(choices[0], ("Person 00".to_owned(), "Person 00".to_owned()));
        assert_eq!(bot.complete_person("USER39").len(), 1);
    }

    #[tokio::test]
    async fn relinking_a_login_says_whom_it_replaced_and_a_linked_member_is_refused() {
        let mut directory = directory_of(&[(ALICE, "alice"), (STRANGER, "stranger")]);
        directory.checkpoint();
        directory
            .expect_can_act_as_others()
            .returning(|| Box::pin(async { Ok(true) }));
        directory.expect_roster().returning(|| {
            Box::pin(async {
                Ok(Roster {
                    links: vec![link(ALICE, "alice"), link(STRANGER, "stranger")],
                    people: Vec::new(),
                })
            })
        });
        directory.expect_link().times(1).returning(|_, login| {
            let login = login.clone();
            Box::pin(async move { Ok(login) })
        });
        let bot = bot_with(tracker_refusing_to_act(), directory, None).await;
        let admin = Member {
            role_ids: vec![ADMIN_ROLE],
            ..member(ALICE)
        };
        let newcomer = DiscordUserId::new(42).unwrap();
        assert_eq!(
            bot.link(&admin, newcomer, "stranger").await.text,
            format!(
                "Linked <@42> to the Redmine user `stranger`; it was linked to <@{STRANGER}>, \
                 who is no longer linked."
            )
        );
        assert_eq!(
            bot.link(&admin, newcomer, "alice").await.text,
            "<@42> is already linked to the Redmine user `stranger`: to move them, remove their \
             Discord id from that user in Redmine first."
        );
        assert_eq!(
            bot.link(&admin, newcomer, "two words").await.text,
            "'two words' is not a valid login."
        );
    }

    #[tokio::test]
    async fn a_timeout_reads_as_redmine_did_not_answer_in_8_s() {
        let mut tracker = MockTicketTracker::new();
        tracker.expect_acting_as().returning(|_| {
            let mut alice = MockTicketTracker::new();
            alice.expect_list_mine().returning(|| {
                Box::pin(async {
                    Err(TrackerError::Timeout {
                        host: "redmine.example.org".into(),
                        seconds: 8,
                    })
                })
            });
            alice
        });
        let bot = bot(tracker, None).await;
        let reply = bot.tickets(&member(ALICE), "", now()).await;
        assert_eq!(
            reply,
            Reply::private("Redmine did not answer in 8 s, try again.")
        );
    }

    #[tokio::test]
    async fn a_bad_ticket_number_is_refused_before_redmine_is_asked() {
        let bot = bot(tracker_refusing_to_act(), None).await;
        let reply = bot
            .ticket(&member(ALICE), "#abc", TicketAction::Show, None, now())
            .await;
        assert_eq!(
            reply.text,
            "'#abc' is not a ticket number (expected a positive number such as 42 or #42)."
        );
    }

    #[tokio::test]
    async fn site_autocomplete_offers_at_most_25_choices() {
        let mut inventory = MockInventory::new();
        inventory.expect_sites().returning(|| {
            let sites: std::sync::Arc<[Site]> = (0..40)
                .map(|n| Site {
                    id: n,
                    slug: format!("site-{n:02}"),
                    name: format!("Site {n:02}"),
                    status: "Active".into(),
                    region: None,
                    tenant: None,
                    facility: None,
                    physical_address: None,
                    coordinates: None,
                    description: None,
                    url: String::new(),
                })
                .collect();
            Box::pin(async move { Ok(sites) })
        });
        inventory.expect_site_details().never();
        let bot = Bot::new(
            tracker_refusing_to_act(),
            inventory,
            directory_of(&[]),
            settings(None),
        );
        let choices = bot.complete_site("site").await;
        assert_eq!(choices.len(), MAX_CHOICES);
        assert_eq!(choices[0], ("Site 00".to_owned(), "site-00".to_owned()));
    }
}
