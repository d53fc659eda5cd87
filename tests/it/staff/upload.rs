//! データ取込 in the browser: the CLI's importer; a line-numbered error table and nothing
//! imported on error; only /staff/import* takes large multipart bodies.

use std::time::Instant;

use reqwest::StatusCode;

use super::{admin, upload};
use crate::app::{MEMBERS_UTF8, spawn_app};

pub fn members_with_a_bad_line() -> Vec<u8> {
    String::from_utf8(MEMBERS_UTF8.to_vec())
        .expect("utf-8")
        .replace("19790822", "19791382")
        .into_bytes()
}

#[tokio::test]
async fn an_upload_with_an_error_shows_the_line_and_imports_nothing() {
    let app = spawn_app().await;
    admin(&app).await;
    let refused = upload(
        &app,
        "/staff/import/members",
        "members.csv",
        &members_with_a_bad_line(),
    )
    .await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.body
    );
    assert!(
        refused.body.contains("3行目") && refused.body.contains("生年月日"),
        "{}",
        refused.body
    );
    assert!(refused.body.contains("どの行も取り込んでいません"));
    let search = app.get("/staff/households?q=1201").await;
    assert!(
        search.body.contains("該当する世帯はありません"),
        "nothing imported"
    );

    let ok = upload(&app, "/staff/import/members", "members.csv", MEMBERS_UTF8).await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.body);
    assert!(ok.body.contains("追加 6 人"), "{}", ok.body);
    assert!(
        app.get("/staff/households?q=1201")
            .await
            .body
            .contains("1201-105")
    );
    let audit = app.get("/staff/audit?action=members.imported").await;
    assert!(audit.body.contains("staff:admin"));
}

#[tokio::test]
async fn uploads_need_the_csrf_token_and_other_paths_keep_the_small_limit() {
    let app = spawn_app().await;
    admin(&app).await;
    let no_token = app
        .client
        .post(format!("{}/staff/import/members", app.url))
        .header("content-type", "multipart/form-data; boundary=x")
        .body("--x--\r\n")
        .send()
        .await
        .expect("post");
    assert_eq!(no_token.status(), StatusCode::FORBIDDEN);
    let big = vec![b'a'; 100 * 1024];
    let elsewhere = upload(&app, "/staff/notices", "big.csv", &big).await;
    assert_eq!(elsewhere.status, StatusCode::PAYLOAD_TOO_LARGE);
    let at_import = upload(&app, "/staff/import/members", "big.csv", &big).await;
    assert_eq!(
        at_import.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "read, then refused as a file"
    );
}

#[tokio::test]
async fn a_ten_thousand_row_members_file_imports_in_one_request() {
    let app = spawn_app().await;
    admin(&app).await;
    let mut csv = String::from(
        "記号,番号,枝番,氏名,氏名カナ,生年月日,性別,続柄,資格取得日,資格喪失日,郵便番号,住所\n",
    );
    for n in 0..5_000 {
        csv.push_str(&format!("3001,{n},00,試験　太郎{n},シケン　タロウ,19700101,1,本人,20000401,,1000001,東京都千代田区千代田1-{n}\n"));
        csv.push_str(&format!(
            "3001,{n},01,試験　花子{n},シケン　ハナコ,19720202,2,配偶者,20000401,,,\n"
        ));
    }
    let started = Instant::now();
    let ok = upload(&app, "/staff/import/members", "big.csv", csv.as_bytes()).await;
    let took = started.elapsed();
    assert_eq!(
        ok.status,
        StatusCode::OK,
        "{}",
        &ok.body[..ok.body.len().min(2000)]
    );
    assert!(ok.body.contains("追加 10000 人"));
    println!("10,000-row members file imported over HTTP in {took:?}");
}

/// Sends only the head of a large multipart upload and returns the status line the server
/// answers with, without ever sending the announced body.
async fn answer_to_unfinished_upload(url: &str, path: &str, cookie: &str) -> String {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    let addr = url.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: multipart/form-data; boundary=x\r\nContent-Length: 40000000\r\n{cookie}\r\n--x\r\n"
    );
    stream.write_all(head.as_bytes()).await.expect("send head");
    let mut answer = vec![0u8; 64];
    // The server must answer although the body never comes; the deadline only ends a hung test.
    let read = tokio::time::timeout(std::time::Duration::from_secs(20), stream.read(&mut answer))
        .await
        .expect("the server answered before the body arrived")
        .expect("read");
    String::from_utf8_lossy(&answer[..read])
        .lines()
        .next()
        .unwrap_or("")
        .to_string()
}

#[tokio::test]
async fn an_upload_without_token_or_staff_cookie_is_refused_before_its_body_is_read() {
    let app = crate::app::spawn_app().await;
    for path in [
        "/staff/import/members",
        "/staff/import/claims",
        "/staff/import/benefits",
        "/staff/importXYZ",
    ] {
        let status = answer_to_unfinished_upload(&app.url, path, "").await;
        assert!(
            status.contains("403") || status.contains("413"),
            "{path}: {status}"
        );
    }
}
