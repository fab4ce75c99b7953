//! Discord's limits on what the bot sends, written once: the renderer, the planner, the chat
//! port and the Discord adapter all cut text to these.

/// Discord's limit on one message's length, in characters.
pub const MESSAGE_LIMIT: usize = 2000;

/// Discord's limit on a thread's name, in characters.
pub const THREAD_NAME_LIMIT: usize = 100;
