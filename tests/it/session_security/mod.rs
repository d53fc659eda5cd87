//! Issue #10 hardening of sessions and their cookies: CSRF tokens bound to the session,
//! `__Host-` cookie names and HSTS over HTTPS, the upload token kept out of the URL.

mod cookies;
mod csrf;
mod upload;

use std::collections::BTreeMap;

use kenpo::auth::model::Account;
use reqwest::StatusCode;

use crate::app::{MEMBERS_UTF8, Page, TestApp, client, csrf_of};
use crate::registration::{execute, identity, profile};

pub const OTHER_USER: &str = "Takahashi.Y";
pub const OTHER_KEY: &str = "takahashi.y";
pub const PASSWORD: &str = "sakura2026go";

/// A browser without a cookie jar of reqwest's: it keeps every cookie it is given,
/// whatever its `Secure` flag or prefix, and shows the raw `Set-Cookie` lines. It plays a
/// browser on HTTPS while the tests talk plain HTTP to loopback.
pub struct RawBrowser {
    url: String,
    http: reqwest::Client,
    pub cookies: BTreeMap<String, String>,
    /// Every `Set-Cookie` line received, in order.
    pub set_cookies: Vec<String>,
}

impl RawBrowser {
    pub fn new(app: &TestApp) -> RawBrowser {
        RawBrowser {
            url: app.url.clone(),
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .expect("client"),
            cookies: BTreeMap::new(),
            set_cookies: Vec::new(),
        }
    }

    pub fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    async fn keep(&mut self, resp: reqwest::Response) -> Page {
        for line in resp.headers().get_all("set-cookie") {
            let line = line.to_str().expect("ascii cookie").to_string();
            let pair = line.split(';').next().unwrap_or_default();
            if let Some((k, v)) = pair.split_once('=') {
                if v.is_empty() || line.contains("Max-Age=0") {
                    self.cookies.remove(k);
                } else {
                    self.cookies.insert(k.to_string(), v.to_string());
                }
            }
            self.set_cookies.push(line);
        }
        let status = resp.status();
        let headers = resp.headers().clone();
        let location = headers
            .get("location")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        Page {
            status,
            location,
            headers,
            body: resp.text().await.expect("body"),
        }
    }

    pub async fn get(&mut self, path: &str) -> Page {
        let resp = self
            .http
            .get(format!("{}{path}", self.url))
            .header("cookie", self.cookie_header())
            .send()
            .await
            .expect("GET");
        self.keep(resp).await
    }

    /// Posts a form as is (its `csrf` field, if any, among `fields`), with `cookie` as the
    /// whole `Cookie` header.
    pub async fn post_raw(
        &mut self,
        path: &str,
        cookie: &str,
        fields: &[(&str, &str)],
        headers: &[(&str, &str)],
    ) -> Page {
        let mut req = self
            .http
            .post(format!("{}{path}", self.url))
            .header("cookie", cookie)
            .form(fields);
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let resp = req.send().await.expect("POST");
        self.keep(resp).await
    }

    /// Posts a form with this browser's cookies and the token of `form_page`.
    pub async fn post_form(
        &mut self,
        form_page: &str,
        path: &str,
        fields: &[(&str, &str)],
    ) -> Page {
        let token = csrf_of(&self.get(form_page).await.body);
        let mut all = fields.to_vec();
        all.push(("csrf", &token));
        let cookie = self.cookie_header();
        self.post_raw(path, &cookie, &all, &[]).await
    }

    pub async fn login(&mut self, user_id: &str, password: &str) -> Page {
        let page = self
            .post_form("/", "/", &[("user_id", user_id), ("password", password)])
            .await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
        assert_eq!(page.location.as_deref(), Some("/menu"));
        page
    }

    /// The value of the cookie whose name ends with `name` (`kenpo_csrf` finds
    /// `__Host-kenpo_csrf` too).
    pub fn cookie(&self, name: &str) -> String {
        self.cookies
            .iter()
            .find(|(k, _)| k.ends_with(name))
            .map(|(_, v)| v.clone())
            .unwrap_or_else(|| panic!("no cookie {name} in {:?}", self.cookies.keys()))
    }
}

/// Registers 1201-106 (髙橋 𠮷子) as Takahashi.Y in a browser of its own, after 1201-105.
pub async fn register_second_household(app: &mut TestApp) {
    app.client = client();
    let rows = app.import_and_issue(MEMBERS_UTF8).await;
    let row = rows
        .iter()
        .find(|r| r[0] == "1201" && r[1] == "106")
        .expect("postcard for 1201-106");
    app.login(&row[5], &row[6]).await;
    let id = identity(app, "06131114", "19680102", Some("yes")).await;
    assert_eq!(
        id.location.as_deref(),
        Some("/register/profile"),
        "{}",
        id.body
    );
    let p = profile(app, OTHER_USER, PASSWORD, PASSWORD, "yoshiko@example.jp").await;
    assert_eq!(
        p.location.as_deref(),
        Some("/register/confirm"),
        "{}",
        p.body
    );
    assert_eq!(
        execute(app).await.location.as_deref(),
        Some("/register/done")
    );
    app.client = client();
}

pub async fn account_of(app: &TestApp, key: &'static str) -> Account {
    crate::account::store(app)
        .read(move |r| r.get::<Account>(key))
        .await
        .expect("read")
        .expect("account exists")
}
