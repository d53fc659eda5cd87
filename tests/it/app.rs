//! `spawn_app()`: the real app on a loopback port over a temp redb file, a manual clock,
//! and an HTTP client with a cookie jar and redirects off.

use std::path::PathBuf;
use std::sync::Arc;

use chrono::{DateTime, TimeZone as _, Utc};
use kenpo::auth::model::StaffAccount;
use kenpo::clock::ManualClock;
use kenpo::jobs::Job;
use kenpo::server::{ConnectionLimits, Running, ServeOptions, start};
use kenpo::settings::SETTINGS;
use kenpo::store::Store;
use reqwest::StatusCode;
use tempfile::TempDir;

mod job_io;
pub use job_io::{CapturedIo, parse_csv, remote, run_local};

pub const UNION: &str = "テスト健康保険組合";
pub const INSURER: &str = "06131114";

pub fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 2, 1, 0, 0)
        .single()
        .expect("valid start time")
}

pub struct TestApp {
    pub url: String,
    pub clock: ManualClock,
    pub client: reqwest::Client,
    pub data: PathBuf,
    pub running: Option<Running>,
    pub dir: TempDir,
}

pub struct AppOptions {
    pub smtp_port: Option<u16>,
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(AppOptions { smtp_port: None }).await
}

/// A fresh data file, initialised with the test union, served on 127.0.0.1:0.
pub async fn spawn_app_with(opts: AppOptions) -> TestApp {
    spawn(opts, Vec::new(), None, ConnectionLimits::default()).await
}

/// The app with a public base URL (an `https://` one marks cookies `Secure`, names them
/// `__Host-…` and sends HSTS); the tests still talk plain HTTP to loopback.
pub async fn spawn_app_with_base_url(base_url: &str) -> TestApp {
    spawn(
        AppOptions { smtp_port: None },
        Vec::new(),
        Some(base_url.to_string()),
        ConnectionLimits::default(),
    )
    .await
}

/// The app with its own connection limits (timeouts, the connection cap).
pub async fn spawn_app_with_limits(limits: ConnectionLimits) -> TestApp {
    spawn(AppOptions { smtp_port: None }, Vec::new(), None, limits).await
}

/// The app behind a reverse proxy on 127.0.0.1 (the test client plays the proxy).
pub async fn spawn_app_behind_proxy() -> TestApp {
    spawn(
        AppOptions { smtp_port: None },
        vec!["127.0.0.1".parse().expect("ip")],
        None,
        ConnectionLimits::default(),
    )
    .await
}

/// The app at `http://localhost:<port>` (its `--base-url`), listening on 127.0.0.1: a
/// browser accepts a domain name, never an IP address, as a passkey's relying party.
/// Returns the app and the URL to browse to.
pub async fn spawn_app_on_localhost(opts: AppOptions) -> (TestApp, String) {
    let port = crate::harness::free_port();
    let base_url = format!("http://localhost:{port}");
    let app = spawn_listening(
        opts,
        Vec::new(),
        Some(base_url.clone()),
        ConnectionLimits::default(),
        format!("127.0.0.1:{port}"),
    )
    .await;
    (app, base_url)
}

async fn spawn(
    opts: AppOptions,
    trusted_proxies: Vec<std::net::IpAddr>,
    base_url: Option<String>,
    limits: ConnectionLimits,
) -> TestApp {
    let listen = "127.0.0.1:0".to_string();
    spawn_listening(opts, trusted_proxies, base_url, limits, listen).await
}

async fn spawn_listening(
    opts: AppOptions,
    trusted_proxies: Vec<std::net::IpAddr>,
    base_url: Option<String>,
    limits: ConnectionLimits,
    listen: String,
) -> TestApp {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("kenpo.redb");
    run_local(
        &data,
        Job::Init {
            union_name: UNION.into(),
            insurer_number: INSURER.into(),
            service_name: None,
        },
        None,
    );
    let clock = ManualClock::new(t0());
    let smtp = opts.smtp_port.map(|port| {
        kenpo::mail::smtp::SmtpConfig::parse(
            &format!("smtp://127.0.0.1:{port}?tls=none"),
            "kenpo@example.jp",
        )
        .expect("smtp config")
    });
    let running = start(ServeOptions {
        data: data.clone(),
        listen,
        base_url,
        smtp,
        clock: Arc::new(clock.clone()),
        trusted_proxies,
        limits,
        cache_mib: kenpo::store::SERVE_CACHE_MIB,
    })
    .await
    .expect("server starts");
    TestApp {
        url: format!("http://{}", running.addr),
        clock,
        client: client(),
        data,
        running: Some(running),
        dir,
    }
}

pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}

/// The `csrf` hidden input of a page.
pub fn csrf_of(html: &str) -> String {
    let doc = scraper::Html::parse_document(html);
    let sel = scraper::Selector::parse(r#"input[name="csrf"]"#).expect("selector");
    doc.select(&sel)
        .next()
        .and_then(|e| e.value().attr("value"))
        .expect("page has a csrf input")
        .to_string()
}

pub struct Page {
    pub status: StatusCode,
    pub location: Option<String>,
    pub headers: reqwest::header::HeaderMap,
    pub body: String,
}

impl TestApp {
    /// The running server's data file.
    pub fn store(&self) -> Store {
        self.running
            .as_ref()
            .expect("server runs")
            .state
            .store
            .clone()
    }

    /// A staff account as stored.
    pub async fn staff_account(&self, login: &str) -> StaffAccount {
        let key = login.to_ascii_lowercase();
        self.store()
            .read(move |r| r.get::<StaffAccount>(&key))
            .await
            .expect("read")
            .expect("the staff account exists")
    }

    pub async fn get(&self, path: &str) -> Page {
        let resp = self
            .client
            .get(format!("{}{path}", self.url))
            .send()
            .await
            .expect("GET");
        page(resp).await
    }

    /// Posts a form with the CSRF token of `form_page` added.
    pub async fn post_form(&self, form_page: &str, path: &str, fields: &[(&str, &str)]) -> Page {
        let token = csrf_of(&self.get(form_page).await.body);
        let mut all: Vec<(&str, &str)> = fields.to_vec();
        all.push(("csrf", &token));
        let resp = self
            .client
            .post(format!("{}{path}", self.url))
            .form(&all)
            .send()
            .await
            .expect("POST");
        page(resp).await
    }

    /// Imports the given member CSV and issues credentials; returns postcards.csv rows.
    pub async fn import_and_issue(&self, members_csv: &[u8]) -> Vec<Vec<String>> {
        let data = self.data.clone();
        let csv = members_csv.to_vec();
        tokio::task::spawn_blocking(move || {
            remote(&data, Job::ImportMembers, Some(csv));
            let io = remote(&data, Job::IssueCredentials { households: vec![] }, None);
            parse_csv(&io.output.expect("postcards written"))
        })
        .await
        .expect("join")
    }

    /// Turns the union setting 「職員の二要素認証を必須にする」 off (it is on by default), for
    /// tests about other things whose staff log in with a password alone. Written straight
    /// into the data file: with the setting on, no staff member without TOTP could reach
    /// the settings page to do it.
    pub async fn staff_mfa_optional(&self) {
        let store = self.running.as_ref().expect("running").state.store.clone();
        store
            .write(|w| {
                let mut settings = w
                    .get::<kenpo::settings::UnionSettings>(SETTINGS)?
                    .unwrap_or_default();
                settings.staff_totp_required = false;
                w.put(SETTINGS, &settings)
            })
            .await
            .expect("settings written");
    }

    pub async fn login(&self, user_id: &str, password: &str) -> Page {
        self.post_form("/", "/", &[("user_id", user_id), ("password", password)])
            .await
    }
}

/// The status, redirect, headers and body of a response.
pub async fn page_of(resp: reqwest::Response) -> Page {
    page(resp).await
}

async fn page(resp: reqwest::Response) -> Page {
    let status = resp.status();
    let headers = resp.headers().clone();
    let location = headers
        .get("location")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let body = resp.text().await.expect("body");
    Page {
        status,
        location,
        headers,
        body,
    }
}

pub const MEMBERS_UTF8: &[u8] = include_bytes!("../data/members.utf8.csv");
