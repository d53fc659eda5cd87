//! SPEC §4 against the running app, all on the injected clock: login rules, recovery of the
//! ID and the password, the profile, the password change and sessions.

mod addresses;
mod audit;
mod email_password;
pub mod equal_work;
mod lock;
mod login;
mod one_hash;
mod profile;
mod recovery;
mod sessions;

use kenpo::audit::AuditEntry;
use kenpo::auth::model::Account;
use kenpo::mail::outbox::OutboxMail;
use reqwest::StatusCode;

use crate::app::{Page, TestApp, client, spawn_app};
use crate::registration::{BIRTH, execute, first_card, up_to_confirm};

pub const USER: &str = "Yamada.Taro";
pub const USER_KEY: &str = "yamada.taro";
pub const PASSWORD: &str = "sakura2026go";
pub const EMAIL: &str = "taro@example.jp";

/// Registers 1201-105 through the wizard on `app`'s client.
pub async fn register(app: &TestApp) {
    let card = first_card(app).await;
    up_to_confirm(app, &card, USER).await;
    let done = execute(app).await;
    assert_eq!(
        done.location.as_deref(),
        Some("/register/done"),
        "{}",
        done.body
    );
}

/// A fresh app with the household registered, and a client with no session.
pub async fn registered() -> TestApp {
    let mut app = spawn_app().await;
    register(&app).await;
    app.client = client();
    app
}

pub async fn account(app: &TestApp) -> Account {
    app.store()
        .read(|r| r.get::<Account>(USER_KEY))
        .await
        .expect("read")
        .expect("account exists")
}

pub async fn mails(app: &TestApp) -> Vec<OutboxMail> {
    let all = app
        .store()
        .read(kenpo::mail::outbox::scan_opened)
        .await
        .expect("read outbox");
    all.into_iter().map(|(_, m)| m).collect()
}

/// The newest queued mail with this subject.
pub async fn last_mail(app: &TestApp, subject: &str) -> OutboxMail {
    mails(app)
        .await
        .into_iter()
        .rev()
        .find(|m| m.subject == subject)
        .unwrap_or_else(|| panic!("no mail {subject}"))
}

pub async fn audit_actions(app: &TestApp) -> Vec<String> {
    let all = app
        .store()
        .read(|r| r.scan::<AuditEntry>(""))
        .await
        .expect("read audit");
    all.into_iter().map(|(_, e)| e.action).collect()
}

/// The path (and query) of the first link to this app in a mail body.
pub fn link_in(app: &TestApp, body: &str) -> String {
    let start = body.find(&app.url).expect("a link to the app");
    let rest = &body[start + app.url.len()..];
    rest.split_whitespace().next().expect("link").to_string()
}

/// Presses the button of a mailed single-use link (`/path?token=...`): posts its token to
/// the link's path, as the page the link opens does.
pub async fn use_link(app: &TestApp, link: &str) -> Page {
    let (path, query) = link.split_once('?').expect("a query");
    let token = query.strip_prefix("token=").expect("a token");
    // Any page of this browser carries its CSRF token.
    app.post_form("/forgot-id", path, &[("token", token)]).await
}

/// Opens a mailed link (a GET, as a mail scanner would): the page with the button.
pub async fn open_link(app: &TestApp, link: &str, button: &str) -> Page {
    let page = app.get(link).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains(button), "{}", page.body);
    assert!(page.body.contains(r#"method="post""#));
    assert!(page.body.contains(r#"name="token""#));
    assert!(page.body.contains(r#"name="csrf""#));
    page
}

/// A text line's value after `label` in a mail ("仮パスワード：xxxx").
pub fn value_after(body: &str, label: &str) -> String {
    body.lines()
        .find_map(|l| l.trim().strip_prefix(label))
        .unwrap_or_else(|| panic!("no {label} in {body}"))
        .trim()
        .to_string()
}

pub async fn forgot_password(app: &TestApp, user_id: &str, email: &str, birth: &str) -> Page {
    let fields = [
        ("user_id", user_id),
        ("email", email),
        ("birth_date", birth),
    ];
    app.post_form("/forgot-password", "/forgot-password", &fields)
        .await
}

pub async fn forgot_id(app: &TestApp, email: &str, birth: &str) -> Page {
    let fields = [("email", email), ("birth_date", birth)];
    app.post_form("/forgot-id", "/forgot-id", &fields).await
}

/// Requests a temporary password for the registered household; returns it.
pub async fn temporary_password(app: &TestApp) -> String {
    let sent = forgot_password(app, USER, EMAIL, BIRTH).await;
    assert_eq!(sent.location.as_deref(), Some("/forgot-password/sent"));
    let mail = last_mail(app, "【けんぽWeb】仮パスワードのお知らせ").await;
    value_after(&mail.body, "仮パスワード：")
}

pub async fn change_password(app: &TestApp, current: &str, new: &str) -> Page {
    let fields = [
        ("current_password", current),
        ("password", new),
        ("password_confirm", new),
    ];
    app.post_form("/menu/password", "/menu/password", &fields)
        .await
}

pub fn assert_refused(page: &Page) {
    assert_eq!(
        page.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{:?}",
        page.location
    );
    assert!(
        page.body
            .contains("ユーザIDまたはパスワードが正しくありません"),
        "{}",
        page.body
    );
}

pub fn assert_logged_in(page: &Page, home: &str) {
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    assert_eq!(page.location.as_deref(), Some(home));
}
