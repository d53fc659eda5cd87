//! What a state-changing request must bring before a handler sees it: a CSRF token (in
//! the header, a urlencoded field, or for uploads the first multipart part), a body within
//! its limit, and for uploads a staff cookie; and the client's address behind trusted
//! proxies.

use poem::http::{StatusCode, header};
use poem::{Request, Response};

use super::upload_token;
use crate::web::{
    BENEFITS_UPLOAD_PATH, BODY_LIMIT, CLAIMS_UPLOAD_LIMIT, CLAIMS_UPLOAD_PATH, MEMBERS_UPLOAD_PATH,
    UPLOAD_LIMIT, csrf, views,
};

/// Refuses a state change without the CSRF token `expected` (of this session and of a CSRF
/// cookie the browser already had) or with a body over its limit; puts the read body back
/// for the handler. An upload is refused unless a live staff session came with it
/// (`staff_session`) before any byte of its body is read; then only its first part is read
/// for the token, and the rest is left for its route.
pub(super) async fn check_state_change(
    req: &mut Request,
    expected: &str,
    had_cookie: bool,
    staff_session: bool,
    request_id: &str,
) -> Result<(), Response> {
    let valid =
        |token: Option<String>| had_cookie && token.is_some_and(|t| csrf::matches(expected, &t));
    if let Some(limit) = upload_limit(req) {
        // Nobody without a live staff session gets a byte of an upload read: not even
        // the token's part.
        if !staff_session {
            tracing::warn!("refused an upload without a live staff session");
            return Err(views::error::forbidden(request_id));
        }
        let announced = req
            .header(header::CONTENT_LENGTH)
            .and_then(|n| n.parse::<u64>().ok());
        if announced.is_some_and(|n| n > limit) {
            return Err(views::error::page(
                StatusCode::PAYLOAD_TOO_LARGE,
                request_id,
            ));
        }
        // The token comes in the header (htmx) or, without JS, in the form's first part:
        // only that part is read to check it, before any byte of the file.
        let token = match req.header(csrf::HEADER) {
            Some(header) => Some(header.to_string()),
            None => upload_token::first_part(req).await,
        };
        if !valid(token) {
            tracing::warn!("refused an upload without a valid CSRF token");
            return Err(views::error::forbidden(request_id));
        }
        // Not a byte of the body is read here: the upload routes check the staff session
        // and role first, then stream the file to disk within the limit
        // (`web::staff::upload`).
    } else {
        // Every other body is a small form: read it whole, within the limit (an announced
        // larger one is refused without waiting for it).
        let announced = req
            .header(header::CONTENT_LENGTH)
            .and_then(|n| n.parse::<u64>().ok());
        if announced.is_some_and(|n| n > BODY_LIMIT as u64) {
            return Err(views::error::page(
                StatusCode::PAYLOAD_TOO_LARGE,
                request_id,
            ));
        }
        let body = read_body(req, BODY_LIMIT, request_id).await?;
        let token = match req.header(csrf::HEADER) {
            Some(token) => Some(token.to_string()),
            None => form_token(req, body.as_ref()),
        };
        req.set_body(body);
        if !valid(token) {
            tracing::warn!("refused a state change without a valid CSRF token");
            return Err(views::error::forbidden(request_id));
        }
    }
    Ok(())
}

/// The body limit of a multipart upload to one of the staff import paths (exact paths
/// only); `None` for every other request.
fn upload_limit(req: &Request) -> Option<u64> {
    let multipart = req
        .header(header::CONTENT_TYPE)
        .is_some_and(|ct| ct.starts_with("multipart/form-data"));
    match req.uri().path() {
        _ if !multipart => None,
        CLAIMS_UPLOAD_PATH | BENEFITS_UPLOAD_PATH => Some(CLAIMS_UPLOAD_LIMIT),
        MEMBERS_UPLOAD_PATH => Some(UPLOAD_LIMIT as u64),
        _ => None,
    }
}

async fn read_body(
    req: &mut Request,
    limit: usize,
    request_id: &str,
) -> Result<impl AsRef<[u8]> + Into<poem::Body> + use<>, Response> {
    req.take_body()
        .into_bytes_limit(limit)
        .await
        .map_err(|_| views::error::page(StatusCode::PAYLOAD_TOO_LARGE, request_id))
}

/// The client's address: the peer, or, when the peer is a trusted proxy, the right-most
/// address in `X-Forwarded-For` that is not itself a trusted proxy.
pub(super) fn client_address(
    req: &Request,
    trusted: &[std::net::IpAddr],
) -> Option<std::net::IpAddr> {
    let peer = req.remote_addr().as_socket_addr().map(|a| a.ip())?;
    if !trusted.contains(&peer) {
        return Some(peer);
    }
    let hops: Vec<std::net::IpAddr> = req
        .headers()
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|hop| hop.trim().parse().ok())
        .collect();
    Some(
        hops.into_iter()
            .rev()
            .find(|ip| !trusted.contains(ip))
            .unwrap_or(peer),
    )
}

/// The `csrf` field of a urlencoded body.
fn form_token(req: &Request, body: &[u8]) -> Option<String> {
    let is_form = req
        .header(header::CONTENT_TYPE)
        .is_some_and(|ct| ct.starts_with("application/x-www-form-urlencoded"));
    if !is_form {
        return None;
    }
    csrf::field_from_form(body)
}
