//! A members file refused by line, and identity failures that lock the temporary ID for
//! longer each time until staff unlock it.

use super::*;

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
