//! The health adapter end to end: a served `Health` asked over HTTP as a monitor (or a
//! container's healthcheck) would ask it.

#![allow(clippy::unwrap_used, clippy::panic, missing_docs)]

mod healthz;
mod metrics;
mod probe;

use std::net::SocketAddr;

use health::Health;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio_util::sync::CancellationToken;

/// A status, the headers as one lowercased text, and the body.
pub struct Answer {
    pub status: u16,
    pub head: String,
    pub body: String,
}

/// Serves `health` on a free loopback port until the token is cancelled.
pub async fn served(health: &Health) -> (SocketAddr, CancellationToken) {
    let stop = CancellationToken::new();
    let addr = health
        .serve("127.0.0.1:0".parse().unwrap(), stop.clone())
        .await
        .unwrap();
    (addr, stop)
}

/// `METHOD PATH` on `addr`, as a plain HTTP/1.1 client would ask it.
pub async fn ask(addr: SocketAddr, method: &str, path: &str) -> Answer {
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let request = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).await.unwrap();
    let answer = String::from_utf8(answer).unwrap();
    let (head, body) = answer.split_once("\r\n\r\n").unwrap();
    let status = head.split_whitespace().nth(1).unwrap().parse().unwrap();
    Answer {
        status,
        head: head.to_lowercase(),
        body: body.to_owned(),
    }
}

/// `GET PATH` on `addr`.
pub async fn get(addr: SocketAddr, path: &str) -> Answer {
    ask(addr, "GET", path).await
}
