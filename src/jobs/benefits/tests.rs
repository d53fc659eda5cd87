//! The benefits job against a real data file. (Test set-up: `expect` on fixed values.)

use chrono::{TimeZone as _, Utc};

use super::*;
use crate::benefits::BenefitRecord;
use crate::domain::benefit::{CustomBenefitKind, OffsetClass};
use crate::jobs::quiet::{Quiet, StopsAfter};
use crate::jobs::{Job, run as run_job};

const MEMBERS: &[u8] = include_bytes!("../../../tests/data/members.utf8.csv");
const BENEFITS: &[u8] = include_bytes!("../../../tests/data/benefits.utf8.csv");
const HEADER: &str =
    "決定番号,記号,番号,枝番,給付種別,対象開始年月,対象終了年月,決定日,支給額,支払予定日\n";

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 4, 2, 1, 0, 0)
        .single()
        .expect("time")
}

fn union(dir: &Path) -> Store {
    let store = Store::open(&dir.join("kenpo.redb")).expect("open");
    let init = Job::Init {
        union_name: "テスト健康保険組合".into(),
        insurer_number: "06131114".into(),
        service_name: None,
    };
    for (job, input) in [(init, Vec::new()), (Job::ImportMembers, MEMBERS.to_vec())] {
        run_job(job, &store, now(), &mut Quiet(input)).expect("set up");
    }
    store
}

fn stored(store: &Store) -> u64 {
    store
        .read_blocking(|r| r.count::<BenefitRecord>())
        .expect("count")
}

#[test]
fn the_unions_own_kind_from_settings_is_accepted_and_listed_when_a_name_is_unknown() {
    let dir = tempfile::tempdir().expect("dir");
    let store = union(dir.path());
    store
        .write_blocking(|w| {
            let mut s = w.get::<UnionSettings>(SETTINGS)?.unwrap_or_default();
            s.benefit_kinds.push(CustomBenefitKind {
                name: "人間ドック補助金".into(),
                class: OffsetClass::None,
                explanation: String::new(),
            });
            w.put(SETTINGS, &s)
        })
        .expect("settings");
    let bad = format!(
        "{HEADER}K-1,1201,105,00,人間ドック補助金,202503,202503,20250610,2000,20250731\n\
         K-2,1201,105,00,見舞金,202503,202503,20250610,2000,20250731\n"
    );
    let result = run_job(
        Job::ImportBenefits { publish: false },
        &store,
        now(),
        &mut Quiet(bad.into_bytes()),
    );
    let Err(JobError::User(message)) = result else {
        panic!("expected a refusal, got {result:?}");
    };
    assert!(message.contains("3行目 「給付種別」"), "{message}");
    assert!(message.contains("・人間ドック補助金"), "{message}");
    assert_eq!(stored(&store), 0, "nothing of a refused file is stored");

    let good =
        format!("{HEADER}K-1,1201,105,00,人間ドック補助金,202503,202503,20250610,2000,20250731\n");
    run_job(
        Job::ImportBenefits { publish: false },
        &store,
        now(),
        &mut Quiet(good.into_bytes()),
    )
    .expect("imported");
    assert_eq!(stored(&store), 1);
}

#[test]
fn unknown_people_and_repeated_numbers_are_refused_by_line() {
    let dir = tempfile::tempdir().expect("dir");
    let store = union(dir.path());
    let bad = format!(
        "{HEADER}K-1,1201,105,00,高額療養費,202503,202503,20250610,2000,20250731\n\
         K-2,1201,105,09,高額療養費,202503,202503,20250610,2000,20250731\n\
         K-1,1201,105,00,高額療養費,202504,202504,20250610,2000,20250731\n"
    );
    let result = run_job(
        Job::ImportBenefits { publish: false },
        &store,
        now(),
        &mut Quiet(bad.into_bytes()),
    );
    let Err(JobError::User(message)) = result else {
        panic!("expected a refusal, got {result:?}");
    };
    assert!(
        message.contains("3行目: 記号・番号・枝番「1201-105-09」の加入者が登録されていません"),
        "{message}"
    );
    assert!(
        message.contains(&format!("4行目 「決定番号」: {DUPLICATE_NUMBER}")),
        "{message}"
    );
    assert_eq!(stored(&store), 0);
}

#[test]
fn a_number_repeated_after_an_unchanged_row_is_refused_too() {
    // The first K-1 equals the stored decision (unchanged: the index keeps its old batch),
    // so the writer alone cannot tell that the second K-1 is the same file's number again.
    let dir = tempfile::tempdir().expect("dir");
    let store = union(dir.path());
    let first =
        format!("{HEADER}K-1,1201,105,00,高額療養費,202503,202503,20250610,2000,20250731\n");
    run_job(
        Job::ImportBenefits { publish: false },
        &store,
        now(),
        &mut Quiet(first.into_bytes()),
    )
    .expect("imported");
    let twice = format!(
        "{HEADER}K-1,1201,105,00,高額療養費,202503,202503,20250610,2000,20250731\n\
         K-1,1201,105,00,高額療養費,202503,202503,20250610,9000,20250731\n"
    );
    let result = run_job(
        Job::ImportBenefits { publish: false },
        &store,
        now(),
        &mut Quiet(twice.into_bytes()),
    );
    let Err(JobError::User(message)) = result else {
        panic!("expected a refusal, got {result:?}");
    };
    assert!(
        message.contains(&format!("3行目 「決定番号」: {DUPLICATE_NUMBER}")),
        "{message}"
    );
    let amounts: Vec<u64> = store
        .read_blocking(|r| r.scan::<BenefitRecord>(""))
        .expect("read")
        .into_iter()
        .map(|(_, r)| r.decision.amount.get())
        .collect();
    assert_eq!(amounts, [2000], "the stored decision is untouched");
}

#[test]
fn a_file_of_unregistered_people_reports_at_most_the_error_limit() {
    // The usual mistake (decisions before the members file): every row is refused, and the
    // report stops at MAX_LINE_ERRORS like every other refusal.
    let dir = tempfile::tempdir().expect("dir");
    let store = union(dir.path());
    let mut text = HEADER.to_string();
    for n in 0..MAX_LINE_ERRORS + 5 {
        text.push_str(&format!(
            "K-{n},9999,1,00,高額療養費,202503,202503,20250610,2000,20250731\n"
        ));
    }
    let result = import_benefits(
        &store,
        Box::new(std::io::Cursor::new(text.into_bytes())),
        0,
        false,
        now(),
        "cli",
        &mut |_, _| ControlFlow::Continue(()),
    );
    let Err(BenefitImportError::File(ImportError::Lines(errors))) = result else {
        panic!("expected a refusal by line");
    };
    assert_eq!(errors.len(), MAX_LINE_ERRORS);
}

#[test]
fn the_sample_file_imports_as_one_benefits_batch_with_its_audit_row() {
    let dir = tempfile::tempdir().expect("dir");
    let store = union(dir.path());
    let summary = import_benefits(
        &store,
        Box::new(BENEFITS),
        8,
        false,
        now(),
        "cli",
        &mut |_, _| ControlFlow::Continue(()),
    )
    .expect("imported");
    assert_eq!(summary.batch.kind, crate::claims::BatchKind::Benefits);
    assert_eq!((summary.batch.rows, summary.batch.added), (8, 8));
    assert_eq!(stored(&store), 8);
    let audit = store
        .read_blocking(|r| r.scan::<crate::audit::AuditEntry>(""))
        .expect("audit");
    let row = audit
        .iter()
        .rev()
        .find(|(_, a)| a.action == "benefits.imported");
    assert!(row.is_some(), "one benefits.imported row");
}

/// As for claims: a server that stops during a control-socket import does not keep
/// redb's one writer; the import rolls back at its next progress step and says so.
#[test]
fn a_cancelled_benefits_import_rolls_back_at_its_next_progress_step() {
    let dir = tempfile::tempdir().expect("dir");
    let store = union(dir.path());
    let mut file = String::from(HEADER);
    for i in 0..(3 * PROGRESS_EVERY) {
        file.push_str(&format!(
            "K{i:09},1201,105,00,高額療養費,202503,202503,20250610,2000,20250731\n"
        ));
    }
    let mut io = StopsAfter {
        input: file.into_bytes(),
        steps: 0,
        after: 2,
    };
    let result = run(&store, true, now(), &mut io);
    assert!(
        matches!(&result, Err(JobError::User(m)) if *m == BenefitImportError::Cancelled.to_string()),
        "{result:?}"
    );
    assert_eq!(io.steps, 3, "stopped at the first step after the request");
    assert_eq!(stored(&store), 0, "nothing of the cancelled file is stored");
}
