//! One request to Discord and its answer: sent through serenity's rate limiter or straight
//! to the (proxied) base URL, 429s waited out, the body read up to httpkit's cap, and an
//! error status turned into the [`ChatError`] it means.

use std::time::Duration;

use serde::de::DeserializeOwned;
use serde_json::Value;
use serenity::http::{HttpError, LightMethod, Request, Route, StatusCode};

use domain::ChannelId;
use ports::chat::ChatError;

use super::{serenity_channel, wire, DiscordChat};
use crate::redacted;

/// An answer read in full: status, `Retry-After` in seconds, body.
pub(super) struct Answer {
    pub(super) status: StatusCode,
    pub(super) retry_after_header: Option<f64>,
    pub(super) body: String,
}

/// What a request is for, to word its errors.
pub(super) struct Purpose {
    /// "post in channel 1", for Forbidden, RateLimited and Rejected.
    pub(super) action: String,
    /// "channel 1", for NotFound.
    pub(super) what: String,
}

impl DiscordChat {
    /// Sends `request`, waiting out 429s, and decodes a successful answer's JSON.
    pub(super) async fn call<T: DeserializeOwned>(
        &self,
        purpose: &Purpose,
        request: Request<'_>,
    ) -> Result<T, ChatError> {
        let body = self.send(purpose, request).await?;
        let body = if body.is_empty() { "null" } else { &body };
        serde_json::from_str(body).map_err(|error| ChatError::Unexpected {
            action: purpose.action.clone(),
            cause: Box::new(error),
        })
    }

    /// Sends `request` and returns a successful answer's body; 429s are waited out.
    pub(super) async fn send(
        &self,
        purpose: &Purpose,
        request: Request<'_>,
    ) -> Result<String, ChatError> {
        let mut retries = 0;
        loop {
            let answer = tokio::time::timeout(self.timeout, self.once(purpose, request.clone()))
                .await
                .map_err(|_| ChatError::Unreachable {
                    cause: Box::new(NoAnswer::Within(self.timeout)),
                })??;
            if answer.status == StatusCode::TOO_MANY_REQUESTS {
                let wait = self
                    .rate_limits
                    .wait_for(&purpose.action, &answer, &mut retries)?;
                tokio::time::sleep(wait).await;
                continue;
            }
            return refusal(purpose, answer);
        }
    }

    /// One attempt: through serenity's rate limiter when it is on, else straight to the
    /// (proxied) base URL with the bot's token.
    async fn once(&self, purpose: &Purpose, request: Request<'_>) -> Result<Answer, ChatError> {
        let response = match &self.http.ratelimiter {
            Some(limiter) => limiter
                .perform(request)
                .await
                .map_err(|error| serenity_failure(purpose, &error))?,
            None => request
                .build(
                    self.client()?,
                    self.http.token(),
                    self.http.proxy.as_deref(),
                )
                .map_err(|error| serenity_failure(purpose, &error))?
                .timeout(self.timeout)
                .send()
                .await
                .map_err(|error| unreachable(&error))?,
        };
        let status = response.status();
        let retry_after_header = response
            .headers()
            .get("retry-after")
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.trim().parse::<f64>().ok());
        let body = read_body(purpose, response).await?;
        Ok(Answer {
            status,
            retry_after_header,
            body,
        })
    }

    /// `GET /api/v10{path}` for `netbot check`: the JSON of a success, `None` for a 401 (the
    /// token rejected), the error of any other answer. Straight to the (proxied) base URL:
    /// a handful of reads, some with no serenity route (`/applications/@me`).
    pub(crate) async fn probe(&self, action: &str, path: &str) -> Result<Option<Value>, ChatError> {
        let purpose = Purpose {
            action: action.to_owned(),
            what: action.trim_start_matches("read ").to_owned(),
        };
        let request = self
            .client()?
            .get(format!("{}/api/v10{path}", self.base_url()))
            .header(reqwest::header::AUTHORIZATION, self.http.token())
            .timeout(self.timeout);
        let response = request.send().await.map_err(|error| unreachable(&error))?;
        let status = response.status();
        let body = read_body(&purpose, response).await?;
        if status == StatusCode::UNAUTHORIZED {
            return Ok(None);
        }
        let body = refusal(
            &purpose,
            Answer {
                status,
                retry_after_header: None,
                body,
            },
        )?;
        serde_json::from_str(&body)
            .map(Some)
            .map_err(|error| ChatError::Unexpected {
                action: purpose.action,
                cause: Box::new(error),
            })
    }

    /// Discord's base URL, or the proxy `DiscordChat::connect` was given, for requests
    /// that bypass serenity's routes.
    pub(super) fn base_url(&self) -> &str {
        self.http
            .proxy
            .as_deref()
            .unwrap_or("https://discord.com")
            .trim_end_matches('/')
    }

    /// One page of a channel's messages, as Discord returns it (newest first).
    pub(super) async fn page(
        &self,
        purpose: &Purpose,
        channel: ChannelId,
        params: Vec<(&'static str, String)>,
    ) -> Result<Vec<wire::MessageDto>, ChatError> {
        let request = Request::new(
            Route::ChannelMessages {
                channel_id: serenity_channel(channel),
            },
            LightMethod::Get,
        )
        .params(Some(params));
        self.call(purpose, request).await
    }
}

/// The body of an answer, read up to httpkit's cap.
pub(super) async fn read_body(
    purpose: &Purpose,
    response: reqwest::Response,
) -> Result<String, ChatError> {
    httpkit::body_text(response)
        .await
        .map_err(|error| match error {
            httpkit::BodyError::Transport(error) => unreachable(&error),
            too_large @ httpkit::BodyError::TooLarge => ChatError::Rejected {
                action: purpose.action.clone(),
                detail: too_large.to_string(),
            },
        })
}

/// A successful answer's body, or the error its status means.
pub(super) fn refusal(purpose: &Purpose, answer: Answer) -> Result<String, ChatError> {
    let status = answer.status;
    if status.is_success() {
        return Ok(answer.body);
    }
    let message = serde_json::from_str::<Value>(&answer.body)
        .ok()
        .and_then(|body| {
            let message = body["message"].as_str()?.to_owned();
            Some(match body["code"].as_u64() {
                Some(code) if code != 0 => format!("{message} (code {code})"),
                _ => message,
            })
        })
        .unwrap_or_else(|| String::from("no explanation"));
    Err(match status {
        StatusCode::NOT_FOUND => ChatError::NotFound {
            what: purpose.what.clone(),
        },
        StatusCode::FORBIDDEN => ChatError::Forbidden {
            action: purpose.action.clone(),
            detail: message,
        },
        _ => ChatError::Rejected {
            action: purpose.action.clone(),
            detail: format!("Discord answered {}: {message}", status.as_u16()),
        },
    })
}

/// Why Discord gave no answer: the cause of [`ChatError::Unreachable`], told without the
/// request's URL (which may hold an interaction token).
#[derive(Debug, thiserror::Error)]
pub(super) enum NoAnswer {
    /// The whole exchange, retries included, ran past the chat's timeout.
    #[error("Discord did not answer within {0:?}")]
    Within(Duration),
    /// One request ran past its timeout.
    #[error("Discord did not answer in time")]
    InTime,
    /// What the network said: reqwest's innermost cause, never its own text, which names the
    /// URL (the error itself is borrowed from serenity's, so only its words can be kept).
    #[error("{0}")]
    Network(String),
    /// The server answered, but with an error of its own (5xx, or a 429 on a file's host):
    /// worth trying again, unlike a refusal.
    #[error("{server} answered {status}")]
    ServerError {
        /// Whose server: "Discord", "the file's server".
        server: &'static str,
        /// The HTTP status.
        status: u16,
    },
}

/// A network failure, told by its innermost cause (reqwest's own text names the URL).
pub(super) fn unreachable(error: &reqwest::Error) -> ChatError {
    let cause = if error.is_timeout() {
        NoAnswer::InTime
    } else {
        NoAnswer::Network(crate::network_reason(error))
    };
    ChatError::Unreachable {
        cause: Box::new(cause),
    }
}

/// A failure inside serenity (building the request, or its rate limiter's request).
fn serenity_failure(purpose: &Purpose, error: &serenity::Error) -> ChatError {
    match error {
        serenity::Error::Http(HttpError::Request(request)) => unreachable(request),
        other => ChatError::Rejected {
            action: purpose.action.clone(),
            detail: redacted(other),
        },
    }
}
