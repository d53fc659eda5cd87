//! A local `kenpo import claims` (issue #13, P3): the rows are written in key order and the
//! data file is compacted afterwards. Whatever the storage does, every claim is there once,
//! `kenpo verify` finds the file consistent, and importing the file again changes nothing.

use std::path::Path;
use std::process::{Command, Output};

fn kenpo(data: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kenpo"))
        .arg("--data")
        .arg(data)
        .args(args)
        .env_remove("KENPO_CACHE_MIB")
        .output()
        .expect("run kenpo")
}

fn ok(out: Output) -> String {
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{text}");
    text
}

/// 300 households of one person; 3,000 claims spread over them and 12 months, in an order
/// far from the claim table's.
fn files(dir: &Path) -> (std::path::PathBuf, std::path::PathBuf) {
    let mut members =
        "記号,番号,枝番,氏名,氏名カナ,生年月日,性別,続柄,資格取得日,資格喪失日,郵便番号,住所\n"
            .to_string();
    for i in 1..=300 {
        members.push_str(&format!(
            "2001,{i},00,試験　太郎{i},シケン　タロウ,19700101,1,本人,19920401,,1000001,東京都千代田区千代田1-{i}\n"
        ));
    }
    let mut claims = "レセプト番号,記号,番号,枝番,診療年月,区分,医療機関等名称,日数,医療費総額,自己負担額,給付金\n".to_string();
    for i in 0..3_000u64 {
        let total = 1_000 + (i * 37) % 50_000;
        claims.push_str(&format!(
            "K{:07},2001,{},00,2025{:02},外来,試験クリニック{},1,{total},{},0\n",
            (i * 7_919) % 3_000,
            1 + i % 300,
            1 + i % 12,
            i % 50,
            total * 3 / 10
        ));
    }
    let (m, c) = (dir.join("members.csv"), dir.join("claims.csv"));
    std::fs::write(&m, members).expect("members");
    std::fs::write(&c, claims).expect("claims");
    (m, c)
}

fn rows_of(report: &str, table: &str) -> Option<u64> {
    report.lines().find_map(|line| {
        let mut parts = line.split_whitespace();
        (parts.next() == Some(table)).then(|| parts.next()?.parse().ok())?
    })
}

#[test]
fn a_local_claim_import_stores_every_row_once_and_leaves_a_consistent_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("kenpo.redb");
    let (members, claims) = files(dir.path());
    let (members, claims) = (
        members.to_str().expect("utf-8"),
        claims.to_str().expect("utf-8"),
    );
    ok(kenpo(
        &data,
        &[
            "init",
            "--union-name",
            crate::app::UNION,
            "--insurer-number",
            crate::app::INSURER,
        ],
    ));
    ok(kenpo(&data, &["import", "members", members]));
    let first = ok(kenpo(&data, &["import", "claims", "--publish", claims]));
    assert!(first.contains("3000 件 / 新規 3000 件"), "{first}");
    let again = ok(kenpo(&data, &["import", "claims", "--publish", claims]));
    assert!(
        again.contains("新規 0 件 / 差し替え 0 件 / 変更なし 3000 件"),
        "{again}"
    );
    let (consistent, report) = crate::restore::verify_with_binary(&data);
    assert!(consistent, "{report}");
    for table in ["claims", "claim_index"] {
        assert_eq!(rows_of(&report, table), Some(3_000), "{table}: {report}");
    }
}
