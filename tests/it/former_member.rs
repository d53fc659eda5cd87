//! SPEC §6.1: a household whose insured person lost eligibility keeps its login for 24
//! months (setting), sees that it has left, and then loses the login.

use chrono::{TimeZone as _, Utc};
use reqwest::StatusCode;

use crate::app::{MEMBERS_UTF8, TestApp, spawn_app};
use crate::registration::{execute, identity, profile};

#[tokio::test]
async fn a_former_members_household_keeps_its_login_for_24_months_then_loses_it() {
    let app = spawn_app().await;
    let rows = app.import_and_issue(MEMBERS_UTF8).await;
    // 1202-7: 佐々木 一 lost eligibility on 2026-03-31.
    let row = rows
        .iter()
        .find(|r| r[0] == "1202" && r[1] == "7")
        .expect("postcard for 1202-7");
    app.login(&row[5], &row[6]).await;
    let id = identity(&app, "06131114", "19581130", Some("yes")).await;
    assert_eq!(
        id.location.as_deref(),
        Some("/register/profile"),
        "{}",
        id.body
    );
    let p = profile(
        &app,
        "sasaki.hajime",
        "momiji2026ok",
        "momiji2026ok",
        "hajime@example.jp",
    )
    .await;
    assert_eq!(
        p.location.as_deref(),
        Some("/register/confirm"),
        "{}",
        p.body
    );
    execute(&app).await;
    app.get("/register/done").await;
    let menu = app.get("/menu").await;
    assert!(
        menu.body.contains("資格を喪失されています") && menu.body.contains("2028年3月31日"),
        "{}",
        menu.body
    );

    let last_day = Utc
        .with_ymd_and_hms(2028, 3, 31, 12, 0, 0)
        .single()
        .expect("time");
    app.clock.set(last_day);
    let fresh = TestApp {
        client: crate::app::client(),
        ..app
    };
    let still = fresh.login("sasaki.hajime", "momiji2026ok").await;
    assert_eq!(
        still.location.as_deref(),
        Some("/menu"),
        "the last day still works"
    );

    fresh.clock.set(
        Utc.with_ymd_and_hms(2028, 4, 1, 0, 0, 0)
            .single()
            .expect("time"),
    );
    let other = TestApp {
        client: crate::app::client(),
        ..fresh
    };
    let ended = other.login("sasaki.hajime", "momiji2026ok").await;
    assert_eq!(ended.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        ended.body.contains("ご利用いただけなくなりました"),
        "{}",
        ended.body
    );
    let wrong = other.login("sasaki.hajime", "wrong-pass1").await;
    assert!(
        !wrong.body.contains("ご利用いただけなくなりました"),
        "only the right password learns it"
    );
}
