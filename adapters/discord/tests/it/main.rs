//! The Discord adapter's REST calls against wiremock Discords (through `DISCORD_API_URL`'s
//! mechanism, serenity's proxy): interactions answered, and the chat port; and its live side
//! against the fixture gateway.

#![allow(clippy::unwrap_used, clippy::panic, missing_docs)]

mod chat;
mod gateway;
mod interactions;
mod scheduled;
