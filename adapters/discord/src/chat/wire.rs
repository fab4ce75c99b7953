//! Discord's JSON as the chat adapter reads it, and its mapping to the domain's chat records.
//! Only the fields the port needs are read; everything else Discord sends is ignored.

use domain::{
    Attachment, ChannelId, ChatMessage, DiscordUserId, GuildNames, MessageId, RoleId, ThreadInfo,
};
use serde::de::{self, Deserializer, Visitor};
use serde::Deserialize;

/// A snowflake: Discord sends ids as decimal strings (numbers are accepted too).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) struct Snowflake(pub(super) u64);

impl<'de> Deserialize<'de> for Snowflake {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct SnowflakeVisitor;
        impl Visitor<'_> for SnowflakeVisitor {
            type Value = Snowflake;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a snowflake as a decimal string")
            }
            fn visit_u64<E: de::Error>(self, n: u64) -> Result<Snowflake, E> {
                Ok(Snowflake(n))
            }
            fn visit_str<E: de::Error>(self, text: &str) -> Result<Snowflake, E> {
                text.parse().map(Snowflake).map_err(E::custom)
            }
        }
        deserializer.deserialize_any(SnowflakeVisitor)
    }
}

/// A message, as `GET /channels/{id}/messages` and `POST …/messages` answer.
#[derive(Debug, Deserialize)]
pub(super) struct MessageDto {
    pub(super) id: Snowflake,
    #[serde(rename = "type", default)]
    pub(super) kind: u64,
    author: UserDto,
    #[serde(default)]
    member: Option<MemberDto>,
    #[serde(default)]
    content: String,
    #[serde(default)]
    attachments: Vec<AttachmentDto>,
    #[serde(default)]
    thread: Option<ChannelRefDto>,
    #[serde(default)]
    sticker_items: Vec<StickerDto>,
    #[serde(default)]
    poll: Option<PollDto>,
    #[serde(default)]
    mentions: Vec<MentionDto>,
}

/// A user a message mentions: Discord sends the user with a partial `member` (its nick).
#[derive(Debug, Deserialize)]
struct MentionDto {
    #[serde(flatten)]
    user: UserDto,
    #[serde(default)]
    member: Option<MemberDto>,
}

/// A role, as `GET /guilds/{id}/roles` answers.
#[derive(Debug, Deserialize)]
pub(super) struct RoleDto {
    id: Snowflake,
    #[serde(default)]
    name: String,
}

/// A channel, as `GET /guilds/{id}/channels` answers.
#[derive(Debug, Deserialize)]
pub(super) struct GuildChannelDto {
    id: Snowflake,
    #[serde(default)]
    name: Option<String>,
}

#[derive(Debug, Deserialize)]
struct StickerDto {
    #[serde(default)]
    name: String,
}

#[derive(Debug, Deserialize)]
struct PollDto {
    #[serde(default)]
    question: PollMediaDto,
}

#[derive(Debug, Default, Deserialize)]
struct PollMediaDto {
    #[serde(default)]
    text: Option<String>,
}

#[derive(Debug, Deserialize)]
struct UserDto {
    id: Snowflake,
    #[serde(default)]
    username: String,
    #[serde(default)]
    global_name: Option<String>,
    #[serde(default)]
    bot: bool,
}

#[derive(Debug, Deserialize)]
struct MemberDto {
    #[serde(default)]
    nick: Option<String>,
}

#[derive(Debug, Deserialize)]
struct AttachmentDto {
    filename: String,
    url: String,
    #[serde(default)]
    size: u64,
    #[serde(default)]
    content_type: Option<String>,
}

#[derive(Debug, Deserialize)]
struct ChannelRefDto {
    id: Snowflake,
}

/// A channel or thread, as `GET /channels/{id}` and the thread endpoints answer.
#[derive(Debug, Deserialize)]
pub(super) struct ChannelDto {
    id: Snowflake,
    #[serde(default)]
    parent_id: Option<Snowflake>,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    last_message_id: Option<Snowflake>,
    #[serde(default)]
    thread_metadata: Option<ThreadMetadataDto>,
}

#[derive(Debug, Deserialize)]
struct ThreadMetadataDto {
    #[serde(default)]
    archived: bool,
    #[serde(default)]
    locked: bool,
}

/// `GET /guilds/{id}/threads/active`.
#[derive(Debug, Deserialize)]
pub(super) struct ActiveThreadsDto {
    pub(super) threads: Vec<ChannelDto>,
}

/// Message types that are something someone wrote: default, reply, and the answers to slash
/// and context-menu commands. System messages ("started a thread", the thread starter
/// reference, pins, joins) are not.
pub(super) fn is_written(kind: u64) -> bool {
    matches!(kind, 0 | 19 | 20 | 23)
}

/// Why a Discord answer could not be mapped.
#[derive(Debug, Clone, Copy)]
pub(super) struct BadId(pub(super) &'static str);

impl std::fmt::Display for BadId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Discord sent a {} of 0", self.0)
    }
}

impl std::error::Error for BadId {}

fn channel_id(id: Snowflake) -> Result<ChannelId, BadId> {
    ChannelId::new(id.0).map_err(|_| BadId("channel id"))
}

fn message_id(id: Snowflake) -> Result<MessageId, BadId> {
    MessageId::new(id.0).map_err(|_| BadId("message id"))
}

/// A message's text as people read it: a message of stickers or a poll has no content but
/// says something, which must not read as "the Message Content intent is off".
fn content(text: String, stickers: &[StickerDto], poll: Option<&PollDto>) -> String {
    if !text.trim().is_empty() {
        return text;
    }
    let mut said: Vec<String> = stickers
        .iter()
        .map(|sticker| format!("[sticker: {}]", sticker.name))
        .collect();
    if let Some(question) = poll.and_then(|poll| poll.question.text.as_deref()) {
        said.push(format!("[poll: {question}]"));
    }
    if said.is_empty() {
        text
    } else {
        said.join(" ")
    }
}

/// How a person shows: the server nickname when Discord sends one, else the global name,
/// else the username.
fn display_name(
    member: Option<MemberDto>,
    global_name: Option<String>,
    username: String,
) -> String {
    member
        .and_then(|member| member.nick)
        .or(global_name)
        .filter(|name| !name.trim().is_empty())
        .unwrap_or(username)
}

/// The domain's message, its author and the users it mentions by display name.
pub(super) fn message(dto: MessageDto) -> Result<ChatMessage, BadId> {
    let author_name = display_name(dto.member, dto.author.global_name, dto.author.username);
    let mentioned = dto
        .mentions
        .into_iter()
        .filter_map(|mention| {
            let id = DiscordUserId::new(mention.user.id.0).ok()?;
            let user = mention.user;
            Some((
                id,
                display_name(mention.member, user.global_name, user.username),
            ))
        })
        .collect();
    Ok(ChatMessage {
        id: message_id(dto.id)?,
        author: DiscordUserId::new(dto.author.id.0).map_err(|_| BadId("user id"))?,
        author_name,
        author_is_bot: dto.author.bot,
        content: content(dto.content, &dto.sticker_items, dto.poll.as_ref()),
        attachments: dto
            .attachments
            .into_iter()
            .map(|attachment| Attachment {
                name: attachment.filename,
                url: attachment.url,
                size: attachment.size,
                content_type: attachment.content_type,
            })
            .collect(),
        thread: dto.thread.map(|thread| channel_id(thread.id)).transpose()?,
        mentioned,
    })
}

/// A message the gateway pushed, as Discord's JSON, mapped exactly as the REST path maps a
/// page's messages; `None` for a system message ("started a thread", a pin…), which
/// `messages_after` skips too. Fields sent as `null` count as absent (an update carries only
/// what changed).
pub(crate) fn pushed_message(
    mut json: serde_json::Value,
) -> Result<Option<ChatMessage>, Box<dyn std::error::Error + Send + Sync>> {
    if let Some(fields) = json.as_object_mut() {
        fields.retain(|_, value| !value.is_null());
    }
    let dto: MessageDto = serde_json::from_value(json)?;
    if !is_written(dto.kind) {
        return Ok(None);
    }
    Ok(Some(message(dto)?))
}

/// The domain's names of a server's roles and channels; an id of 0 is dropped.
pub(super) fn guild_names(roles: Vec<RoleDto>, channels: Vec<GuildChannelDto>) -> GuildNames {
    GuildNames {
        roles: roles
            .into_iter()
            .filter_map(|role| Some((RoleId::new(role.id.0).ok()?, role.name)))
            .collect(),
        channels: channels
            .into_iter()
            .filter_map(|channel| Some((ChannelId::new(channel.id.0).ok()?, channel.name?)))
            .collect(),
    }
}

/// The domain's thread; a channel without thread metadata reads as neither archived nor locked.
pub(super) fn thread(dto: ChannelDto) -> Result<ThreadInfo, BadId> {
    let (archived, locked) = dto
        .thread_metadata
        .map_or((false, false), |meta| (meta.archived, meta.locked));
    Ok(ThreadInfo {
        id: channel_id(dto.id)?,
        parent: dto.parent_id.map(channel_id).transpose()?,
        name: dto.name.unwrap_or_default(),
        archived,
        locked,
        last_message_id: dto.last_message_id.map(message_id).transpose()?,
    })
}

#[cfg(test)]
mod tests {
    use super::{message, MessageDto};

    fn read(json: &str) -> String {
        let dto: MessageDto = serde_json::from_str(json).expect("a message");
        message(dto).expect("valid ids").content
    }

    #[test]
    fn mentioned_users_are_named_as_the_server_shows_them() {
        let json = r#"{"id": "9", "author": {"id": "5", "username": "alice"}, "content": "<@6> <@7> <@8>",
            "mentions": [
                {"id": "6", "username": "bob", "global_name": "Bob B", "member": {"nick": "Bobby"}},
                {"id": "7", "username": "carol", "global_name": "Carol C"},
                {"id": "8", "username": "dave", "global_name": null}
            ]}"#;
        let dto: MessageDto = serde_json::from_str(json).expect("a message");
        let names: Vec<(u64, String)> = message(dto)
            .expect("valid ids")
            .mentioned
            .into_iter()
            .map(|(id, name)| (id.get(), name))
            .collect();
        assert_eq!(
            names,
            [
                (6, "Bobby".into()),
                (7, "Carol C".into()),
                (8, "dave".into())
            ]
        );
    }

    #[test]
    fn a_message_of_stickers_or_a_poll_says_so_instead_of_reading_blank() {
        let author = r#""author": {"id": "5", "username": "alice"}"#;
        assert_eq!(
            read(&format!(
                r#"{{"id": "9", {author}, "content": "", "sticker_items": [{{"id": "1", "name": "wave"}}]}}"#
            )),
            "[sticker: wave]"
        );
        assert_eq!(
            read(&format!(
                r#"{{"id": "9", {author}, "content": "", "poll": {{"question": {{"text": "Saturday?"}}}}}}"#
            )),
            "[poll: Saturday?]"
        );
        assert_eq!(
            read(&format!(
                r#"{{"id": "9", {author}, "content": "hi", "sticker_items": [{{"name": "wave"}}]}}"#
            )),
            "hi"
        );
        assert_eq!(
            read(&format!(r#"{{"id": "9", {author}, "content": ""}}"#)),
            ""
        );
    }
}
