//! Jobs asked to stop (the server stops, or the command line went away: Ctrl-C) roll back
//! at their next progress step: a members file imports none of its rows, and a credential
//! issue writes no temporary ID, so that no household is left with a password whose
//! postcard nobody received. A credential issue whose postcards never reach their file, or
//! that lost a temporary ID to another issue, stores nothing either.

use std::ops::ControlFlow;

use chrono::{DateTime, TimeZone as _, Utc};

use super::quiet::StopsAfter;
use super::{Job, JobError, MEMBERS_CANCELLED, run};
use crate::auth::model::TemporaryCredential;
use crate::domain::member::Person;
use crate::store::Store;

const MEMBERS: &[u8] = include_bytes!("../../tests/data/members.utf8.csv");

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 2, 1, 0, 0)
        .single()
        .expect("time")
}

fn io(input: &[u8], after: u64) -> StopsAfter {
    StopsAfter {
        input: input.to_vec(),
        steps: 0,
        after,
    }
}

fn initialised(dir: &tempfile::TempDir) -> Store {
    let store = Store::open(&dir.path().join("kenpo.redb")).expect("open");
    let init = Job::Init {
        union_name: "テスト健康保険組合".into(),
        insurer_number: "06131114".into(),
        service_name: None,
    };
    run(init, &store, now(), &mut io(b"", u64::MAX)).expect("init");
    store
}

fn issue() -> Job {
    Job::IssueCredentials {
        households: Vec::new(),
    }
}

fn temporary_ids(store: &Store) -> Vec<String> {
    store
        .read_blocking(|r| {
            Ok::<_, anyhow::Error>(
                r.scan::<TemporaryCredential>("")?
                    .into_iter()
                    .map(|(id, _)| id)
                    .collect::<Vec<_>>(),
            )
        })
        .expect("read")
}

/// Imports the members and issues their first postcards: the temporary IDs.
fn issued_once(store: &Store) -> Vec<String> {
    run(Job::ImportMembers, store, now(), &mut io(MEMBERS, u64::MAX)).expect("members");
    run(issue(), store, now(), &mut io(b"", u64::MAX)).expect("first issue");
    let ids = temporary_ids(store);
    assert!(!ids.is_empty(), "the first issue wrote temporary IDs");
    ids
}

#[test]
fn a_stopped_members_import_stores_none_of_its_rows_and_says_so() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = initialised(&dir);
    let mut stops = io(MEMBERS, 1);
    let result = run(Job::ImportMembers, &store, now(), &mut stops);
    assert!(
        matches!(&result, Err(JobError::User(m)) if m == MEMBERS_CANCELLED),
        "{result:?}"
    );
    assert_eq!(
        stops.steps, 2,
        "stopped at the first step after the request"
    );
    let people = store.read_blocking(|r| r.count::<Person>()).expect("count");
    assert_eq!(people, 0, "the rows before the stop are rolled back");
}

#[test]
fn a_stopped_credential_issue_writes_no_temporary_id_and_keeps_the_old_ones() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = initialised(&dir);
    let before = issued_once(&store);

    let result = run(issue(), &store, now(), &mut io(b"", 0));
    assert!(
        matches!(&result, Err(JobError::User(m)) if m.contains("仮IDの発行を中止しました")),
        "{result:?}"
    );
    assert_eq!(
        temporary_ids(&store),
        before,
        "the postcards already sent stay valid"
    );
}

/// Records nothing and fails: the postcards never reached their file (a full disk, a
/// command line gone before it wrote them).
struct LosesTheFile;

impl super::JobIo for LosesTheFile {
    fn input(&mut self) -> anyhow::Result<Box<dyn std::io::Read + '_>> {
        Ok(Box::new(std::io::empty()))
    }
    fn progress(&mut self, _: &str, _: u64, _: u64) {}
    fn say(&mut self, _: &str) {}
    fn output_file(&mut self, _: &std::path::Path) -> anyhow::Result<()> {
        anyhow::bail!("No space left on device")
    }
}

#[test]
fn a_credential_issue_whose_postcards_never_reach_their_file_stores_nothing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = initialised(&dir);
    let before = issued_once(&store);

    let result = run(issue(), &store, now(), &mut LosesTheFile);
    assert!(result.is_err(), "{result:?}");
    assert_eq!(
        temporary_ids(&store),
        before,
        "the postcards already sent stay valid"
    );
}

/// Another issue took one of the drawn temporary IDs between drawing and storing: nothing
/// of this issue is stored, and the person is asked to run it again.
#[test]
fn a_credential_issue_that_lost_a_temporary_id_to_another_stores_nothing() {
    use crate::auth::credentials::{IssueError, prepare};
    let dir = tempfile::tempdir().expect("temp dir");
    let store = initialised(&dir);
    let before = issued_once(&store);
    let prepared =
        prepare(&store, &[], now(), &mut |_, _| ControlFlow::Continue(())).expect("prepared");
    let taken = prepared.postcards[0].temporary_id.clone();
    store
        .write_blocking(|w| {
            let other = w
                .get::<TemporaryCredential>(&before[0])?
                .expect("a credential");
            w.put(&taken, &other)
        })
        .expect("the other issue");
    let result = prepared.commit(&store, now(), "cli");
    assert!(
        matches!(result, Err(IssueError::Raced)),
        "{:?}",
        result.err()
    );
    let mut expected = before.clone();
    expected.push(taken);
    expected.sort();
    assert_eq!(
        temporary_ids(&store),
        expected,
        "only the other issue's ID was added"
    );
}
