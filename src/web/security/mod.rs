//! One place for security: request id, CSRF, cross-site refusal, sessions, headers,
//! cache policy, body limit, panics and error pages.

mod elsewhere;
mod input;
mod log_path;
mod sessions;
mod upload_token;

use std::sync::Arc;

use poem::http::{HeaderValue, Method, StatusCode, header};
use poem::middleware::{CatchPanic, PanicHandler};
use poem::{Endpoint, EndpointExt as _, IntoResponse as _, Request, Response};
use rand::Rng as _;
use tracing::Instrument as _;

use super::ctx::Ctx;
use super::{AppState, csrf, views};
use crate::auth::tokens::random_token;
use crate::settings::{SETTINGS, UnionSettings};
use crate::web::session::{cookie_name, set_cookie};
use sessions::is_staff_path;

pub const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

const PANIC_MARKER: &str = "x-kenpo-panic";

#[derive(Clone)]
struct MarkPanic;

impl PanicHandler for MarkPanic {
    type Response = Response;

    fn get_response(&self, _err: Box<dyn std::any::Any + Send + 'static>) -> Response {
        Response::builder()
            .status(StatusCode::INTERNAL_SERVER_ERROR)
            .header(PANIC_MARKER, "1")
            .finish()
    }
}

pub fn stack(app: impl Endpoint + 'static, state: Arc<AppState>) -> impl Endpoint {
    let shared = state.clone();
    app.with(CatchPanic::new().with_handler(MarkPanic))
        .data(state)
        .around(move |next, req| {
            let state = shared.clone();
            async move { Ok(handle(&next, req, &state).await) }
        })
}

fn cookie(req: &Request, name: &str) -> Option<String> {
    let raw = req.header(header::COOKIE)?;
    raw.split(';').map(str::trim).find_map(|pair| {
        let (k, v) = pair.split_once('=')?;
        (k == name && !v.is_empty()).then(|| v.to_string())
    })
}

/// Pages members use: closed during maintenance (staff pages, health and assets stay up).
fn is_member_path(path: &str) -> bool {
    !(is_staff_path(path) || path == "/healthz" || path.starts_with("/assets/"))
}

fn is_safe(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// Every line logged while the request is served carries its id: the span is attached to
/// the request's future (`instrument`), so it follows it across `.await` and never lands on
/// another request's lines.
async fn handle<E: Endpoint>(next: &E, req: Request, state: &AppState) -> Response {
    let request_id = format!("{:08x}", rand::rng().random::<u32>());
    let span = tracing::info_span!("request", id = %request_id);
    serve(next, req, state, request_id).instrument(span).await
}

async fn serve<E: Endpoint>(
    next: &E,
    mut req: Request,
    state: &AppState,
    request_id: String,
) -> Response {
    let started = std::time::Instant::now();
    let method = req.method().clone();
    let path = req.uri().path().to_string();
    let is_asset = path.starts_with("/assets/") || path == "/healthz";
    let htmx = req.header("hx-request").is_some();
    let here = req
        .uri()
        .path_and_query()
        .map_or_else(|| path.clone(), |p| p.to_string());

    let mut response = match prepare(&mut req, state, &request_id, htmx).await {
        Ok(new_csrf_cookie) => {
            let mut resp = match next.call(req).await {
                Ok(resp) => resp.into_response(),
                Err(err) => error_response(err, &request_id),
            };
            if let Some(value) = new_csrf_cookie {
                append_header(
                    &mut resp,
                    header::SET_COOKIE,
                    &set_cookie(state, csrf::COOKIE, &value, "/", None),
                );
            }
            resp
        }
        Err(resp) => resp,
    };
    if htmx {
        sessions::navigate_whole_page_on_session_change(&mut response, state, &method, &here);
    }
    if response.headers().contains_key(PANIC_MARKER) {
        tracing::error!("a handler panicked");
        response = views::error::page(StatusCode::INTERNAL_SERVER_ERROR, &request_id);
    }
    if response
        .headers_mut()
        .remove(views::error::WHOLE_PAGE_MARKER)
        .is_some()
        && htmx
    {
        let headers = response.headers_mut();
        headers.insert("hx-retarget", HeaderValue::from_static("body"));
        headers.insert("hx-reswap", HeaderValue::from_static("innerHTML"));
    }
    secure_headers(&mut response, is_asset, state.secure_cookies(), &request_id);
    let path = log_path::logged_path(&path);
    tracing::info!(%method, %path, status = response.status().as_u16(), ms = started.elapsed().as_millis() as u64, "served");
    response
}

/// Checks cross-site, loads the settings and the sessions, checks CSRF (the token is bound
/// to the session), and stores the `Ctx`. Returns the value of a new CSRF cookie to set, if
/// the browser had none.
async fn prepare(
    req: &mut Request,
    state: &AppState,
    request_id: &str,
    htmx: bool,
) -> Result<Option<String>, Response> {
    let now = state.clock.now();
    let safe = is_safe(req.method());
    if !safe && req.header("sec-fetch-site") == Some("cross-site") {
        tracing::warn!("refused a cross-site state change");
        return Err(views::error::forbidden(request_id));
    }
    if let Some(landing) =
        elsewhere::landing_for(req.uri().path(), req.header("sec-fetch-site")).filter(|_| safe)
    {
        tracing::info!("a link from another site was sent to the first page of its area");
        return Err(crate::web::respond::see_other(landing));
    }
    let (csrf_cookie, new_cookie) = match cookie(req, &cookie_name(state, csrf::COOKIE)) {
        Some(v) => (v, None),
        None => {
            let v = random_token();
            (v.clone(), Some(v))
        }
    };
    let (settings, one_offs) = state
        .store
        .read(move |r| {
            let settings = r.get::<UnionSettings>(SETTINGS)?.unwrap_or_default();
            let one_offs = crate::maintenance::upcoming_one_offs(r, now)?;
            Ok::<_, anyhow::Error>((settings, one_offs))
        })
        .await
        .map_err(|e| {
            tracing::error!("cannot read settings: {e:#}");
            views::error::page(StatusCode::INTERNAL_SERVER_ERROR, request_id)
        })?;
    let one_offs: Vec<_> = one_offs.into_iter().map(|(_, w)| w).collect();
    let maintenance = crate::maintenance::state(&settings.maintenance, &one_offs, now);
    if let Some(window) = maintenance
        .current
        .filter(|_| is_member_path(req.uri().path()))
    {
        return Err(views::error::maintenance(&window, now, request_id));
    }
    let sessions = sessions::Sessions::load(req, state, &settings, now).await;
    let csrf_token = csrf::token_for(&state.csrf_key, sessions.bound_key(), &csrf_cookie);
    if !safe {
        let had_cookie = new_cookie.is_none();
        let checked = input::check_state_change(
            req,
            &csrf_token,
            had_cookie,
            sessions.staff.is_some(),
            request_id,
        )
        .await;
        if let Err(refusal) = checked {
            let expired = (refusal.status() == StatusCode::FORBIDDEN)
                .then(|| sessions.expired_refusal(htmx))
                .flatten();
            return Err(expired.unwrap_or(refusal));
        }
    }
    let ctx = Ctx {
        request_id: request_id.to_string(),
        csrf_token,
        csrf_cookie,
        // A history restore (back button after hx-push-url, with no history cache) swaps
        // the answer into <body>: it needs the whole page, not the <main> fragment.
        htmx: req.header("hx-request").is_some()
            && req.header("hx-history-restore-request").is_none(),
        now,
        client: input::client_address(req, &state.trusted_proxies).map(|ip| ip.to_string()),
        member_session_expired: sessions.member_expired,
        member_session: sessions.member,
        staff_session: sessions.staff,
        settings,
        maintenance,
    };
    req.extensions_mut().insert(ctx);
    Ok(new_cookie)
}

fn error_response(err: poem::Error, request_id: &str) -> Response {
    let status = err.status();
    if status == StatusCode::NOT_FOUND || status == StatusCode::METHOD_NOT_ALLOWED {
        return views::error::not_found(request_id);
    }
    if status == StatusCode::PAYLOAD_TOO_LARGE || status == StatusCode::SERVICE_UNAVAILABLE {
        return views::error::page(status, request_id);
    }
    if status.is_client_error() {
        tracing::info!("bad request: {err}");
        return views::error::page(StatusCode::BAD_REQUEST, request_id);
    }
    tracing::error!("unexpected error: {err:#}");
    views::error::page(StatusCode::INTERNAL_SERVER_ERROR, request_id)
}

fn append_header(resp: &mut Response, name: header::HeaderName, value: &str) {
    if let Ok(v) = HeaderValue::from_str(value) {
        resp.headers_mut().append(name, v);
    }
}

/// HSTS when served over HTTPS: two years, subdomains of the portal's host included, not
/// preloaded (a union may still need plain HTTP on its parent domain).
const HSTS: &str = "max-age=63072000; includeSubDomains";

fn secure_headers(resp: &mut Response, is_asset: bool, https: bool, request_id: &str) {
    let headers = resp.headers_mut();
    // A handler may choose a stricter policy (recovery pages: `no-referrer`).
    headers
        .entry(header::REFERRER_POLICY)
        .or_insert(HeaderValue::from_static("same-origin"));
    let fixed = [
        (header::CONTENT_SECURITY_POLICY, CSP),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (
            header::HeaderName::from_static("cross-origin-opener-policy"),
            "same-origin",
        ),
        (
            header::HeaderName::from_static("permissions-policy"),
            "camera=(), microphone=(), geolocation=()",
        ),
    ];
    for (name, value) in fixed {
        headers.insert(name, HeaderValue::from_static(value));
    }
    if https {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static(HSTS),
        );
    }
    if !is_asset {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        headers.insert(header::VARY, HeaderValue::from_static("HX-Request"));
    }
    if let Ok(v) = HeaderValue::from_str(request_id) {
        headers.insert("x-request-id", v);
    }
}

#[cfg(test)]
mod cookie_fuzz;
