//! Jobs run as the command line runs them: on a data file no server owns, or handed to the
//! running server over its control socket; what they say is captured.

use std::path::Path;

use kenpo::jobs::{self, Job, JobIo};

use super::t0;

/// Collects what a job says, for assertions.
#[derive(Default)]
pub struct CapturedIo {
    pub input: Option<Vec<u8>>,
    pub said: Vec<String>,
    pub output: Option<Vec<u8>>,
}

impl JobIo for CapturedIo {
    fn input(&mut self) -> anyhow::Result<Box<dyn std::io::Read + '_>> {
        Ok(Box::new(std::io::Cursor::new(
            self.input.clone().unwrap_or_default(),
        )))
    }
    fn progress(&mut self, _label: &str, _done: u64, _total: u64) {}
    fn say(&mut self, line: &str) {
        self.said.push(line.to_string());
    }
    fn output_file(&mut self, path: &Path) -> anyhow::Result<()> {
        self.output = Some(std::fs::read(path)?);
        Ok(())
    }
}

/// Runs a job on a data file no server owns.
pub fn run_local(data: &Path, job: Job, input: Option<Vec<u8>>) -> CapturedIo {
    let store = kenpo::store::Store::open(data).expect("open store");
    let mut io = CapturedIo {
        input,
        ..Default::default()
    };
    jobs::run(job, &store, t0(), &mut io).expect("job succeeds");
    io
}

/// Hands a job to the running server over its control socket.
pub fn remote(data: &Path, job: Job, input: Option<Vec<u8>>) -> CapturedIo {
    let dir = tempfile::tempdir().expect("temp");
    let input_path = input.map(|bytes| {
        let p = dir.path().join("input.csv");
        std::fs::write(&p, bytes).expect("write input");
        p
    });
    let mut io = CapturedIo::default();
    kenpo::control::run_remote(data, job, input_path.as_deref(), &mut io)
        .expect("remote job succeeds");
    io
}

pub fn parse_csv(bytes: &[u8]) -> Vec<Vec<String>> {
    let text = String::from_utf8(bytes.to_vec()).expect("utf-8");
    let text = text.trim_start_matches('\u{feff}');
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes());
    r.records()
        .map(|rec| rec.expect("record").iter().map(str::to_string).collect())
        .collect()
}
