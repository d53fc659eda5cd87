//! Embedded static files with ETags and long cache lifetimes.

use poem::http::{StatusCode, header};
use poem::web::Path;
use poem::{Request, Response, handler};
use rust_embed::RustEmbed;

#[derive(RustEmbed)]
#[folder = "assets/"]
#[exclude = "common-passwords*"]
#[exclude = "holidays-jp*"]
#[exclude = "terms.txt"]
#[exclude = "*.md"]
pub struct Assets;

/// `/assets/<path>?v=<hash>`: views link with the content hash, so a year of caching is
/// safe under that URL. Asked for without it (or with another), the file is revalidated
/// each time (`no-cache`, with its ETag): an upgrade must never leave a browser with an old
/// file under a new page.
#[handler]
pub fn serve(Path(path): Path<String>, req: &Request) -> Response {
    let Some(file) = Assets::get(&path) else {
        return Response::builder()
            .status(StatusCode::NOT_FOUND)
            .body("not found");
    };
    let hash = hex::encode(&file.metadata.sha256_hash()[..6]);
    let named = req.uri().query().is_some_and(|q| {
        q.split('&')
            .any(|pair| pair.strip_prefix("v=") == Some(&hash))
    });
    let cache = if named {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    let etag = format!("\"{}\"", hex::encode(&file.metadata.sha256_hash()[..16]));
    if req.header(header::IF_NONE_MATCH) == Some(etag.as_str()) {
        return Response::builder()
            .status(StatusCode::NOT_MODIFIED)
            .header(header::ETAG, etag)
            .finish();
    }
    Response::builder()
        .header(header::CONTENT_TYPE, file.metadata.mimetype())
        .header(header::ETAG, etag)
        .header(header::CACHE_CONTROL, cache)
        .body(file.data.into_owned())
}

/// The stylesheets of every page, in cascade order (each linked with its hash: a sheet
/// pulled in by `@import` could not name its content and would be cached as it was).
pub const STYLESHEETS: [&str; 4] = [
    "vendor/digital-go-jp-tokens.css",
    "kenpo-console.css",
    "kenpo-tables.css",
    "kenpo.css",
];

/// The URL of an asset with its content hash, for views.
pub fn url(path: &str) -> String {
    match Assets::get(path) {
        Some(file) => format!(
            "/assets/{path}?v={}",
            hex::encode(&file.metadata.sha256_hash()[..6])
        ),
        None => format!("/assets/{path}"),
    }
}
