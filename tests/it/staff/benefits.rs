//! The benefits file in the staff console (データ取込): the same upload path, gate, status
//! page and line-numbered error table as claims; nothing imported on error; the fixed file
//! imports as an unpublished 支給決定 batch. The tests await the import's end
//! (`ClaimImports::finished`) instead of polling.

use reqwest::StatusCode;

use super::{admin, upload};
use crate::app::{MEMBERS_UTF8, Page, TestApp, spawn_app};
use crate::benefits::{BENEFITS_SJIS, BENEFITS_UTF8, decisions};
use crate::claims::batches;

/// Uploads a benefits file, waits for its import to end, and returns the status page.
async fn upload_benefits(app: &TestApp, bytes: &[u8]) -> Page {
    let started = upload(app, "/staff/import/benefits", "benefits.csv", bytes).await;
    assert_eq!(started.status, StatusCode::SEE_OTHER, "{}", started.body);
    let status = started.location.expect("status page");
    let id = status
        .strip_prefix("/staff/import/benefits/")
        .expect("a benefits status page")
        .to_string();
    let imports = app
        .running
        .as_ref()
        .expect("running")
        .state
        .claim_imports
        .clone();
    let over = imports.finished(&id).await.expect("a known import");
    assert!(!over.is_running());
    let fragment = app
        .client
        .get(format!("{}{status}/status", app.url))
        .header("hx-request", "true")
        .send()
        .await
        .expect("fragment")
        .text()
        .await
        .expect("fragment text");
    assert!(fragment.contains("id=\"claims-job\"") && !fragment.contains("hx-trigger"));
    assert_eq!(
        app.get(&format!("/staff/import/claims/{id}")).await.status,
        StatusCode::NOT_FOUND,
        "a benefits import is not shown under the claims path"
    );
    app.get(&status).await
}

/// The benefits file with line 3's 給付種別 unknown and line 5's 支払予定日 before its 決定日.
fn benefits_with_bad_lines() -> Vec<u8> {
    String::from_utf8(BENEFITS_UTF8.to_vec())
        .expect("utf-8")
        .replace("家族療養費付加金", "見舞金")
        .replace("20250415,120000,20250430", "20250415,120000,20250401")
        .into_bytes()
}

#[tokio::test]
async fn a_benefits_upload_with_errors_shows_the_line_table_and_the_fixed_file_imports() {
    let app = spawn_app().await;
    admin(&app).await;
    let members = upload(&app, "/staff/import/members", "members.csv", MEMBERS_UTF8).await;
    assert_eq!(members.status, StatusCode::OK, "{}", members.body);
    let form = app.get("/staff/import").await;
    assert!(
        form.body.contains("支給決定ファイル（benefits.csv）")
            && form.body.contains(r#"action="/staff/import/benefits""#),
        "{}",
        form.body
    );

    let refused = upload_benefits(&app, &benefits_with_bad_lines()).await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.body
    );
    for shown in [
        "<td>3行目</td><td>給付種別</td>",
        "給付種別「見舞金」は次のいずれかで入力してください: 高額療養費・",
        "<td>5行目</td><td>支払予定日</td>",
        "支払予定日（20250401）が決定日（20250415）より前です",
        "どの行も取り込んでいません",
    ] {
        assert!(refused.body.contains(shown), "{shown}: {}", refused.body);
    }
    assert!(batches(&app).await.is_empty(), "nothing imported");
    assert!(decisions(&app.store()).await.is_empty());

    let done = upload_benefits(&app, BENEFITS_SJIS).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    assert!(
        done.body.contains("<h1>支給決定ファイルの取込</h1>"),
        "{}",
        done.body
    );
    assert!(
        done.body.contains("取り込みました（取り込み番号 1）"),
        "{}",
        done.body
    );
    assert!(done.body.contains("<dd>8 件</dd>"), "{}", done.body);
    assert!(
        done.body
            .contains("<dt>対象年月</dt><dd>2025年3月〜2025年12月</dd>")
    );
    let stored = batches(&app).await;
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].kind, kenpo::claims::BatchKind::Benefits);
    assert_eq!(stored[0].imported_by, "staff:admin");
    assert!(!stored[0].is_published());
    assert_eq!(decisions(&app.store()).await.len(), 8);

    let list = app.get("/staff/batches").await;
    assert!(list.body.contains("<td>支給決定</td>") && list.body.contains("未公開"));
    let audit = app.get("/staff/audit?action=benefits.imported").await;
    assert!(
        audit.body.contains("staff:admin") && audit.body.contains("rows=8"),
        "{}",
        audit.body
    );
    assert_eq!(
        app.get("/staff/import/benefits/unknown").await.status,
        StatusCode::NOT_FOUND
    );
    let leftovers = std::fs::read_dir(app.dir.path())
        .expect("dir")
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().contains("kenpo-benefits"))
        .count();
    assert_eq!(leftovers, 0, "the spooled files are removed");
}
