//! The stored sums equal a full recount of `claims` after every kind of change (import,
//! publication, re-import, a person hidden, retention), and the screens' sums and pages
//! agree with the visible claims read one by one.

use std::collections::BTreeMap;

use chrono::{NaiveDate, TimeZone as _, Utc};

use super::*;
use crate::claims::pages::{page_claims, pages, total, visible_sums};
use crate::claims::query::{data_status, visible_claims, visible_people};
use crate::claims::retention::purge_expired_claims;
use crate::claims::{Batch, BatchWriter, publish};
use crate::domain::claim::ClaimKind;
use crate::domain::member::{Person, Relationship, Sex};
use crate::domain::yen::Yen;
use crate::store::{Store, StoreKey as _};

pub(crate) fn household(number: &str) -> HouseholdKey {
    HouseholdKey::new("1201", number).expect("household")
}

pub(super) fn ym(y: i32, m: u32) -> YearMonth {
    YearMonth::new(y, m).expect("month")
}

pub(crate) fn person(h: &HouseholdKey, branch: &str) -> Person {
    let date = NaiveDate::from_ymd_opt(1980, 1, 1).expect("date");
    Person {
        household: h.clone(),
        branch: branch.into(),
        name: format!("試験　{branch}"),
        kana: "シケン".into(),
        birth_date: date,
        sex: Sex::Female,
        relationship: if branch == "00" {
            Relationship::Insured
        } else {
            Relationship::Spouse
        },
        acquired: date,
        lost: None,
        postal_code: None,
        address: None,
        hidden_from_household: false,
    }
}

pub(super) fn claim(
    receipt: &str,
    h: &HouseholdKey,
    branch: &str,
    month: YearMonth,
    cost: u64,
) -> Claim {
    let yen = |n: u64| Yen::parse(&n.to_string()).expect("yen");
    Claim {
        receipt_number: receipt.into(),
        household: h.clone(),
        branch: branch.into(),
        month,
        kind: ClaimKind::Outpatient,
        provider: "試験クリニック".into(),
        days: u32::try_from(cost % 5).expect("days") + 1,
        total_cost: yen(cost),
        self_pay: yen(cost * 3 / 10),
        benefit: yen(cost % 7),
    }
}

fn at(y: i32, m: u32) -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, 2, 3, 0, 0)
        .single()
        .expect("time")
}

/// Imports `claims` as one batch (published with it when `publishing`); returns its id.
pub(super) fn import(store: &Store, claims: &[Claim], publishing: bool) -> String {
    store
        .write_blocking(|w| {
            let mut batch = BatchWriter::start(w, at(2026, 11), "cli", publishing)?;
            for c in claims {
                batch.put(w, c.clone())?;
            }
            let batch = batch.finish(w)?;
            if publishing {
                publish(w, &batch.id, at(2026, 11), "cli")?;
            }
            Ok::<_, anyhow::Error>(batch.id)
        })
        .expect("import")
}

/// `claim_totals` as stored, and as recounted from every claim.
fn stored_and_recounted(
    r: &Reader,
) -> anyhow::Result<(BTreeMap<String, ClaimTotals>, BTreeMap<String, ClaimTotals>)> {
    let stored: BTreeMap<_, _> = r.scan::<ClaimTotals>("")?.into_iter().collect();
    let mut recounted: BTreeMap<String, ClaimTotals> = BTreeMap::new();
    for (_, record) in r.scan::<ClaimRecord>("")? {
        count_into(&mut recounted, &record);
    }
    Ok((stored, recounted))
}

/// Everything the screens read from the sums agrees with the claims themselves.
fn check(store: &Store, households: &[HouseholdKey], step: &str) {
    store
        .read_blocking(|r| {
            let (stored, recounted) = stored_and_recounted(r)?;
            assert_eq!(
                stored, recounted,
                "after {step}: the stored sums differ from a recount"
            );
            let reach = r
                .scan::<Batch>("")?
                .into_iter()
                .fold(None, |reach, (_, b)| {
                    let (Some(at), Some(last)) = (b.published_at, b.last_month) else {
                        return reach;
                    };
                    Some(match reach {
                        None => (last, at),
                        Some((through, latest)) => (last.max(through), at.max(latest)),
                    })
                });
            let status = data_status(r)?.map(|s| (s.through, s.published_at));
            assert_eq!(
                status, reach,
                "after {step}: how far published data reaches"
            );
            let (from, to) = (YearMonth::MIN, ym(9999, 12));
            for h in households {
                let people = visible_people(r, h)?;
                let mut groups = vec![people.clone()];
                groups.extend(people.iter().map(|p| vec![p.clone()]));
                for shown in groups {
                    let claims = visible_claims(r, h, &shown, from, to)?;
                    let sums = visible_sums(r, h, &shown, from, to)?;
                    assert_eq!(
                        total(&sums),
                        Totals::of(&claims),
                        "after {step}: {h} totals"
                    );
                    for s in &sums {
                        let of_month = claims
                            .iter()
                            .filter(|c| c.month == s.month && c.branch == s.branch);
                        assert_eq!(s.totals, Totals::of(of_month), "after {step}: {h} {s:?}");
                    }
                    // Every page in turn gives back the claims, in order, each once.
                    for size in [1, 3, 7, 100] {
                        let n = pages(total(&sums).claims, size);
                        let mut paged = Vec::new();
                        for page in 1..=n {
                            paged.extend(page_claims(r, h, &shown, &sums, size, page)?);
                        }
                        assert_eq!(paged, claims, "after {step}: {h} pages of {size}");
                    }
                }
            }
            Ok::<_, anyhow::Error>(())
        })
        .expect("read");
}

#[test]
fn the_sums_follow_import_publication_reimport_hiding_and_retention() {
    let dir = tempfile::tempdir().expect("temp");
    let store = Store::open(&dir.path().join("k.redb")).expect("open");
    let (a, b) = (household("1"), household("2"));
    store
        .write_blocking(|w| {
            for p in [
                person(&a, "00"),
                person(&a, "01"),
                person(&a, "02"),
                person(&b, "00"),
            ] {
                w.put(&p.key().store_key(), &p)?;
            }
            Ok::<_, anyhow::Error>(())
        })
        .expect("people");
    let households = [a.clone(), b.clone()];
    // Months from 2021-06 to 2026-09: retention at 2026-11 (60 months) drops 2021-06..11.
    let month = |i: u32| crate::domain::expenses::add_months(ym(2021, 6), i as i32).expect("m");
    let first: Vec<Claim> = (0..120u32)
        .map(|i| {
            let (h, branch) = match i % 4 {
                0 => (&a, "00"),
                1 => (&a, "01"),
                2 => (&a, "02"),
                _ => (&b, "00"),
            };
            claim(
                &format!("R{i:04}"),
                h,
                branch,
                month(i / 2),
                1000 + u64::from(i) * 37,
            )
        })
        .collect();

    let one = import(&store, &first, false);
    check(&store, &households, "an unpublished import");
    store
        .write_blocking(|w| publish(w, &one, at(2026, 11), "cli").map(|_| ()))
        .expect("publish");
    check(&store, &households, "its publication");

    // A re-import, published with its import: the same rows, other amounts, other months,
    // and new rows.
    let mut second: Vec<Claim> = first.iter().step_by(3).cloned().collect();
    for (i, c) in second.iter_mut().enumerate() {
        match i % 3 {
            0 => {}
            1 => c.total_cost = Yen::parse("55555").expect("yen"),
            _ => c.month = month(60 - (i as u32 % 50)),
        }
    }
    second.push(claim("N0001", &a, "01", month(61), 4321));
    second.push(claim("N0002", &b, "00", month(3), 1234));
    import(&store, &second, true);
    check(&store, &households, "a published re-import");

    // An unpublished re-import replaces published claims: they leave the screens.
    let mut third: Vec<Claim> = first.iter().skip(1).step_by(5).cloned().collect();
    for c in &mut third {
        c.days += 10;
    }
    third.push(claim("N0003", &a, "02", month(10), 999));
    import(&store, &third, false);
    check(&store, &households, "an unpublished re-import");

    // The same rows again, published: claims waiting in the unpublished batch move.
    import(&store, &third[..third.len() / 2], true);
    check(&store, &households, "a published import of waiting rows");

    store
        .write_blocking(|w| {
            let mut p = person(&a, "01");
            p.hidden_from_household = true;
            w.put(&p.key().store_key(), &p)
        })
        .expect("hide");
    check(&store, &households, "hiding a person");

    let deleted = purge_expired_claims(&store, at(2026, 11), 3).expect("retention");
    assert!(
        deleted > 0,
        "retention deleted nothing: the test would prove nothing"
    );
    check(&store, &households, "retention");

    // Sums that reach zero leave no row behind.
    let rows = store
        .read_blocking(|r| r.scan::<ClaimTotals>(""))
        .expect("rows");
    assert!(rows.iter().all(|(_, t)| t.claims > 0));
}

#[test]
fn rebuild_recounts_every_claim() {
    let dir = tempfile::tempdir().expect("temp");
    let store = Store::open(&dir.path().join("k.redb")).expect("open");
    let a = household("1");
    let claims: Vec<Claim> = (0..30u32)
        .map(|i| {
            claim(
                &format!("R{i}"),
                &a,
                "00",
                ym(2025, 1 + i % 12),
                100 + u64::from(i),
            )
        })
        .collect();
    import(&store, &claims, true);
    let stored_before = store
        .read_blocking(|r| r.scan::<ClaimTotals>(""))
        .expect("rows");
    let seen = store
        .write_blocking(|w| {
            w.delete_prefix::<ClaimTotals>("")?;
            w.put("stray", &ClaimTotals::default())?;
            rebuild(w)
        })
        .expect("rebuild");
    assert_eq!(seen, 30);
    let (stored, recounted) = store.read_blocking(stored_and_recounted).expect("read");
    assert_eq!(stored, recounted);
    assert_eq!(stored.into_iter().collect::<Vec<_>>(), stored_before);
}
