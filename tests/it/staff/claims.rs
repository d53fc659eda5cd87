//! Claims in the staff console (issue 7): upload with a polled status, a line-numbered
//! error table and nothing imported on error; the batches list; publishing with a
//! confirmation that counts households and mails; the daily retention job.

use std::time::{Duration, Instant};

use kenpo::audit::AuditEntry;
use kenpo::claims::retention::purge_expired_claims;
use kenpo::claims::{ClaimIndex, ClaimRecord};
use kenpo::clock::{Clock as _, ManualClock};
use kenpo::jobs::Job;
use kenpo::settings::UnionSettings;
use kenpo::store::Store;
use reqwest::StatusCode;

use super::{admin, upload};
use crate::app::{
    AppOptions, MEMBERS_UTF8, Page, TestApp, run_local, spawn_app, spawn_app_with, t0,
};
use crate::claims::{CLAIMS_UTF8, batches, csv, publication_mails, put_account, register_yamada};
use crate::harness::smtp::SmtpServer;

/// The claim file with 診療年月 of line 4 out of range.
fn claims_with_a_bad_line() -> Vec<u8> {
    String::from_utf8(CLAIMS_UTF8.to_vec())
        .expect("utf-8")
        .replace(",202504,", ",202513,")
        .into_bytes()
}

/// Uploads a claim file and follows its status page until the import is over.
pub async fn upload_claims(app: &TestApp, bytes: &[u8]) -> Page {
    let started = upload(app, "/staff/import/claims", "claims.csv", bytes).await;
    assert_eq!(started.status, StatusCode::SEE_OTHER, "{}", started.body);
    let status = started.location.expect("status page");
    assert!(status.starts_with("/staff/import/claims/"), "{status}");
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let page = app.get(&status).await;
        if !page.body.contains("hx-trigger=\"every 1s\"") {
            let fragment = app
                .client
                .get(format!("{}{status}/status", app.url))
                .header("hx-request", "true")
                .send()
                .await
                .expect("poll");
            let fragment = fragment.text().await.expect("fragment");
            assert!(fragment.contains("id=\"claims-job\"") && !fragment.contains("<html"));
            assert!(!fragment.contains("hx-trigger"), "polling stops when done");
            return page;
        }
        assert!(page.body.contains("最新の状況を表示"), "a link without JS");
        assert!(Instant::now() < deadline, "the import did not finish");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn with_members(app: &TestApp) {
    admin(app).await;
    let ok = upload(app, "/staff/import/members", "members.csv", MEMBERS_UTF8).await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.body);
}

#[tokio::test]
async fn a_claims_upload_with_an_error_names_the_line_and_the_fixed_file_imports() {
    let app = spawn_app().await;
    with_members(&app).await;
    let form = app.get("/staff/import").await;
    assert!(
        form.body.contains("医療費ファイル") && form.body.contains("/staff/import/claims?csrf=")
    );

    let refused = upload_claims(&app, &claims_with_a_bad_line()).await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.body
    );
    assert!(
        refused.body.contains("4行目") && refused.body.contains("診療年月"),
        "{}",
        refused.body
    );
    assert!(refused.body.contains("どの行も取り込んでいません"));
    assert!(batches(&app).await.is_empty(), "nothing imported");
    assert!(
        app.get("/staff/batches")
            .await
            .body
            .contains("まだありません")
    );

    let done = upload_claims(&app, CLAIMS_UTF8).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    assert!(
        done.body.contains("取り込みました（取り込み番号 1）"),
        "{}",
        done.body
    );
    assert!(done.body.contains("<dd>6 件</dd>"), "{}", done.body);
    assert!(done.body.contains("2025年3月〜2025年6月"));
    let stored = batches(&app).await;
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].imported_by, "staff:admin");
    assert!(!stored[0].is_published());

    let list = app.get("/staff/batches").await;
    assert!(list.body.contains("未公開") && list.body.contains("/staff/batches/1/publish"));
    assert!(list.body.contains("admin") && list.body.contains("6 件"));
    assert!(
        list.body.contains("href=\"/staff/batches\""),
        "in the navigation bar"
    );
    let audit = app.get("/staff/audit?action=claims.imported").await;
    assert!(audit.body.contains("staff:admin"), "{}", audit.body);
    assert_eq!(
        app.get("/staff/import/claims/unknown").await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn publishing_counts_households_and_mails_then_members_see_the_data() {
    let smtp = SmtpServer::start();
    let app = spawn_app_with(AppOptions {
        smtp_port: Some(smtp.port),
    })
    .await;
    register_yamada(&app).await;
    put_account(&app, "1201-106", "takahashi", false).await;
    // 1202-7's insured person lost eligibility on 2026-03-31: no mail.
    put_account(&app, "1202-7", "sasaki", true).await;
    admin(&app).await;
    upload_claims(&app, CLAIMS_UTF8).await;
    let hidden = app.get("/menu/expenses?year=2025").await;
    assert!(
        !hidden.body.contains("本郷内科クリニック"),
        "not yet published"
    );

    let confirm = app.get("/staff/batches/1/publish").await;
    assert_eq!(confirm.status, StatusCode::OK);
    assert!(confirm.body.contains("<dd>3 世帯</dd>"), "{}", confirm.body);
    assert!(confirm.body.contains("<dd>1 通"), "{}", confirm.body);
    assert!(confirm.body.contains("取り消せません"));
    assert!(
        publication_mails(&app).await.is_empty(),
        "asking sends nothing"
    );

    let done = app
        .post_form("/staff/batches/1/publish", "/staff/batches/1/publish", &[])
        .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    assert!(
        done.body.contains("対象 3 世帯 / お知らせメール 1 通"),
        "{}",
        done.body
    );
    assert!(done.body.contains("公開済み"));
    let mails = publication_mails(&app).await;
    assert_eq!(mails.len(), 1);
    assert_eq!(mails[0].to, "taro@example.jp");
    let received = smtp
        .wait_for_mail(
            |m| m.subject.contains("新しい情報"),
            Duration::from_secs(10),
        )
        .await;
    assert_eq!(received.to, ["taro@example.jp"]);

    let shown = app.get("/menu/expenses?year=2025").await;
    assert!(shown.body.contains("本郷内科クリニック"), "{}", shown.body);
    let audit = app.get("/staff/audit?action=claims.published").await;
    assert!(audit.body.contains("staff:admin") && audit.body.contains("mails=1"));

    let again = app.get("/staff/batches/1/publish").await;
    assert!(again.body.contains("公開済みです"), "{}", again.body);
    let twice = app
        .post_form("/staff/batches", "/staff/batches/1/publish", &[])
        .await;
    assert!(twice.body.contains("公開済みです"));
    assert_eq!(publication_mails(&app).await.len(), 1, "no second mail");
    assert_eq!(
        app.get("/staff/batches/9/publish").await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn a_claims_upload_beyond_the_members_limit_is_streamed_and_needs_the_token() {
    let app = spawn_app().await;
    admin(&app).await;
    let no_token = app
        .client
        .post(format!("{}/staff/import/claims", app.url))
        .header("content-type", "multipart/form-data; boundary=x")
        .body("--x--\r\n")
        .send()
        .await
        .expect("post");
    assert_eq!(no_token.status(), StatusCode::FORBIDDEN);

    // 60 MiB (more than the 50 MiB of other uploads) behind a wrong header line.
    let mut big = b"not,the,header\n".to_vec();
    big.extend(std::iter::repeat_n(b'x', 60 * 1024 * 1024));
    let refused = upload_claims(&app, &big).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("見出し"), "{}", refused.body);
    let leftovers = std::fs::read_dir(app.dir.path())
        .expect("dir")
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().contains("kenpo-claims"))
        .count();
    assert_eq!(leftovers, 0, "the spooled file is removed");
}

const OLD_CLAIMS: &str = "\
R202111,1201,105,00,202111,外来,古いクリニック,1,1000,300,0
R202112,1201,105,00,202112,外来,境目クリニック,1,1000,300,0
R202503,1201,105,00,202503,外来,新しいクリニック,1,1000,300,0
R202001,1201,106,00,202001,外来,古い病院,1,1000,300,0
S202112,1201,106,00,202112,調剤,境目薬局,1,1000,300,0
";

fn receipts(store: &Store) -> (Vec<String>, Vec<String>) {
    store
        .read_blocking(|r| {
            let claims = r.scan::<ClaimRecord>("")?;
            let index = r.scan::<ClaimIndex>("")?;
            let mut claims: Vec<String> = claims
                .into_iter()
                .map(|(_, c)| c.claim.receipt_number)
                .collect();
            let mut index: Vec<String> = index.into_iter().map(|(k, _)| k).collect();
            claims.sort();
            index.sort();
            Ok::<_, anyhow::Error>((claims, index))
        })
        .expect("read")
}

fn purge_audits(store: &Store) -> Vec<AuditEntry> {
    store
        .read_blocking(|r| r.scan::<AuditEntry>(""))
        .expect("audit")
        .into_iter()
        .map(|(_, a)| a)
        .filter(|a| a.action == "claims.retention_purged")
        .collect()
}

#[test]
fn the_retention_job_deletes_exactly_the_claims_before_the_window() {
    let dir = tempfile::tempdir().expect("temp");
    let data = dir.path().join("kenpo.redb");
    run_local(
        &data,
        Job::Init {
            union_name: "テスト健康保険組合".into(),
            insurer_number: "06131114".into(),
            service_name: None,
        },
        None,
    );
    run_local(&data, Job::ImportMembers, Some(MEMBERS_UTF8.to_vec()));
    run_local(
        &data,
        Job::ImportClaims { publish: true },
        Some(csv(OLD_CLAIMS)),
    );
    let store = Store::open(&data).expect("store");
    let clock = ManualClock::new(t0()); // 2026年11月 in Japan: 60 months = 2021年12月〜2026年11月

    assert_eq!(
        purge_expired_claims(&store, clock.now(), 1).expect("purge"),
        2
    );
    let (claims, index) = receipts(&store);
    assert_eq!(claims, ["R202112", "R202503", "S202112"]);
    assert_eq!(index, claims, "claims and index agree");
    let audits = purge_audits(&store);
    assert_eq!(audits.len(), 1);
    assert_eq!(audits[0].actor, "system");
    assert!(
        audits[0]
            .detail
            .as_deref()
            .unwrap_or("")
            .contains("deleted=2")
    );
    assert_eq!(
        purge_expired_claims(&store, clock.now(), 1000).expect("purge"),
        0
    );
    assert_eq!(
        purge_audits(&store).len(),
        1,
        "no row when nothing was deleted"
    );

    // The last second of November in Japan still keeps 2021年12月; the next one does not.
    clock.set(
        chrono::TimeZone::with_ymd_and_hms(&chrono::Utc, 2026, 11, 30, 14, 59, 59)
            .single()
            .expect("time"),
    );
    assert_eq!(
        purge_expired_claims(&store, clock.now(), 1000).expect("purge"),
        0
    );
    clock.advance(chrono::Duration::seconds(1));
    assert_eq!(
        purge_expired_claims(&store, clock.now(), 1000).expect("purge"),
        2
    );
    assert_eq!(receipts(&store).0, vec!["R202503"]);

    // A shorter period set by the 管理者 applies at the next run.
    store
        .write_blocking(|w| {
            let mut s = w.get::<UnionSettings>("union")?.unwrap_or_default();
            s.retention_months = 12;
            w.put("union", &s)
        })
        .expect("settings");
    assert_eq!(
        purge_expired_claims(&store, clock.now(), 1000).expect("purge"),
        1
    );
    let (claims, index) = receipts(&store);
    assert!(claims.is_empty() && index.is_empty());

    // A deleted receipt number imports again as a new claim.
    drop(store);
    let io = run_local(
        &data,
        Job::ImportClaims { publish: false },
        Some(csv(OLD_CLAIMS)),
    );
    assert!(io.said[0].contains("新規 5 件"), "{:?}", io.said);
}

#[tokio::test]
async fn the_server_runs_the_retention_job_when_it_starts() {
    let dir = tempfile::tempdir().expect("temp");
    let data = dir.path().join("kenpo.redb");
    let path = data.clone();
    tokio::task::spawn_blocking(move || {
        run_local(
            &path,
            Job::Init {
                union_name: "テスト健康保険組合".into(),
                insurer_number: "06131114".into(),
                service_name: None,
            },
            None,
        );
        run_local(&path, Job::ImportMembers, Some(MEMBERS_UTF8.to_vec()));
        run_local(
            &path,
            Job::ImportClaims { publish: true },
            Some(csv(OLD_CLAIMS)),
        );
    })
    .await
    .expect("join");
    let running = kenpo::server::start(kenpo::server::ServeOptions {
        data,
        listen: "127.0.0.1:0".into(),
        base_url: None,
        smtp: None,
        clock: std::sync::Arc::new(ManualClock::new(t0())),
    })
    .await
    .expect("server starts");
    let store = running.state.store.clone();
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let s = store.clone();
        let (left, _) = tokio::task::spawn_blocking(move || receipts(&s))
            .await
            .expect("join");
        if left.len() == 3 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the retention job did not run: {left:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    running.stop().await.expect("stops");
}
