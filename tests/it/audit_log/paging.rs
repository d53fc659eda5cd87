//! 監査ログ in pages of 100, newest first, reading one page from the data file.

use kenpo::audit::AuditEntry;
use kenpo::clock::Clock as _;
use kenpo::console::audit_log::{self, AuditFilter};
use kenpo::store::Store;

use super::seed;
use crate::app::{TestApp, spawn_app, t0};
use crate::staff::admin;

fn rows_of(body: &str) -> usize {
    let doc = scraper::Html::parse_document(body);
    let sel = scraper::Selector::parse("table tbody tr").expect("selector");
    doc.select(&sel).count()
}

fn next_link(body: &str) -> Option<String> {
    let doc = scraper::Html::parse_document(body);
    let sel = scraper::Selector::parse("nav.paging a").expect("selector");
    doc.select(&sel)
        .find(|a| a.text().collect::<String>().contains("次のページ"))
        .and_then(|a| a.value().attr("href"))
        .map(|h| h.replace("&amp;", "&"))
}

fn store(app: &TestApp) -> Store {
    app.running.as_ref().expect("running").state.store.clone()
}

#[tokio::test]
async fn the_audit_page_shows_100_rows_and_links_to_the_next_page() {
    let app = spawn_app().await;
    admin(&app).await;
    let s = store(&app);
    let now = app.clock.now();
    tokio::task::spawn_blocking(move || seed(&s, 250, "test.seeded", now))
        .await
        .expect("join");

    let first = app.get("/staff/audit").await;
    assert!(first.body.contains("1 / 3ページ"), "{}", first.body);
    assert_eq!(rows_of(&first.body), 100);
    let next = next_link(&first.body).expect("a link to the next page");
    let second = app.get(&next).await;
    assert!(second.body.contains("2 / 3ページ"), "{}", second.body);
    assert_eq!(rows_of(&second.body), 100);
    let last = app.get(&next_link(&second.body).expect("third page")).await;
    assert!(last.body.contains("3 / 3ページ"), "{}", last.body);
    assert!(next_link(&last.body).is_none(), "no page after the last");
    // The oldest seeded row is on the last page, after the rows the admin's login wrote.
    assert!(last.body.contains("row 0"), "{}", last.body);
}

#[test]
fn a_page_of_a_long_audit_log_decodes_one_page_of_rows() {
    let dir = tempfile::tempdir().expect("temp");
    let store = Store::open(&dir.path().join("k.redb")).expect("open");
    seed(&store, 10_000, "test.seeded", t0());
    let decoded = store
        .read_blocking(|r| {
            let page = audit_log::page(r, &AuditFilter::default())?;
            assert_eq!(page.rows.len(), 100);
            assert_eq!((page.number, page.pages), (1, Some(100)));
            assert!(page.older.is_some(), "a link to the next page");
            Ok::<_, anyhow::Error>(r.decoded::<AuditEntry>())
        })
        .expect("page");
    assert!(
        decoded <= 101,
        "decoded {decoded} audit rows for a page of 100"
    );
}

#[tokio::test]
async fn the_csv_export_streams_every_matching_row_newest_first() {
    let app = spawn_app().await;
    admin(&app).await;
    let s = store(&app);
    let now = app.clock.now();
    // More rows than one chunk of the export reads.
    tokio::task::spawn_blocking(move || seed(&s, 2_500, "test.seeded", now))
        .await
        .expect("join");
    let resp = app
        .client
        .get(format!("{}/staff/audit/export?action=seeded", app.url))
        .send()
        .await
        .expect("GET");
    assert!(resp.status().is_success());
    let rows = crate::app::parse_csv(&resp.bytes().await.expect("body"));
    assert_eq!(rows[0][6], "回数");
    let seeded: Vec<&Vec<String>> = rows.iter().skip(1).collect();
    assert_eq!(seeded.len(), 2_500);
    assert_eq!(seeded[0][5], "row 2499", "newest first");
    assert_eq!(seeded[2_499][5], "row 0");
    assert!(seeded.iter().all(|r| r[2] == "test.seeded" && r[6] == "1"));
    let page = app.get("/staff/audit?action=audit.exported").await;
    assert!(page.body.contains("action=seeded"), "{}", page.body);
}
