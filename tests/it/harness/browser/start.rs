//! Starting chromedriver: Chromium's capabilities, and waiting for the driver to listen.

use super::*;

pub(super) fn capabilities(profile: &Path) -> serde_json::Map<String, serde_json::Value> {
    let caps = json!({
        "goog:chromeOptions": {
            "binary": CHROMIUM,
            "args": [
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--disable-quic",
                format!("--user-data-dir={}", profile.display()),
                "--window-size=1280,900",
                "--lang=ja",
            ],
            "prefs": { "intl.accept_languages": "ja" },
        }
    });
    match caps {
        serde_json::Value::Object(map) => map,
        _ => unreachable!("capabilities are a JSON object"),
    }
}

pub(super) async fn wait_until_listening(driver: &mut Child, port: u16, log_path: &Path) {
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    let give_up = Instant::now() + START_DEADLINE;
    loop {
        if let Some(status) = driver.try_wait().expect("poll chromedriver") {
            let mut log = String::new();
            let _ = File::open(log_path).and_then(|mut f| f.read_to_string(&mut log));
            panic!("{NOT_INSTALLED}\n{CHROMEDRIVER} exited with {status}:\n{log}");
        }
        if tokio::net::TcpStream::connect(addr).await.is_ok() {
            return;
        }
        if Instant::now() >= give_up {
            let _ = driver.kill();
            let _ = driver.wait();
            panic!("{NOT_INSTALLED}\nnot listening on {addr} after {START_DEADLINE:?}");
        }
        tokio::time::sleep(POLL_EVERY).await;
    }
}
