//! Claims import and publication (SPEC §5.5, §6.2) against the real app: batches stay
//! invisible until published, mails reach only opted-in households and carry no medical
//! data, imports are all or nothing and safe to repeat, Shift_JIS equals UTF-8.

use std::time::Duration;

use kenpo::auth::model::{Account, HouseholdState};
use kenpo::claims::{Batch, ClaimRecord};
use kenpo::domain::member::HouseholdKey;
use kenpo::jobs::{self, Job, JobError};
use kenpo::mail::outbox::OutboxMail;
use kenpo::store::{Store, key};
use reqwest::StatusCode;

use crate::app::{
    AppOptions, CapturedIo, MEMBERS_UTF8, TestApp, remote, run_local, spawn_app, spawn_app_with, t0,
};
use crate::harness::smtp::SmtpServer;
use crate::registration::{execute, first_card, up_to_confirm};

pub const CLAIMS_UTF8: &[u8] = include_bytes!("../data/claims.utf8.csv");
pub const CLAIMS_SJIS: &[u8] = include_bytes!("../data/claims.sjis.csv");
const HEADER: &str =
    "レセプト番号,記号,番号,枝番,診療年月,区分,医療機関等名称,日数,医療費総額,自己負担額,給付金\n";
/// One claim of 2024 for 山田 太郎, from a provider no 2025 claim names.
pub const CLAIMS_2024: &str = "2024120007,1201,105,00,202412,外来,旧年クリニック,1,10000,3000,0\n";

pub fn csv(rows: &str) -> Vec<u8> {
    format!("{HEADER}{rows}").into_bytes()
}

pub fn store(app: &TestApp) -> Store {
    app.running
        .as_ref()
        .expect("server runs")
        .state
        .store
        .clone()
}

/// Runs `kenpo import claims` against the running server.
pub async fn import(app: &TestApp, file: Vec<u8>, publish: bool) -> CapturedIo {
    let data = app.data.clone();
    tokio::task::spawn_blocking(move || remote(&data, Job::ImportClaims { publish }, Some(file)))
        .await
        .expect("join")
}

/// Registers 1201-105 (山田 太郎, mail taro@example.jp, notification on) through the wizard;
/// the app's client is then logged in as that member.
pub async fn register_yamada(app: &TestApp) {
    let card = first_card(app).await;
    up_to_confirm(app, &card, "Yamada.Taro").await;
    execute(app).await;
    app.get("/register/done").await;
    assert_eq!(app.get("/menu").await.status, StatusCode::OK);
}

/// A registered account written straight into the store (no wizard, no login needed).
pub async fn put_account(app: &TestApp, household: &str, user: &str, notify: bool) {
    let household = HouseholdKey::parse_display(household).expect("household");
    let (user, email) = (user.to_string(), format!("{user}@example.jp"));
    store(app)
        .write(move |w| {
            w.put(
                &user,
                &Account {
                    user_id: user.clone(),
                    household: household.clone(),
                    email,
                    notify,
                    password_hash: String::new(),
                    password_changed_at: t0(),
                    created_at: t0(),
                    terms_version: 1,
                    failed_logins: 0,
                    locked_until: None,
                    last_login_at: None,
                    last_failed_login_at: None,
                    recovery: None,
                    must_change_password: false,
                    password_expires_at: None,
                    recovery_requests: Default::default(),
                },
            )?;
            let state = HouseholdState {
                account: Some(user.clone()),
                temporary_id: None,
            };
            w.put(&key(&[&household.symbol, &household.number]), &state)
        })
        .await
        .expect("account written");
}

pub async fn batches(app: &TestApp) -> Vec<Batch> {
    store(app)
        .read(|r| {
            Ok::<_, anyhow::Error>(r.scan::<Batch>("")?.into_iter().map(|(_, b)| b).collect())
        })
        .await
        .expect("batches")
}

async fn claim_records(store: &Store) -> Vec<(String, ClaimRecord)> {
    store
        .read(|r| r.scan::<ClaimRecord>(""))
        .await
        .expect("claims")
}

pub async fn publication_mails(app: &TestApp) -> Vec<OutboxMail> {
    store(app)
        .read(kenpo::mail::outbox::scan_opened)
        .await
        .expect("outbox")
        .into_iter()
        .map(|(_, m)| m)
        .filter(|m| m.subject.contains("新しい情報"))
        .collect()
}

#[tokio::test]
async fn an_imported_batch_is_invisible_until_published() {
    let app = spawn_app().await;
    register_yamada(&app).await;
    let io = import(&app, CLAIMS_UTF8.to_vec(), false).await;
    assert!(io.said[0].contains("6 件 / 新規 6 件"), "{:?}", io.said);
    assert!(io.said[0].contains("まだ公開していません"));

    let hidden = app.get("/menu/expenses?year=2025").await;
    assert_eq!(hidden.status, StatusCode::OK);
    assert!(!hidden.body.contains("本郷内科クリニック"));
    assert!(hidden.body.contains("掲載されている医療費はありません"));
    assert!(
        app.get("/menu")
            .await
            .body
            .contains("医療費情報はまだ掲載されていません")
    );

    let batch = batches(&app).await.remove(0);
    assert!(!batch.is_published());
    let summary = store(&app)
        .write(move |w| {
            kenpo::claims::publish(w, &batch.id, t0(), "staff:test").map_err(anyhow::Error::from)
        })
        .await
        .expect("published");
    assert_eq!(summary.households, 3);

    let shown = app.get("/menu/expenses?year=2025").await;
    assert!(shown.body.contains("本郷内科クリニック") && shown.body.contains("ほんごう歯科医院"));
    let menu = app.get("/menu").await.body;
    assert!(menu.contains("2025年6月診療分まで"), "{menu}");
}

#[tokio::test]
pub async fn publication_mails_only_opted_in_households_and_no_medical_data() {
    let smtp = SmtpServer::start();
    let app = spawn_app_with(AppOptions {
        smtp_port: Some(smtp.port),
    })
    .await;
    register_yamada(&app).await;
    put_account(&app, "1201-106", "takahashi", false).await;
    // 1202-7's insured person lost eligibility on 2026-03-31: no publication mail.
    put_account(&app, "1202-7", "sasaki", true).await;

    let io = import(&app, CLAIMS_UTF8.to_vec(), true).await;
    assert!(
        io.said[0].contains("対象 3 世帯 / お知らせメール 1 通"),
        "{:?}",
        io.said
    );

    let mails = publication_mails(&app).await;
    assert_eq!(mails.len(), 1);
    assert_eq!(mails[0].to, "taro@example.jp");
    let received = smtp
        .wait_for_mail(
            |m| m.subject.contains("新しい情報"),
            Duration::from_secs(10),
        )
        .await;
    assert_eq!(received.to, ["taro@example.jp"]);
    assert!(
        received.body.contains(&format!("{}/", app.url)),
        "login URL: {}",
        received.body
    );
    for secret in [
        "本郷",
        "薬局",
        "クリニック",
        "円",
        "山田",
        "太郎",
        "花子",
        "2025",
        "8460",
        "8,460",
        "外来",
    ] {
        assert!(
            !received.body.contains(secret),
            "{secret} in {}",
            received.body
        );
        assert!(!received.subject.contains(secret));
    }
}

#[tokio::test]
async fn re_importing_the_same_file_changes_nothing() {
    let app = spawn_app().await;
    register_yamada(&app).await;
    import(&app, CLAIMS_UTF8.to_vec(), true).await;
    let before = claim_records(&store(&app)).await;
    let page_before = app.get("/menu/expenses?year=2025").await.body;

    for publish in [true, false] {
        let io = import(&app, CLAIMS_UTF8.to_vec(), publish).await;
        assert!(
            io.said[0].contains("新規 0 件 / 差し替え 0 件 / 変更なし 6 件"),
            "{:?}",
            io.said
        );
    }
    assert_eq!(claim_records(&store(&app)).await, before);
    assert_eq!(publication_mails(&app).await.len(), 1, "no second mail");
    let page_after = app.get("/menu/expenses?year=2025").await.body;
    let table = |body: &str| body.split("<table").nth(1).map(str::to_string);
    assert_eq!(table(&page_after), table(&page_before));

    // A changed amount under the same レセプト番号 replaces the claim.
    let changed = String::from_utf8(CLAIMS_UTF8.to_vec())
        .expect("utf-8")
        .replace(",8460,2538,", ",9460,2838,");
    let io = import(&app, changed.into_bytes(), true).await;
    assert!(io.said[0].contains("差し替え 1 件"), "{:?}", io.said);
    let body = app.get("/menu/expenses?year=2025").await.body;
    assert!(body.contains("9,460円") && !body.contains("8,460円"));
    assert_eq!(claim_records(&store(&app)).await.len(), before.len());
}

fn local_data_with_members() -> (tempfile::TempDir, std::path::PathBuf) {
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
    (dir, data)
}

#[tokio::test]
async fn a_shift_jis_file_imports_the_same_as_its_utf8_twin() {
    let mut stored = Vec::new();
    for file in [CLAIMS_UTF8, CLAIMS_SJIS] {
        let (_dir, data) = local_data_with_members();
        let io = run_local(
            &data,
            Job::ImportClaims { publish: false },
            Some(file.to_vec()),
        );
        assert!(io.said[0].contains("新規 6 件"), "{:?}", io.said);
        let store = Store::open(&data).expect("open");
        stored.push(claim_records(&store).await);
    }
    assert_eq!(stored[0].len(), 6);
    assert_eq!(stored[0], stored[1]);
}

#[tokio::test]
async fn a_file_with_one_bad_line_imports_nothing_and_names_the_line() {
    let (_dir, data) = local_data_with_members();
    let file = csv(&format!(
        "{CLAIMS_2024}2025030001,1201,105,00,202503,外来,本郷内科クリニック,2,8460,2538,0\n\
         2025030002,1201,105,00,202503,薬局,本郷さくら薬局,1,3210,963,0\n\
         2025030003,1201,105,09,202503,外来,本郷内科クリニック,1,1000,300,0\n"
    ));
    let store = Store::open(&data).expect("open");
    let mut io = CapturedIo {
        input: Some(file),
        ..Default::default()
    };
    let result = jobs::run(Job::ImportClaims { publish: true }, &store, t0(), &mut io);
    let Err(JobError::User(message)) = result else {
        panic!("the import must be refused: {result:?}");
    };
    assert!(message.contains("4行目 「区分」"), "{message}");
    assert!(
        message.contains("5行目") && message.contains("1201-105-09"),
        "{message}"
    );
    assert!(message.contains("どの行も取り込んでいません"));
    assert!(claim_records(&store).await.is_empty());
    let batches = store.read(|r| r.count::<Batch>()).await.expect("count");
    assert_eq!(batches, 0);
}
