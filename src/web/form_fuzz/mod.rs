//! Hostile form posts through the whole web stack, in process (issue #11, item 4): every
//! form of the member, recovery and staff pages, found by reading the pages themselves,
//! gets arbitrary bodies, its own fields with wild values (missing, repeated, extra, wrong
//! content type) and edited bytes, with a valid CSRF token so that the parsing is reached.
//! No answer may be a server error.
//!
//! Test code only (`#[cfg(test)] mod form_fuzz` in `web/mod.rs`): its `expect`s are on the
//! test's own setup, where a failure should stop the test.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use chrono::{TimeZone as _, Utc};
use poem::http::{Method, StatusCode, header};
use poem::{Endpoint as _, Request};
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;

mod multipart;
mod setup;

use setup::{csrf_of, forms_of, populate, sessions};

use super::{AppState, routes, session};
use crate::auth::model::Session;
use crate::auth::tokens::token_digest;
use crate::clock::ManualClock;
use crate::fuzzing::{config, ensure, run};
use crate::jobs;
use crate::store::Store;

/// Who is logged in when a form is posted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Who {
    Nobody,
    Member,
    Staff,
}

const PAGES: &[(Who, &str)] = &[
    (Who::Nobody, "/"),
    (Who::Nobody, "/forgot-id"),
    (Who::Nobody, "/forgot-password"),
    (Who::Nobody, "/staff/login"),
    (Who::Member, "/menu/profile"),
    (Who::Member, "/menu/password"),
    (Who::Staff, "/staff/settings"),
    (Who::Staff, "/staff/notices/new"),
    (Who::Staff, "/staff/accounts"),
    (Who::Staff, "/staff/maintenance"),
    (Who::Staff, "/staff/postcards"),
    (Who::Staff, "/staff/totp"),
    (Who::Staff, "/staff/outbox"),
];

/// A form found on a page: who posts it, where, and its field names.
#[derive(Debug, Clone)]
struct Form {
    who: Who,
    action: String,
    fields: Vec<String>,
}

/// A field value: plausible, wrong, huge-ish or full of structure.
fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => "[a-z0-9._@-]{0,16}",
        2 => "\\PC{0,16}",
        1 => "[0-9]{0,10}",
        1 => prop::sample::select(vec![
            "", "0", "-1", "on", "true", "admin", "clerk", "yamada01", "19760418", "06131114",
            "2026-11-02", "21:00", "99999999999999999999", "%", "%zz", "&", "=", "+", "\u{0}",
        ]).prop_map(str::to_string),
        1 => "[%&=+;]{1,4}[a-z]{0,3}",
    ]
}

#[derive(Debug, Clone)]
struct Case {
    form: usize,
    mode: u8,
    values: Vec<(u8, String)>,
    extra: String,
    bytes: Vec<u8>,
    htmx: bool,
}

fn case() -> impl Strategy<Value = Case> {
    (
        any::<usize>(),
        any::<u8>(),
        prop::collection::vec((any::<u8>(), value()), 12),
        value(),
        prop::collection::vec(any::<u8>(), 0..200),
        any::<bool>(),
    )
        .prop_map(|(form, mode, values, extra, bytes, htmx)| Case {
            form,
            mode,
            values,
            extra,
            bytes,
            htmx,
        })
}

/// The body and content type of a case.
fn body(form: &Form, case: &Case) -> (Vec<u8>, &'static str) {
    let urlencoded = "application/x-www-form-urlencoded";
    if case.mode.is_multiple_of(4) {
        return (case.bytes.clone(), urlencoded);
    }
    let mut fields = url::form_urlencoded::Serializer::new(String::new());
    for (name, (how, v)) in form.fields.iter().zip(&case.values) {
        match how % 8 {
            0 => {}
            1 => {
                fields.append_pair(name, v);
                fields.append_pair(name, &case.extra);
            }
            _ => {
                fields.append_pair(name, v);
            }
        }
    }
    if case.mode % 5 == 1 {
        fields.append_pair(&case.extra, "x");
    }
    let mut bytes = fields.finish().into_bytes();
    if case.mode % 4 == 1
        && let Some(&b) = case.bytes.first()
    {
        let at = usize::from(b) % (bytes.len() + 1);
        bytes.splice(at..at, case.bytes.iter().skip(1).take(3).copied());
    }
    let content_type = match case.mode % 7 {
        0 => "text/plain",
        1 => "multipart/form-data; boundary=x",
        _ => urlencoded,
    };
    (bytes, content_type)
}

#[test]
fn every_form_survives_hostile_posts() {
    let dir = tempfile::tempdir().expect("dir");
    let now = Utc
        .with_ymd_and_hms(2026, 11, 2, 1, 0, 0)
        .single()
        .expect("time");
    let store = Store::open(&dir.path().join("kenpo.redb")).expect("store");
    populate(&store, now);
    let csrf_key = store
        .write_blocking(jobs::ensure_secrets)
        .expect("secrets")
        .csrf_key
        .into_bytes();
    let state = Arc::new(AppState {
        store: store.clone(),
        audit: crate::audit::GroupCommit::start(store.clone()).expect("audit writer"),
        clock: Arc::new(ManualClock::new(now)),
        base_url: "http://127.0.0.1:8080".into(),
        csrf_key,
        mail_wake: Arc::new(tokio::sync::Notify::new()),
        claim_imports: Default::default(),
        trusted_proxies: Vec::new(),
        hasher: Default::default(),
    });
    let app = routes(state);
    // A paused clock: the fixed pace of login and recovery answers passes at once (the
    // injected ManualClock, not this one, decides expiry and throttling).
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .start_paused(true)
        .build()
        .expect("runtime");
    let call = |method: Method,
                path: &str,
                cookie: &str,
                csrf: Option<&str>,
                body: Option<(Vec<u8>, &str)>,
                htmx: bool| {
        let mut req = Request::builder()
            .method(method)
            .uri_str(path)
            .header(header::COOKIE, cookie);
        if let Some(token) = csrf {
            req = req.header(super::csrf::HEADER, token);
        }
        if htmx {
            req = req.header("hx-request", "true");
        }
        let req = match body {
            Some((bytes, content_type)) => {
                req.header(header::CONTENT_TYPE, content_type).body(bytes)
            }
            None => req.finish(),
        };
        rt.block_on(async { app.call(req).await.map(poem::IntoResponse::into_response) })
    };
    // One browser: a CSRF cookie, then a token per kind of visitor read from a page.
    let first = call(Method::GET, "/", "", None, None, false).expect("GET /");
    let csrf_cookie = first
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|v| v.split(';').next())
        .collect::<Vec<_>>()
        .join("; ");
    // Sessions and the CSRF token of each kind of visitor (tokens may be bound to the
    // session), made again when a case ended a session (a password change, say).
    let establish = || {
        let (member, staff) = sessions(&store, now);
        let mut visitors = Vec::new();
        for (who, session) in [
            (Who::Nobody, None),
            (Who::Member, Some((session::MEMBER_COOKIE, member))),
            (Who::Staff, Some((session::STAFF_COOKIE, staff))),
        ] {
            let cookie = match &session {
                Some((name, token)) => format!("{csrf_cookie}; {name}={token}"),
                None => csrf_cookie.clone(),
            };
            let page = PAGES.iter().find(|(w, _)| *w == who).map_or("/", |p| p.1);
            let resp = call(Method::GET, page, &cookie, None, None, false).expect("page");
            let html = rt.block_on(resp.into_body().into_string()).expect("html");
            let token = csrf_of(&html).expect("a csrf input");
            let digest = session.map(|(_, t)| token_digest(&t));
            visitors.push((who, cookie, token, digest));
        }
        visitors
    };
    let visitors = std::cell::RefCell::new(establish());
    let mut forms = Vec::new();
    for (who, page) in PAGES {
        let cookie = visitors
            .borrow()
            .iter()
            .find(|v| v.0 == *who)
            .map(|v| v.1.clone())
            .unwrap_or_default();
        let resp = call(Method::GET, page, &cookie, None, None, false).expect("page");
        assert_eq!(resp.status(), StatusCode::OK, "GET {page}");
        let html = rt.block_on(resp.into_body().into_string()).expect("html");
        forms.extend(forms_of(&html, *who, page));
    }
    assert!(
        forms.len() >= 12,
        "found only {} forms: {forms:?}",
        forms.len()
    );
    let refused = AtomicU64::new(0);
    let posted = AtomicU64::new(0);
    run("forms", config(file!(), 0.25), case(), |case| {
        let form = &forms[case.form % forms.len()];
        let alive = |digest: &Option<String>| {
            digest
                .as_ref()
                .is_none_or(|d| matches!(store.read_blocking(|r| r.get::<Session>(d)), Ok(Some(_))))
        };
        if !visitors.borrow().iter().all(|v| alive(&v.3)) {
            *visitors.borrow_mut() = establish();
        }
        let (cookie, token) = visitors
            .borrow()
            .iter()
            .find(|v| v.0 == form.who)
            .map(|v| (v.1.clone(), v.2.clone()))
            .unwrap_or_default();
        let resp = call(
            Method::POST,
            &form.action,
            &cookie,
            Some(&token),
            Some(body(form, &case)),
            case.htmx,
        )
        .map_err(|e| TestCaseError::fail(format!("{e}")))?;
        posted.fetch_add(1, Ordering::Relaxed);
        if resp.status() == StatusCode::FORBIDDEN {
            refused.fetch_add(1, Ordering::Relaxed);
        }
        ensure(resp.status() != StatusCode::INTERNAL_SERVER_ERROR, || {
            format!("500 from {} ({:?})", form.action, form.who)
        })
    });
    let (posted, refused) = (
        posted.load(Ordering::Relaxed),
        refused.load(Ordering::Relaxed),
    );
    assert!(
        refused * 2 < posted,
        "{refused} of {posted} posts were refused: the harness lost its session"
    );
}
