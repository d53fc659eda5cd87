use std::path::{Path, PathBuf};

use chrono::{TimeZone as _, Utc};

use super::verify_file;
use crate::audit::AuditByTarget;
use crate::claims::ClaimIndex;
use crate::domain::member::Person;
use crate::jobs::quiet::Quiet;
use crate::jobs::{self, Job};
use crate::mail::outbox::PendingMail;
use crate::store::Store;

const MEMBERS: &[u8] = include_bytes!("../../../tests/data/members.utf8.csv");
const CLAIMS: &[u8] = include_bytes!("../../../tests/data/claims.utf8.csv");

/// A data file with a union, its members and a published claim file; the store stays open.
pub(super) fn populated(dir: &Path) -> (Store, PathBuf) {
    let path = dir.join("kenpo.redb");
    let store = Store::open(&path).expect("open");
    let now = Utc
        .with_ymd_and_hms(2026, 11, 2, 1, 0, 0)
        .single()
        .expect("time");
    let init = Job::Init {
        union_name: "テスト健康保険組合".into(),
        insurer_number: "06131114".into(),
        service_name: None,
    };
    for (job, input) in [
        (init, Vec::new()),
        (Job::ImportMembers, MEMBERS.to_vec()),
        (Job::ImportClaims { publish: true }, CLAIMS.to_vec()),
    ] {
        jobs::run(job, &store, now, &mut Quiet(input)).expect("job");
    }
    (store, path)
}

pub(super) fn problems_after(
    break_it: impl FnOnce(&mut crate::store::Writer) -> anyhow::Result<()>,
) -> Vec<String> {
    let dir = tempfile::tempdir().expect("dir");
    let (store, path) = populated(dir.path());
    store.write_blocking(break_it).expect("write");
    drop(store);
    verify_file(&path).expect("verify runs").problems
}

#[test]
fn a_whole_file_is_consistent_and_counted() {
    let dir = tempfile::tempdir().expect("dir");
    let (store, path) = populated(dir.path());
    drop(store);
    let report = verify_file(&path).expect("verify");
    assert!(report.is_consistent(), "{:?}", report.problems);
    assert_eq!(report.rows("people"), Some(6));
    assert_eq!(report.rows("claims"), Some(6));
    assert_eq!(report.rows("claim_index"), Some(6));
    assert_eq!(report.rows("batches"), Some(1));
    let printed = report.render(&path);
    assert!(printed.contains("claim_index"), "{printed}");
    assert!(printed.contains("consistent"), "{printed}");
}

#[test]
fn a_claim_without_its_index_entry_is_named() {
    let problems = problems_after(|w| {
        let (receipt, _) = w.scan::<ClaimIndex>("")?.remove(0);
        w.delete::<ClaimIndex>(&receipt).map(|_| ())
    });
    assert!(
        problems.iter().any(|p| p.contains("is not indexed")),
        "{problems:?}"
    );
    assert!(
        problems
            .iter()
            .any(|p| p.contains("5 entries for 6 claims")),
        "{problems:?}"
    );
}

#[test]
fn a_claim_of_a_missing_person_is_named() {
    let problems = problems_after(|w| {
        let (key, _) = w.scan::<Person>("")?.remove(0);
        w.delete::<Person>(&key).map(|_| ())
    });
    assert!(
        problems
            .iter()
            .any(|p| p.starts_with("claims/") && p.contains("person who does not exist")),
        "{problems:?}"
    );
}

#[test]
fn dangling_index_entries_are_named() {
    let problems = problems_after(|w| {
        w.put("99999999999999999999", &PendingMail)?;
        w.put("household:1\u{1f}00000000000000009999", &AuditByTarget)
    });
    assert!(
        problems
            .iter()
            .any(|p| p.contains("outbox_pending/99999999999999999999")),
        "{problems:?}"
    );
    assert!(
        problems
            .iter()
            .any(|p| p.starts_with("audit_by_target/household:1␟")),
        "{problems:?}"
    );
}

#[test]
fn a_file_in_use_is_refused_with_advice() {
    let dir = tempfile::tempdir().expect("dir");
    let (_store, path) = populated(dir.path());
    let Err(error) = verify_file(&path) else {
        panic!("a file held open by a writer was verified");
    };
    assert!(error.to_string().contains("kenpo backup"), "{error}");
}

#[test]
fn a_file_that_is_not_a_data_file_is_refused() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("notes.txt");
    std::fs::write(&path, b"not a database").expect("write");
    assert!(verify_file(&path).is_err());
    assert!(verify_file(&dir.path().join("missing.redb")).is_err());
}

#[test]
fn a_changed_byte_in_a_record_is_found() {
    let dir = tempfile::tempdir().expect("dir");
    let (store, path) = populated(dir.path());
    drop(store);
    let backup = dir.path().join("backup.redb");
    Store::open(&path)
        .expect("open")
        .backup_to(&backup, &mut |_, _| {})
        .expect("backup");
    let bytes = std::fs::read(&backup).expect("read");
    let damaged = dir.path().join("damaged.redb");
    let (mut tried, mut found) = (0, 0);
    // One byte changed inside stored records (a receipt number in the claim keys, a name,
    // a hash, a JSON key): some leave a valid record of the right shape, which only the
    // page checksums can catch.
    let needles: [&[u8]; 5] = [
        b"2025030001",
        "本郷内科".as_bytes(),
        b"password_hash",
        b"insurer_number",
        b"union_name",
    ];
    for needle in needles {
        let places = bytes
            .windows(needle.len())
            .enumerate()
            .filter(|(_, w)| *w == needle)
            .map(|(i, _)| i + needle.len() / 2)
            .take(3);
        for at in places {
            let mut copy = bytes.clone();
            copy[at] ^= 0x01;
            std::fs::write(&damaged, &copy).expect("write");
            tried += 1;
            match verify_file(&damaged) {
                Ok(report) if report.is_consistent() => {
                    panic!("a changed byte at {at} ({needle:?}) went unnoticed")
                }
                _ => found += 1,
            }
        }
    }
    assert!(tried >= 5, "only {tried} places to damage");
    assert_eq!(found, tried);
}

#[test]
fn damaged_pages_are_reported_never_a_crash() {
    let dir = tempfile::tempdir().expect("dir");
    let (store, _) = populated(dir.path());
    let backup = dir.path().join("backup.redb");
    store.backup_to(&backup, &mut |_, _| {}).expect("backup");
    drop(store);
    let bytes = std::fs::read(&backup).expect("read");
    let damaged = dir.path().join("damaged.redb");
    // 16 bytes overwritten at places through the first pages (the header, the table of
    // tables, the first leaves): redb panics on some of them, which verify reports.
    for start in (0..bytes.len().min(32 * 1024)).step_by(1024) {
        let mut copy = bytes.clone();
        for b in copy.iter_mut().skip(start).take(16) {
            *b ^= 0xA5;
        }
        std::fs::write(&damaged, &copy).expect("write");
        let _ = verify_file(&damaged);
    }
}

#[test]
fn sums_that_differ_from_their_claims_are_named() {
    use crate::claims::totals::ClaimTotals;
    let problems = problems_after(|w| {
        let mut rows = w.scan::<ClaimTotals>("")?;
        assert!(rows.len() >= 2, "the populated file has sums");
        let (changed, mut sums) = rows.remove(0);
        sums.total_cost += 1;
        w.put(&changed, &sums)?;
        let (gone, _) = rows.remove(0);
        w.delete::<ClaimTotals>(&gone)?;
        w.put(
            "9999\u{1f}1\u{1f}202501\u{1f}00\u{1f}1",
            &ClaimTotals::default(),
        )
    });
    let named = |what: &str| problems.iter().any(|p| p.contains(what));
    assert!(named("the sums differ from the claims'"), "{problems:?}");
    assert!(named("claims whose sums are missing"), "{problems:?}");
    assert!(named("of them for stored claims"), "{problems:?}");
}

/// A sums row that does not decode is named as unreadable, and the claims of its household
/// and month are not also reported as having no sums.
#[test]
fn an_unreadable_sums_row_is_named_as_such() {
    use crate::claims::totals::ClaimTotals;
    use crate::store::Record as _;
    let problems = problems_after(|w| {
        let rows = w.scan::<ClaimTotals>("")?;
        let (key, _) = rows.first().expect("the populated file has sums");
        w.put_raw(ClaimTotals::TABLE, key, &[0xff])
    });
    let named = |what: &str| problems.iter().any(|p| p.contains(what));
    assert!(named("cannot read the sums"), "{problems:?}");
    assert!(!named("claims whose sums are missing"), "{problems:?}");
}
