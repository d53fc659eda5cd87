//! The audit log's retention period (組合の設定, default 84 months = 7 years, counting the
//! current month in Japan time): the daily job deletes older rows and their index entries.

use chrono::{DateTime, TimeZone as _, Utc};
use kenpo::audit::AuditEntry;
use kenpo::clock::{Clock as _, JST, ManualClock};
use kenpo::console::audit_log::apply_retention;
use kenpo::settings::UnionSettings;
use kenpo::store::Store;

use super::all_rows;
use crate::app::t0;

fn jst(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    JST.with_ymd_and_hms(y, m, d, h, min, 0)
        .single()
        .expect("time")
        .with_timezone(&Utc)
}

fn put(store: &Store, at: DateTime<Utc>, detail: &str) {
    let detail = detail.to_string();
    store
        .write_blocking(move |w| {
            AuditEntry::new(at, "staff:admin", "staff.household_viewed")
                .target("1201-105")
                .detail(detail)
                .record(w)
        })
        .expect("put");
}

fn details(store: &Store) -> Vec<String> {
    all_rows(store)
        .into_iter()
        .filter(|e| e.action == "staff.household_viewed")
        .filter_map(|e| e.detail)
        .collect()
}

fn trail(store: &Store) -> Vec<String> {
    store
        .read_blocking(|r| kenpo::audit::trail(r, "1201-105", 100))
        .expect("trail")
        .into_iter()
        .filter_map(|e| e.detail)
        .collect()
}

#[test]
fn the_daily_job_deletes_audit_rows_before_the_last_seven_years() {
    let dir = tempfile::tempdir().expect("temp");
    let store = Store::open(&dir.path().join("k.redb")).expect("open");
    // t0 is 2026年11月 in Japan: 84 months are 2019年12月〜2026年11月.
    put(&store, jst(2018, 5, 1, 9, 0), "2018-05");
    put(&store, jst(2019, 11, 30, 23, 59), "2019-11-30");
    put(&store, jst(2019, 12, 1, 0, 0), "2019-12-01");
    put(&store, jst(2024, 1, 15, 12, 0), "2024-01");
    let clock = ManualClock::new(t0());

    assert_eq!(apply_retention(&store, clock.now()).expect("daily job"), 2);
    assert_eq!(details(&store), ["2019-12-01", "2024-01"]);
    assert_eq!(
        trail(&store),
        ["2024-01", "2019-12-01"],
        "index entries go too"
    );
    let purged: Vec<_> = all_rows(&store)
        .into_iter()
        .filter(|e| e.action == "audit.retention_purged")
        .collect();
    assert_eq!(purged.len(), 1, "the job records what it deleted");

    // A month later, 2019年12月 has left the window.
    clock.set(jst(2026, 12, 1, 0, 0));
    assert_eq!(apply_retention(&store, clock.now()).expect("daily job"), 1);
    assert_eq!(details(&store), ["2024-01"]);
    assert_eq!(trail(&store), ["2024-01"]);
}

#[test]
fn a_shorter_retention_setting_deletes_more_at_the_next_daily_job() {
    let dir = tempfile::tempdir().expect("temp");
    let store = Store::open(&dir.path().join("k.redb")).expect("open");
    put(&store, jst(2024, 1, 15, 12, 0), "2024-01");
    put(&store, jst(2025, 12, 1, 0, 0), "2025-12");
    let clock = ManualClock::new(t0());
    assert_eq!(apply_retention(&store, clock.now()).expect("daily job"), 0);

    store
        .write_blocking(|w| {
            let mut s = w.get::<UnionSettings>("union")?.unwrap_or_default();
            s.audit_retention_months = 12;
            w.put("union", &s)
        })
        .expect("settings");
    assert_eq!(apply_retention(&store, clock.now()).expect("daily job"), 1);
    assert_eq!(details(&store), ["2025-12"]);
}

#[tokio::test]
async fn the_settings_page_sets_the_audit_log_retention_period() {
    let app = crate::app::spawn_app().await;
    crate::staff::admin(&app).await;
    let form = app.get("/staff/settings").await;
    assert!(
        form.body.contains("監査ログの保存期間（月）"),
        "{}",
        form.body
    );
    assert!(form.body.contains(r#"name="audit_retention_months""#));
    assert!(form.body.contains(r#"value="84""#));
    let mut fields = vec![
        ("union_name", crate::app::UNION),
        ("insurer_number", crate::app::INSURER),
        ("service_name", "けんぽWeb"),
        ("credential_validity_days", "90"),
        ("temp_id_max_failures", "5"),
        ("temp_id_lock_minutes", "30"),
        ("session_idle_minutes", "30"),
        ("session_absolute_hours", "12"),
        ("password_max_age_days", "1825"),
        ("retention_months", "60"),
        ("audit_retention_months", "6"),
    ];
    let refused = app
        .post_form("/staff/settings", "/staff/settings", &fields)
        .await;
    assert!(
        refused
            .body
            .contains("12から240までの半角数字で入力してください。"),
        "{}",
        refused.body
    );
    fields[10] = ("audit_retention_months", "120");
    let saved = app
        .post_form("/staff/settings", "/staff/settings", &fields)
        .await;
    assert!(saved.body.contains("設定を保存しました"), "{}", saved.body);
    let store = app.running.as_ref().expect("running").state.store.clone();
    let months = store
        .read(|r| r.get::<UnionSettings>("union"))
        .await
        .expect("settings")
        .expect("saved")
        .audit_retention_months;
    assert_eq!(months, 120);
}
