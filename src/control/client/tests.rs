//! The command line against a server that stops in the middle of a file it sends back.

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::os::unix::net::UnixListener;
use std::path::Path;

use super::run_remote;
use crate::control::socket_path;
use crate::jobs::{Job, JobError, JobIo};

/// Records the output files it is handed.
#[derive(Default)]
struct Outputs(Vec<Vec<u8>>);

impl JobIo for Outputs {
    fn input(&mut self) -> anyhow::Result<Box<dyn std::io::Read + '_>> {
        Ok(Box::new(std::io::empty()))
    }
    fn progress(&mut self, _: &str, _: u64, _: u64) {}
    fn say(&mut self, _: &str) {}
    fn output_file(&mut self, path: &Path) -> anyhow::Result<()> {
        self.0.push(std::fs::read(path)?);
        Ok(())
    }
}

/// A backup of five bytes, sent whole, and the job done.
const WHOLE: &[u8] = b"{\"Output\":{\"len\":5}}\nhello{\"Done\":{\"ok\":true,\"message\":null}}\n";

/// A server that answers one request with `answer`, then returns what else the client
/// sent until it closed (its `Held` lines).
fn serve_once(data: &Path, answer: Vec<u8>) -> std::thread::JoinHandle<String> {
    let listener = UnixListener::bind(socket_path(data)).expect("bind the control socket");
    std::thread::spawn(move || {
        let (stream, _) = listener.accept().expect("the client connects");
        let mut reader = BufReader::new(&stream);
        let mut request = String::new();
        reader.read_line(&mut request).expect("read the request");
        (&stream).write_all(&answer).expect("answer");
        // The end of the answer, as a server that stops there: the client reads to it.
        let _ = stream.shutdown(std::net::Shutdown::Write);
        let mut rest = String::new();
        let _ = reader.read_to_string(&mut rest);
        rest
    })
}

#[test]
fn a_file_cut_short_by_the_server_is_not_handed_over() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("kenpo.redb");
    let mut answer = b"{\"Output\":{\"len\":100}}\n".to_vec();
    answer.extend_from_slice(&[7; 40]);
    let server = serve_once(&data, answer);
    let mut io = Outputs::default();
    let err = run_remote(&data, Job::Backup, None, &mut io).expect_err("the file was cut short");
    server.join().expect("server");
    assert!(matches!(err, JobError::Unexpected(_)), "{err:?}");
    assert!(
        format!("{err:#}").contains("40 of the 100 bytes"),
        "{err:#}"
    );
    assert!(io.0.is_empty(), "no part of the file is handed over");
    let left: Vec<_> = std::fs::read_dir(dir.path())
        .expect("list")
        .filter_map(Result::ok)
        .map(|e| e.file_name())
        .filter(|name| name.to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(left.is_empty(), "the temporary file is removed: {left:?}");
}

#[test]
fn a_whole_file_is_handed_over_once() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("kenpo.redb");
    let server = serve_once(&data, WHOLE.to_vec());
    let mut io = Outputs::default();
    run_remote(&data, Job::Backup, None, &mut io).expect("the job succeeds");
    let answered = server.join().expect("server");
    assert_eq!(io.0, vec![b"hello".to_vec()]);
    assert_eq!(
        answered, "{\"len\":5}\n",
        "the client says it holds the file"
    );
}

/// Sweeps the directory as a restarted server does, at the moment a file is handed over.
struct SweepsWhenHandedOver {
    data: std::path::PathBuf,
    swept: Vec<(usize, bool)>,
}

impl JobIo for SweepsWhenHandedOver {
    fn input(&mut self) -> anyhow::Result<Box<dyn std::io::Read + '_>> {
        Ok(Box::new(std::io::empty()))
    }
    fn progress(&mut self, _: &str, _: u64, _: u64) {}
    fn say(&mut self, _: &str) {}
    fn output_file(&mut self, path: &Path) -> anyhow::Result<()> {
        let swept = crate::jobs::Spool::remove_stale(&self.data);
        self.swept.push((swept, path.exists()));
        Ok(())
    }
}

#[test]
fn a_received_file_waits_under_a_name_the_start_up_sweep_removes() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("kenpo.redb");
    let server = serve_once(&data, WHOLE.to_vec());
    let mut io = SweepsWhenHandedOver {
        data: data.clone(),
        swept: Vec::new(),
    };
    run_remote(&data, Job::Backup, None, &mut io).expect("the job succeeds");
    server.join().expect("server");
    assert_eq!(
        io.swept,
        vec![(1, false)],
        "the sweep removed the received file"
    );
}

/// A server older than the `Held` answer sends `Done` right after the file and closes: the
/// answer it never reads changes nothing.
#[test]
fn a_server_that_does_not_wait_for_the_answer_still_completes_the_job() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("kenpo.redb");
    let listener = UnixListener::bind(socket_path(&data)).expect("bind the control socket");
    let server = std::thread::spawn(move || {
        let (stream, _) = listener.accept().expect("the client connects");
        let mut request = String::new();
        BufReader::new(&stream)
            .read_line(&mut request)
            .expect("read the request");
        (&stream).write_all(WHOLE).expect("answer");
    });
    let mut io = Outputs::default();
    run_remote(&data, Job::Backup, None, &mut io).expect("the job succeeds");
    server.join().expect("the server answered and closed");
    assert_eq!(io.0, vec![b"hello".to_vec()]);
}
