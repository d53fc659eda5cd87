//! SPEC §3 over HTTP against the real app: the wizard, its refusals, locks and races.

use chrono::Duration;
use reqwest::StatusCode;

use crate::app::{AppOptions, MEMBERS_UTF8, TestApp, spawn_app, spawn_app_with};

/// 山田 太郎's household: 1201-105, insured person born 1976-04-18.
pub const BIRTH: &str = "19760418";

pub struct Card {
    pub temp_id: String,
    pub temp_password: String,
}

pub async fn first_card(app: &TestApp) -> Card {
    let rows = app.import_and_issue(MEMBERS_UTF8).await;
    assert_eq!(
        rows[0],
        [
            "記号",
            "番号",
            "氏名",
            "郵便番号",
            "住所",
            "仮ユーザID",
            "仮パスワード",
            "有効期限"
        ]
    );
    let row = rows
        .iter()
        .find(|r| r[0] == "1201" && r[1] == "105")
        .expect("postcard for 1201-105");
    Card {
        temp_id: row[5].clone(),
        temp_password: row[6].clone(),
    }
}

pub async fn identity(
    app: &TestApp,
    insurer: &str,
    birth: &str,
    agree: Option<&str>,
) -> crate::app::Page {
    let mut fields = vec![("insurer_number", insurer), ("birth_date", birth)];
    if let Some(a) = agree {
        fields.push(("agree", a));
    }
    app.post_form("/register/identity", "/register/identity", &fields)
        .await
}

pub async fn profile(
    app: &TestApp,
    user_id: &str,
    password: &str,
    confirm: &str,
    email: &str,
) -> crate::app::Page {
    let fields = [
        ("user_id", user_id),
        ("password", password),
        ("password_confirm", confirm),
        ("email", email),
        ("notify", "on"),
    ];
    app.post_form("/register/profile", "/register/profile", &fields)
        .await
}

/// Logs in with the postcard and walks to the confirmation screen.
pub async fn up_to_confirm(app: &TestApp, card: &Card, user_id: &str) {
    let login = app.login(&card.temp_id, &card.temp_password).await;
    assert_eq!(
        login.location.as_deref(),
        Some("/register/identity"),
        "{}",
        login.body
    );
    let id = identity(app, "06131114", BIRTH, Some("yes")).await;
    assert_eq!(
        id.location.as_deref(),
        Some("/register/profile"),
        "{}",
        id.body
    );
    let p = profile(
        app,
        user_id,
        "sakura2026go",
        "sakura2026go",
        "taro@example.jp",
    )
    .await;
    assert_eq!(
        p.location.as_deref(),
        Some("/register/confirm"),
        "{}",
        p.body
    );
}

pub async fn execute(app: &TestApp) -> crate::app::Page {
    app.post_form("/register/confirm", "/register/execute", &[])
        .await
}

#[tokio::test]
async fn the_whole_wizard_registers_the_household_and_retires_the_postcard() {
    let app = spawn_app().await;
    let card = first_card(&app).await;
    up_to_confirm(&app, &card, "Yamada.Taro").await;
    let confirm = app.get("/register/confirm").await;
    assert!(confirm.body.contains("Yamada.Taro") && confirm.body.contains("********"));
    assert!(
        !confirm.body.contains("sakura2026go"),
        "the password is masked"
    );

    let done = execute(&app).await;
    assert_eq!(done.location.as_deref(), Some("/register/done"));
    let page = app.get("/register/done").await;
    assert!(page.body.contains("これで初期登録は終了です") && page.body.contains("メニューへ"));
    let menu = app.get("/menu").await;
    assert_eq!(menu.status, StatusCode::OK);
    assert!(
        menu.body.contains("山田　花子"),
        "household members are listed"
    );

    let fresh = TestApp {
        client: crate::app::client(),
        ..app
    };
    let old = fresh.login(&card.temp_id, &card.temp_password).await;
    assert_eq!(
        old.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "temporary pair no longer works"
    );
    let new = fresh.login("yamada.taro", "sakura2026go").await;
    assert_eq!(
        new.location.as_deref(),
        Some("/menu"),
        "user ID matches case-insensitively"
    );
}

#[tokio::test]
async fn identity_refusals_are_shown_beside_their_fields() {
    let app = spawn_app().await;
    let card = first_card(&app).await;
    app.login(&card.temp_id, &card.temp_password).await;
    let cases = [
        ("06131115", BIRTH, Some("yes"), "保険者番号に誤り"),
        (
            "06138804",
            BIRTH,
            Some("yes"),
            "保険者番号または生年月日が一致しません",
        ),
        ("0613111", BIRTH, Some("yes"), "8桁"),
        (
            "06131114",
            "19790822",
            Some("yes"),
            "本人確認ができませんでした",
        ),
        ("06131114", "19760231", Some("yes"), "日付"),
        ("06131114", "20991231", Some("yes"), "未来"),
        ("06131114", BIRTH, Some("no"), "同意する"),
        ("06131114", BIRTH, None, "同意する"),
    ];
    for (insurer, birth, agree, expected) in cases {
        let page = identity(&app, insurer, birth, agree).await;
        assert_eq!(
            page.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{insurer} {birth} {agree:?}"
        );
        assert!(
            page.body.contains(expected),
            "{insurer} {birth} {agree:?}: expected {expected}"
        );
        assert!(
            page.body.contains("field-error"),
            "message beside the field"
        );
    }
}

#[tokio::test]
async fn five_failed_identity_checks_lock_the_temporary_id_for_thirty_minutes() {
    let app = spawn_app().await;
    let card = first_card(&app).await;
    app.login(&card.temp_id, &card.temp_password).await;
    for _ in 0..4 {
        let page = identity(&app, "06131114", "19800101", Some("yes")).await;
        assert!(page.body.contains("ロックされます"));
    }
    let locked = identity(&app, "06131114", "19800101", Some("yes")).await;
    assert!(locked.body.contains("ロックされました"), "{}", locked.body);
    let right_but_locked = identity(&app, "06131114", BIRTH, Some("yes")).await;
    assert!(
        right_but_locked.body.contains("ロック"),
        "the right answer is refused while locked"
    );

    app.clock.advance(Duration::minutes(31));
    let fresh = TestApp {
        client: crate::app::client(),
        ..app
    };
    fresh.login(&card.temp_id, &card.temp_password).await;
    let ok = identity(&fresh, "06131114", BIRTH, Some("yes")).await;
    assert_eq!(ok.location.as_deref(), Some("/register/profile"));
}

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
async fn a_user_id_taken_in_any_letter_case_is_refused_live_and_on_submit() {
    let app = spawn_app().await;
    let card = first_card(&app).await;
    up_to_confirm(&app, &card, "Yamada.Taro").await;
    execute(&app).await;
    // A second household registers in another browser.
    let other = TestApp {
        client: crate::app::client(),
        ..app
    };
    let rows = other.import_and_issue(MEMBERS_UTF8).await;
    let row = rows
        .iter()
        .find(|r| r[1] == "106")
        .expect("postcard for 1201-106");
    other.login(&row[5], &row[6]).await;
    identity(&other, "06131114", "19680102", Some("yes")).await;
    let live = other
        .get("/register/user-id-check?user_id=YAMADA.TARO")
        .await;
    assert!(live.body.contains("すでに使われています"));
    let page = profile(
        &other,
        "yamada.TARO",
        "sakura2026go",
        "sakura2026go",
        "b@example.jp",
    )
    .await;
    assert!(page.body.contains("すでに使われています"));
    let free = other
        .get("/register/user-id-check?user_id=takahashi.y")
        .await;
    assert!(free.body.contains("使用できます"));
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

#[tokio::test]
async fn a_members_file_with_one_bad_line_imports_nothing_and_names_the_line() {
    let app = spawn_app().await;
    let text = String::from_utf8(MEMBERS_UTF8.to_vec()).expect("utf-8");
    let broken = text.replace("19790822", "19790230");
    let path = app.dir.path().join("bad.csv");
    std::fs::write(&path, broken).expect("write");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_kenpo"))
        .args(["import", "members"])
        .arg(&path)
        .env("KENPO_DATA", &app.data)
        .output()
        .expect("run kenpo");
    assert_eq!(
        out.status.code(),
        Some(1),
        "a user error, handed over the control socket"
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("3行目") && stderr.contains("生年月日"),
        "{stderr}"
    );
    let issued = std::process::Command::new(env!("CARGO_BIN_EXE_kenpo"))
        .args(["credentials", "issue", "--out"])
        .arg(app.dir.path().join("p.csv"))
        .env("KENPO_DATA", &app.data)
        .output()
        .expect("run kenpo");
    let said = String::from_utf8_lossy(&issued.stdout);
    assert!(said.contains("0 世帯"), "nobody was imported: {said}");
}

/// Five wrong answers as the member holding the postcard, from a fresh browser (a lock
/// may end the wizard session).
async fn five_wrong_answers(app: &mut TestApp, card: &Card) -> crate::app::Page {
    app.client = crate::app::client();
    app.login(&card.temp_id, &card.temp_password).await;
    let mut last = identity(app, "06131114", "19800101", Some("yes")).await;
    for _ in 1..5 {
        last = identity(app, "06131114", "19800101", Some("yes")).await;
    }
    last
}

#[tokio::test]
async fn identity_failures_count_across_locks_which_grow_until_staff_unlock_the_temporary_id() {
    let mut app = spawn_app().await;
    let card = first_card(&app).await;
    // 30 minutes, then 1, 2 and 4 hours: waiting out a lock buys five more guesses only
    // until the fifth lock, which holds until staff act.
    for (round, minutes) in [30, 60, 120, 240].into_iter().enumerate() {
        let locked = five_wrong_answers(&mut app, &card).await;
        assert!(
            locked.body.contains("ロックされました"),
            "round {round}: {}",
            locked.body
        );
        app.clock.advance(Duration::minutes(minutes - 1));
        app.client = crate::app::client();
        let still = app.login(&card.temp_id, &card.temp_password).await;
        assert!(
            still.body.contains("一時的に利用できません"),
            "round {round}: the lock lasts {minutes} minutes: {}",
            still.body
        );
        app.clock.advance(Duration::minutes(2));
    }
    app.client = crate::app::client();
    app.login(&card.temp_id, &card.temp_password).await;
    let warned = identity(&app, "06131114", "19800101", Some("yes")).await;
    assert!(
        warned
            .body
            .contains("あと4回続けて失敗すると、この仮IDはロックされ、解除には健康保険組合へのお問い合わせが必要になります"),
        "the count went on across the locks: {}",
        warned.body
    );
    five_wrong_answers(&mut app, &card).await;
    app.clock.advance(Duration::days(60));
    app.client = crate::app::client();
    let for_good = app.login(&card.temp_id, &card.temp_password).await;
    assert!(
        for_good.body.contains("健康保険組合にお問い合わせください"),
        "{}",
        for_good.body
    );

    app.client = crate::app::client();
    crate::staff::admin(&app).await;
    let page = app.get("/staff/households/1201-105").await;
    assert!(page.body.contains("職員が解除するまで"), "{}", page.body);
    app.post_form(
        "/staff/households/1201-105",
        "/staff/households/1201-105/unlock",
        &[],
    )
    .await;
    app.client = crate::app::client();
    app.login(&card.temp_id, &card.temp_password).await;
    let ok = identity(&app, "06131114", BIRTH, Some("yes")).await;
    assert_eq!(
        ok.location.as_deref(),
        Some("/register/profile"),
        "{}",
        ok.body
    );
}
