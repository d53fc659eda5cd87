//! Views of medical data share audit commits (issue #13 item 1) and keep the guarantee:
//! each page is answered only after its own audit row is durable, and a commit that fails
//! shows no data. The test holds the data file's one write transaction open, so that views
//! queue behind a commit that cannot run: no timing, only counting.

use std::sync::mpsc;
use std::time::Duration;

use kenpo::audit::{AuditEntry, GroupCommit};
use kenpo::store::Store;
use reqwest::StatusCode;

use crate::app::{TestApp, spawn_app};
use crate::claims::{CLAIMS_UTF8, import, register_yamada};

const VIEWS: usize = 8;
/// Providers of the household's 2025 claims: medical data a failed view must not show.
const PROVIDERS: [&str; 3] = ["本郷内科クリニック", "本郷さくら薬局", "ほんごう歯科医院"];

async fn member_with_claims() -> TestApp {
    let app = spawn_app().await;
    register_yamada(&app).await;
    import(&app, CLAIMS_UTF8.to_vec(), true).await;
    app
}

fn writer(app: &TestApp) -> &GroupCommit {
    &app.running.as_ref().expect("running").state.audit
}

async fn views_audited(store: &Store) -> usize {
    store
        .read(|r| r.scan::<AuditEntry>(""))
        .await
        .expect("audit")
        .into_iter()
        .filter(|(_, e)| e.action == "claims.viewed")
        .count()
}

/// Holds the data file's write transaction open until the returned sender is used.
pub fn hold_writes(store: Store) -> (mpsc::Sender<()>, std::thread::JoinHandle<()>) {
    let (opened, is_open) = mpsc::channel();
    let (release, released) = mpsc::channel::<()>();
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

fn view_path(n: usize) -> &'static str {
    if n.is_multiple_of(2) {
        "/menu/expenses?year=2025"
    } else {
        "/menu/tax-notice?year=2025"
    }
}

#[tokio::test]
async fn concurrent_views_share_commits_and_each_waits_for_its_own_row() {
    let app = member_with_claims().await;
    let store = app.store();
    let (rows, commits, submitted) = {
        let w = writer(&app);
        (views_audited(&store).await, w.commits(), w.submitted())
    };
    let (release, holder) = hold_writes(store.clone());

    let pages: Vec<_> = (0..VIEWS)
        .map(|n| {
            let (client, url) = (app.client.clone(), format!("{}{}", app.url, view_path(n)));
            tokio::spawn(async move {
                let resp = client.get(url).send().await.expect("GET");
                (resp.status(), resp.text().await.expect("body"))
            })
        })
        .collect();
    // Every view has queued its row (an event, polled for; no duration is asserted).
    while writer(&app).submitted() < submitted + VIEWS as u64 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    assert!(
        pages.iter().all(|p| !p.is_finished()),
        "a page answered before its audit row was committed"
    );
    assert_eq!(views_audited(&store).await, rows);

    release.send(()).expect("release");
    holder.join().expect("holder");
    for page in pages {
        let (status, body) = page.await.expect("page task");
        assert_eq!(status, StatusCode::OK);
        assert!(body.contains("本郷内科クリニック"));
    }
    assert_eq!(
        views_audited(&store).await,
        rows + VIEWS,
        "one row per view"
    );
    let w = writer(&app);
    assert_eq!(w.committed_rows(), submitted + VIEWS as u64);
    // At most the first rows went in before the held transaction; the rest share one.
    assert!(
        w.commits() - commits <= 2,
        "{} commits",
        w.commits() - commits
    );
}

#[tokio::test]
async fn a_failed_audit_commit_shows_no_data_but_the_cannot_save_page() {
    let app = member_with_claims().await;
    let store = app.store();
    let before = views_audited(&store).await;
    writer(&app).fail_commits(Some(libc::ENOSPC));

    for path in [
        "/menu/expenses?year=2025",
        "/menu/expenses/chart?year=2025",
        "/menu/tax-notice?year=2025",
        "/menu/tax-notice.csv?year=2025",
    ] {
        let page = app.get(path).await;
        assert_eq!(page.status, StatusCode::SERVICE_UNAVAILABLE, "{path}");
        assert!(page.body.contains("ただいま保存できません"), "{path}");
        for provider in PROVIDERS {
            assert!(!page.body.contains(provider), "{path} showed {provider}");
        }
    }
    assert_eq!(
        views_audited(&store).await,
        before,
        "no row of a failed commit"
    );

    writer(&app).fail_commits(None);
    let page = app.get("/menu/expenses?year=2025").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("本郷内科クリニック"));
    assert_eq!(views_audited(&store).await, before + 1);
}

#[tokio::test]
async fn stopping_the_server_ends_the_audit_writer_and_frees_the_data_file() {
    let mut app = member_with_claims().await;
    assert_eq!(
        app.get("/menu/expenses?year=2025").await.status,
        StatusCode::OK
    );
    let running = app.running.take().expect("running");
    let state = running.state.clone();
    running.stop().await.expect("stopped");

    assert!(
        state.audit.record(view_after_stop()).await.is_err(),
        "a row after the stop is refused, never silently lost"
    );
    let store = state.store.clone();
    drop(state);
    assert!(
        store.try_close().is_ok(),
        "something still holds the data file after the stop"
    );
    let reopened = Store::open(&app.data).expect("the data file opens again");
    assert!(reopened.repaired().is_none(), "closed cleanly");
}

fn view_after_stop() -> AuditEntry {
    AuditEntry::new(
        crate::app::t0(),
        "member:yamada.taro",
        kenpo::audit::Action::ClaimsViewed,
    )
}

/// A link on another site to a page that writes an audit row (or marks a notice read) does
/// not write it: the browser is sent to the menu, which writes nothing. The same link
/// typed, bookmarked or followed inside kenpo works.
#[tokio::test]
async fn a_link_from_another_site_to_a_medical_page_records_nothing_and_shows_the_menu() {
    let app = member_with_claims().await;
    let store = app.store();
    let before = views_audited(&store).await;
    for path in [
        "/menu/expenses?year=2025",
        "/menu/tax-notice?year=2025",
        "/menu/tax-notice.csv?year=2025",
    ] {
        for site in ["cross-site", "same-site"] {
            let resp = app
                .client
                .get(format!("{}{path}", app.url))
                .header("sec-fetch-site", site)
                .header("sec-fetch-mode", "navigate")
                .send()
                .await
                .expect("GET");
            assert_eq!(resp.status(), StatusCode::SEE_OTHER, "{path} {site}");
            let location = resp.headers().get("location").and_then(|v| v.to_str().ok());
            assert_eq!(location, Some("/menu"), "{path} {site}");
            let body = resp.text().await.expect("body");
            for provider in PROVIDERS {
                assert!(!body.contains(provider), "{path} showed {provider}");
            }
        }
    }
    assert_eq!(views_audited(&store).await, before, "no view was recorded");
    let typed = app
        .client
        .get(format!("{}/menu/expenses?year=2025", app.url))
        .header("sec-fetch-site", "none")
        .send()
        .await
        .expect("GET");
    assert_eq!(typed.status(), StatusCode::OK);
    assert_eq!(views_audited(&store).await, before + 1);
}
