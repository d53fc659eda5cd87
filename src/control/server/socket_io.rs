//! The job's side of a control connection: progress and messages go to the command line,
//! and a file sent back is handed over once the command line holds it.

use std::io::{BufRead, Read};
use std::os::unix::net::UnixStream;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

use anyhow::Context as _;

use super::{CLIENT_SILENCE, WRITING_PATIENCE, send};
use crate::control::input::Announced;
use crate::control::{Event, frame};
use crate::jobs::JobIo;

pub(super) struct SocketIo<'a, B> {
    pub(super) input: Announced<B>,
    /// The client answers a file sent to it with `Held` (see [`super::Request`]).
    pub(super) answers_output: bool,
    pub(super) out: UnixStream,
    /// Set when the server stops: a long job then rolls back rather than hold the writer.
    pub(super) stopping: &'a AtomicBool,
    /// The client went away (a progress line could not be sent: Ctrl-C, a kill): the job
    /// rolls back, as the person who stopped the command expects, rather than finish
    /// unseen.
    pub(super) gone: bool,
}

impl<B: BufRead> JobIo for SocketIo<'_, B> {
    fn cancelled(&self) -> bool {
        self.gone || self.stopping.load(Ordering::SeqCst)
    }

    fn input(&mut self) -> anyhow::Result<Box<dyn Read + '_>> {
        Ok(Box::new(&mut self.input))
    }

    fn progress(&mut self, label: &str, done: u64, total: u64) {
        let sent = send(
            &mut self.out,
            &Event::Progress {
                label: label.to_string(),
                done,
                total,
            },
        );
        if sent.is_err() && !self.gone {
            self.gone = true;
            tracing::info!("the command line went away: its job stops and rolls back");
        }
    }

    fn say(&mut self, line: &str) {
        let _ = send(&mut self.out, &Event::Say(line.to_string()));
    }

    fn output_file(&mut self, path: &Path) -> anyhow::Result<()> {
        let mut file = std::fs::File::open(path)?;
        let len = file.metadata()?.len();
        send(&mut self.out, &Event::Output { len })?;
        std::io::copy(&mut file, &mut self.out)?;
        // Handed over once the command line says it holds the file (written and synced):
        // a client gone before that (Ctrl-C, a full disk) fails the job, which then stores
        // nothing it reported in the file.
        if !self.answers_output {
            return Ok(());
        }
        // Writing a large backup to a slow disk may take longer than the silence allowed
        // elsewhere; nothing is held meanwhile (no transaction is open).
        self.out.set_read_timeout(Some(WRITING_PATIENCE))?;
        let answer = self
            .input
            .after()
            .context("the command line's own file was not read to its end")?;
        let line = frame::read_line(answer)?
            .context("the command line went away before it had written the file")?;
        self.out.set_read_timeout(Some(CLIENT_SILENCE))?;
        let held = frame::decode_held(&line)?;
        anyhow::ensure!(
            held.len == len,
            "the command line wrote {} of the {len} bytes of the file",
            held.len
        );
        Ok(())
    }
}
