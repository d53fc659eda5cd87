//! People type passwords into the ID field: what matched no account never reaches the
//! audit log, from the login or from the recovery forms. A known account is named by its
//! normalized ID.

use kenpo::audit::AuditEntry;

use super::{EMAIL, USER, assert_refused, forgot_id, forgot_password, registered};
use crate::app::TestApp;
use crate::registration::BIRTH;

/// Looks like a password, typed where the ID goes (a valid user ID in form).
const TYPED_SECRET: &str = "Himitsu.2026x";

async fn entries(app: &TestApp) -> Vec<AuditEntry> {
    let all = app
        .store()
        .read(|r| r.scan::<AuditEntry>(""))
        .await
        .expect("read audit");
    all.into_iter().map(|(_, e)| e).collect()
}

/// Every field of every row, lower-cased, for a search in any letter case.
fn text(entry: &AuditEntry) -> String {
    [
        Some(entry.actor.as_str()),
        entry.target.as_deref(),
        entry.detail.as_deref(),
        entry.client.as_deref(),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" ")
    .to_lowercase()
}

fn assert_nowhere(rows: &[AuditEntry], typed: &str) {
    let typed = typed.to_lowercase();
    for row in rows {
        assert!(!text(row).contains(&typed), "{typed} recorded in {row:?}");
    }
}

#[tokio::test]
async fn an_unknown_login_id_is_recorded_as_unknown_never_as_typed() {
    let app = registered().await;
    assert_refused(&app.login(TYPED_SECRET, "wrong-password-1").await);
    assert_refused(&app.login("9876543210", "wrong-password-1").await);
    assert_refused(&app.login("YAMADA.taro", "wrong-password-1").await);
    let rows = entries(&app).await;
    let failed: Vec<&str> = rows
        .iter()
        .filter(|e| e.action == "login.failed")
        .map(|e| e.actor.as_str())
        .collect();
    assert_eq!(
        failed,
        ["member:unknown", "temporary:unknown", "member:yamada.taro"]
    );
    assert_nowhere(&rows, TYPED_SECRET);
    assert_nowhere(&rows, "9876543210");
}

#[tokio::test]
async fn nothing_typed_into_the_recovery_forms_is_recorded() {
    let app = registered().await;
    forgot_password(&app, TYPED_SECRET, EMAIL, BIRTH).await;
    forgot_password(&app, USER, "stranger@example.org", BIRTH).await;
    forgot_id(&app, "stranger@example.org", "19800101").await;
    let rows = entries(&app).await;
    let recovery: Vec<&AuditEntry> = rows
        .iter()
        .filter(|e| e.action.starts_with("recovery."))
        .collect();
    assert_eq!(recovery.len(), 3, "{recovery:?}");
    for row in recovery {
        assert_eq!(row.actor, "anonymous", "{row:?}");
        assert_eq!(row.detail.as_deref(), Some("no match"));
    }
    assert_nowhere(&rows, TYPED_SECRET);
    assert_nowhere(&rows, "stranger@example.org");
    assert_nowhere(&rows, "19800101");
    // The birth date in any form it could be written in (not the bare year: a random
    // 10-digit temporary ID may hold "1976" by chance).
    for birth in [BIRTH, "1976-04-18", "1976/04/18", "1976年4月18日"] {
        assert_nowhere(&rows, birth);
    }
}
