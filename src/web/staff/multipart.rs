//! Just enough multipart/form-data (RFC 7578) for one uploaded file: [`spool_field`]
//! streams its content to a file as the body arrives, within a limit.

use tokio::io::{AsyncRead, AsyncReadExt as _, AsyncWrite, AsyncWriteExt as _};

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

/// Why a streamed upload was not kept.
#[derive(Debug, thiserror::Error)]
pub enum SpoolError {
    #[error("the body exceeds the upload limit")]
    TooLarge,
    #[error("not a multipart body")]
    Malformed,
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

/// Headers of one part longer than this are refused.
const MAX_PART_HEADERS: usize = 16 * 1024;

struct Incoming<R> {
    reader: R,
    buf: Vec<u8>,
    read: u64,
    limit: u64,
}

impl<R: AsyncRead + Unpin> Incoming<R> {
    /// Reads more of the body; `false` at its end.
    async fn fill(&mut self) -> Result<bool, SpoolError> {
        let mut chunk = [0u8; 64 * 1024];
        let n = self.reader.read(&mut chunk).await?;
        self.read += n as u64;
        if self.read > self.limit {
            return Err(SpoolError::TooLarge);
        }
        self.buf.extend_from_slice(&chunk[..n]);
        Ok(n > 0)
    }

    /// Waits until `needle` is in the buffer; returns its position.
    async fn find(&mut self, needle: &[u8], max: usize) -> Result<usize, SpoolError> {
        loop {
            if let Some(i) = find(&self.buf, needle, 0) {
                return Ok(i);
            }
            if self.buf.len() > max || !self.fill().await? {
                return Err(SpoolError::Malformed);
            }
        }
    }

    /// Passes the part's content to `out` (or drops it) up to the next delimiter, which
    /// is consumed; returns the bytes passed.
    async fn content<W: AsyncWrite + Unpin>(
        &mut self,
        delimiter: &[u8],
        mut out: Option<&mut W>,
    ) -> Result<u64, SpoolError> {
        let mut passed = 0u64;
        loop {
            let (end, found) = match find(&self.buf, delimiter, 0) {
                Some(i) => (i, true),
                // Keep what could be the start of a delimiter split across reads.
                None => (self.buf.len().saturating_sub(delimiter.len() - 1), false),
            };
            if let Some(out) = out.as_mut() {
                out.write_all(&self.buf[..end]).await?;
            }
            passed += end as u64;
            if found {
                self.buf.drain(..end + delimiter.len());
                return Ok(passed);
            }
            self.buf.drain(..end);
            if !self.fill().await? {
                return Err(SpoolError::Malformed);
            }
        }
    }
}

/// Streams the content of the form field `name` into `out`, reading at most `limit` bytes
/// of body. Returns the field's file name and size, or `None` if the body has no such field.
pub async fn spool_field<R, W>(
    body: R,
    content_type: &str,
    name: &str,
    limit: u64,
    out: &mut W,
) -> Result<Option<(String, u64)>, SpoolError>
where
    R: AsyncRead + Unpin,
    W: AsyncWrite + Unpin,
{
    let boundary = boundary(content_type).ok_or(SpoolError::Malformed)?;
    let first = format!("--{boundary}");
    let delimiter = format!("\r\n--{boundary}");
    let mut body = Incoming {
        reader: body,
        buf: Vec::new(),
        read: 0,
        limit,
    };
    let at = body.find(first.as_bytes(), MAX_PART_HEADERS).await?;
    body.buf.drain(..at + first.len());
    let mut found = None;
    loop {
        while body.buf.len() < 2 {
            if !body.fill().await? {
                return Err(SpoolError::Malformed);
            }
        }
        if body.buf.starts_with(b"--") {
            out.flush().await?;
            return Ok(found);
        }
        let end = body.find(b"\r\n\r\n", MAX_PART_HEADERS).await?;
        let headers = String::from_utf8_lossy(body.buf.get(2..end).unwrap_or_default());
        let disposition = headers.lines().find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.trim()
                .eq_ignore_ascii_case("content-disposition")
                .then(|| v.to_string())
        });
        body.buf.drain(..end + 4);
        let wanted = found.is_none()
            && disposition
                .as_deref()
                .is_some_and(|d| param(d, "name") == Some(name));
        if wanted {
            let file_name = disposition
                .as_deref()
                .and_then(|d| param(d, "filename"))
                .unwrap_or_default()
                .to_string();
            let size = body.content(delimiter.as_bytes(), Some(&mut *out)).await?;
            found = Some((file_name, size));
        } else {
            body.content::<W>(delimiter.as_bytes(), None).await?;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn spool(
        body: &[u8],
        limit: u64,
    ) -> Result<(Option<(String, u64)>, Vec<u8>), SpoolError> {
        let mut out = Vec::new();
        let got = spool_field(
            body,
            "multipart/form-data; boundary=XyZ",
            "file",
            limit,
            &mut out,
        )
        .await?;
        Ok((got, out))
    }

    #[tokio::test]
    async fn streams_the_file_field_whatever_the_read_sizes() {
        let mut content = Vec::new();
        for n in 0..30_000 {
            content
                .extend_from_slice(format!("row {n}\r\n-- not a delimiter --XyZ\r\n").as_bytes());
        }
        let mut body = b"preamble\r\n--XyZ\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\ntok\r\n--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"c.csv\"\r\n\r\n".to_vec();
        body.extend_from_slice(&content);
        body.extend_from_slice(b"\r\n--XyZ--\r\n");
        let (got, out) = spool(&body, 10_000_000).await.expect("spooled");
        assert_eq!(got, Some(("c.csv".to_string(), content.len() as u64)));
        assert!(out == content, "the content passes unchanged");
        assert!(matches!(
            spool(&body, 1000).await,
            Err(SpoolError::TooLarge)
        ));
        let (none, _) = spool(
            b"--XyZ\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\n1\r\n--XyZ--",
            1000,
        )
        .await
        .expect("parsed");
        assert_eq!(none, None);
        assert!(matches!(
            spool(
                b"--XyZ\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\nno end",
                1000
            )
            .await,
            Err(SpoolError::Malformed)
        ));
    }
}
