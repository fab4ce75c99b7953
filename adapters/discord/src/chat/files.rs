//! Files both ways: a message's files posted as Discord's multipart form, and a member's file
//! read back from the address Discord gave. Apart from `exchange.rs` because neither goes
//! through serenity's routes: serenity has no multipart body for us, and a file's address is
//! Discord's CDN, where the bot's token must not go.

use bytes::Bytes;
use domain::{Attachment, ChannelId, Mentions, MessageId};
use ports::chat::{ChatError, CARRIED_FILE_LIMIT};
use ports::NewFile;
use reqwest::multipart::{Form, Part};
use serde_json::{json, Value};
use serenity::http::StatusCode;

use super::exchange::{read_body, refusal, unreachable, Answer, NoAnswer, Purpose};
use super::{allowed_mentions, bad_answer, wire, DiscordChat};

/// The content type of a file that names none, or names one no form can carry.
const UNKNOWN_KIND: &str = "application/octet-stream";

/// One file ready for the form: name, content type, and bytes shared (not copied) by a retry.
struct FormFile {
    name: String,
    kind: String,
    bytes: Bytes,
}

impl FormFile {
    /// The form's part for this file; a content type the form refuses is sent as unknown.
    fn part(&self) -> Result<Part, ChatError> {
        let part =
            || Part::stream(reqwest::Body::from(self.bytes.clone())).file_name(self.name.clone());
        part()
            .mime_str(&self.kind)
            .or_else(|_| part().mime_str(UNKNOWN_KIND))
            .map_err(|error| unreachable(&error))
    }
}

impl DiscordChat {
    /// Posts one message (`text` within the limit) with `files`, as Discord's multipart form
    /// (`payload_json` and `files[N]`), straight to the (proxied) base URL like
    /// [`DiscordChat::probe`]; 429s are waited out as [`DiscordChat::send`] does.
    pub(super) async fn post_files(
        &self,
        channel: ChannelId,
        text: &str,
        files: Vec<NewFile>,
        mentions: &Mentions,
    ) -> Result<MessageId, ChatError> {
        let purpose = Purpose {
            action: format!("post files in channel {channel}"),
            what: format!("channel {channel}"),
        };
        let files: Vec<FormFile> = files
            .into_iter()
            .map(|file| FormFile {
                kind: file
                    .content_type
                    .unwrap_or_else(|| String::from(UNKNOWN_KIND)),
                name: file.name,
                bytes: Bytes::from(file.bytes),
            })
            .collect();
        let attachments: Vec<Value> = files
            .iter()
            .enumerate()
            .map(|(n, file)| json!({ "id": n, "filename": file.name }))
            .collect();
        let payload = json!({
            "content": text,
            "allowed_mentions": allowed_mentions(mentions),
            "attachments": attachments,
        })
        .to_string();
        let url = format!("{}/api/v10/channels/{channel}/messages", self.base_url());
        let mut retries = 0;
        loop {
            let mut form = Form::new().text("payload_json", payload.clone());
            for (n, file) in files.iter().enumerate() {
                form = form.part(format!("files[{n}]"), file.part()?);
            }
            let response = self
                .client()?
                .post(&url)
                .header(reqwest::header::AUTHORIZATION, self.http.token())
                .multipart(form)
                .timeout(self.timeout)
                .send()
                .await
                .map_err(|error| unreachable(&error))?;
            let status = response.status();
            let retry_after_header = response
                .headers()
                .get("retry-after")
                .and_then(|value| value.to_str().ok())
                .and_then(|value| value.trim().parse::<f64>().ok());
            let body = read_body(&purpose, response).await?;
            let answer = Answer {
                status,
                retry_after_header,
                body,
            };
            if status == StatusCode::TOO_MANY_REQUESTS {
                let wait = self
                    .rate_limits
                    .wait_for(&purpose.action, &answer, &mut retries)?;
                tokio::time::sleep(wait).await;
                continue;
            }
            // A server error is no refusal of the files: the message is tried again next
            // pass, files and all, rather than posted with links.
            if status.is_server_error() {
                return Err(ChatError::Unreachable {
                    cause: Box::new(NoAnswer::ServerError {
                        server: "Discord",
                        status: status.as_u16(),
                    }),
                });
            }
            let body = refusal(&purpose, answer)?;
            let message: wire::MessageDto =
                serde_json::from_str(&body).map_err(|error| ChatError::Unexpected {
                    action: purpose.action.clone(),
                    cause: Box::new(error),
                })?;
            return MessageId::new(message.id.0)
                .map_err(|_| bad_answer(&purpose, &wire::BadId("message id")));
        }
    }

    /// A plain `GET` of the address Discord gave (its CDN signs it; no bot token is sent
    /// there), read once up to [`CARRIED_FILE_LIMIT`].
    pub(super) async fn fetch_file(&self, file: &Attachment) -> Result<Vec<u8>, ChatError> {
        let purpose = Purpose {
            action: format!("download the file {}", file.name),
            what: format!("file {}", file.name),
        };
        let url = reqwest::Url::parse(&file.url)
            .ok()
            .filter(|url| matches!(url.scheme(), "http" | "https"))
            .ok_or_else(|| ChatError::Rejected {
                action: purpose.action.clone(),
                detail: String::from("the file's address is not an http(s) URL"),
            })?;
        let response = self
            .client()?
            .get(url)
            .timeout(self.timeout)
            .send()
            .await
            .map_err(|error| unreachable(&error))?;
        let status = response.status();
        // A link that expired or a file deleted reads as gone (the note names it); a server
        // error or a rate limit is tried again next pass.
        if status.is_client_error() && status != StatusCode::TOO_MANY_REQUESTS {
            return Err(ChatError::NotFound { what: purpose.what });
        }
        if !status.is_success() {
            return Err(ChatError::Unreachable {
                cause: Box::new(NoAnswer::ServerError {
                    server: "the file's server",
                    status: status.as_u16(),
                }),
            });
        }
        let limit = usize::try_from(CARRIED_FILE_LIMIT).unwrap_or(usize::MAX);
        httpkit::body_bytes(response, limit)
            .await
            .map_err(|error| match error {
                httpkit::BodyError::Transport(error) => unreachable(&error),
                too_large @ httpkit::BodyError::TooLarge => ChatError::Rejected {
                    action: purpose.action.clone(),
                    detail: too_large.to_string(),
                },
            })
    }
}
