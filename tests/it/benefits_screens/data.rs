//! The plan's hand-checked decisions (plan §8) written straight into the data file, and
//! what the screen tests read back from pages.

use crate::app::{TestApp, spawn_app, t0};
use crate::claims::{CLAIMS_UTF8, csv, import, register_yamada};
use kenpo::audit::AuditEntry;
use kenpo::benefits::model::{BenefitIndex, BenefitRecord, benefit_key};
use kenpo::claims::{Batch, BatchKind};
use kenpo::domain::benefit::{BenefitDecision, BenefitKinds};
use kenpo::domain::claim::YearMonth;
use kenpo::domain::member::HouseholdKey;
use kenpo::domain::yen::Yen;

/// A 2025-12 claim of 山田 太郎 that a decision of 2026 pays back in part.
pub const DECEMBER: &str =
    "2025120009,1201,105,00,202512,外来,年末内科クリニック,1,300000,90000,0\n";

/// 決定番号, 記号-番号-枝番, 給付種別, 対象開始, 対象終了, 支給額, 決定日 (the plan's table).
pub const DECISIONS: &[(&str, &str, &str, u32, u32, u64, u32)] = &[
    (
        "K-0001",
        "1201-105-00",
        "一部負担還元金",
        202503,
        202503,
        2_000,
        20250610,
    ),
    (
        "K-0002",
        "1201-105-02",
        "家族療養費付加金",
        202504,
        202504,
        2_000,
        20250710,
    ),
    (
        "K-0003",
        "1201-105-01",
        "家族出産育児一時金",
        202505,
        202505,
        500_000,
        20250620,
    ),
    (
        "K-0004",
        "1201-105-00",
        "傷病手当金",
        202503,
        202503,
        120_000,
        20250420,
    ),
    (
        "K-0005",
        "1201-106-00",
        "高額療養費",
        202506,
        202506,
        214_602,
        20250910,
    ),
    (
        "K-0006",
        "1201-106-00",
        "一部負担還元金",
        202506,
        202506,
        55_100,
        20250910,
    ),
    (
        "K-0007",
        "1202-7-01",
        "療養費",
        202506,
        202506,
        30_000,
        20250910,
    ),
    (
        "K-0008",
        "1201-105-00",
        "高額療養費",
        202512,
        202512,
        9_000,
        20260310,
    ),
];

pub fn decision(row: &(&str, &str, &str, u32, u32, u64, u32)) -> BenefitDecision {
    let &(number, person, kind, from, to, amount, decided) = row;
    let (household, branch) = person.rsplit_once('-').expect("person");
    let month = |m: u32| YearMonth::new((m / 100) as i32, m % 100).expect("month");
    let day = |d: u32| {
        chrono::NaiveDate::from_ymd_opt((d / 10000) as i32, d / 100 % 100, d % 100).expect("day")
    };
    BenefitDecision {
        number: number.into(),
        household: HouseholdKey::parse_display(household).expect("household"),
        branch: branch.into(),
        kind: kind.into(),
        class: BenefitKinds::default().find(kind).expect("kind").class,
        from: month(from),
        to: month(to),
        decided_on: day(decided),
        amount: Yen::clamped(amount),
        pay_on: day(decided) + chrono::Duration::days(40),
    }
}

/// Stores `decisions` as benefit batch `batch`, as the import and publication leave them.
pub async fn put_decisions(
    app: &TestApp,
    batch: &str,
    published: bool,
    decisions: Vec<BenefitDecision>,
) {
    let batch = batch.to_string();
    app.store()
        .write(move |w| {
            let record = Batch {
                id: batch.clone(),
                kind: BatchKind::Benefits,
                imported_at: t0(),
                imported_by: "cli".into(),
                rows: decisions.len() as u64,
                added: decisions.len() as u64,
                replaced: 0,
                unchanged: 0,
                first_month: decisions.iter().map(|d| d.from).min(),
                last_month: decisions.iter().map(|d| d.to).max(),
                published_at: published.then(t0),
                published_by: published.then(|| "cli".to_string()),
            };
            w.put(&batch, &record)?;
            for d in decisions {
                let key = benefit_key(&d);
                w.put(
                    &d.number,
                    &BenefitIndex {
                        key: key.clone(),
                        batch: batch.clone(),
                    },
                )?;
                w.put(
                    &key,
                    &BenefitRecord {
                        batch: batch.clone(),
                        decision: d,
                    },
                )?;
            }
            anyhow::Ok(())
        })
        .await
        .expect("decisions");
}

/// 1201-105 logged in; the claims of 2025 and the plan's decisions published, and one
/// more decision (K-0099) in a batch not yet published.
pub async fn member_with_decisions() -> TestApp {
    let app = spawn_app().await;
    register_yamada(&app).await;
    import(&app, CLAIMS_UTF8.to_vec(), true).await;
    import(&app, csv(DECEMBER), true).await;
    put_decisions(
        &app,
        "00000000000000000901",
        true,
        DECISIONS.iter().map(decision).collect(),
    )
    .await;
    let draft = (
        "K-0099",
        "1201-105-00",
        "高額療養費",
        202503,
        202503,
        500,
        20250610,
    );
    put_decisions(&app, "00000000000000000902", false, vec![decision(&draft)]).await;
    app
}

/// The cells of every row of the list's tables, and their footers.
pub fn rows(body: &str, part: &str) -> Vec<Vec<String>> {
    let doc = scraper::Html::parse_document(body);
    let sel = scraper::Selector::parse(&format!("table.benefits {part} tr")).expect("selector");
    let cell = scraper::Selector::parse("th, td").expect("selector");
    doc.select(&sel)
        .map(|tr| {
            tr.select(&cell)
                .map(|c| c.text().collect::<String>().trim().to_string())
                .filter(|t| !t.is_empty())
                .collect()
        })
        .collect()
}

/// A 404 page without its request id (the one part that differs between requests).
pub fn without_request_id(body: &str) -> String {
    match body.split_once("お問い合わせ番号: ") {
        Some((head, tail)) => format!("{head}{}", tail.get(8..).unwrap_or("")),
        None => body.to_string(),
    }
}

pub async fn views(app: &TestApp) -> Vec<AuditEntry> {
    app.store()
        .read(|r| r.scan::<AuditEntry>(""))
        .await
        .expect("audit")
        .into_iter()
        .map(|(_, e)| e)
        .filter(|e| e.action == "benefits.viewed")
        .collect()
}
