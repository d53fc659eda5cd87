use std::io::{BufReader, Read, Write as _};
use std::os::unix::net::UnixStream;
use std::path::Path;

use anyhow::Context as _;

use super::input::Announced;
use super::{Event, Held, Request, frame, socket_path};
use crate::jobs::{Job, JobError, JobIo, Spool};

/// Hands `job` to the server that owns `data`, relaying its events to `io`.
/// `input` is the file to send along (imports).
pub fn run_remote(
    data: &Path,
    job: Job,
    input: Option<&Path>,
    io: &mut dyn JobIo,
) -> Result<(), JobError> {
    let path = socket_path(data);
    let mut stream = UnixStream::connect(&path).map_err(|_| {
        JobError::User(format!(
            "the data file {} is open in another process, and its control socket {} does not answer",
            data.display(),
            path.display()
        ))
    })?;
    // The length is the open file's, and exactly that many bytes are sent: a file still
    // being written (an export in progress) is sent as it was when opened, never as a
    // prefix the server would take for the whole.
    let file = match input {
        Some(p) => {
            let file =
                std::fs::File::open(p).with_context(|| format!("cannot read {}", p.display()))?;
            let len = file
                .metadata()
                .with_context(|| format!("cannot read {}", p.display()))?
                .len();
            Some((file, len))
        }
        None => None,
    };
    let input_len = file.as_ref().map_or(0, |(_, len)| *len);
    let line = frame::encode(&Request {
        job,
        input_len,
        answers_output: true,
    })?;
    stream.write_all(&line).context("send request")?;
    if let Some((file, len)) = file {
        let sent = std::io::copy(&mut file.take(len), &mut stream).context("send file")?;
        if sent != len {
            return Err(JobError::User(format!(
                "the file became shorter while it was sent ({sent} of {len} bytes): nothing was imported; send it again once it is complete"
            )));
        }
    }
    let mut reader = BufReader::new(stream);
    loop {
        let Some(line) = frame::read_line(&mut reader).context("read from server")? else {
            return Err(JobError::Unexpected(anyhow::anyhow!(
                "the server closed the control connection"
            )));
        };
        match frame::decode_event(&line)? {
            Event::Progress { label, done, total } => io.progress(&label, done, total),
            Event::Say(text) => io.say(&text),
            Event::Output { len } => {
                // Under a name the server's start-up sweep knows (removed when dropped).
                let temp = Spool::beside_named(data, "received");
                // Exactly the announced bytes, held in memory until all have arrived (a
                // Ctrl-C while receiving leaves no part of a backup or of postcards on
                // disk); a server gone mid-file is an error before anything is written.
                receive(Announced::from_server(&mut reader, len), &temp.path)?;
                io.output_file(&temp.path)?;
                // Held: the job may now store what the file reports (a credential issue
                // commits its temporary IDs only after this). A server that cannot take the
                // answer is gone, or older and already done: the next line tells which.
                let held = frame::encode(&Held { len })?;
                let _ = reader.get_mut().write_all(&held);
            }
            Event::Done { ok: true, .. } => return Ok(()),
            Event::Done { ok: false, message } => {
                return Err(JobError::User(
                    message.unwrap_or_else(|| "the job failed".into()),
                ));
            }
        }
    }
}

fn receive(mut from: impl Read, temp: &Path) -> anyhow::Result<()> {
    let mut bytes = Vec::new();
    from.read_to_end(&mut bytes).context("receive the file")?;
    crate::jobs::write_private(temp, &bytes)
}

#[cfg(test)]
mod tests;
