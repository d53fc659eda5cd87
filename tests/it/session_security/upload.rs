//! The upload forms carry their CSRF token in the body, as the first part, never in the
//! URL (where it would reach logs, history and `Referer`).

use reqwest::StatusCode;

use crate::app::{MEMBERS_UTF8, TestApp, csrf_of, spawn_app};
use crate::staff::admin;

const BOUNDARY: &str = "kenpoTestBoundary7d1f";

fn part(name: &str, file_name: Option<&str>, content: &[u8]) -> Vec<u8> {
    let disposition = match file_name {
        Some(f) => {
            format!("form-data; name=\"{name}\"; filename=\"{f}\"\r\nContent-Type: text/csv")
        }
        None => format!("form-data; name=\"{name}\""),
    };
    let mut out =
        format!("--{BOUNDARY}\r\nContent-Disposition: {disposition}\r\n\r\n").into_bytes();
    out.extend_from_slice(content);
    out.extend_from_slice(b"\r\n");
    out
}

async fn post(app: &TestApp, path_and_query: &str, parts: &[Vec<u8>]) -> StatusCode {
    let mut body = parts.concat();
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    app.client
        .post(format!("{}{path_and_query}", app.url))
        .header(
            "content-type",
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .body(body)
        .send()
        .await
        .expect("upload")
        .status()
}

#[tokio::test]
async fn the_upload_token_rides_first_in_the_body_and_never_in_the_url() {
    let app = spawn_app().await;
    admin(&app).await;
    let form = app.get("/staff/import").await.body;
    assert!(!form.contains("csrf="), "no token in any URL");
    for action in [
        "/staff/import/members",
        "/staff/import/claims",
        "/staff/import/benefits",
    ] {
        let at = form
            .find(&format!(r#"action="{action}""#))
            .unwrap_or_else(|| panic!("a form posting to {action}"));
        let rest = &form[at..];
        let token = rest.find(r#"name="csrf""#).expect("a token field");
        let file = rest.find(r#"type="file""#).expect("a file field");
        assert!(
            token < file,
            "the token is the first part the browser sends"
        );
    }
    let token = csrf_of(&form);
    let file = part("file", Some("members.csv"), MEMBERS_UTF8);
    let in_url = post(
        &app,
        &format!("/staff/import/members?csrf={token}"),
        std::slice::from_ref(&file),
    )
    .await;
    assert_eq!(
        in_url,
        StatusCode::FORBIDDEN,
        "a token in the URL is not read"
    );
    let last = post(
        &app,
        "/staff/import/members",
        &[file.clone(), part("csrf", None, token.as_bytes())],
    )
    .await;
    assert_eq!(last, StatusCode::FORBIDDEN, "the token must come first");
    let wrong = post(
        &app,
        "/staff/import/members",
        &[part("csrf", None, b"0000"), file.clone()],
    )
    .await;
    assert_eq!(wrong, StatusCode::FORBIDDEN);
    let first = post(
        &app,
        "/staff/import/members",
        &[part("csrf", None, token.as_bytes()), file],
    )
    .await;
    assert_eq!(first, StatusCode::OK);
    assert!(
        app.get("/staff/households?q=1201")
            .await
            .body
            .contains("1201-105"),
        "imported"
    );
}
