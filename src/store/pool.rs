//! The read pool: a few threads, one more than the machine has cores, that run the
//! short read transactions of pages ([`super::Store::read`]).
//!
//! Tokio's blocking pool starts a thread for each task that finds none idle, so sixteen
//! pages at once kept about sixteen threads waking and sleeping on one lock: 31 `futex`
//! calls per page and a fifth of the server's CPU in context switches (`strace -c`,
//! `perf`; BENCHMARKS.md). Here the reads queue and a busy thread takes the next one
//! without sleeping. Writes stay on tokio's pool: they may wait for redb's one writer
//! (an import holds it for seconds), and must not hold up the reads. Reads known to be
//! long (exports, statistics, `verify`) use [`super::Store::read_long`] for the same
//! reason.

use std::collections::VecDeque;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex, OnceLock};

use super::{Reader, Writer};

type Job = Box<dyn FnOnce() + Send>;

struct Pool {
    queue: Mutex<VecDeque<Job>>,
    ready: Condvar,
}

static POOL: OnceLock<Pool> = OnceLock::new();
static STARTED: AtomicUsize = AtomicUsize::new(0);

/// How many threads the pool runs: one more than the cores, at least 2, at most 16.
pub fn size() -> usize {
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    (cores + 1).clamp(2, 16)
}

/// How many pool threads this process has started (never more than [`size`]).
pub fn threads_started() -> usize {
    STARTED.load(Ordering::SeqCst)
}

/// Queues `job` for the next free thread of the pool (started on first use). A job that
/// panics ends alone: its thread goes on with the next one.
pub fn run(job: Job) -> anyhow::Result<()> {
    let pool = POOL.get_or_init(start);
    if threads_started() == 0 {
        anyhow::bail!("the read pool could not start a thread");
    }
    pool.queue
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .push_back(job);
    pool.ready.notify_one();
    Ok(())
}

fn start() -> Pool {
    for n in 0..size() {
        let started = std::thread::Builder::new()
            .name(format!("kenpo-read-{n}"))
            .spawn(work);
        match started {
            Ok(_) => {
                STARTED.fetch_add(1, Ordering::SeqCst);
            }
            Err(e) => tracing::error!(error = %e, "a read thread could not start"),
        }
    }
    Pool {
        queue: Mutex::new(VecDeque::new()),
        ready: Condvar::new(),
    }
}

fn work() {
    // The pool is set before any job is queued; a thread that starts first waits for it.
    let pool = POOL.wait();
    loop {
        let job = {
            let mut queue = pool.queue.lock().unwrap_or_else(|p| p.into_inner());
            loop {
                match queue.pop_front() {
                    Some(job) => break job,
                    None => queue = pool.ready.wait(queue).unwrap_or_else(|p| p.into_inner()),
                }
            }
        };
        if catch_unwind(AssertUnwindSafe(job)).is_err() {
            tracing::error!("a read on the read pool panicked");
        }
    }
}

/// Where a transaction runs: short reads on the pool, long reads and writes on tokio's
/// blocking pool.
impl super::Store {
    /// Runs `f` in a read transaction on the read pool (this module): for the short reads of
    /// pages and jobs.
    pub async fn read<T, E, F>(&self, f: F) -> Result<T, E>
    where
        F: FnOnce(&Reader) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<anyhow::Error> + Send + 'static,
    {
        let store = self.clone();
        let (answer, answered) = tokio::sync::oneshot::channel();
        run(Box::new(move || {
            let _ = answer.send(store.read_blocking(f));
        }))
        .map_err(E::from)?;
        answered
            .await
            .map_err(|_| E::from(anyhow::anyhow!("the read ended without an answer")))?
    }

    /// [`super::Store::read`] for a read that may take seconds (an export, the statistics,
    /// `verify`): on tokio's blocking pool, so that it holds up no page.
    pub async fn read_long<T, E, F>(&self, f: F) -> Result<T, E>
    where
        F: FnOnce(&Reader) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<anyhow::Error> + Send + 'static,
    {
        let store = self.clone();
        tokio::task::spawn_blocking(move || store.read_blocking(f))
            .await
            .map_err(|e| E::from(anyhow::anyhow!("read task failed: {e}")))?
    }

    /// Runs `f` in one write transaction on the blocking pool; commits when it returns `Ok`.
    pub async fn write<T, E, F>(&self, f: F) -> Result<T, E>
    where
        F: FnOnce(&mut Writer) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<anyhow::Error> + Send + 'static,
    {
        let store = self.clone();
        tokio::task::spawn_blocking(move || store.write_blocking(f))
            .await
            .map_err(|e| E::from(anyhow::anyhow!("write task failed: {e}")))?
    }
}

#[cfg(test)]
mod tests {
    use super::{size, threads_started};
    use crate::store::Store;

    /// Two hundred reads at once all answer, on no more threads than the pool's size; a
    /// read that panics answers an error and the pool goes on.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn many_reads_share_a_few_threads_and_a_panic_ends_only_its_read() {
        let dir = tempfile::tempdir().expect("temp");
        let store = Store::open(&dir.path().join("k.redb")).expect("open");
        let reads: Vec<_> = (0..200u64)
            .map(|n| {
                let store = store.clone();
                tokio::spawn(async move {
                    store
                        .read(move |r| anyhow::Ok(r.count::<crate::domain::member::Person>()? + n))
                        .await
                })
            })
            .collect();
        let mut answers = Vec::new();
        for read in reads {
            answers.push(read.await.expect("join").expect("read"));
        }
        assert_eq!(answers, (0..200).collect::<Vec<_>>());
        assert!(
            (1..=size()).contains(&threads_started()),
            "{} read threads for a pool of {}",
            threads_started(),
            size()
        );
        let panicked = store
            .read(|_| -> anyhow::Result<()> { panic!("a read that fails") })
            .await;
        assert!(panicked.is_err(), "a panicking read answers an error");
        let after = store
            .read(|r| r.count::<crate::domain::member::Person>())
            .await;
        assert_eq!(after.expect("the pool goes on"), 0);
    }
}
