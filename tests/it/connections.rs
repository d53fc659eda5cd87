//! Issue #10 item 8: slow clients do not hold connections for ever. Each test configures
//! one limit short (1 s) and the others long, then waits for the event (the server closes
//! the connection) within a generous bound; no duration is asserted.

use std::time::Duration;

use kenpo::server::ConnectionLimits;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpStream;

use crate::app::{TestApp, spawn_app_with_limits};

const SHORT: Duration = Duration::from_secs(1);
const LONG: Duration = Duration::from_secs(600);
/// How long a test waits for the server to close before it fails.
const BOUND: Duration = Duration::from_secs(30);

fn limits() -> ConnectionLimits {
    ConnectionLimits {
        header_timeout: LONG,
        body_timeout: LONG,
        keep_alive: LONG,
        max_connections: 64,
    }
}

async fn connect(app: &TestApp) -> TcpStream {
    TcpStream::connect(app.url.trim_start_matches("http://"))
        .await
        .expect("connect")
}

/// Reads until the server closes the connection; returns what it sent, or panics when it
/// is still open after [`BOUND`].
async fn until_closed(stream: &mut TcpStream, what: &str) -> String {
    let mut received = Vec::new();
    let mut chunk = [0u8; 4096];
    let closed = tokio::time::timeout(BOUND, async {
        loop {
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => break,
                Ok(n) => received.extend_from_slice(&chunk[..n]),
            }
        }
    })
    .await;
    assert!(closed.is_ok(), "{what}: still open after {BOUND:?}");
    String::from_utf8_lossy(&received).into_owned()
}

/// Sends one keep-alive request and reads its whole response (the connection stays open);
/// what a refused connection answered otherwise.
async fn healthz(stream: &mut TcpStream) -> String {
    let sent = stream
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: kenpo\r\n\r\n")
        .await;
    let mut received = Vec::new();
    let mut chunk = [0u8; 4096];
    while sent.is_ok() && !String::from_utf8_lossy(&received).contains("\r\n\r\nok") {
        let read = tokio::time::timeout(BOUND, stream.read(&mut chunk))
            .await
            .expect("an answer");
        match read {
            Ok(0) | Err(_) => break,
            Ok(n) => received.extend_from_slice(&chunk[..n]),
        }
    }
    String::from_utf8_lossy(&received).into_owned()
}

#[tokio::test]
async fn a_connection_that_never_finishes_its_headers_is_closed() {
    let app = spawn_app_with_limits(ConnectionLimits {
        header_timeout: SHORT,
        ..limits()
    })
    .await;
    let mut stream = connect(&app).await;
    stream
        .write_all(b"GET / HTTP/1.1\r\nHost: kenpo\r\nAccept: text/html\r\n")
        .await
        .expect("send half the headers");
    until_closed(&mut stream, "half the headers").await;
}

#[tokio::test]
async fn a_body_that_stops_arriving_is_given_up() {
    let app = spawn_app_with_limits(ConnectionLimits {
        body_timeout: SHORT,
        ..limits()
    })
    .await;
    let mut stream = connect(&app).await;
    stream
        .write_all(
            b"POST / HTTP/1.1\r\nHost: kenpo\r\n\
              Content-Type: application/x-www-form-urlencoded\r\n\
              Content-Length: 100\r\n\r\nuser_id=ab",
        )
        .await
        .expect("send a tenth of the body");
    let answer = until_closed(&mut stream, "a stalled body").await;
    assert!(!answer.contains("200 OK"), "{answer}");
}

#[tokio::test]
async fn an_idle_keep_alive_connection_is_closed() {
    let app = spawn_app_with_limits(ConnectionLimits {
        keep_alive: SHORT,
        ..limits()
    })
    .await;
    let mut stream = connect(&app).await;
    assert!(healthz(&mut stream).await.starts_with("HTTP/1.1 200"));
    until_closed(&mut stream, "an idle keep-alive connection").await;
}

#[tokio::test]
async fn connections_over_the_cap_are_refused_until_one_closes() {
    let app = spawn_app_with_limits(ConnectionLimits {
        max_connections: 2,
        ..limits()
    })
    .await;
    let mut first = connect(&app).await;
    let mut second = connect(&app).await;
    assert!(healthz(&mut first).await.starts_with("HTTP/1.1 200"));
    assert!(healthz(&mut second).await.starts_with("HTTP/1.1 200"));
    let mut third = connect(&app).await;
    let refused = until_closed(&mut third, "a third connection").await;
    assert!(refused.starts_with("HTTP/1.1 503"), "{refused}");
    // The two served connections still work.
    assert!(healthz(&mut second).await.starts_with("HTTP/1.1 200"));
    drop(first);
    // The server notices the close on its own time: try again until a place is free.
    let deadline = tokio::time::Instant::now() + BOUND;
    loop {
        let mut next = connect(&app).await;
        if healthz(&mut next).await.starts_with("HTTP/1.1 200") {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "no place after a connection closed"
        );
        tokio::task::yield_now().await;
    }
}

/// A body that keeps arriving, but a byte at a time, never pausing as long as the body
/// timeout: without a floor on its pace, one client holds a place for as long as it likes
/// (a 64 KiB form at a byte every few seconds: days), and 512 of them take every place.
#[tokio::test]
async fn a_body_that_trickles_in_is_given_up() {
    let app = spawn_app_with_limits(ConnectionLimits {
        body_timeout: SHORT,
        ..limits()
    })
    .await;
    let mut stream = connect(&app).await;
    stream
        .write_all(
            b"POST / HTTP/1.1\r\nHost: kenpo\r\n\
              Content-Type: application/x-www-form-urlencoded\r\n\
              Content-Length: 60000\r\n\r\n",
        )
        .await
        .expect("send the header");
    // A byte at a quarter of the body timeout, for as long as the test is willing to wait:
    // the server must end it before the client stops.
    let trickled = tokio::time::timeout(BOUND, async {
        let mut chunk = [0u8; 4096];
        loop {
            tokio::time::sleep(SHORT / 4).await;
            if stream.write_all(b"a").await.is_err() {
                return;
            }
            match tokio::time::timeout(Duration::from_millis(1), stream.read(&mut chunk)).await {
                Ok(Ok(0) | Err(_)) => return,
                Ok(Ok(n)) => {
                    let answer = String::from_utf8_lossy(&chunk[..n]).into_owned();
                    assert!(!answer.contains("200 OK"), "{answer}");
                    return;
                }
                Err(_) => {}
            }
        }
    })
    .await;
    assert!(
        trickled.is_ok(),
        "a trickling body still held its connection after {BOUND:?}"
    );
}

/// A client that asks for responses and never reads them: once the socket buffers fill, the
/// server's write waits for ever, and a graceful close waits for that write. The stalled
/// connection must give its place up (here the only one) within the body timeout.
#[tokio::test]
async fn a_client_that_never_reads_its_answer_gives_its_place_up() {
    let app = spawn_app_with_limits(ConnectionLimits {
        body_timeout: SHORT,
        keep_alive: SHORT,
        max_connections: 1,
        ..limits()
    })
    .await;
    let socket = tokio::net::TcpSocket::new_v4().expect("socket");
    socket.set_recv_buffer_size(4096).expect("small buffer");
    let addr = app
        .url
        .trim_start_matches("http://")
        .parse()
        .expect("address");
    let mut stalled = socket.connect(addr).await.expect("connect");
    // Far more answer than the buffers on both ends hold (about 50 KB each).
    let asked = "GET /assets/vendor/htmx-2.0.11.min.js HTTP/1.1\r\nHost: kenpo\r\n\r\n".repeat(400);
    stalled.write_all(asked.as_bytes()).await.expect("ask");
    let deadline = tokio::time::Instant::now() + BOUND;
    loop {
        let mut next = connect(&app).await;
        if healthz(&mut next).await.starts_with("HTTP/1.1 200") {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "a client that reads nothing still held the only place after {BOUND:?}"
        );
        tokio::time::sleep(SHORT / 4).await;
    }
    drop(stalled);
}
