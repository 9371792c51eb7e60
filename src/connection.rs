//! How long a connection may stay open between and during requests (SPEC 14).
//!
//! hyper's own header-read timeout starts as soon as a connection waits for a request, so an
//! idle keep-alive connection was closed after 10 s, and a client retrying with back-off on
//! a pooled connection (the Terraform provider, the Go SDK) got `EOF`. Here the two limits are
//! apart: a connection may sit idle for `--idle-timeout` (75 s by default), and once the first
//! byte of a request's head arrives, the whole head must follow within
//! [`HEAD_READ_TIMEOUT`]. While a request is being served (its body read, the action run, the
//! answer written) neither applies; the body has its own limits in the server.
//!
//! [`Watched`] wraps the connection's stream and notes when a head starts; the service marks a
//! request's start and end on the shared [`Watch`]; [`watchdog`] ends when a limit is passed,
//! and the server then drops the connection.

use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU8, AtomicU64, Ordering};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

/// A client must send a request's whole head within this time of its first byte.
pub const HEAD_READ_TIMEOUT: Duration = Duration::from_secs(10);
/// A request body (of the API or the admin API) must arrive within this time; the API's body
/// must also never stall for longer than [`HEAD_READ_TIMEOUT`].
pub const BODY_READ_TIMEOUT: Duration = Duration::from_secs(30);

const IDLE: u8 = 0;
const HEAD: u8 = 1;
const SERVING: u8 = 2;

/// Milliseconds on a process-wide monotonic clock.
fn now_ms() -> u64 {
    static ORIGIN: OnceLock<Instant> = OnceLock::new();
    let origin = *ORIGIN.get_or_init(Instant::now);
    u64::try_from(origin.elapsed().as_millis()).unwrap_or(u64::MAX)
}

/// What one connection is doing, and since when: shared by its stream, its service and its
/// watchdog. Two atomics, so that no request takes a lock for it.
#[derive(Debug)]
pub struct Watch {
    phase: AtomicU8,
    since_ms: AtomicU64,
}

impl Watch {
    pub fn new() -> Arc<Watch> {
        Arc::new(Watch {
            phase: AtomicU8::new(IDLE),
            since_ms: AtomicU64::new(now_ms()),
        })
    }

    /// A request's head has been read: no limit runs while it is served.
    pub fn serving(&self) {
        self.phase.store(SERVING, Ordering::Relaxed);
    }

    /// The answer is handed over: the connection is idle from now (and from each byte of the
    /// answer written, see [`Watched`]).
    pub fn idle(&self) {
        self.since_ms.store(now_ms(), Ordering::Relaxed);
        self.phase.store(IDLE, Ordering::Relaxed);
    }

    fn read_some(&self) {
        if self.phase.load(Ordering::Relaxed) == IDLE {
            self.since_ms.store(now_ms(), Ordering::Relaxed);
            self.phase.store(HEAD, Ordering::Relaxed);
        }
    }

    fn wrote_some(&self) {
        if self.phase.load(Ordering::Relaxed) == IDLE {
            self.since_ms.store(now_ms(), Ordering::Relaxed);
        }
    }
}

/// Ends once the connection has been idle for `idle`, or has spent [`HEAD_READ_TIMEOUT`] on a
/// request's head. It wakes at most every [`HEAD_READ_TIMEOUT`], so a head that starts while
/// it sleeps is still caught at its own deadline, and nothing has to wake it.
pub async fn watchdog(watch: &Watch, idle: Duration) {
    let idle_ms = u64::try_from(idle.as_millis()).unwrap_or(u64::MAX);
    loop {
        let now = now_ms();
        let phase = watch.phase.load(Ordering::Relaxed);
        let since = watch.since_ms.load(Ordering::Relaxed);
        match next_wake(phase, since, now, idle_ms) {
            Some(wake) => tokio::time::sleep(Duration::from_millis(wake - now)).await,
            None => {
                if phase == HEAD {
                    tracing::debug!("a request head took longer than 10 s: connection closed");
                }
                return;
            }
        }
    }
}

/// When the watchdog should look again (milliseconds, after `now`), or `None` when the
/// connection has passed its limit.
fn next_wake(phase: u8, since: u64, now: u64, idle_ms: u64) -> Option<u64> {
    let head_ms = HEAD_READ_TIMEOUT.as_millis() as u64;
    let check = |deadline: u64| (now < deadline).then_some(deadline);
    match phase {
        IDLE => check(since.saturating_add(idle_ms)).map(|d| d.min(now + head_ms)),
        HEAD => check(since.saturating_add(head_ms)),
        _ => Some(now + head_ms),
    }
}

/// A connection's stream that tells its [`Watch`] when bytes come in and go out.
pub struct Watched<S> {
    inner: S,
    watch: Arc<Watch>,
}

impl<S> Watched<S> {
    pub fn new(inner: S, watch: Arc<Watch>) -> Self {
        Watched { inner, watch }
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for Watched<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let polled = Pin::new(&mut self.inner).poll_read(cx, buf);
        if buf.filled().len() > before {
            self.watch.read_some();
        }
        polled
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Watched<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        data: &[u8],
    ) -> Poll<io::Result<usize>> {
        let polled = Pin::new(&mut self.inner).poll_write(cx, data);
        if matches!(polled, Poll::Ready(Ok(n)) if n > 0) {
            self.watch.wrote_some();
        }
        polled
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let polled = Pin::new(&mut self.inner).poll_write_vectored(cx, bufs);
        if matches!(polled, Poll::Ready(Ok(n)) if n > 0) {
            self.watch.wrote_some();
        }
        polled
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_idle_connection_lasts_its_idle_time_and_a_head_ten_seconds() {
        let idle = 75_000;
        // Idle: looked at again within 10 s, so that a head starting meanwhile is caught.
        assert_eq!(next_wake(IDLE, 0, 1_000, idle), Some(11_000));
        assert_eq!(next_wake(IDLE, 0, 70_000, idle), Some(75_000));
        assert_eq!(next_wake(IDLE, 0, 75_000, idle), None);
        // A head: 10 s from its first byte, however long the connection was idle before.
        assert_eq!(next_wake(HEAD, 60_000, 61_000, idle), Some(70_000));
        assert_eq!(next_wake(HEAD, 60_000, 70_000, idle), None);
        // Serving: no limit here.
        assert_eq!(next_wake(SERVING, 0, 500_000, idle), Some(510_000));
    }

    #[test]
    fn a_request_moves_the_phases() {
        let watch = Watch::new();
        watch.read_some();
        assert_eq!(watch.phase.load(Ordering::Relaxed), HEAD);
        watch.serving();
        watch.read_some();
        assert_eq!(
            watch.phase.load(Ordering::Relaxed),
            SERVING,
            "a body is no head"
        );
        watch.idle();
        assert_eq!(watch.phase.load(Ordering::Relaxed), IDLE);
        watch.wrote_some();
        assert_eq!(watch.phase.load(Ordering::Relaxed), IDLE);
    }
}
