//! What the connection loop watches: when a connection last moved a byte, and how long a
//! request body has kept the handler waiting.

use std::future::Future as _;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use http_body::{Body, Frame, SizeHint};
use http_body_util::combinators::BoxBody;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::time::{Instant, Sleep};

/// When a connection last read or wrote a byte, and whether a write is waiting for the
/// client to read.
pub(super) struct Activity {
    start: Instant,
    last_ms: AtomicU64,
    write_blocked: AtomicBool,
}

impl Activity {
    pub(super) fn new() -> Arc<Activity> {
        Arc::new(Activity {
            start: Instant::now(),
            last_ms: AtomicU64::new(0),
            write_blocked: AtomicBool::new(false),
        })
    }

    fn touch(&self) {
        let ms = u64::try_from(self.start.elapsed().as_millis()).unwrap_or(u64::MAX);
        self.last_ms.store(ms, Ordering::Relaxed);
    }

    fn last(&self) -> Instant {
        self.start + Duration::from_millis(self.last_ms.load(Ordering::Relaxed))
    }

    /// Resolves once no byte has moved for `limit`.
    pub(super) async fn idle_for(&self, limit: Duration) {
        loop {
            let at = self.last() + limit;
            if Instant::now() >= at {
                return;
            }
            tokio::time::sleep_until(at).await;
        }
    }

    /// Resolves once a write has waited `limit` for a client that reads nothing (a
    /// graceful close would wait for that write for ever).
    pub(super) async fn write_stalled_for(&self, limit: Duration) {
        loop {
            let at = self.last() + limit;
            if Instant::now() < at {
                tokio::time::sleep_until(at).await;
            } else if self.write_blocked.load(Ordering::Relaxed) {
                return;
            } else {
                tokio::time::sleep(limit).await;
            }
        }
    }

    fn wrote(&self, polled: &Poll<io::Result<usize>>) {
        self.write_blocked
            .store(polled.is_pending(), Ordering::Relaxed);
        if matches!(polled, Poll::Ready(Ok(n)) if *n > 0) {
            self.touch();
        }
    }
}

/// A socket that records its activity.
pub(super) struct Tracked<T> {
    pub(super) inner: T,
    pub(super) activity: Arc<Activity>,
}

impl<T: AsyncRead + Unpin> AsyncRead for Tracked<T> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let before = buf.filled().len();
        let polled = Pin::new(&mut this.inner).poll_read(cx, buf);
        if buf.filled().len() > before {
            this.activity.touch();
        }
        polled
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for Tracked<T> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        data: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let polled = Pin::new(&mut this.inner).poll_write(cx, data);
        this.activity.wrote(&polled);
        polled
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let polled = Pin::new(&mut this.inner).poll_write_vectored(cx, bufs);
        this.activity.wrote(&polled);
        polled
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_shutdown(cx)
    }
}

/// Bytes a request body must bring within each body timeout: a pause fails it, and so
/// does a trickle (a byte every few seconds would hold the connection for days).
pub(super) const MIN_BODY_BYTES_PER_WINDOW: u64 = 1024;

/// A request body that fails when the client sends fewer than
/// [`MIN_BODY_BYTES_PER_WINDOW`] bytes within `limit` while the handler waits for it (the
/// handler then answers, and the connection closes).
pub(super) struct PacedBody {
    inner: BoxBody<Bytes, io::Error>,
    limit: Duration,
    /// The current window's end, and the bytes it has brought.
    window: Option<(Pin<Box<Sleep>>, u64)>,
}

impl PacedBody {
    pub(super) fn new(inner: BoxBody<Bytes, io::Error>, limit: Duration) -> PacedBody {
        PacedBody {
            inner,
            limit,
            window: None,
        }
    }
}

fn too_slow() -> io::Error {
    tracing::info!("gave up a request body the client stopped sending, or sent too slowly");
    io::Error::new(
        io::ErrorKind::TimedOut,
        "the client stopped sending the request body, or sent it too slowly",
    )
}

impl Body for PacedBody {
    type Data = Bytes;
    type Error = io::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, io::Error>>> {
        let this = self.get_mut();
        let limit = this.limit;
        let (deadline, brought) = this
            .window
            .get_or_insert_with(|| (Box::pin(tokio::time::sleep(limit)), 0));
        let polled = Pin::new(&mut this.inner).poll_frame(cx);
        if let Poll::Ready(Some(Ok(frame))) = &polled {
            let len = frame.data_ref().map_or(0, |d| d.len() as u64);
            *brought = brought.saturating_add(len);
            if *brought >= MIN_BODY_BYTES_PER_WINDOW {
                // Enough for this window: the next one starts with the next poll.
                this.window = None;
                return polled;
            }
        }
        if let Poll::Ready(None | Some(Err(_))) = &polled {
            this.window = None;
            return polled;
        }
        // Too little so far in this window: its end, once passed, fails the body (checked
        // also when bytes keep coming, a few at a time).
        if deadline.as_mut().poll(cx).is_ready() {
            this.window = None;
            return Poll::Ready(Some(Err(too_slow())));
        }
        polled
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}
