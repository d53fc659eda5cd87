//! The daily retention job (SPEC §5.8, issue 7 Settings): exactly the claims before the
//! window of the last `retention_months` months (Japan time) go, with their index entries.

use std::time::{Duration, Instant};

use kenpo::audit::AuditEntry;
use kenpo::claims::retention::{purge, purge_expired_claims, purge_until};
use kenpo::claims::{ClaimIndex, ClaimRecord};
use kenpo::clock::{Clock as _, ManualClock};
use kenpo::jobs::Job;
use kenpo::settings::UnionSettings;
use kenpo::store::{Record as _, Store};

use crate::app::{MEMBERS_UTF8, run_local, t0};
use crate::claims::csv;
use kenpo::settings::SETTINGS;

const OLD_CLAIMS: &str = "\
R202111,1201,105,00,202111,外来,古いクリニック,1,1000,300,0
R202112,1201,105,00,202112,外来,境目クリニック,1,1000,300,0
R202503,1201,105,00,202503,外来,新しいクリニック,1,1000,300,0
R202001,1201,106,00,202001,外来,古い病院,1,1000,300,0
S202112,1201,106,00,202112,調剤,境目薬局,1,1000,300,0
";

fn receipts(store: &Store) -> (Vec<String>, Vec<String>) {
    store
        .read_blocking(|r| {
            let claims = r.scan::<ClaimRecord>("")?;
            let index = r.scan::<ClaimIndex>("")?;
            let mut claims: Vec<String> = claims
                .into_iter()
                .map(|(_, c)| c.claim.receipt_number)
                .collect();
            let mut index: Vec<String> = index.into_iter().map(|(k, _)| k).collect();
            claims.sort();
            index.sort();
            Ok::<_, anyhow::Error>((claims, index))
        })
        .expect("read")
}

fn purge_audits(store: &Store) -> Vec<AuditEntry> {
    store
        .read_blocking(|r| r.scan::<AuditEntry>(""))
        .expect("audit")
        .into_iter()
        .map(|(_, a)| a)
        .filter(|a| a.action == "claims.retention_purged")
        .collect()
}

/// A union with its members and `OLD_CLAIMS` imported and published, in `dir`.
fn union_with_old_claims(dir: &std::path::Path) -> (std::path::PathBuf, Store) {
    let data = dir.join("kenpo.redb");
    run_local(
        &data,
        Job::Init {
            union_name: "テスト健康保険組合".into(),
            insurer_number: "06131114".into(),
            service_name: None,
        },
        None,
    );
    run_local(&data, Job::ImportMembers, Some(MEMBERS_UTF8.to_vec()));
    run_local(
        &data,
        Job::ImportClaims { publish: true },
        Some(csv(OLD_CLAIMS)),
    );
    let store = Store::open(&data).expect("store");
    (data, store)
}

#[test]
fn the_retention_job_deletes_exactly_the_claims_before_the_window() {
    let dir = tempfile::tempdir().expect("temp");
    let (data, store) = union_with_old_claims(dir.path());
    let clock = ManualClock::new(t0()); // 2026年11月 in Japan: 60 months = 2021年12月〜2026年11月

    assert_eq!(
        purge_expired_claims(&store, clock.now(), 1).expect("purge"),
        2
    );
    let (claims, index) = receipts(&store);
    assert_eq!(claims, ["R202112", "R202503", "S202112"]);
    assert_eq!(index, claims, "claims and index agree");
    let audits = purge_audits(&store);
    assert_eq!(audits.len(), 1);
    assert_eq!(audits[0].actor, "system");
    assert!(
        audits[0]
            .detail
            .as_deref()
            .unwrap_or("")
            .contains("deleted=2")
    );
    assert_eq!(
        purge_expired_claims(&store, clock.now(), 1000).expect("purge"),
        0
    );
    assert_eq!(
        purge_audits(&store).len(),
        1,
        "no row when nothing was deleted"
    );

    // The last second of November in Japan still keeps 2021年12月; the next one does not.
    clock.set(
        chrono::TimeZone::with_ymd_and_hms(&chrono::Utc, 2026, 11, 30, 14, 59, 59)
            .single()
            .expect("time"),
    );
    assert_eq!(
        purge_expired_claims(&store, clock.now(), 1000).expect("purge"),
        0
    );
    clock.advance(chrono::Duration::seconds(1));
    assert_eq!(
        purge_expired_claims(&store, clock.now(), 1000).expect("purge"),
        2
    );
    assert_eq!(receipts(&store).0, vec!["R202503"]);

    // A shorter period set by the 管理者 applies at the next run.
    store
        .write_blocking(|w| {
            let mut s = w.get::<UnionSettings>(SETTINGS)?.unwrap_or_default();
            s.retention_months = 12;
            w.put(SETTINGS, &s)
        })
        .expect("settings");
    assert_eq!(
        purge_expired_claims(&store, clock.now(), 1000).expect("purge"),
        1
    );
    let (claims, index) = receipts(&store);
    assert!(claims.is_empty() && index.is_empty());

    // A deleted receipt number imports again as a new claim.
    drop(store);
    let io = run_local(
        &data,
        Job::ImportClaims { publish: false },
        Some(csv(OLD_CLAIMS)),
    );
    assert!(io.said[0].contains("新規 5 件"), "{:?}", io.said);
}

/// Retention finds expired claims through their months (`claim_months`) and deletes them by
/// key range: it reads no claim it keeps. An unreadable kept claim proves it (reading it
/// would fail the purge), and a purge with nothing expired reads no mark and writes nothing.
#[test]
fn the_retention_job_reads_nothing_it_keeps() {
    let dir = tempfile::tempdir().expect("temp");
    let (_, store) = union_with_old_claims(dir.path());
    let kept = "1201\u{1f}105\u{1f}202503\u{1f}R202503";
    store
        .write_blocking(|w| w.put_raw(ClaimRecord::TABLE, kept, &[1, 0xff]))
        .expect("damage a kept claim");
    let now = t0(); // 2026年11月: 2021年11月 and 2020年1月 are expired.

    let done = purge(&store, now, 1).expect("purge");
    assert_eq!(done.deleted, 2);
    assert_eq!(done.marks_read, 3, "one look, then each expired mark once");
    assert_eq!(done.transactions, 3, "at most one claim per transaction");
    let (claims, index) = store
        .read_blocking(|r| {
            let claims = r.count::<ClaimRecord>()?;
            let index = r.scan::<ClaimIndex>("")?;
            Ok::<_, anyhow::Error>((claims, index))
        })
        .expect("read");
    assert_eq!(claims, 3);
    let kept_receipts: Vec<&str> = index.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(kept_receipts, ["R202112", "R202503", "S202112"]);

    let idle = purge(&store, now, 1000).expect("purge");
    assert_eq!(idle, Default::default(), "nothing expired: nothing read");
}

/// A stopping server does not wait for a long purge: asked before each transaction, the
/// purge ends at the first "stop", keeps (and audits) what it deleted, and the next run
/// deletes the rest.
#[test]
fn a_purge_asked_to_stop_ends_between_transactions_and_the_next_run_finishes_it() {
    let dir = tempfile::tempdir().expect("temp");
    let (data, store) = union_with_old_claims(dir.path());
    drop(store);
    // A second claim in 1201-106's 2020年1月: a month of two claims, in batches of one.
    run_local(
        &data,
        Job::ImportClaims { publish: true },
        Some(csv(
            "R202001B,1201,106,00,202001,外来,古い病院,1,2000,600,0\n",
        )),
    );
    let store = Store::open(&data).expect("store");
    let now = t0(); // 2026年11月: three claims, in two household-months, are expired.
    let asked = std::cell::Cell::new(0);
    let stop_after_one = || {
        asked.set(asked.get() + 1);
        asked.get() > 1
    };
    let done = purge_until(&store, now, 1, &stop_after_one).expect("purge");
    assert_eq!(done.transactions, 1);
    assert!(done.stopped && done.deleted >= 1);
    let audits = purge_audits(&store);
    assert_eq!(audits.len(), 1, "what was deleted is audited");
    let said = format!("deleted={}", done.deleted);
    assert!(audits[0].detail.as_deref().unwrap_or("").contains(&said));
    // A household's month goes whole with its sums: the file stopped here is consistent.
    drop(store);
    let report = kenpo::jobs::verify::verify_file(&data).expect("verify");
    assert!(report.problems.is_empty(), "{:?}", report.problems);
    let store = Store::open(&data).expect("store");
    let rest = purge(&store, now, 1000).expect("purge");
    assert_eq!(done.deleted + rest.deleted, 3);
    assert!(!rest.stopped);
    assert_eq!(receipts(&store).0, ["R202112", "R202503", "S202112"]);
}

#[tokio::test]
async fn the_server_runs_the_retention_job_when_it_starts() {
    let dir = tempfile::tempdir().expect("temp");
    let data = dir.path().join("kenpo.redb");
    let path = data.clone();
    tokio::task::spawn_blocking(move || {
        run_local(
            &path,
            Job::Init {
                union_name: "テスト健康保険組合".into(),
                insurer_number: "06131114".into(),
                service_name: None,
            },
            None,
        );
        run_local(&path, Job::ImportMembers, Some(MEMBERS_UTF8.to_vec()));
        run_local(
            &path,
            Job::ImportClaims { publish: true },
            Some(csv(OLD_CLAIMS)),
        );
    })
    .await
    .expect("join");
    let running = kenpo::server::start(kenpo::server::ServeOptions {
        data,
        listen: "127.0.0.1:0".into(),
        base_url: None,
        smtp: None,
        clock: std::sync::Arc::new(ManualClock::new(t0())),
        trusted_proxies: Vec::new(),
        limits: Default::default(),
        cache_mib: kenpo::store::SERVE_CACHE_MIB,
    })
    .await
    .expect("server starts");
    let store = running.state.store.clone();
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let s = store.clone();
        let (left, _) = tokio::task::spawn_blocking(move || receipts(&s))
            .await
            .expect("join");
        if left.len() == 3 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the retention job did not run: {left:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    running.stop().await.expect("stops");
}
