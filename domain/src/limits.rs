//! Discord's limits on what the bot sends, written once: the renderer, the planner, the chat
//! port and the Discord adapter all cut text to these; and the largest file the threader
//! carries from one side to the other.

/// Discord's limit on one message's length, in characters.
pub const MESSAGE_LIMIT: usize = 2000;

/// Discord's limit on a thread's name, in characters.
pub const THREAD_NAME_LIMIT: usize = 100;

/// The largest file the threader carries between the chat and the tracker, in bytes: a file
/// is held in memory once on its way, so this bounds what one file may cost (the same as the
/// HTTP adapters' cap on an answer's body, 32 MiB).
pub const CARRIED_FILE_LIMIT: u64 = 32 * 1024 * 1024;

/// Discord's limit on the files of one message.
pub const FILES_PER_MESSAGE_LIMIT: usize = 10;

/// How many bytes of files one message the threader posts may carry unless `[threader]
/// max_upload` says otherwise: Discord's upload limit for a server without boosts, 8 MiB.
pub const DEFAULT_MAX_UPLOAD: u64 = 8 * 1024 * 1024;
