//! The expense screen reads a page's claims, not the household's every claim.
//! Test code only (`#[cfg(test)]` in `totals.rs`): an `expect` here fails the test.

use super::tests::{claim, household, import, person, ym};
use crate::claims::ClaimRecord;
use crate::claims::pages::{page_claims, visible_sums};
use crate::claims::query::visible_people;
use crate::domain::claim::Claim;
use crate::store::{Store, StoreKey as _};

/// A page of the expense screen reads the claims of the months it shows, not the
/// household's every claim; its sums read no claim at all.
#[test]
fn a_page_reads_only_the_claims_of_its_months() {
    let dir = tempfile::tempdir().expect("temp");
    let store = Store::open(&dir.path().join("k.redb")).expect("open");
    let a = household("1");
    store
        .write_blocking(|w| {
            let p = person(&a, "00");
            w.put(&p.key().store_key(), &p)
        })
        .expect("person");
    // 10 claims a month over 24 months: 240 claims, pages of 100 rows.
    let claims: Vec<Claim> = (0..240u32)
        .map(|i| {
            let month = crate::domain::expenses::add_months(ym(2024, 1), (i / 10) as i32);
            claim(&format!("R{i:04}"), &a, "00", month.expect("m"), 500)
        })
        .collect();
    import(&store, &claims, true);
    let (from, to) = (ym(2024, 1), ym(2025, 12));
    let (sums_read, first, first_read, last, last_read) = store
        .read_blocking(|r| {
            let people = visible_people(r, &a)?;
            let sums = visible_sums(r, &a, &people, from, to)?;
            let sums_read = r.decoded::<ClaimRecord>();
            let first = page_claims(r, &a, &people, &sums, 100, 1)?;
            let first_read = r.decoded::<ClaimRecord>() - sums_read;
            let last = page_claims(r, &a, &people, &sums, 100, 3)?;
            let last_read = r.decoded::<ClaimRecord>() - sums_read - first_read;
            Ok::<_, anyhow::Error>((sums_read, first, first_read, last, last_read))
        })
        .expect("read");
    assert_eq!(sums_read, 0, "the sums read no claim");
    assert_eq!((first.len(), first_read), (100, 100), "page 1: ten months");
    assert_eq!(first.first().map(|c| c.month), Some(ym(2025, 12)));
    assert_eq!(
        (last.len(), last_read),
        (40, 40),
        "page 3: the four oldest months"
    );
    assert_eq!(last.last().map(|c| c.month), Some(ym(2024, 1)));
}

/// The chart's years with data cost one sums row per year that has data (plus what a
/// year without any reads), not every sums row of the six years offered.
#[test]
fn years_with_claims_read_one_sums_row_per_year() {
    use crate::claims::pages::years_with_claims;
    use crate::claims::totals::ClaimTotals;

    let dir = tempfile::tempdir().expect("temp");
    let store = Store::open(&dir.path().join("k.redb")).expect("open");
    let a = household("1");
    store
        .write_blocking(|w| {
            let p = person(&a, "00");
            w.put(&p.key().store_key(), &p)
        })
        .expect("person");
    // Claims in every month of 2021, 2022, 2024 and 2025 (none in 2023): 48 sums rows.
    let claims: Vec<Claim> = [2021, 2022, 2024, 2025]
        .into_iter()
        .flat_map(|y| (1..=12u32).map(move |m| (y, m)))
        .map(|(y, m)| claim(&format!("R{y}{m:02}"), &a, "00", ym(y, m), 500))
        .collect();
    import(&store, &claims, true);
    let (years, read) = store
        .read_blocking(|r| {
            let people = visible_people(r, &a)?;
            let years = years_with_claims(r, &a, &people, 2020, 2025)?;
            Ok::<_, anyhow::Error>((years, r.decoded::<ClaimTotals>()))
        })
        .expect("read");
    assert_eq!(years, [2025, 2024, 2022, 2021]);
    assert_eq!(
        read, 4,
        "one row for each year with data, none for the others"
    );
}
