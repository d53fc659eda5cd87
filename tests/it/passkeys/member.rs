//! A household registers passkeys on two devices, logs in with each without typing its ID,
//! deletes one (which then no longer works) while the other and the password go on
//! working; staff then delete the rest from the household's page.

use crate::account::{EMAIL, PASSWORD, USER, register};
use crate::app::{AppOptions, client, spawn_app_on_localhost};
use crate::harness::authenticator::Authenticator;
use crate::harness::browser::Browser;
use crate::harness::smtp::SmtpServer;

use super::{WAIT, audit, fill_id, logout, passkey_login, password_login, register_passkey, rows};

#[tokio::test]
async fn a_household_registers_two_devices_logs_in_with_each_and_deletes_one() {
    let smtp = SmtpServer::start();
    let (mut app, base) = spawn_app_on_localhost(AppOptions {
        smtp_port: Some(smtp.port),
    })
    .await;
    register(&app).await;
    app.client = client();

    // The mother's phone and the father's phone: one browser and authenticator each.
    let mother = Browser::start().await;
    let mother_phone = Authenticator::add(&mother).await;
    password_login(&mother, &base).await;
    register_passkey(&mother, &base, "母の携帯").await;
    app.clock.advance(chrono::Duration::days(1));
    let father = Browser::start().await;
    let father_phone = Authenticator::add(&father).await;
    password_login(&father, &base).await;
    register_passkey(&father, &base, "父のAndroid").await;

    for (browser, phone) in [(&mother, &mother_phone), (&father, &father_phone)] {
        let held = phone.credentials(browser).await;
        assert_eq!(held.len(), 1, "{held:?}");
        assert_eq!(
            held[0]["isResidentCredential"], true,
            "a discoverable credential"
        );
    }
    let page = father.body_text().await;
    assert!(
        page.contains("母の携帯") && page.contains("父のAndroid"),
        "{page}"
    );
    assert!(page.contains("まだ使われていません"), "{page}");
    let mail = smtp
        .wait_for_mail(
            |m| m.subject.contains("パスキーが登録されました") && m.body.contains("父のAndroid"),
            WAIT,
        )
        .await;
    assert_eq!(mail.to, [EMAIL]);
    assert!(
        !mail.body.contains(USER),
        "no detail beyond the passkey's name"
    );

    // Each logs in with their own passkey, no ID typed.
    for browser in [&mother, &father] {
        logout(browser).await;
        passkey_login(browser, &base).await;
        browser.wait_for_text("個人情報管理", WAIT).await;
    }
    let all = audit(&app).await;
    let by_passkey = rows(&all, "login.succeeded")
        .into_iter()
        .filter(|e| e.detail.as_deref() == Some("passkey"))
        .count();
    assert_eq!(by_passkey, 2);
    assert_eq!(rows(&all, "passkey.registered").len(), 2);

    // The mother's phone is lost: deleted with the current password.
    mother.goto(&format!("{base}/menu/profile")).await;
    mother.wait_for_text("最後に使った日", WAIT).await;
    mother.click_button("削除").await;
    mother.wait_for_text("「母の携帯」を削除します", WAIT).await;
    fill_id(&mother, "current_password", "wrong-password-1").await;
    mother.click_button("削除する").await;
    mother
        .wait_for_text("現在のパスワードが正しくありません", WAIT)
        .await;
    fill_id(&mother, "current_password", PASSWORD).await;
    mother.click_button("削除する").await;
    mother.wait_for_text("パスキーを削除しました", WAIT).await;
    let page = mother.body_text().await;
    assert!(
        !page.contains("母の携帯") && page.contains("父のAndroid"),
        "{page}"
    );
    smtp.wait_for_mail(
        |m| m.subject.contains("パスキーが削除されました") && m.body.contains("母の携帯"),
        WAIT,
    )
    .await;

    // Her phone still holds the credential, but the portal no longer takes it.
    logout(&mother).await;
    passkey_login(&mother, &base).await;
    mother
        .wait_for_text("パスキーでログインできませんでした", WAIT)
        .await;
    password_login(&mother, &base).await;
    logout(&father).await;
    passkey_login(&father, &base).await;
    father.wait_for_text("個人情報管理", WAIT).await;
    let all = audit(&app).await;
    assert_eq!(rows(&all, "passkey.deleted").len(), 1);
    assert_eq!(rows(&all, "passkey.change_failed").len(), 1);
    assert_eq!(rows(&all, "passkey.login_failed").len(), 1);

    // Staff delete the household's remaining passkey from its page.
    crate::staff::admin(&app).await;
    let page = app.get("/staff/households/1201-105").await;
    assert!(page.body.contains("父のAndroid"), "{}", page.body);
    let done = app
        .post_form(
            "/staff/households/1201-105",
            "/staff/households/1201-105/passkeys/delete",
            &[],
        )
        .await;
    assert!(
        done.body
            .contains("パスキーを 1 個削除し、ログイン中の画面を"),
        "{}",
        done.body
    );
    // A session open on the lost phone ends with it: the father's next page is the login.
    father.goto(&format!("{base}/menu")).await;
    father.wait_for_text("ログインしてください", WAIT).await;
    passkey_login(&father, &base).await;
    father
        .wait_for_text("パスキーでログインできませんでした", WAIT)
        .await;
    let staff_rows = audit(&app).await;
    let by_staff = rows(&staff_rows, "passkey.deleted");
    assert!(
        by_staff.iter().any(|e| e.actor == "staff:admin"),
        "{:?}",
        by_staff.len()
    );
    mother.close().await;
    father.close().await;
}
