//! Benefit decisions (支給決定, SPEC §5.7, §6.4): `kenpo import benefits` against the real
//! app and data file. Shift_JIS equals UTF-8, a bad line is named by line and column and
//! changes nothing, the same 決定番号 replaces its decision, and a re-import is a no-op.

use kenpo::benefits::{BenefitIndex, BenefitMonth, BenefitRecord};
use kenpo::claims::{Batch, BatchKind, BatchPerson};
use kenpo::jobs::Job;
use kenpo::store::{Reader, Store};

use crate::app::{MEMBERS_UTF8, TestApp, remote, run_local, spawn_app};

pub const BENEFITS_UTF8: &[u8] = include_bytes!("../data/benefits.utf8.csv");
pub const BENEFITS_SJIS: &[u8] = include_bytes!("../data/benefits.sjis.csv");

/// The app with the test members imported (over the control socket).
pub async fn app_with_members() -> TestApp {
    let app = spawn_app().await;
    with_members(&app).await;
    app
}

/// Imports the test members into a running app (over the control socket).
pub async fn with_members(app: &TestApp) {
    let data = app.data.clone();
    tokio::task::spawn_blocking(move || {
        remote(&data, Job::ImportMembers, Some(MEMBERS_UTF8.to_vec()))
    })
    .await
    .expect("join");
}

/// Runs `kenpo import benefits` against the running server.
pub async fn import_benefits(app: &TestApp, file: Vec<u8>, publish: bool) -> Vec<String> {
    let data = app.data.clone();
    tokio::task::spawn_blocking(move || remote(&data, Job::ImportBenefits { publish }, Some(file)))
        .await
        .expect("join")
        .said
}

pub async fn decisions(store: &Store) -> Vec<(String, BenefitRecord)> {
    store
        .read(|r| r.scan::<BenefitRecord>(""))
        .await
        .expect("decisions")
}

/// Rows of every table an import writes: decisions, index, marks, batches, batch people.
fn counts(r: &Reader) -> anyhow::Result<[u64; 5]> {
    Ok([
        r.count::<BenefitRecord>()?,
        r.count::<BenefitIndex>()?,
        r.count::<BenefitMonth>()?,
        r.count::<Batch>()?,
        r.count::<BatchPerson>()?,
    ])
}

#[tokio::test]
async fn a_shift_jis_benefits_file_stores_the_same_records_as_its_utf8_twin() {
    let app = app_with_members().await;
    let said = import_benefits(&app, BENEFITS_UTF8.to_vec(), false).await;
    assert!(said[0].contains("8 件 / 新規 8 件"), "{said:?}");
    assert!(said[0].contains("まだ公開していません"), "{said:?}");
    let over_socket = decisions(&app.store()).await;

    let dir = tempfile::tempdir().expect("temp");
    let data = dir.path().join("kenpo.redb");
    run_local(
        &data,
        Job::Init {
            union_name: "組合".into(),
            insurer_number: "06131114".into(),
            service_name: None,
        },
        None,
    );
    run_local(&data, Job::ImportMembers, Some(MEMBERS_UTF8.to_vec()));
    let io = run_local(
        &data,
        Job::ImportBenefits { publish: false },
        Some(BENEFITS_SJIS.to_vec()),
    );
    assert!(io.said[0].contains("新規 8 件"), "{:?}", io.said);
    let local = decisions(&Store::open(&data).expect("open")).await;
    assert_eq!(over_socket.len(), 8);
    assert_eq!(over_socket, local);
    let batch = crate::claims::batches(&app).await.remove(0);
    assert_eq!(batch.kind, BatchKind::Benefits);
    assert!(!batch.is_published());
}

#[tokio::test]
async fn a_bad_line_exits_1_naming_line_and_column_and_changes_nothing() {
    let app = app_with_members().await;
    import_benefits(&app, BENEFITS_UTF8.to_vec(), false).await;
    let before = app.store().read(counts).await.expect("counts");

    let text = String::from_utf8(BENEFITS_UTF8.to_vec()).expect("utf-8");
    let broken = text
        .replace("家族療養費付加金", "見舞金")
        .replace(",2000,20250731", ",2500,20250731");
    let path = app.dir.path().join("benefits-bad.csv");
    std::fs::write(&path, broken).expect("write");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_kenpo"))
        .args(["import", "benefits"])
        .arg(&path)
        .env("KENPO_DATA", &app.data)
        .output()
        .expect("run kenpo");
    assert_eq!(out.status.code(), Some(1), "a user error");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("3行目 「給付種別」"), "{stderr}");
    assert!(
        stderr.contains("高額療養費・療養費・") && stderr.contains("一部負担還元金"),
        "lists the allowed names: {stderr}"
    );
    assert!(stderr.contains("どの行も取り込んでいません"), "{stderr}");
    assert_eq!(app.store().read(counts).await.expect("counts"), before);
    let kept = decisions(&app.store()).await;
    assert!(kept.iter().all(|(_, d)| d.decision.amount.get() != 2500));
}

#[tokio::test]
async fn a_changed_row_replaces_and_an_identical_re_import_changes_nothing() {
    let app = app_with_members().await;
    import_benefits(&app, BENEFITS_UTF8.to_vec(), true).await;
    let before = decisions(&app.store()).await;
    let counts_before = app.store().read(counts).await.expect("counts");

    let said = import_benefits(&app, BENEFITS_UTF8.to_vec(), true).await;
    assert!(
        said[0].contains("新規 0 件 / 差し替え 0 件 / 変更なし 8 件"),
        "{said:?}"
    );
    assert_eq!(decisions(&app.store()).await, before);

    // K-0002 with another amount and 決定日 replaces the stored decision.
    let text = String::from_utf8(BENEFITS_UTF8.to_vec()).expect("utf-8");
    let changed = text.replace(
        "K-0002,1201,105,02,家族療養費付加金,202504,202504,20250710,2000,20250831",
        "K-0002,1201,105,02,家族療養費付加金,202504,202504,20250715,1800,20250831",
    );
    let said = import_benefits(&app, changed.into_bytes(), true).await;
    assert!(
        said[0].contains("差し替え 1 件 / 変更なし 7 件"),
        "{said:?}"
    );
    let after = decisions(&app.store()).await;
    assert_eq!(after.len(), before.len());
    let k2: Vec<_> = after
        .iter()
        .filter(|(_, d)| d.decision.number == "K-0002")
        .collect();
    assert_eq!(k2.len(), 1);
    assert_eq!(k2[0].1.decision.amount.get(), 1800);
    let [records, index, ..] = app.store().read(counts).await.expect("counts");
    assert_eq!([records, index], [counts_before[0], counts_before[1]]);
}
