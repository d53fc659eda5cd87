//! SPEC §3's 個人情報入力画面 and after: each profile rule refused beside its field, the
//! user ID checked live, back and double submission, expiry and reissue.

use super::*;

#[tokio::test]
async fn profile_rules_are_each_refused_beside_their_field() {
    let app = spawn_app().await;
    let card = first_card(&app).await;
    app.login(&card.temp_id, &card.temp_password).await;
    identity(&app, "06131114", BIRTH, Some("yes")).await;
    let good = "sakura2026go";
    let cases: &[(&str, &str, &str, &str, &str)] = &[
        ("short1a", good, good, "a@example.jp", "8文字以上13文字以内"),
        (
            "abcdefghijklmn",
            good,
            good,
            "a@example.jp",
            "8文字以上13文字以内",
        ),
        ("12345678", good, good, "a@example.jp", "英字"),
        ("yamada taro", good, good, "a@example.jp", "半角英数字"),
        ("yamadataro", "abc12", "abc12", "a@example.jp", "8文字以上"),
        (
            "yamadataro",
            "abcdefghij",
            "abcdefghij",
            "a@example.jp",
            "英字と数字",
        ),
        (
            "yamadataro",
            "yamadataro1",
            "yamadataro1",
            "a@example.jp",
            "ユーザID",
        ),
        (
            "yamadataro",
            "password1",
            "password1",
            "a@example.jp",
            "よく使われて",
        ),
        (
            "yamadataro",
            good,
            "sakura2026ga",
            "a@example.jp",
            "一致しません",
        ),
        ("yamadataro", good, good, "not-an-address", "メールアドレス"),
    ];
    for (user_id, password, confirm, email, expected) in cases {
        let page = crate::registration::profile(&app, user_id, password, confirm, email).await;
        assert_eq!(
            page.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{user_id} {password} {email}"
        );
        assert!(
            page.body.contains(expected),
            "{user_id} {password} {email}: expected {expected}\n{}",
            page.body
        );
        assert!(!page.body.contains(password), "passwords are never echoed");
    }
}

#[tokio::test]
async fn back_keeps_everything_but_the_passwords_and_nothing_is_stored_before_execute() {
    let app = spawn_app().await;
    let card = first_card(&app).await;
    up_to_confirm(&app, &card, "Yamada.Taro").await;
    let back = app
        .post_form("/register/confirm", "/register/back", &[])
        .await;
    assert_eq!(back.location.as_deref(), Some("/register/profile"));
    let form = app.get("/register/profile").await;
    assert!(form.body.contains("Yamada.Taro") && form.body.contains("taro@example.jp"));
    let confirm = app.get("/register/confirm").await;
    assert_eq!(
        confirm.location.as_deref(),
        Some("/register/profile"),
        "password must be typed again"
    );
    let other = TestApp {
        client: crate::app::client(),
        ..app
    };
    let no_account = other.login("Yamada.Taro", "sakura2026go").await;
    assert_eq!(
        no_account.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "nothing stored before 実行"
    );
}

#[tokio::test]
async fn double_submission_creates_one_account_and_both_end_on_the_done_screen() {
    let app = spawn_app_with(AppOptions { smtp_port: None }).await;
    let card = first_card(&app).await;
    up_to_confirm(&app, &card, "Yamada.Taro").await;
    let (a, b) = tokio::join!(execute(&app), execute(&app));
    assert_eq!(a.location.as_deref(), Some("/register/done"));
    assert_eq!(b.location.as_deref(), Some("/register/done"));
    let data = app.data.clone();
    let running = app.running.as_ref().expect("running");
    let welcome_mails = running
        .state
        .store
        .read(|r| {
            let all = r.scan::<kenpo::mail::outbox::OutboxMail>("")?;
            Ok::<_, anyhow::Error>(
                all.into_iter()
                    .filter(|(_, m)| m.subject.contains("ようこそ"))
                    .count(),
            )
        })
        .await
        .expect("read outbox");
    assert_eq!(
        welcome_mails,
        1,
        "one account, one welcome mail ({})",
        data.display()
    );
    let done = app.get("/register/done").await;
    assert!(done.body.contains("これで初期登録は終了です"));
}

#[tokio::test]
async fn an_expired_wizard_session_keeps_the_postcard_usable() {
    let app = spawn_app().await;
    let card = first_card(&app).await;
    app.login(&card.temp_id, &card.temp_password).await;
    let form = app.get("/register/identity").await;
    app.clock.advance(Duration::minutes(31));
    let token = crate::app::csrf_of(&form.body);
    let fields = [
        ("insurer_number", "06131114"),
        ("birth_date", BIRTH),
        ("agree", "yes"),
        ("csrf", token.as_str()),
    ];
    let resp = app
        .client
        .post(format!("{}/register/identity", app.url))
        .form(&fields)
        .send()
        .await
        .expect("post");
    let location = resp
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    assert_eq!(location.as_deref(), Some("/?expired=1"));
    let again = app.login(&card.temp_id, &card.temp_password).await;
    assert_eq!(again.location.as_deref(), Some("/register/identity"));
}

#[tokio::test]
async fn expired_temporary_credentials_are_refused() {
    let app = spawn_app().await;
    let card = first_card(&app).await;
    app.clock.advance(Duration::days(91));
    let page = app.login(&card.temp_id, &card.temp_password).await;
    assert!(page.body.contains("有効期限が切れています"));
}

#[tokio::test]
async fn reissuing_kills_the_old_pair() {
    let app = spawn_app().await;
    let old = first_card(&app).await;
    let rows = app.import_and_issue(MEMBERS_UTF8).await;
    let new = rows.iter().find(|r| r[1] == "105").expect("new postcard");
    assert_ne!(new[5], old.temp_id);
    let refused = app.login(&old.temp_id, &old.temp_password).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let accepted = app.login(&new[5], &new[6]).await;
    assert_eq!(accepted.location.as_deref(), Some("/register/identity"));
}
