//! The client side of `/healthz`, for the binaries' `health` subcommands (a container
//! healthcheck: the image has no curl): one plain HTTP/1.1 request over a TCP stream, with a
//! short deadline and a capped answer.

use std::net::SocketAddr;
use std::time::Duration;

use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpStream;

/// How long the whole probe may take: connect, ask, read the answer.
pub const PROBE_TIMEOUT: Duration = Duration::from_secs(3);

/// The most of an answer read: a status line, a few headers and one line of body.
const MOST_READ: u64 = 8 * 1024;

/// Asks `GET /healthz` on `addr`.
///
/// # Errors
/// The answer's line when it is not `200` (`chat: not connected (…)`, `last pass failed: …`),
/// or `nothing answers on ADDR` (with why) when nothing answers in time or the answer is not
/// HTTP.
pub async fn probe(addr: SocketAddr) -> Result<(), String> {
    let nothing = |why: &str| format!("nothing answers on {addr} ({why})");
    let answer = tokio::time::timeout(PROBE_TIMEOUT, ask(addr))
        .await
        .map_err(|_| nothing(&format!("no answer within {} s", PROBE_TIMEOUT.as_secs())))?
        .map_err(|error| nothing(&error.to_string()))?;
    let (status, body) = read_answer(&answer).ok_or_else(|| nothing("the answer is not HTTP"))?;
    if status == 200 {
        return Ok(());
    }
    let line = body.lines().map(str::trim).find(|line| !line.is_empty());
    Err(match line {
        Some(line) => line.chars().filter(|c| !c.is_control()).take(300).collect(),
        None => format!("{addr} answered HTTP {status}"),
    })
}

async fn ask(addr: SocketAddr) -> std::io::Result<Vec<u8>> {
    let mut stream = TcpStream::connect(addr).await?;
    let request = format!(
        "GET /healthz HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nAccept: text/plain\r\n\r\n"
    );
    stream.write_all(request.as_bytes()).await?;
    let mut answer = Vec::new();
    stream.take(MOST_READ).read_to_end(&mut answer).await?;
    Ok(answer)
}

/// The status code and the body of an HTTP/1.x answer with a plain (not chunked) body.
fn read_answer(answer: &[u8]) -> Option<(u16, String)> {
    let text = String::from_utf8_lossy(answer);
    let (head, body) = text.split_once("\r\n\r\n")?;
    let status_line = head.lines().next()?;
    let mut words = status_line.split_whitespace();
    if !words.next()?.starts_with("HTTP/1.") {
        return None;
    }
    let status = words.next()?.parse().ok()?;
    Some((status, body.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::read_answer;

    #[test]
    fn an_answer_is_read_as_its_status_and_body() {
        let answer = b"HTTP/1.1 503 Service Unavailable\r\ncontent-length: 22\r\n\r\nstarting: no pass yet\n";
        assert_eq!(
            read_answer(answer),
            Some((503, String::from("starting: no pass yet\n")))
        );
        assert_eq!(read_answer(b"SSH-2.0-OpenSSH\r\n\r\n"), None);
        assert_eq!(read_answer(b"HTTP/1.1 200 OK\r\n"), None);
    }
}
