//! The server-side ceremony: an answer is taken once, only within its few minutes, and only
//! from the portal's own origin. The browser (its virtual authenticator) makes real
//! answers; the test then hands them to the server itself, so that the same answer can be
//! sent twice, late, or as made on a lookalike origin.

use reqwest::StatusCode;
use serde_json::Value;

use crate::app::{TestApp, client, csrf_of};
use crate::harness::browser::Browser;

use super::{audit, household_with_a_passkey, rows};

/// Starts a passkey login from the page the browser is on and keeps its options.
const START: &str = r#"
const done = arguments[arguments.length - 1];
const form = document.querySelector('form[data-passkey="get"]');
const csrf = form.querySelector('input[name=csrf]').value;
fetch('/passkey/login/start', {
  method: 'POST',
  headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
  body: 'csrf=' + encodeURIComponent(csrf),
}).then(r => r.json()).then(j => { window.kenpoStarted = j; done(j.token ? 'ok' : JSON.stringify(j)); },
  e => done(String(e)));
"#;

/// Asks the authenticator for the started ceremony's answer; returns {token, credential}.
const ANSWER: &str = r#"
const done = arguments[arguments.length - 1];
const b = s => { s = s.replace(/-/g, '+').replace(/_/g, '/'); while (s.length % 4) s += '=';
  return Uint8Array.from(atob(s), c => c.charCodeAt(0)).buffer; };
const t = buf => buf ? btoa(String.fromCharCode(...new Uint8Array(buf)))
  .replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '') : null;
const started = window.kenpoStarted;
const pk = started.options.publicKey;
pk.challenge = b(pk.challenge);
(pk.allowCredentials || []).forEach(c => { c.id = b(c.id); });
navigator.credentials.get({ publicKey: pk }).then(c => done({
  token: started.token,
  credential: { id: c.id, rawId: t(c.rawId), type: c.type, extensions: {}, response: {
    authenticatorData: t(c.response.authenticatorData), clientDataJSON: t(c.response.clientDataJSON),
    signature: t(c.response.signature), userHandle: t(c.response.userHandle) } },
}), e => done('refused by the browser: ' + e));
"#;

async fn run(browser: &Browser, script: &str) -> Value {
    browser
        .client
        .execute_async(script, Vec::new())
        .await
        .expect("run the script")
}

/// A real answer from the browser at `page` (started there, answered by its authenticator),
/// with `between` run after the start and before the answer.
async fn answer_from(browser: &Browser, page: &str, between: impl AsyncFnOnce()) -> Value {
    browser.goto(page).await;
    browser
        .wait_for_text("パスキーでログイン", super::WAIT)
        .await;
    assert_eq!(run(browser, START).await, "ok");
    between().await;
    let answer = run(browser, ANSWER).await;
    assert!(answer.is_object(), "{answer}");
    answer
}

/// Sends an answer to the server from the test's own client (its own CSRF token).
async fn finish(app: &TestApp, answer: &Value) -> (StatusCode, String) {
    let http = client();
    let login = http
        .get(format!("{}/", app.url))
        .send()
        .await
        .expect("login page");
    let csrf = csrf_of(&login.text().await.expect("body"));
    let resp = http
        .post(format!("{}/passkey/login/finish", app.url))
        .header("x-csrf-token", csrf)
        .header("content-type", "application/json")
        .body(answer.to_string())
        .send()
        .await
        .expect("finish");
    let status = resp.status();
    (status, resp.text().await.expect("body"))
}

#[tokio::test]
async fn a_passkey_answer_is_taken_once_and_only_within_five_minutes() {
    let (app, base, browser) = household_with_a_passkey().await;
    let login = format!("{base}/");

    let answer = answer_from(&browser, &login, async || {}).await;
    let (first, body) = finish(&app, &answer).await;
    assert_eq!(first, StatusCode::OK, "{body}");
    assert!(body.contains("/menu"), "{body}");
    let (replayed, body) = finish(&app, &answer).await;
    assert_eq!(
        replayed,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a replay: {body}"
    );
    assert!(
        body.contains("パスキーでログインできませんでした"),
        "{body}"
    );

    let late = answer_from(&browser, &login, async || {
        app.clock
            .advance(chrono::Duration::minutes(5) + chrono::Duration::seconds(1));
    })
    .await;
    let (status, body) = finish(&app, &late).await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "answered late: {body}"
    );

    let all = audit(&app).await;
    let failed: Vec<_> = rows(&all, "passkey.login_failed")
        .iter()
        .map(|e| e.detail.clone().unwrap_or_default())
        .collect();
    assert_eq!(
        failed, ["no such ceremony, used or expired"; 2],
        "{failed:?}"
    );
    let succeeded = rows(&all, "login.succeeded")
        .into_iter()
        .filter(|e| e.detail.as_deref() == Some("passkey"))
        .count();
    assert_eq!(succeeded, 1, "one session for one answer");
    browser.close().await;
}

/// Forwards every connection to `127.0.0.1:<to>` from a new port; returns that port. The
/// browser then sees the same portal at another origin (as a lookalike site relaying it).
async fn relay_to(to: u16) -> u16 {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind the relay");
    let port = listener.local_addr().expect("addr").port();
    tokio::spawn(async move {
        while let Ok((mut inbound, _)) = listener.accept().await {
            tokio::spawn(async move {
                if let Ok(mut outbound) = tokio::net::TcpStream::connect(("127.0.0.1", to)).await {
                    let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                }
            });
        }
    });
    port
}

#[tokio::test]
async fn an_answer_made_on_another_origin_is_refused() {
    let (app, base, browser) = household_with_a_passkey().await;
    // A relay on another port: the same host (so the browser uses the passkey for it), but
    // another origin, which the browser signs into its answer.
    let port: u16 = base
        .rsplit(':')
        .next()
        .and_then(|p| p.parse().ok())
        .expect("port");
    let lookalike = format!("http://localhost:{}/", relay_to(port).await);
    let answer = answer_from(&browser, &lookalike, async || {}).await;
    let (status, body) = finish(&app, &answer).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let all = audit(&app).await;
    let failed = rows(&all, "passkey.login_failed");
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0].detail.as_deref(), Some("verification failed"));
    assert!(
        rows(&all, "login.succeeded")
            .iter()
            .all(|e| e.detail.as_deref() != Some("passkey"))
    );
    browser.close().await;
}
