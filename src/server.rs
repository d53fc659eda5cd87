//! `kenpo serve`: the portal, the mail sender and the control socket over one data file.

mod http;
mod io;
mod retention;

pub use http::{
    ConnectionLimits, DEFAULT_BODY_TIMEOUT_SECS, DEFAULT_HEADER_TIMEOUT_SECS,
    DEFAULT_KEEP_ALIVE_SECS, DEFAULT_MAX_CONNECTIONS,
};

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use poem::EndpointExt as _;
use tokio::sync::{Notify, watch};

use crate::clock::Clock;
use crate::mail::smtp::SmtpConfig;
use crate::settings::{SETTINGS, Secrets, UnionSettings};
use crate::store::{Store, Writer};
use crate::web::{self, AppState};

pub struct ServeOptions {
    pub data: PathBuf,
    pub listen: String,
    pub base_url: Option<String>,
    pub smtp: Option<SmtpConfig>,
    pub clock: Arc<dyn Clock>,
    /// Reverse proxies whose `X-Forwarded-For` tells the client's address.
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// Timeouts and the connection cap.
    pub limits: ConnectionLimits,
    /// redb's page cache in MiB (`--cache-mib`).
    pub cache_mib: u64,
}

/// A server that is running; dropping `shutdown` (or sending `true`) stops it.
pub struct Running {
    pub addr: SocketAddr,
    pub state: Arc<AppState>,
    pub shutdown: watch::Sender<bool>,
    pub done: tokio::task::JoinHandle<anyhow::Result<()>>,
}

impl Running {
    /// Stops accepting, lets in-flight requests finish, and closes the data file.
    pub async fn stop(self) -> anyhow::Result<()> {
        let _ = self.shutdown.send(true);
        self.done.await.context("server task")?
    }
}

fn secrets(w: &mut Writer) -> anyhow::Result<Secrets> {
    crate::jobs::seal_plain_secrets(w)?;
    crate::jobs::ensure_secrets(w)
}

/// Logs a warning for the data file and its key when others on the machine may read them.
fn warn_if_exposed(data: &std::path::Path) {
    use crate::store::{files, seal};
    let key = seal::key_path(data);
    for (path, what) in [(data, "data file"), (key.as_path(), "key file")] {
        if let Some(warning) = files::exposure_warning(path, what) {
            tracing::warn!("{warning}");
        }
    }
}

/// Keeps the base URL in the settings: jobs from the command line (publishing claims)
/// link to it in mails without knowing how the server is reached.
fn record_public_url(w: &mut Writer, url: &str) -> anyhow::Result<()> {
    let mut settings = w.get::<UnionSettings>(SETTINGS)?.unwrap_or_default();
    if settings.public_url != url {
        settings.public_url = url.to_string();
        w.put(SETTINGS, &settings)?;
    }
    Ok(())
}

/// Opens the data file, binds the port and starts serving in the background.
pub async fn start(opts: ServeOptions) -> anyhow::Result<Running> {
    let data = opts.data.clone();
    let cache = crate::store::cache_bytes(opts.cache_mib);
    let store = tokio::task::spawn_blocking(move || {
        crate::jobs::schema::open_store_with_cache(&data, cache)
    })
    .await??;
    warn_if_exposed(&opts.data);
    let removed = crate::jobs::Spool::remove_stale(&opts.data);
    if removed > 0 {
        tracing::warn!(
            removed,
            "removed uploaded files an interrupted import left beside the data file"
        );
    }
    // Before the first login: an unknown ID must not pay for computing the dummy hash.
    crate::auth::hash::warm_up().await?;
    crate::jobs::hold_back_less();
    let secrets = store.write(secrets).await?;
    let listener = tokio::net::TcpListener::bind(&opts.listen)
        .await
        .with_context(|| format!("cannot listen on {}", opts.listen))?;
    let addr = listener.local_addr().context("no local address")?;
    let base_url = opts
        .base_url
        .clone()
        .unwrap_or_else(|| format!("http://{addr}"));
    let url = base_url.clone();
    store.write(move |w| record_public_url(w, &url)).await?;
    let mail_wake = Arc::new(Notify::new());
    let state = Arc::new(AppState {
        store: store.clone(),
        audit: crate::audit::GroupCommit::start(store.clone())?,
        clock: opts.clock.clone(),
        base_url,
        csrf_key: secrets.csrf_key.into_bytes(),
        mail_wake: mail_wake.clone(),
        claim_imports: Default::default(),
        trusted_proxies: opts.trusted_proxies.clone(),
        hasher: Default::default(),
    });
    let (shutdown, signal) = watch::channel(false);
    let control = crate::control::listen(store.clone(), opts.clock.clone(), mail_wake.clone())?;
    let sender =
        crate::mail::sender::Sender::new(store.clone(), opts.clock.clone(), opts.smtp, mail_wake);
    let sender_task = tokio::spawn(sender.run(shutdown.subscribe()));
    let retention_task = tokio::spawn(retention::retention(
        store.clone(),
        opts.clock.clone(),
        shutdown.subscribe(),
    ));
    // The control socket stops with the web server: no new job; a claim import in progress
    // (from the command line or the browser) rolls back, and every other job finishes.
    let control_task = {
        let mut stopping = shutdown.subscribe();
        let imports = state.claim_imports.clone();
        tokio::spawn(async move {
            let _ = stopping.wait_for(|on| *on).await;
            imports.stop();
            tokio::task::spawn_blocking(move || control.shutdown()).await
        })
    };
    let app: http::App = Arc::new(web::routes(state.clone()).map_to_response().boxed());
    let limits = opts.limits.clone();
    let served = state.clone();
    let done = tokio::spawn(async move {
        let result = http::serve(listener, app, limits, signal, STOP_GRACE).await;
        // The last pages have answered: commit what they queued and let go of the file.
        served.audit.stop().await;
        drop(served);
        let _ = sender_task.await;
        let _ = retention_task.await;
        let _ = control_task.await;
        result.context("server")
    });
    Ok(Running {
        addr,
        state,
        shutdown,
        done,
    })
}

/// How long a stop waits for the requests in flight. Longer than a connection may stall
/// (`http::DEFAULT_BODY_TIMEOUT_SECS`), so that a request the server is handling is answered
/// rather than cut: one cut after its change was saved (a login under heavy load waiting
/// for its hash) would leave a change its member never saw confirmed.
const STOP_GRACE: Duration = Duration::from_secs(35);

/// Resolves on Ctrl-C or SIGTERM (containers stop with SIGTERM). The handlers are in place
/// when this returns, before the future is first polled: call it before the server starts
/// answering, so that a stop asked for as soon as it answers is a clean stop and not the
/// signal's default (the process killed).
pub fn termination() -> impl std::future::Future<Output = ()> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let term = signal(SignalKind::terminate());
        let int = signal(SignalKind::interrupt());
        async move {
            match (term, int) {
                (Ok(mut term), Ok(mut int)) => {
                    tokio::select! {
                        _ = int.recv() => {},
                        _ = term.recv() => {},
                    }
                }
                _ => {
                    let _ = tokio::signal::ctrl_c().await;
                }
            }
        }
    }
    #[cfg(not(unix))]
    async {
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// Runs until a termination signal, then shuts down cleanly.
pub async fn run(opts: ServeOptions) -> anyhow::Result<()> {
    let stop = termination();
    let running = start(opts).await?;
    tracing::info!(addr = %running.addr, "kenpo is serving");
    stop.await;
    tracing::info!("shutting down");
    let store = running.state.store.clone();
    let stopped = running.stop().await;
    close(store).await;
    stopped
}

/// Longest wait at shutdown for the last users of the data file (a transaction on the
/// blocking pool) before giving up on a clean close.
const CLOSE_WAIT: Duration = Duration::from_secs(30);

/// Closes the data file once every other handle is gone, so that the next open needs no
/// repair; the process must not exit while a thread still holds it.
async fn close(mut store: Store) {
    let give_up = tokio::time::Instant::now() + CLOSE_WAIT;
    loop {
        match store.try_close() {
            Ok(()) => {
                tracing::info!("the data file is closed");
                return;
            }
            Err(still_used) if tokio::time::Instant::now() < give_up => {
                store = still_used;
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            Err(_) => {
                tracing::error!(
                    "the data file is still in use after {CLOSE_WAIT:?}; the next start will repair it"
                );
                return;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::ManualClock;

    /// The lib's unit tests verify no unknown ID, so nothing else computes the dummy hash
    /// in this process.
    #[tokio::test]
    async fn start_computes_the_dummy_hash_before_serving() {
        let dir = tempfile::tempdir().expect("temp dir");
        let running = start(ServeOptions {
            data: dir.path().join("kenpo.redb"),
            listen: "127.0.0.1:0".into(),
            base_url: None,
            smtp: None,
            clock: Arc::new(ManualClock::new(chrono::Utc::now())),
            trusted_proxies: Vec::new(),
            limits: ConnectionLimits::default(),
            cache_mib: crate::store::SERVE_CACHE_MIB,
        })
        .await
        .expect("server starts");
        assert!(crate::auth::hash::is_warm());
        running.stop().await.expect("server stops");
    }
}
