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

/// 差出人 in 組合の設定: a bad 郵便番号 or 電話番号 is refused beside its field and saves
/// nothing; a good one is stored, shown again and audited by field name.
#[tokio::test]
async fn the_sender_address_is_validated_saved_and_audited() {
    let app = spawn_app().await;
    admin(&app).await;
    let form = app.get("/staff/settings").await;
    assert!(form.body.contains("差出人") && form.body.contains("sender_postal_code"));
    let mut fields = vec![
        ("union_name", "テスト健康保険組合"),
        ("insurer_number", "06131114"),
        ("service_name", "けんぽWeb"),
        ("credential_validity_days", "90"),
        ("temp_id_max_failures", "5"),
        ("temp_id_lock_minutes", "30"),
        ("session_idle_minutes", "30"),
        ("session_absolute_hours", "12"),
        ("password_max_age_days", "1825"),
        ("retention_months", "60"),
        ("sender_fields", "1"),
        ("sender_postal_code", "100-001"),
        ("sender_address", "東京都千代田区千代田1-1"),
        ("sender_phone", "03-1234"),
    ];
    let refused = app
        .post_form("/staff/settings", "/staff/settings", &fields)
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.body.contains("id=\"sender_postal_code-error\""),
        "{}",
        refused.body
    );
    assert!(
        refused.body.contains("id=\"sender_phone-error\""),
        "{}",
        refused.body
    );
    let stored = |app: &crate::app::TestApp| {
        let store = app.store();
        async move {
            store
                .read(|r| r.get::<kenpo::settings::UnionSettings>(SETTINGS))
                .await
                .expect("read")
                .expect("settings")
        }
    };
    assert_eq!(stored(&app).await.sender_address, "", "nothing saved");

    fields[11] = ("sender_postal_code", "１００－０００１");
    fields[13] = ("sender_phone", "03-1234-5678");
    let saved = app
        .post_form("/staff/settings", "/staff/settings", &fields)
        .await;
    assert!(saved.body.contains("設定を保存しました"), "{}", saved.body);
    assert!(saved.body.contains("value=\"100-0001\""), "{}", saved.body);
    let s = stored(&app).await;
    assert_eq!(
        (
            s.sender_postal_code.as_str(),
            s.sender_address.as_str(),
            s.sender_phone.as_str()
        ),
        ("1000001", "東京都千代田区千代田1-1", "03-1234-5678")
    );
    let audit = app.get("/staff/audit?action=settings.changed").await;
    assert!(
        audit
            .body
            .contains("sender_postal_code,sender_address,sender_phone"),
        "{}",
        audit.body
    );
}
