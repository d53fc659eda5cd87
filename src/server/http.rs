//! The HTTP connections: how long a client may take, and how many may be open at once.

use std::convert::Infallible;
use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::combinators::BoxBody;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use poem::endpoint::BoxEndpoint;
use poem::http::uri::Scheme;
use poem::web::{LocalAddr, RemoteAddr};
use poem::{Addr, Endpoint as _, Request, Response};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore, watch};
use tokio::task::JoinSet;
use tokio::time::Instant;

use super::io::{Activity, PacedBody, Tracked};

/// Limits on each connection, so that slow or idle clients cannot hold the server.
#[derive(Debug, Clone)]
pub struct ConnectionLimits {
    /// A request's header must be complete this long after the server starts waiting for it
    /// (when the connection opens, or after the previous response).
    pub header_timeout: Duration,
    /// The longest pause while a request body is being read, or while an answer waits for
    /// the client to read it (the connection is then dropped); within each such span the
    /// body must also bring at least 1 KiB (`io::MIN_BODY_BYTES_PER_WINDOW`), so that a
    /// trickle cannot hold a connection either.
    pub body_timeout: Duration,
    /// A connection that moved no byte for this long is closed (after the request in
    /// progress, if any). Longer than `header_timeout` has no effect: an idle connection
    /// is also waiting for a header.
    pub keep_alive: Duration,
    /// Connections served at once; one more is answered 503 and closed.
    pub max_connections: usize,
}

pub const DEFAULT_HEADER_TIMEOUT_SECS: u64 = 10;
pub const DEFAULT_BODY_TIMEOUT_SECS: u64 = 30;
pub const DEFAULT_KEEP_ALIVE_SECS: u64 = 5;
/// Well below the usual limit of 1,024 open files per process.
pub const DEFAULT_MAX_CONNECTIONS: usize = 512;

impl Default for ConnectionLimits {
    fn default() -> Self {
        Self {
            header_timeout: Duration::from_secs(DEFAULT_HEADER_TIMEOUT_SECS),
            body_timeout: Duration::from_secs(DEFAULT_BODY_TIMEOUT_SECS),
            keep_alive: Duration::from_secs(DEFAULT_KEEP_ALIVE_SECS),
            max_connections: DEFAULT_MAX_CONNECTIONS,
        }
    }
}

/// The app as the connection loop calls it.
pub(super) type App = Arc<BoxEndpoint<'static, Response>>;

/// Serves `app` on `listener` until `stop` turns true; then lets the open connections
/// finish for up to `grace` and closes the rest.
pub(super) async fn serve(
    listener: TcpListener,
    app: App,
    limits: ConnectionLimits,
    mut stop: watch::Receiver<bool>,
    grace: Duration,
) -> io::Result<()> {
    let local = listener.local_addr()?;
    let places = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let (closing, closing_rx) = watch::channel(false);
    let mut connections = JoinSet::new();
    let mut last_refusal_logged: Option<Instant> = None;
    loop {
        tokio::select! {
            _ = turned_true(&mut stop) => break,
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
            accepted = listener.accept() => {
                let (stream, remote) = match accepted {
                    Ok(accepted) => accepted,
                    Err(e) => {
                        // Out of file descriptors, usually: give the open ones time to close.
                        tracing::warn!(error = %e, "cannot accept a connection");
                        tokio::time::sleep(Duration::from_millis(100)).await;
                        continue;
                    }
                };
                let Ok(place) = places.clone().try_acquire_owned() else {
                    refuse(&stream);
                    if last_refusal_logged.is_none_or(|at| at.elapsed() > Duration::from_secs(60)) {
                        tracing::warn!(
                            max_connections = limits.max_connections,
                            "refused connections: every place is taken"
                        );
                        last_refusal_logged = Some(Instant::now());
                    }
                    continue;
                };
                let _ = stream.set_nodelay(true);
                let peer = Peer { local, remote };
                connections.spawn(connection(
                    stream,
                    peer,
                    app.clone(),
                    limits.clone(),
                    place,
                    closing_rx.clone(),
                ));
            }
        }
    }
    drop(listener);
    let _ = closing.send(true);
    let finished = tokio::time::timeout(grace, async {
        while connections.join_next().await.is_some() {}
    })
    .await;
    if finished.is_err() {
        tracing::warn!(
            connections = connections.len(),
            "closing the connections still open after the grace period; their requests may be unanswered"
        );
        connections.shutdown().await;
    }
    Ok(())
}

/// Resolves when the flag turns true, or its sender is gone.
async fn turned_true(flag: &mut watch::Receiver<bool>) {
    let _ = flag.wait_for(|on| *on).await;
}

/// A connection over the cap gets a short answer and is closed without being read.
fn refuse(stream: &TcpStream) {
    let text = "ただいま混み合っています。しばらくしてから、もう一度お試しください。\n";
    let answer = format!(
        "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\n\
         Retry-After: 5\r\nConnection: close\r\nContent-Length: {}\r\n\r\n{text}",
        text.len()
    );
    // A new socket's buffer takes these few bytes at once; never wait for a slow client.
    let _ = stream.try_write(answer.as_bytes());
}

#[derive(Clone, Copy)]
struct Peer {
    local: SocketAddr,
    remote: SocketAddr,
}

/// Serves one connection: hyper closes it when a request's header is late, the body
/// pacing fails a stalled body, and an idle connection is closed here.
async fn connection(
    stream: TcpStream,
    peer: Peer,
    app: App,
    limits: ConnectionLimits,
    _place: OwnedSemaphorePermit,
    mut closing: watch::Receiver<bool>,
) {
    let activity = Activity::new();
    let io = TokioIo::new(Tracked {
        inner: stream,
        activity: activity.clone(),
    });
    let body_timeout = limits.body_timeout;
    let service = service_fn(move |req: hyper::Request<Incoming>| {
        let app = app.clone();
        async move {
            let resp = app.get_response(into_poem(req, peer, body_timeout)).await;
            Ok::<_, Infallible>(hyper::Response::<BoxBody<Bytes, io::Error>>::from(resp))
        }
    });
    let conn = http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout)
        .keep_alive(true)
        .serve_connection(io, service);
    tokio::pin!(conn);
    let mut shutting_down = false;
    loop {
        tokio::select! {
            result = conn.as_mut() => {
                if let Err(e) = result {
                    tracing::debug!(error = %e, "connection ended");
                }
                return;
            }
            _ = activity.idle_for(limits.keep_alive), if !shutting_down => {
                // Closes an idle connection now; one in the middle of a request after it.
                conn.as_mut().graceful_shutdown();
                shutting_down = true;
            }
            _ = turned_true(&mut closing), if !shutting_down => {
                conn.as_mut().graceful_shutdown();
                shutting_down = true;
            }
            _ = activity.write_stalled_for(limits.body_timeout) => {
                // A client that reads nothing: the answer can never finish, so neither can
                // a graceful close. Dropped, the connection gives its place up.
                tracing::info!("closed a connection whose client stopped reading its answer");
                return;
            }
        }
    }
}

fn into_poem(req: hyper::Request<Incoming>, peer: Peer, body_timeout: Duration) -> Request {
    let mut req = Request::from((
        req,
        LocalAddr(Addr::SocketAddr(peer.local)),
        RemoteAddr(Addr::SocketAddr(peer.remote)),
        Scheme::HTTP,
    ));
    let body = BoxBody::from(req.take_body());
    req.set_body(poem::Body::from(BoxBody::new(PacedBody::new(
        body,
        body_timeout,
    ))));
    req
}
