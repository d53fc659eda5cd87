//! 監査ログ export: typed text never reaches a spreadsheet as a formula.

use kenpo::audit::{Action, AuditEntry};
use kenpo::clock::Clock as _;

use super::admin;
use crate::app::{parse_csv, spawn_app};

#[tokio::test]
async fn cells_that_look_like_formulas_are_text_in_the_audit_csv() {
    let app = spawn_app().await;
    admin(&app).await;
    let now = app.clock.now();
    let store = app.store();
    store
        .write(move |w| {
            let mut row = AuditEntry::new(now, "@evil", Action::SettingsChanged)
                .target("+81-3-0000")
                .detail("=HYPERLINK(\"https://evil.example\",\"x\")");
            row.action = "test.formula".to_string();
            row.record(w)
        })
        .await
        .expect("put");
    let resp = app
        .client
        .get(format!(
            "{}/staff/audit/export?action=test.formula",
            app.url
        ))
        .send()
        .await
        .expect("GET");
    let rows = parse_csv(&resp.bytes().await.expect("body"));
    let row = rows
        .iter()
        .find(|r| r[2] == "test.formula")
        .expect("the row");
    assert_eq!(row[1], "'@evil");
    assert_eq!(row[3], "'+81-3-0000");
    assert_eq!(row[5], "'=HYPERLINK(\"https://evil.example\",\"x\")");
}
