//! The job's side of a control connection whose client goes away.

use std::io::Read as _;
use std::os::unix::net::UnixStream;
use std::sync::atomic::AtomicBool;

use super::{SocketIo, patient_for};
use crate::control::input::Announced;
use crate::jobs::JobIo as _;

fn io_over(stream: UnixStream, stopping: &AtomicBool) -> SocketIo<'_, &'static [u8]> {
    SocketIo {
        input: Announced::new(&b""[..], 0),
        answers_output: true,
        out: stream,
        stopping,
        gone: false,
    }
}

/// Ctrl-C on `kenpo import …` closes its end: the job's next progress line cannot be sent,
/// and from then on the job is told to stop (a claim import then rolls back).
#[test]
fn a_job_whose_client_went_away_is_cancelled_at_its_next_progress_step() {
    let stopping = AtomicBool::new(false);
    let (server_end, client_end) = UnixStream::pair().expect("a socket pair");
    let mut io = io_over(server_end, &stopping);
    io.progress("取り込み", 0, 10);
    assert!(!io.cancelled(), "the client is there and reads");
    let mut first = [0u8; 8];
    (&client_end)
        .read_exact(&mut first)
        .expect("a progress line arrived");
    drop(client_end);
    io.progress("取り込み", 5, 10);
    assert!(io.cancelled(), "the client is gone");
}

/// A stopping server cancels too, with its client still there.
#[test]
fn a_stopping_server_cancels_its_jobs() {
    let stopping = AtomicBool::new(true);
    let (server_end, _client_end) = UnixStream::pair().expect("a socket pair");
    let io = io_over(server_end, &stopping);
    assert!(io.cancelled());
}

/// A client that stops reading (Ctrl-Z) fills the socket: the job's next progress line
/// waits for the client's silence (here 20 ms instead of a minute), fails, and the job is
/// told to stop instead of holding the writer until the client wakes.
#[test]
fn a_job_whose_client_stopped_reading_is_cancelled_once_its_silence_is_up() {
    let (server_end, client_end) = UnixStream::pair().expect("a socket pair");
    patient_for(&server_end, std::time::Duration::from_millis(20)).expect("timeouts");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let stopping = AtomicBool::new(false);
        let mut io = io_over(server_end, &stopping);
        let mut sent = 0u64;
        while !io.cancelled() && sent < 10_000_000 {
            io.progress("取り込み", sent, 10_000_000);
            sent += 1;
        }
        let _ = tx.send(io.cancelled());
    });
    // A guard against a hang, not a timing: without a send timeout the loop never ends.
    let cancelled = rx
        .recv_timeout(std::time::Duration::from_secs(60))
        .expect("the job is not stuck on a client that does not read");
    assert!(cancelled, "the job is told to stop");
    drop(client_end);
}

/// A file sent back is handed over only once the command line says it holds all of it:
/// a client gone before its answer (Ctrl-C, a full disk), or one that holds less, fails
/// the job, which then stores nothing the file reports (a credential issue).
#[test]
fn a_file_is_handed_over_only_when_the_command_line_says_it_holds_it_all() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("postcards");
    std::fs::write(&file, b"12345").expect("write");
    let stopping = AtomicBool::new(false);
    for (answer, holds) in [
        (&b"{\"len\":5}\n"[..], true),
        (&b""[..], false),
        (&b"{\"len\":3}\n"[..], false),
        (&b"{\"len\":5}"[..], false),
    ] {
        let (server_end, client_end) = UnixStream::pair().expect("a socket pair");
        let mut io = SocketIo {
            input: Announced::new(answer, 0),
            answers_output: true,
            out: server_end,
            stopping: &stopping,
            gone: false,
        };
        let handed = io.output_file(&file);
        assert_eq!(handed.is_ok(), holds, "{answer:?}: {handed:?}");
        drop(io);
        let mut sent = Vec::new();
        (&client_end).read_to_end(&mut sent).expect("read");
        assert!(sent.ends_with(b"12345"), "the file was sent whole");
    }
}

/// A command line older than the `Held` answer says so by leaving out `answers_output`:
/// the server does not wait for an answer that will not come.
#[test]
fn a_command_line_that_does_not_answer_files_is_not_waited_for() {
    let request: super::super::Request =
        serde_json::from_str(r#"{"job":"Backup","input_len":0}"#).expect("an old request");
    assert!(!request.answers_output);
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("backup");
    std::fs::write(&file, b"12345").expect("write");
    let stopping = AtomicBool::new(false);
    let (server_end, _client_end) = UnixStream::pair().expect("a socket pair");
    let mut io = SocketIo {
        input: Announced::new(&b""[..], 0),
        answers_output: request.answers_output,
        out: server_end,
        stopping: &stopping,
        gone: false,
    };
    io.output_file(&file)
        .expect("handed over without an answer");
}
