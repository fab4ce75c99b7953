//! netbot's pure core: the types and decisions shared by the CLI, the bot and the threader.
//!
//! Nothing here does I/O, awaits, or reads a clock: `now` is always a parameter.

pub mod age;
pub mod auto_threads;
pub mod bot;
pub mod chat;
pub mod check;
pub mod due;
pub mod due_event;
pub mod files;
pub mod hours;
pub mod ids;
pub mod limits;
pub mod member_links;
pub mod mentions;
pub mod names;
pub mod notify;
pub mod people;
pub mod query;
pub mod render;
pub mod site;
pub mod sync;
pub mod team_status;
pub mod ticket;
pub mod tracker_links;

pub use chat::message::{Attachment, ChatMessage, GuildNames, Mentions, ThreadInfo};
pub use chat::{split_message, Member, Reply};
pub use due::DueChange;
pub use hours::{Hours, HoursError};
pub use ids::{
    ChannelId, DiscordUserId, GuildId, InvalidId, JournalId, Login, MessageId, ProjectId, RoleId,
    StatusId, UserId,
};
pub use people::{Principal, Team, User};
pub use query::{Action, QueryError, TicketQuery};
pub use site::{Site, SiteCounts, SiteDetails, SiteMatch};
pub use ticket::{
    AssigneeChange, Change, Journal, Named, ParentChange, Status, Ticket, TicketFile, TicketId,
    TicketUpdate,
};
pub use tracker_links::TicketLinks;
