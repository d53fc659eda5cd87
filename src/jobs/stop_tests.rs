//! Jobs asked to stop (the server stops, or the command line went away: Ctrl-C) roll back
//! at their next progress step: a members file imports none of its rows, and a credential
//! issue writes no temporary ID, so that no household is left with a password whose
//! postcard nobody received.

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
    run(
        Job::ImportMembers,
        &store,
        now(),
        &mut io(MEMBERS, u64::MAX),
    )
    .expect("members");
    let issue = || Job::IssueCredentials {
        households: Vec::new(),
    };
    run(issue(), &store, now(), &mut io(b"", u64::MAX)).expect("first issue");
    let ids = || {
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
    };
    let before = ids();
    assert!(!before.is_empty(), "the first issue wrote temporary IDs");

    let result = run(issue(), &store, now(), &mut io(b"", 0));
    assert!(
        matches!(&result, Err(JobError::User(m)) if m.contains("仮IDの発行を中止しました")),
        "{result:?}"
    );
    assert_eq!(ids(), before, "the postcards already sent stay valid");
}
