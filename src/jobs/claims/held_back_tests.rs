//! Claim files longer than the rows an import holds back (`HELD_BACK_BYTES`, 2 KiB in unit
//! tests, about a dozen rows): the rows are written in key order in several steps, and a
//! receipt number twice in the file is refused at its second line wherever the two are.
//! Test code only (`#[cfg(test)]` in `claims.rs`): an `expect` or `panic!` here fails the test.

use chrono::{DateTime, TimeZone as _, Utc};

use super::*;
use crate::claims::totals::tests::{household, person};
use crate::claims::{ClaimIndex, ClaimRecord};
use crate::store::StoreKey as _;

const HEADER: &str =
    "レセプト番号,記号,番号,枝番,診療年月,区分,医療機関等名称,日数,医療費総額,自己負担額,給付金\n";

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 2, 1, 0, 0)
        .single()
        .expect("time")
}

/// A data file with the people 1201-105-00 and 1201-106-00.
fn store(dir: &tempfile::TempDir) -> Store {
    let store = Store::open(&dir.path().join("kenpo.redb")).expect("open");
    store
        .write_blocking(|w| {
            for number in ["105", "106"] {
                let p = person(&household(number), "00");
                w.put(&p.key().store_key(), &p)?;
            }
            Ok::<_, anyhow::Error>(())
        })
        .expect("people");
    store
}

/// A claim row; the receipt numbers come in an order far from their sorted one.
fn row(receipt: &str, i: u64) -> String {
    let number = if i.is_multiple_of(2) { "105" } else { "106" };
    let cost = 1000 + i;
    format!(
        "{receipt},1201,{number},00,2024{:02},外来,試験クリニック{i},1,{cost},300,0\n",
        1 + i % 12
    )
}

fn file(rows: &[String]) -> String {
    format!("{HEADER}{}", rows.concat())
}

fn receipts(n: u64) -> Vec<String> {
    (0..n).map(|i| format!("R{:05}", (i * 37) % n)).collect()
}

fn import(store: &Store, text: String) -> Result<ClaimImportSummary, ClaimImportError> {
    import_claims(
        store,
        Box::new(std::io::Cursor::new(text.into_bytes())),
        0,
        false,
        now(),
        "cli",
        &mut |_, _| ControlFlow::Continue(()),
    )
}

fn refused_lines(result: Result<ClaimImportSummary, ClaimImportError>) -> Vec<(u64, String)> {
    let Err(ClaimImportError::File(ImportError::Lines(errors))) = result else {
        panic!("expected a refusal by line, got {result:?}");
    };
    errors
        .into_iter()
        .map(|e| (e.line, e.column.unwrap_or_default()))
        .collect()
}

fn stored(store: &Store) -> (u64, u64) {
    store
        .read_blocking(|r| {
            Ok::<_, anyhow::Error>((r.count::<ClaimRecord>()?, r.count::<ClaimIndex>()?))
        })
        .expect("count")
}

#[test]
fn a_file_longer_than_the_rows_held_back_stores_every_row_once() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = store(&dir);
    let rows: Vec<String> = receipts(300)
        .iter()
        .zip(0..)
        .map(|(r, i)| row(r, i))
        .collect();
    let summary = import(&store, file(&rows)).expect("import");
    assert_eq!((summary.batch.rows, summary.batch.added), (300, 300));
    assert_eq!(stored(&store), (300, 300));
    // The same file again: every row unchanged, nothing written twice.
    let again = import(&store, file(&rows)).expect("import again");
    assert_eq!((again.batch.unchanged, again.batch.added), (300, 0));
    assert_eq!(stored(&store), (300, 300));
    let path = store.path().to_path_buf();
    drop(store);
    let report = crate::jobs::verify::verify_file(&path).expect("verify");
    assert!(report.is_consistent(), "{:?}", report.problems);
}

#[test]
fn a_number_twice_is_refused_at_its_second_line_near_or_far_apart() {
    for (first, second) in [(3usize, 9usize), (3, 250), (120, 121), (200, 299)] {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = store(&dir);
        let mut numbers = receipts(300);
        numbers[second] = numbers[first].clone();
        let rows: Vec<String> = numbers.iter().zip(0..).map(|(r, i)| row(r, i)).collect();
        let lines = refused_lines(import(&store, file(&rows)));
        // Line 1 is the header: row i is on line i + 2.
        let at = second as u64 + 2;
        assert_eq!(
            lines,
            [(at, "レセプト番号".to_string())],
            "rows {first} and {second}"
        );
        assert_eq!(stored(&store), (0, 0), "all rows or none");
    }
}

#[test]
fn a_repeated_number_comes_first_among_the_problems_it_precedes() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = store(&dir);
    let mut numbers = receipts(100);
    numbers[60] = numbers[10].clone();
    numbers[80] = numbers[20].clone();
    let mut rows: Vec<String> = numbers.iter().zip(0..).map(|(r, i)| row(r, i)).collect();
    rows[70] = "R99999,1201,105,00,202413,外来,試験クリニック,1,1000,300,0\n".into();
    let lines: Vec<u64> = refused_lines(import(&store, file(&rows)))
        .into_iter()
        .map(|(line, _)| line)
        .collect();
    // As the rows are read: the first repeat (line 62), then the bad month (line 72); once
    // a problem is found no row is stored, so the second repeat is not looked for.
    assert_eq!(lines, [62, 72]);
}

#[test]
fn a_number_repeated_after_an_unchanged_row_is_refused_past_the_rows_held_back() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = store(&dir);
    let rows: Vec<String> = receipts(200)
        .iter()
        .zip(0..)
        .map(|(r, i)| row(r, i))
        .collect();
    import(&store, file(&rows)).expect("first import");
    let mut again = rows.clone();
    // Row 5 is unchanged and stays on the first batch; row 190 brings its number again.
    again[190] = row(&receipts(200)[5], 9_999);
    let lines = refused_lines(import(&store, file(&again)));
    assert_eq!(lines, [(192, "レセプト番号".to_string())]);
}
