//! The guild's scheduled events (`/guilds/{id}/scheduled-events`): a ticket's due date as an
//! external event, listed, created, moved (`PATCH`) and deleted.

use chrono::{DateTime, SecondsFormat, Utc};
use domain::due_event::{EventTimes, NewEvent, ScheduledEvent, ScheduledEventId};
use domain::GuildId;
use ports::chat::{ChatError, GuildEvents};
use serde::Deserialize;
use serde_json::json;
use serenity::http::{LightMethod, Request, Route};

use super::exchange::Purpose;
use super::wire::{BadId, Snowflake};
use super::{bad_answer, json_body, DiscordChat};

/// An event's privacy: visible to the guild's members only (the one level Discord allows).
const GUILD_ONLY: u8 = 2;

/// An event that takes place somewhere outside Discord (a location, no channel).
const EXTERNAL: u8 = 3;

/// A scheduled event as Discord sends it; only what the port needs.
#[derive(Debug, Deserialize)]
struct EventDto {
    id: Snowflake,
    #[serde(default)]
    name: String,
    scheduled_start_time: DateTime<Utc>,
    #[serde(default)]
    scheduled_end_time: Option<DateTime<Utc>>,
    #[serde(default)]
    entity_metadata: Option<MetadataDto>,
}

#[derive(Debug, Deserialize)]
struct MetadataDto {
    #[serde(default)]
    location: Option<String>,
}

fn event(dto: EventDto) -> Result<ScheduledEvent, BadId> {
    Ok(ScheduledEvent {
        id: ScheduledEventId::new(dto.id.0).map_err(|_| BadId("scheduled event id"))?,
        name: dto.name,
        location: dto.entity_metadata.and_then(|metadata| metadata.location),
        times: EventTimes {
            start: dto.scheduled_start_time,
            end: dto.scheduled_end_time.unwrap_or(dto.scheduled_start_time),
        },
    })
}

fn timestamp(when: DateTime<Utc>) -> String {
    when.to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn serenity_guild(guild: GuildId) -> serenity::all::GuildId {
    serenity::all::GuildId::new(guild.get())
}

fn serenity_event(event: ScheduledEventId) -> serenity::all::ScheduledEventId {
    serenity::all::ScheduledEventId::new(event.get())
}

impl GuildEvents for DiscordChat {
    async fn scheduled_events(&self, guild: GuildId) -> Result<Vec<ScheduledEvent>, ChatError> {
        let purpose = Purpose {
            action: format!("list the scheduled events of server {guild}"),
            what: format!("server {guild}"),
        };
        let request = Request::new(
            Route::GuildScheduledEvents {
                guild_id: serenity_guild(guild),
            },
            LightMethod::Get,
        );
        let events: Vec<EventDto> = self.call(&purpose, request).await?;
        events
            .into_iter()
            .map(event)
            .collect::<Result<_, _>>()
            .map_err(|error| bad_answer(&purpose, &error))
    }

    async fn create_event(
        &self,
        guild: GuildId,
        new: &NewEvent,
    ) -> Result<ScheduledEvent, ChatError> {
        let purpose = Purpose {
            action: format!("schedule the event '{}' in server {guild}", new.name),
            what: format!("server {guild}"),
        };
        let body = json!({
            "name": new.name,
            "privacy_level": GUILD_ONLY,
            "entity_type": EXTERNAL,
            "channel_id": null,
            "entity_metadata": { "location": new.location },
            "scheduled_start_time": timestamp(new.times.start),
            "scheduled_end_time": timestamp(new.times.end),
        });
        let request = Request::new(
            Route::GuildScheduledEvents {
                guild_id: serenity_guild(guild),
            },
            LightMethod::Post,
        )
        .body(json_body(&body));
        let created: EventDto = self.call(&purpose, request).await?;
        event(created).map_err(|error| bad_answer(&purpose, &error))
    }

    async fn move_event(
        &self,
        guild: GuildId,
        event: ScheduledEventId,
        times: EventTimes,
    ) -> Result<(), ChatError> {
        let purpose = Purpose {
            action: format!("move scheduled event {event} in server {guild}"),
            what: format!("scheduled event {event}"),
        };
        let body = json!({
            "scheduled_start_time": timestamp(times.start),
            "scheduled_end_time": timestamp(times.end),
        });
        let request = Request::new(
            Route::GuildScheduledEvent {
                guild_id: serenity_guild(guild),
                event_id: serenity_event(event),
            },
            LightMethod::Patch,
        )
        .body(json_body(&body));
        self.send(&purpose, request).await.map(drop)
    }

    async fn delete_event(&self, guild: GuildId, event: ScheduledEventId) -> Result<(), ChatError> {
        let purpose = Purpose {
            action: format!("delete scheduled event {event} in server {guild}"),
            what: format!("scheduled event {event}"),
        };
        let request = Request::new(
            Route::GuildScheduledEvent {
                guild_id: serenity_guild(guild),
                event_id: serenity_event(event),
            },
            LightMethod::Delete,
        );
        self.send(&purpose, request).await.map(drop)
    }
}
