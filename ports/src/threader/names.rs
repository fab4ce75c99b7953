//! The guild's role and channel names a pass reads at most once, and only when a member's
//! message mentions a role or a channel.

use domain::{ChatMessage, GuildNames, MessageId};
use tracing::warn;

use super::{Pass, Threader};
use crate::chat::{Chat, ChatError, ChatFiles, GuildEvents};
use crate::tracker::{ActAs, Catalog, People, SyncStore, TicketFiles, Tickets};

impl<
        T: Tickets + TicketFiles + People + Catalog + SyncStore + ActAs,
        C: Chat + ChatFiles + GuildEvents,
    > Threader<T, C>
{
    /// The guild's role and channel names (with the active threads'), when a member's message
    /// among `messages` after `mark` (the ones a round may write on the ticket; those before
    /// it are only read for the mirrors among them) mentions a role or a channel: read once
    /// per pass. A bot that may not read them gets none (logged once per pass), and the
    /// mentions read as unknown.
    pub(super) async fn guild_names<'p>(
        &self,
        pass: &'p Pass<'_, T, C>,
        messages: &[ChatMessage],
        mark: Option<MessageId>,
    ) -> Result<Option<&'p GuildNames>, ChatError> {
        let wanted = messages.iter().any(|message| {
            mark.is_none_or(|mark| message.id > mark)
                && !message.author_is_bot
                && domain::mentions::names_guild(&message.content)
        });
        if !wanted {
            return Ok(None);
        }
        let read = pass
            .guild
            .get_or_try_init(|| async {
                let mut names = self.chat.guild_names(self.settings.guild).await?;
                for (thread, name) in &pass.threads {
                    names
                        .channels
                        .entry(*thread)
                        .or_insert_with(|| name.clone());
                }
                Ok::<_, ChatError>(names)
            })
            .await;
        match read {
            Ok(names) => Ok(Some(names)),
            Err(ChatError::Forbidden { action, detail }) => {
                warn!(%action, %detail, "cannot read the server's role and channel names; their mentions read as unknown");
                // Once per pass: the rest of the pass reads them as unknown without asking.
                let _ = pass.guild.set(GuildNames::default());
                Ok(pass.guild.get())
            }
            Err(other) => Err(other),
        }
    }
}
