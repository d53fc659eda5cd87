//! The harness checks itself against the real parts: aiosmtpd receives a real
//! mail, and headless Chromium drives a real page served by poem.

use std::time::Duration;

use mail_send::SmtpClientBuilder;
use mail_send::mail_builder::MessageBuilder;
use poem::listener::{Acceptor, Listener, TcpListener};
use poem::web::Query;
use poem::{Response, Route, Server, get, handler};

use crate::harness::browser::Browser;
use crate::harness::smtp::SmtpServer;

const WAIT: Duration = Duration::from_secs(10);

async fn send_mail(port: u16, subject: &str, body: &str) {
    let message = MessageBuilder::new()
        .from(("けんぽ事務局", "noreply@kenpo.example"))
        .to(("", "taro@example.jp"))
        .subject(subject)
        .text_body(body);
    SmtpClientBuilder::new("127.0.0.1", port)
        .expect("build the SMTP client")
        .implicit_tls(false)
        .timeout(Duration::from_secs(10))
        .connect_plain()
        .await
        .expect("connect to the test SMTP server")
        .send(message)
        .await
        .expect("send the mail");
}

#[tokio::test]
async fn smtp_server_receives_decodes_and_survives_a_restart() {
    let mut smtp = SmtpServer::start();

    send_mail(
        smtp.port,
        "けんぽWebへようこそ",
        "山田 太郎 様\n仮パスワードをお送りします。",
    )
    .await;
    let first = smtp
        .wait_for_mail(|m| m.subject == "けんぽWebへようこそ", WAIT)
        .await;

    assert_eq!(first.to, vec!["taro@example.jp".to_string()]);
    assert_eq!(first.from, "noreply@kenpo.example");
    assert!(
        first.body.contains("仮パスワードをお送りします。"),
        "body: {:?}",
        first.body
    );
    assert!(
        !first.raw.contains("けんぽ"),
        "the raw mail should be MIME-encoded"
    );

    let port = smtp.port;
    smtp.stop();
    assert!(!smtp.is_running());
    smtp.restart();
    assert!(smtp.is_running());
    assert_eq!(smtp.port, port);
    send_mail(
        smtp.port,
        "パスワード変更のお知らせ",
        "パスワードが変更されました。",
    )
    .await;
    smtp.wait_for_mail(|m| m.subject == "パスワード変更のお知らせ", WAIT)
        .await;

    let subjects: Vec<String> = smtp.mails().into_iter().map(|m| m.subject).collect();
    assert_eq!(
        subjects,
        ["けんぽWebへようこそ", "パスワード変更のお知らせ"]
    );
}

const PAGE: &str = r#"<!doctype html>
<html lang="ja"><head><meta charset="utf-8"><title>テスト</title></head>
<body>
<form action="/hello" method="get">
  <label for="user_id">ユーザID<span>（必須）</span></label>
  <input id="user_id" name="user_id" type="text">
  <label for="kind_mail">メール</label><input id="kind_mail" name="kind" type="radio" value="mail">
  <label for="kind_post">郵送</label><input id="kind_post" name="kind" type="radio" value="post">
  <button type="submit">送信する</button>
</form>
</body></html>"#;

fn with_csp(html: String) -> Response {
    Response::builder()
        .header("Content-Security-Policy", "default-src 'none'")
        .content_type("text/html; charset=utf-8")
        .body(html)
}

#[handler]
fn page() -> Response {
    with_csp(PAGE.to_string())
}

#[handler]
fn hello(Query(q): Query<std::collections::HashMap<String, String>>) -> Response {
    let esc = |s: &str| s.replace('&', "&amp;").replace('<', "&lt;");
    let user = esc(q.get("user_id").map_or("", String::as_str));
    let kind = esc(q.get("kind").map_or("", String::as_str));
    with_csp(format!(
        "<!doctype html><html lang=\"ja\"><head><meta charset=\"utf-8\"><title>結果</title></head>\
         <body><p>こんにちは、{user}さん（{kind}）</p><a href=\"/\">戻る</a></body></html>"
    ))
}

/// Serves the two test pages on a loopback port; returns the base URL.
async fn serve_test_pages() -> String {
    let acceptor = TcpListener::bind("127.0.0.1:0")
        .into_acceptor()
        .await
        .expect("bind the test page server");
    let addr = acceptor.local_addr()[0]
        .as_socket_addr()
        .copied()
        .expect("a socket address");
    let app = Route::new().at("/", get(page)).at("/hello", get(hello));
    tokio::spawn(Server::new_with_acceptor(acceptor).run(app));
    format!("http://{addr}")
}

#[tokio::test]
async fn browser_drives_a_real_page_under_a_strict_csp() {
    let base = serve_test_pages().await;
    let browser = Browser::start().await;
    browser.set_window_size(1024, 768).await;

    browser.goto(&format!("{base}/")).await;
    assert_eq!(browser.title().await, "テスト");
    browser.fill_by_label("ユーザID", "taro01").await;
    browser.choose_radio("郵送").await;
    let shot = tempfile::NamedTempFile::new().expect("a temp file for the screenshot");
    browser.screenshot(shot.path()).await;
    browser.click_button("送信する").await;

    browser
        .wait_for_text("こんにちは、taro01さん（post）", WAIT)
        .await;
    assert_eq!(browser.title().await, "結果");
    assert!(browser.body_text().await.contains("戻る"));
    browser.click_link("戻る").await;
    browser.wait_for_text("送信する", WAIT).await;
    assert_eq!(browser.current_url().await, format!("{base}/"));
    let png = std::fs::read(shot.path()).expect("read the screenshot");
    assert!(
        png.starts_with(b"\x89PNG\r\n\x1a\n"),
        "the screenshot is not a PNG"
    );
    browser.close().await;
}
