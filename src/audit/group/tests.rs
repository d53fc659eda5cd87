//! Group commit on a real data file. The test holds redb's one write transaction open, so
//! that rows queue behind a commit that cannot run: no timing, only counting.

use std::future::Future;
use std::pin::Pin;
use std::sync::mpsc;
use std::task::Poll;

use chrono::{TimeZone as _, Utc};

use super::GroupCommit;
use crate::audit::{Action, AuditEntry};
use crate::store::{Store, WriteRefusal, write_refusal};

const N: usize = 20;

fn store() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().expect("temp");
    let store = Store::open(&dir.path().join("k.redb")).expect("open");
    (dir, store)
}

fn view(n: usize) -> AuditEntry {
    let at = Utc
        .with_ymd_and_hms(2026, 11, 2, 1, 0, 0)
        .single()
        .expect("time");
    AuditEntry::new(at, "member:yamada.taro", Action::ClaimsViewed)
        .target("1201-105")
        .detail(format!("expenses {n}"))
}

/// The details of the stored audit rows, in the order they were written.
fn stored(store: &Store) -> Vec<String> {
    store
        .read_blocking(|r| r.scan::<AuditEntry>(""))
        .expect("read")
        .into_iter()
        .filter_map(|(_, e)| e.detail)
        .collect()
}

/// Holds the data file's write transaction open until the returned sender is used (or
/// dropped); returns once it is open.
fn hold_writes(store: &Store) -> (mpsc::Sender<()>, std::thread::JoinHandle<()>) {
    let (opened, is_open) = mpsc::channel();
    let (release, released) = mpsc::channel::<()>();
    let store = store.clone();
    let holder = std::thread::spawn(move || {
        store
            .write_blocking(|_| {
                let _ = opened.send(());
                let _ = released.recv();
                anyhow::Ok(())
            })
            .expect("held write");
    });
    is_open.recv().expect("write transaction opened");
    (release, holder)
}

type Waiting = Pin<Box<dyn Future<Output = anyhow::Result<()>> + Send>>;

/// Whether every wait is still pending (polled once each).
async fn all_pending(waits: &mut [Waiting]) -> bool {
    std::future::poll_fn(|cx| {
        Poll::Ready(waits.iter_mut().all(|w| w.as_mut().poll(cx).is_pending()))
    })
    .await
}

fn submit_all(writer: &GroupCommit) -> Vec<Waiting> {
    (0..N)
        .map(|n| Box::pin(writer.submit(view(n)).wait()) as Waiting)
        .collect()
}

#[tokio::test]
async fn rows_queued_during_a_commit_share_one_and_none_is_answered_before_it() {
    let (_dir, store) = store();
    let writer = GroupCommit::start(store.clone()).expect("writer");
    let (release, holder) = hold_writes(&store);

    let mut waits = submit_all(&writer);
    assert!(all_pending(&mut waits).await, "answered before any commit");
    assert!(stored(&store).is_empty());

    release.send(()).expect("release");
    holder.join().expect("holder");
    for wait in waits {
        wait.await.expect("committed");
    }
    let expected: Vec<String> = (0..N).map(|n| format!("expenses {n}")).collect();
    assert_eq!(stored(&store), expected, "every row once, in order");
    assert_eq!(writer.committed_rows(), N as u64);
    // The writer took at most the first rows before it waited; the rest queued behind
    // that commit and went in the next one.
    assert!(writer.commits() <= 2, "{} commits", writer.commits());
}

#[tokio::test]
async fn a_failed_commit_fails_every_row_of_its_group_as_a_full_disk_and_writes_none() {
    let (_dir, store) = store();
    let writer = GroupCommit::start(store.clone()).expect("writer");
    writer.fail_commits(Some(libc::ENOSPC));
    let (release, holder) = hold_writes(&store);
    let waits = submit_all(&writer);
    release.send(()).expect("release");
    holder.join().expect("holder");

    for wait in waits {
        let e = wait.await.expect_err("the commit failed");
        assert_eq!(write_refusal(&e), Some(WriteRefusal::NoSpace), "{e:#}");
    }
    assert!(stored(&store).is_empty(), "nothing of a failed group stays");
    assert_eq!((writer.commits(), writer.committed_rows()), (0, 0));

    writer.fail_commits(None);
    writer.record(view(N)).await.expect("commits again");
    assert_eq!(stored(&store), [format!("expenses {N}")]);
}

#[tokio::test]
async fn stop_commits_the_queued_rows_and_lets_go_of_the_data_file() {
    let (_dir, store) = store();
    let writer = std::sync::Arc::new(GroupCommit::start(store.clone()).expect("writer"));
    let (release, holder) = hold_writes(&store);
    let waits = submit_all(&writer);
    let stopping = {
        let writer = writer.clone();
        tokio::spawn(async move { writer.stop().await })
    };

    release.send(()).expect("release");
    holder.join().expect("holder");
    stopping.await.expect("stopped");
    for wait in waits {
        wait.await.expect("committed before the stop");
    }
    assert_eq!(stored(&store).len(), N);
    assert!(
        writer.record(view(N)).await.is_err(),
        "a row after the stop is refused, never silently lost"
    );
    assert!(
        store.try_close().is_ok(),
        "the stopped writer still holds the data file"
    );
}
