use super::{BENEFITS_SJIS, BENEFITS_UTF8, only_line_error};
use crate::domain::benefit::{BenefitDecision, BenefitKinds, CustomBenefitKind, OffsetClass};
use crate::domain::claim::YearMonth;
use crate::import::{BenefitReader, ImportError, read_benefits};

const HEADER: &str =
    "決定番号,記号,番号,枝番,給付種別,対象開始年月,対象終了年月,決定日,支給額,支払予定日";
const GOOD: &str = "K-0001,1201,105,00,一部負担還元金,202503,202503,20250610,2000,20250731";

fn file(rows: &[&str]) -> Vec<u8> {
    let mut text = format!("{HEADER}\r\n");
    for row in rows {
        text.push_str(row);
        text.push_str("\r\n");
    }
    text.into_bytes()
}

fn read(rows: &[&str]) -> Result<Vec<BenefitDecision>, ImportError> {
    read_benefits(std::io::Cursor::new(file(rows)), &BenefitKinds::default())
}

/// The (column, message) of the one error of a one-row file.
fn refusal(row: &str) -> (Option<String>, String) {
    let error = only_line_error(read(&[GOOD, row]));
    assert_eq!(error.line, 3, "{error}");
    (error.column, error.message)
}

#[test]
fn utf8_sample_imports_with_line_numbers_and_classes() {
    let reader =
        BenefitReader::open(std::io::Cursor::new(BENEFITS_UTF8), BenefitKinds::default()).unwrap();
    let decisions: Vec<_> = reader.map(Result::unwrap).collect();
    assert_eq!(decisions.len(), 8);
    assert_eq!(decisions[0].0, 2);
    assert_eq!(decisions[7].0, 9);
    let (_, high) = &decisions[4];
    assert_eq!(high.number, "K-0005");
    assert_eq!(high.household.to_string(), "1201-106");
    assert_eq!(
        (high.kind.as_str(), high.class),
        ("高額療養費", OffsetClass::Receipt)
    );
    assert_eq!(high.amount.get(), 214_602);
    assert_eq!(high.from, YearMonth::new(2025, 6).unwrap());
    let classes: Vec<OffsetClass> = decisions.iter().map(|(_, d)| d.class).collect();
    assert_eq!(classes[2], OffsetClass::Outside);
    assert_eq!(classes[3], OffsetClass::None);
}

#[test]
fn shift_jis_twin_gives_the_same_decisions() {
    let kinds = BenefitKinds::default();
    let from_sjis = read_benefits(std::io::Cursor::new(BENEFITS_SJIS), &kinds).unwrap();
    assert_eq!(
        from_sjis,
        read_benefits(std::io::Cursor::new(BENEFITS_UTF8), &kinds).unwrap()
    );
    assert_eq!(from_sjis[1].kind, "家族療養費付加金");
}

#[test]
fn wrong_header_is_refused() {
    let result = read_benefits(
        std::io::Cursor::new("決定番号,記号\r\n".as_bytes().to_vec()),
        &BenefitKinds::default(),
    );
    assert!(
        matches!(result, Err(ImportError::Header { .. })),
        "{result:?}"
    );
}

#[test]
fn an_unknown_kind_lists_every_allowed_name_including_the_unions_own() {
    let (column, message) = refusal("K-9,1201,105,00,見舞金,202503,202503,20250610,2000,20250731");
    assert_eq!(column.as_deref(), Some("給付種別"));
    assert!(
        message.starts_with(
            "給付種別「見舞金」は次のいずれかで入力してください: 高額療養費・療養費・"
        ),
        "{message}"
    );
    assert!(message.contains("・埋葬料付加金"), "{message}");

    let kinds = BenefitKinds::new(&[CustomBenefitKind {
        name: "人間ドック補助金".into(),
        class: OffsetClass::None,
        explanation: String::new(),
    }]);
    let bad = file(&["K-9,1201,105,00,見舞金,202503,202503,20250610,2000,20250731"]);
    let error = only_line_error(read_benefits(std::io::Cursor::new(bad), &kinds));
    assert!(
        error.message.ends_with("・人間ドック補助金"),
        "{}",
        error.message
    );
    let own = file(&["K-9,1201,105,00,人間ドック補助金,202503,202503,20250610,2000,20250731"]);
    let read = read_benefits(std::io::Cursor::new(own), &kinds).unwrap();
    assert_eq!(read[0].class, OffsetClass::None);
}

#[test]
fn the_period_must_run_forward_within_twelve_months_and_not_after_the_decision() {
    let (column, message) =
        refusal("K-9,1201,105,00,高額療養費,202405,202403,20250310,2000,20250331");
    assert_eq!(column.as_deref(), Some("対象終了年月"));
    assert_eq!(
        message,
        "対象終了年月（202403）が対象開始年月（202405）より前です"
    );
    let (_, message) = refusal("K-9,1201,105,00,高額療養費,202401,202503,20250510,2000,20250531");
    assert_eq!(message, "対象期間が12か月を超えています（202401〜202503）");
    let twelve = "K-9,1201,105,00,合算高額療養費付加金,202408,202507,20251010,2000,20251031";
    assert_eq!(read(&[twelve]).map(|d| d.len()), Ok(1));
    let (column, message) =
        refusal("K-9,1201,105,00,高額療養費,202503,202504,20250310,2000,20250331");
    assert_eq!(column.as_deref(), Some("対象終了年月"));
    assert_eq!(message, "決定日（20250310）より後の月は対象にできません");
    let (column, _) = refusal("K-9,1201,105,00,高額療養費,2025-03,202503,20250310,2000,20250331");
    assert_eq!(column.as_deref(), Some("対象開始年月"));
}

#[test]
fn payment_comes_on_or_after_the_decision_and_is_at_least_one_yen() {
    let (column, message) =
        refusal("K-9,1201,105,00,高額療養費,202502,202502,20250310,2000,20250301");
    assert_eq!(column.as_deref(), Some("支払予定日"));
    assert_eq!(
        message,
        "支払予定日（20250301）が決定日（20250310）より前です"
    );
    let (column, message) = refusal("K-9,1201,105,00,高額療養費,202502,202502,20250310,0,20250331");
    assert_eq!(column.as_deref(), Some("支給額"));
    assert_eq!(message, "支給額は1円以上で入力してください");
    let (column, _) = refusal("K-9,1201,105,00,高額療養費,202502,202502,2025/03/10,100,20250331");
    assert_eq!(column.as_deref(), Some("決定日"));
}

#[test]
fn a_decision_number_is_half_width_alphanumerics() {
    let (column, message) =
        refusal("決定１,1201,105,00,高額療養費,202502,202502,20250310,2000,20250331");
    assert_eq!(column.as_deref(), Some("決定番号"));
    assert_eq!(
        message,
        "決定番号「決定１」は半角の英数字（40文字まで）で入力してください"
    );
    let (column, _) = refusal(",1201,105,00,高額療養費,202502,202502,20250310,2000,20250331");
    assert_eq!(column.as_deref(), Some("決定番号"));
}

#[test]
fn several_problems_of_a_line_are_each_named() {
    let result = read(&["K-9,1201,105,00,見舞金,202502,202502,20250310,0,20250301"]);
    let Err(ImportError::Lines(errors)) = result else {
        panic!("expected line errors, got {result:?}");
    };
    let columns: Vec<_> = errors.iter().filter_map(|e| e.column.as_deref()).collect();
    assert_eq!(columns, ["給付種別", "支給額", "支払予定日"]);
}

/// The README's list of 給付種別 (section 「benefits.csv（支給決定）」) is `BUILTIN`, with
/// each kind's treatment in 医療費控除.
#[test]
fn the_readme_lists_every_builtin_kind_with_its_treatment() {
    use crate::domain::benefit::BUILTIN;
    let readme = include_str!("../../../README.md");
    for (name, statutory, class, _) in BUILTIN {
        let kind = if *statutory {
            "法定給付"
        } else {
            "付加給付"
        };
        let row = format!("| {name} | {kind} | {} |", class.label());
        assert!(readme.contains(&row), "README lacks the row {row}");
    }
    let rows = readme
        .lines()
        .filter(|l| l.contains(" | 法定給付 | ") || l.contains(" | 付加給付 | "))
        .count();
    assert_eq!(rows, BUILTIN.len(), "no name the code does not know");
}
