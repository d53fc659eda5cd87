//! A flood of throttled attempts from one address is one audit row per minute, with a count.

use tokio::task::JoinSet;

use super::all_rows;
use crate::app::{TestApp, csrf_of, spawn_app};

/// Posts the member login form `n` times at once with an ID that matches no account.
async fn flood(app: &TestApp, n: usize) {
    let token = csrf_of(&app.get("/").await.body);
    let mut set = JoinSet::new();
    for _ in 0..n {
        let (client, url, token) = (app.client.clone(), app.url.clone(), token.clone());
        set.spawn(async move {
            let form = [
                ("user_id", "nobody.here"),
                ("password", "not-the-password"),
                ("csrf", token.as_str()),
            ];
            client
                .post(format!("{url}/"))
                .form(&form)
                .send()
                .await
                .expect("POST")
                .status()
        });
    }
    while let Some(status) = set.join_next().await {
        assert!(!status.expect("join").is_server_error());
    }
}

#[tokio::test]
async fn fifty_throttled_logins_from_one_address_in_one_minute_write_one_row() {
    let app = spawn_app().await;
    // Ten free failures from this address; the clock stands still, so every further
    // attempt in this minute is throttled.
    flood(&app, 10).await;
    flood(&app, 50).await;

    let store = app.running.as_ref().expect("running").state.store.clone();
    let rows = tokio::task::spawn_blocking(move || all_rows(&store))
        .await
        .expect("join");
    let failed: Vec<_> = rows.iter().filter(|e| e.action == "login.failed").collect();
    let throttled: Vec<_> = failed
        .iter()
        .filter(|e| e.detail.as_deref() == Some("throttled"))
        .collect();
    assert_eq!(
        throttled.len(),
        1,
        "one row for the flood, not one per attempt"
    );
    assert_eq!(throttled[0].count, Some(50), "the row counts every attempt");
    assert_eq!(throttled[0].client.as_deref(), Some("127.0.0.1"));
    assert_eq!(failed.len(), 11, "ten checked failures and the flood's row");
}
