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

/// `/assets/<path>?v=<hash>`: views link with the content hash, so a year of caching is safe.
#[handler]
pub fn serve(Path(path): Path<String>, req: &Request) -> Response {
    let Some(file) = Assets::get(&path) else {
        return Response::builder()
            .status(StatusCode::NOT_FOUND)
            .body("not found");
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
        .header(header::CACHE_CONTROL, "public, max-age=31536000, immutable")
        .body(file.data.into_owned())
}

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
