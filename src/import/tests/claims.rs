use super::{CLAIMS_SJIS, CLAIMS_UTF8, only_line_error};
use crate::domain::claim::{ClaimKind, YearMonth};
use crate::import::encoding::SNIFF_LEN;
use crate::import::{ClaimReader, ImportError, read_claims};

const HEADER: &str =
    "レセプト番号,記号,番号,枝番,診療年月,区分,医療機関等名称,日数,医療費総額,自己負担額,給付金";
const GOOD: &str = "2025030001,1201,105,00,202503,外来,本郷内科クリニック,2,8460,2538,0";

fn file(rows: &[&str]) -> Vec<u8> {
    let mut text = format!("{HEADER}\r\n");
    for row in rows {
        text.push_str(row);
        text.push_str("\r\n");
    }
    text.into_bytes()
}

fn read(rows: &[&str]) -> Result<Vec<crate::domain::claim::Claim>, ImportError> {
    read_claims(std::io::Cursor::new(file(rows)))
}

#[test]
fn utf8_sample_imports_with_line_numbers() {
    let reader = ClaimReader::open(std::io::Cursor::new(CLAIMS_UTF8)).unwrap();
    let claims: Vec<_> = reader.map(Result::unwrap).collect();
    assert_eq!(claims.len(), 6);
    assert_eq!(
        claims.iter().map(|(line, _)| *line).collect::<Vec<_>>(),
        [2, 3, 4, 5, 6, 7]
    );
    let (_, inpatient) = &claims[4];
    assert_eq!(inpatient.kind, ClaimKind::Inpatient);
    assert_eq!(inpatient.month, YearMonth::new(2025, 6).unwrap());
    assert_eq!(inpatient.household.to_string(), "1201-106");
    assert_eq!(
        (
            inpatient.days,
            inpatient.total_cost.get(),
            inpatient.self_pay.get(),
            inpatient.benefit.get()
        ),
        (9, 982340, 294702, 214602)
    );
    assert_eq!(claims[5].1.kind, ClaimKind::HomeNursing);
    assert_eq!(claims[5].1.branch, "01");
}

#[test]
fn shift_jis_twin_gives_the_same_claims() {
    let from_sjis = read_claims(std::io::Cursor::new(CLAIMS_SJIS)).unwrap();
    assert_eq!(
        from_sjis,
        read_claims(std::io::Cursor::new(CLAIMS_UTF8)).unwrap()
    );
    assert_eq!(from_sjis[0].provider, "本郷内科クリニック");
}

#[test]
fn wrong_header_is_refused() {
    let text = String::from_utf8(file(&[GOOD]))
        .unwrap()
        .replacen("日数,", "", 1);
    assert!(matches!(
        ClaimReader::open(std::io::Cursor::new(text.into_bytes())),
        Err(ImportError::Header { .. })
    ));
}

#[test]
fn thousands_separators_are_refused_clearly() {
    let error = only_line_error(read(&[&GOOD.replace(",8460,", ",\"8,460\",")]));
    assert_eq!(
        (error.line, error.column.as_deref()),
        (2, Some("医療費総額"))
    );
    assert!(error.message.contains("桁区切り"), "{}", error.message);
}

#[test]
fn amounts_must_be_whole_non_negative_yen() {
    for bad in [",-8460,", ",8460.5,", ",8460円,"] {
        let error = only_line_error(read(&[&GOOD.replace(",8460,", bad)]));
        assert_eq!(error.column.as_deref(), Some("医療費総額"), "{bad}");
    }
}

#[test]
fn amounts_above_the_ceiling_are_refused_in_their_column() {
    let huge = GOOD.replace(",8460,2538,0", ",18446744073709551615,2538,100000000000");
    let Err(ImportError::Lines(errors)) = read(&[GOOD, &huge]) else {
        panic!("refused");
    };
    let found: Vec<_> = errors
        .iter()
        .map(|e| (e.line, e.column.as_deref()))
        .collect();
    assert_eq!(found, [(3, Some("医療費総額")), (3, Some("給付金"))]);
    assert_eq!(
        errors[0].message,
        "医療費総額「18446744073709551615」は1件あたりの上限 99,999,999,999円 を超えています"
    );
    let at_the_ceiling = GOOD.replace(",8460,2538,0", ",99999999999,99999999999,99999999999");
    let claims = read(&[&at_the_ceiling]).unwrap();
    assert_eq!(claims[0].benefit, crate::domain::yen::Yen::MAX);
}

#[test]
fn self_pay_above_total_is_refused() {
    let error = only_line_error(read(&[&GOOD.replace(",2538,", ",9999,")]));
    assert_eq!(error.column.as_deref(), Some("自己負担額"));
}

#[test]
fn month_and_kind_are_checked() {
    let error = only_line_error(read(&[&GOOD.replace(",202503,", ",202513,")]));
    assert_eq!(error.column.as_deref(), Some("診療年月"));
    assert!(
        error.message.starts_with("診療年月「202513」"),
        "{}",
        error.message
    );
    let error = only_line_error(read(&[&GOOD.replace("外来", "薬局")]));
    assert_eq!(error.column.as_deref(), Some("区分"));
}

#[test]
fn bad_line_does_not_stop_the_stream() {
    let bad = GOOD.replace("外来", "");
    let mut reader = ClaimReader::open(std::io::Cursor::new(file(&[GOOD, &bad, GOOD]))).unwrap();
    assert_eq!(reader.next_claim().unwrap().unwrap().0, 2);
    let error = reader.next_claim().unwrap().unwrap_err();
    assert_eq!((error.line, error.column.as_deref()), (3, Some("区分")));
    assert_eq!(reader.next_claim().unwrap().unwrap().0, 4);
    assert!(reader.next_claim().is_none());
}

#[test]
fn a_line_with_two_problems_gives_two_errors() {
    let bad = GOOD.replace("外来", "").replace(",2,", ",x,");
    let Err(ImportError::Lines(errors)) = read(&[&bad]) else {
        panic!("expected line errors");
    };
    assert_eq!(errors.len(), 2);
    assert!(errors.iter().all(|e| e.line == 2));
}

/// A claim file just over `SNIFF_LEN`, padded so that a multibyte character of a
/// provider name straddles the end of the sniffed chunk.
fn big_file_split_at_sniff_boundary() -> (Vec<u8>, usize) {
    for pad in 0..4 {
        let mut bytes = b"\xef\xbb\xbf".to_vec();
        bytes.extend(file(&[]));
        let mut rows = 0;
        while bytes.len() < SNIFF_LEN * 2 {
            let name = format!(
                "{}訪問看護ステーション青葉",
                "A".repeat(if rows == 0 { pad } else { 0 })
            );
            let row = format!(
                "{:010},1202,7,01,202506,訪問看護,{name},4,48000,4800,0\r\n",
                rows
            );
            bytes.extend_from_slice(row.as_bytes());
            rows += 1;
        }
        if bytes[SNIFF_LEN] & 0xC0 == 0x80 {
            return (bytes, rows);
        }
    }
    panic!("no padding puts a multibyte character on the boundary");
}

#[test]
fn streaming_handles_a_character_split_at_the_sniff_boundary() {
    let (bytes, rows) = big_file_split_at_sniff_boundary();
    let mut reader = ClaimReader::open(std::io::Cursor::new(bytes)).unwrap();
    let mut count = 0;
    while let Some(item) = reader.next_claim() {
        let (_, claim) = item.unwrap();
        assert!(
            claim.provider.ends_with("訪問看護ステーション青葉"),
            "{}",
            claim.provider
        );
        count += 1;
    }
    assert_eq!(count, rows);
}

#[test]
fn shift_jis_garbage_past_the_sniffed_part_ends_the_stream_with_a_line_error() {
    let header = String::from_utf8(file(&[])).unwrap();
    let mut bytes = encoding_rs::SHIFT_JIS.encode(&header).0.into_owned();
    let row = encoding_rs::SHIFT_JIS
        .encode(&format!("{GOOD}\r\n"))
        .0
        .into_owned();
    let mut rows = 0;
    while bytes.len() < SNIFF_LEN * 2 {
        bytes.extend_from_slice(&row);
        rows += 1;
    }
    bytes.extend_from_slice(b"\xff\xff\r\n");
    let mut reader = ClaimReader::open(std::io::Cursor::new(bytes)).unwrap();
    let mut good = 0;
    let error = loop {
        match reader.next_claim() {
            Some(Ok(_)) => good += 1,
            Some(Err(error)) => break error,
            None => panic!("expected an error"),
        }
    };
    assert!(good <= rows);
    assert!(error.line >= 2);
    assert!(reader.next_claim().is_none());
}
