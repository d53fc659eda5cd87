//! Uploads over raw TCP: nothing of a body is read before its staff session is checked,
//! and at most two uploads are in flight (a third is answered 429 in Japanese).

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use tokio::io::{AsyncRead, AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpStream;

use super::{ADMIN, ADMIN_PASSWORD, add_admin};
use crate::app::{MEMBERS_UTF8, TestApp, csrf_of, spawn_app};

const BOUNDARY: &str = "kenpoRawBoundary";

/// The cookies and CSRF token a browser would have, for hand-written requests.
struct Raw {
    cookie: String,
    token: String,
}

fn cookie_pair(resp: &reqwest::Response, name: &str) -> Option<String> {
    resp.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|v| v.split(';').next())
        .find(|pair| pair.starts_with(&format!("{name}=")))
        .map(str::to_string)
}

/// A CSRF cookie and its token; with `staff`, also a real staff session cookie.
async fn raw_cookies(app: &TestApp, staff: Option<(&str, &str)>) -> Raw {
    let plain = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let form = plain
        .get(format!("{}/staff/login", app.url))
        .send()
        .await
        .expect("GET");
    let csrf = cookie_pair(&form, "kenpo_csrf").expect("a CSRF cookie");
    let token = csrf_of(&form.text().await.expect("body"));
    let Some((login, password)) = staff else {
        return Raw {
            cookie: csrf,
            token,
        };
    };
    let done = plain
        .post(format!("{}/staff/login", app.url))
        .header("cookie", &csrf)
        .form(&[("login", login), ("password", password), ("csrf", &token)])
        .send()
        .await
        .expect("login");
    let staff = cookie_pair(&done, "kenpo_staff").expect("a staff session");
    let cookie = format!("{csrf}; {staff}");
    // Tokens are bound to the session: take the one a page of this session carries.
    let page = plain
        .get(format!("{}/staff/import", app.url))
        .header("cookie", &cookie)
        .send()
        .await
        .expect("GET the import page");
    let token = csrf_of(&page.text().await.expect("body"));
    Raw { cookie, token }
}

fn multipart(file: &[u8]) -> Vec<u8> {
    let mut body = format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"members.csv\"\r\nContent-Type: text/csv\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(file);
    body.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    body
}

/// Connects and sends the request head of an upload announcing `length` bytes of body.
async fn send_head(app: &TestApp, path: &str, raw: &Raw, length: u64) -> TcpStream {
    let addr = app.url.trim_start_matches("http://");
    let mut stream = TcpStream::connect(addr).await.expect("connect");
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nX-CSRF-Token: {}\r\nCookie: {}\r\nContent-Type: multipart/form-data; boundary={BOUNDARY}\r\nContent-Length: {length}\r\n\r\n",
        raw.token, raw.cookie
    );
    stream.write_all(head.as_bytes()).await.expect("send head");
    stream
}

/// Reads one HTTP answer: its status and body.
async fn read_answer(stream: &mut (impl AsyncRead + Unpin)) -> (u16, String) {
    let mut got = Vec::new();
    let mut buf = [0u8; 16 * 1024];
    let (head_end, length) = loop {
        let n = stream.read(&mut buf).await.expect("read");
        assert!(n > 0, "the connection closed before an answer");
        got.extend_from_slice(&buf[..n]);
        if let Some(i) = got.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&got[..i]).to_lowercase();
            let length = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .and_then(|v| v.trim().parse::<usize>().ok())
                .unwrap_or(0);
            break (i + 4, length);
        }
    };
    while got.len() < head_end + length {
        let n = stream.read(&mut buf).await.expect("read body");
        assert!(n > 0, "the connection closed inside the answer");
        got.extend_from_slice(&buf[..n]);
    }
    let status = String::from_utf8_lossy(&got[..head_end])
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = String::from_utf8_lossy(&got[head_end..head_end + length]).to_string();
    (status, body)
}

/// The deadline only ends a test that would otherwise hang; nothing asserts a duration.
async fn answer(stream: &mut (impl AsyncRead + Unpin), what: &str) -> (u16, String) {
    tokio::time::timeout(std::time::Duration::from_secs(60), read_answer(stream))
        .await
        .unwrap_or_else(|_| panic!("no answer: {what}"))
}

#[tokio::test]
async fn a_made_up_staff_cookie_is_refused_before_any_of_the_upload_body_is_read() {
    let app = spawn_app().await;
    let raw = raw_cookies(&app, None).await;
    let forged = Raw {
        cookie: format!("{}; kenpo_staff=made-up-session-token", raw.cookie),
        token: raw.token.clone(),
    };
    const BODY: u64 = 45 * 1024 * 1024;
    for path in [
        "/staff/import/members",
        "/staff/import/claims",
        "/staff/import/benefits",
    ] {
        let stream = send_head(&app, path, &forged, BODY).await;
        let (mut reader, mut writer) = stream.into_split();
        // Count what the client manages to send: the kernel's socket buffers hold a few
        // MiB at most, so most of the body goes out only if the server reads it.
        let sent = Arc::new(AtomicU64::new(0));
        let counter = sent.clone();
        let sending = tokio::spawn(async move {
            let chunk = vec![b'a'; 64 * 1024];
            let mut done = 0u64;
            while done < BODY {
                let n = (BODY - done).min(chunk.len() as u64) as usize;
                if writer.write_all(&chunk[..n]).await.is_err() {
                    break;
                }
                done += n as u64;
                counter.store(done, Ordering::SeqCst);
            }
        });
        let (status, _) = answer(&mut reader, path).await;
        let sent_before_answer = sent.load(Ordering::SeqCst);
        sending.abort();
        assert!(
            status == 303 || status == 403,
            "{path}: refused, not {status}"
        );
        assert!(
            sent_before_answer < BODY / 2,
            "{path}: {sent_before_answer} of {BODY} bytes had been sent when the answer came: the server read the body before it checked the session"
        );
    }
}

#[tokio::test]
async fn a_third_upload_while_two_are_in_flight_is_answered_429_in_japanese() {
    let app = spawn_app().await;
    add_admin(&app).await;
    let raw = raw_cookies(&app, Some((ADMIN, ADMIN_PASSWORD))).await;
    let body = multipart(MEMBERS_UTF8);
    let (start, rest) = body.split_at(64);
    let path = "/staff/import/members";
    let mut streams = Vec::new();
    for _ in 0..3 {
        let mut s = send_head(&app, path, &raw, body.len() as u64).await;
        s.write_all(start)
            .await
            .expect("send the start of the body");
        streams.push(s);
    }
    let [a, b, c] = streams.as_mut_slice() else {
        panic!("three streams");
    };
    // Two uploads take the two places and wait for the rest of their bodies; only the one
    // left without a place can be answered now, whichever it is.
    let wait = async {
        tokio::select! {
            got = read_answer(a) => (0, got),
            got = read_answer(b) => (1, got),
            got = read_answer(c) => (2, got),
        }
    };
    let (refused, (status, page)) = tokio::time::timeout(std::time::Duration::from_secs(60), wait)
        .await
        .expect("one of three uploads in flight at once is refused at once");
    assert_eq!(status, 429, "{page}");
    assert!(
        page.contains("同時に取り込めるのは2件まで"),
        "a Japanese message: {page}"
    );

    for (i, stream) in streams.iter_mut().enumerate() {
        if i == refused {
            continue;
        }
        stream.write_all(rest).await.expect("send the rest");
        let (status, page) = answer(stream, "a held upload").await;
        assert_eq!(status, 200, "the held uploads finish: {page}");
        assert!(page.contains("取り込みました"), "{page}");
    }
    // Both places are free again.
    let mut again = send_head(&app, path, &raw, body.len() as u64).await;
    again.write_all(&body).await.expect("send");
    let (status, page) = answer(&mut again, "an upload after the others").await;
    assert_eq!(status, 200, "{page}");
}
