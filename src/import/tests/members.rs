use chrono::NaiveDate;

use super::{MEMBERS_SJIS, MEMBERS_UTF8, only_line_error};
use crate::domain::member::{HouseholdKey, Person, Relationship, Sex};
use crate::import::{ImportError, MAX_LINE_ERRORS, read_members, read_members_bytes};

const HEADER: &str =
    "記号,番号,枝番,氏名,氏名カナ,生年月日,性別,続柄,資格取得日,資格喪失日,郵便番号,住所";
const INSURED: &str =
    "1201,105,00,山田　太郎,ヤマダ　タロウ,19760418,1,本人,19990401,,1130033,東京都文京区本郷7-3-1";
const SPOUSE: &str = "1201,105,01,山田　花子,ヤマダ　ハナコ,19790822,2,配偶者,20050601,,,";

/// A member file with the header on line 1 and `rows` on the lines after it.
fn file(rows: &[&str]) -> String {
    let mut text = format!("{HEADER}\r\n");
    for row in rows {
        text.push_str(row);
        text.push_str("\r\n");
    }
    text
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn find<'a>(people: &'a [Person], key: &str, branch: &str) -> &'a Person {
    let key = HouseholdKey::parse_display(key).unwrap();
    people
        .iter()
        .find(|p| p.household == key && p.branch == branch)
        .unwrap()
}

#[test]
fn utf8_sample_imports() {
    let people = read_members_bytes(MEMBERS_UTF8).unwrap();
    assert_eq!(people.len(), 6);
    let taro = find(&people, "1201-105", "00");
    assert!(taro.is_insured());
    assert_eq!(taro.name, "山田　太郎");
    assert_eq!(taro.kana, "ヤマダ　タロウ");
    assert_eq!(taro.birth_date, date(1976, 4, 18));
    assert_eq!(taro.sex, Sex::Male);
    assert_eq!(taro.postal_code.as_deref(), Some("1130033"));
    let retired = find(&people, "1202-7", "00");
    assert_eq!(retired.lost, Some(date(2026, 3, 31)));
    let mother = find(&people, "1202-7", "01");
    assert_eq!(mother.relationship, Relationship::Mother);
    assert_eq!(mother.postal_code, None);
    assert_eq!(find(&people, "1201-106", "00").name, "髙橋　𠮷子");
}

#[test]
fn quoted_comma_in_address_is_kept() {
    let people = read_members_bytes(MEMBERS_UTF8).unwrap();
    assert_eq!(
        find(&people, "1201-106", "00").address.as_deref(),
        Some("大阪府大阪市中央区南船場3-1-1, 南船場ビル5F")
    );
}

#[test]
fn shift_jis_twin_gives_the_same_people_but_for_yoshi() {
    let mut from_utf8 = read_members_bytes(MEMBERS_UTF8).unwrap();
    for person in &mut from_utf8 {
        person.name = person.name.replace('𠮷', "吉");
    }
    let from_sjis = read_members_bytes(MEMBERS_SJIS).unwrap();
    assert_eq!(from_sjis, from_utf8);
    assert_eq!(find(&from_sjis, "1201-106", "00").name, "髙橋　吉子");
}

#[test]
fn bad_date_names_line_and_column() {
    let text = file(&[INSURED, &SPOUSE.replace("19790822", "19790230")]);
    let error = only_line_error(read_members(&text));
    assert_eq!(error.line, 3);
    assert_eq!(error.column.as_deref(), Some("生年月日"));
    assert_eq!(
        error.to_string(),
        "3行目 「生年月日」: 生年月日「19790230」は日付として正しくありません（YYYYMMDD の8桁で入力してください）"
    );
}

#[test]
fn wrong_header_is_refused() {
    let text = file(&[INSURED]).replacen("氏名,氏名カナ", "氏名カナ,氏名", 1);
    match read_members(&text) {
        Err(ImportError::Header { expected, found }) => {
            assert_eq!(expected, HEADER);
            assert!(found.starts_with("記号,番号,枝番,氏名カナ,氏名"));
        }
        other => panic!("expected a header error, got {other:?}"),
    }
    let missing = file(&[]).replacen(",住所", "", 1);
    assert!(matches!(
        read_members(&missing),
        Err(ImportError::Header { .. })
    ));
    let extra = file(&[]).replacen(",住所", ",住所,備考", 1);
    assert!(matches!(
        read_members(&extra),
        Err(ImportError::Header { .. })
    ));
    assert!(matches!(read_members(""), Err(ImportError::Header { found, .. }) if found.is_empty()));
}

#[test]
fn header_names_are_trimmed() {
    let text = file(&[INSURED]).replacen("記号,番号", " 記号 ,番号　", 1);
    assert_eq!(read_members(&text).unwrap().len(), 1);
}

#[test]
fn bad_line_among_good_ones_gives_its_line_number() {
    let bad = "1201,106,00,鈴木　一郎,スズキ　イチロウ,19800101,3,本人,20000401,,1000001,東京都";
    let text = file(&[
        INSURED,
        SPOUSE,
        bad,
        "1201,107,00,佐藤　一,サトウ　ハジメ,19800101,1,本人,20000401,,1000001,東京都",
    ]);
    let error = only_line_error(read_members(&text));
    assert_eq!((error.line, error.column.as_deref()), (4, Some("性別")));
}

#[test]
fn line_numbers_count_line_breaks_inside_quotes() {
    let two_line_address = "1201,106,00,鈴木　一郎,スズキ　イチロウ,19800101,1,本人,20000401,,1000001,\"東京都\r\n千代田区\"";
    let bad = SPOUSE.replace("配偶者", "妻");
    let text = file(&[INSURED, two_line_address, &bad]);
    let error = only_line_error(read_members(&text));
    assert_eq!((error.line, error.column.as_deref()), (5, Some("続柄")));
}

#[test]
fn wrong_number_of_fields_names_the_line() {
    let text = file(&[
        INSURED,
        "1201,105,01,山田　花子,ヤマダ　ハナコ,19790822,2,配偶者,20050601,,,,",
    ]);
    let error = only_line_error(read_members(&text));
    assert_eq!(error.line, 3);
    assert!(
        error.message.contains("列の数が 13 個"),
        "{}",
        error.message
    );
}

#[test]
fn same_person_twice_names_both_lines() {
    let text = file(&[INSURED, SPOUSE, SPOUSE]);
    let error = only_line_error(read_members(&text));
    assert_eq!(error.line, 4);
    assert!(error.message.contains("3行目"), "{}", error.message);
}

#[test]
fn dependants_without_insured_person_are_refused_once() {
    let child = "1201,105,02,山田　健,ヤマダ　ケン,20120730,1,子,20120730,,,";
    let error = only_line_error(read_members(&file(&[SPOUSE, child])));
    assert_eq!(error.line, 2);
    assert!(
        error.message.contains("本人（枝番 00）"),
        "{}",
        error.message
    );
}

#[test]
fn branch_00_and_insured_relationship_go_together() {
    let error = only_line_error(read_members(&file(&[&INSURED.replace("本人", "配偶者")])));
    assert_eq!(error.column.as_deref(), Some("続柄"));
    let text = file(&[INSURED, &SPOUSE.replace("配偶者", "本人")]);
    let error = only_line_error(read_members(&text));
    assert_eq!((error.line, error.column.as_deref()), (3, Some("枝番")));
}

#[test]
fn insured_person_needs_postal_code_and_address() {
    let text = file(&[&INSURED.replace(",1130033,東京都文京区本郷7-3-1", ",,")]);
    let Err(ImportError::Lines(errors)) = read_members(&text) else {
        panic!("expected line errors");
    };
    let columns: Vec<_> = errors.iter().map(|e| e.column.as_deref()).collect();
    assert_eq!(columns, [Some("郵便番号"), Some("住所")]);
}

#[test]
fn lenient_forms_are_normalised() {
    let insured = "１２０１,１０５,0,山田　太郎　,ヤマダ　タロウ,１９７６０４１８,１,本人,19990401,,113-0033,東京都";
    let people = read_members(&file(&[insured])).unwrap();
    let taro = &people[0];
    assert_eq!(taro.household.to_string(), "1201-105");
    assert_eq!(taro.branch, "00");
    assert_eq!(taro.name, "山田　太郎");
    assert_eq!(taro.birth_date, date(1976, 4, 18));
    assert_eq!(taro.postal_code.as_deref(), Some("1130033"));
}

#[test]
fn loss_before_acquisition_is_refused() {
    let text = file(&[&INSURED.replace("19990401,,", "19990401,19980331,")]);
    let error = only_line_error(read_members(&text));
    assert_eq!(error.column.as_deref(), Some("資格喪失日"));
}

#[test]
fn blank_and_comma_only_lines_are_ignored() {
    let text = file(&[INSURED, "", ",,,,,,,,,,,", SPOUSE, "", ""]);
    assert_eq!(read_members(&text).unwrap().len(), 2);
}

#[test]
fn errors_stop_at_the_limit() {
    let bad = INSURED.replace("19760418", "1976");
    let rows: Vec<String> = (0..150)
        .map(|i| bad.replace("105", &format!("{}", 1000 + i)))
        .collect();
    let rows: Vec<&str> = rows.iter().map(String::as_str).collect();
    let Err(ImportError::Lines(errors)) = read_members(&file(&rows)) else {
        panic!("expected line errors");
    };
    assert_eq!(errors.len(), MAX_LINE_ERRORS);
    assert_eq!(errors[0].line, 2);
    assert!(
        ImportError::Lines(errors)
            .to_string()
            .contains("打ち切りました")
    );
}

#[test]
fn line_numbers_stay_right_after_blank_lines_with_lf_ends() {
    let text = format!(
        "{HEADER}\n\n\n{INSURED}\n\n{}\n",
        SPOUSE.replace("19790822", "1979")
    );
    let error = only_line_error(read_members(&text));
    assert_eq!((error.line, error.column.as_deref()), (6, Some("生年月日")));
}

#[test]
fn too_few_fields_names_the_line() {
    let error = only_line_error(read_members(&file(&[INSURED, "1201,105,01,山田　花子"])));
    assert_eq!(error.line, 3);
    assert!(
        error.message.contains("4 個しかありません"),
        "{}",
        error.message
    );
}
