//! The daily clean-up the server runs: expired claims and benefit decisions, audit rows,
//! sessions and links.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;

use crate::clock::Clock;
use crate::store::Store;

/// Deletes expired claims (SPEC §5.8), audit rows, sessions and links when the server starts
/// and then every 24 hours.
pub(super) async fn retention(
    store: Store,
    clock: Arc<dyn Clock>,
    mut shutdown: watch::Receiver<bool>,
) {
    use crate::claims::retention::{BATCH_SIZE, purge_until};
    loop {
        let (s, now) = (store.clone(), clock.now());
        let stop = asked_to_stop(&shutdown);
        match tokio::task::spawn_blocking(move || purge_until(&s, now, BATCH_SIZE, &stop)).await {
            Ok(Ok(p)) if p.stopped => tracing::info!(
                deleted = p.deleted,
                "the server stops: expired claims deleted so far; the rest at the next start"
            ),
            Ok(Ok(p)) if p.deleted == 0 => {}
            Ok(Ok(p)) => tracing::info!(deleted = p.deleted, "expired claims deleted"),
            Ok(Err(e)) => {
                tracing::error!(
                    error = format!("{e:#}"),
                    "expired claims could not be deleted"
                )
            }
            Err(e) => tracing::error!(error = %e, "the retention job stopped unexpectedly"),
        }
        let (s, now) = (store.clone(), clock.now());
        let stop = asked_to_stop(&shutdown);
        match tokio::task::spawn_blocking(move || {
            crate::benefits::retention::purge_expired_benefits_until(&s, now, BATCH_SIZE, &stop)
        })
        .await
        {
            Ok(Ok(0)) => {}
            Ok(Ok(n)) => tracing::info!(deleted = n, "expired benefit decisions deleted"),
            Ok(Err(e)) => tracing::error!(
                error = format!("{e:#}"),
                "expired benefit decisions could not be deleted"
            ),
            Err(e) => tracing::error!(error = %e, "the retention job stopped unexpectedly"),
        }
        if *shutdown.borrow() {
            break;
        }
        let (s, now) = (store.clone(), clock.now());
        match tokio::task::spawn_blocking(move || {
            crate::console::audit_log::apply_retention(&s, now)
        })
        .await
        {
            Ok(Ok(0)) => {}
            Ok(Ok(n)) => tracing::info!(deleted = n, "expired audit rows deleted"),
            Ok(Err(e)) => tracing::error!(
                error = format!("{e:#}"),
                "expired audit rows could not be deleted"
            ),
            Err(e) => tracing::error!(error = %e, "the audit retention job stopped unexpectedly"),
        }
        let (s, now) = (store.clone(), clock.now());
        match tokio::task::spawn_blocking(move || crate::auth::sweep::sweep_expired(&s, now)).await
        {
            Ok(Ok(n)) => tracing::info!(removed = n, "expired sessions and links removed"),
            Ok(Err(e)) => tracing::error!(error = format!("{e:#}"), "the sweep failed"),
            Err(e) => tracing::error!(error = %e, "the sweep stopped unexpectedly"),
        }
        tokio::select! {
            _ = tokio::time::sleep(RETENTION_EVERY) => {}
            changed = shutdown.changed() => {
                if changed.is_err() || *shutdown.borrow() {
                    break;
                }
            }
        }
    }
}

const RETENTION_EVERY: Duration = Duration::from_secs(24 * 60 * 60);

/// Whether the server stops, as a purge on a blocking thread asks it between transactions.
fn asked_to_stop(shutdown: &watch::Receiver<bool>) -> impl Fn() -> bool + Send + 'static {
    let stopping = shutdown.clone();
    move || *stopping.borrow()
}
