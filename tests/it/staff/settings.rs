//! 組合の設定: the 保険者番号 check digit, and versioned terms that registration records.

use reqwest::StatusCode;

use super::{admin, register_member};
use crate::app::spawn_app;
use kenpo::settings::SETTINGS;

#[tokio::test]
async fn settings_refuse_a_wrong_check_digit_and_save_the_rest() {
    let app = spawn_app().await;
    admin(&app).await;
    let form = app.get("/staff/settings").await;
    assert!(form.body.contains("06131114"));
    let mut fields = vec![
        ("union_name", "新テスト健康保険組合"),
        ("insurer_number", "06131115"),
        ("service_name", "けんぽWeb"),
        ("credential_validity_days", "60"),
        ("temp_id_max_failures", "5"),
        ("temp_id_lock_minutes", "30"),
        ("session_idle_minutes", "30"),
        ("session_absolute_hours", "12"),
        ("password_max_age_days", "1825"),
        ("retention_months", "60"),
    ];
    let refused = app
        .post_form("/staff/settings", "/staff/settings", &fields)
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("field-error"));
    fields[1] = ("insurer_number", "06131114");
    let saved = app
        .post_form("/staff/settings", "/staff/settings", &fields)
        .await;
    assert!(saved.body.contains("設定を保存しました"), "{}", saved.body);
    assert!(
        app.get("/staff")
            .await
            .body
            .contains("新テスト健康保険組合")
    );
    let audit = app.get("/staff/audit?action=settings.changed").await;
    assert!(
        audit.body.contains("union_name,credential_validity_days"),
        "{}",
        audit.body
    );
}

#[tokio::test]
async fn registration_shows_and_records_the_current_terms_version() {
    let app = spawn_app().await;
    admin(&app).await;
    let published = app
        .post_form(
            "/staff/settings",
            "/staff/settings/terms",
            &[("text", "第2版の規約です。\n\n# 第1条\n\n改定しました。")],
        )
        .await;
    assert!(
        published.body.contains("第2版を公開しました"),
        "{}",
        published.body
    );
    assert!(app.get("/terms").await.body.contains("第2版の規約です。"));
    register_member(&app).await;
    let audit = app.get("/staff/audit?action=registration.completed").await;
    assert!(audit.body.contains("terms_version=2"), "{}", audit.body);
}

#[tokio::test]
async fn the_outbox_masks_recipients_and_statistics_draw_charts() {
    let app = spawn_app().await;
    register_member(&app).await;
    admin(&app).await;
    let outbox = app.get("/staff/outbox").await;
    assert!(
        outbox.body.contains("ta***@example.jp") && outbox.body.contains("送信待ち"),
        "{}",
        outbox.body
    );
    assert!(!outbox.body.contains("taro@example.jp"));
    let none = app
        .post_form("/staff/outbox", "/staff/outbox/retry-failed", &[])
        .await;
    assert!(none.body.contains("0 通を送信待ちに戻しました"));
    let stats = app.get("/staff/stats").await;
    assert!(stats.body.contains("1 世帯（33.3%）"), "{}", stats.body);
    assert!(stats.body.contains("<svg") && stats.body.contains("chart__bar"));
    assert!(
        !stats.body.contains("style="),
        "no inline styles under the CSP"
    );
}

/// A save is built from the settings as stored when it writes, not from what the request
/// saw when it began: a field the form does not hold, changed meanwhile, survives.
#[tokio::test]
async fn saving_settings_keeps_what_changed_since_the_request_began() {
    use kenpo::clock::Clock as _;
    use kenpo::console::settings::{SettingsInput, save};
    use kenpo::settings::UnionSettings;

    let app = spawn_app().await;
    let store = app.store();
    let snapshot = store
        .read(|r| r.get::<UnionSettings>(SETTINGS))
        .await
        .expect("read")
        .unwrap_or_default();
    store
        .write(|w| {
            let mut s = w.get::<UnionSettings>(SETTINGS)?.unwrap_or_default();
            s.maintenance.day = 10;
            s.public_url = "https://kenpo.example.jp".into();
            w.put(SETTINGS, &s)
        })
        .await
        .expect("change meanwhile");
    let mut input = SettingsInput::from_settings(&snapshot);
    input.union_name = "新テスト健康保険組合".into();
    let now = app.clock.now();
    let saved = store
        .write(move |w| save(w, &input, "staff:admin", now))
        .await
        .expect("save")
        .expect("valid");
    let stored = store
        .read(|r| r.get::<UnionSettings>(SETTINGS))
        .await
        .expect("read")
        .expect("settings");
    for s in [&saved, &stored] {
        assert_eq!(s.union_name, "新テスト健康保険組合");
        assert_eq!(s.maintenance.day, 10);
        assert_eq!(s.public_url, "https://kenpo.example.jp");
    }
}
