//! The staff console (issue 7) over HTTP against the real app.

mod access;
mod audit;
mod benefit_kinds;
mod benefit_pages;
mod benefits;
mod claims;
mod export;
mod households;
mod login;
mod mfa;
pub mod notices;
mod outbox;
mod passwords;
mod postcards;
mod retention;
mod settings;
mod totp;
pub mod upload;
mod upload_gate;

use kenpo::jobs::Job;
use reqwest::StatusCode;

use crate::app::{Page, TestApp, csrf_of, remote};
use crate::registration::{execute, first_card, up_to_confirm};

pub const ADMIN: &str = "admin";
pub const ADMIN_PASSWORD: &str = "a-long-staff-passphrase";
pub const CLERK: &str = "tanaka";
pub const CLERK_PASSWORD: &str = "clerk-passphrase-2026";

/// Creates the first 管理者 through the CLI (as a union does at installation), and turns
/// the staff MFA requirement off so that staff log in with a password alone; the tests of
/// that requirement (`mfa`) and of TOTP (`totp`) say where they need it.
pub async fn add_admin(app: &TestApp) {
    let data = app.data.clone();
    tokio::task::spawn_blocking(move || {
        remote(
            &data,
            Job::StaffAdd {
                login: ADMIN.into(),
                password: ADMIN_PASSWORD.into(),
            },
            None,
        )
    })
    .await
    .expect("join");
    app.staff_mfa_optional().await;
}

pub async fn staff_login(app: &TestApp, login: &str, password: &str) -> Page {
    app.post_form(
        "/staff/login",
        "/staff/login",
        &[("login", login), ("password", password)],
    )
    .await
}

pub async fn staff_logout(app: &TestApp) {
    app.post_form("/staff", "/staff/logout", &[]).await;
}

/// A logged-in 管理者.
pub async fn admin(app: &TestApp) {
    add_admin(app).await;
    let ok = staff_login(app, ADMIN, ADMIN_PASSWORD).await;
    assert_eq!(ok.location.as_deref(), Some("/staff"), "{}", ok.body);
}

/// The admin creates a 担当者, logs out, and the clerk logs in.
pub async fn clerk(app: &TestApp) {
    admin(app).await;
    let made = app
        .post_form(
            "/staff/accounts",
            "/staff/accounts",
            &[
                ("login", CLERK),
                ("role", "clerk"),
                ("password", CLERK_PASSWORD),
            ],
        )
        .await;
    assert_eq!(
        made.location.as_deref(),
        Some("/staff/accounts"),
        "{}",
        made.body
    );
    staff_logout(app).await;
    let ok = staff_login(app, CLERK, CLERK_PASSWORD).await;
    assert_eq!(ok.location.as_deref(), Some("/staff"), "{}", ok.body);
}

/// Registers 1201-105 as Yamada.Taro and leaves its member session in the client.
pub async fn register_member(app: &TestApp) {
    let card = first_card(app).await;
    up_to_confirm(app, &card, "Yamada.Taro").await;
    assert_eq!(
        execute(app).await.location.as_deref(),
        Some("/register/done")
    );
    app.get("/register/done").await;
    assert_eq!(app.get("/menu").await.status, StatusCode::OK);
}

/// Posts a multipart upload; the CSRF token rides in the first part, as the form sends it.
pub async fn upload(app: &TestApp, path: &str, file_name: &str, bytes: &[u8]) -> Page {
    let token = csrf_of(&app.get("/staff/import").await.body);
    let boundary = "kenpoTestBoundary7d1f";
    let mut body = Vec::new();
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{token}\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\nContent-Type: text/csv\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let resp = app
        .client
        .post(format!("{}{path}", app.url))
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(body)
        .send()
        .await
        .expect("upload");
    let status = resp.status();
    let location = resp
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let headers = resp.headers().clone();
    Page {
        status,
        location,
        headers,
        body: resp.text().await.expect("body"),
    }
}
