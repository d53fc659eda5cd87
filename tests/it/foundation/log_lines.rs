//! What the real binary's access log writes of a request's path: no postcard token and no
//! household's 記号・番号 (SECURITY.md, "Logs and mails carry no secrets").

use crate::binary::{init_data, serve};

/// A postcard issue's download and print links carry the token that opens its temporary
/// passwords, and a household's staff page its 記号・番号: the log line of each names the
/// page without them. Logged once the server has stopped, so every line is written.
#[tokio::test]
async fn the_access_log_names_no_postcard_token_no_household_no_decision_and_no_staff_login() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = init_data(dir.path());
    let mut server = serve(&data, None);
    let app = server.app();
    let token = "Zk3Qx9tokenOfAnIssue";
    for path in [
        format!("/staff/postcards/download/{token}"),
        format!("/staff/postcards/print/{token}?layout=a4"),
        "/staff/households/1201-105".to_string(),
        "/staff/households/1201-105/unlock".to_string(),
        "/menu/benefits/K2026-00042".to_string(),
        "/staff/accounts/suzuki-hanako".to_string(),
        "/menu/expenses".to_string(),
    ] {
        let page = app.get(&path).await;
        assert!(!page.status.is_server_error(), "{path}: {}", page.status);
    }
    // A staff member without TOTP logs in and is sent to enrolment: that line names no one.
    let staff = "kobayashi-staff";
    let data_file = data.clone();
    tokio::task::spawn_blocking(move || {
        crate::app::remote(
            &data_file,
            kenpo::jobs::Job::StaffAdd {
                login: staff.into(),
                password: "a-long-staff-passphrase".into(),
            },
            None,
        )
    })
    .await
    .expect("join");
    let login = crate::staff::staff_login(&app, staff, "a-long-staff-passphrase").await;
    assert_eq!(
        login.location.as_deref(),
        Some("/staff/totp"),
        "{}",
        login.body
    );
    let sent = app.get("/staff/households").await;
    assert_eq!(
        sent.location.as_deref(),
        Some("/staff/totp"),
        "sent to enrolment"
    );
    server.signal(libc::SIGTERM);
    // The server is another process: nothing on this runtime waits for it.
    let status = server.wait();
    assert!(status.success(), "{}", server.log_text());
    let log = server.log_text();
    assert!(!log.contains(token), "the postcard token is logged:\n{log}");
    assert!(!log.contains("1201-105"), "a household is logged:\n{log}");
    assert!(!log.contains("K2026-00042"), "a decision is logged:\n{log}");
    assert!(
        !log.contains("suzuki-hanako") && !log.contains(staff),
        "a staff login is logged:\n{log}"
    );
    assert!(log.contains("to enrolment"), "{log}");
    assert!(log.contains("/menu/benefits/…"), "{log}");
    assert!(log.contains("/staff/postcards/download/…"), "{log}");
    assert!(log.contains("/staff/households/…/unlock"), "{log}");
    assert!(
        log.contains("/menu/expenses"),
        "other paths are logged whole: {log}"
    );
}
