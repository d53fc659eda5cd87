//! The CSRF token of an upload form sent without JavaScript: a multipart form cannot set
//! a header, and the URL is no place for a token (logs, history, `Referer`). The form's
//! hidden `csrf` input comes before its file input, and browsers send the parts in
//! document order, so the token is the first part. Only that part is read here, at most
//! [`FIRST_PART_LIMIT`] bytes; what was read goes back in front of the rest of the body,
//! which the handler (or the upload limit) then reads as before.

use poem::http::header;
use poem::{Body, Request};
use tokio::io::AsyncReadExt as _;

use crate::web::csrf;
use crate::web::staff::multipart;

/// Enough for the first part's headers and a token; a first part that does not end
/// within it is not the token.
const FIRST_PART_LIMIT: usize = 4096;

/// The value of the body's first part if it is the `csrf` field; `None` otherwise.
pub(super) async fn first_part(req: &mut Request) -> Option<String> {
    let content_type = req.header(header::CONTENT_TYPE)?.to_string();
    let delimiter = format!("--{}", multipart::boundary(&content_type)?);
    let mut rest = req.take_body().into_async_read();
    let mut read = Vec::with_capacity(FIRST_PART_LIMIT);
    let mut chunk = [0u8; 1024];
    let end = loop {
        if let Some(end) = first_part_end(&read, &delimiter) {
            break Some(end);
        }
        let room = FIRST_PART_LIMIT.saturating_sub(read.len()).min(chunk.len());
        let n = match rest.read(&mut chunk[..room]).await {
            Ok(n) if room > 0 => n,
            _ => 0,
        };
        if n == 0 {
            break None;
        }
        read.extend_from_slice(&chunk[..n]);
    };
    let token = end
        .and_then(|end| multipart::field(&content_type, &read[..end], csrf::FIELD))
        .and_then(|(_, value)| String::from_utf8(value).ok());
    // The body again, whole: what was read, then what was not.
    req.set_body(Body::from_async_read(
        std::io::Cursor::new(read).chain(rest),
    ));
    token
}

/// Where the first part ends, its closing delimiter included (so that
/// [`multipart::field`] sees that part and no other), once it is all in `read`.
fn first_part_end(read: &[u8], delimiter: &str) -> Option<usize> {
    let find = |needle: &[u8], from: usize| {
        read.get(from..)?
            .windows(needle.len())
            .position(|w| w == needle)
            .map(|i| i + from)
    };
    let start = find(delimiter.as_bytes(), 0)? + delimiter.len();
    let closing = format!("\r\n{delimiter}");
    let end = find(closing.as_bytes(), start)?;
    Some(end + closing.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(body: &'static [u8]) -> Request {
        Request::builder()
            .header(header::CONTENT_TYPE, "multipart/form-data; boundary=XyZ")
            .body(body)
    }

    #[tokio::test]
    async fn reads_the_first_part_only_and_puts_the_body_back_whole() {
        let body: &[u8] = b"--XyZ\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\ntok\r\n--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"m.csv\"\r\n\r\na,b\r\n--XyZ--\r\n";
        let mut req = request(body);
        assert_eq!(first_part(&mut req).await.as_deref(), Some("tok"));
        let again = req.take_body().into_vec().await.expect("body");
        assert_eq!(again, body);
    }

    #[tokio::test]
    async fn a_token_after_the_file_or_a_first_part_too_long_is_not_read() {
        let later: &[u8] = b"--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"m.csv\"\r\n\r\na,b\r\n--XyZ\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\ntok\r\n--XyZ--\r\n";
        let mut req = request(later);
        assert_eq!(first_part(&mut req).await, None);
        assert_eq!(req.take_body().into_vec().await.expect("body"), later);
        let long: &'static [u8] = Box::leak(
            [
                b"--XyZ\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n".as_slice(),
                &[b'a'; 8000],
                b"\r\n--XyZ--\r\n",
            ]
            .concat()
            .into_boxed_slice(),
        );
        let mut req = request(long);
        assert_eq!(first_part(&mut req).await, None);
        assert_eq!(req.take_body().into_vec().await.expect("body"), long);
    }
}
