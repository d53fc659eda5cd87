//! A job's output on its way to the command line (postcards with temporary passwords, a
//! backup) waits beside the data file under a name the server's start-up sweep removes: a
//! crash while it is handed over leaves nothing behind for good.

use std::path::{Path, PathBuf};

use chrono::{DateTime, TimeZone as _, Utc};

use super::quiet::Quiet;
use super::{Job, JobIo, Spool, run};
use crate::store::Store;

const MEMBERS: &[u8] = include_bytes!("../../tests/data/members.utf8.csv");

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 2, 1, 0, 0)
        .single()
        .expect("time")
}

/// When handed the output, does what a restarted server does first: sweeps the directory.
struct CrashesWhileHandingOver {
    data: PathBuf,
    /// Per output file: (whether it existed, how many files the sweep removed, whether it
    /// is gone afterwards).
    seen: Vec<(bool, usize, bool)>,
}

impl JobIo for CrashesWhileHandingOver {
    fn input(&mut self) -> anyhow::Result<Box<dyn std::io::Read + '_>> {
        Ok(Box::new(std::io::empty()))
    }
    fn progress(&mut self, _: &str, _: u64, _: u64) {}
    fn say(&mut self, _: &str) {}
    fn output_file(&mut self, path: &Path) -> anyhow::Result<()> {
        let existed = path.exists();
        let swept = Spool::remove_stale(&self.data);
        self.seen.push((existed, swept, !path.exists()));
        Ok(())
    }
}

fn initialised(dir: &tempfile::TempDir) -> (Store, PathBuf) {
    let data = dir.path().join("kenpo.redb");
    let store = Store::open(&data).expect("open");
    let init = Job::Init {
        union_name: "テスト健康保険組合".into(),
        insurer_number: "06131114".into(),
        service_name: None,
    };
    run(init, &store, now(), &mut Quiet(Vec::new())).expect("init");
    run(
        Job::ImportMembers,
        &store,
        now(),
        &mut Quiet(MEMBERS.to_vec()),
    )
    .expect("members");
    (store, data)
}

#[test]
fn the_postcards_and_the_backup_wait_under_names_the_start_up_sweep_removes() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (store, data) = initialised(&dir);
    for job in [
        Job::IssueCredentials {
            households: Vec::new(),
        },
        Job::Backup,
    ] {
        let mut io = CrashesWhileHandingOver {
            data: data.clone(),
            seen: Vec::new(),
        };
        run(job, &store, now(), &mut io).expect("the job");
        assert_eq!(io.seen, vec![(true, 1, true)], "{:?}", io.seen);
    }
    let left: Vec<_> = std::fs::read_dir(dir.path())
        .expect("list")
        .filter_map(Result::ok)
        .map(|e| e.file_name())
        .filter(|name| name.to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}
