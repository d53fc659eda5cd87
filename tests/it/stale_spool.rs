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
