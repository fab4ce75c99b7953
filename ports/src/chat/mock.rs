//! One mock that plays the chat roles, for the threader, which needs [`Chat`], [`ChatFiles`]
//! (and, for due dates, [`GuildEvents`]) on one value: tests set only what they expect.

use std::future::Future;

use domain::{
    Attachment, ChannelId, ChatMessage, GuildId, GuildNames, Mentions, MessageId, ThreadInfo,
};

use domain::due_event::{EventTimes, NewEvent, ScheduledEvent, ScheduledEventId};

use super::{Chat, ChatError, ChatFiles, GuildEvents};
use crate::tracker::NewFile;

mockall::mock! {
    /// A chat playing the roles: [`Chat`], [`ChatFiles`] and [`GuildEvents`].
    pub ChatWithFiles {}

    impl Chat for ChatWithFiles {
        fn post(
            &self,
            channel: ChannelId,
            text: &str,
            mentions: &Mentions,
        ) -> impl Future<Output = Result<Vec<MessageId>, ChatError>> + Send;
        fn edit(
            &self,
            channel: ChannelId,
            message: MessageId,
            text: &str,
        ) -> impl Future<Output = Result<(), ChatError>> + Send;
        fn start_thread(
            &self,
            channel: ChannelId,
            message: MessageId,
            name: &str,
        ) -> impl Future<Output = Result<ThreadInfo, ChatError>> + Send;
        fn messages_after(
            &self,
            channel: ChannelId,
            after: Option<MessageId>,
        ) -> impl Future<Output = Result<Vec<ChatMessage>, ChatError>> + Send;
        fn recent_messages(
            &self,
            channel: ChannelId,
            limit: u8,
        ) -> impl Future<Output = Result<Vec<ChatMessage>, ChatError>> + Send;
        fn active_threads(
            &self,
            guild: GuildId,
        ) -> impl Future<Output = Result<Vec<ThreadInfo>, ChatError>> + Send;
        fn thread(
            &self,
            thread: ChannelId,
        ) -> impl Future<Output = Result<Option<ThreadInfo>, ChatError>> + Send;
        fn set_archived(
            &self,
            thread: ChannelId,
            archived: bool,
        ) -> impl Future<Output = Result<(), ChatError>> + Send;
        fn guild_names(
            &self,
            guild: GuildId,
        ) -> impl Future<Output = Result<GuildNames, ChatError>> + Send;
    }

    impl ChatFiles for ChatWithFiles {
        fn post_with_files(
            &self,
            channel: ChannelId,
            text: &str,
            files: Vec<NewFile>,
            mentions: &Mentions,
        ) -> impl Future<Output = Result<Vec<MessageId>, ChatError>> + Send;
        fn download(
            &self,
            file: &Attachment,
        ) -> impl Future<Output = Result<Vec<u8>, ChatError>> + Send;
    }

    impl GuildEvents for ChatWithFiles {
        fn scheduled_events(
            &self,
            guild: GuildId,
        ) -> impl Future<Output = Result<Vec<ScheduledEvent>, ChatError>> + Send;
        fn create_event(
            &self,
            guild: GuildId,
            event: &NewEvent,
        ) -> impl Future<Output = Result<ScheduledEvent, ChatError>> + Send;
        fn move_event(
            &self,
            guild: GuildId,
            event: ScheduledEventId,
            times: EventTimes,
        ) -> impl Future<Output = Result<(), ChatError>> + Send;
        fn delete_event(
            &self,
            guild: GuildId,
            event: ScheduledEventId,
        ) -> impl Future<Output = Result<(), ChatError>> + Send;
    }
}
