//! The user ID checked live under its field and on submit, and what one household may
//! learn about taken user IDs: a budget of new lookups, which another site cannot spend.

use super::*;
use crate::app::page_of;

/// The live check as the profile page's htmx asks it.
async fn live(app: &TestApp, id: &str) -> crate::app::Page {
    let resp = app
        .client
        .get(format!("{}/register/user-id-check", app.url))
        .query(&[("user_id", id)])
        .header("HX-Request", "true")
        .header("HX-Target", "user_id-live")
        .header("Sec-Fetch-Site", "same-origin")
        .send()
        .await
        .expect("GET");
    page_of(resp).await
}

/// A household registered as `Yamada.Taro`; then a second household (1201-106), in
/// another browser, at the profile step of its own registration.
pub(super) async fn second_household_after_yamada_taro() -> TestApp {
    let app = spawn_app().await;
    let card = first_card(&app).await;
    up_to_confirm(&app, &card, "Yamada.Taro").await;
    execute(&app).await;
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
    other
}

#[tokio::test]
async fn a_user_id_taken_in_any_letter_case_is_refused_live_and_on_submit() {
    let other = second_household_after_yamada_taro().await;
    let taken = live(&other, "YAMADA.TARO").await;
    assert!(taken.body.contains("すでに使われています"));
    let page = profile(
        &other,
        "yamada.TARO",
        "sakura2026go",
        "sakura2026go",
        "b@example.jp",
    )
    .await;
    assert!(page.body.contains("すでに使われています"));
    let free = live(&other, "takahashi.y").await;
    assert!(free.body.contains("使用できます"));
}

/// One postcard could otherwise test any number of user IDs for being taken: past twenty
/// new IDs (live or submitted) the household is told when it may look again and nothing
/// about a new ID, taken or free, until then. An ID already answered is answered again
/// and costs nothing: the live check asks at every pause in typing.
#[tokio::test]
async fn a_household_looking_up_user_ids_without_end_is_told_to_wait() {
    let other = second_household_after_yamada_taro().await;
    let ask = |id: String| {
        let other = &other;
        async move { live(other, &id).await.body }
    };
    for _ in 0..25 {
        assert!(
            ask("yamada.taro".into())
                .await
                .contains("すでに使われています")
        );
    }
    for i in 0..19 {
        let body = ask(format!("sakura{i:02}go")).await;
        assert!(body.contains("使用できます"), "new ID {i}: {body}");
    }
    let refused = ask("takahashi.y".into()).await;
    assert!(refused.contains("確認できません"), "{refused}");
    assert!(!refused.contains("すでに使われています") && !refused.contains("使用できます"));
    assert!(
        ask("yamada.taro".into())
            .await
            .contains("すでに使われています")
    );
    let page = profile(
        &other,
        "takahashi.y",
        "sakura2026go",
        "sakura2026go",
        "b@example.jp",
    )
    .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("確認できません"), "{}", page.body);
    assert!(!page.body.contains("すでに使われています"));
    other.clock.advance(Duration::seconds(31));
    assert!(ask("takahashi.y".into()).await.contains("使用できます"));
    let again = ask("suzuki.h2026".into()).await;
    assert!(
        again.contains("確認できません"),
        "the next wait is longer: {again}"
    );
    // An ID answered before is free to submit while the household waits.
    let page = profile(
        &other,
        "sakura00go",
        "sakura2026go",
        "sakura2026go",
        "b@example.jp",
    )
    .await;
    assert_eq!(
        page.location.as_deref(),
        Some("/register/confirm"),
        "{}",
        page.body
    );
}

/// The live check is a GET, and the session cookie goes along with a top-level navigation
/// from another site (SameSite=Lax): without the page's own htmx headers, or said by the
/// browser to come from another site, it is refused, counts nothing and says nothing, so
/// that a hostile page cannot spend a registering household's lookups.
#[tokio::test]
async fn another_site_cannot_spend_a_household_s_user_id_lookups() {
    let other = second_household_after_yamada_taro().await;
    for i in 0..25 {
        let plain = other
            .get(&format!(
                "/register/user-id-check?user_id=yamada.taro{i:02}"
            ))
            .await;
        assert_eq!(plain.status, StatusCode::BAD_REQUEST, "{}", plain.body);
        assert!(plain.body.contains("入力欄から"), "{}", plain.body);
        let cross = other
            .client
            .get(format!("{}/register/user-id-check", other.url))
            .query(&[("user_id", format!("sakura{i:02}go"))])
            .header("HX-Request", "true")
            .header("Sec-Fetch-Site", "cross-site")
            .send()
            .await
            .expect("GET");
        let cross = page_of(cross).await;
        assert_eq!(cross.status, StatusCode::BAD_REQUEST, "{}", cross.body);
        for body in [&plain.body, &cross.body] {
            assert!(!body.contains("使用できます") && !body.contains("すでに使われています"));
        }
    }
    for i in 0..20 {
        let body = live(&other, &format!("suzuki{i:02}go")).await.body;
        assert!(body.contains("使用できます"), "new ID {i}: {body}");
    }
    let past = live(&other, "takahashi.y").await.body;
    assert!(
        past.contains("確認できません"),
        "the budget is still the household's: {past}"
    );
}
