//! Claims in the staff console (issue 7): upload with a polled status, a line-numbered
//! error table and nothing imported on error; the batches list; publishing with a
//! confirmation that counts households and mails. (The retention job: `retention`.)

use std::time::{Duration, Instant};

use reqwest::StatusCode;

use super::{admin, upload};
use crate::app::{AppOptions, MEMBERS_UTF8, Page, TestApp, spawn_app, spawn_app_with};
use crate::claims::{CLAIMS_UTF8, batches, publication_mails, put_account, register_yamada};
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
        form.body.contains("医療費ファイル")
            && form.body.contains(r#"action="/staff/import/claims""#)
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

/// A stop rolls back a claim import started in the browser at its next progress step, as
/// it does one started over the control socket: otherwise the import holds redb's one
/// writer through the stop's grace (up to 45 s for a million rows), and the logins and
/// views in flight wait behind it past the grace.
#[tokio::test]
async fn a_stop_rolls_back_a_claims_upload_in_progress_and_imports_nothing() {
    let mut app = spawn_app().await;
    with_members(&app).await;
    let store = app.store();
    // The import cannot write until the stop is under way: no timing, only order.
    let (release, holder) = crate::group_commit::hold_writes(store.clone());
    let started = upload(
        &app,
        "/staff/import/claims",
        "claims.csv",
        &crate::binary::claim_file('B', 5_000),
    )
    .await;
    assert_eq!(started.status, StatusCode::SEE_OTHER, "{}", started.body);
    let status = started.location.expect("status page");
    let id = status.rsplit('/').next().expect("job id").to_string();

    let running = app.running.take().expect("running");
    let state = running.state.clone();
    running.shutdown.send(true).expect("server listens");
    // The stop has reached the jobs once the control socket file is gone (an event, polled).
    while kenpo::control::socket_path(&app.data).exists() {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    release.send(()).expect("release");
    holder.join().expect("holder");
    running.done.await.expect("server task").expect("stopped");
    let phase = loop {
        let job = state.claim_imports.status(&id).expect("job status");
        if !job.is_running() {
            break job.phase;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    };

    assert!(
        matches!(&phase, kenpo::console::claim_imports::Phase::Refused(e) if e.to_string().contains("停止するため")),
        "the import went on through the stop: {phase:?}"
    );
    let stored = store
        .read(|r| r.scan::<kenpo::claims::Batch>(""))
        .await
        .expect("batches");
    assert!(stored.is_empty(), "{} batches stored", stored.len());
}
