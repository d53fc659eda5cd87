//! The threads that run argon2: one per core, at a lower scheduling priority than the rest
//! of the server.
//!
//! During a login storm every core hashes. On tokio's blocking pool at normal priority the
//! hashes took the CPU from the runtime's threads, and `/healthz` answered 5.9× slower at
//! the 99th percentile than when idle (issue #13). These threads run as `SCHED_BATCH`
//! (they never preempt a thread that wakes up) with a nice value of [`NICE`] (the kernel
//! gives them about a tenth of a core against each busy normal thread): pages and
//! `/healthz` go first, and when nothing else runs the hashes have the cores to themselves,
//! so logins keep the raw argon2 rate. Only these threads are lowered, never the process:
//! a thread may not raise its priority again without privileges, which is why hashing gets
//! threads of its own instead of borrowing the blocking pool's.

use std::sync::mpsc;
use std::sync::{Arc, LazyLock, Mutex};

/// The nice value of the hashing threads (0 normal, 19 lowest).
pub const NICE: i32 = 10;

type Work = Box<dyn FnOnce() + Send>;

/// The work queue, shared by the hashing threads; `None` when no thread could be started.
static QUEUE: LazyLock<Option<mpsc::Sender<Work>>> = LazyLock::new(start_threads);

fn start_threads() -> Option<mpsc::Sender<Work>> {
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    let (sender, receiver) = mpsc::channel::<Work>();
    let receiver = Arc::new(Mutex::new(receiver));
    let mut started = 0;
    for i in 0..cores {
        let receiver = receiver.clone();
        let thread = std::thread::Builder::new()
            .name(format!("argon2-{i}"))
            .spawn(move || {
                lower_priority();
                serve(&receiver);
            });
        match thread {
            Ok(_) => started += 1,
            Err(e) => tracing::error!(error = %e, "cannot start a hashing thread"),
        }
    }
    (started > 0).then_some(sender)
}

/// Runs work until the queue closes (never, in a running server).
fn serve(receiver: &Mutex<mpsc::Receiver<Work>>) {
    loop {
        let next = match receiver.lock() {
            Ok(queue) => queue.recv(),
            Err(_) => return,
        };
        let Ok(work) = next else { return };
        // A panic ends this piece of work (its caller sees the reply dropped), not the thread.
        let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(work));
    }
}

/// Runs `work` on a hashing thread, at most one per core at once, and awaits its result;
/// dropped before a thread takes it, the work never runs.
pub async fn run<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> Option<T> {
    let queue = QUEUE.as_ref()?;
    let (reply, answer) = tokio::sync::oneshot::channel();
    let job: Work = Box::new(move || {
        // A caller that went away (its client closed the connection) costs no hash: the
        // queue has no bound, so abandoned logins must not pile up work ahead of others.
        if reply.is_closed() {
            return;
        }
        let _ = reply.send(work());
    });
    queue.send(job).ok()?;
    answer.await.ok()
}

/// `SCHED_BATCH` at nice [`NICE`] for the calling thread (Linux: both are per thread).
/// A refusal leaves the thread as it is: hashing still works, only at normal priority.
#[cfg(target_os = "linux")]
fn lower_priority() {
    // SAFETY: plain system calls on the calling thread, with a valid sched_param.
    let (batch, nice) = unsafe {
        let param = libc::sched_param { sched_priority: 0 };
        let batch = libc::sched_setscheduler(0, libc::SCHED_BATCH, &param);
        let tid = libc::gettid();
        let nice = libc::setpriority(libc::PRIO_PROCESS, tid as libc::id_t, NICE);
        (batch, nice)
    };
    if batch != 0 || nice != 0 {
        tracing::warn!("could not lower the priority of a hashing thread");
    }
}

#[cfg(not(target_os = "linux"))]
fn lower_priority() {}

/// This thread's nice value and scheduling policy (tests).
#[cfg(all(test, target_os = "linux"))]
pub(crate) fn current_priority() -> (i32, i32) {
    // SAFETY: plain system calls about the calling thread.
    unsafe {
        let tid = libc::gettid();
        (
            libc::getpriority(libc::PRIO_PROCESS, tid as libc::id_t),
            libc::sched_getscheduler(0),
        )
    }
}

// Test code only: an `expect` or `panic!` below fails the test (or is the work under test).
#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashing_runs_on_lowered_threads_and_the_caller_keeps_its_priority() {
        let before = current_priority();
        let on_thread = run(current_priority).await.expect("a hashing thread");
        assert_eq!(on_thread, (NICE, libc::SCHED_BATCH));
        assert_eq!(current_priority(), before);
        let name = run(|| std::thread::current().name().map(str::to_owned)).await;
        assert!(name.flatten().is_some_and(|n| n.starts_with("argon2-")));
    }

    /// Polls `future` once (enough for [`run`] to queue its work) with a waker that does
    /// nothing.
    fn poll_once<F: std::future::Future>(future: std::pin::Pin<&mut F>) {
        let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
        assert!(
            future.poll(&mut cx).is_pending(),
            "the work is queued, not done"
        );
    }

    /// A login whose client went away (its future dropped while its work waits in the
    /// queue) costs no hash: otherwise a flood of abandoned logins would queue hashing
    /// without bound ahead of every member's login. Counted, not timed.
    #[test]
    fn the_work_of_a_caller_that_went_away_does_not_run() {
        use std::sync::Barrier;
        use std::sync::atomic::{AtomicBool, Ordering};
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        // Every hashing thread held in a job of this test, so that the next job waits.
        let (busy, release) = (
            Arc::new(Barrier::new(cores + 1)),
            Arc::new(Barrier::new(cores + 1)),
        );
        let mut blockers: Vec<_> = (0..cores)
            .map(|_| {
                let (busy, release) = (busy.clone(), release.clone());
                Box::pin(run(move || {
                    busy.wait();
                    release.wait();
                }))
            })
            .collect();
        blockers.iter_mut().for_each(|b| poll_once(b.as_mut()));
        busy.wait();
        let ran = Arc::new(AtomicBool::new(false));
        let marker = ran.clone();
        let mut abandoned = Box::pin(run(move || marker.store(true, Ordering::SeqCst)));
        poll_once(abandoned.as_mut());
        drop(abandoned);
        release.wait();
        // Every thread inside a job queued after it at once: the abandoned job is done.
        let all_past = Arc::new(Barrier::new(cores + 1));
        let mut after: Vec<_> = (0..cores)
            .map(|_| {
                let all_past = all_past.clone();
                Box::pin(run(move || {
                    all_past.wait();
                }))
            })
            .collect();
        after.iter_mut().for_each(|a| poll_once(a.as_mut()));
        all_past.wait();
        assert!(
            !ran.load(Ordering::SeqCst),
            "the work of a caller that went away ran anyway"
        );
    }

    #[tokio::test]
    async fn a_panic_ends_its_work_not_the_thread() {
        assert!(run(|| -> u8 { panic!("work that fails") }).await.is_none());
        assert_eq!(run(|| 7).await, Some(7));
    }
}
