//! A fixture of Discord's gateway (v10, JSON text frames) for [`crate::discord::FakeDiscord`]:
//! the live side the threader listens to, with the failures a long-running listener meets
//! (dropped connections, refused resumes, an outage, a refused token or intents).
//!
//! It speaks as much of the protocol as serenity needs: HELLO (op 10) on connect; IDENTIFY
//! (op 2) starts a session answered by READY; heartbeats (op 1) are acknowledged (op 11);
//! RESUME (op 6) replays the dispatches the session missed since `seq`, then RESUMED, or
//! answers INVALID_SESSION (op 9, `d: false`) when the session is unknown or resumes are
//! refused. Every session numbers its dispatches from 1 and keeps them for a resume.
//! Message events reach only sessions that asked for `GUILD_MESSAGES`; without
//! `MESSAGE_CONTENT` others' messages come without their text and files, as Discord sends them.
//!
//! The server runs on its own thread (as wiremock's do), so that it answers whatever the test
//! is blocked on. Until someone connects, it costs one idle listening socket.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use serde_json::{json, Value};
use tokio::sync::{mpsc, oneshot};

mod server;

/// `GUILD_MESSAGES` (1 << 9): message events in guilds.
pub const GUILD_MESSAGES: u64 = 1 << 9;

/// `MESSAGE_CONTENT` (1 << 15): the text and files of others' messages.
pub const MESSAGE_CONTENT: u64 = 1 << 15;

/// `GUILDS` (1 << 0).
pub const GUILDS: u64 = 1;

/// The heartbeat interval HELLO announces unless [`FakeGateway::set_heartbeat_interval`] says
/// otherwise: short, so that a dead connection is noticed quickly in tests (Discord's is
/// about 41 s).
const DEFAULT_HEARTBEAT: Duration = Duration::from_millis(1000);

/// Dispatches a session keeps for a resume, at most (oldest dropped first).
const REPLAY_LIMIT: usize = 1000;

/// What a connection's writer is told to do.
#[derive(Debug)]
enum Outgoing {
    /// Send a text frame.
    Text(String),
    /// Close with this code and reason, as Discord does on a fatal error.
    Close(u16, String),
    /// Reset the TCP connection, without a closing handshake.
    Drop,
}

#[derive(Debug)]
struct Session {
    /// The last sequence number used.
    seq: u64,
    /// The intents it identified with.
    intents: u64,
    /// Dispatches sent so far as (seq, frame), for a resume.
    sent: Vec<(u64, String)>,
    /// The connection it currently lives on.
    connection: Option<u64>,
}

#[derive(Debug)]
struct Connection {
    session: Option<String>,
    outgoing: mpsc::UnboundedSender<Outgoing>,
}

#[derive(Debug)]
struct State {
    url: String,
    guild: u64,
    bot_user: u64,
    application_flags: u64,
    heartbeat: Duration,
    /// When set, IDENTIFY with another token is closed with 4004.
    token: Option<String>,
    /// IDENTIFY is closed with this code (4004 bad token, 4014 disallowed intents…).
    refuse_identify: Option<u16>,
    refuse_resume: bool,
    down: bool,
    next_connection: u64,
    next_session: u64,
    connections: BTreeMap<u64, Connection>,
    sessions: BTreeMap<String, Session>,
    identifies: usize,
    resumes: usize,
    last_intents: Option<u64>,
    last_query: Option<String>,
}

impl State {
    fn send(&self, connection: u64, outgoing: Outgoing) {
        if let Some(connection) = self.connections.get(&connection) {
            // A connection whose writer ended is being torn down: nothing to tell it.
            let _ = connection.outgoing.send(outgoing);
        }
    }

    /// Numbers a dispatch in `session`, keeps it for a resume and sends it if connected.
    fn dispatch_to(&mut self, session_id: &str, kind: &str, data: &Value) {
        let Some(session) = self.sessions.get_mut(session_id) else {
            return;
        };
        session.seq += 1;
        let frame = json!({ "op": 0, "t": kind, "s": session.seq, "d": data }).to_string();
        session.sent.push((session.seq, frame.clone()));
        if session.sent.len() > REPLAY_LIMIT {
            session.sent.remove(0);
        }
        if let Some(connection) = session.connection {
            self.send(connection, Outgoing::Text(frame));
        }
    }

    fn identify(&mut self, connection: u64, data: &Value) {
        self.identifies += 1;
        let intents = data["intents"].as_u64().unwrap_or(0);
        self.last_intents = Some(intents);
        let token = data["token"].as_str().unwrap_or_default();
        let token = token.strip_prefix("Bot ").unwrap_or(token);
        let refused = match (&self.token, self.refuse_identify) {
            (_, Some(code)) => Some(code),
            (Some(expected), None) if expected != token => Some(4004),
            _ => None,
        };
        if let Some(code) = refused {
            let reason = match code {
                4004 => "Authentication failed.",
                4014 => "Disallowed intent(s).",
                _ => "Refused by the fixture gateway.",
            };
            self.send(connection, Outgoing::Close(code, reason.to_owned()));
            return;
        }
        self.next_session += 1;
        let session_id = format!("fixture-session-{}", self.next_session);
        self.sessions.insert(
            session_id.clone(),
            Session {
                seq: 0,
                intents,
                sent: Vec::new(),
                connection: Some(connection),
            },
        );
        if let Some(live) = self.connections.get_mut(&connection) {
            live.session = Some(session_id.clone());
        }
        let ready = json!({
            "v": 10,
            "user": {
                "id": self.bot_user.to_string(), "username": "netbot", "discriminator": "0",
                "global_name": null, "avatar": null, "bot": true, "verified": true,
                "mfa_enabled": false, "flags": 0,
            },
            "guilds": [{ "id": self.guild.to_string(), "unavailable": true }],
            "session_id": session_id,
            "resume_gateway_url": self.url,
            "shard": [0, 1],
            "application": { "id": self.bot_user.to_string(), "flags": self.application_flags },
            "private_channels": [],
            "presences": [],
            "relationships": [],
        });
        self.dispatch_to(&session_id, "READY", &ready);
    }

    fn resume(&mut self, connection: u64, data: &Value) {
        self.resumes += 1;
        let session_id = data["session_id"].as_str().unwrap_or_default().to_owned();
        let since = data["seq"].as_u64().unwrap_or(0);
        if self.refuse_resume || !self.sessions.contains_key(&session_id) {
            self.sessions.remove(&session_id);
            let frame = json!({ "op": 9, "d": false, "s": null, "t": null }).to_string();
            self.send(connection, Outgoing::Text(frame));
            return;
        }
        let missed: Vec<String> = self.sessions[&session_id]
            .sent
            .iter()
            .filter(|(seq, _)| *seq > since)
            .map(|(_, frame)| frame.clone())
            .collect();
        for frame in missed {
            self.send(connection, Outgoing::Text(frame));
        }
        if let Some(session) = self.sessions.get_mut(&session_id) {
            session.connection = Some(connection);
        }
        if let Some(live) = self.connections.get_mut(&connection) {
            live.session = Some(session_id.clone());
        }
        self.dispatch_to(&session_id, "RESUMED", &json!({}));
    }

    /// One frame from a client.
    fn receive(&mut self, connection: u64, text: &str) {
        let Ok(frame) = serde_json::from_str::<Value>(text) else {
            self.send(
                connection,
                Outgoing::Close(4002, "Error while decoding payload.".into()),
            );
            return;
        };
        match frame["op"].as_u64() {
            Some(1) => {
                let ack = json!({ "op": 11, "d": null, "s": null, "t": null }).to_string();
                self.send(connection, Outgoing::Text(ack));
            }
            Some(2) => self.identify(connection, &frame["d"]),
            Some(6) => self.resume(connection, &frame["d"]),
            _ => {}
        }
    }

    fn forget(&mut self, connection: u64) {
        if let Some(gone) = self.connections.remove(&connection) {
            if let Some(session) = gone.session.and_then(|id| self.sessions.get_mut(&id)) {
                if session.connection == Some(connection) {
                    session.connection = None;
                }
            }
        }
    }

    /// Resets every connection; their sessions are detached at once, so that what is
    /// dispatched from now on waits for a resume.
    fn drop_connections(&mut self) {
        for connection in self.connections.values_mut() {
            connection.session = None;
            let _ = connection.outgoing.send(Outgoing::Drop);
        }
        for session in self.sessions.values_mut() {
            session.connection = None;
        }
    }
}

/// A running fixture gateway; it stops when dropped.
#[derive(Debug)]
pub struct FakeGateway {
    state: Arc<Mutex<State>>,
    url: String,
    /// Tells the server's thread to stop.
    stop: Option<oneshot::Sender<()>>,
}

impl FakeGateway {
    /// Starts a gateway on 127.0.0.1 (a port of its own) for `guild`, whose bot is `bot_user`.
    ///
    /// # Panics
    /// When no local port can be bound: a broken test machine.
    #[must_use]
    #[allow(clippy::panic)]
    pub fn start(guild: u64, bot_user: u64, application_flags: u64) -> Self {
        let listener = match std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|listener| listener.set_nonblocking(true).map(|()| listener))
        {
            Ok(listener) => listener,
            Err(error) => panic!("the fixture gateway cannot listen: {error}"),
        };
        let address = listener
            .local_addr()
            .unwrap_or_else(|_| SocketAddr::from(([127, 0, 0, 1], 0)));
        let url = format!("ws://{address}");
        let state = Arc::new(Mutex::new(State {
            url: url.clone(),
            guild,
            bot_user,
            application_flags,
            heartbeat: DEFAULT_HEARTBEAT,
            token: None,
            refuse_identify: None,
            refuse_resume: false,
            down: false,
            next_connection: 0,
            next_session: 0,
            connections: BTreeMap::new(),
            sessions: BTreeMap::new(),
            identifies: 0,
            resumes: 0,
            last_intents: None,
            last_query: None,
        }));
        let (stop, stopped) = oneshot::channel();
        let shared = Arc::clone(&state);
        std::thread::spawn(move || server::serve(listener, shared, stopped));
        Self {
            state,
            url,
            stop: Some(stop),
        }
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The gateway's URL (`ws://127.0.0.1:PORT`), as `GET /gateway/bot` answers it.
    #[must_use]
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Sends a dispatch (`t` = `kind`) to every session, connected or waiting to resume.
    /// Message events (`MESSAGE_*`) go only to sessions with `GUILD_MESSAGES`, and without
    /// `MESSAGE_CONTENT` a message not the bot's loses its text and files.
    pub fn dispatch(&self, kind: &str, data: &Value) {
        let mut state = self.state();
        let bot = state.bot_user.to_string();
        let sessions: Vec<(String, u64)> = state
            .sessions
            .iter()
            .map(|(id, session)| (id.clone(), session.intents))
            .collect();
        for (session, intents) in sessions {
            if kind.starts_with("MESSAGE_") {
                if intents & GUILD_MESSAGES == 0 {
                    continue;
                }
                if intents & MESSAGE_CONTENT == 0 && data["author"]["id"] != json!(bot) {
                    let mut blanked = data.clone();
                    for (field, empty) in [("content", json!("")), ("attachments", json!([]))] {
                        if blanked.get(field).is_some() {
                            blanked[field] = empty;
                        }
                    }
                    state.dispatch_to(&session, kind, &blanked);
                    continue;
                }
            }
            state.dispatch_to(&session, kind, data);
        }
    }

    /// HELLO announces this heartbeat interval from the next connection on.
    pub fn set_heartbeat_interval(&self, interval: Duration) {
        self.state().heartbeat = interval;
    }

    /// From now on IDENTIFY with a token other than `token` is closed with 4004.
    pub fn require_token(&self, token: &str) {
        self.state().token = Some(token.to_owned());
    }

    /// Every IDENTIFY from now on is closed with `code` (4004: authentication failed, 4014:
    /// disallowed intents), or accepted again with `None`.
    pub fn refuse_identify(&self, code: Option<u16>) {
        self.state().refuse_identify = code;
    }

    /// Refuses (`true`) every RESUME with INVALID_SESSION, so that a reconnect is a new
    /// session and what was missed is not replayed; `false` allows resumes again.
    pub fn refuse_resume(&self, refuse: bool) {
        self.state().refuse_resume = refuse;
    }

    /// Closes every connection abruptly (no closing handshake). Sessions stay resumable.
    pub fn drop_connections(&self) {
        self.state().drop_connections();
    }

    /// Takes the gateway down (`true`): every connection is dropped, every session forgotten,
    /// and new connections are closed before the WebSocket handshake until it is back
    /// (`false`). Dispatches meanwhile reach nobody.
    pub fn set_down(&self, down: bool) {
        let mut state = self.state();
        state.down = down;
        if down {
            state.drop_connections();
            state.sessions.clear();
        }
    }

    /// How many sessions IDENTIFY started (refused ones not counted).
    #[must_use]
    pub fn sessions(&self) -> usize {
        usize::try_from(self.state().next_session).unwrap_or(usize::MAX)
    }

    /// How many IDENTIFYs arrived, refused ones included.
    #[must_use]
    pub fn identifies(&self) -> usize {
        self.state().identifies
    }

    /// How many RESUMEs arrived, refused ones included.
    #[must_use]
    pub fn resumes(&self) -> usize {
        self.state().resumes
    }

    /// The intents of the last IDENTIFY.
    #[must_use]
    pub fn last_intents(&self) -> Option<u64> {
        self.state().last_intents
    }

    /// The query string of the last connection (serenity sends `v=10`).
    #[must_use]
    pub fn last_query(&self) -> Option<String> {
        self.state().last_query.clone()
    }

    /// How many connections are open and in a session (identified or resumed).
    #[must_use]
    pub fn connected(&self) -> usize {
        self.state()
            .connections
            .values()
            .filter(|connection| connection.session.is_some())
            .count()
    }
}

impl Drop for FakeGateway {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}
