use std::io::{BufReader, Write};
use std::os::fd::AsRawFd as _;
use std::os::unix::fs::PermissionsExt as _;
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use anyhow::Context as _;

use super::input::Announced;
use super::{Event, Request, frame, socket_path};
use crate::clock::Clock;
use crate::jobs::{self, JobError};
use crate::store::Store;

/// The listening socket; [`ControlServer::shutdown`] (or a drop) stops accepting, removes
/// its file and waits for the jobs in progress, so that no thread holds the data file after.
pub struct ControlServer {
    path: PathBuf,
    stop: Arc<AtomicBool>,
    /// The listening socket, to wake the accepting thread even when the socket file is gone.
    listener: UnixListener,
    accepting: Option<JoinHandle<()>>,
    jobs: Arc<Mutex<Vec<JoinHandle<()>>>>,
}

impl ControlServer {
    /// Stops accepting jobs, removes the socket file, and waits until every job in progress
    /// has finished and let go of the data file. A claim import that has not committed yet
    /// rolls back at its next progress step (`JobIo::cancelled`), so that it does not hold
    /// redb's one writer while the requests in flight wait for it. Blocking.
    pub fn shutdown(mut self) {
        self.stop_and_wait();
    }

    fn stop_and_wait(&mut self) {
        // Wake the accepting thread so that it sees the flag and lets go of the data file:
        // on Linux, shutting a listening socket down ends a blocked accept. (Connecting to
        // the file would not do when the file is already gone.)
        self.stop.store(true, Ordering::SeqCst);
        // SAFETY: shutdown on a socket descriptor this struct owns (a clone of the listener).
        unsafe {
            libc::shutdown(self.listener.as_raw_fd(), libc::SHUT_RDWR);
        }
        let _ = UnixStream::connect(&self.path);
        if let Some(accepting) = self.accepting.take() {
            let _ = accepting.join();
        }
        let _ = std::fs::remove_file(&self.path);
        let jobs = std::mem::take(&mut *lock(&self.jobs));
        if jobs.iter().any(|job| !job.is_finished()) {
            tracing::info!("waiting for the command-line jobs in progress to finish");
        }
        for job in jobs {
            let _ = job.join();
        }
    }
}

impl Drop for ControlServer {
    fn drop(&mut self) {
        self.stop_and_wait();
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Starts answering on the socket beside the data file, in its own threads.
/// `mail_wake` is notified after each job, so mail a job queued (publication) goes out now.
pub fn listen(
    store: Store,
    clock: Arc<dyn Clock>,
    mail_wake: Arc<tokio::sync::Notify>,
) -> anyhow::Result<ControlServer> {
    let path = socket_path(store.path());
    // We own the data file, so a socket file left there is stale.
    let _ = std::fs::remove_file(&path);
    let listener =
        UnixListener::bind(&path).with_context(|| format!("cannot create {}", path.display()))?;
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600))?;
    let stop = Arc::new(AtomicBool::new(false));
    let jobs: Arc<Mutex<Vec<JoinHandle<()>>>> = Arc::default();
    let (stopping, running) = (stop.clone(), jobs.clone());
    let waker = listener.try_clone()?;
    let accepting = std::thread::Builder::new()
        .name("control".into())
        .spawn(move || {
            loop {
                let accepted = listener.accept();
                if stopping.load(Ordering::SeqCst) {
                    break;
                }
                let Ok((stream, _)) = accepted else {
                    // Out of descriptors, usually: give the jobs time to end.
                    std::thread::sleep(std::time::Duration::from_millis(100));
                    continue;
                };
                let (store, clock) = (store.clone(), clock.clone());
                let mail_wake = mail_wake.clone();
                let stopping_job = stopping.clone();
                let job = std::thread::Builder::new()
                    .name("control-job".into())
                    .spawn(move || {
                        if let Err(e) = serve_one(stream, &store, clock.as_ref(), &stopping_job) {
                            tracing::warn!("control connection ended: {e:#}");
                        }
                        mail_wake.notify_one();
                    });
                let mut jobs = lock(&running);
                jobs.retain(|job| !job.is_finished());
                if let Ok(job) = job {
                    jobs.push(job);
                }
            }
        })?;
    Ok(ControlServer {
        path,
        stop,
        listener: waker,
        accepting: Some(accepting),
        jobs,
    })
}

/// Longest silence of a client in the middle of its request or input file.
const CLIENT_SILENCE: std::time::Duration = std::time::Duration::from_secs(60);

/// How long the command line may take to write a file it was sent (a backup of several
/// GB to a slow disk) before it answers [`super::Held`].
const WRITING_PATIENCE: std::time::Duration = std::time::Duration::from_secs(30 * 60);

/// A client that stops sending (its request or file), or stops reading (Ctrl-Z, a stuck
/// terminal, while progress lines or a backup are sent to it), for `silence` does not keep
/// a job, and with it redb's one writer or a read snapshot, for ever: the read fails, or
/// the send fails and the job is told to stop ([`SocketIo::cancelled`]).
fn patient_for(stream: &UnixStream, silence: std::time::Duration) -> std::io::Result<()> {
    stream.set_read_timeout(Some(silence))?;
    stream.set_write_timeout(Some(silence))
}

/// The uid of the process at the other end (Linux SO_PEERCRED).
fn peer_uid(stream: &UnixStream) -> Option<u32> {
    let mut cred = libc::ucred {
        pid: 0,
        uid: 0,
        gid: 0,
    };
    let mut len = std::mem::size_of::<libc::ucred>() as libc::socklen_t;
    // SAFETY: getsockopt writes at most `len` bytes into `cred`, a properly sized ucred.
    let rc = unsafe {
        libc::getsockopt(
            stream.as_raw_fd(),
            libc::SOL_SOCKET,
            libc::SO_PEERCRED,
            (&mut cred as *mut libc::ucred).cast(),
            &mut len,
        )
    };
    (rc == 0).then_some(cred.uid)
}

fn serve_one(
    stream: UnixStream,
    store: &Store,
    clock: &dyn Clock,
    stopping: &AtomicBool,
) -> anyhow::Result<()> {
    // SAFETY: geteuid has no preconditions.
    let me = unsafe { libc::geteuid() };
    if peer_uid(&stream) != Some(me) {
        tracing::warn!("refused a control connection from another user");
        return Ok(());
    }
    patient_for(&stream, CLIENT_SILENCE)?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let read = frame::read_line(&mut reader)
        .and_then(|line| frame::decode_request(&line.unwrap_or_default()));
    let request: Request = match read {
        Ok(request) => request,
        Err(e) => {
            let mut out = stream;
            let refusal = Event::Done {
                ok: false,
                message: Some(format!("{e:#}")),
            };
            let _ = send(&mut out, &refusal);
            return Err(e);
        }
    };
    let mut io = SocketIo {
        input: Announced::new(reader, request.input_len),
        answers_output: request.answers_output,
        out: stream,
        stopping,
        gone: false,
    };
    tracing::info!(job = ?job_name(&request.job), "running a job for the command line");
    let result = jobs::run(request.job, store, clock.now(), &mut io);
    let done = match result {
        Ok(()) => Event::Done {
            ok: true,
            message: None,
        },
        Err(JobError::User(m)) => Event::Done {
            ok: false,
            message: Some(m),
        },
        Err(JobError::Unexpected(e)) => {
            tracing::error!("job failed: {e:#}");
            Event::Done {
                ok: false,
                message: Some(format!("{e:#}")),
            }
        }
    };
    send(&mut io.out, &done)
}

fn job_name(job: &jobs::Job) -> &'static str {
    match job {
        jobs::Job::Init { .. } => "init",
        jobs::Job::ImportMembers => "import members",
        jobs::Job::ImportClaims { .. } => "import claims",
        jobs::Job::ImportBenefits { .. } => "import benefits",
        jobs::Job::IssueCredentials { .. } => "credentials issue",
        jobs::Job::StaffAdd { .. } => "staff add",
        jobs::Job::StaffReset { .. } => "staff add --reset",
        jobs::Job::Backup => "backup",
    }
}

fn send(out: &mut UnixStream, event: &Event) -> anyhow::Result<()> {
    out.write_all(&frame::encode(event)?)?;
    Ok(())
}

mod socket_io;

use socket_io::SocketIo;

#[cfg(test)]
mod tests;
