//! Just enough multipart/form-data (RFC 7578) for one uploaded file: the security stack
//! has already read the body within the upload limit.

/// The boundary of a `multipart/form-data` content type.
pub fn boundary(content_type: &str) -> Option<String> {
    let (kind, params) = content_type.split_once(';')?;
    if !kind.trim().eq_ignore_ascii_case("multipart/form-data") {
        return None;
    }
    params
        .split(';')
        .find_map(|p| {
            let (k, v) = p.trim().split_once('=')?;
            k.trim()
                .eq_ignore_ascii_case("boundary")
                .then(|| v.trim().trim_matches('"').to_string())
        })
        .filter(|b| !b.is_empty() && b.len() <= 70)
}

fn find(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    hay.get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|i| i + from)
}

fn param<'a>(disposition: &'a str, name: &str) -> Option<&'a str> {
    disposition.split(';').find_map(|p| {
        let (k, v) = p.trim().split_once('=')?;
        (k.trim() == name).then(|| v.trim().trim_matches('"'))
    })
}

/// The content of the form field `name` (and its file name), if present.
pub fn field(content_type: &str, body: &[u8], name: &str) -> Option<(String, Vec<u8>)> {
    let delimiter = format!("--{}", boundary(content_type)?);
    let mut at = find(body, delimiter.as_bytes(), 0)? + delimiter.len();
    loop {
        if body.get(at..at + 2) == Some(b"--") {
            return None;
        }
        let headers_start = at + 2;
        let headers_end = find(body, b"\r\n\r\n", headers_start)?;
        let next = find(body, format!("\r\n{delimiter}").as_bytes(), headers_end + 4)?;
        let headers = String::from_utf8_lossy(&body[headers_start..headers_end]);
        let disposition = headers.lines().find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.trim()
                .eq_ignore_ascii_case("content-disposition")
                .then_some(v)
        });
        if let Some(d) = disposition
            && param(d, "name") == Some(name)
        {
            let file_name = param(d, "filename").unwrap_or_default().to_string();
            return Some((file_name, body[headers_end + 4..next].to_vec()));
        }
        at = next + 2 + delimiter.len();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_file_among_other_fields() {
        let ct = "multipart/form-data; boundary=XyZ";
        let body = b"--XyZ\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\ntok\r\n--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"m.csv\"\r\nContent-Type: text/csv\r\n\r\na,b\r\n1,2\r\n\r\n--XyZ--\r\n";
        let (name, bytes) = field(ct, body, "file").expect("file");
        assert_eq!(name, "m.csv");
        assert_eq!(bytes, b"a,b\r\n1,2\r\n");
        assert_eq!(field(ct, body, "csrf").expect("csrf").1, b"tok");
        assert!(field(ct, body, "none").is_none());
        assert!(field("text/plain", body, "file").is_none());
    }
}
