//! The outcomes of storing a claim, and what each leaves in the claim tables.

use chrono::{TimeZone as _, Utc};

use super::*;
use crate::claims::model::claim_month_key;
use crate::domain::claim::{ClaimKind, YearMonth};
use crate::domain::member::HouseholdKey;
use crate::domain::yen::Yen;
use crate::store::Store;

fn claim(receipt: &str, month: u32, cost: u64) -> Claim {
    Claim {
        receipt_number: receipt.into(),
        household: HouseholdKey {
            symbol: "1201".into(),
            number: "105".into(),
        },
        branch: "00".into(),
        month: YearMonth::new(2025, month).expect("month"),
        kind: ClaimKind::Outpatient,
        provider: "本郷内科クリニック".into(),
        days: 1,
        total_cost: Yen::clamped(cost),
        self_pay: Yen::ZERO,
        benefit: Yen::ZERO,
    }
}

/// Stores `claims` as one batch; returns the outcomes and the batch id.
fn batch(store: &Store, publishing: bool, claims: &[Claim]) -> (Vec<Outcome>, String) {
    let now = Utc
        .with_ymd_and_hms(2026, 1, 5, 1, 0, 0)
        .single()
        .expect("time");
    store
        .write_blocking(|w| {
            let mut b = BatchWriter::start(w, now, "test", publishing)?;
            let outcomes = claims
                .iter()
                .map(|c| b.put(w, c.clone()))
                .collect::<anyhow::Result<Vec<_>>>()?;
            let id = b.finish(w)?.id;
            Ok::<_, anyhow::Error>((outcomes, id))
        })
        .expect("batch")
}

fn index(store: &Store, receipt: &str) -> Option<ClaimIndex> {
    store
        .read_blocking(|r| r.get::<ClaimIndex>(receipt))
        .expect("index")
}

fn claims(store: &Store) -> Vec<(String, ClaimRecord)> {
    store
        .read_blocking(|r| r.scan::<ClaimRecord>(""))
        .expect("claims")
}

#[test]
fn a_number_twice_in_one_batch_keeps_the_first_row() {
    let dir = tempfile::tempdir().expect("dir");
    let store = Store::open(&dir.path().join("k.redb")).expect("open");
    let first = claim("R1", 3, 1000);
    let (outcomes, id) = batch(&store, false, &[first.clone(), claim("R1", 4, 2000)]);
    assert_eq!(outcomes, [Outcome::Added, Outcome::Duplicate]);
    let kept = index(&store, "R1").expect("indexed");
    assert_eq!((kept.key, kept.batch), (claim_key(&first), id.clone()));
    assert_eq!(claims(&store).len(), 1);
}

#[test]
fn an_unchanged_claim_keeps_its_batch_unless_published_with_the_new_one() {
    let dir = tempfile::tempdir().expect("dir");
    let store = Store::open(&dir.path().join("k.redb")).expect("open");
    let c = claim("R1", 3, 1000);
    let (_, first) = batch(&store, false, std::slice::from_ref(&c));
    let (outcomes, _) = batch(&store, false, std::slice::from_ref(&c));
    assert_eq!(outcomes, [Outcome::Unchanged]);
    assert_eq!(index(&store, "R1").expect("indexed").batch, first);
    assert_eq!(claims(&store)[0].1.batch, first);
    // Published with a new batch, the still unpublished claim moves into it.
    let (outcomes, third) = batch(&store, true, std::slice::from_ref(&c));
    assert_eq!(outcomes, [Outcome::Unchanged]);
    assert_eq!(index(&store, "R1").expect("indexed").batch, third);
    assert_eq!(claims(&store)[0].1.batch, third);
}

#[test]
fn a_replaced_claim_moves_with_its_index_and_month_mark() {
    let dir = tempfile::tempdir().expect("dir");
    let store = Store::open(&dir.path().join("k.redb")).expect("open");
    batch(&store, false, &[claim("R1", 3, 1000)]);
    let moved = claim("R1", 5, 1000);
    let (outcomes, id) = batch(&store, false, std::slice::from_ref(&moved));
    assert_eq!(outcomes, [Outcome::Replaced]);
    let stored = claims(&store);
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].0, claim_key(&moved));
    assert_eq!(index(&store, "R1").expect("indexed").batch, id);
    let mark = store
        .read_blocking(|r| r.get::<ClaimMonth>(&claim_month_key(&moved)))
        .expect("mark");
    assert!(mark.is_some());
}
