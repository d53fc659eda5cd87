use crate::jobs::Spool;
use crate::jobs::quiet::StopsAfter;
use std::os::unix::fs::PermissionsExt as _;

use super::*;

#[test]
fn a_spooled_claim_file_is_owner_only_and_removed_when_done() {
    let dir = tempfile::tempdir().expect("temp dir");
    let spool = Spool::beside(&dir.path().join("kenpo.redb"));
    spool.fill(&mut "記号,番号\n".as_bytes()).expect("spooled");
    let mode = std::fs::metadata(&spool.path)
        .expect("stat")
        .permissions()
        .mode();
    assert_eq!(format!("{:o}", mode & 0o777), "600");
    let path = spool.path.clone();
    drop(spool);
    assert!(!path.exists());
}

/// A server that stops in the middle of a control-socket import must not keep redb's one
/// writer until the import ends: the import rolls back at its next progress step, stores
/// nothing, and says so to whoever started it.
#[test]
fn a_cancelled_import_rolls_back_at_its_next_progress_step_and_says_so() {
    use chrono::{TimeZone as _, Utc};

    let dir = tempfile::tempdir().expect("temp dir");
    let store = Store::open(&dir.path().join("kenpo.redb")).expect("open");
    let now = Utc
        .with_ymd_and_hms(2026, 11, 2, 1, 0, 0)
        .single()
        .expect("time");
    let members = include_bytes!("../../../tests/data/members.utf8.csv").to_vec();
    let init = crate::jobs::Job::Init {
        union_name: "テスト健康保険組合".into(),
        insurer_number: "06131114".into(),
        service_name: None,
    };
    for (job, input) in [
        (init, Vec::new()),
        (crate::jobs::Job::ImportMembers, members),
    ] {
        let mut io = StopsAfter {
            input,
            steps: 0,
            after: u64::MAX,
        };
        crate::jobs::run(job, &store, now, &mut io).expect("set up");
    }
    let mut claims = String::from(
        "レセプト番号,記号,番号,枝番,診療年月,区分,医療機関等名称,日数,医療費総額,自己負担額,給付金\n",
    );
    for i in 0..(3 * PROGRESS_EVERY) {
        claims.push_str(&format!(
            "C{i:09},1201,105,00,202409,外来,試験クリニック,1,1000,300,0\n"
        ));
    }
    let mut io = StopsAfter {
        input: claims.into_bytes(),
        steps: 0,
        after: 2,
    };
    let result = run(&store, true, now, &mut io);
    assert!(
        matches!(&result, Err(JobError::User(m)) if m == outcome::CANCELLED),
        "{result:?}"
    );
    assert_eq!(io.steps, 3, "stopped at the first step after the request");
    let stored = store
        .read_blocking(|r| r.count::<crate::claims::ClaimRecord>())
        .expect("count");
    assert_eq!(stored, 0, "nothing of the cancelled file is stored");

    let mut io = StopsAfter {
        input: io.input,
        steps: 0,
        after: u64::MAX,
    };
    run(&store, true, now, &mut io).expect("the same file imports when not stopped");
    let stored = store
        .read_blocking(|r| r.count::<crate::claims::ClaimRecord>())
        .expect("count");
    assert_eq!(stored, 3 * PROGRESS_EVERY);
}

/// Claims before the members file: every row names an unregistered person, and the report
/// stops at MAX_LINE_ERRORS like every other refusal (it once listed every row).
#[test]
fn a_file_of_unregistered_people_reports_at_most_the_error_limit() {
    use chrono::{TimeZone as _, Utc};

    let dir = tempfile::tempdir().expect("temp dir");
    let store = Store::open(&dir.path().join("kenpo.redb")).expect("open");
    let now = Utc
        .with_ymd_and_hms(2026, 11, 2, 1, 0, 0)
        .single()
        .expect("time");
    let mut claims = String::from(
        "レセプト番号,記号,番号,枝番,診療年月,区分,医療機関等名称,日数,医療費総額,自己負担額,給付金\n",
    );
    for i in 0..MAX_LINE_ERRORS + 5 {
        claims.push_str(&format!(
            "C{i:09},9999,1,00,202409,外来,試験クリニック,1,1000,300,0\n"
        ));
    }
    let result = import_claims(
        &store,
        Box::new(std::io::Cursor::new(claims.into_bytes())),
        0,
        false,
        now,
        "cli",
        &mut |_, _| ControlFlow::Continue(()),
    );
    let Err(ClaimImportError::File(ImportError::Lines(errors))) = result else {
        panic!("expected a refusal by line");
    };
    assert_eq!(errors.len(), MAX_LINE_ERRORS);
}

/// A receipt number twice in one file is refused even when its first row equals the stored
/// claim (that row leaves the index on its old batch, so the writer alone cannot tell).
#[test]
fn a_receipt_number_repeated_after_an_unchanged_row_is_refused_too() {
    use chrono::{TimeZone as _, Utc};

    let dir = tempfile::tempdir().expect("temp dir");
    let store = Store::open(&dir.path().join("kenpo.redb")).expect("open");
    let now = Utc
        .with_ymd_and_hms(2026, 11, 2, 1, 0, 0)
        .single()
        .expect("time");
    let person =
        crate::claims::totals::tests::person(&crate::claims::totals::tests::household("105"), "00");
    store
        .write_blocking(|w| {
            use crate::store::StoreKey as _;
            w.put(&person.key().store_key(), &person)
        })
        .expect("person");
    let header = "レセプト番号,記号,番号,枝番,診療年月,区分,医療機関等名称,日数,医療費総額,自己負担額,給付金\n";
    let row = "C1,1201,105,00,202409,外来,試験クリニック,1,1000,300,0\n";
    let import = |text: String| {
        import_claims(
            &store,
            Box::new(std::io::Cursor::new(text.into_bytes())),
            0,
            false,
            now,
            "cli",
            &mut |_, _| ControlFlow::Continue(()),
        )
    };
    import(format!("{header}{row}")).expect("first import");
    let changed = "C1,1201,105,00,202409,外来,試験クリニック,1,9000,2700,0\n";
    let result = import(format!("{header}{row}{changed}"));
    let Err(ClaimImportError::File(ImportError::Lines(errors))) = result else {
        panic!("expected a refusal by line, got {result:?}");
    };
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].line, 3, "{errors:?}");
    let costs: Vec<u64> = store
        .read_blocking(|r| r.scan::<crate::claims::ClaimRecord>(""))
        .expect("read")
        .into_iter()
        .map(|(_, r)| u64::from(r.claim.total_cost))
        .collect();
    assert_eq!(costs, [1000], "the stored claim is untouched");
}
