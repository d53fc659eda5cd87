//! Real headless Chromium (Debian's `chromium`) driven through `chromedriver`
//! with fantoccini, plus helpers that find things the way a member sees them:
//! by label, button and link text.

use std::fs::{self, File};
use std::io::{Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;

use super::free_port;

mod start;
mod xpath;

use start::{capabilities, wait_until_listening};
use xpath::xpath_literal;

const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const CHROMIUM: &str = "/usr/bin/chromium";
const NOT_INSTALLED: &str = "chromedriver not found: apt-get install chromium chromium-driver";
const START_DEADLINE: Duration = Duration::from_secs(10);
/// How long the element helpers wait for an element to appear (htmx swaps, navigation).
const FIND_DEADLINE: Duration = Duration::from_secs(5);
const POLL_EVERY: Duration = Duration::from_millis(50);

/// One headless Chromium session; chromedriver (and with it Chromium) is shut down on drop.
pub struct Browser {
    pub client: Client,
    driver: Child,
    driver_port: u16,
    /// Holds `profile/` (Chromium's user-data-dir) and `chromedriver.log`.
    _profile: tempfile::TempDir,
}

impl Browser {
    /// Starts chromedriver on a free port and opens a headless Chromium session.
    pub async fn start() -> Browser {
        let dir = tempfile::tempdir().expect("create a temp dir for the Chromium profile");
        let driver_port = free_port();
        let log_path = dir.path().join("chromedriver.log");
        let mut driver = Command::new(CHROMEDRIVER)
            .arg(format!("--port={driver_port}"))
            .arg(format!("--log-path={}", log_path.display()))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("{NOT_INSTALLED} ({CHROMEDRIVER}: {e})"));
        wait_until_listening(&mut driver, driver_port, &log_path).await;

        let profile = dir.path().join("profile");
        let mut builder =
            ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new());
        builder.capabilities(capabilities(&profile));
        let client = match builder
            .connect(&format!("http://127.0.0.1:{driver_port}"))
            .await
        {
            Ok(client) => client,
            Err(e) => {
                let _ = driver.kill();
                let _ = driver.wait();
                let log = fs::read_to_string(&log_path).unwrap_or_default();
                panic!(
                    "chromedriver could not start {CHROMIUM} (apt-get install chromium): {e}\n{log}"
                );
            }
        };
        Browser {
            client,
            driver,
            driver_port,
            _profile: dir,
        }
    }

    pub async fn goto(&self, url: &str) {
        self.client
            .goto(url)
            .await
            .unwrap_or_else(|e| panic!("navigate to {url}: {e}"));
    }

    pub async fn current_url(&self) -> String {
        self.client
            .current_url()
            .await
            .expect("read the current URL")
            .to_string()
    }

    pub async fn title(&self) -> String {
        self.client.title().await.expect("read the page title")
    }

    /// The page's visible text (`document.body.innerText`).
    pub async fn body_text(&self) -> String {
        self.client
            .find(Locator::Css("body"))
            .await
            .expect("find <body>")
            .text()
            .await
            .expect("read the body text")
    }

    /// Types `value` into the control of the `<label>` whose text is (or else
    /// contains) `label_text`, replacing what was there.
    pub async fn fill_by_label(&self, label_text: &str, value: &str) {
        let input = self.control_for_label(label_text).await;
        input
            .clear()
            .await
            .unwrap_or_else(|e| panic!("clear field {label_text:?}: {e}"));
        input
            .send_keys(value)
            .await
            .unwrap_or_else(|e| panic!("type into field {label_text:?}: {e}"));
    }

    /// Selects the radio button (or ticks the checkbox) labelled `label_text`.
    pub async fn choose_radio(&self, label_text: &str) {
        let input = self.control_for_label(label_text).await;
        if !input.is_selected().await.expect("read radio state") {
            input
                .click()
                .await
                .unwrap_or_else(|e| panic!("choose radio {label_text:?}: {e}"));
        }
    }

    /// Clicks the `<button>` (or submit `<input>`) whose text is (or else contains) `text`.
    pub async fn click_button(&self, text: &str) {
        let t = xpath_literal(text);
        let exact = format!(
            "//button[normalize-space(.)={t}] | //input[(@type='submit' or @type='button') and @value={t}]"
        );
        let partial = format!(
            "//button[contains(normalize-space(.),{t})] | //input[(@type='submit' or @type='button') and contains(@value,{t})]"
        );
        let button = self.find_by_text("button", text, &exact, &partial).await;
        button
            .click()
            .await
            .unwrap_or_else(|e| panic!("click button {text:?}: {e}"));
    }

    /// Clicks the link whose text is (or else contains) `text`.
    pub async fn click_link(&self, text: &str) {
        let t = xpath_literal(text);
        let exact = format!("//a[normalize-space(.)={t}]");
        let partial = format!("//a[contains(normalize-space(.),{t})]");
        let link = self.find_by_text("link", text, &exact, &partial).await;
        link.click()
            .await
            .unwrap_or_else(|e| panic!("click link {text:?}: {e}"));
    }

    /// Polls the visible text until it contains `text`; panics with the page's
    /// URL and text when `deadline` passes.
    pub async fn wait_for_text(&self, text: &str, deadline: Duration) {
        let give_up = Instant::now() + deadline;
        loop {
            // Mid-navigation the body may be gone or stale: just look again.
            let seen = match self.client.find(Locator::Css("body")).await {
                Ok(body) => body.text().await.unwrap_or_default(),
                Err(_) => String::new(),
            };
            if seen.contains(text) {
                return;
            }
            if Instant::now() >= give_up {
                let url = self.current_url().await;
                panic!(
                    "{text:?} did not appear within {deadline:?} on {url}; the page says:\n{seen}"
                );
            }
            tokio::time::sleep(POLL_EVERY).await;
        }
    }

    /// Writes a PNG of the viewport to `path`.
    pub async fn screenshot(&self, path: impl AsRef<Path>) {
        let path = path.as_ref();
        let png = self.client.screenshot().await.expect("take a screenshot");
        fs::write(path, png).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
    }

    pub async fn set_window_size(&self, width: u32, height: u32) {
        self.client
            .set_window_size(width, height)
            .await
            .unwrap_or_else(|e| panic!("resize the window to {width}x{height}: {e}"));
    }

    /// Ends the session (Chromium quits) and stops chromedriver.
    pub async fn close(mut self) {
        let _ = self.client.clone().close().await;
        self.shut_down_driver();
    }

    /// The form control a label points at: `for=` id, else the control inside the label.
    async fn control_for_label(&self, label_text: &str) -> Element {
        let t = xpath_literal(label_text);
        let exact = format!("//label[normalize-space(text()[1])={t} or normalize-space(.)={t}]");
        let partial = format!("//label[contains(normalize-space(.),{t})]");
        let label = self
            .find_by_text("label", label_text, &exact, &partial)
            .await;
        let target = label
            .attr("for")
            .await
            .expect("read the label's for attribute");
        let found = match target {
            Some(id) => {
                let by_id = format!("//*[@id={}]", xpath_literal(&id));
                self.client.find(Locator::XPath(&by_id)).await
            }
            None => {
                label
                    .find(Locator::XPath(".//input|.//select|.//textarea"))
                    .await
            }
        };
        found.unwrap_or_else(|e| panic!("no form control for label {label_text:?}: {e}"))
    }

    /// Polls up to [`FIND_DEADLINE`] for an element: the first exact match, else
    /// the only partial match (several partial matches are an error: be more precise).
    async fn find_by_text(&self, kind: &str, text: &str, exact: &str, partial: &str) -> Element {
        let give_up = Instant::now() + FIND_DEADLINE;
        loop {
            let exact_hits = self
                .client
                .find_all(Locator::XPath(exact))
                .await
                .unwrap_or_default();
            if let Some(hit) = exact_hits.into_iter().next() {
                return hit;
            }
            let mut partial_hits = self
                .client
                .find_all(Locator::XPath(partial))
                .await
                .unwrap_or_default();
            match partial_hits.len() {
                1 => return partial_hits.remove(0),
                0 => {}
                n => panic!("{n} {kind}s contain {text:?}; use the exact text"),
            }
            if Instant::now() >= give_up {
                let url = self.current_url().await;
                panic!("no {kind} with text {text:?} on {url} within {FIND_DEADLINE:?}");
            }
            tokio::time::sleep(POLL_EVERY).await;
        }
    }

    /// Asks chromedriver to quit its sessions (closing Chromium) and exit; kills it if it lingers.
    fn shut_down_driver(&mut self) {
        if self.driver.try_wait().ok().flatten().is_some() {
            return;
        }
        let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, self.driver_port));
        if let Ok(mut stream) = TcpStream::connect_timeout(&addr, Duration::from_secs(1)) {
            let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
            let _ = stream.write_all(
                b"GET /shutdown HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
            );
            let _ = stream.read_to_end(&mut Vec::new());
        }
        let give_up = Instant::now() + Duration::from_secs(5);
        while Instant::now() < give_up {
            if self.driver.try_wait().ok().flatten().is_some() {
                return;
            }
            std::thread::sleep(POLL_EVERY);
        }
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        self.shut_down_driver();
    }
}
