//! Backup you can trust (issue #11, item 5): backups taken through the control socket while
//! the server takes logins and claim imports, restored into a new place, pass
//! `kenpo verify`, and serve the same members the same totals.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use kenpo::jobs::Job;
use kenpo::server::{ServeOptions, start};
use reqwest::StatusCode;

use crate::app::{TestApp, client, csrf_of, remote, spawn_app, t0};
use crate::claims::{CLAIMS_2024, CLAIMS_UTF8, csv, import, register_yamada};

pub const USER: &str = "Yamada.Taro";
pub const PASSWORD: &str = "sakura2026go";

/// Serves an existing data file (a restored backup) on a loopback port.
pub async fn serve_existing(data: PathBuf, dir: tempfile::TempDir) -> TestApp {
    let clock = kenpo::clock::ManualClock::new(t0());
    let running = start(ServeOptions {
        data: data.clone(),
        listen: "127.0.0.1:0".into(),
        base_url: None,
        smtp: None,
        clock: Arc::new(clock.clone()),
        trusted_proxies: Vec::new(),
        limits: Default::default(),
        cache_mib: kenpo::store::SERVE_CACHE_MIB,
    })
    .await
    .expect("the restored file serves");
    TestApp {
        url: format!("http://{}", running.addr),
        clock,
        client: client(),
        data,
        running: Some(running),
        dir,
    }
}

/// The totals of the expenses page for a year: (件数, 医療費総額, 自己負担額, 給付金).
pub async fn totals(app: &TestApp, year: u32) -> Vec<String> {
    let body = app.get(&format!("/menu/expenses?year={year}")).await.body;
    let doc = scraper::Html::parse_document(&body);
    let sel = scraper::Selector::parse("#totals dd").expect("selector");
    doc.select(&sel)
        .map(|e| e.text().collect::<String>())
        .collect()
}

/// Logs `app`'s client in as 山田 太郎.
pub async fn log_in(app: &TestApp) {
    let page = app.login(USER, PASSWORD).await;
    assert_eq!(page.location.as_deref(), Some("/menu"), "{}", page.body);
}

/// `kenpo verify FILE` with the real binary: its exit status and output.
pub fn verify_with_binary(file: &Path) -> (bool, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_kenpo"))
        .arg("verify")
        .arg(file)
        .output()
        .expect("run kenpo verify");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

/// One login with a fresh browser: a session row, an audit row, the account touched.
async fn login_once(url: &str) -> bool {
    let browser = client();
    let Ok(page) = browser.get(format!("{url}/")).send().await else {
        return false;
    };
    let Ok(html) = page.text().await else {
        return false;
    };
    let form = [
        ("user_id", USER),
        ("password", PASSWORD),
        ("csrf", &csrf_of(&html)),
    ];
    let sent = browser.post(format!("{url}/")).form(&form).send().await;
    sent.is_ok_and(|r| r.status() == StatusCode::SEE_OTHER)
}

/// Claims of another household, numbered by `round` so that every import adds rows.
fn other_household_claims(round: u64) -> Vec<u8> {
    csv(&format!(
        "L{round:08}1,1202,7,00,202506,外来,負荷テスト医院,1,5000,1500,0\n\
         L{round:08}2,1202,7,01,202506,調剤,負荷テスト薬局,1,2000,600,0\n"
    ))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn backups_under_write_load_restore_to_the_same_members_and_totals() {
    let app = spawn_app().await;
    register_yamada(&app).await;
    import(&app, CLAIMS_UTF8.to_vec(), true).await;
    import(&app, csv(CLAIMS_2024), true).await;
    let before = (totals(&app, 2025).await, totals(&app, 2024).await);
    assert_eq!(before.0, ["4件", "33,680円", "9,492円", "0円"]);

    // Write load: logins over HTTP and claim imports over the control socket, until told
    // to stop (and at most 200 rounds each).
    let stop = Arc::new(AtomicBool::new(false));
    let writes = Arc::new(AtomicU64::new(0));
    let (tx, mut progress) = tokio::sync::watch::channel(0u64);
    let tx = Arc::new(tx);
    let logins = {
        let (url, stop, writes, tx) = (app.url.clone(), stop.clone(), writes.clone(), tx.clone());
        tokio::spawn(async move {
            for _ in 0..200 {
                if stop.load(Ordering::SeqCst) {
                    break;
                }
                assert!(login_once(&url).await, "a login under load failed");
                tx.send_replace(writes.fetch_add(1, Ordering::SeqCst) + 1);
            }
        })
    };
    let imports = {
        let (data, stop, writes) = (app.data.clone(), stop.clone(), writes.clone());
        tokio::task::spawn_blocking(move || {
            for round in 0..200 {
                if stop.load(Ordering::SeqCst) {
                    break;
                }
                remote(
                    &data,
                    Job::ImportClaims { publish: true },
                    Some(other_household_claims(round)),
                );
                tx.send_replace(writes.fetch_add(1, Ordering::SeqCst) + 1);
            }
        })
    };

    // Three backups, each started after more writes have committed, while the load goes on.
    let dir = tempfile::tempdir().expect("backup dir");
    let mut backups = Vec::new();
    for n in 0..3u64 {
        let seen = progress
            .wait_for(|&w| w >= 4 * (n + 1))
            .await
            .map(|w| *w)
            .expect("the load runs");
        let data = app.data.clone();
        let io = tokio::task::spawn_blocking(move || remote(&data, Job::Backup, None))
            .await
            .expect("join");
        let path = dir.path().join(format!("backup-{n}.redb"));
        std::fs::write(&path, io.output.expect("a backup file")).expect("write backup");
        assert!(seen >= 4 * (n + 1));
        backups.push(path);
    }
    let during = writes.load(Ordering::SeqCst);
    stop.store(true, Ordering::SeqCst);
    logins.await.expect("logins");
    imports.await.expect("imports");
    assert!(
        during < 400,
        "the load was still running when the last backup ended"
    );

    for backup in &backups {
        let (ok, printed) = verify_with_binary(backup);
        assert!(ok, "kenpo verify {}:\n{printed}", backup.display());
        assert!(printed.contains("consistent"), "{printed}");
    }

    // Restore the last backup into a new place and serve it.
    let place = tempfile::tempdir().expect("restore dir");
    let restored = place.path().join("kenpo.redb");
    std::fs::copy(&backups[2], &restored).expect("restore");
    // The key file is kept apart from the backups, and restored beside the data file.
    let key = kenpo::store::seal::key_path(&app.data);
    std::fs::copy(&key, kenpo::store::seal::key_path(&restored)).expect("restore the key");
    let app2 = serve_existing(restored, place).await;
    log_in(&app2).await;
    let after = (totals(&app2, 2025).await, totals(&app2, 2024).await);
    assert_eq!(after, before, "the restored file shows the same totals");
    crate::faults::report("restore_backups_under_load", backups.len() as u64);
    crate::faults::report("restore_writes_during_backups", during);
}
