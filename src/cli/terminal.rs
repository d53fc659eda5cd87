//! Running a job for the person at the terminal: locally, or handed to the server.

use std::io::Read;
use std::path::{Path, PathBuf};

use indicatif::{ProgressBar, ProgressStyle};

use crate::clock::{Clock, SystemClock};
use crate::jobs::{self, Job, JobError, JobIo};
use crate::store::OpenError;

/// Runs a job on the data file (with a page cache of `cache_bytes`), or hands it to the
/// server that owns the file.
pub fn run_job(
    data: &Path,
    job: Job,
    input: Option<&Path>,
    out: Option<&Path>,
    cache_bytes: usize,
) -> Result<(), JobError> {
    let mut io = TerminalIo::new(input, out);
    match jobs::schema::open_store_with_cache(data, cache_bytes) {
        Ok(store) => {
            let import = matches!(job, Job::ImportClaims { .. } | Job::ImportBenefits { .. });
            let before = file_len(data);
            let result = jobs::run(job, &store, SystemClock.now(), &mut io);
            // The file grows by doubling, and what it grew by stays allocated to it, partly
            // unused: an import that grew the file is followed by a compaction (about a
            // second per million claims), here where the file is this process's alone (the
            // server never compacts: its readers hold pages). One that did not grow it is
            // not made to wait: the free pages it left are used again by later writes.
            if import
                && result.is_ok()
                && file_len(data) > before
                && let Err(e) = store.compact_and_close()
            {
                tracing::warn!("the data file was not compacted: {e:#}");
            }
            result
        }
        Err(OpenError::AlreadyOpen(_)) => crate::control::run_remote(data, job, input, &mut io),
        Err(e) => Err(JobError::User(e.to_string())),
    }
}

fn file_len(path: &Path) -> u64 {
    std::fs::metadata(path).map(|m| m.len()).unwrap_or(0)
}

/// The person's side of a job: progress bars on a terminal, files on disk.
pub struct TerminalIo<'a> {
    input: Option<&'a Path>,
    out: Option<&'a Path>,
    bar: Option<ProgressBar>,
}

impl<'a> TerminalIo<'a> {
    pub fn new(input: Option<&'a Path>, out: Option<&'a Path>) -> Self {
        Self {
            input,
            out,
            bar: None,
        }
    }
}

impl JobIo for TerminalIo<'_> {
    fn input(&mut self) -> anyhow::Result<Box<dyn Read + '_>> {
        let path = self
            .input
            .ok_or_else(|| anyhow::anyhow!("this job reads no file"))?;
        let file = std::fs::File::open(path)
            .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", path.display()))?;
        Ok(Box::new(std::io::BufReader::new(file)))
    }

    fn input_path(&self) -> Option<PathBuf> {
        self.input.map(Path::to_path_buf)
    }

    fn progress(&mut self, label: &str, done: u64, total: u64) {
        let bar = self.bar.get_or_insert_with(|| {
            let bar = ProgressBar::new(total);
            if let Ok(style) = ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len} ({eta})")
            {
                bar.set_style(style.progress_chars("=> "));
            }
            bar.set_message(label.to_string());
            bar
        });
        bar.set_length(total);
        bar.set_position(done);
    }

    fn say(&mut self, line: &str) {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
        println!("{line}");
    }

    fn output_file(&mut self, path: &Path) -> anyhow::Result<()> {
        let out = self
            .out
            .ok_or_else(|| anyhow::anyhow!("this job writes no file"))?;
        // Copies the bytes into the file made owner-only before the job (`with_output`):
        // `fs::copy` would give it the temporary file's mode instead.
        let copy = || -> std::io::Result<()> {
            let mut from = std::fs::File::open(path)?;
            let mut to = std::fs::OpenOptions::new()
                .write(true)
                .truncate(true)
                .open(out)?;
            std::io::copy(&mut from, &mut to)?;
            to.sync_all()
        };
        copy().map_err(|e| anyhow::anyhow!("cannot write {}: {e}", out.display()))
    }
}
