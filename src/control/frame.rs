//! The control protocol's framing: one JSON object per line, a line at most
//! [`MAX_LINE`] bytes. Decoding never trusts the peer: a line that is too long, not UTF-8,
//! not JSON or not a known message is an error, never a panic.

use std::io::{BufRead, Read as _};

use anyhow::Context as _;

use super::{Event, Held, Request};

/// The longest line either side accepts (a request names at most a few thousand
/// households; an event is a progress line or a message).
pub const MAX_LINE: u64 = 1 << 20;

/// The next line without its `\n`; `None` at the end of the stream.
pub(super) fn read_line(reader: &mut impl BufRead) -> anyhow::Result<Option<Vec<u8>>> {
    let mut line = Vec::new();
    let n = reader
        .take(MAX_LINE + 1)
        .read_until(b'\n', &mut line)
        .context("read a control message")?;
    if n == 0 {
        return Ok(None);
    }
    if line.last() != Some(&b'\n') {
        if line.len() as u64 > MAX_LINE {
            anyhow::bail!("a control message longer than {MAX_LINE} bytes");
        }
        anyhow::bail!("a control message cut off before its end");
    }
    line.pop();
    Ok(Some(line))
}

pub(super) fn decode_request(line: &[u8]) -> anyhow::Result<Request> {
    serde_json::from_slice(line).context("bad control request")
}

pub(super) fn decode_event(line: &[u8]) -> anyhow::Result<Event> {
    serde_json::from_slice(line).context("bad event from server")
}

pub(super) fn decode_held(line: &[u8]) -> anyhow::Result<Held> {
    serde_json::from_slice(line).context("bad answer to a file from the command line")
}

/// A message as one line.
pub(super) fn encode(message: &impl serde::Serialize) -> anyhow::Result<Vec<u8>> {
    let mut line = serde_json::to_vec(message).context("encode a control message")?;
    line.push(b'\n');
    Ok(line)
}
