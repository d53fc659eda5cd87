//! `kenpo demo` (issue #10 item 15): the staff password is random, printed at each start.

use std::io::{BufRead as _, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};

use crate::app::{client, csrf_of};

/// Starts the demo on `data`, reads what it prints until it serves, and stops it.
/// Returns the URL and the staff password it printed.
pub fn run_demo(data: &Path) -> (String, String, std::process::Child) {
    let port = crate::harness::free_port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_kenpo"))
        .args(["demo", "--listen", &format!("127.0.0.1:{port}")])
        .env("KENPO_DATA", data)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start kenpo demo");
    let stdout = child.stdout.take().expect("stdout");
    let mut printed = Vec::new();
    for line in BufReader::new(stdout).lines() {
        let line = line.expect("a line");
        let done = line.starts_with("Press Ctrl-C");
        printed.push(line);
        if done {
            break;
        }
    }
    let staff = printed
        .iter()
        .find(|l| l.trim_start().starts_with("staff"))
        .unwrap_or_else(|| panic!("no staff line in {printed:?}"));
    let password = staff
        .split("password ")
        .nth(1)
        .expect("a password")
        .trim()
        .to_string();
    (format!("http://127.0.0.1:{port}"), password, child)
}

pub fn stop(mut child: std::process::Child) {
    let pid = i32::try_from(child.id()).expect("pid");
    // SAFETY: sending a signal to our own child process.
    assert_eq!(unsafe { libc::kill(pid, libc::SIGTERM) }, 0);
    child.wait().expect("wait");
}

async fn staff_login(url: &str, password: &str) -> Option<String> {
    let client = client();
    let form = client
        .get(format!("{url}/staff/login"))
        .send()
        .await
        .expect("GET")
        .text()
        .await
        .expect("body");
    let fields = [
        ("login", "admin"),
        ("password", password),
        ("csrf", &csrf_of(&form)),
    ];
    let resp = client
        .post(format!("{url}/staff/login"))
        .form(&fields)
        .send()
        .await
        .expect("POST");
    resp.headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

#[tokio::test]
async fn the_demo_prints_a_random_staff_password_that_logs_in() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("kenpo-demo.redb");
    let (url, first, child) = {
        let data = data.clone();
        tokio::task::spawn_blocking(move || run_demo(&data))
            .await
            .expect("join")
    };
    assert_ne!(first, "demo-admin-2026", "not the published password");
    assert!(first.chars().count() >= 12, "{first}");
    assert_eq!(staff_login(&url, &first).await.as_deref(), Some("/staff"));
    assert_eq!(staff_login(&url, "demo-admin-2026").await, None);
    tokio::task::spawn_blocking(move || stop(child))
        .await
        .expect("join");
    // Started again on the same file: a newcomer gets a password that works, printed.
    let (url, second, child) = {
        let data = data.clone();
        tokio::task::spawn_blocking(move || run_demo(&data))
            .await
            .expect("join")
    };
    assert_ne!(second, first);
    assert_eq!(staff_login(&url, &second).await.as_deref(), Some("/staff"));
    tokio::task::spawn_blocking(move || stop(child))
        .await
        .expect("join");
}

#[test]
fn the_demo_refuses_a_data_file_of_a_real_union() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("kenpo.redb");
    let init = Command::new(env!("CARGO_BIN_EXE_kenpo"))
        .args(["init", "--union-name", crate::app::UNION])
        .args(["--insurer-number", crate::app::INSURER])
        .env("KENPO_DATA", &data)
        .output()
        .expect("init");
    assert!(init.status.success());
    let out = Command::new(env!("CARGO_BIN_EXE_kenpo"))
        .args(["demo", "--listen", "127.0.0.1:0"])
        .env("KENPO_DATA", &data)
        .output()
        .expect("demo");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("not a demo data file"), "{stderr}");
}
