//! Adding and removing the union's own 給付種別: each refusal says why beside its field and
//! changes nothing; a name in use stays.

use chrono::{NaiveDate, TimeZone as _, Utc};

use super::*;
use crate::domain::benefit::BenefitDecision;
use crate::domain::claim::YearMonth;
use crate::domain::member::HouseholdKey;
use crate::domain::yen::Yen;
use crate::store::Store;

fn input(name: &str, class: &str) -> KindInput {
    KindInput {
        name: name.into(),
        class: class.into(),
        explanation: String::new(),
    }
}

fn fields(r: Result<CustomBenefitKind, FieldErrors>) -> Vec<&'static str> {
    r.err()
        .unwrap_or_default()
        .into_iter()
        .map(|(f, _)| f)
        .collect()
}

#[test]
fn refusals_name_their_field() {
    let have = [CustomBenefitKind {
        name: "人間ドック補助金".into(),
        class: OffsetClass::None,
        explanation: String::new(),
    }];
    assert_eq!(fields(parse(&input("", "none"), &have)), ["name"]);
    assert_eq!(fields(parse(&input("高額療養費", "none"), &have)), ["name"]);
    assert_eq!(
        fields(parse(&input(" 人間ドック補助金 ", "none"), &have)),
        ["name"]
    );
    assert_eq!(
        fields(parse(&input("見舞金,特別", "none"), &have)),
        ["name"]
    );
    assert_eq!(fields(parse(&input("見舞金", "maybe"), &have)), ["class"]);
    let long = KindInput {
        explanation: "あ".repeat(MAX_EXPLANATION_CHARS + 1),
        ..input("見舞金", "none")
    };
    assert_eq!(fields(parse(&long, &have)), ["explanation"]);
    let ok = parse(&input("　見舞金 ", "receipt"), &have).expect("valid");
    assert_eq!(
        (ok.name.as_str(), ok.class),
        ("見舞金", OffsetClass::Receipt)
    );
}

#[test]
fn a_name_a_spreadsheet_reads_as_a_formula_is_refused() {
    // The export writes such a name as text ('=…), which the import then refuses: the
    // union's own export would no longer round-trip (SPEC §6.5).
    for name in ["=1+2", "+還元金", "-還元金", "@還元金", "=HYPERLINK('x')"] {
        assert_eq!(fields(parse(&input(name, "none"), &[])), ["name"], "{name}");
    }
    let ok = parse(&input("還元金-特別", "none"), &[]).expect("a sign inside is fine");
    assert_eq!(ok.name, "還元金-特別");
}

#[test]
fn a_kind_in_use_is_not_removed_and_an_unused_one_is() {
    let dir = tempfile::tempdir().expect("dir");
    let store = Store::open(&dir.path().join("k.redb")).expect("open");
    let now = Utc
        .with_ymd_and_hms(2026, 11, 2, 1, 0, 0)
        .single()
        .expect("now");
    let day = NaiveDate::from_ymd_opt(2026, 10, 1).expect("day");
    let month = YearMonth::new(2026, 8).expect("month");
    store
        .write_blocking(|w| {
            for name in ["見舞金", "祝金"] {
                add(w, &input(name, "none"), "staff:admin", now)?
                    .map_err(|e| anyhow::anyhow!("{e:?}"))?;
            }
            let d = BenefitDecision {
                number: "K-1".into(),
                household: HouseholdKey::new("1201", "105")?,
                branch: "00".into(),
                kind: "見舞金".into(),
                class: OffsetClass::None,
                from: month,
                to: month,
                decided_on: day,
                amount: Yen::new(5_000).ok_or(anyhow::anyhow!("yen"))?,
                pay_on: day,
            };
            w.put(
                &crate::benefits::model::benefit_key(&d),
                &BenefitRecord {
                    batch: "00000000000000000001".into(),
                    decision: d,
                },
            )
        })
        .expect("set up");
    let (in_use, unknown, removed) = store
        .write_blocking(|w| {
            Ok::<_, anyhow::Error>((
                remove(w, "見舞金", "staff:admin", now)?.err(),
                remove(w, "餞別", "staff:admin", now)?.err(),
                remove(w, "祝金", "staff:admin", now)?.map(|s| s.benefit_kinds),
            ))
        })
        .expect("remove");
    assert_eq!(in_use, Some(RemoveError::InUse(1)));
    assert_eq!(
        in_use.map(|e| e.message("見舞金")).as_deref(),
        Some("「見舞金」は取り込み済みの支給決定 1 件で使われているため削除できません")
    );
    assert_eq!(unknown, Some(RemoveError::Unknown));
    let left: Vec<String> = removed
        .expect("removed")
        .into_iter()
        .map(|k| k.name)
        .collect();
    assert_eq!(left, ["見舞金"]);
}
