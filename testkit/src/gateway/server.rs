//! The fixture gateway's network side: its own thread and runtime, the accept loop, and one
//! task per WebSocket connection that writes what [`super::State`] decides.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use futures_util::{SinkExt as _, StreamExt as _};
use serde_json::json;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{mpsc, oneshot};
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::Message;

use super::{Connection, Outgoing, State};

/// The server's thread: accepts connections until told to stop.
pub(super) fn serve(
    listener: std::net::TcpListener,
    state: Arc<Mutex<State>>,
    stopped: oneshot::Receiver<()>,
) {
    let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    else {
        return;
    };
    runtime.block_on(async move {
        let Ok(listener) = TcpListener::from_std(listener) else {
            return;
        };
        let accepting = async {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    continue;
                };
                let down = state.lock().unwrap_or_else(PoisonError::into_inner).down;
                if down {
                    drop(stream);
                    continue;
                }
                tokio::spawn(connection(stream, Arc::clone(&state)));
            }
        };
        tokio::select! {
            () = accepting => {}
            _ = stopped => {}
        }
    });
}

/// One client's connection: HELLO, then frames both ways until either side ends it.
async fn connection(stream: TcpStream, state: Arc<Mutex<State>>) {
    let mut query = None;
    // The callback's signature is tungstenite's (its error is a whole HTTP response).
    #[allow(clippy::result_large_err)]
    let callback = |request: &tokio_tungstenite::tungstenite::handshake::server::Request,
                    response| {
        query = Some(request.uri().query().unwrap_or_default().to_owned());
        Ok(response)
    };
    let Ok(mut socket) = tokio_tungstenite::accept_hdr_async(stream, callback).await else {
        return;
    };
    let lock = || state.lock().unwrap_or_else(PoisonError::into_inner);
    let (outgoing, mut to_send) = mpsc::unbounded_channel();
    let (id, heartbeat) = {
        let mut state = lock();
        state.last_query = query;
        state.next_connection += 1;
        let id = state.next_connection;
        state.connections.insert(
            id,
            Connection {
                session: None,
                outgoing,
            },
        );
        (id, state.heartbeat)
    };
    let hello = json!({
        "op": 10,
        "d": { "heartbeat_interval": u64::try_from(heartbeat.as_millis()).unwrap_or(u64::MAX) },
        "s": null,
        "t": null,
    });
    if socket.send(Message::Text(hello.to_string())).await.is_ok() {
        loop {
            tokio::select! {
                frame = socket.next() => match frame {
                    Some(Ok(Message::Text(text))) => lock().receive(id, &text),
                    Some(Ok(Message::Close(_)) | Err(_)) | None => break,
                    Some(Ok(_)) => {}
                },
                order = to_send.recv() => match order {
                    Some(Outgoing::Text(text)) => {
                        if socket.send(Message::Text(text)).await.is_err() {
                            break;
                        }
                    }
                    Some(Outgoing::Close(code, reason)) => {
                        let frame = CloseFrame { code: CloseCode::from(code), reason: reason.into() };
                        let _ = socket.close(Some(frame)).await;
                        break;
                    }
                    Some(Outgoing::Drop) | None => {
                        // A reset, as a network failure shows (not a polite end of stream).
                        // A linger of zero resets at once: the drop does not block.
                        #[allow(deprecated)]
                        let _ = socket.get_ref().set_linger(Some(Duration::ZERO));
                        break;
                    }
                },
            }
        }
    }
    lock().forget(id);
}
