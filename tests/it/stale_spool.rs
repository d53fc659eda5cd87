//! Uploaded files an interrupted import left beside the data file hold members' personal
//! and medical data, and postcards or a backup on their way to the command line hold
//! temporary passwords and everything: the next start removes them.

use std::sync::Arc;

use kenpo::clock::ManualClock;
use kenpo::server::{ConnectionLimits, ServeOptions, start};

#[tokio::test]
async fn a_start_removes_the_upload_spools_a_crash_left_and_nothing_else() {
    let mut app = crate::app::spawn_app().await;
    let running = app.running.take().expect("running");
    running.stop().await.expect("stops");

    let dir = app.data.parent().expect("data dir").to_path_buf();
    let left = [
        ".kenpo-claims-Zk3vQ9xY.tmp",
        ".kenpo-benefits-Qw12Er34.tmp",
        ".kenpo-members-Ab12Cd34.tmp",
        ".kenpo-postcards-Ef56Gh78.tmp",
        ".kenpo-backup-Ij90Kl12.tmp",
        ".kenpo-received-Mn34Op56.tmp",
    ];
    for name in left {
        std::fs::write(dir.join(name), "1201,105,00,山田　太郎\n").expect("write spool");
    }
    let kept = ["notes.txt", ".kenpo-claims-notes.txt", "claims.csv"];
    for name in kept {
        std::fs::write(dir.join(name), "keep").expect("write other file");
    }

    let running = start(ServeOptions {
        data: app.data.clone(),
        listen: "127.0.0.1:0".into(),
        base_url: None,
        smtp: None,
        clock: Arc::new(ManualClock::new(crate::app::t0())),
        trusted_proxies: Vec::new(),
        limits: ConnectionLimits::default(),
        cache_mib: kenpo::store::SERVE_CACHE_MIB,
    })
    .await
    .expect("server starts again");

    for name in left {
        assert!(!dir.join(name).exists(), "{name} is removed at start");
    }
    for name in kept {
        assert!(dir.join(name).exists(), "{name} is not a spool and stays");
    }
    running.stop().await.expect("stops");
}

/// `--data kenpo.redb`, a bare file name (the natural one to type): the spools are made in
/// the working directory, and the start-up sweep looks there too. It looked in "" and
/// removed nothing.
#[test]
fn a_start_with_a_bare_data_file_name_removes_the_spools_in_the_working_directory() {
    use std::process::{Command, Stdio};
    use std::time::{Duration, Instant};

    let dir = tempfile::tempdir().expect("temp dir");
    let data = crate::binary::init_data(dir.path());
    let spool = dir.path().join(".kenpo-postcards-Ef56Gh78.tmp");
    std::fs::write(&spool, "1201,105,山田　太郎,TMP-ID,仮パスワード\n").expect("write spool");
    let port = crate::harness::free_port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_kenpo"))
        .current_dir(dir.path())
        .args(["--data", "kenpo.redb", "serve"])
        .args(["--listen", &format!("127.0.0.1:{port}")])
        .env_remove("KENPO_SMTP_URL")
        .env_remove("KENPO_DATA")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start kenpo serve");
    // The control socket appears after the sweep.
    let socket = kenpo::control::socket_path(&data);
    let give_up = Instant::now() + Duration::from_secs(60);
    while !socket.exists() {
        assert!(
            child.try_wait().expect("poll").is_none(),
            "kenpo serve exited"
        );
        assert!(Instant::now() < give_up, "kenpo serve did not start");
        std::thread::sleep(Duration::from_millis(20));
    }
    let swept = !spool.exists();
    // SAFETY: kill sends a signal to our own child.
    unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGTERM) };
    child.wait().expect("kenpo serve stops");
    assert!(swept, "the spool beside kenpo.redb is removed at start");
}
